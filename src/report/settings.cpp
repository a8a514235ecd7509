// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/settings.hpp"

#include "lacquer/eq/design.hpp"
#include "lacquer/report/report.hpp"
#include "report/tool_settings.hpp"

namespace lacquer::report {
using nlohmann::json;

// Every setting of a chain that shapes the sound (the render certificate; `lacquer diff` compares them).
json settingsJson(const ChainParams& c) {
    static const char* kTypes[] = {"highpass", "lowpass", "lowshelf", "highshelf", "bell", "notch", "tilt"};
    json eqs = json::array();
    for (const auto& b : c.eq)
        eqs.push_back({{"type", kTypes[static_cast<int>(b.type)]}, {"freq_hz", b.freqHz}, {"gain_db", b.gainDb}, {"q", b.q},
                       {"slope_db_oct", b.slopeDbOct}});
    json j = {{"eq", eqs}};
    if (c.denoise)
        j["denoise"] = {{"reduction_db", c.denoise->reductionDb}, {"sensitivity_db", c.denoise->sensitivityDb},
                        {"time_smoothing", c.denoise->timeSmoothing},
                        {"profile", c.denoise->autoProfile ? json("auto")
                                                           : json{{"file", c.denoise->profileFile.filename().string()},
                                                                  {"start_s", c.denoise->profileStartS},
                                                                  {"end_s", c.denoise->profileEndS}}}};
    if (c.match) {
        json refs = json::array();
        for (const auto& r : c.match->references) refs.push_back(r.filename().string());
        j["match"] = {{"references", refs}, {"amount", c.match->amount}, {"smoothing_oct", c.match->smoothingOct},
                      {"max_boost_db", c.match->maxBoostDb}, {"max_cut_db", c.match->maxCutDb}, {"low_hz", c.match->lowHz},
                      {"high_hz", c.match->highHz}, {"scope", c.match->scope == eq::MatchScope::Album ? "album" : "track"}};
    }
    if (c.reverb)
        j["reverb"] = {{"ir", c.reverb->irPath.filename().string()}, {"mix", c.reverb->mix}, {"predelay_ms", c.reverb->predelayMs},
                       {"wet_lowcut_hz", c.reverb->wetLowCutHz}, {"wet_highcut_hz", c.reverb->wetHighCutHz}};
    if (c.multiband) {
        json bands = json::array();
        for (const auto& b : c.multiband->bands)
            bands.push_back({{"threshold_db", b.thresholdDb}, {"ratio", b.ratio}, {"knee_db", b.kneeDb}, {"attack_ms", b.attackMs},
                             {"release_ms", b.releaseMs}, {"makeup_db", b.makeupDb}, {"stereo_link", b.stereoLink},
                             {"detector", b.detector == dynamics::Detector::Rms ? "rms" : "peak"},
                             {"mode", b.stereoMode == dynamics::StereoMode::MidSide ? "ms" : "lr"}});
        j["multiband"] = {{"crossovers_hz", c.multiband->crossoversHz}, {"bands", bands}};
    }
    if (c.stereo) j["stereo"] = {{"width", c.stereo->width}, {"mono_below_hz", c.stereo->monoBelowHz}};
    if (c.deesser)
        j["deesser"] = {{"freq_hz", c.deesser->freqHz}, {"threshold_db", c.deesser->thresholdDb},
                        {"max_reduction_db", c.deesser->maxReductionDb}};
    addToolSettings(c, j);
    return j;
}

// The designed EQ curves (what the convolution realises), for plots: the album chain and each
// track's resolved chain, at the processing rate.
json chainsJson(const AlbumPlan& plan) {
    auto curve = [&](const eq::Bands& bands) {
        json f = json::array(), db = json::array();
        for (const auto& p : eq::designLinearPhase(bands, plan.processingRateHz).predictedCurve(128)) {
            f.push_back(numberOrNull(p.freqHz, 1));
            db.push_back(numberOrNull(p.gainDb, 3));
        }
        return json{{"freqs_hz", f}, {"db", db}};
    };
    json tracks = json::array();
    const json albumSettings = settingsJson(plan.albumChain);
    for (const auto& t : plan.tracks) {
        // A track's settings are listed only where its chain differs from the album's.
        json c = settingsJson(t.chain);
        if (c == albumSettings) c = json::object();
        c["number"] = t.number;
        c["eq_curve"] = curve(t.chain.eq);
        addToolCurves(t.chain, c);
        tracks.push_back(c);
    }
    json album = settingsJson(plan.albumChain);
    album["eq_curve"] = curve(plan.albumChain.eq);
    addToolCurves(plan.albumChain, album);
    if (plan.albumLimiter)
        album["limiter"] = {{"ceiling_dbtp", plan.albumLimiter->ceilingDbtp}, {"lookahead_ms", plan.albumLimiter->lookaheadMs},
                            {"release_ms", plan.albumLimiter->releaseMs}};
    return json{{"album", album}, {"tracks", tracks}};
}

json bandsJson(const std::vector<double>& bands) {
    json a = json::array();
    for (double b : bands) a.push_back(numberOrNull(b));
    return a;
}

}  // namespace lacquer::report
