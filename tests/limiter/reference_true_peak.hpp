// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Independent true-peak reference for the limiter tests: 32x oversampling by a double-precision
// Kaiser-windowed sinc (cutoff fs/2, 256 taps per phase, beta 10: stopband about -100 dB,
// passband flat to about 0.47 fs), no polyphase trick shared with the limiter. Returns the
// largest |value| over every sample and every 1/32-frame point between samples, all channels.
// Intervals whose bound (window max · sum |taps|) is already under `skipBelow` are skipped:
// the bound is exact (triangle inequality), so skipping never lowers the result under skipBelow.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::test {

class ReferenceTruePeak {
public:
    static constexpr int kFactor = 32;
    static constexpr int kHalf = 128;  // taps each side

    ReferenceTruePeak() {
        taps_.assign(static_cast<std::size_t>(kFactor) * 2 * kHalf, 0.0);
        const double beta = 10.0;
        for (int p = 0; p < kFactor; ++p) {
            double l1 = 0;
            for (int j = 0; j < 2 * kHalf; ++j) {
                const double u = static_cast<double>(j - kHalf + 1) - static_cast<double>(p) / kFactor;
                const double s = u == 0 ? 1.0 : std::sin(std::numbers::pi * u) / (std::numbers::pi * u);
                const double r = u / kHalf;
                const double w = r * r < 1 ? i0(beta * std::sqrt(1 - r * r)) / i0(beta) : 0.0;
                tap(p, j) = s * w;
                l1 += std::abs(s * w);
            }
            maxL1_ = std::max(maxL1_, l1);
        }
    }

    // Linear true peak of `b` (frames before 0 and after the end are zero). With fromFrame/toFrame:
    // only over the intervals m .. m+1 with fromFrame <= m < toFrame (all of b still feeds the
    // interpolation).
    double peak(const AudioBuffer& b, double skipBelow = 0.0, std::ptrdiff_t fromFrame = PTRDIFF_MIN,
                std::ptrdiff_t toFrame = PTRDIFF_MAX) const {
        double best = 0;
        const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(b.frames());
        const std::ptrdiff_t first = std::max<std::ptrdiff_t>(-kHalf, fromFrame);
        const std::ptrdiff_t last = std::min<std::ptrdiff_t>(n + kHalf, toFrame);
        for (const auto& ch : b.samples) {
            std::vector<double> x(static_cast<std::size_t>(n + 4 * kHalf), 0.0);
            for (std::ptrdiff_t i = 0; i < n; ++i) x[static_cast<std::size_t>(i + 2 * kHalf)] = ch[static_cast<std::size_t>(i)];
            // Windowed maxima for the skip bound, in chunks of 64 frames.
            for (std::ptrdiff_t c0 = first; c0 < last; c0 += 64) {
                const std::ptrdiff_t c1 = std::min<std::ptrdiff_t>(c0 + 64, last);
                double wmax = 0;
                for (std::ptrdiff_t i = c0 - kHalf; i < c1 + kHalf + 1; ++i) wmax = std::max(wmax, std::abs(at(x, i)));
                if (wmax * maxL1_ <= std::max(skipBelow, best)) continue;
                for (std::ptrdiff_t m = c0; m < c1; ++m) {  // interval m .. m+1
                    best = std::max(best, std::abs(at(x, m)));
                    for (int p = 1; p < kFactor; ++p) {
                        double acc = 0;
                        const double* t = &taps_[static_cast<std::size_t>(p) * 2 * kHalf];
                        const double* src = &x[static_cast<std::size_t>(m - kHalf + 1 + 2 * kHalf)];
                        for (int j = 0; j < 2 * kHalf; ++j) acc += t[j] * src[j];
                        best = std::max(best, std::abs(acc));
                    }
                }
            }
        }
        return best;
    }

private:
    static double i0(double x) {
        double sum = 1, term = 1;
        for (int k = 1; k < 60; ++k) {
            term *= (x / (2.0 * k)) * (x / (2.0 * k));
            sum += term;
        }
        return sum;
    }
    double& tap(int p, int j) { return taps_[static_cast<std::size_t>(p) * 2 * kHalf + static_cast<std::size_t>(j)]; }
    static double at(const std::vector<double>& x, std::ptrdiff_t i) {
        const std::ptrdiff_t k = i + 2 * kHalf;
        return k >= 0 && k < static_cast<std::ptrdiff_t>(x.size()) ? x[static_cast<std::size_t>(k)] : 0.0;
    }

    std::vector<double> taps_;
    double maxL1_ = 0;
};

}  // namespace lacquer::test
