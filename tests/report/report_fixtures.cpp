// SPDX-License-Identifier: GPL-3.0-or-later
#include "report_fixtures.hpp"

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace lacquer::test {
using nlohmann::json;

namespace {

struct TrackSpec {
    const char* title;
    double durationS;     // the audio, fades included
    double crossfadeInS;  // overlap with the previous track
    double gapAfterS;
    double lufs, lra, tp;
};

const std::vector<TrackSpec> kTracks = {
    {"First Light", 32.8, 0.0, 0.0, -17.02, 5.6, -6.1},   {"Night Drive", 41.4, 3.0, 2.0, -13.91, 4.2, -1.08},
    {"Glass Garden", 37.2, 0.0, 2.0, -15.20, 7.9, -3.4},  {"Monolith", 39.9, 0.0, 2.0, -13.55, 3.1, -1.02},
    {"Homecoming", 44.2, 0.0, 0.0, -14.40, 6.3, -2.2},
};

double round2(double v) { return std::round(v * 100) / 100; }

json variant(const std::string& name, const std::string& mode, double target, double ceiling, int rate, int bits,
             const std::string& ext, double levelShift) {
    json v;
    v["targets"] = {{"integrated_lufs", target}, {"true_peak_dbtp", ceiling}, {"mode", mode}};
    json tracks = json::array(), files = json::array(), checks = json::array();
    double start = 0;
    for (std::size_t i = 0; i < kTracks.size(); ++i) {
        const auto& t = kTracks[i];
        const int n = static_cast<int>(i) + 1;
        const double next = i + 1 < kTracks.size() ? kTracks[i + 1].crossfadeInS : 0.0;
        const double fileS = t.durationS + t.gapAfterS - next;
        char file[128];
        std::snprintf(file, sizeof file, "%s/%02d - %s.%s", name.c_str(), n, t.title, ext.c_str());
        const double offset = n == 1 ? -3.0 : 0.0;
        const double lufs = mode == "track" ? target + offset + 0.01 * static_cast<double>(n % 3) : t.lufs + levelShift;
        const double tp = std::min(mode == "track" ? ceiling - 0.05 * n : t.tp + levelShift, 0.9);
        const std::string sha(64, static_cast<char>('a' + n));
        tracks.push_back({{"number", n}, {"title", t.title}, {"file", file}, {"sha256", sha}, {"start_s", round2(start)},
                          {"duration_s", round2(fileS)}, {"integrated_lufs", round2(lufs)}, {"loudness_range_lu", t.lra},
                          {"true_peak_dbtp", round2(tp)}, {"sample_peak_dbfs", round2(tp - 0.3)}, {"gain_db", round2(levelShift + 1.2)},
                          {"limiter_max_gain_reduction_db", round2(1.5 + 0.3 * n)}, {"loudness_offset_lu", offset}});
        files.push_back({{"path", file}, {"sha256", sha}, {"format", ext}, {"sample_rate", rate}, {"bit_depth", bits}, {"channels", 2},
                         {"frames", static_cast<long long>(fileS * rate)}});
        const std::string who = "track " + std::to_string(n) + " (" + t.title + ")";
        checks.push_back({{"name", who + " file complete"}, {"ok", true}, {"detail", "all frames written"}});
        const bool over = tp > ceiling;
        char detail[96];
        std::snprintf(detail, sizeof detail, "%.2f dBTP vs ceiling %.2f dBTP", tp, ceiling);
        checks.push_back({{"name", who + " true peak under ceiling"}, {"ok", !over}, {"detail", detail}});
        start += fileS;
    }
    v["tracks"] = tracks;
    v["files"] = files;
    v["checks"] = checks;
    v["album"] = {{"integrated_lufs", mode == "track" ? target + 0.4 : round2(target + 0.02)}, {"loudness_range_lu", 6.1},
                  {"true_peak_dbtp", tracks[3]["true_peak_dbtp"]}, {"duration_s", round2(start)}};
    if (mode == "album")
        v["checks"].push_back({{"name", "album loudness on target"}, {"ok", true}, {"detail", "-13.98 LUFS vs target -14.00 (0.02 LU)"}});
    v["export"] = {{"format", ext}, {"sample_rate", rate}, {"bit_depth", bits}, {"dither", bits == 16 ? "tpdf" : "none"}};
    v["loudness_solve_iterations"] = 3;
    return v;
}

// Short-term loudness of a synthetic album: each track a slow swell around its level, silence
// (null) in the gaps, as libebur128 reports undefined loudness.
json shortTerm(const json& variant, double periodS) {
    json values = json::array();
    const auto& tracks = variant["tracks"];
    const double total = variant["album"]["duration_s"].get<double>();
    for (double t = periodS; t <= total + 1e-9; t += periodS) {
        json v = nullptr;
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            const double s = tracks[i]["start_s"].get<double>();
            const double audioEnd = s + kTracks[i].durationS - kTracks[i].crossfadeInS;
            if (t >= s && t < audioEnd) {
                const double base = tracks[i]["integrated_lufs"].get<double>();
                v = round2(base + 2.5 * std::sin(2 * std::numbers::pi * (t - s) / 11.0) - (t - s < 3 ? 6 * (3 - (t - s)) / 3 : 0));
            }
        }
        values.push_back(v);
    }
    return {{"period_s", periodS}, {"values", values}};
}

json gainReduction(const json& variant, double periodS, double depth) {
    json values = json::array();
    const double total = variant["album"]["duration_s"].get<double>();
    int k = 0;
    for (double t = periodS; t <= total + 1e-9; t += periodS, ++k) {
        // Transient bursts every 0.5 s, deeper in the loud tracks.
        const double phase = std::fmod(t, 0.5);
        const double loud = 0.5 + 0.5 * std::sin(t / 20.0);
        values.push_back(round2(depth * loud * std::exp(-phase / 0.08) * (k % 7 == 0 ? 1.4 : 1.0)));
    }
    return {{"period_s", periodS}, {"values", values}};
}

json logFreqs(int n) {
    json f = json::array();
    for (int i = 0; i < n; ++i) f.push_back(round2(20.0 * std::pow(1000.0, static_cast<double>(i) / (n - 1))));
    return f;
}

}  // namespace

