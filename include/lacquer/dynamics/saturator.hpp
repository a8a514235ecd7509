// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Oversampled waveshaping saturator (chain.saturation; docs/dynamics.md).
//
// Per channel: upsample by M (polyphase Kaiser-windowed-sinc FIR), then at the high rate
//   w = (1 - mix)·v + mix·outGain·f(drive·v),
// then filter with the same FIR and keep every M-th sample. drive = 10^(driveDb/20); outGain =
// 1/drive with autoOutput (every curve has slope 1 at 0, so quiet signals pass at unity gain) or
// 10^(outputDb/20). Curves:
//   Soft: f(u) = tanh(u)                                   (odd: odd harmonics only)
//   Tube: f(u) = (tanh(u + b) - tanh(b)) / (1 - tanh²(b)), b = kTubeBias (asymmetric: even and
//         odd harmonics). The offset an asymmetric curve makes is removed by a one-pole DC
//         blocker at 5 Hz (high rate) on the curve's nonlinear part f(u) - u only, so the linear
//         part keeps its phase: the wet path is outGain·(u + HP(f(u) - u)).
// M = 8 at 44.1/48 kHz, 4 at 88.2-192 kHz (the curve runs at 352.8-768 kHz).
// FIR: N = 56·M + 1 taps, cutoff fs/2, Kaiser beta 12.265 (designed for 120 dB): flat within
// 1e-5 dB to 0.43 fs, at least 120 dB down from 0.57 fs (where products in 0.5-0.57 fs fold to,
// 0.43-0.5 fs: above the audio band at every processing rate). Latency (N - 1)/M = 56 frames.
// BasicSaturator<double> is the double-precision twin. One object per thread.
#include <cstddef>
#include <type_traits>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

// The oversampling factor at a processing rate.
int saturationOversampling(double sampleRateHz);
// The prototype lowpass (sum 1) for factor M: N = 56·M + 1 taps, in double.
std::vector<double> saturationFilter(int factor);
// The static transfer curve y(x) at the base rate, without the DC blocker (what the report plots).
double saturationCurve(double x, const SaturationParams& params);

template <class T>
class BasicSaturator {
public:
    static constexpr int kLatencyFrames = 56;

    BasicSaturator(const Spec& spec, const SaturationParams& params);
    void process(T* const* channels, std::size_t frames);
    void process(const BlockView& block)
        requires std::is_same_v<T, float>
    {
        process(block.data.data(), block.frames);
    }
    void reset();
    int latencyFrames() const { return kLatencyFrames; }
    int oversampling() const { return factor_; }

private:
    Spec spec_;
    SaturationParams params_;
    int factor_ = 1;
    int taps_ = 0;         // N
    int phaseTaps_ = 0;    // L = ceil(N / M)
    std::vector<T> up_;    // [phase][L], reversed, times M
    std::vector<T> down_;  // [N], reversed
    double drive_ = 1, outGain_ = 1, mix_ = 1, dcCoef_ = 0;
    bool tube_ = false;
    double biasTanh_ = 0, biasScale_ = 1;
    // Per channel: input history (L - 1 frames, then the block), high-rate history (N - 1, then
    // the block's M·frames), DC blocker state.
    std::vector<std::vector<T>> in_, high_;
    std::vector<double> dcX_, dcY_;
};

using Saturator = BasicSaturator<float>;
using SaturatorTwin = BasicSaturator<double>;

extern template class BasicSaturator<float>;
extern template class BasicSaturator<double>;

}  // namespace lacquer::dynamics
