// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cmath>
#include <limits>

namespace lacquer {

inline double dbToGain(double db) { return std::pow(10.0, db / 20.0); }
// -inf for 0: callers that report numbers turn non-finite values into null.
inline double gainToDb(double gain) {
    return gain > 0 ? 20.0 * std::log10(gain) : -std::numeric_limits<double>::infinity();
}
inline double msToFrames(double ms, double rateHz) { return ms * 1e-3 * rateHz; }

}  // namespace lacquer
