// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Wideband "glue" compressor for the whole mix (chain.compressor; docs/dynamics.md).
//
// Per frame:
//   1. Detector input: the channels (LeftRight) or M = (L+R)/2, S = (L-R)/2 (MidSide), each
//      through the side-chain high-pass when sidechainHpfHz > 0 (2nd-order Butterworth,
//      bilinear with prewarping, 12 dB/oct, -3.01 dB at sidechainHpfHz).
//   2. Detector power p: Peak, x^2; Rms, a one-pole mean of x^2 (time constant rmsWindowMs).
//      LeftRight: one linked gain from the largest channel power. MidSide: M and S each get
//      their own gain from their own power.
//   3. Static curve (Compressor::gainComputerDb, the soft knee of Giannoulis/Massberg/Reiss 2012):
//      level = 10·log10 p, d = level - threshold, W = knee: 0 for 2d < -W,
//      (1/ratio - 1)(d + W/2)^2/(2W) for |2d| <= W, (1/ratio - 1)·d above.
//   4. Ballistics on the gain change g (dB): a one-pole towards the target with attackMs while
//      the target is below g, releaseMs otherwise (1 - 1/e of a step after the time constant).
//      Auto release: two such followers, fast (attack attackMs, release kAutoFastMs) and slow
//      (attack and release kAutoSlowMs); g = min(fast, slow). A transient leaves the slow one
//      almost untouched, so it recovers with the fast constant; sustained reduction charges the
//      slow one, which then recovers with kAutoSlowMs.
//   5. Output = delayed input · ((1 - mix) + mix · 10^((g + makeupDb)/20)): parallel
//      compression with makeup on the compressed path; the audio is delayed by the lookahead
//      (round(lookaheadMs · fs) frames) and the detector is not, so the gain moves before the
//      sound that causes it arrives.
// Latency = lookahead frames. State in double. Thread safety: one object per thread.
//
// BasicGlueCompressor<double> is the double-precision twin (same algorithm, double audio); the
// float instantiation is the stage the chain runs.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

template <class T>
class BasicGlueCompressor {
public:
    BasicGlueCompressor(const Spec& spec, const GlueCompressorParams& params);

    // In place on spec.channels planar channels of `frames` frames. No allocation, no throw.
    void process(T* const* channels, std::size_t frames);
    void process(const BlockView& block)
        requires std::is_same_v<T, float>
    {
        process(block.data.data(), block.frames);
    }
    void reset();
    int latencyFrames() const { return static_cast<int>(delayFrames_); }

    // Largest gain reduction (dB, >= 0, without makeup) since construction or reset().
    double maxGainReductionDb() const { return -minGainDb_; }
    void clearGainReductionPeak() { minGainDb_ = 0; }
    // The present gain change (dB, <= 0) of gain group `group` (0; MidSide: 0 = mid, 1 = side).
    double gainDb(int group) const {
        const auto k = static_cast<std::size_t>(group);
        return params_.autoRelease ? std::min(gain_[k], slow_[k]) : gain_[k];
    }

    // The static curve as a steady signal sees it: output level (dBFS) for a detector level
    // (dBFS), with makeup and the parallel mix.
    static double staticOutputDb(double levelDb, const GlueCompressorParams& params);

private:
    Spec spec_;
    GlueCompressorParams params_;
    bool midSide_ = false;
    bool hpf_ = false;
    int groups_ = 1;
    // Filter and ballistics coefficients.
    double hb0_ = 1, hb1_ = 0, hb2_ = 0, ha1_ = 0, ha2_ = 0;
    double rmsCoef_ = 0, attackCoef_ = 0, releaseCoef_ = 0;
    double slowCoef_ = 0;  // auto release: the slow follower's coefficient
    double kneeStartPower_ = 0;
    double makeupLin_ = 1;
    std::size_t delayFrames_ = 0;
    // State: side-chain filter (TDF-II) and mean square per detector channel; gain per group
    // (dB), the slow follower per group (auto release); the lookahead delay line per channel.
    std::vector<double> hs1_, hs2_, meanSquare_;
    std::vector<double> gain_, slow_;
    std::vector<std::vector<T>> delay_;
    std::size_t delayPos_ = 0;
    double minGainDb_ = 0;
};

using GlueCompressor = BasicGlueCompressor<float>;
using GlueCompressorTwin = BasicGlueCompressor<double>;

extern template class BasicGlueCompressor<float>;
extern template class BasicGlueCompressor<double>;

}  // namespace lacquer::dynamics
