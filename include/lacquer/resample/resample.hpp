// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include "lacquer/common/audio.hpp"

namespace lacquer {

// Resamples with libsoxr at very high quality (SOXR_VHQ, linear phase), removing the filter's
// delay so frame 0 stays frame 0. Output length = round(in.frames() * rate / in.rate).
// Returns a copy when the rate already matches.
AudioBuffer resample(const AudioBuffer& in, double targetRateHz);

}  // namespace lacquer
