// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Limits that the manifest and its inputs' headers already decide, checked before any audio is
// processed and before the output folder is touched — by `validate` and `render` alike (this is
// the one code path both call):
//   - a CD variant's Red Book rules on the timeline the mixes make (80 minutes, 99 tracks, track
//     lengths, CD-TEXT): the reverb tail can only lengthen tracks, and render checks the final
//     lengths again before it writes;
//   - a FLAC variant with a cover: the picture must fit FLAC's metadata block (a 24-bit length,
//     16 MiB less the picture block's own fields).
#include <cstdint>
#include <vector>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::render {

// The largest cover a FLAC picture block holds with the MIME type and description lacquer writes.
std::uint64_t maxFlacCoverBytes(bool png);

// Throws Error(Manifest) with one line per limit broken (warnings are logged). `variants`: those
// to be rendered (validate passes every variant).
void checkLimits(const AlbumPlan& plan, const std::vector<const VariantPlan*>& variants);

}  // namespace lacquer::render
