// SPDX-License-Identifier: GPL-3.0-or-later
// Delivery variants: built-in presets and their precedence, a variant's own chain, codec headroom
// and the vinyl side order. Values are asserted against the numbers docs/manifest.md documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "manifest_helpers.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

using manifest::CheckInputs;
using test::manifestErrors;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

AlbumPlan parsed(const std::string& yaml) {
    return manifest::parse(yaml, "album.yaml", "/albums/night", CheckInputs::No);
}

const VariantPlan& variant(const AlbumPlan& p, const std::string& name) {
    for (const auto& v : p.variants)
        if (v.name == name) return v;
    throw std::runtime_error("no variant " + name);
}

// Two tracks, an album chain with every block, the second track overriding eq and reverb.
// `variants:` is line 15 (without albumExtra), so the variants start at line 16.
std::string album(const std::string& variants, const std::string& albumExtra = "") {
    return R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
processing: { sample_rate: 96000 }
chain:
  eq: [ { type: highpass, freq_hz: 25, slope_db_oct: 24 } ]
  reverb: { ir: irs/room.wav, mix: 0.05 }
  multiband: { crossovers_hz: [200], bands: [ {}, {} ] }
  stereo: { width: 1.1 }
  deesser: { freq_hz: 7000 }
tracks:
  - { file: a.wav, title: A }
  - file: b.wav
    title: B
    chain: { eq: [ { type: bell, freq_hz: 250, gain_db: -1.5, q: 1 } ], reverb: off }
)" + albumExtra +
           "variants:\n" + variants;
}

// ---------------------------------------------------------------------------------------------
// Presets

TEST(VariantPresets, EachPresetResolvesToItsDocumentedValues) {
    const AlbumPlan p = parsed(test::kMinimalManifest + R"(  s: { preset: streaming }
  a: { preset: apple }
  c: { preset: cd }
  v: { preset: vinyl }
  h: { preset: hires }
)");
    struct Expect {
        const char* name;
        double lufs, dbtp;
        ExportFormat format;
        int rateHz, bits;
        double monoBassHz;
        const char* disc;
    };
    const Expect table[] = {
        {"streaming", -14, -1, ExportFormat::Flac, 48000, 24, 0, ""},
        {"apple", -16, -1, ExportFormat::Flac, 96000, 24, 0, ""},
        {"cd", -12, -0.3, ExportFormat::Cd, 44100, 16, 0, ""},
        {"vinyl", -16, -3, ExportFormat::Wav, 96000, 24, 150, "12in-33"},
        {"hires", -14, -1, ExportFormat::Flac, 96000, 24, 0, ""},
    };
    const char* names[] = {"s", "a", "c", "v", "h"};
    for (std::size_t i = 0; i < std::size(table); ++i) {
        SCOPED_TRACE(table[i].name);
        const VariantPlan& v = variant(p, names[i]);
        EXPECT_EQ(v.preset, table[i].name);
        EXPECT_EQ(v.loudness.targetLufs, table[i].lufs);
        EXPECT_EQ(v.loudness.mode, LoudnessMode::Album);  // a preset leaves the mode to the album
        EXPECT_EQ(v.loudness.anchor, AlbumAnchor::Average);
        EXPECT_EQ(v.loudness.maxLimitingDb, 6);
        ASSERT_TRUE(v.limiter);
        EXPECT_EQ(v.limiter->ceilingDbtp, table[i].dbtp);
        EXPECT_EQ(v.limiter->lookaheadMs, 5);  // the built-in limiter timing
        EXPECT_EQ(v.limiter->releaseMs, 60);
        EXPECT_EQ(v.exportSpec.format, table[i].format);
        EXPECT_EQ(v.exportSpec.sampleRateHz, table[i].rateHz);
        EXPECT_EQ(v.exportSpec.bitDepth, table[i].bits);
        EXPECT_EQ(v.exportSpec.dither, DitherKind::Tpdf);
        EXPECT_EQ(v.monoBassHz, table[i].monoBassHz);
        EXPECT_EQ(v.vinylDisc, table[i].disc);
        EXPECT_TRUE(v.sides.empty());
        EXPECT_EQ(v.sideOrder, VinylSideOrder::Planned);
    }
    EXPECT_EQ(variant(p, "streaming").preset, "");  // kMinimalManifest's own variant names none
}

