// SPDX-License-Identifier: GPL-3.0-or-later
// Quality checks (checks::evaluate) and the stream measurements they read (loudness::SoundMeter):
// for every check a synthetic case that triggers it and one just inside its threshold that does
// not; a good master triggers nothing; the manifest's `checks:` section sets the levels.
#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "lacquer/checks/quality.hpp"
#include "lacquer/common/audio.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/loudness/sound_meter.hpp"
#include "manifest/manifest_helpers.hpp"

namespace lacquer::checks {
namespace {

constexpr double kRate = 48000.0;

std::vector<double> noise(std::size_t frames, double sigma, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, sigma);
    std::vector<double> x(frames);
    for (auto& v : x) v = n(rng);
    return x;
}

AudioBuffer stereo(const std::vector<double>& l, const std::vector<double>& r) {
    AudioBuffer b(2, l.size(), kRate);
    for (std::size_t i = 0; i < l.size(); ++i) {
        b.samples[0][i] = static_cast<float>(l[i]);
        b.samples[1][i] = static_cast<float>(r[i]);
    }
    return b;
}

loudness::SoundStats measure(const AudioBuffer& b) {
    loudness::SoundMeter m(b.channels(), b.sampleRateHz);
    AudioBuffer copy = b;
    m.add(copy.view());
    return m.result();
}

// A good stereo track: independent mid and side noise, side 10 dB under mid, 4 s.
struct Good {
    std::vector<double> mid = noise(192000, 0.05, 1), side = noise(192000, 0.05 * std::pow(10.0, -0.5), 2);
    AudioBuffer audio(double sideGain = 1.0, double leftGain = 1.0) const {
        std::vector<double> l(mid.size()), r(mid.size());
        for (std::size_t i = 0; i < mid.size(); ++i) {
            l[i] = leftGain * (mid[i] + sideGain * side[i]);
            r[i] = mid[i] - sideGain * side[i];
        }
        return stereo(l, r);
    }
};

TrackFacts factsFor(const AudioBuffer& source, const AudioBuffer& master) {
    TrackFacts f;
    f.number = 1;
    f.title = "Test";
    f.source = measure(source);
    f.master = measure(master);
    f.designedEqOctaveDb.assign(f.source.octaveDb.size(), 0.0);
    return f;
}

std::vector<Quality> found(const TrackFacts& f) {
    std::vector<Quality> c;
    for (const auto& x : evaluate(f, Config{})) c.push_back(x.check);
    return c;
}

bool has(const TrackFacts& f, Quality c) {
    const auto v = found(f);
    return std::find(v.begin(), v.end(), c) != v.end();
}

// ---------------------------------------------------------------------------------------------
// SoundMeter

TEST(SoundMeter, DualMonoIsCentredWithNoSideAndNoFoldLoss) {
    const auto x = noise(96000, 0.1, 3);
    const auto s = measure(stereo(x, x));
    EXPECT_FALSE(s.sideToMidDb);  // no side energy at all: -inf, reported as null
    EXPECT_DOUBLE_EQ(*s.correlation, 1.0);
    EXPECT_DOUBLE_EQ(*s.balanceDb, 0.0);
    EXPECT_NEAR(*s.monoFoldLossDb, 0.0, 1e-12);
}

TEST(SoundMeter, UncorrelatedChannelsLoseThreeDbInMono) {
    const auto s = measure(stereo(noise(96000, 0.1, 4), noise(96000, 0.1, 5)));
    // Correlation of 96000 independent Gaussian pairs: σ = 1/√96000 = 0.003; 0.02 is over 6σ.
    EXPECT_NEAR(*s.correlation, 0.0, 0.02);
    // Fold loss 10·log10(2/(1+ρ)) = 3.01 dB at ρ = 0; ρ within ±0.02 moves it by under 0.09 dB.
    EXPECT_NEAR(*s.monoFoldLossDb, 3.01, 0.1);
    EXPECT_NEAR(*s.sideToMidDb, 0.0, 0.2);  // 10·log10((1-ρ)/(1+ρ)): ±0.18 dB for ρ = ±0.02
}

TEST(SoundMeter, FullScaleSineReadsZeroDbInItsOctaveBand) {
    AudioBuffer b(2, 96000, kRate);
    for (std::size_t i = 0; i < b.frames(); ++i)
        b.samples[0][i] = b.samples[1][i] = static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / kRate));
    const auto s = measure(b);
    const auto centres = loudness::octaveCentresHz();
    for (std::size_t k = 0; k < centres.size(); ++k) {
        ASSERT_TRUE(s.octaveDb[k]) << centres[k];
        // Parseval with the Hann window's power: exact for the whole band (the window's main lobe
        // is 4 bins of 5.9 Hz, far inside the 707-1414 Hz band); 0.05 dB covers float input.
        if (centres[k] == 1000.0) {
            EXPECT_NEAR(*s.octaveDb[k], 0.0, 0.05);
        } else if (std::abs(std::log2(centres[k] / 1000.0)) >= 2) {
            // Hann sidelobes fall 18 dB/octave: two bands away they are far under -60 dB.
            EXPECT_LT(*s.octaveDb[k], -60.0) << centres[k];
        }
    }
}

