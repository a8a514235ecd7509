// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one kernel per channel that the convolution stage applies: EQ ⊛ (δ + wet), in double.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lacquer/eq/design.hpp"

namespace lacquer::convolution {

struct Kernel {
    std::vector<std::vector<double>> taps;  // [channel][tap], every channel the same length
    // Output frame m is full-convolution index m + latencyFrames: the EQ's delay is removed, so
    // output frame 0 aligns with input frame 0 (the reverb's predelay is kept: it is wanted).
    std::size_t latencyFrames = 0;
    // Frames the output runs past the input: the wet tail (wet length − 1); 0 without reverb.
    // The EQ's own post-ringing beyond the last input frame (a low-level ring) is not kept.
    std::size_t tailFrames = 0;
    // Unique per combine() result, so backends can keep its spectra across tracks; 0 (a kernel
    // built by hand) is never cached. Do not change taps after combine().
    std::uint64_t serial = 0;

    int channels() const { return static_cast<int>(taps.size()); }
    std::size_t lengthFrames() const { return taps.empty() ? 0 : taps[0].size(); }
    std::size_t outputFrames(std::size_t inputFrames) const { return inputFrames + tailFrames; }
    // δ on every channel: processing is a copy.
    bool isIdentity() const;
};

// wet: [channel][frame] from reverb::prepareWet (empty = no reverb); channels must match or wet be empty.
Kernel combine(const eq::Design& eq, const std::vector<std::vector<double>>& wet, int channels);

}  // namespace lacquer::convolution