TEST(VariantPresets, TheVariantsKeysWinOverThePresetOneByOne) {
    const AlbumPlan p = parsed(test::kMinimalManifest + R"(  c:
    preset: cd
    loudness: { target_lufs: -10 }
    limiter: { ceiling_dbtp: -0.5 }
    export: { dither: shaped }
  v:
    preset: vinyl
    limiter: off
    mono_bass_hz: 0
    disc: 12in-45
    export: { sample_rate: 48000 }
)");
    const VariantPlan& c = variant(p, "c");
    EXPECT_EQ(c.loudness.targetLufs, -10);
    ASSERT_TRUE(c.limiter);
    EXPECT_EQ(c.limiter->ceilingDbtp, -0.5);
    EXPECT_EQ(c.exportSpec.format, ExportFormat::Cd);  // the rest of the preset's export stays
    EXPECT_EQ(c.exportSpec.sampleRateHz, 44100);
    EXPECT_EQ(c.exportSpec.bitDepth, 16);
    EXPECT_EQ(c.exportSpec.dither, DitherKind::Shaped);
    const VariantPlan& v = variant(p, "v");
    EXPECT_EQ(v.loudness.targetLufs, -16);
    EXPECT_FALSE(v.limiter);
    EXPECT_EQ(v.monoBassHz, 0);
    EXPECT_EQ(v.vinylDisc, "12in-45");
    EXPECT_EQ(v.exportSpec.format, ExportFormat::Wav);
    EXPECT_EQ(v.exportSpec.sampleRateHz, 48000);
    EXPECT_EQ(v.exportSpec.bitDepth, 24);
}

TEST(VariantPresets, APresetBeatsTheAlbumLevelOnlyForTheKeysItSets) {
    const AlbumPlan p = parsed(album("  s: { preset: streaming }\n  plain: { export: { format: flac } }\n",
                                     "loudness: { mode: track, anchor: loudest, target_lufs: -18, "
                                     "max_limiting_db: 4 }\n"));
    const VariantPlan& s = variant(p, "s");
    EXPECT_EQ(s.loudness.targetLufs, -14);                    // the preset
    EXPECT_EQ(s.loudness.mode, LoudnessMode::Track);          // the album's
    EXPECT_EQ(s.loudness.anchor, AlbumAnchor::LoudestTrack);  // the album's
    EXPECT_EQ(s.loudness.maxLimitingDb, 4);                   // the album's
    EXPECT_EQ(variant(p, "plain").loudness.targetLufs, -18);  // no preset: the album's

    std::string withLimiter = test::kMinimalManifest + "  c: { preset: cd }\n";
    withLimiter.replace(withLimiter.find("tracks:"), 0,
                        "chain: { limiter: { ceiling_dbtp: -2, lookahead_ms: 3, release_ms: 100 } }\n");
    const AlbumPlan q = parsed(withLimiter);
    ASSERT_TRUE(variant(q, "c").limiter);
    EXPECT_EQ(variant(q, "c").limiter->ceilingDbtp, -0.3);        // the preset
    EXPECT_EQ(variant(q, "c").limiter->lookaheadMs, 3);           // the album's
    EXPECT_EQ(variant(q, "c").limiter->releaseMs, 100);           // the album's
    EXPECT_EQ(variant(q, "streaming").limiter->ceilingDbtp, -2);  // no preset: the album's
}

TEST(VariantPresets, NamingAnotherFormatStartsFromThatFormatsDefaults) {
    const AlbumPlan p = parsed(test::kMinimalManifest + R"(  w: { preset: apple, export: { format: wav } }
  c: { preset: streaming, export: { format: cd } }
  f: { preset: hires, export: { format: flac } }
)");
    const VariantPlan& w = variant(p, "w");
    EXPECT_EQ(w.loudness.targetLufs, -16);  // the preset's loudness stays
    EXPECT_EQ(w.exportSpec.format, ExportFormat::Wav);
    EXPECT_EQ(w.exportSpec.sampleRateHz, 48000);  // wav's default, not apple's 96 kHz
    EXPECT_EQ(variant(p, "c").exportSpec.sampleRateHz, 44100);
    EXPECT_EQ(variant(p, "c").exportSpec.bitDepth, 16);
    EXPECT_EQ(variant(p, "f").exportSpec.sampleRateHz, 96000);  // same format: the preset's export stays
}

