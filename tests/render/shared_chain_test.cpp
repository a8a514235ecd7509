// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

TEST(SharedChain, ThreeVariantsRunTheConvolutionStageOncePerTrack) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(5.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "b.wav", test::musicNoise(6.0, 48000, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Count, artist: Tester }
processing: { sample_rate: 48000 }
chain: { eq: [ { type: bell, freq_hz: 1000, gain_db: 2, q: 1 } ] }
tracks:
  - { file: a.wav, title: A }
  - { file: b.wav, title: B }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
  cd: { loudness: { target_lufs: -12 }, export: { format: cd } }
  vinyl: { loudness: { target_lufs: -18 }, mono_bass_hz: 150, disc: 7in-45, export: { format: wav, sample_rate: 48000, bit_depth: 24 } }
)";
    const auto plan = manifest::load(dir / "album.yaml");
    render::RenderOptions options;
    options.outDir = dir / "out";
    render::RenderStats stats;
    render::renderAlbum(plan, options, &stats);
    EXPECT_EQ(stats.sharedChainRuns, 2);  // two tracks, three variants: the shared chain ran twice
    EXPECT_EQ(stats.convolutionRuns, 2);
    EXPECT_TRUE(std::filesystem::exists(dir / "out/vinyl/Side A.wav"));
    EXPECT_TRUE(std::filesystem::exists(dir / "out/cd/album.cue"));
}

// A variant that writes its own `chain:` gets its own shared-chain run for the tracks whose chain
// it changes (track B keeps its own EQ, which wins over the variant's), and the report names it;
// the other variants still share theirs.
TEST(SharedChain, AVariantsOwnChainRunsTheSharedStageAgainOnlyWhereItDiffers) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(5.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "b.wav", test::musicNoise(6.0, 48000, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Count, artist: Tester }
processing: { sample_rate: 48000 }
chain: { eq: [ { type: bell, freq_hz: 1000, gain_db: 2, q: 1 } ] }
tracks:
  - { file: a.wav, title: A }
  - { file: b.wav, title: B, chain: { eq: [ { type: lowshelf, freq_hz: 100, gain_db: 1 } ] } }
variants:
  streaming: { preset: streaming }
  dark: { preset: streaming, chain: { eq: [ { type: highshelf, freq_hz: 8000, gain_db: -3 } ] } }
)";
    const auto plan = manifest::load(dir / "album.yaml");
    render::RenderOptions options;
    options.outDir = dir / "out";
    render::RenderStats stats;
    render::renderAlbum(plan, options, &stats);
    EXPECT_EQ(stats.sharedChainRuns, 3);  // A twice (album EQ, dark's EQ), B once (its own EQ wins)
    EXPECT_EQ(stats.convolutionRuns, 3);
    std::ifstream in(dir / "out/report.json");
    const auto report = nlohmann::json::parse(in);
    const auto& dark = report["variants"]["dark"];
    ASSERT_TRUE(dark.contains("chains"));
    EXPECT_EQ(dark["chains"][0]["eq"][0]["type"], "highshelf");
    EXPECT_EQ(dark["chains"][1]["eq"][0]["type"], "lowshelf");
    EXPECT_FALSE(report["variants"]["streaming"].contains("chains"));
    EXPECT_EQ(dark["preset"], "streaming");
}

}  // namespace
}  // namespace lacquer
