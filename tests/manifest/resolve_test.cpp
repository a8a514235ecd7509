// SPDX-License-Identifier: GPL-3.0-or-later
// A valid manifest resolves into the AlbumPlan field by field: defaults, album chain merged into
// each track, variant deltas merged onto the album's loudness and limiter.
#include <gtest/gtest.h>

#include <fstream>

#include "lacquer/manifest/manifest.hpp"
#include "manifest_helpers.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

using manifest::CheckInputs;

const std::string kFull = R"(lacquer: 1
album:
  title: Night Drive
  artist: The Demo Band
  date: "2026-03-14"
  genre: Electronic
  catalog: "0-36000-29145-2"
  cover: art/Cover.JPG
  disc_number: 1
  disc_total: 2
processing: { sample_rate: 48000 }
chain:
  eq:
    - { type: highpass, freq_hz: 25, slope_db_oct: 24 }
    - { type: lowshelf, freq_hz: 90, gain_db: 1.5 }
    - { type: bell, freq_hz: 3200, gain_db: -1.0, q: 1.4 }
    - { type: tilt, freq_hz: 1000, gain_db: 0.5 }
  reverb: { ir: irs/room.wav, mix: 0.05, predelay_ms: 10, wet_lowcut_hz: 200, wet_highcut_hz: 8000 }
  multiband:
    crossovers_hz: [120, 1000]
    bands:
      - { threshold_db: -24, ratio: 2, attack_ms: 30, release_ms: 250 }
      - { threshold_db: -20, ratio: 1.5, knee_db: 3, makeup_db: 1, stereo_link: 0.5, detector: peak, mode: ms }
      - {}
  stereo: { width: 1.1, mono_below_hz: 120 }
  deesser: { freq_hz: 7000, threshold_db: -28, max_reduction_db: 4 }
  limiter: { ceiling_dbtp: -1.5, lookahead_ms: 4 }
loudness: { mode: track, target_lufs: -15, max_limiting_db: 4 }
sequence: { gap_s: 1.5 }
tracks:
  - file: mixes/01-intro.wav
    title: Intro
    isrc: gb-aye-26-00001
    fade_in_s: 0.5
    fade_in_curve: linear
    loudness_offset_lu: -3
    crossfade_s: 4
    crossfade_curve: log
  - file: /elsewhere/02.flac
    title: Drive
    artist: Guest Singer
    composer: A. Writer
    fade_out_s: 3
    fade_out_curve: log
    gap_after_s: 0.5
    chain:
      eq: [ { type: notch, freq_hz: 250, q: 8 } ]
      reverb: off
      stereo: { width: 0.9 }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
  cd:
    loudness: { target_lufs: -10 }
    limiter: { ceiling_dbtp: -0.3 }
    export: { format: cd, dither: shaped }
  vinyl:
    loudness: { mode: album }
    limiter: off
    mono_bass_hz: 150
    sides: { A: [1], B: [2] }
    export: { format: wav, sample_rate: 96000, bit_depth: 32, dither: none }
)";