TEST(VariantPresets, AnUnknownPresetIsOneErrorWithASuggestion) {
    EXPECT_THAT(
        manifestErrors(test::kMinimalManifest + "  a: { preset: streamng }\n  b: { preset: dvd }\n"),
        ElementsAre("album.yaml:11:16: preset 'streamng' is not one of streaming, apple, cd, vinyl or "
                    "hires — did you mean 'streaming'?",
                    "album.yaml:12:16: preset 'dvd' is not one of streaming, apple, cd, vinyl or hires "
                    "— use one of those"));
}

TEST(VariantPresets, PresetKeysAreCheckedAsUsual) {
    EXPECT_THAT(
        manifestErrors(test::kMinimalManifest +
                       "  c: { preset: cd, export: { bit_depth: 24 }, loudness: { target_lufs: 3 } }\n"),
        ElementsAre("album.yaml:11:41: a cd export is 16 bit, not 24 — remove bit_depth or "
                    "set it to 16 (Red Book)",
                    "album.yaml:11:72: target_lufs is 3, outside -40..0 LUFS — use a value from -40 to 0 "
                    "LUFS"));
}

// The table in docs/manifest.md ("### Presets") lists what the code does, row by row.
TEST(VariantPresets, TheDocumentedTableMatchesTheCode) {
    std::ifstream in(test::sourceDir() / "docs" / "manifest.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const auto at = doc.find("### Presets");
    ASSERT_NE(at, std::string::npos);
    // | `name` | target LUFS | ceiling dBTP | export | mono_bass_hz | disc | ...
    const std::regex row(
        R"(\| `(\w+)` \| (-?[\d.]+) \| (-?[\d.]+) \| `(\w+)`, (\d+) Hz, (\d+) bit \| ([\d.]+|0 = off) \| `?([\w-]+|none)`? \|)");
    int rows = 0;
    std::string yaml = test::kMinimalManifest;
    std::vector<std::smatch> found;
    const std::string section = doc.substr(at, doc.find("\n## ", at) - at);
    for (auto it = std::sregex_iterator(section.begin(), section.end(), row); it != std::sregex_iterator();
         ++it) {
        found.push_back(*it);
        yaml += "  p" + std::to_string(rows++) + ": { preset: " + (*it)[1].str() + " }\n";
    }
    ASSERT_EQ(rows, 5) << "expected one table row per preset";
    const AlbumPlan p = parsed(yaml);
    for (int i = 0; i < rows; ++i) {
        const std::smatch& m = found[static_cast<std::size_t>(i)];
        const VariantPlan& v = variant(p, "p" + std::to_string(i));
        SCOPED_TRACE(m[1].str());
        EXPECT_EQ(v.loudness.targetLufs, std::stod(m[2]));
        EXPECT_EQ(v.limiter->ceilingDbtp, std::stod(m[3]));
        const char* formats[] = {"flac", "wav", "cd"};
        EXPECT_EQ(formats[static_cast<int>(v.exportSpec.format)], m[4].str());
        EXPECT_EQ(v.exportSpec.sampleRateHz, std::stoi(m[5]));
        EXPECT_EQ(v.exportSpec.bitDepth, std::stoi(m[6]));
        EXPECT_EQ(v.monoBassHz, m[7] == "0 = off" ? 0.0 : std::stod(m[7]));
        EXPECT_EQ(v.vinylDisc, m[8] == "none" ? "" : m[8].str());
    }
}

// ---------------------------------------------------------------------------------------------
// A variant's chain

TEST(VariantChain, WithoutItsOwnChainAVariantRunsTheTracksChains) {
    const AlbumPlan p = parsed(album("  s: { preset: streaming }\n"));
    const VariantPlan& s = variant(p, "s");
    ASSERT_EQ(s.trackChains.size(), 2u);
    EXPECT_EQ(s.trackChains[0], p.tracks[0].chain);
    EXPECT_EQ(s.trackChains[1], p.tracks[1].chain);
    EXPECT_FALSE(s.overridesChain);
}

TEST(VariantChain, ItsBlockReplacesTheAlbumsAndATracksOwnBlockStillWins) {
    const AlbumPlan p = parsed(album(R"(  warm:
    preset: streaming
    chain:
      eq: [ { type: lowshelf, freq_hz: 120, gain_db: 2 } ]
      reverb: { ir: irs/hall.wav, mix: 0.1 }
      multiband: off
)"));
    const VariantPlan& w = variant(p, "warm");
    EXPECT_TRUE(w.overridesChain);
    ASSERT_EQ(w.trackChains.size(), 2u);
    // Track 1 follows the album chain: the variant's eq and reverb replace the album's.
    const ChainParams& a = w.trackChains[0];
    ASSERT_EQ(a.eq.size(), 1u);
    EXPECT_EQ(a.eq[0].type, eq::BandType::LowShelf);
    EXPECT_EQ(a.eq[0].gainDb, 2);
    ASSERT_TRUE(a.reverb);
    EXPECT_EQ(a.reverb->irPath, "/albums/night/irs/hall.wav");
    EXPECT_EQ(a.reverb->mix, 0.1);
    EXPECT_FALSE(a.multiband);                 // off for this variant
    EXPECT_EQ(a.stereo, p.albumChain.stereo);  // not named: the album's
    EXPECT_EQ(a.deesser, p.albumChain.deesser);
    // Track 2 overrides eq and reverb itself: those stay its own; multiband follows the variant.
    const ChainParams& b = w.trackChains[1];
    EXPECT_EQ(b.eq, p.tracks[1].chain.eq);
    ASSERT_EQ(b.eq.size(), 1u);
    EXPECT_EQ(b.eq[0].type, eq::BandType::Bell);
    EXPECT_FALSE(b.reverb);
    EXPECT_FALSE(b.multiband);
    // The tracks' own plans are untouched by the variant.
    EXPECT_EQ(p.tracks[0].chain.eq.size(), 1u);
    EXPECT_EQ(p.tracks[0].chain.eq[0].type, eq::BandType::Highpass);
    EXPECT_TRUE(p.tracks[0].chain.multiband);
}

TEST(VariantChain, ABlockEqualToTheAlbumsOverridesNothing) {
    const AlbumPlan p = parsed(album("  s: { preset: streaming, chain: { stereo: { width: 1.1 } } }\n"));
    EXPECT_FALSE(variant(p, "s").overridesChain);
    EXPECT_EQ(variant(p, "s").trackChains[0], p.tracks[0].chain);
}

TEST(VariantChain, ItsStereoIsSeparateFromTheVariantsStereoDelta) {
    const AlbumPlan p = parsed(
        album("  s: { preset: streaming, stereo: { width: 0.5 }, chain: { stereo: { width: 1.3 } } }\n"));
    const VariantPlan& s = variant(p, "s");
    ASSERT_TRUE(s.stereo);
    EXPECT_EQ(s.stereo->width, 0.5);  // the delta, after the shared chain at the delivery rate
    ASSERT_TRUE(s.trackChains[0].stereo);
    EXPECT_EQ(s.trackChains[0].stereo->width, 1.3);  // inside the shared chain
    EXPECT_EQ(p.tracks[0].chain.stereo->width, 1.1);
}

TEST(VariantChain, ItIsCheckedLikeTheAlbumChainAndHasNoLimiter) {
    EXPECT_THAT(
        manifestErrors(album(R"(  s:
    preset: streaming
    chain:
      limiter: { ceiling_dbtp: -2 }
      eq: [ { type: bell, freq_hz: 60000, gain_db: 1 } ]
      revreb: off
)")),
        ElementsAre(
            "album.yaml:19:7: a variant's limiter is not part of its chain — move it out of chain: to "
            "the variant's own 'limiter:' key",
            "album.yaml:20:36: freq_hz is 60000, outside 10..24000 Hz — use a value from 10 to 24000 Hz",
            "album.yaml:21:7: unknown key 'revreb' in variant chain — did you mean 'reverb'?"));
}

TEST(VariantChain, ItsImpulseResponseIsCheckedWhereItIsNamed) {
    // Nothing exists in the scratch folder, so the tracks and both IRs are all missing; the
    // variant's IR is reported at its own line and column.
    const auto dir = test::scratchDir();
    const auto errors =
        manifestErrors(album("  s: { preset: streaming, chain: { reverb: { ir: hall.wav, mix: 0.1 } } }\n"),
                       CheckInputs::Yes, dir);
    const std::string expected = "album.yaml:16:50: ir 'hall.wav' does not exist (looked for " +
                                 (dir / "hall.wav").string() +
                                 ") — check the path; relative paths start at the manifest's folder";
    EXPECT_NE(std::find(errors.begin(), errors.end(), expected), errors.end())
        << ::testing::PrintToString(errors);
}

TEST(ChainParams, EqualityComparesEveryBlockMemberByMember) {
    ChainParams a;
    a.eq = {eq::Band{eq::BandType::Bell, 1000, 1, 1, 12}};
    a.reverb = reverb::Params{"/ir.wav", 0.1, 10, 0, 0};
    a.multiband = dynamics::MultibandParams{{200}, {{}, {}}};
    a.stereo = dynamics::StereoParams{1.1, 0};
    a.deesser = dynamics::DeesserParams{};
    EXPECT_EQ(a, a);
    auto differs = [&](auto change) {
        ChainParams b = a;
        change(b);
        return !(b == a);
    };
    EXPECT_TRUE(differs([](ChainParams& b) { b.eq[0].gainDb = 1.5; }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.eq.push_back({}); }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.reverb->irPath = "/other.wav"; }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.reverb->mix = 0.2; }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.multiband->bands[1].ratio = 3; }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.multiband->crossoversHz[0] = 250; }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.stereo.reset(); }));
    EXPECT_TRUE(differs([](ChainParams& b) { b.deesser->releaseMs = 80; }));
}

