// SPDX-License-Identifier: GPL-3.0-or-later
// The windowed power spectrum shared by the report's spectrum averager and the quality meter
// (src/loudness/power_spectrum.hpp, FFTW) against the radix-2 transform the quality meter used
// before it (kept here as the reference), and against an analytic spectrum.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "loudness/power_spectrum.hpp"

namespace lacquer::loudness {
namespace {

constexpr std::size_t kN = kPowerSpectrumFrames;

// The quality meter's former transform: iterative radix-2, twiddles by rotation recurrence.
void radix2(std::vector<std::complex<double>>& x) {
    const std::size_t n = x.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(x[i], x[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::complex<double> w = std::polar(1.0, -2.0 * std::numbers::pi / static_cast<double>(len));
        for (std::size_t i = 0; i < n; i += len) {
            std::complex<double> c = 1.0;
            for (std::size_t k = 0; k < len / 2; ++k, c *= w) {
                const auto t = x[i + k + len / 2] * c;
                x[i + k + len / 2] = x[i + k] - t;
                x[i + k] += t;
            }
        }
    }
}

TEST(PowerSpectrum, MatchesTheFormerRadix2TransformOnNoise) {
    std::mt19937 rng(7);
    std::normal_distribution<double> nd(0.0, 0.3);
    std::vector<double> x(kN);
    for (double& v : x) v = nd(rng);
    std::vector<double> got(kN / 2 + 1, 0.0);
    addWindowedPowerSpectrum(x, got);
    std::vector<std::complex<double>> ref(kN);
    for (std::size_t i = 0; i < kN; ++i)
        ref[i] = x[i] * (0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / kN));
    radix2(ref);
    double peak = 0;
    for (std::size_t k = 0; k <= kN / 2; ++k) peak = std::max(peak, std::norm(ref[k]));
    for (std::size_t k = 0; k <= kN / 2; ++k)
        // Both are double-precision FFTs of 8192 points: rounding error grows like log2(N) · eps
        // (~1e-15) relative to the spectrum's scale; the recurrence twiddles of the old one add
        // ~N · eps (~2e-12). 1e-10 of the peak power covers both with room, and is 100 dB under
        // anything the report prints (0.01 dB steps).
        ASSERT_NEAR(got[k], std::norm(ref[k]), 1e-10 * peak) << k;
}

TEST(PowerSpectrum, ABinCentredSineHasTheHannWindowsAnalyticSpectrum) {
    // x = sin(2 pi m i / N): the Hann window spreads it over bins m-1, m, m+1 with amplitudes
    // N/4, N/8, N/8 (|X| of a unit sine is N/2 without a window), so powers N²/16, N²/64, N²/64,
    // and nothing elsewhere.
    constexpr std::size_t m = 300;
    std::vector<double> x(kN);
    for (std::size_t i = 0; i < kN; ++i) x[i] = std::sin(2.0 * std::numbers::pi * static_cast<double>(m * i) / kN);
    std::vector<double> p(kN / 2 + 1, 0.0);
    addWindowedPowerSpectrum(x, p);
    addWindowedPowerSpectrum(x, p);  // it adds: twice the power
    const double n = static_cast<double>(kN);
    // Relative 1e-9: double rounding of a sine and an 8192-point FFT (~1e-13), with room.
    EXPECT_NEAR(p[m], 2 * n * n / 16, 1e-9 * n * n);
    EXPECT_NEAR(p[m - 1], 2 * n * n / 64, 1e-9 * n * n);
    EXPECT_NEAR(p[m + 1], 2 * n * n / 64, 1e-9 * n * n);
    for (std::size_t k = 0; k <= kN / 2; ++k) {
        if (k + 1 < m || k > m + 1) {
            ASSERT_LT(p[k], 1e-9 * n * n) << k;
        }
    }
}

}  // namespace
}  // namespace lacquer::loudness
