// SPDX-License-Identifier: GPL-3.0-or-later
#include "verify/tags.hpp"

#include <sndfile.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <cctype>

#include "lacquer/io/taglib_lock.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/wav_chunks.hpp"

namespace lacquer::verify {
namespace fs = std::filesystem;

namespace {

TagMap readFlacTags(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::FLAC::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the FLAC", "check the file");
    TagMap tags;
    TagLib::Ogg::XiphComment* x = f.xiphComment(false);
    if (!x) return tags;
    for (const auto& [key, values] : x->fieldListMap()) {
        std::string k = key.to8Bit(true);
        std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        for (const auto& v : values) tags[k].push_back(v.to8Bit(true));
    }
    return tags;
}

TagMap readWavTags(const fs::path& file) {
    SF_INFO info{};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    if (!f) throw Error(ErrorKind::Io, file.string(), std::string("libsndfile cannot open it: ") + sf_strerror(nullptr), "check the file");
    TagMap tags;
    const std::pair<int, const char*> fields[] = {{SF_STR_TITLE, "TITLE"},   {SF_STR_ARTIST, "ARTIST"},
                                                  {SF_STR_ALBUM, "ALBUM"},   {SF_STR_DATE, "DATE"},
                                                  {SF_STR_GENRE, "GENRE"},   {SF_STR_TRACKNUMBER, "TRACKNUMBER"},
                                                  {SF_STR_COMMENT, "COMMENT"}, {SF_STR_SOFTWARE, "SOFTWARE"}};
    for (const auto& [id, name] : fields)
        if (const char* s = sf_get_string(f, id)) tags[name].push_back(s);
    if (const char* s = sf_get_string(f, SF_STR_COPYRIGHT)) tags["COPYRIGHT"].push_back(s);
    sf_close(f);
    // The `id3 ` chunk (TagLib's property names, prefixed ID3:) and the bext fields (BEXT:).
    TagLib::RIFF::WAV::File w(file.c_str(), false);
    if (w.isValid() && w.hasID3v2Tag()) {
        for (const auto& [key, values] : w.ID3v2Tag()->properties())
            for (const auto& v : values) tags["ID3:" + key.to8Bit(true)].push_back(v.to8Bit(true));
    }
    if (const auto b = io::readBroadcastFields(file)) {
        tags["BEXT:DESCRIPTION"].push_back(b->description);
        tags["BEXT:ORIGINATOR"].push_back(b->originator);
    }
    return tags;
}

TagMap readMp3Tags(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MPEG::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the MP3", "check the file");
    TagMap tags;
    if (!f.hasID3v2Tag()) return tags;
    for (const auto& [key, values] : f.ID3v2Tag()->properties())
        for (const auto& v : values) tags[key.to8Bit(true)].push_back(v.to8Bit(true));
    return tags;
}

TagMap readM4aTags(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MP4::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the M4A", "check the file");
    TagMap tags;
    if (!f.tag()) return tags;
    for (const auto& [key, values] : f.tag()->properties())
        for (const auto& v : values) tags[key.to8Bit(true)].push_back(v.to8Bit(true));
    return tags;
}

}  // namespace

TagMap readTags(const fs::path& file, const std::string& format) {
    if (format == "flac") return readFlacTags(file);
    if (format == "mp3") return readMp3Tags(file);
    if (format == "m4a") return readM4aTags(file);
    if (format == "wav") return readWavTags(file);
    return {};
}

std::vector<char> readMp3FrontCover(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MPEG::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the MP3", "check the file");
    if (!f.hasID3v2Tag()) return {};
    for (const auto* frame : f.ID3v2Tag()->frameList("APIC")) {
        const auto* p = dynamic_cast<const TagLib::ID3v2::AttachedPictureFrame*>(frame);
        if (!p || p->type() != TagLib::ID3v2::AttachedPictureFrame::FrontCover) continue;
        const auto data = p->picture();
        return std::vector<char>(data.begin(), data.end());
    }
    return {};
}

std::vector<char> readM4aFrontCover(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MP4::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the M4A", "check the file");
    if (!f.tag() || !f.tag()->contains("covr")) return {};
    const auto covers = f.tag()->item("covr").toCoverArtList();
    if (covers.isEmpty()) return {};
    const auto data = covers.front().data();  // the front cover: M4aWriter writes one
    return std::vector<char>(data.begin(), data.end());
}

std::vector<char> readFlacFrontCover(const fs::path& file) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::FLAC::File f(file.c_str(), false);
    if (!f.isValid()) throw Error(ErrorKind::Io, file.string(), "TagLib cannot open the FLAC", "check the file");
    for (const auto* p : f.pictureList()) {
        if (p->type() != TagLib::FLAC::Picture::FrontCover) continue;
        const auto data = p->data();
        return std::vector<char>(data.begin(), data.end());
    }
    return {};
}

}  // namespace lacquer::verify
