// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Sets flush-to-zero / denormals-are-zero for the scope of a process() call and restores the
// caller's mode after. IIR states decaying through silence otherwise reach subnormal doubles
// (about 1.5 s after the input stops for a 100 Hz section at 96 kHz) and run 100x slower. Done per
// call rather than per block boundary so results do not depend on how a signal is split.
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace lacquer::dynamics {

class ScopedNoDenormals {
public:
#if defined(__SSE2__)
    ScopedNoDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ | DAZ
    ~ScopedNoDenormals() { _mm_setcsr(saved_); }

private:
    unsigned saved_;
#else
    ScopedNoDenormals() = default;
#endif
public:
    ScopedNoDenormals(const ScopedNoDenormals&) = delete;
    ScopedNoDenormals& operator=(const ScopedNoDenormals&) = delete;
};

}  // namespace lacquer::dynamics