TEST(ManifestResolve, FullManifestResolvesEveryField) {
    const AlbumPlan p = manifest::parse(kFull, "album.yaml", "/albums/night", CheckInputs::No);

    EXPECT_EQ(p.manifestPath, "/albums/night/album.yaml");
    EXPECT_EQ(p.manifestSha256.size(), 64u);
    EXPECT_EQ(p.album.title, "Night Drive");
    EXPECT_EQ(p.album.artist, "The Demo Band");
    EXPECT_EQ(p.album.date, "2026-03-14");
    EXPECT_EQ(p.album.genre, "Electronic");
    EXPECT_EQ(p.album.catalog, "0036000291452");  // UPC-A gains a leading 0, dashes dropped
    ASSERT_TRUE(p.album.cover);
    EXPECT_EQ(*p.album.cover, "/albums/night/art/Cover.JPG");
    EXPECT_EQ(p.album.discNumber, 1);
    EXPECT_EQ(p.album.discTotal, 2);
    EXPECT_EQ(p.processingRateHz, 48000);

    const ChainParams& a = p.albumChain;
    ASSERT_EQ(a.eq.size(), 4u);
    EXPECT_EQ(a.eq[0].type, eq::BandType::Highpass);
    EXPECT_EQ(a.eq[0].freqHz, 25);
    EXPECT_EQ(a.eq[0].slopeDbOct, 24);
    EXPECT_EQ(a.eq[1].type, eq::BandType::LowShelf);
    EXPECT_EQ(a.eq[1].gainDb, 1.5);
    EXPECT_EQ(a.eq[1].q, 0.707);  // the default shelf slope
    EXPECT_EQ(a.eq[2].type, eq::BandType::Bell);
    EXPECT_EQ(a.eq[2].gainDb, -1.0);
    EXPECT_EQ(a.eq[2].q, 1.4);
    EXPECT_EQ(a.eq[3].type, eq::BandType::Tilt);
    ASSERT_TRUE(a.reverb);
    EXPECT_EQ(a.reverb->irPath, "/albums/night/irs/room.wav");
    EXPECT_EQ(a.reverb->mix, 0.05);
    EXPECT_EQ(a.reverb->predelayMs, 10);
    EXPECT_EQ(a.reverb->wetLowCutHz, 200);
    EXPECT_EQ(a.reverb->wetHighCutHz, 8000);
    ASSERT_TRUE(a.multiband);
    EXPECT_EQ(a.multiband->crossoversHz, (std::vector<double>{120, 1000}));
    ASSERT_EQ(a.multiband->bands.size(), 3u);
    EXPECT_EQ(a.multiband->bands[0].thresholdDb, -24);
    EXPECT_EQ(a.multiband->bands[0].ratio, 2);
    EXPECT_EQ(a.multiband->bands[0].attackMs, 30);
    EXPECT_EQ(a.multiband->bands[0].releaseMs, 250);
    EXPECT_EQ(a.multiband->bands[0].detector, dynamics::Detector::Rms);
    EXPECT_EQ(a.multiband->bands[1].kneeDb, 3);
    EXPECT_EQ(a.multiband->bands[1].makeupDb, 1);
    EXPECT_EQ(a.multiband->bands[1].stereoLink, 0.5);
    EXPECT_EQ(a.multiband->bands[1].detector, dynamics::Detector::Peak);
    EXPECT_EQ(a.multiband->bands[1].stereoMode, dynamics::StereoMode::MidSide);
    EXPECT_EQ(a.multiband->bands[2].thresholdDb, dynamics::CompressorParams{}.thresholdDb);  // all defaults
    ASSERT_TRUE(a.stereo);
    EXPECT_EQ(a.stereo->width, 1.1);
    EXPECT_EQ(a.stereo->monoBelowHz, 120);
    ASSERT_TRUE(a.deesser);
    EXPECT_EQ(a.deesser->freqHz, 7000);
    EXPECT_EQ(a.deesser->thresholdDb, -28);
    EXPECT_EQ(a.deesser->maxReductionDb, 4);
    ASSERT_TRUE(p.albumLimiter);
    EXPECT_EQ(p.albumLimiter->ceilingDbtp, -1.5);
    EXPECT_EQ(p.albumLimiter->lookaheadMs, 4);
    EXPECT_EQ(p.albumLimiter->releaseMs, 60);  // default

    EXPECT_EQ(p.loudness.mode, LoudnessMode::Track);
    EXPECT_EQ(p.loudness.targetLufs, -15);
    EXPECT_EQ(p.loudness.maxLimitingDb, 4);
    EXPECT_EQ(p.sequence.gapS, 1.5);

    ASSERT_EQ(p.tracks.size(), 2u);
    const TrackPlan& t1 = p.tracks[0];
    EXPECT_EQ(t1.number, 1);
    EXPECT_EQ(t1.file, "/albums/night/mixes/01-intro.wav");
    EXPECT_EQ(t1.title, "Intro");
    EXPECT_EQ(t1.artist, "The Demo Band");  // inherited from the album
    EXPECT_EQ(t1.isrc, "GBAYE2600001");     // dashes dropped, uppercased
    EXPECT_EQ(t1.fadeInS, 0.5);
    EXPECT_EQ(t1.fadeInCurve, FadeCurve::Linear);
    EXPECT_EQ(t1.fadeOutCurve, FadeCurve::EqualPower);  // default
    EXPECT_EQ(t1.loudnessOffsetLu, -3);
    EXPECT_EQ(t1.crossfadeS, 4);
    EXPECT_EQ(t1.crossfadeCurve, FadeCurve::Logarithmic);
    EXPECT_FALSE(t1.gapAfterS);
    EXPECT_EQ(t1.loc.str(), "album.yaml:31:5");
    // No track chain: the album chain as is.
    EXPECT_EQ(t1.chain.eq.size(), 4u);
    EXPECT_TRUE(t1.chain.reverb);
    EXPECT_TRUE(t1.chain.multiband);

    const TrackPlan& t2 = p.tracks[1];
    EXPECT_EQ(t2.file, "/elsewhere/02.flac");
    EXPECT_EQ(t2.artist, "Guest Singer");
    EXPECT_EQ(t2.composer, "A. Writer");
    EXPECT_EQ(t2.isrc, "");
    EXPECT_EQ(t2.fadeOutS, 3);
    EXPECT_EQ(t2.fadeOutCurve, FadeCurve::Logarithmic);
    ASSERT_TRUE(t2.gapAfterS);
    EXPECT_EQ(*t2.gapAfterS, 0.5);
    // Track chain: eq replaced, reverb turned off, stereo replaced, the rest from the album.
    ASSERT_EQ(t2.chain.eq.size(), 1u);
    EXPECT_EQ(t2.chain.eq[0].type, eq::BandType::Notch);
    EXPECT_EQ(t2.chain.eq[0].q, 8);
    EXPECT_FALSE(t2.chain.reverb);
    ASSERT_TRUE(t2.chain.stereo);
    EXPECT_EQ(t2.chain.stereo->width, 0.9);
    EXPECT_EQ(t2.chain.stereo->monoBelowHz, 0);  // the whole block is replaced, not merged
    ASSERT_TRUE(t2.chain.multiband);
    EXPECT_EQ(t2.chain.multiband->crossoversHz.size(), 2u);
    ASSERT_TRUE(t2.chain.deesser);
    EXPECT_EQ(t2.chain.deesser->freqHz, 7000);

    ASSERT_EQ(p.variants.size(), 3u);
    const VariantPlan& s = p.variants[0];
    EXPECT_EQ(s.name, "streaming");
    EXPECT_EQ(s.loc.str(), "album.yaml:51:3");
    EXPECT_EQ(s.loudness.mode, LoudnessMode::Track);  // album loudness unchanged
    EXPECT_EQ(s.loudness.targetLufs, -15);
    ASSERT_TRUE(s.limiter);
    EXPECT_EQ(s.limiter->ceilingDbtp, -1.5);  // the album limiter
    EXPECT_EQ(s.exportSpec.format, ExportFormat::Flac);
    EXPECT_EQ(s.exportSpec.sampleRateHz, 48000);
    EXPECT_EQ(s.exportSpec.bitDepth, 24);
    EXPECT_EQ(s.exportSpec.dither, DitherKind::Tpdf);
    EXPECT_TRUE(s.sides.empty());

    const VariantPlan& cd = p.variants[1];
    EXPECT_EQ(cd.name, "cd");
    EXPECT_EQ(cd.loudness.mode, LoudnessMode::Track);  // from the album
    EXPECT_EQ(cd.loudness.targetLufs, -10);            // the variant's
    EXPECT_EQ(cd.loudness.maxLimitingDb, 4);           // from the album
    ASSERT_TRUE(cd.limiter);
    EXPECT_EQ(cd.limiter->ceilingDbtp, -0.3);  // the variant's
    EXPECT_EQ(cd.limiter->lookaheadMs, 4);     // from the album limiter
    EXPECT_EQ(cd.limiter->releaseMs, 60);      // default
    EXPECT_EQ(cd.exportSpec.format, ExportFormat::Cd);
    EXPECT_EQ(cd.exportSpec.sampleRateHz, 44100);  // implied by cd
    EXPECT_EQ(cd.exportSpec.bitDepth, 16);
    EXPECT_EQ(cd.exportSpec.dither, DitherKind::Shaped);

    const VariantPlan& v = p.variants[2];
    EXPECT_EQ(v.loudness.mode, LoudnessMode::Album);
    EXPECT_EQ(v.loudness.targetLufs, -15);
    EXPECT_FALSE(v.limiter);
    EXPECT_EQ(v.monoBassHz, 150);
    EXPECT_EQ(v.sides.at("A"), std::vector<int>{1});
    EXPECT_EQ(v.sides.at("B"), std::vector<int>{2});
    EXPECT_EQ(v.exportSpec.format, ExportFormat::Wav);
    EXPECT_EQ(v.exportSpec.sampleRateHz, 96000);
    EXPECT_EQ(v.exportSpec.bitDepth, 32);
    EXPECT_EQ(v.exportSpec.dither, DitherKind::None);
}

