// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How a 16-bit export is requantised (dither::Quantiser), as the manifest names it: none, tpdf
// (the default), shaped. 24-bit exports round without dither whatever the kind.

namespace lacquer {

enum class DitherKind { None, Tpdf, Shaped };

}  // namespace lacquer