// ---------------------------------------------------------------------------------------------
// Codec headroom

TEST(CodecHeadroom, AFlacVariantIsCheckedAgainstItsCeilingByDefault) {
    const AlbumPlan p = parsed(test::kMinimalManifest +
                               R"(  quiet: { limiter: { ceiling_dbtp: -1.5 }, export: { format: flac } }
  bare: { limiter: off, export: { format: flac } }
  v: { preset: vinyl }
)");
    EXPECT_FALSE(variant(p, "streaming").lowerCeilingForCodecs);
    EXPECT_EQ(variant(p, "streaming").maxDecodedDbtp, -1);
    EXPECT_EQ(variant(p, "quiet").maxDecodedDbtp, -1.5);
    EXPECT_EQ(variant(p, "bare").maxDecodedDbtp, -1);  // no limiter: the streaming guidance
    EXPECT_FALSE(variant(p, "v").lowerCeilingForCodecs);
}

TEST(CodecHeadroom, LowerModeAndItsOwnLimit) {
    const AlbumPlan p =
        parsed(test::kMinimalManifest + R"(  a: { preset: apple, codec_headroom: { mode: lower } }
  b: { preset: streaming, codec_headroom: { mode: lower, max_decoded_dbtp: -0.5 } }
  c: { preset: streaming, codec_headroom: { mode: check, max_decoded_dbtp: -2 } }
)");
    EXPECT_TRUE(variant(p, "a").lowerCeilingForCodecs);
    EXPECT_EQ(variant(p, "a").maxDecodedDbtp, -1);  // apple's ceiling
    EXPECT_TRUE(variant(p, "b").lowerCeilingForCodecs);
    EXPECT_EQ(variant(p, "b").maxDecodedDbtp, -0.5);
    EXPECT_FALSE(variant(p, "c").lowerCeilingForCodecs);
    EXPECT_EQ(variant(p, "c").maxDecodedDbtp, -2);
    EXPECT_TRUE(variant(p, "a").codecRoundTrips);  // check and lower both make the round trips
    EXPECT_TRUE(variant(p, "c").codecRoundTrips);
}