TEST(ManifestResolve, MinimalManifestTakesTheDocumentedDefaults) {
    const AlbumPlan p = manifest::parse(test::kMinimalManifest, "album.yaml", "/a", CheckInputs::No);
    EXPECT_EQ(p.processingRateHz, 96000);
    EXPECT_TRUE(p.albumChain.eq.empty());
    EXPECT_FALSE(p.albumChain.reverb);
    EXPECT_FALSE(p.albumChain.multiband);
    EXPECT_FALSE(p.albumChain.stereo);
    EXPECT_FALSE(p.albumChain.deesser);
    EXPECT_FALSE(p.albumLimiter);
    EXPECT_EQ(p.loudness.mode, LoudnessMode::Album);
    EXPECT_EQ(p.loudness.targetLufs, -14);
    EXPECT_EQ(p.loudness.maxLimitingDb, 6);
    EXPECT_EQ(p.sequence.gapS, 2);
    EXPECT_EQ(p.album.discNumber, 1);
    EXPECT_EQ(p.album.discTotal, 1);
    EXPECT_FALSE(p.album.cover);
    EXPECT_EQ(p.album.catalog, "");
    ASSERT_EQ(p.tracks.size(), 1u);
    EXPECT_EQ(p.tracks[0].fadeInCurve, FadeCurve::EqualPower);
    EXPECT_EQ(p.tracks[0].crossfadeS, 0);
    ASSERT_EQ(p.variants.size(), 1u);
    // No limiter anywhere: the variant gets the default {-1 dBTP, 5 ms, 60 ms}.
    ASSERT_TRUE(p.variants[0].limiter);
    EXPECT_EQ(p.variants[0].limiter->ceilingDbtp, -1);
    EXPECT_EQ(p.variants[0].limiter->lookaheadMs, 5);
    EXPECT_EQ(p.variants[0].limiter->releaseMs, 60);
    EXPECT_EQ(p.variants[0].exportSpec.sampleRateHz, 48000);
    EXPECT_EQ(p.variants[0].exportSpec.bitDepth, 24);
}

