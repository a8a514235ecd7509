// SPDX-License-Identifier: GPL-3.0-or-later
#include "report/tool_settings.hpp"

#include "lacquer/dynamics/glue_compressor.hpp"
#include "lacquer/dynamics/saturator.hpp"
#include "lacquer/report/report.hpp"

namespace lacquer::report {

void addToolSettings(const ChainParams& c, nlohmann::json& j) {
    if (c.compressor) {
        const auto& p = *c.compressor;
        j["compressor"] = {{"threshold_db", p.thresholdDb},
                           {"ratio", p.ratio},
                           {"knee_db", p.kneeDb},
                           {"attack_ms", p.attackMs},
                           {"release_ms", p.autoRelease ? nlohmann::json("auto") : nlohmann::json(p.releaseMs)},
                           {"makeup_db", p.makeupDb},
                           {"sidechain_hpf_hz", p.sidechainHpfHz},
                           {"mix", p.mix},
                           {"lookahead_ms", p.lookaheadMs},
                           {"mode", p.stereoMode == dynamics::StereoMode::MidSide ? "ms" : "lr"},
                           {"detector", p.detector == dynamics::Detector::Rms ? "rms" : "peak"},
                           {"position", p.position == dynamics::GluePosition::AfterMultiband ? "after_multiband" : "before_multiband"}};
    }
    if (c.saturation) {
        const auto& p = *c.saturation;
        j["saturation"] = {{"type", p.type == dynamics::SaturationType::Tube ? "tube" : "soft"},
                           {"drive_db", p.driveDb},
                           {"output_db", p.autoOutput ? nlohmann::json("auto") : nlohmann::json(p.outputDb)},
                           {"mix", p.mix}};
    }
    if (c.trim) {
        const auto& p = *c.trim;
        auto edge = [](const sequence::TrimEdge& e) { return e.automatic ? nlohmann::json("auto") : nlohmann::json(e.seconds); };
        j["trim"] = {{"head", edge(p.head)},
                     {"tail", edge(p.tail)},
                     {"threshold_db", p.thresholdDb},
                     {"keep_ms", p.keepMs},
                     {"dc", p.removeDc ? "remove" : "keep"}};
    }
}

void addToolCurves(const ChainParams& c, nlohmann::json& j) {
    using nlohmann::json;
    if (c.compressor) {
        json in = json::array(), out = json::array();
        for (int db = -60; db <= 0; ++db) {
            in.push_back(db);
            out.push_back(numberOrNull(dynamics::GlueCompressor::staticOutputDb(db, *c.compressor), 3));
        }
        j["compressor_curve"] = {{"in_db", in}, {"out_db", out}};
    }
    if (c.saturation) {
        json in = json::array(), out = json::array();
        for (int k = -80; k <= 80; ++k) {  // -2..2 full scale: the curve past clipping level
            const double x = k / 40.0;
            in.push_back(x);
            out.push_back(numberOrNull(dynamics::saturationCurve(x, *c.saturation), 4));
        }
        j["saturation_curve"] = {{"in", in}, {"out", out}};
    }
}

}  // namespace lacquer::report
