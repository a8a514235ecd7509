// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include "lacquer/common/audio.hpp"

namespace lacquer {

// Resamples with libsoxr at very high quality (SOXR_VHQ, linear phase), removing the filter's
// delay so frame 0 stays frame 0. Output length = round(in.frames() * rate / in.rate).
// Returns a copy when the rate already matches.
AudioBuffer resample(const AudioBuffer& in, double targetRateHz);
// The same with the filter's passband end set (fraction of the lower Nyquist frequency, < 1):
// e.g. 0.995 keeps content up to 99.5 % of Nyquist when upsampling to read peaks between samples.
AudioBuffer resample(const AudioBuffer& in, double targetRateHz, double passbandEnd);

}  // namespace lacquer
