// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Linkwitz-Riley 4th-order crossover network: splits a block into 2..6 bands whose sum is an
// allpass (magnitude 1 at every frequency, phase of the product of the LR4 allpasses).
//
// Topology: rest = x; for each crossover k: band k = LP4(f_k)·rest followed by the allpasses of
// the crossovers above f_k (so every band carries the same phase), rest = HP4(f_k)·rest; the
// last band is what remains. LP4 = HP4 = two Butterworth sections; LP4 + HP4 = 2nd-order allpass.
// Latency 0 (minimum phase). Thread safety: one object per thread.
#include <cstddef>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/biquad.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

class Crossover {
public:
    static constexpr int kMaxBands = 6;

    // crossoversHz ascending, 1..5 entries, each in (0, fs/2).
    Crossover(const Spec& spec, const std::vector<double>& crossoversHz);

    int bands() const { return bandCount_; }
    // Splits `in` (not modified) into bands[0..bands()-1], each a view of in.frames frames with
    // in.channels channels. Does not allocate.
    void split(const BlockView& in, const BlockView* bands);
    void reset();
    int latencyFrames() const { return 0; }

    // Predicted complex response of band b (design, not measurement).
    Complex bandResponse(int band, double freqHz) const;

private:
    Spec spec_;
    int bandCount_ = 0;
    std::vector<BiquadCascade> bandChains_;  // [band]: LP4 + allpasses (unused for the last band)
    std::vector<BiquadCascade> restChains_;  // [crossover]: HP4
};

}  // namespace lacquer::dynamics
