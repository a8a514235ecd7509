// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace lacquer::limiter {

// True-peak limiter: the output's true peak (BS.1770-4, >= 4x oversampled) stays at or under
// ceilingDbtp; gain changes are spread over lookaheadMs; recovery follows releaseMs.
struct Params {
    double ceilingDbtp = -1.0;
    double lookaheadMs = 5.0;
    double releaseMs = 60.0;
};

}  // namespace lacquer::limiter
