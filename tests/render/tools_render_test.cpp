// SPDX-License-Identifier: GPL-3.0-or-later
// chain.compressor, chain.saturation and chain.trim through the render: the processed track has
// the trimmed length exactly (the stages' latency removed), and report.json / report.html show
// the cut, the warnings and the curves.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

// 1.5 s of silence, a count-in (four 20 ms clicks, 0.5 s apart), 0.5 s, 4 s of music, 3 s of
// silence: at 48 kHz.
AudioBuffer countInMix() {
    const double fs = 48000;
    AudioBuffer music = test::musicNoise(4.0, fs, 2, 9);
    AudioBuffer x(2, static_cast<std::size_t>(11.0 * fs), fs);
    for (int c = 0; c < 2; ++c) {
        auto& ch = x.samples[static_cast<std::size_t>(c)];
        for (int k = 0; k < 4; ++k)
            for (std::size_t i = 0; i < 960; ++i) ch[static_cast<std::size_t>((1.5 + 0.5 * k) * fs) + i] = 0.3f * ((i / 24) % 2 ? 1.0f : -1.0f);
        for (std::size_t i = 0; i < music.frames(); ++i) ch[static_cast<std::size_t>(4.0 * fs) + i] = music.samples[static_cast<std::size_t>(c)][i];
    }
    return x;
}

TEST(ToolsRender, TrimmedTrackHasTheKeptLengthAndTheReportShowsTheCutAndCurves) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "mix.wav", countInMix(), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "b.wav", test::musicNoise(5.0, 48000, 2, 4), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Tools, artist: Tester }
processing: { sample_rate: 48000 }
chain:
  compressor: { threshold_db: -24, ratio: 2, attack_ms: 20, release_ms: auto, sidechain_hpf_hz: 90, mix: 0.8, lookahead_ms: 2 }
  saturation: { type: tube, drive_db: 3 }
tracks:
  - { file: mix.wav, title: Count-in, chain: { trim: { head: 3.9, tail: auto, keep_ms: 200, dc: remove } } }
  - { file: b.wav, title: B }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
)";
    const auto plan = manifest::load(dir / "album.yaml");
    const auto engine = convolution::Engine::create({});
    const auto irs = render::loadImpulseResponses(plan);
    const render::ProcessedTrack p = render::processTrack(plan, plan.tracks[0], *engine, irs);
    ASSERT_TRUE(p.trimmed);
    // Head cut exactly 3.9 s (the count-in and silence); tail: the music's last sound + 200 ms,
    // the music stopping at full level at 8 s: the 5 Hz DC high-pass rings after that step for
    // at most ln(√2·1/0.001)/22.2 = 0.33 s over -60 dBFS (docs/dynamics.md, Trim).
    EXPECT_EQ(p.trim.from, 187200u);
    EXPECT_LE(p.trim.to, static_cast<std::size_t>((8.0 + 0.2 + 0.33) * 48000));
    EXPECT_GT(p.trim.to, static_cast<std::size_t>(7.9 * 48000));
    // Same rate, no reverb: the processed track is exactly the kept frames (lookahead and
    // saturator latency removed, nothing lost).
    EXPECT_EQ(p.audio->frames(), p.trim.to - p.trim.from);
    EXPECT_GT(p.compressorMaxReductionDb, 0.5);

    render::RenderOptions options;
    options.outDir = dir / "out";
    render::renderAlbum(plan, options);
    nlohmann::json r;
    std::ifstream(dir / "out/report.json") >> r;
    const auto& t0 = r["variants"]["streaming"]["tracks"][0];
    ASSERT_TRUE(t0.contains("trim"));
    EXPECT_NEAR(t0["trim"]["head_cut_s"].get<double>(), 3.9, 1e-6);
    EXPECT_NEAR(t0["trim"]["source_duration_s"].get<double>(), 11.0, 1e-6);
    EXPECT_GT(t0["trim"]["tail_cut_s"].get<double>(), 11.0 - 8.53);
    EXPECT_FALSE(r["variants"]["streaming"]["tracks"][1].contains("trim"));
    EXPECT_GT(t0["compressor_max_gain_reduction_db"].get<double>(), 0.5);
    bool trimmedCheck = false, warned = false;
    for (const auto& c : r["variants"]["streaming"]["checks"]) {
        const std::string name = c["name"];
        trimmedCheck = trimmedCheck || name == "track 1 (Count-in) trimmed";
        // musicNoise starts and ends at full level: track 2 (untrimmed) is cut at both ends.
        warned = warned || (name == "track 2 (B) clean-up warning" &&
                            c["detail"].get<std::string>().find("starts without fading") != std::string::npos);
    }
    EXPECT_TRUE(trimmedCheck);
    EXPECT_TRUE(warned);
    const auto& album = r["chains"]["album"];
    EXPECT_EQ(album["compressor"]["release_ms"], "auto");
    EXPECT_EQ(album["saturation"]["type"], "tube");
    ASSERT_EQ(album["compressor_curve"]["in_db"].size(), 61u);
    // The curve's top: 24 dB over at ratio 2 with a 6 dB knee: -12 dB of gain, mixed 0.8 wet.
    EXPECT_NEAR(album["compressor_curve"]["out_db"][60].get<double>(), 20 * std::log10(0.2 + 0.8 * std::pow(10, -12 / 20.0)), 1e-3);
    EXPECT_EQ(album["saturation_curve"]["in"].size(), 161u);
    std::stringstream html;
    html << std::ifstream(dir / "out/report.html").rdbuf();
    EXPECT_NE(html.str().find("compressor-curve"), std::string::npos);
    EXPECT_NE(html.str().find("saturation-curve"), std::string::npos);
}

}  // namespace
}  // namespace lacquer
