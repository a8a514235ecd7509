// SPDX-License-Identifier: GPL-3.0-or-later
// chain.compressor, chain.saturation and chain.trim: resolved values, album-wide and per track,
// and their mistakes with file:line:col.
#include <gtest/gtest.h>

#include "manifest_helpers.hpp"

namespace lacquer {
namespace {

using test::manifestErrors;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kTools = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
chain:
  compressor: { threshold_db: -20, ratio: 1.5, knee_db: 8, attack_ms: 30, release_ms: auto, makeup_db: 1,
                sidechain_hpf_hz: 90, mix: 0.7, lookahead_ms: 2, mode: ms, detector: peak, position: after_multiband }
  saturation: { type: tube, drive_db: 3, mix: 0.5 }
  trim: { head: auto, tail: 2.5, threshold_db: -55, keep_ms: 80, dc: remove }
tracks:
  - file: mixes/01.wav
    title: Intro
  - file: mixes/02.wav
    title: Two
    chain:
      compressor: off
      saturation: { type: soft, drive_db: 9, output_db: -2 }
      trim: { head: 1.25 }
variants:
  streaming: { export: { format: flac } }
)";

TEST(ManifestTools, AlbumChainKeysResolveAndTracksOverrideThem) {
    const AlbumPlan p = manifest::parse(kTools, "album.yaml", "/albums/night", manifest::CheckInputs::No);
    ASSERT_TRUE(p.albumChain.compressor);
    const auto& c = *p.albumChain.compressor;
    EXPECT_EQ(c.thresholdDb, -20);
    EXPECT_EQ(c.ratio, 1.5);
    EXPECT_EQ(c.kneeDb, 8);
    EXPECT_EQ(c.attackMs, 30);
    EXPECT_TRUE(c.autoRelease);
    EXPECT_EQ(c.makeupDb, 1);
    EXPECT_EQ(c.sidechainHpfHz, 90);
    EXPECT_EQ(c.mix, 0.7);
    EXPECT_EQ(c.lookaheadMs, 2);
    EXPECT_EQ(c.stereoMode, dynamics::StereoMode::MidSide);
    EXPECT_EQ(c.detector, dynamics::Detector::Peak);
    EXPECT_EQ(c.position, dynamics::GluePosition::AfterMultiband);
    ASSERT_TRUE(p.albumChain.saturation);
    EXPECT_EQ(p.albumChain.saturation->type, dynamics::SaturationType::Tube);
    EXPECT_EQ(p.albumChain.saturation->driveDb, 3);
    EXPECT_TRUE(p.albumChain.saturation->autoOutput);
    EXPECT_EQ(p.albumChain.saturation->mix, 0.5);
    ASSERT_TRUE(p.albumChain.trim);
    EXPECT_TRUE(p.albumChain.trim->head.automatic);
    EXPECT_FALSE(p.albumChain.trim->tail.automatic);
    EXPECT_EQ(p.albumChain.trim->tail.seconds, 2.5);
    EXPECT_EQ(p.albumChain.trim->thresholdDb, -55);
    EXPECT_EQ(p.albumChain.trim->keepMs, 80);
    EXPECT_TRUE(p.albumChain.trim->removeDc);
    // Track 1 inherits the album chain; track 2 turns the compressor off and replaces the rest.
    EXPECT_EQ(p.tracks[0].chain.compressor, p.albumChain.compressor);
    EXPECT_FALSE(p.tracks[1].chain.compressor);
    EXPECT_EQ(p.tracks[1].chain.saturation->type, dynamics::SaturationType::Soft);
    EXPECT_FALSE(p.tracks[1].chain.saturation->autoOutput);
    EXPECT_EQ(p.tracks[1].chain.saturation->outputDb, -2);
    EXPECT_EQ(p.tracks[1].chain.trim->head.seconds, 1.25);
    EXPECT_TRUE(p.tracks[1].chain.trim->tail.automatic);  // a replaced block starts from the defaults
}

TEST(ManifestTools, MistakesAreReportedWithLineAndColumn) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
chain:
  compressor: { ratio: 0.5, release_ms: fast, mix: 2, lookahead_ms: 30, position: last, sidechain_hpf_hz: 5 }
  saturation: { type: fuzz, drive_db: 40, output_db: loud }
  trim: { head: soon, tail: -1, threshold_db: -10, keep_ms: 9000, dc: drop }
tracks:
  - { file: mixes/01.wav, title: Intro }
variants:
  streaming: { export: { format: flac }, chain: { trim: { head: auto } } }
)";
    const auto errors = manifestErrors(yaml);
    ASSERT_EQ(errors.size(), 15u) << ::testing::PrintToString(errors);
    EXPECT_EQ(errors[0], "album.yaml:4:24: ratio is 0.5, outside 1..20 — use a value from 1 to 20");
    EXPECT_EQ(errors[1], "album.yaml:4:41: release_ms: expected auto or a number, got 'fast' — write auto, or a number from 1 to 5000 ms");
    for (const auto& [i, prefix] : std::vector<std::pair<int, std::string>>{
             {2, "album.yaml:4:52: mix is 2"},
             {3, "album.yaml:4:69: lookahead_ms is 30"},
             {4, "album.yaml:4:83: position"},
             {5, "album.yaml:4:107: sidechain_hpf_hz is 5"},
             {6, "album.yaml:5:23: type"},
             {7, "album.yaml:5:39: drive_db is 40"},
             {8, "album.yaml:5:54: output_db: expected auto or a number"},
             {9, "album.yaml:6:17: head: expected auto or a number"},
             {10, "album.yaml:6:29: tail is -1"},
             {11, "album.yaml:6:47: threshold_db is -10"},
             {12, "album.yaml:6:61: keep_ms is 9000"},
             {13, "album.yaml:6:71: dc"},
             {14, "album.yaml:10:51: trim cannot be set in a variant's chain"}})
        EXPECT_EQ(errors[static_cast<std::size_t>(i)].rfind(prefix, 0), 0u) << errors[static_cast<std::size_t>(i)];
}

TEST(ManifestTools, OffTurnsThemOffAndEmptyBlocksTakeTheDefaults) {
    const std::string yaml = test::kMinimalManifest + "chain: { compressor: {}, saturation: {}, trim: {} }\n";
    EXPECT_THAT(manifestErrors(yaml), IsEmpty());
    const AlbumPlan p = manifest::parse(yaml, "album.yaml", "/albums/night", manifest::CheckInputs::No);
    EXPECT_EQ(*p.albumChain.compressor, dynamics::GlueCompressorParams{});
    EXPECT_EQ(*p.albumChain.saturation, dynamics::SaturationParams{});
    EXPECT_EQ(*p.albumChain.trim, sequence::TrimParams{});
}

}  // namespace
}  // namespace lacquer
