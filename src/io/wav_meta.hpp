// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The WAV metadata chunks beyond libsndfile's LIST/INFO strings: Broadcast Wave `bext` and an
// `id3 ` chunk (ID3v2.4 rendered by TagLib). Internal to io/.
#include <sndfile.h>

#include <filesystem>
#include <string>

#include "lacquer/io/encode.hpp"

namespace lacquer::io::detail {

// The ID3v2.4 tag for a WAV's `id3 ` chunk: TIT2, TPE1, TALB, TPE2, TDRC, TCON, TCOM, TRCK,
// TPOS, TSRC (ISRC), TPUB (label), TCOP (C line), TPRO (P line), TXXX:BARCODE; no picture.
std::string renderId3v2(const Tags& tags);

// Adds `bext` (when tags.broadcast.originator is set) and the `id3 ` chunk to a
// WAV libsndfile has opened for writing and not yet written audio to. Throws Error(Io) naming
// `path` when libsndfile refuses one.
void addWavMetadataChunks(SNDFILE* f, const std::filesystem::path& path, const Tags& tags, bool rf64);

}  // namespace lacquer::io::detail
