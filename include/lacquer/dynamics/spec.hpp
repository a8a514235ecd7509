// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstddef>

namespace lacquer::dynamics {

// What a dynamics stage is built for. A new spec means a new object (construction is the
// prepare step: it allocates scratch for maxBlockFrames and designs the filters).
struct Spec {
    double sampleRateHz = 48000.0;
    int channels = 2;
    std::size_t maxBlockFrames = 4096;
};

}  // namespace lacquer::dynamics
