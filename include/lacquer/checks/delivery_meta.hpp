// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The delivery metadata every written file carries beyond its track tags: label, C and P lines,
// and the Broadcast Wave `bext` fields (WAV only). trackTags adds it to every track's tags; the
// render adds it to album.wav and vinyl sides and sets the track's bext time reference.
#include <cstdint>
#include <utility>
#include <string>

#include "lacquer/io/encode.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::checks {

// The bext origination date and time ("yyyy-mm-dd", "hh:mm:ss", UTC): SOURCE_DATE_EPOCH when
// set (the reproducible-builds convention), else the manifest's modification time, so two renders
// of one manifest write identical bytes.
std::pair<std::string, std::string> originationStamp(const AlbumPlan& plan);

// Fills tags.label/copyright/phonographicCopyright from the album and tags.broadcast with
// description "<artist> - <title>" (from `tags`), originator "lacquer", the origination stamp and
// the file's first frame's position on the album timeline (or programme).
void addDeliveryMeta(const AlbumPlan& plan, io::Tags& tags, std::uint64_t timeReferenceFrames);

}  // namespace lacquer::checks