TEST(SoundMeter, ResultsDoNotDependOnHowTheStreamIsSplit) {
    const Good g;
    const AudioBuffer a = g.audio();
    loudness::SoundMeter whole(2, kRate), split(2, kRate);
    AudioBuffer w = a;
    whole.add(w.view());
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::size_t> len(1, 20000);
    AudioBuffer s = a;
    for (std::size_t at = 0; at < s.frames();) {
        const std::size_t n = std::min(len(rng), s.frames() - at);
        split.add(s.view().slice(at, n));
        at += n;
    }
    const auto x = whole.result(), y = split.result();
    EXPECT_EQ(x.correlation, y.correlation);
    EXPECT_EQ(x.sideToMidDb, y.sideToMidDb);
    EXPECT_EQ(x.worstCorrelation, y.worstCorrelation);
    EXPECT_EQ(x.octaveDb, y.octaveDb);
    EXPECT_EQ(x.loudness.integratedLufs, y.loudness.integratedLufs);
}

// ---------------------------------------------------------------------------------------------
// A good master triggers nothing

TEST(QualityChecks, AGoodMasterTriggersNothing) {
    const Good g;
    auto f = factsFor(g.audio(), g.audio());
    f.limiterMaxGrDb = 2.0;
    f.limiterMeanGrDb = 0.5;
    f.bandMaxGrDb = {1.0, 2.0, 0.5};
    f.albumLufs = *f.master.loudness.integratedLufs + 2.0;
    f.lossyTruePeakDbtp = -1.3;
    f.ceilingDbtp = -1.0;
    EXPECT_TRUE(found(f).empty()) << evaluate(f, Config{}).front().line();
}

// ---------------------------------------------------------------------------------------------
// One check each: triggers just outside its threshold, not just inside

TEST(QualityChecks, MonoCompatibilityFlagsNegativeCorrelation) {
    // L = a + k·b, R = a − k·b with independent a, b: ρ = (1 − k²)/(1 + k²).
    auto make = [](double rho) {
        const double k = std::sqrt((1.0 - rho) / (1.0 + rho));
        const auto a = noise(96000, 0.05, 8), b = noise(96000, 0.05, 9);
        std::vector<double> l(a.size()), r(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) l[i] = a[i] + k * b[i], r[i] = a[i] - k * b[i];
        return stereo(l, r);
    };
    // Per 1 s window the estimate's σ is about 1/√48000 = 0.005: ±0.05 is 10σ from the 0 limit.
    EXPECT_TRUE(has(factsFor(make(0.5), make(-0.05)), Quality::MonoCompatibility));
    EXPECT_FALSE(has(factsFor(make(0.5), make(0.05)), Quality::MonoCompatibility));
    // The fold-down loss: 3.5 dB limit, from the master's whole-track figure.
    TrackFacts f = factsFor(make(0.5), make(0.5));
    f.master.worstCorrelation = 0.1;
    f.master.monoFoldLossDb = 3.6;
    EXPECT_TRUE(has(f, Quality::MonoCompatibility));
    f.master.monoFoldLossDb = 3.4;
    EXPECT_FALSE(has(f, Quality::MonoCompatibility));
}

TEST(QualityChecks, WidthGrownOverThreeDb) {
    const Good g;
    // Side gain k raises side/mid by 20·log10(k); the noise's own S/M estimate is within ±0.05 dB
    // for the same signals before and after (they are the same samples), so ±0.2 dB is clear.
    EXPECT_TRUE(has(factsFor(g.audio(), g.audio(std::pow(10.0, 3.2 / 20.0))), Quality::WidthGrown));
    EXPECT_FALSE(has(factsFor(g.audio(), g.audio(std::pow(10.0, 2.8 / 20.0))), Quality::WidthGrown));
}

TEST(QualityChecks, MonoSourceOffCentre) {
    const auto x = noise(96000, 0.1, 10);
    const AudioBuffer mono = stereo(x, x);
    auto pan = [&](double db) {
        AudioBuffer b = mono;
        for (auto& v : b.samples[0]) v = static_cast<float>(v * std::pow(10.0, db / 20.0));
        return b;
    };
    // Balance is exactly the applied gain here (same samples): 0.6 and 0.4 dB around the 0.5 limit.
    EXPECT_TRUE(has(factsFor(mono, pan(0.6)), Quality::MonoSourceOffCentre));
    EXPECT_FALSE(has(factsFor(mono, pan(0.4)), Quality::MonoSourceOffCentre));
    // A stereo source moved by the same amount is not judged by this check.
    const Good g;
    EXPECT_FALSE(has(factsFor(g.audio(), g.audio(1.0, std::pow(10.0, 0.6 / 20.0))), Quality::MonoSourceOffCentre));
}

