// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/biquad.hpp"

#include <cassert>
#include <cmath>
#include <numbers>

namespace lacquer::dynamics {
namespace {

// Bilinear transform of H(s) = (n2 s^2 + n1 s + n0) / (s^2 + d1 s + 1), s normalised to the
// prewarped corner: s -> K (1 - z^-1)/(1 + z^-1), K = 1 / tan(pi f / fs).
BiquadCoeffs bilinear(double n2, double n1, double n0, double d1, double freqHz, double rateHz) {
    assert(freqHz > 0 && freqHz < rateHz / 2);
    const double k = 1.0 / std::tan(std::numbers::pi * freqHz / rateHz);
    const double k2 = k * k;
    const double a0 = k2 + d1 * k + 1.0;
    BiquadCoeffs c;
    c.b0 = (n2 * k2 + n1 * k + n0) / a0;
    c.b1 = 2.0 * (n0 - n2 * k2) / a0;
    c.b2 = (n2 * k2 - n1 * k + n0) / a0;
    c.a1 = 2.0 * (1.0 - k2) / a0;
    c.a2 = (k2 - d1 * k + 1.0) / a0;
    return c;
}

}  // namespace

BiquadCoeffs butterworthLowpass(double freqHz, double sampleRateHz) {
    return bilinear(0, 0, 1, std::numbers::sqrt2, freqHz, sampleRateHz);
}
BiquadCoeffs butterworthHighpass(double freqHz, double sampleRateHz) {
    return bilinear(1, 0, 0, std::numbers::sqrt2, freqHz, sampleRateHz);
}
BiquadCoeffs lr4Allpass(double freqHz, double sampleRateHz) {
    return bilinear(1, -std::numbers::sqrt2, 1, std::numbers::sqrt2, freqHz, sampleRateHz);
}

Complex biquadResponse(const BiquadCoeffs& c, double freqHz, double sampleRateHz) {
    const double w = 2.0 * std::numbers::pi * freqHz / sampleRateHz;
    // z^-1 = cos w - j sin w
    const double c1 = std::cos(w), s1 = -std::sin(w), c2 = std::cos(2 * w), s2 = -std::sin(2 * w);
    const double nr = c.b0 + c.b1 * c1 + c.b2 * c2, ni = c.b1 * s1 + c.b2 * s2;
    const double dr = 1.0 + c.a1 * c1 + c.a2 * c2, di = c.a1 * s1 + c.a2 * s2;
    const double den = dr * dr + di * di;
    return {(nr * dr + ni * di) / den, (ni * dr - nr * di) / den};
}

void BiquadCascade::add(const BiquadCoeffs& c) {
    assert(count_ < kMaxSections);
    coeffs_[static_cast<std::size_t>(count_++)] = c;
}

void BiquadCascade::reset() { state_ = {}; }

Complex BiquadCascade::response(double freqHz, double sampleRateHz) const {
    Complex h{1.0, 0.0};
    for (int i = 0; i < count_; ++i) {
        const Complex r = biquadResponse(coeffs_[static_cast<std::size_t>(i)], freqHz, sampleRateHz);
        h = {h.re * r.re - h.im * r.im, h.re * r.im + h.im * r.re};
    }
    return h;
}

void BiquadCascade::process(float* samples, std::size_t frames, int channel) {
    assert(channel >= 0 && channel < kMaxChannels);
    const int n = count_;
    if (n == 0) return;
    // Legend: c = coefficients, s1/s2 = TDF-II state of each section (locals for the loop).
    std::array<BiquadCoeffs, kMaxSections> c = coeffs_;
    auto& st = state_[static_cast<std::size_t>(channel)];
    double s1[kMaxSections], s2[kMaxSections];
    for (int i = 0; i < n; ++i) {
        s1[i] = st[static_cast<std::size_t>(i)][0];
        s2[i] = st[static_cast<std::size_t>(i)][1];
    }
    for (std::size_t f = 0; f < frames; ++f) {
        double v = samples[f];
        for (int i = 0; i < n; ++i) {
            const BiquadCoeffs& k = c[static_cast<std::size_t>(i)];
            const double y = k.b0 * v + s1[i];
            s1[i] = k.b1 * v - k.a1 * y + s2[i];
            s2[i] = k.b2 * v - k.a2 * y;
            v = y;
        }
        samples[f] = static_cast<float>(v);
    }
    for (int i = 0; i < n; ++i) {
        st[static_cast<std::size_t>(i)][0] = s1[i];
        st[static_cast<std::size_t>(i)][1] = s2[i];
    }
}

}  // namespace lacquer::dynamics
