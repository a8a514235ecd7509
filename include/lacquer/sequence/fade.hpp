// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The shape of a fade or crossfade (sequence::fadeGain), as the manifest names it: linear,
// equal_power (the default), logarithmic.

namespace lacquer {

enum class FadeCurve { Linear, EqualPower, Logarithmic };

}  // namespace lacquer
