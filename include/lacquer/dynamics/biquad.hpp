// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Second-order sections for the Linkwitz-Riley crossovers (design in double, state in double).
#include <array>
#include <cstddef>

namespace lacquer::dynamics {

// y = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), bilinear transform with prewarping.
struct BiquadCoeffs {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

// Butterworth 2nd-order sections (Q = 1/sqrt 2); two in cascade make one LR4 branch.
BiquadCoeffs butterworthLowpass(double freqHz, double sampleRateHz);
BiquadCoeffs butterworthHighpass(double freqHz, double sampleRateHz);
// The 2nd-order allpass (s^2 - sqrt2 s + 1)/(s^2 + sqrt2 s + 1): equal to LR4 lowpass + highpass.
BiquadCoeffs lr4Allpass(double freqHz, double sampleRateHz);

// Complex response of a section at freqHz (for designers' predicted responses and tests).
struct Complex { double re = 0, im = 0; };
Complex biquadResponse(const BiquadCoeffs& c, double freqHz, double sampleRateHz);

// A cascade of up to kMaxSections sections applied per channel in place. Transposed direct
// form II, state in double. The whole cascade runs inside one loop over frames so the sections
// of consecutive frames overlap in the pipeline.
class BiquadCascade {
public:
    static constexpr int kMaxSections = 12;
    static constexpr int kMaxChannels = 8;

    void add(const BiquadCoeffs& c);
    int sections() const { return count_; }
    // Runs the cascade over `frames` samples of channel `channel` in place.
    void process(float* samples, std::size_t frames, int channel);
    // Both channels of a pair at once (two SIMD lanes; fused multiply-adds where the CPU has
    // them, so the last bits can differ from two process() calls).
    void processPair(float* left, float* right, std::size_t frames, int leftChannel);
    void reset();
    // One crossover step on a channel pair in a single pass: out = low(rest), then
    // rest = high(rest). On AVX2+FMA machines the first two sections of both chains share one
    // 4-lane register (low needs >= 2 sections, high exactly 2); elsewhere, copy + processPair.
    static void splitPair(BiquadCascade& low, BiquadCascade& high, float* restL, float* restR, float* outL,
                          float* outR, std::size_t frames, int leftChannel);
    // Product of the sections' responses.
    Complex response(double freqHz, double sampleRateHz) const;

private:
    std::array<BiquadCoeffs, kMaxSections> coeffs_{};
    // state_[channel][section] = {s1, s2} of TDF-II.
    std::array<std::array<std::array<double, 2>, kMaxSections>, kMaxChannels> state_{};
    int count_ = 0;
};

}  // namespace lacquer::dynamics
