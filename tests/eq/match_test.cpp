// SPDX-License-Identifier: GPL-3.0-or-later
// Reference match EQ: the gated spectrum meter, the match curve and the kernel it joins.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/convolution/kernel.hpp"
#include "lacquer/eq/design.hpp"
#include "lacquer/eq/match.hpp"
#include "lacquer/common/units.hpp"

namespace lacquer::eq {
namespace {

constexpr double kRate = 48000.0;

Band band(BandType type, double freqHz, double gainDb, double q = 0.707) {
    Band b;
    b.type = type;
    b.freqHz = freqHz;
    b.gainDb = gainDb;
    b.q = q;
    return b;
}

LogSpectrum measure(const AudioBuffer& audio, std::size_t block = 65536) {
    SpectrumMeter m(audio.sampleRateHz);
    AudioBuffer copy = audio;
    for (std::size_t at = 0; at < copy.frames(); at += block)
        m.add(copy.view().slice(at, std::min(block, copy.frames() - at)));
    return m.spectrum();
}

// The audio through a linear-phase design, by the double-precision convolution reference.
AudioBuffer apply(const AudioBuffer& in, const Design& d) {
    const auto k = convolution::combine(d, {}, in.channels());
    const auto out = convolution::convolveReference(in, k);
    AudioBuffer b(in.channels(), in.frames(), in.sampleRateHz);
    for (std::size_t c = 0; c < out.size(); ++c)
        for (std::size_t i = 0; i < in.frames(); ++i) b.samples[c][i] = static_cast<float>(out[c][i]);
    return b;
}

MatchParams params(double amount = 1.0) {
    MatchParams p;
    p.amount = amount;
    p.smoothingOct = 1.0 / 3.0;
    p.maxBoostDb = 12.0;
    p.maxCutDb = 12.0;
    p.lowHz = 20.0;
    p.highHz = 20000.0;
    return p;
}

const Bands kKnownCurve{band(BandType::LowShelf, 120, 4.0), band(BandType::Bell, 1000, -3.0, 1.0),
                        band(BandType::HighShelf, 6000, -5.0)};

TEST(ReferenceMatch, TrackEqdByAKnownCurveIsMatchedBackToItsOriginalInEveryOctaveBand) {
    const AudioBuffer original = test::musicLikeNoise(2, static_cast<std::size_t>(30 * kRate), kRate, 7);
    const AudioBuffer coloured = apply(original, designLinearPhase(kKnownCurve, kRate));
    const LogSpectrum reference = measure(original);
    const MatchResult match = designMatch(measure(coloured), reference, params());
    const MagnitudeCurve curve = match.curve();
    const AudioBuffer result = apply(coloured, designLinearPhase({}, kRate, {}, &curve));
    const auto before = octaveResiduals(measure(coloured), reference, 20, 20000);
    const auto after = octaveResiduals(measure(result), reference, 20, 20000);
    ASSERT_EQ(after.size(), 9u);  // 31.25 Hz .. 8 kHz (16 kHz's band reaches past 20 kHz)
    double worstBefore = 0;
    for (std::size_t i = 0; i < after.size(); ++i) {
        worstBefore = std::max(worstBefore, std::abs(before[i].residualDb));
        // 0.15 dB: measured worst 0.033 dB (1 kHz, where the 1/3-octave smoothing rounds the
        // Q 1 bell's dip most); the margin covers other seeds' estimation noise in the 31 Hz
        // octave, which the meter's 1/3 s frames resolve with about seven bins.
        EXPECT_LT(std::abs(after[i].residualDb), 0.15) << "octave " << after[i].centreHz << " Hz: before "
                                                       << before[i].residualDb << " dB, after " << after[i].residualDb;
        RecordProperty("residual_" + std::to_string(static_cast<int>(after[i].centreHz)) + "_hz",
                       std::to_string(after[i].residualDb));
        std::printf("octave %7.2f Hz: before %+6.2f dB, after %+6.3f dB\n", after[i].centreHz, before[i].residualDb,
                    after[i].residualDb);
    }
    EXPECT_GT(worstBefore, 3.0);  // the test signal really was coloured
}

TEST(ReferenceMatch, AmountZeroIsTheIdentity) {
    const AudioBuffer original = test::musicLikeNoise(2, static_cast<std::size_t>(8 * kRate), kRate, 3);
    const AudioBuffer coloured = apply(original, designLinearPhase(kKnownCurve, kRate));
    const MatchResult match = designMatch(measure(coloured), measure(original), params(0.0));
    for (double g : match.curveDb) ASSERT_EQ(g, 0.0);
    const MagnitudeCurve curve = match.curve();
    EXPECT_TRUE(designLinearPhase({}, kRate, {}, &curve).isIdentity());
    // With bands, the curve changes nothing either: the same taps as the bands alone.
    EXPECT_EQ(designLinearPhase(kKnownCurve, kRate, {}, &curve).taps(), designLinearPhase(kKnownCurve, kRate).taps());
}

TEST(ReferenceMatch, BoostAndCutLimitsAreRespected) {
    const AudioBuffer original = test::musicLikeNoise(2, static_cast<std::size_t>(8 * kRate), kRate, 5);
    const Bands extreme{band(BandType::LowShelf, 200, 15.0), band(BandType::HighShelf, 4000, -18.0)};
    const AudioBuffer coloured = apply(original, designLinearPhase(extreme, kRate));
    MatchParams p = params();
    p.maxBoostDb = 4.0;
    p.maxCutDb = 3.0;
    const MatchResult match = designMatch(measure(coloured), measure(original), p);
    double lo = 0, hi = 0;
    for (double g : match.curveDb) {
        lo = std::min(lo, g);
        hi = std::max(hi, g);
    }
    EXPECT_EQ(hi, 4.0);  // the limits are reached (the raw difference is 15–18 dB) ...
    EXPECT_EQ(lo, -3.0);
    const MagnitudeCurve curve = match.curve();
    const Design d = designLinearPhase({}, kRate, {}, &curve);
    for (double f = 20; f < 20000; f *= std::pow(2.0, 1.0 / 24)) {
        // ... and the realised kernel stays within them: 0.1 dB is the Kaiser design's ripple
        // allowance (tests/eq/design_test.cpp, shelves within ±0.1 dB).
        EXPECT_LT(d.predictedGainDb(f), 4.0 + 0.1) << f << " Hz";
        EXPECT_GT(d.predictedGainDb(f), -3.0 - 0.1) << f << " Hz";
    }
}

TEST(ReferenceMatch, KernelWithTheMatchIsSymmetric) {
    const AudioBuffer original = test::musicLikeNoise(2, static_cast<std::size_t>(8 * kRate), kRate, 9);
    const AudioBuffer coloured = apply(original, designLinearPhase(kKnownCurve, kRate));
    const MagnitudeCurve curve = designMatch(measure(coloured), measure(original), params()).curve();
    const Design d = designLinearPhase({band(BandType::Bell, 3000, 2.0, 1.0)}, kRate, {}, &curve);
    const auto& h = d.taps();
    const std::size_t latency = d.latencyFrames();
    ASSERT_GT(latency, 0u);
    for (std::size_t m = 1; m <= latency; ++m) ASSERT_EQ(h[latency + m], h[latency - m]) << "tap offset " << m;
    // The curve's narrowest feature (1/3 octave at 20 Hz) asks for the longest kernel at 48 kHz.
    EXPECT_EQ(h.size(), (1u << 16) - 1);
}

TEST(SpectrumMeter, BlockSizeDoesNotChangeTheSpectrum) {
    const AudioBuffer a = test::musicLikeNoise(2, static_cast<std::size_t>(5 * kRate), kRate, 11);
    const LogSpectrum whole = measure(a, a.frames());
    for (std::size_t block : {std::size_t{1000}, std::size_t{8192}, std::size_t{65553}}) {
        const LogSpectrum split = measure(a, block);
        ASSERT_EQ(split.gatedFrames, whole.gatedFrames);
        for (std::size_t i = 0; i < whole.densityDb.size(); ++i) {
            if (!std::isfinite(whole.densityDb[i])) continue;
            ASSERT_EQ(split.densityDb[i], whole.densityDb[i]) << "block " << block;
        }
    }
}

TEST(SpectrumMeter, LevelAndQuietPassagesDoNotChangeTheMatch) {
    const AudioBuffer a = test::musicLikeNoise(2, static_cast<std::size_t>(10 * kRate), kRate, 13);
    // 12 dB quieter (a whole number of the gate's 1 dB level rows, so the same frames pass the
    // relative gate), with 10 s of −60 dBFS white noise after it (under the relative gate).
    AudioBuffer b(2, a.frames() + static_cast<std::size_t>(10 * kRate), kRate);
    std::mt19937 rng(1);
    std::normal_distribution<double> n(0.0, 1e-3);
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < b.frames(); ++i)
            b.samples[c][i] = i < a.frames() ? static_cast<float>(dbToGain(-12.0) * a.samples[c][i]) : static_cast<float>(n(rng));
    const MatchResult m = designMatch(measure(b), measure(a), params());
    double worst = 0;
    for (double g : m.curveDb) worst = std::max(worst, std::abs(g));
    // 0.15 dB (measured 0.11): the noise frames pass the absolute gate, so, as in BS.1770, they
    // lower the relative gate (by ~3 dB: half the frames hold almost no power) and admit a few
    // quieter music frames, whose steady partials stand out more against their fainter noise.
    EXPECT_LT(worst, 0.15);
}

TEST(SpectrumMeter, SampleRatesShareOneGrid) {
    // The same pink-ish signal measured at 48 and 96 kHz lands on the same curve (density per Hz).
    const AudioBuffer a = test::musicLikeNoise(1, static_cast<std::size_t>(10 * 48000.0), 48000.0, 17);
    AudioBuffer b(1, 2 * a.frames(), 96000.0);  // zero-order hold: the same spectrum below ~10 kHz within 1 dB
    for (std::size_t i = 0; i < b.frames(); ++i) b.samples[0][i] = a.samples[0][i / 2];
    const auto r = octaveResiduals(measure(b), measure(a), 30, 5000);
    ASSERT_FALSE(r.empty());
    // The hold's sinc droop is |sinc(f/96k)|: −0.1 dB at 5 kHz after normalisation, 0.3 dB allowed.
    for (const auto& o : r) EXPECT_LT(std::abs(o.residualDb), 0.3) << o.centreHz << " Hz";
}

}  // namespace
}  // namespace lacquer::eq