TEST(CodecHeadroom, OffTurnsTheRoundTripsOffPerVariant) {
    const AlbumPlan p = parsed(test::kMinimalManifest + R"(  fast: { preset: streaming, codec_headroom: { mode: off } }
  full: { preset: streaming }
)");
    EXPECT_FALSE(variant(p, "fast").codecRoundTrips);
    EXPECT_FALSE(variant(p, "fast").lowerCeilingForCodecs);
    EXPECT_TRUE(variant(p, "full").codecRoundTrips);
}

TEST(CodecHeadroom, OnlyFlacVariantsWithALimiterCanUseIt) {
    EXPECT_THAT(
        manifestErrors(test::kMinimalManifest + R"(  c: { preset: cd, codec_headroom: { mode: check } }
  v: { preset: vinyl, export: { format: flac }, codec_headroom: { mode: lower } }  # flac after all: fine
  w: { codec_headroom: {}, export: { format: wav } }
  x: { preset: streaming, limiter: off, codec_headroom: { mode: lower } }
  y: { preset: streaming, codec_headroom: { mode: lowr, max_decoded_dbtp: 1 } }
)"),
        ElementsAre("album.yaml:11:20: codec_headroom applies to flac variants only; this one exports cd "
                    "— remove it; the lossy encodes that need the headroom are made from a streaming "
                    "(flac) master",
                    "album.yaml:13:8: codec_headroom applies to flac variants only; this one exports wav "
                    "— remove it; the lossy encodes that need the headroom are made from a streaming "
                    "(flac) master",
                    "album.yaml:14:65: codec_headroom mode lower needs a limiter, and this variant has "
                    "'limiter: off' — use 'mode: check' to measure only, or give the variant a limiter",
                    "album.yaml:15:51: mode 'lowr' is not one of check, lower or off — did you mean 'lower'?",
                    "album.yaml:15:75: max_decoded_dbtp is 1, outside -12..0 dBTP — use a value from -12 "
                    "to 0 dBTP"));
}

