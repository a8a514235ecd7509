// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small helpers shared by the dynamics tests.
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <random>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::test {

inline AudioBuffer sineBuffer(int channels, std::size_t frames, double rateHz, double freqHz, double amp) {
    AudioBuffer b(channels, frames, rateHz);
    for (int c = 0; c < channels; ++c)
        for (std::size_t i = 0; i < frames; ++i)
            b.samples[static_cast<std::size_t>(c)][i] =
                static_cast<float>(amp * std::sin(2 * std::numbers::pi * freqHz * static_cast<double>(i) / rateHz));
    return b;
}

inline AudioBuffer noiseBuffer(int channels, std::size_t frames, double rateHz, double amp, unsigned seed) {
    AudioBuffer b(channels, frames, rateHz);
    std::mt19937 rng(seed);
    std::normal_distribution<double> nd(0.0, 1.0);
    for (auto& ch : b.samples)
        for (auto& s : ch) s = static_cast<float>(amp * nd(rng));
    return b;
}

// |DFT| of x at freqHz (x typically an impulse response).
inline double dftMagnitude(const std::vector<float>& x, double freqHz, double rateHz) {
    std::complex<double> acc{0, 0};
    const double w = -2 * std::numbers::pi * freqHz / rateHz;
    std::complex<double> rot{std::cos(w), std::sin(w)}, ph{1, 0};
    for (std::size_t i = 0; i < x.size(); ++i) {
        acc += static_cast<double>(x[i]) * ph;
        ph *= rot;
        if ((i & 1023) == 0) ph /= std::abs(ph);  // keep the phasor on the unit circle
    }
    return std::abs(acc);
}

inline double rms(const float* x, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
    return std::sqrt(s / static_cast<double>(n));
}

inline double db(double v) { return 20.0 * std::log10(v); }

// Log-spaced frequencies from lo to hi.
inline std::vector<double> logFrequencies(double lo, double hi, int count) {
    std::vector<double> f;
    for (int i = 0; i < count; ++i) f.push_back(lo * std::pow(hi / lo, i / double(count - 1)));
    return f;
}

}  // namespace lacquer::test