json minimalReport() {
    json r;
    r["manifest"] = "/home/engineer/albums/first-light/album.yaml";
    r["manifest_sha256"] = "5d41402abc4b2a76b9719d911017c592ae1f1a4b2c6f0a7d1e5b9c8d7e6f5a4b";
    r["lacquer_version"] = "0.1.0";
    r["device"] = "cpu";
    r["variants"]["streaming"] = variant("streaming", "album", -14.0, -1.0, 48000, 24, "flac", 0.0);
    r["variants"]["cd"] = variant("cd", "track", -10.0, -0.3, 44100, 16, "wav", 4.0);
    // One failed check, so the page shows what a failure looks like.
    r["variants"]["cd"]["tracks"][3]["true_peak_dbtp"] = 0.12;
    r["variants"]["cd"]["checks"][7] = {{"name", "track 4 (Monolith) true peak under ceiling"}, {"ok", false},
                                        {"detail", "0.12 dBTP vs ceiling -0.30 dBTP"}};
    return r;
}

json fullReport() {
    json r = minimalReport();
    r["device"] = "NVIDIA H100 80GB HBM3 (Vulkan 1.3)";
    r["backend"] = "vulkan";
    r["lacquer_build"] = "RelWithDebInfo 1788d16";
    r["album"] = {{"title", "First Light"}, {"artist", "The Lacquer Demo Band"}, {"date", "2026"}, {"catalog", "2000000020266"}};

    // The album EQ as designed: high-pass 25 Hz, low shelf +1 dB at 100 Hz, bell -0.8 dB at 3 kHz,
    // high shelf +1.5 dB at 11 kHz (smooth stand-ins for the designer's response).
    json f = json::array(), db = json::array(), dbTrack = json::array();
    for (int i = 0; i < 240; ++i) {
        const double hz = 10.0 * std::pow(2400.0, i / 239.0);
        const double hp = -10 * std::log10(1 + std::pow(25.0 / hz, 8));
        const double ls = 1.0 / (1 + std::pow(hz / 100.0, 2));
        const double bell = -0.8 * std::exp(-std::pow(std::log2(hz / 3000.0) / 0.6, 2));
        const double hs = 1.5 / (1 + std::pow(11000.0 / hz, 2));
        const double bell2 = -1.5 * std::exp(-std::pow(std::log2(hz / 250.0) / 0.8, 2));
        f.push_back(round2(hz));
        db.push_back(std::round((hp + ls + bell + hs) * 1000) / 1000);
        dbTrack.push_back(std::round((hp + ls + bell + hs + bell2) * 1000) / 1000);
    }
    r["chains"]["album"] = {
        {"eq",
         {{{"type", "highpass"}, {"freq_hz", 25}, {"slope_db_oct", 24}},
          {{"type", "lowshelf"}, {"freq_hz", 100}, {"gain_db", 1.0}, {"q", 0.707}},
          {{"type", "bell"}, {"freq_hz", 3000}, {"gain_db", -0.8}, {"q", 1.2}},
          {{"type", "highshelf"}, {"freq_hz", 11000}, {"gain_db", 1.5}, {"q", 0.707}}}},
        {"eq_curve", {{"freqs_hz", f}, {"db", db}}},
        {"reverb", {{"ir", "irs/room.wav"}, {"mix", 0.05}, {"predelay_ms", 12}}},
        {"limiter", {{"ceiling_dbtp", -1.0}, {"lookahead_ms", 5}, {"release_ms", 60}}}};
    r["chains"]["tracks"] = json::array({{{"number", 2},
                                          {"eq", {{{"type", "bell"}, {"freq_hz", 250}, {"gain_db", -1.5}, {"q", 1.0}}}},
                                          {"eq_curve", {{"freqs_hz", f}, {"db", dbTrack}}}}});

    for (auto& [name, v] : r["variants"].items()) {
        json timeline = json::array();
        for (std::size_t i = 0; i < kTracks.size(); ++i) {
            const auto& t = kTracks[i];
            json e = {{"number", static_cast<int>(i) + 1}, {"start_s", v["tracks"][i]["start_s"]}, {"duration_s", t.durationS},
                      {"crossfade_in_s", t.crossfadeInS}, {"gap_after_s", t.gapAfterS}};
            if (name == "cd") e["index_s"] = json::array({v["tracks"][i]["start_s"]});
            timeline.push_back(e);
        }
        v["timeline"] = timeline;
        v["plots"]["short_term_lufs"] = shortTerm(v, 1.0);
        v["plots"]["limiter_gain_reduction_db"] = gainReduction(v, 0.1, name == "cd" ? 4.0 : 1.6);
        json bands = json::array();
        const char* labels[] = {"low < 120 Hz", "low-mid", "high-mid", "high > 6 kHz"};
        for (int b = 0; b < 4; ++b) {
            json g = gainReduction(v, 0.5, 1.2 + 0.4 * b);
            bands.push_back({{"label", labels[b]}, {"values", g["values"]}});
        }
        v["plots"]["multiband_gain_reduction_db"] = {{"period_s", 0.5}, {"bands", bands}};
        json sf = logFreqs(64), before = json::array(), after = json::array();
        for (const auto& hzj : sf) {
            const double hz = hzj.get<double>();
            const double pink = -20 - 3.0 * std::log2(hz / 100.0) - 30 * std::pow(hz / 30000.0, 2);
            const double lift = (name == "cd" ? 4.0 : 0.0) + 1.0 / (1 + std::pow(hz / 100.0, 2)) + 1.5 / (1 + std::pow(11000.0 / hz, 2));
            before.push_back(round2(pink - 4));
            after.push_back(round2(pink - 4 + lift + 3));
        }
        v["plots"]["spectrum_db"] = {{"freqs_hz", sf}, {"before", before}, {"after", after}};
        v["settings"] = {{"loudness", {{"mode", v["targets"]["mode"]}, {"target_lufs", v["targets"]["integrated_lufs"]}}},
                         {"limiter", {{"ceiling_dbtp", v["targets"]["true_peak_dbtp"]}, {"lookahead_ms", 5}, {"release_ms", 60}}}};
    }
    json playback = json::array();
    const char* services[][2] = {{"Spotify", "album"}, {"Spotify", "shuffle"}, {"Apple Music", "album"}, {"YouTube", "track"}};
    const double refs[] = {-14, -14, -16, -14};
    for (int s = 0; s < 4; ++s)
        for (int n = 1; n <= 2; ++n) {
            const double lufs = r["variants"]["streaming"]["tracks"][n - 1]["integrated_lufs"].get<double>();
            const double gain = s == 0 || s == 2 ? refs[s] - (-13.98) : refs[s] - lufs;
            const double applied = std::min(gain, s == 3 ? 0.0 : gain);
            playback.push_back({{"service", services[s][0]}, {"mode", services[s][1]}, {"track", n},
                                {"gain_db", round2(applied)}, {"direction", applied < 0 ? "down" : applied > 0 ? "up" : "none"},
                                {"heard_lufs", round2(lufs + applied)}});
        }
    r["variants"]["streaming"]["playback_simulation"] = playback;
    // What the chain did (render/quality_pass's chain_effect), for the source → master panel.
    for (auto& [name, v] : r["variants"].items())
        for (auto& t : v["tracks"]) {
            const double n = t["number"].get<double>();
            auto side = [&](double lufs, double plr, double sm) {
                return json{{"integrated_lufs", lufs}, {"loudness_range_lu", 6.0}, {"true_peak_dbtp", round2(lufs + plr)}, {"plr_db", plr},
                            {"side_to_mid_db", sm}, {"correlation", 0.8}, {"mono_fold_loss_db", 0.4}, {"balance_db", 0.0}};
            };
            t["chain_effect"] = {{"source", side(-20.0 - n, 14.0, -10.0)},
                                 {"master", side(t["integrated_lufs"].get<double>(), 11.5, -9.8)},
                                 {"octave_centres_hz", {31, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000}},
                                 {"octave_change_db", {6.1, 6.0, 5.5, 5.0, 5.0, 5.1, 4.9, 5.2, 6.0, nullptr}},
                                 {"eq_requested_octave_db", {1.0, 1.0, 0.5, 0.0, 0.0, -0.2, -0.5, 0.0, 1.0, nullptr}},
                                 {"unasked_octave_shift_db", {-0.2, -0.3, -0.3, -0.3, -0.3, -0.1, 0.1, -0.1, -0.3, nullptr}},
                                 {"limiter", {{"max_gain_reduction_db", 1.5 + 0.3 * n}, {"mean_gain_reduction_db", 0.2}}},
                                 {"reverb", {{"mix", 0.05}, {"wet_to_dry_realised_db", -23.0}}}};
        }
    return r;
}

}  // namespace lacquer::test
