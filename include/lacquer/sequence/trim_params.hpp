// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A track's head/tail trim and DC clean-up as the manifest gives it (`chain.trim`).

namespace lacquer::sequence {

struct TrimEdge {
    bool automatic = true;  // auto: cut to the first (last) sound above thresholdDb, keeping keepMs
    double seconds = 0.0;   // when !automatic: cut exactly this much (0 = leave the edge)

    bool operator==(const TrimEdge&) const = default;
};

struct TrimParams {
    TrimEdge head;
    TrimEdge tail;
    double thresholdDb = -60.0;  // sample peak (dBFS, any channel) that counts as sound
    double keepMs = 100.0;       // margin kept before the first and after the last sound
    bool removeDc = false;       // subtract each channel's mean (measured over the whole file)

    bool operator==(const TrimParams&) const = default;
};

}  // namespace lacquer::sequence
