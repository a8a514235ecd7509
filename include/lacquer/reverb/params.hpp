// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>

namespace lacquer::reverb {

// Convolution reverb settings. The IR is read by io/ (any rate, mono or stereo) and handed to the
// stage as audio; stages never open files.
struct Params {
    std::filesystem::path irPath;  // absolute after manifest resolution
    double mix = 0.0;              // wet level relative to dry, linear amplitude, 0..1 (of the
                                   // normalised IR: see ir.hpp; dry stays at 1)
    double predelayMs = 0.0;       // 0..500
    double wetLowCutHz = 0.0;      // 0 = off
    double wetHighCutHz = 0.0;     // 0 = off

    bool operator==(const Params&) const = default;
};

}  // namespace lacquer::reverb
