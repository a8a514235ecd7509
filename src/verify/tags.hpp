// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading back the tags lacquer wrote, for `lacquer verify`.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lacquer/checks/files.hpp"

namespace lacquer::verify {

// Upper-case field name → every value stored under it (a field may repeat: `metaflac --set-tag`
// adds a value rather than replacing one).
using TagMap = checks::TagMap;

// FLAC: the Vorbis comments, read with TagLib. WAV: the LIST/INFO strings libsndfile reads
// (TITLE, ARTIST, ALBUM, DATE, GENRE, TRACKNUMBER, COMMENT, SOFTWARE). Throws
// lacquer::Error(ErrorKind::Io) when the file cannot be opened.
TagMap readTags(const std::filesystem::path& file, const std::string& format);

// The front-cover picture's bytes in a FLAC; empty when there is none.
std::vector<char> readFlacFrontCover(const std::filesystem::path& file);
// The APIC front cover's bytes of an MP3's ID3v2 tag (empty when there is none).
std::vector<char> readMp3FrontCover(const std::filesystem::path& file);
std::vector<char> readM4aFrontCover(const std::filesystem::path& file);  // the first `covr` image

}  // namespace lacquer::verify
