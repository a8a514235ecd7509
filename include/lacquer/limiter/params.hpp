// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace lacquer::limiter {

// True-peak limiter: the output's true peak (BS.1770-4, >= 4x oversampled) stays at or under
// ceilingDbtp; gain changes are spread over lookaheadMs; recovery follows releaseMs.
struct Params {
    double ceilingDbtp = -1.0;
    double lookaheadMs = 5.0;
    double releaseMs = 60.0;
    // The limiter aims this far under the ceiling. It covers what its 4x detector can still
    // under-read against an ideal reconstruction (tests/limiter measure the worst case), gain
    // modulation of content near Nyquist, the later 16-bit TPDF dither (2 LSB = 6e-5, 0.0006 dB
    // at -1 dBTP) and ffmpeg's ebur128 meter, which reads limited material up to about 0.15 dB
    // higher than an ideal (32x, long-sinc) reconstruction. See docs/dynamics.md.
    double safetyMarginDb = 0.2;
};

}  // namespace lacquer::limiter
