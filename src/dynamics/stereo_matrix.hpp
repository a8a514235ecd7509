// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// In-place L/R <-> M/S on a stereo block: M = (L + R)/2, S = (L - R)/2; L = M + S, R = M - S.
#include "lacquer/common/audio.hpp"

namespace lacquer::dynamics {

inline void toMidSide(const BlockView& b) {
    float* l = b.channel(0);
    float* r = b.channel(1);
    for (std::size_t f = 0; f < b.frames; ++f) {
        const float m = 0.5f * (l[f] + r[f]), s = 0.5f * (l[f] - r[f]);
        l[f] = m;
        r[f] = s;
    }
}

inline void fromMidSide(const BlockView& b) {
    float* m = b.channel(0);
    float* s = b.channel(1);
    for (std::size_t f = 0; f < b.frames; ++f) {
        const float l = m[f] + s[f], r = m[f] - s[f];
        m[f] = l;
        s[f] = r;
    }
}

}  // namespace lacquer::dynamics