TEST(QualityChecks, HeavyCompression) {
    const Good g;
    TrackFacts f = factsFor(g.audio(), g.audio());
    f.limiterMaxGrDb = 6.1;  // limit 6 dB
    EXPECT_TRUE(has(f, Quality::HeavyCompression));
    f.limiterMaxGrDb = 5.9;
    EXPECT_FALSE(has(f, Quality::HeavyCompression));
    f.limiterMeanGrDb = 3.1;  // limit 3 dB
    EXPECT_TRUE(has(f, Quality::HeavyCompression));
    f.limiterMeanGrDb = 2.9;
    f.bandMaxGrDb = {1.0, 8.1};  // limit 8 dB
    EXPECT_TRUE(has(f, Quality::HeavyCompression));
    f.bandMaxGrDb = {1.0, 7.9};
    EXPECT_FALSE(has(f, Quality::HeavyCompression));
}

TEST(QualityChecks, TonalShiftTheEqDidNotAskFor) {
    const Good g;
    TrackFacts f = factsFor(g.audio(), g.audio());
    ASSERT_EQ(f.source.octaveDb.size(), 10u);
    // Move the 1 kHz octave of the master by d: relative to the mean of the 10 judged bands the
    // shift is 0.9·d; limit 3 dB → d = 3.6 gives 3.24, d = 3.2 gives 2.88.
    const auto base = f.master.octaveDb;
    f.master.octaveDb[5] = *base[5] + 3.6;
    EXPECT_TRUE(has(f, Quality::TonalShift));
    // Asked for by the EQ: no finding.
    f.designedEqOctaveDb[5] = 3.6;
    EXPECT_FALSE(has(f, Quality::TonalShift));
    f.designedEqOctaveDb[5] = 0.0;
    f.master.octaveDb[5] = *base[5] + 3.2;
    EXPECT_FALSE(has(f, Quality::TonalShift));
}

TEST(QualityChecks, AlbumTrackFarFromTheAlbumLevel) {
    const Good g;
    TrackFacts f = factsFor(g.audio(), g.audio());
    const double track = *f.master.loudness.integratedLufs;
    f.albumLufs = track + 10.5;  // 10.5 LU under the album, limit 10
    EXPECT_TRUE(has(f, Quality::AlbumLevel));
    f.loudnessOffsetLu = -1.0;  // -9.5 LU left unexplained
    EXPECT_FALSE(has(f, Quality::AlbumLevel));
    f.loudnessOffsetLu = 0.0;
    f.albumLufs = track + 9.5;
    EXPECT_FALSE(has(f, Quality::AlbumLevel));
}

TEST(QualityChecks, DcOffsetInTheMaster) {
    // Noise of σ 0.01 over 96000 frames has a mean of σ/√96000 = 3e-5 (-90 dBFS): far under the
    // ±2 dB around the -60 dBFS limit tested here.
    auto withDc = [](double dbfs) {
        auto x = noise(96000, 0.01, 11);
        for (auto& v : x) v += std::pow(10.0, dbfs / 20.0);
        return stereo(x, x);
    };
    const auto x = noise(96000, 0.01, 11);
    EXPECT_TRUE(has(factsFor(stereo(x, x), withDc(-58.0)), Quality::DcOffset));
    EXPECT_FALSE(has(factsFor(stereo(x, x), withDc(-62.0)), Quality::DcOffset));
}

TEST(QualityChecks, ClippedSourceHasFlatTopsAtItsPeak) {
    // A 100 Hz sine at 0.5 whose peaks are held flat for `run` samples (a clipper's flat top).
    auto clipped = [](std::size_t run) {
        AudioBuffer b(2, 48000, kRate);
        for (std::size_t i = 0; i < b.frames(); ++i)
            b.samples[0][i] = b.samples[1][i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * 100.0 * static_cast<double>(i) / kRate));
        for (std::size_t p = 120; p + run < b.frames(); p += 480)  // the positive peaks
            for (std::size_t k = 0; k < run; ++k) b.samples[0][p + k] = b.samples[1][p + k] = 0.5f;
        return b;
    };
    auto detect = [](const AudioBuffer& b) {
        ClipDetector d(2, kRate);
        AudioBuffer c = b;
        d.add(c.view());
        return d.result();
    };
    const auto three = detect(clipped(3));
    EXPECT_GT(three.runs, 0u);  // 3 identical samples: the "over" convention
    TrackFacts f;
    f.sourceClips = three;
    EXPECT_TRUE(has(f, Quality::ClippedSource));
    // Runs of 2 (just inside) and an unclipped sine: nothing.
    EXPECT_EQ(detect(clipped(2)).runs, 0u);
    EXPECT_EQ(detect(clipped(0)).runs, 0u);
    f.sourceClips = detect(clipped(2));
    EXPECT_FALSE(has(f, Quality::ClippedSource));
}

