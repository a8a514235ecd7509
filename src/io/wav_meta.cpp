// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/wav_meta.hpp"

#include <taglib/id3v2tag.h>
#include <taglib/tpropertymap.h>

#include <algorithm>
#include <cstring>

#include "lacquer/io/taglib_lock.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/wav_chunks.hpp"

namespace lacquer::io::detail {
namespace fs = std::filesystem;

namespace {

// Copies into a fixed bext field, cut at the field's size (the fields need no terminator when
// full, EBU Tech 3285 §2.3).
template <std::size_t N>
void setField(char (&field)[N], const std::string& value) {
    std::memset(field, 0, N);
    std::memcpy(field, value.data(), std::min(N, value.size()));
}

}  // namespace

std::string renderId3v2(const Tags& t) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::PropertyMap pm;
    for (const auto& [key, value] : id3TextFields(t))
        pm.insert(key, TagLib::StringList(TagLib::String(value, TagLib::String::UTF8)));
    TagLib::ID3v2::Tag tag;
    tag.setProperties(pm);
    const TagLib::ByteVector bytes = tag.render(TagLib::ID3v2::v4);
    return std::string(bytes.data(), bytes.size());
}

void addWavMetadataChunks(SNDFILE* f, const fs::path& path, const Tags& tags, bool rf64) {
    const BroadcastInfo& b = tags.broadcast;
    if (!b.originator.empty()) {
        // Version 1 (EBU Tech 3285 v1, with the UMID field zero); libsndfile appends its own
        // coding-history line (A=PCM,F=…,W=…,M=…,T=libsndfile-…).
        SF_BROADCAST_INFO info{};
        setField(info.description, bextText(b.description));
        setField(info.originator, bextText(b.originator));
        setField(info.originator_reference, bextText(b.originatorReference));
        setField(info.origination_date, b.date);
        setField(info.origination_time, b.time);
        info.time_reference_low = static_cast<unsigned int>(b.timeReferenceFrames & 0xFFFFFFFFu);
        info.time_reference_high = static_cast<unsigned int>(b.timeReferenceFrames >> 32);
        info.version = 1;
        if (sf_command(f, SFC_SET_BROADCAST_INFO, &info, sizeof info) != SF_TRUE)
            throw Error(ErrorKind::Io, path.string(), "libsndfile refused the bext chunk",
                        "this is a bug in lacquer; please report it");
    }
    (void)rf64;  // libsndfile writes custom chunks into RF64 headers too (checked: ds64, fmt, bext, LIST, id3, data)
    const std::string id3 = renderId3v2(tags);
    if (id3.empty()) return;
    SF_CHUNK_INFO chunk{};
    std::memcpy(chunk.id, "id3 ", 4);
    chunk.id_size = 4;
    chunk.datalen = static_cast<unsigned>(id3.size());
    chunk.data = const_cast<char*>(id3.data());  // libsndfile copies it
    const int rc = sf_set_chunk(f, &chunk);
    if (rc != SF_ERR_NO_ERROR)
        throw Error(ErrorKind::Io, path.string(), std::string("libsndfile refused the id3 chunk: ") + sf_error_number(rc),
                    "this is a bug in lacquer; please report it");
}

}  // namespace lacquer::io::detail
