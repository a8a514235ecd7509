// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Multiband compressor: LR4 crossover network (see crossover.hpp) into 2..6 bands, one
// Compressor per band (see compressor.hpp), bands summed. With every band's ratio at 1 and no
// makeup the output is the input through an allpass (flat magnitude). Latency 0.
// Thread safety: one object per thread.
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/compressor.hpp"
#include "lacquer/dynamics/crossover.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

class Multiband {
public:
    // params.bands.size() == params.crossoversHz.size() + 1 (the manifest validates it).
    Multiband(const Spec& spec, const MultibandParams& params);

    void process(const BlockView& block);
    void reset();
    int latencyFrames() const { return 0; }

    int bands() const { return crossover_.bands(); }
    // Largest gain reduction (dB, >= 0) band b applied since construction or reset().
    double maxGainReductionDb(int band) const { return compressors_[static_cast<std::size_t>(band)].maxGainReductionDb(); }
    // Starts a new metering period for every band (for gain-reduction traces); audio untouched.
    void clearGainReductionPeaks() {
        for (auto& c : compressors_) c.clearGainReductionPeak();
    }

private:
    Spec spec_;
    Crossover crossover_;
    std::vector<Compressor> compressors_;
    std::vector<float> scratch_;  // (bands - 1) · channels · maxBlockFrames
};

}  // namespace lacquer::dynamics
