// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/crossover.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_signals.hpp"

namespace lacquer::dynamics {
namespace {

using test::db;

const std::vector<std::vector<double>> kSplits = {
    {1000}, {120, 2500}, {120, 1000, 6000}, {80, 300, 2000, 8000}, {60, 200, 800, 3000, 10000}};

// Measured: the impulse response of the sum of the bands, |DFT| at 60 log-spaced frequencies.
TEST(Crossover, BandSumIsAllpassFlatWithin0p01Db) {
    const double fs = 96000;
    const std::size_t n = 1 << 17;  // 1.4 s: the lowest allpass (60 Hz) has decayed below -150 dB
    for (const auto& split : kSplits) {
        // Stereo: the pair path (two or four SIMD lanes) is the one the multiband uses.
        Crossover x({fs, 2, n}, split);
        AudioBuffer in(2, n, fs);
        in.samples[0][0] = 1.0f;
        in.samples[1][0] = 1.0f;
        std::vector<AudioBuffer> bands(split.size() + 1, AudioBuffer(2, n, fs));
        std::vector<BlockView> views;
        for (auto& b : bands) views.push_back(b.view());
        x.split(in.view(), views.data());
        std::vector<float> sum(n, 0.0f);
        for (const auto& b : bands)
            for (std::size_t i = 0; i < n; ++i) sum[i] += b.samples[1][i];
        for (double f : test::logFrequencies(20, 40000, 60)) {
            const double m = db(test::dftMagnitude(sum, f, fs));
            // Issue 4: |sum| within +-0.01 dB of unity (float rounding of the bands is ~-140 dB).
            EXPECT_NEAR(m, 0.0, 0.01) << split.size() + 1 << " bands at " << f << " Hz";
        }
    }
}

TEST(Crossover, PredictedSumHasUnitMagnitude) {
    for (const auto& split : kSplits) {
        Crossover x({48000, 2, 64}, split);
        for (double f : test::logFrequencies(10, 23000, 80)) {
            double re = 0, im = 0;
            for (int b = 0; b < x.bands(); ++b) {
                const Complex h = x.bandResponse(b, f);
                re += h.re;
                im += h.im;
            }
            // Analytic identity LP4 + HP4 = AP2; only double rounding remains.
            EXPECT_NEAR(std::hypot(re, im), 1.0, 1e-9) << f << " Hz";
        }
    }
}

TEST(Crossover, EachBandIsMinus6DbAtItsCrossovers) {
    const std::vector<double> split = {120, 1000, 6000};
    Crossover x({96000, 1, 64}, split);
    for (std::size_t k = 0; k < split.size(); ++k) {
        for (int b : {static_cast<int>(k), static_cast<int>(k) + 1}) {
            const Complex h = x.bandResponse(b, split[k]);
            // LR4 branches are -6.02 dB at the corner; neighbouring corners a decade away or
            // more (factor >= 6) add under 0.05 dB with their 24 dB/oct skirts.
            EXPECT_NEAR(db(std::hypot(h.re, h.im)), -6.02, 0.05) << "band " << b << " at " << split[k];
        }
    }
}

}  // namespace
}  // namespace lacquer::dynamics
