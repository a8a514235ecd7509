// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Split-band de-esser: an LR4 crossover at freqHz splits low and high; a peak envelope of the
// high band (power x^2, max over channels, one-pole attackMs while rising and releaseMs while
// falling) gives level L in dBFS, and the high band alone gets the gain
//   g (dB) = -clamp(L - thresholdDb, 0, maxReductionDb)   (limits the band to the threshold,
//   reducing by at most maxReductionDb).
// Output = low + gain·high; with no reduction it is the input through the LR4 allpass (flat
// magnitude). Latency 0. One object per thread.
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/crossover.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

class Deesser {
public:
    Deesser(const Spec& spec, const DeesserParams& params);
    void process(const BlockView& block);
    void reset();
    int latencyFrames() const { return 0; }
    // Largest reduction (dB, >= 0) applied to the high band since construction or reset().
    double maxGainReductionDb() const { return -minGainDb_; }

private:
    Spec spec_;
    DeesserParams params_;
    Crossover crossover_;
    std::vector<float> low_;  // channels · maxBlockFrames
    double attackCoef_ = 0, releaseCoef_ = 0, thresholdPower_ = 0;
    double envPower_ = 0;  // detector envelope (power)
    double minGainDb_ = 0;
};

}  // namespace lacquer::dynamics
