// SPDX-License-Identifier: GPL-3.0-or-later
// Quality checks as the user meets them: each warning printed with "passed with N warnings",
// --strict and `checks: { x: fail }` turning a warning into exit 1, `off` silencing it; and a
// render of mixes at several rates through a stereo IR recorded off-centre keeps a mono source
// centred.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::runCommand;

std::string cli() { return test::cliPath().string(); }

// A stereo mix: mid noise plus side noise 10 dB under it (a healthy, mono-compatible image),
// scaled by `gainDb`.
AudioBuffer stereoMix(double seconds, double rateHz, unsigned seed, double gainDb) {
    const AudioBuffer mid = test::musicNoise(seconds, rateHz, 1, seed), side = test::musicNoise(seconds, rateHz, 1, seed + 100);
    AudioBuffer b(2, mid.frames(), rateHz);
    const double g = std::pow(10.0, gainDb / 20.0), s = std::pow(10.0, -10.0 / 20.0);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        b.samples[0][i] = static_cast<float>(g * (mid.samples[0][i] + s * side.samples[0][i]));
        b.samples[1][i] = static_cast<float>(g * (mid.samples[0][i] - s * side.samples[0][i]));
    }
    return b;
}

// Album mode, two tracks; the second 14 dB quieter with no loudness_offset_lu: album_level warns.
fs::path quietTrackAlbum(const std::string& checks) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/a.wav", stereoMix(6.0, 48000, 1, 0.0), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "mixes/b.wav", stereoMix(6.0, 48000, 2, -14.0), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Quality, artist: Tester }
processing: { sample_rate: 48000 }
loudness: { mode: album, target_lufs: -20 }
chain: { eq: [ { type: highpass, freq_hz: 20, slope_db_oct: 24 } ], limiter: { ceiling_dbtp: -1.0 } }
sequence: { gap_s: 1.0 }
)" << checks << R"(
tracks:
  - { file: mixes/a.wav, title: Loud, fade_in_s: 0.2, fade_out_s: 0.2 }
  - { file: mixes/b.wav, title: Quiet, fade_in_s: 0.2, fade_out_s: 0.2 }
variants:
  master: { export: { format: wav, sample_rate: 48000, bit_depth: 24 } }
)";
    return dir;
}

int render(const fs::path& dir, const std::string& flags, std::string* out) {
    return runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string() + " --force " + flags +
                          " 2>&1",
                      out);
}

TEST(QualityCli, AWarningIsPrintedAndStrictMakesItAFailure) {
    const auto dir = quietTrackAlbum("");
    std::string out;
    ASSERT_EQ(render(dir, "", &out), 0) << out;
    EXPECT_NE(out.find("WARN quality: album_level: track 2 (Quiet): album level:"), std::string::npos) << out;
    EXPECT_NE(out.find("passed with 1 warning ("), std::string::npos) << out;
    EXPECT_EQ(out.find("all "), std::string::npos) << out;
    const json r = json::parse(std::ifstream(dir / "out/report.json"));
    int warnings = 0;
    for (const auto& c : r["variants"]["master"]["checks"]) warnings += c.value("severity", "") == "warn" ? 1 : 0;
    EXPECT_EQ(warnings, 1);
    EXPECT_EQ(render(dir, "--strict", &out), 1) << out;
}

TEST(QualityCli, ChecksSectionTurnsACheckOffOrIntoAFailure) {
    std::string out;
    ASSERT_EQ(render(quietTrackAlbum("checks: { album_level: off }"), "", &out), 0) << out;
    EXPECT_NE(out.find("checks passed"), std::string::npos) << out;
    EXPECT_EQ(out.find("WARN"), std::string::npos) << out;
    EXPECT_EQ(render(quietTrackAlbum("checks: { album_level: fail }"), "", &out), 1) << out;
    EXPECT_NE(out.find("FAIL quality: album_level: track 2 (Quiet)"), std::string::npos) << out;
}

TEST(QualityCli, MonoSourceStaysCentredThroughAnOffCentreStereoIrAtMixedRates) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    // A mono mix at 44.1 kHz, a stereo mix at 96 kHz, a stereo IR at 48 kHz whose right channel is
    // 6 dB down (recorded off-centre), processed at 96 kHz: every rate differs.
    test::writeAudio(dir / "mixes/mono.wav", test::musicNoise(6.0, 44100, 1, 3), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "mixes/stereo.wav", stereoMix(6.0, 96000, 4, 0.0), SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    // The IR: decaying white noise (a room's diffuse tail), independent per channel.
    AudioBuffer ir(2, 24000, 48000);
    {
        std::mt19937 rng(5);
        std::normal_distribution<double> n(0.0, 0.3);
        for (std::size_t i = 0; i < ir.frames(); ++i) {
            const double decay = std::pow(10.0, -3.0 * static_cast<double>(i) / (0.4 * 48000));  // RT60 0.4 s
            ir.samples[0][i] = static_cast<float>(decay * n(rng));
            ir.samples[1][i] = static_cast<float>(0.5 * decay * n(rng));
        }
    }
    test::writeAudio(dir / "room.wav", ir, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Centre, artist: Tester }
processing: { sample_rate: 96000 }
chain: { eq: [ { type: highpass, freq_hz: 20, slope_db_oct: 24 } ], reverb: { ir: room.wav, mix: 0.1 }, limiter: { ceiling_dbtp: -1.0 } }
loudness: { mode: track, target_lufs: -18 }
tracks:
  - { file: mixes/mono.wav, title: Mono, fade_in_s: 0.2, fade_out_s: 0.2 }
  - { file: mixes/stereo.wav, title: Stereo, fade_in_s: 0.2, fade_out_s: 0.2 }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
)";
    std::string out;
    ASSERT_EQ(render(dir, "", &out), 0) << out;
    const json r = json::parse(std::ifstream(dir / "out/report.json"));
    const json& mono = r["variants"]["streaming"]["tracks"][0]["chain_effect"];
    // Both IR channels are normalised on their own, so the wet level is the same in each. The
    // wet is -20 dB (mix 0.1), so even a 1 dB difference between the wet channels would move the
    // sum by only 10·log10((1 + 0.01·1.26)/(1 + 0.01/1.26)) = 0.02 dB; the limiter and dither are
    // linked or independent of level. 0.1 dB is 5x that and a fifth of the 0.5 dB the
    // mono_source_off_centre check allows. (Before the normalisation the right wet channel was
    // 6 dB down in the file and the wet ran 6 dB hot at 96 kHz.)
    EXPECT_NEAR(mono["master"]["balance_db"].get<double>(), 0.0, 0.1) << mono.dump();
    // The reverb's realised level is reported: near -20 dB for a flat spectrum.
    EXPECT_NEAR(mono["reverb"]["wet_to_dry_flat_db"].get<double>(), -20.0, 0.01);
    for (const auto& c : r["variants"]["streaming"]["checks"])
        EXPECT_NE(c["name"], "quality: mono_source_off_centre") << c.dump();
}

}  // namespace
}  // namespace lacquer
