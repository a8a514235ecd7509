// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Prepares the wet path of the convolution reverb (CPU, double): the decoded IR is resampled to the
// processing rate, mapped to the track's channels, filtered by the wet low/high cuts (2nd-order
// Butterworth, causal, like an analogue send), delayed by the predelay and scaled by the mix.
// Channel mapping: an IR with the track's channel count goes channel to channel; a mono IR feeds
// every channel; otherwise (a stereo IR on a mono track) the IR channels are averaged.
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/reverb/params.hpp"

namespace lacquer::reverb {

// [channel][frame] wet impulse response at rateHz: mix · cuts(IR) delayed by predelay. Its length
// minus one is the tail the reverb adds to a track. Empty when mix is 0 or the IR is empty.
std::vector<std::vector<double>> prepareWet(const Params& params, const AudioBuffer& ir, double rateHz,
                                            int channels);

}  // namespace lacquer::reverb
