// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <vector>

namespace lacquer::eq {

enum class BandType { Highpass, Lowpass, LowShelf, HighShelf, Bell, Notch, Tilt };

// One band of the linear-phase mastering EQ, as the manifest states it.
//   highpass/lowpass: freqHz, slopeDbOct (6..48, multiples of 6)
//   lowshelf/highshelf: freqHz (corner), gainDb, q (shelf slope; 0.707 default)
//   bell: freqHz, gainDb, q;  notch: freqHz, q;  tilt: freqHz (pivot), gainDb (at 20 kHz vs pivot)
struct Band {
    BandType type = BandType::Bell;
    double freqHz = 1000.0;
    double gainDb = 0.0;
    double q = 0.707;
    double slopeDbOct = 12.0;

    bool operator==(const Band&) const = default;
};

using Bands = std::vector<Band>;

}  // namespace lacquer::eq