TEST(ManifestResolve, ValuesKeepTheirTextAsWritten) {
    // An unquoted catalog keeps its leading zero; a numeric title stays text; comments are ignored.
    std::string yaml = test::kMinimalManifest;
    yaml.replace(yaml.find("  title: Night Drive"), 20,
                 "  title: 1999  # the year\n  catalog: 4006381333931");
    const AlbumPlan p = manifest::parse(yaml, "album.yaml", "/a", CheckInputs::No);
    EXPECT_EQ(p.album.title, "1999");
    EXPECT_EQ(p.album.catalog, "4006381333931");
}

TEST(ManifestResolve, LoadResolvesPathsAgainstTheManifestFolderAndHashesItsBytes) {
    const auto dir = test::scratchDir();
    std::filesystem::create_directories(dir / "sub");
    const auto file = dir / "sub" / "album.yaml";
    std::ofstream(file) << test::kMinimalManifest;
    const AlbumPlan p = manifest::load(file, CheckInputs::No);
    EXPECT_EQ(p.manifestPath, file.lexically_normal());
    EXPECT_EQ(p.tracks[0].file, dir / "sub" / "mixes" / "01.wav");
    // sha256sum is an independent implementation of the same digest.
    std::string out;
    ASSERT_EQ(test::runCommand("sha256sum '" + file.string() + "'", &out), 0);
    EXPECT_EQ(p.manifestSha256, out.substr(0, 64));
}

TEST(ManifestResolve, LoadNamesTheManifestAsTheUserGaveIt) {
    const auto dir = test::scratchDir();
    const auto file = dir / "album.yaml";
    std::ofstream(file) << "lacquer: 2\n";
    try {
        manifest::load(file, CheckInputs::No);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        ASSERT_FALSE(e.diagnostics().empty());
        EXPECT_EQ(e.diagnostics()[0].where, file.string() + ":1:1");
    }
}

TEST(ManifestResolve, MissingManifestFileIsAManifestError) {
    try {
        manifest::load("/nonexistent/album.yaml", CheckInputs::No);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Manifest);
        EXPECT_EQ(e.diagnostics().at(0).line(),
                  "/nonexistent/album.yaml: the manifest does not exist — check the path");
    }
}

TEST(ManifestResolve, ExampleManifestsAreValid) {
    // The documented examples must stay valid (their audio is not shipped, so inputs are not checked).
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::sourceDir() / "albums" / "examples")) {
        if (entry.path().extension() != ".yaml") continue;
        ++count;
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(manifest::load(entry.path(), CheckInputs::No));
    }
    EXPECT_GE(count, 2);
}

TEST(SourceLoc, FormatsFileLineColumnOrJustTheFile) {
    EXPECT_EQ((SourceLoc{"album.yaml", 12, 7}.str()), "album.yaml:12:7");
    EXPECT_EQ((SourceLoc{"album.yaml", 0, 0}.str()), "album.yaml");
}

}  // namespace
}  // namespace lacquer
