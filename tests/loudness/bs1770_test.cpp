// SPDX-License-Identifier: GPL-3.0-or-later
// The pieces of lacquer's BS.1770-4 meter against their analytic references: the K-weighting
// design against BS.1770-4's 48 kHz table, the true-peak interpolator's response, the gating
// arithmetic against hand-computed cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "loudness/bs1770.hpp"

namespace lacquer::loudness::bs1770 {
namespace {

TEST(KWeighting, Reproduces48kHzTableOfBs1770) {
    // BS.1770-4 Annex 1, Tables 1 and 2 (48 kHz). 1e-8: the table's own precision (the standard
    // prints 14 digits; the analog prototype's digits reproduce them to about 1e-10).
    const KWeighting k = designKWeighting(48000);
    EXPECT_NEAR(k.shelf.b0, 1.53512485958697, 1e-8);
    EXPECT_NEAR(k.shelf.b1, -2.69169618940638, 1e-8);
    EXPECT_NEAR(k.shelf.b2, 1.19839281085285, 1e-8);
    EXPECT_NEAR(k.shelf.a1, -1.69065929318241, 1e-8);
    EXPECT_NEAR(k.shelf.a2, 0.73248077421585, 1e-8);
    EXPECT_EQ(k.highpass.b0, 1.0);
    EXPECT_EQ(k.highpass.b1, -2.0);
    EXPECT_EQ(k.highpass.b2, 1.0);
    EXPECT_NEAR(k.highpass.a1, -1.99004745483398, 1e-8);
    EXPECT_NEAR(k.highpass.a2, 0.99007225036621, 1e-8);
}

double biquadGainDb(const Biquad& b, double freqHz, double rateHz) {
    const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * freqHz / rateHz);
    const auto h = (b.b0 + b.b1 * z1 + b.b2 * z1 * z1) / (1.0 + b.a1 * z1 + b.a2 * z1 * z1);
    return 20.0 * std::log10(std::abs(h));
}

TEST(KWeighting, ResponseIsTheSameCurveAtEveryRate) {
    // The bilinear transform warps frequencies near Nyquist only: up to 10 kHz every rate's
    // K-curve must match 192 kHz's (the least warped) within 0.05 dB (at 44.1 kHz the warping at
    // 10 kHz moves the shelf by a few hundredths of a dB).
    for (double rate : {44100.0, 48000.0, 88200.0, 96000.0}) {
        const KWeighting k = designKWeighting(rate), ref = designKWeighting(192000);
        for (double f : {20.0, 38.0, 100.0, 1000.0, 1682.0, 4000.0, 10000.0}) {
            const double g = biquadGainDb(k.shelf, f, rate) + biquadGainDb(k.highpass, f, rate);
            const double r = biquadGainDb(ref.shelf, f, 192000) + biquadGainDb(ref.highpass, f, 192000);
            EXPECT_NEAR(g, r, 0.05) << rate << " Hz at " << f << " Hz";
        }
    }
}

TEST(TruePeakInterpolator, EveryPhaseIsFlatTo041Fs) {
    // The prototype's response at normalised input frequency f (cycles per input sample), from
    // its phases: H(f) = sum over phases p of sum_k taps ... computed directly as the polyphase
    // sum of each phase's response (phase 0 = 1). Design claim (bs1770.hpp): each phase within
    // ±0.02 dB of unity up to 0.41 fs.
    for (int L : {2, 4}) {
        const auto phases = designTruePeakPhasesDouble(L);
        ASSERT_EQ(phases.size(), static_cast<std::size_t>(L - 1));
        for (double f = 0.0; f <= 0.41; f += 0.005) {
            for (std::size_t p = 0; p < phases.size(); ++p) {
                // A phase is a fractional delay of (p + 1) / L samples: its magnitude response
                // must be 1 in the passband.
                std::complex<double> h = 0;
                for (int k = 0; k < kTruePeakTapsPerPhase; ++k)
                    h += phases[p][static_cast<std::size_t>(k)] * std::polar(1.0, -2.0 * std::numbers::pi * f * k);
                EXPECT_NEAR(20.0 * std::log10(std::abs(h)), 0.0, 0.02) << "L " << L << " phase " << p + 1 << " f " << f;
            }
        }
    }
}

TEST(TruePeakInterpolator, ImagesOfInBandContentStayUnderMinus58Db) {
    // The whole upsampled filter's response H(F) (F in input cycles per sample, H(0) = 1), built
    // from its phases: phase 0 is a unit impulse, phase p's tap k sits at L(11 - k) + p output
    // samples. Content at f <= 0.41 images to F = 1 - f, 1 + f, ...: from 0.59 up to L/2 the gain
    // must stay under -58 dB (bs1770.hpp; measured -59.2 dB at 4x; -58 dB adds at most 0.011 dB
    // to a reading).
    for (int L : {2, 4}) {
        const auto phases = designTruePeakPhasesDouble(L);
        double worstDb = -300;
        for (double F = 0.59; F <= L / 2.0; F += 0.001) {
            std::complex<double> h = 1.0;
            for (int p = 1; p < L; ++p)
                for (int k = 0; k < kTruePeakTapsPerPhase; ++k) {
                    const int n = L * (kTruePeakTapsPerPhase / 2 - 1 - k) + p;
                    h += phases[static_cast<std::size_t>(p - 1)][static_cast<std::size_t>(k)] *
                         std::polar(1.0, -2.0 * std::numbers::pi * F * n / L);
                }
            worstDb = std::max(worstDb, 20.0 * std::log10(std::abs(h) / L));
        }
        EXPECT_LT(worstDb, -58.0) << "L " << L;
    }
}

TEST(TruePeakInterpolator, PhaseZeroIsTheInputSoReadingsNeverFallUnderTheSamplePeak) {
    // The L-th-band design: the prototype is zero at every nonzero multiple of L, so no phase
    // other than 0 can be the identity, and the meter takes phase 0 from the samples themselves.
    // What the taps must show: each phase sums to exactly 1 (unit DC gain, normalised).
    for (int L : {2, 4}) {
        for (const auto& taps : designTruePeakPhasesDouble(L)) {
            double sum = 0;
            for (double t : taps) sum += t;
            EXPECT_NEAR(sum, 1.0, 1e-15);  // rounding of the normalisation only
        }
    }
    EXPECT_EQ(truePeakOversampling(44100), 4);
    EXPECT_EQ(truePeakOversampling(48000), 4);
    EXPECT_EQ(truePeakOversampling(88200), 2);
    EXPECT_EQ(truePeakOversampling(96000), 2);
    EXPECT_EQ(truePeakOversampling(176400), 1);
    EXPECT_EQ(truePeakOversampling(192000), 1);
}

TEST(Gating, IntegratedLoudnessFollowsBs1770Gates) {
    // Blocks at -20 (x10), -35 (x10) and -80 (x10) LUFS. Absolute gate drops -80; the mean of the
    // rest is 10 log10((10·e(-20) + 10·e(-35)) / 20) ≈ -22.98; the relative gate at -32.98 drops
    // -35: integrated = -20 exactly (to rounding, 1e-9).
    std::vector<double> blocks;
    for (double l : {-20.0, -35.0, -80.0})
        for (int i = 0; i < 10; ++i) blocks.push_back(lufsToEnergy(l));
    EXPECT_NEAR(gatedIntegratedLufs({&blocks}), -20.0, 1e-9);
    std::vector<double> silent(5, lufsToEnergy(-75.0));
    EXPECT_TRUE(std::isinf(gatedIntegratedLufs({&silent})));
}

TEST(Gating, LoudnessRangeIsTheGatedPercentileSpread) {
    // 100 short-term values evenly from -30 to -10.2 LUFS (0.2 LU apart) plus 20 at -60 (under
    // the relative gate, -20 LU below the mean, which the -10..-30 values put near -38):
    // percentiles at indices round(99·0.10) = 10 and round(99·0.95) = 94: -28.0 and -11.2,
    // LRA 16.8 (1e-9: rounding).
    std::vector<double> st;
    for (int i = 0; i < 100; ++i) st.push_back(lufsToEnergy(-30.0 + 0.2 * i));
    for (int i = 0; i < 20; ++i) st.push_back(lufsToEnergy(-60.0));
    EXPECT_NEAR(loudnessRangeLu({&st}), 16.8, 1e-9);
}

}  // namespace
}  // namespace lacquer::loudness::bs1770
