// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/tool_keys.hpp"

#include <fmt/format.h>

namespace lacquer::manifest::detail {
namespace {

// Value ranges (docs/manifest.md lists the same numbers).
constexpr Range kThresholdDb{-60, 0, "dB"};
constexpr Range kRatio{1, 20, ""};
constexpr Range kKneeDb{0, 24, "dB"};
constexpr Range kAttackMs{0.1, 500, "ms"};
constexpr Range kReleaseMs{1, 5000, "ms"};
constexpr Range kMakeupDb{-12, 24, "dB"};
constexpr Range kSidechainHz{20, 500, "Hz", true};
constexpr Range kMix{0, 1, ""};
constexpr Range kLookaheadMs{0, 20, "ms"};
constexpr Range kDriveDb{0, 24, "dB"};
constexpr Range kOutputDb{-24, 24, "dB"};
constexpr Range kTrimS{0, 600, "s"};
constexpr Range kTrimThresholdDb{-96, -20, "dBFS"};
constexpr Range kKeepMs{0, 5000, "ms"};

bool isAuto(const Node& v) { return v.kind == Node::Kind::Scalar && !v.quoted && v.text == "auto"; }

// `key: auto | NUMBER`: nullopt when absent or wrong; {true, 0} for auto.
std::optional<std::pair<bool, double>> autoOrNumber(Checker& c, const MapView& m, std::string_view key, const Range& r) {
    const Node* v = m.get(key);
    if (!v) return std::nullopt;
    if (isAuto(*v)) return std::make_pair(true, 0.0);
    if (v->kind != Node::Kind::Invalid && (v->kind != Node::Kind::Scalar || !parseNumber(v->text))) {
        c.error(*v, fmt::format("{}: expected auto or a number, got {}", key, describe(*v)),
                fmt::format("write auto, or a number from {} to {}{}{}", num(r.lo), num(r.hi), r.unit.empty() ? "" : " ", r.unit));
        return std::nullopt;
    }
    if (auto x = c.number(*v, key, r)) return std::make_pair(false, *x);
    return std::nullopt;
}

}  // namespace

std::optional<dynamics::GlueCompressorParams> readGlueCompressor(Checker& c, const Node& v) {
    MapView m(c, &v, "compressor",
              {"threshold_db", "ratio", "knee_db", "attack_ms", "release_ms", "makeup_db", "sidechain_hpf_hz", "mix",
               "lookahead_ms", "mode", "detector", "position"},
              "in compressor");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c.diagnostics().size();
    dynamics::GlueCompressorParams p;
    if (auto x = m.number("threshold_db", kThresholdDb)) p.thresholdDb = *x;
    if (auto x = m.number("ratio", kRatio)) p.ratio = *x;
    if (auto x = m.number("knee_db", kKneeDb)) p.kneeDb = *x;
    if (auto x = m.number("attack_ms", kAttackMs)) p.attackMs = *x;
    if (auto x = autoOrNumber(c, m, "release_ms", kReleaseMs)) {
        p.autoRelease = x->first;
        if (!x->first) p.releaseMs = x->second;
    }
    if (auto x = m.number("makeup_db", kMakeupDb)) p.makeupDb = *x;
    if (auto x = m.frequency("sidechain_hpf_hz", kSidechainHz)) p.sidechainHpfHz = *x;
    if (auto x = m.number("mix", kMix)) p.mix = *x;
    if (auto x = m.number("lookahead_ms", kLookaheadMs)) p.lookaheadMs = *x;
    if (auto x = m.choice("mode", {"lr", "ms"}))
        p.stereoMode = *x == 0 ? dynamics::StereoMode::LeftRight : dynamics::StereoMode::MidSide;
    if (auto x = m.choice("detector", {"rms", "peak"}))
        p.detector = *x == 0 ? dynamics::Detector::Rms : dynamics::Detector::Peak;
    if (auto x = m.choice("position", {"before_multiband", "after_multiband"}))
        p.position = *x == 0 ? dynamics::GluePosition::BeforeMultiband : dynamics::GluePosition::AfterMultiband;
    if (c.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<dynamics::SaturationParams> readSaturation(Checker& c, const Node& v) {
    MapView m(c, &v, "saturation", {"type", "drive_db", "output_db", "mix"}, "in saturation");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c.diagnostics().size();
    dynamics::SaturationParams p;
    if (auto x = m.choice("type", {"soft", "tube"}))
        p.type = *x == 0 ? dynamics::SaturationType::Soft : dynamics::SaturationType::Tube;
    if (auto x = m.number("drive_db", kDriveDb)) p.driveDb = *x;
    if (auto x = autoOrNumber(c, m, "output_db", kOutputDb)) {
        p.autoOutput = x->first;
        p.outputDb = x->second;
    }
    if (auto x = m.number("mix", kMix)) p.mix = *x;
    if (c.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<sequence::TrimParams> readTrim(Checker& c, const Node& v) {
    MapView m(c, &v, "trim", {"head", "tail", "threshold_db", "keep_ms", "dc"}, "in trim");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c.diagnostics().size();
    sequence::TrimParams p;
    if (auto x = autoOrNumber(c, m, "head", kTrimS)) p.head = {x->first, x->second};
    if (auto x = autoOrNumber(c, m, "tail", kTrimS)) p.tail = {x->first, x->second};
    if (auto x = m.number("threshold_db", kTrimThresholdDb)) p.thresholdDb = *x;
    if (auto x = m.number("keep_ms", kKeepMs)) p.keepMs = *x;
    if (auto x = m.choice("dc", {"keep", "remove"})) p.removeDc = *x == 1;
    if (c.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

double explicitTrimS(const std::optional<sequence::TrimParams>& trim) {
    if (!trim) return 0.0;
    return (trim->head.automatic ? 0.0 : trim->head.seconds) + (trim->tail.automatic ? 0.0 : trim->tail.seconds);
}

}  // namespace lacquer::manifest::detail