TEST(QualityChecks, ClickWhereATrackStopsOnANonZeroSample) {
    // A 1 kHz sine at 0.5 that stops at frame `end` (then silence): its own largest step is
    // 0.5·2·sin(π·1000/48000) = 0.0654. Stopping where the sine is 0.14 (2.1x that) is a click;
    // where it is 0.12 (1.8x) it is not; at a peak (0.5) it clearly is.
    auto stopAt = [](double value) {
        std::size_t end = 0;
        for (std::size_t i = 10000; i < 20000; ++i) {
            const double v = 0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / kRate);
            const double prev = 0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i - 1) / kRate);
            if (v >= value && prev < value) {
                end = i + 1;
                break;
            }
        }
        AudioBuffer b(2, 30000, kRate);
        for (std::size_t i = 0; i < end; ++i)
            b.samples[0][i] = b.samples[1][i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / kRate));
        TrackFacts f;
        f.edges.push_back({"end", static_cast<double>(end) / kRate, measureEdge(BufferSource(b), end)});
        return f;
    };
    // The first sample at or above `value` is at most one step (0.065) above it.
    EXPECT_TRUE(has(stopAt(0.49), Quality::Clicks));
    TrackFacts inside = stopAt(0.06);  // lands in 0.06..0.125: under 2x the music's step
    ASSERT_LT(inside.edges[0].step.stepDbfs - inside.edges[0].step.musicDbfs, 20.0 * std::log10(2.0));
    EXPECT_FALSE(has(inside, Quality::Clicks));
    TrackFacts outside = stopAt(0.14);  // lands in 0.14..0.2: over 2x
    ASSERT_GT(outside.edges[0].step.stepDbfs - outside.edges[0].step.musicDbfs, 20.0 * std::log10(2.0));
    EXPECT_TRUE(has(outside, Quality::Clicks));
}

TEST(QualityChecks, TruePeakOverTheCeilingAfterALossyRoundTrip) {
    TrackFacts f;
    f.ceilingDbtp = -1.0;
    f.lossyTruePeakDbtp = -0.9;
    EXPECT_TRUE(has(f, Quality::LossyTruePeak));
    f.lossyTruePeakDbtp = -1.1;
    EXPECT_FALSE(has(f, Quality::LossyTruePeak));
}

// ---------------------------------------------------------------------------------------------
// Levels

TEST(QualityChecks, LevelsComeFromTheConfig) {
    TrackFacts f;
    f.ceilingDbtp = -1.0;
    f.lossyTruePeakDbtp = -0.5;
    Config c;
    ASSERT_EQ(evaluate(f, c).size(), 1u);
    EXPECT_EQ(evaluate(f, c)[0].level, Level::Warn);
    f.number = 2;
    f.title = "Night Drive";
    EXPECT_EQ(evaluate(f, c)[0].line(),
              "track 2 (Night Drive): true peak -0.50 dBTP after an Ogg Vorbis/Opus round trip, over the -1.00 dBTP "
              "ceiling: set codec_headroom: { mode: lower }");
    c.level[static_cast<std::size_t>(Quality::LossyTruePeak)] = Level::Fail;
    EXPECT_EQ(evaluate(f, c)[0].level, Level::Fail);
    c.level[static_cast<std::size_t>(Quality::LossyTruePeak)] = Level::Off;
    EXPECT_TRUE(evaluate(f, c).empty());
}

TEST(QualityChecks, ManifestChecksSectionSetsLevels) {
    const std::string yaml = test::kMinimalManifest + "checks: { clicks: off, dc_offset: fail }\n";
    const AlbumPlan p = manifest::parse(yaml, "album.yaml", "/albums/night", manifest::CheckInputs::No);
    EXPECT_EQ(p.checks[Quality::Clicks], Level::Off);
    EXPECT_EQ(p.checks[Quality::DcOffset], Level::Fail);
    EXPECT_EQ(p.checks[Quality::WidthGrown], Level::Warn);
    const auto errors = test::manifestErrors(test::kMinimalManifest + "checks: { click: off, dc_offset: loud }\n");
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_NE(errors[0].find("click"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find("album.yaml:11:34: dc_offset 'loud' is not one of off, warn or fail"), std::string::npos) << errors[1];
}

}  // namespace
}  // namespace lacquer::checks