// ---------------------------------------------------------------------------------------------
// Vinyl sides

TEST(VinylSides, PlannedSidesCanKeepTheRunningOrder) {
    const AlbumPlan p = parsed(test::kMinimalManifest + R"(  a: { preset: vinyl, side_order: running }
  b: { sides: auto, side_order: planned, export: { format: wav } }
  c: { disc: 7in-45, export: { format: wav } }
)");
    EXPECT_EQ(variant(p, "a").sideOrder, VinylSideOrder::Running);
    EXPECT_EQ(variant(p, "b").sideOrder, VinylSideOrder::Planned);
    EXPECT_EQ(variant(p, "b").vinylDisc, "12in-33");  // `sides:` makes a vinyl variant, as before
    EXPECT_TRUE(variant(p, "b").sides.empty());       // auto: planned by the render
    EXPECT_EQ(variant(p, "c").sideOrder, VinylSideOrder::Planned);  // the default
}

TEST(VinylSides, SideOrderNeedsPlannedVinylSides) {
    EXPECT_THAT(
        manifestErrors(test::kMinimalManifest + R"(  a: { preset: streaming, side_order: running }
  b: { preset: vinyl, sides: { A: [1] }, side_order: running }
  c: { preset: vinyl, side_order: runing }
  d: { preset: vinyl, sides: {} }
  e: { preset: vinyl, sides: automatic }
)"),
        ElementsAre("album.yaml:11:27: side_order applies to vinyl variants only — add 'disc:' (e.g. "
                    "12in-33) to make this a vinyl premaster, or remove side_order",
                    "album.yaml:12:42: side_order applies to planned sides; these sides are written out — "
                    "remove side_order (written sides play in the order given), or write 'sides: auto'",
                    "album.yaml:13:35: side_order 'runing' is not one of planned or running — did you mean "
                    "'running'?",
                    "album.yaml:14:30: sides is empty — list the sides like { A: [1, 2], B: [3] }, or "
                    "write 'sides: auto'",
                    "album.yaml:15:30: sides: expected auto or a mapping of sides to track numbers, got "
                    "'automatic' — write 'sides: auto' to have them planned, or list them like { A: [1, "
                    "2], B: [3, 4] }"));
}

// A side's name becomes part of a file name ("Side A.wav") and of messages: a control character
// or a path separator in it is refused, and the message shows it escaped (found by fuzzing:
// tests/fuzz/regressions/manifest/side-name-with-a-control-character.yaml).
TEST(VinylSides, ASideNameThatCannotBeAFileNameIsRefused) {
    EXPECT_THAT(manifestErrors(test::kMinimalManifest + "  a: { preset: vinyl, sides: { \"A\\x16\": [1], \"../B\": [1], .C: [1] } }\n"),
                ElementsAre("album.yaml:11:32: side name 'A\\x16' cannot be part of a file name — name the sides with "
                            "letters or digits, like A, B, C, D",
                            "album.yaml:11:46: side name '../B' cannot be part of a file name — name the sides with "
                            "letters or digits, like A, B, C, D",
                            "album.yaml:11:59: side name '.C' cannot be part of a file name — name the sides with "
                            "letters or digits, like A, B, C, D"));
}

