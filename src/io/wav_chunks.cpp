// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/wav_chunks.hpp"

#include <sndfile.h>

#include <array>
#include <cstring>
#include <fstream>

#include "lacquer/common/error.hpp"

namespace lacquer::io {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void notWav(const fs::path& file, const std::string& what) {
    throw Error(ErrorKind::Io, file.string(), what, "check that the file is a complete WAV");
}

std::uint32_t le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const unsigned char* p) {
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint64_t le64(const unsigned char* p) {
    return static_cast<std::uint64_t>(le32(p)) | static_cast<std::uint64_t>(le32(p + 4)) << 32;
}

std::string fixedField(const char* s, std::size_t n) {
    return std::string(s, strnlen(s, n));
}

}  // namespace

std::optional<std::size_t> WavLayout::dataIndex() const {
    for (std::size_t i = 0; i < chunks.size(); ++i)
        if (chunks[i].id == "data") return i;
    return std::nullopt;
}

std::vector<std::string> WavLayout::chunksAfterData() const {
    std::vector<std::string> after;
    const auto d = dataIndex();
    if (!d) return after;
    for (std::size_t i = *d + 1; i < chunks.size(); ++i) after.push_back(chunks[i].id);
    return after;
}

bool WavLayout::has(const std::string& id) const {
    for (const auto& c : chunks)
        if (c.id == id) return true;
    return false;
}

WavLayout readWavLayout(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) notWav(file, "cannot be opened");
    in.seekg(0, std::ios::end);
    const auto length = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    std::array<unsigned char, 12> head{};
    if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) notWav(file, "is shorter than a RIFF header");
    WavLayout layout;
    layout.riff.assign(reinterpret_cast<const char*>(head.data()), 4);
    if ((layout.riff != "RIFF" && layout.riff != "RF64") || std::memcmp(head.data() + 8, "WAVE", 4) != 0)
        notWav(file, "is not a RIFF/RF64 WAVE file");
    std::optional<std::uint64_t> ds64DataSize;
    std::uint64_t pos = 12;
    while (pos + 8 <= length) {
        std::array<unsigned char, 8> ch{};
        in.seekg(static_cast<std::streamoff>(pos));
        if (!in.read(reinterpret_cast<char*>(ch.data()), ch.size())) break;
        WavChunk c;
        c.id.assign(reinterpret_cast<const char*>(ch.data()), 4);
        c.offset = pos;
        c.size = le32(ch.data() + 4);
        if (c.id == "data" && ds64DataSize && c.size == 0xFFFFFFFFu) c.size = *ds64DataSize;
        if (c.id == "fmt " || c.id == "ds64") {
            std::array<unsigned char, 28> body{};
            const auto n = std::min<std::uint64_t>(c.size, body.size());
            if (!in.read(reinterpret_cast<char*>(body.data()), static_cast<std::streamsize>(n)))
                notWav(file, "ends inside its '" + c.id + "' chunk");
            if (c.id == "fmt " && n >= 16) {
                layout.formatTag = le16(body.data());
                layout.channels = le16(body.data() + 2);
                layout.sampleRateHz = le32(body.data() + 4);
                layout.bitsPerSample = le16(body.data() + 14);
            } else if (c.id == "ds64" && n >= 16) {
                ds64DataSize = le64(body.data() + 8);
            }
        }
        if (pos + 8 + c.size > length)
            notWav(file, "chunk '" + c.id + "' at byte " + std::to_string(pos) + " runs past the end of the file");
        layout.chunks.push_back(c);
        pos += 8 + c.size + (c.size & 1);  // chunks are padded to an even length
    }
    if (layout.formatTag == 0) notWav(file, "has no 'fmt ' chunk");
    return layout;
}

std::uint16_t requiredWavFormatTag(int channels, int bitsPerSample, bool floatingPoint) {
    if (channels > 2) return kWaveFormatExtensible;
    if (floatingPoint) return kWaveFormatIeeeFloat;
    return bitsPerSample <= 24 ? kWaveFormatPcm : kWaveFormatExtensible;
}

std::optional<BroadcastFields> readBroadcastFields(const fs::path& file) {
    SF_INFO info{};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    if (!f) throw Error(ErrorKind::Io, file.string(), std::string("libsndfile cannot open it: ") + sf_strerror(nullptr), "check the file");
    SF_BROADCAST_INFO b{};
    const bool found = sf_command(f, SFC_GET_BROADCAST_INFO, &b, sizeof b) == SF_TRUE;
    sf_close(f);
    if (!found) return std::nullopt;
    BroadcastFields out;
    out.description = fixedField(b.description, sizeof b.description);
    out.originator = fixedField(b.originator, sizeof b.originator);
    out.originatorReference = fixedField(b.originator_reference, sizeof b.originator_reference);
    out.originationDate = fixedField(b.origination_date, sizeof b.origination_date);
    out.originationTime = fixedField(b.origination_time, sizeof b.origination_time);
    out.timeReference = static_cast<std::uint64_t>(b.time_reference_high) << 32 | b.time_reference_low;
    out.codingHistory = fixedField(b.coding_history, std::min<std::size_t>(b.coding_history_size, sizeof b.coding_history));
    return out;
}

}  // namespace lacquer::io

namespace lacquer::io {

std::string bextText(const std::string& utf8) {
    // Base letters for U+00C0..U+00FF (Latin-1 Supplement letters); "" marks a non-letter.
    static const char* const kFold[64] = {
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // C0-CF
        "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",  // D0-DF
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
    std::string out;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        // Decode one code point (malformed bytes count as one '?').
        const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        std::uint32_t cp = len == 1 ? 0xFFFD : c & (0x7F >> len);
        for (int k = 1; k < len && i + static_cast<std::size_t>(k) < utf8.size(); ++k)
            cp = cp << 6 | (static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]) & 0x3F);
        i += static_cast<std::size_t>(len);
        if (cp >= 0xC0 && cp <= 0xFF && *kFold[cp - 0xC0]) out += kFold[cp - 0xC0];
        else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212) out += '-';
        else if (cp == 0x2018 || cp == 0x2019) out += '\'';
        else if (cp == 0x201C || cp == 0x201D) out += '"';
        else if (cp == 0x2026) out += "...";
        else if (cp == 0xA0) out += ' ';
        else out += '?';
    }
    return out;
}

}  // namespace lacquer::io
