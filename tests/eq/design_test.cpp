// SPDX-License-Identifier: GPL-3.0-or-later
// The linear-phase EQ designer, in double, without any engine.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "lacquer/eq/design.hpp"

namespace lacquer::eq {
namespace {

constexpr double kRate = 96000.0;

Band band(BandType type, double freqHz, double gainDb = 0.0, double q = 0.707, double slope = 12.0) {
    Band b;
    b.type = type;
    b.freqHz = freqHz;
    b.gainDb = gainDb;
    b.q = q;
    b.slopeDbOct = slope;
    return b;
}

// Log-spaced frequencies from lowHz to highHz, `perOctave` per octave.
std::vector<double> logFrequencies(double lowHz, double highHz, int perOctave) {
    std::vector<double> f;
    for (double x = lowHz; x <= highHz * 1.0001; x *= std::pow(2.0, 1.0 / perOctave)) f.push_back(x);
    return f;
}

// Largest |realised − requested| (dB) over frequencies in [lowHz, highHz].
double worstErrorDb(const Bands& bands, double lowHz, double highHz, double* atHz = nullptr) {
    const Design d = designLinearPhase(bands, kRate);
    double worst = 0;
    for (double f : logFrequencies(lowHz, highHz, 24)) {
        const double e = std::abs(d.predictedGainDb(f) - requestedGainDb(bands, f));
        if (e > worst) {
            worst = e;
            if (atHz) *atHz = f;
        }
    }
    return worst;
}

TEST(LinearPhaseEq, FlatBandsGiveTheOneTapIdentity) {
    EXPECT_TRUE(designLinearPhase({}, kRate).isIdentity());
    EXPECT_TRUE(designLinearPhase({band(BandType::Bell, 1000, 0.0, 1.0)}, kRate).isIdentity());
    EXPECT_EQ(designLinearPhase({}, kRate).latencyFrames(), 0u);
}

TEST(LinearPhaseEq, KernelIsSymmetricWithPeakAtLatency) {
    const Bands bands{band(BandType::Highpass, 25, 0, 0.707, 24), band(BandType::LowShelf, 90, 1.5),
                      band(BandType::Bell, 3200, -1.0, 1.4), band(BandType::HighShelf, 12000, 1.0)};
    const Design d = designLinearPhase(bands, kRate);
    const auto& h = d.taps();
    ASSERT_EQ(h.size() % 2, 1u);
    const std::size_t latency = d.latencyFrames();
    EXPECT_EQ(latency, (h.size() - 1) / 2);
    for (std::size_t m = 1; m <= latency; ++m) ASSERT_EQ(h[latency + m], h[latency - m]) << "tap offset " << m;
    const auto peak = std::max_element(h.begin(), h.end(), [](double a, double b) { return std::abs(a) < std::abs(b); });
    EXPECT_EQ(static_cast<std::size_t>(peak - h.begin()), latency);
}

TEST(LinearPhaseEq, TapCountFollowsTheLowestFeatureWithinLimits) {
    // 25 Hz at 24 dB/oct needs the longest kernel allowed at 96 kHz: 2^17 − 1 taps.
    EXPECT_EQ(autoTapCount({band(BandType::Highpass, 25, 0, 0.707, 24)}, kRate), (1u << 17) - 1);
    // A 3.2 kHz bell needs little; the floor of 0.3 s (2^15 − 1 taps at 96 kHz) applies.
    EXPECT_EQ(autoTapCount({band(BandType::Bell, 3200, -1, 1.4)}, kRate), (1u << 15) - 1);
}

// Margins: the Kaiser window (β = 10) smooths the requested curve over about 6.5 bins of
// fs / taps; with ≥ 2^15 taps at 96 kHz that is ≤ 19 Hz, narrow against every band below, so
// shelves, bells and tilts stay within ±0.1 dB from 20 Hz to 20 kHz (the margin).
TEST(LinearPhaseEq, ShelvesMatchRequestWithinTenthDb) {
    double at = 0;
    EXPECT_LT(worstErrorDb({band(BandType::LowShelf, 90, 1.5)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::LowShelf, 40, -6.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::HighShelf, 12000, 1.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::HighShelf, 3000, -4.0, 1.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
}

TEST(LinearPhaseEq, BellsMatchRequestWithinTenthDb) {
    double at = 0;
    EXPECT_LT(worstErrorDb({band(BandType::Bell, 3200, -1.0, 1.4)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::Bell, 250, -1.5, 1.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::Bell, 60, 4.0, 2.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
    EXPECT_LT(worstErrorDb({band(BandType::Bell, 10000, 6.0, 4.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
}

TEST(LinearPhaseEq, TiltMatchesRequestWithinTenthDb) {
    double at = 0;
    EXPECT_LT(worstErrorDb({band(BandType::Tilt, 1000, 2.0)}, 20, 20000, &at), 0.1) << "at " << at << " Hz";
}

// High/low pass: the passband (from two octaves above/below the corner) within ±0.1 dB, and the
// corner itself within ±0.5 dB of −3 dB (the window smooths the knee over ≤ 19 Hz).
TEST(LinearPhaseEq, PassFiltersMatchRequestInPassbandAndAtCorner) {
    for (double slope : {6.0, 12.0, 24.0, 48.0}) {
        const Bands hp{band(BandType::Highpass, 25, 0, 0.707, slope)};
        double at = 0;
        EXPECT_LT(worstErrorDb(hp, 100, 20000, &at), 0.1) << slope << " dB/oct at " << at << " Hz";
        EXPECT_NEAR(designLinearPhase(hp, kRate).predictedGainDb(25), -3.01, 0.5) << slope << " dB/oct";
        const Bands lp{band(BandType::Lowpass, 18000, 0, 0.707, slope)};
        EXPECT_LT(worstErrorDb(lp, 20, 4500, &at), 0.1) << slope << " dB/oct at " << at << " Hz";
        EXPECT_NEAR(designLinearPhase(lp, kRate).predictedGainDb(18000), -3.01, 0.5) << slope << " dB/oct";
    }
}

// Notch: outside its −3 dB band (f0·(1 ± 1/Q)) within ±0.1 dB, and at least 30 dB deep at f0
// (the window fills the ideal zero in to roughly the sidelobe floor).
TEST(LinearPhaseEq, NotchIsDeepAndFlatElsewhere) {
    const Bands notch{band(BandType::Notch, 1000, 0, 4.0)};
    const Design d = designLinearPhase(notch, kRate);
    EXPECT_LT(d.predictedGainDb(1000), -30.0);
    for (double f : logFrequencies(20, 20000, 24)) {
        if (f > 1000 * (1 - 2.0 / 4) && f < 1000 * (1 + 2.0 / 4)) continue;
        EXPECT_NEAR(d.predictedGainDb(f), requestedGainDb(notch, f), 0.1) << "at " << f << " Hz";
    }
}

TEST(LinearPhaseEq, RequestedCurveHasTheStatedAnchors) {
    // Analytic anchors of the prototypes (exact up to rounding: 1e-9 dB).
    EXPECT_NEAR(requestedGainDb({band(BandType::Bell, 1000, -4.0, 2.0)}, 1000), -4.0, 1e-9);
    EXPECT_NEAR(requestedGainDb({band(BandType::LowShelf, 100, 6.0)}, 100), 3.0, 1e-9);
    EXPECT_NEAR(requestedGainDb({band(BandType::LowShelf, 100, 6.0)}, 1), 6.0, 1e-3);
    EXPECT_NEAR(requestedGainDb({band(BandType::HighShelf, 5000, -6.0)}, 5000), -3.0, 1e-9);
    EXPECT_NEAR(requestedGainDb({band(BandType::Tilt, 1000, 3.0)}, 20000), 3.0, 1e-9);
    EXPECT_NEAR(requestedGainDb({band(BandType::Highpass, 50, 0, 0.707, 24)}, 25), -24.1, 0.1);
}

TEST(LinearPhaseEq, PredictedCurveSpansTheAudioBand) {
    const Design d = designLinearPhase({band(BandType::Bell, 1000, 3.0, 1.0)}, kRate);
    const auto curve = d.predictedCurve(64);
    ASSERT_EQ(curve.size(), 64u);
    EXPECT_NEAR(curve.front().freqHz, 10.0, 1e-9);
    EXPECT_NEAR(curve.back().freqHz, 24000.0, 1e-6);
    // The bell's top (3 dB at 1 kHz) within the ±0.1 dB design margin.
    EXPECT_NEAR(d.predictedGainDb(1000), 3.0, 0.1);
}

}  // namespace
}  // namespace lacquer::eq