// ---------------------------------------------------------------------------------------------
// The albums that ship with lacquer

TEST(VariantPresets, TheDemoAlbumsPresetsResolveToTheSettingsItAlwaysRenderedWith) {
    const AlbumPlan p = manifest::load(test::sourceDir() / "albums" / "demo" / "album.yaml", CheckInputs::No);
    ASSERT_EQ(p.variants.size(), 3u);
    // Before presets, the demo wrote these out:
    //   streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
    //   cd: { loudness: { target_lufs: -12 }, limiter: { ceiling_dbtp: -0.3 }, export: { format: cd, dither:
    //   tpdf } } vinyl: { loudness: { target_lufs: -16 }, limiter: { ceiling_dbtp: -3 }, mono_bass_hz: 150,
    //            disc: 12in-33, export: { format: wav, sample_rate: 96000, bit_depth: 24 } }
    // with loudness { mode: track, target_lufs: -14 } and limiter { -1 dBTP, 5 ms, 60 ms } at album level.
    struct Expect {
        const char* name;
        double lufs, dbtp;
        ExportFormat format;
        int rateHz, bits;
        double monoBassHz;
        const char* disc;
    };
    const Expect table[] = {{"streaming", -14, -1, ExportFormat::Flac, 48000, 24, 0, ""},
                            {"cd", -12, -0.3, ExportFormat::Cd, 44100, 16, 0, ""},
                            {"vinyl", -16, -3, ExportFormat::Wav, 96000, 24, 150, "12in-33"}};
    for (const Expect& e : table) {
        SCOPED_TRACE(e.name);
        const VariantPlan& v = variant(p, e.name);
        EXPECT_EQ(v.loudness.mode, LoudnessMode::Track);
        EXPECT_EQ(v.loudness.anchor, AlbumAnchor::Average);
        EXPECT_EQ(v.loudness.maxLimitingDb, 6);
        EXPECT_EQ(v.loudness.targetLufs, e.lufs);
        ASSERT_TRUE(v.limiter);
        EXPECT_EQ(v.limiter->ceilingDbtp, e.dbtp);
        EXPECT_EQ(v.limiter->lookaheadMs, 5);
        EXPECT_EQ(v.limiter->releaseMs, 60);
        EXPECT_EQ(v.exportSpec.format, e.format);
        EXPECT_EQ(v.exportSpec.sampleRateHz, e.rateHz);
        EXPECT_EQ(v.exportSpec.bitDepth, e.bits);
        EXPECT_EQ(v.exportSpec.dither, DitherKind::Tpdf);
        EXPECT_EQ(v.monoBassHz, e.monoBassHz);
        EXPECT_EQ(v.vinylDisc, e.disc);
        EXPECT_TRUE(v.sides.empty());
        EXPECT_EQ(v.sideOrder, VinylSideOrder::Planned);
        EXPECT_FALSE(v.stereo);
        EXPECT_FALSE(v.deesser);
        EXPECT_FALSE(v.overridesChain);
    }
}

TEST(VariantPresets, ThePresetsExampleUsesEveryVariantFeature) {
    const AlbumPlan p =
        manifest::load(test::sourceDir() / "albums" / "examples" / "presets.yaml", CheckInputs::No);
    std::set<std::string> presets;
    bool chain = false, lower = false, running = false;
    for (const auto& v : p.variants) {
        presets.insert(v.preset);
        chain = chain || v.overridesChain;
        lower = lower || v.lowerCeilingForCodecs;
        running = running || v.sideOrder == VinylSideOrder::Running;
    }
    EXPECT_EQ(presets, (std::set<std::string>{"streaming", "apple", "cd", "vinyl", "hires"}));
    EXPECT_TRUE(chain);
    EXPECT_TRUE(lower);
    EXPECT_TRUE(running);
}

}  // namespace
}  // namespace lacquer
