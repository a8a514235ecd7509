// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/ddp.hpp"


#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "lacquer/common/digest.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/manifest/codes.hpp"

namespace lacquer::delivery {
namespace {

void put(std::string& rec, std::size_t offset, std::size_t width, const std::string& text) {
    for (std::size_t i = 0; i < width && i < text.size(); ++i) rec[offset + i] = text[i];
}

std::string zeroPadded(std::int64_t value, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
    return buf;
}

std::string catalogOf(const CdDiscMeta& disc) {
    return disc.catalog.empty() ? std::string() : manifest::normaliseCatalog(disc.catalog).value_or("");
}

std::string twoDigits(int v) {
    return zeroPadded(v, 2);
}

}  // namespace

std::uint16_t cdTextCrc(const unsigned char* bytes16) {
    std::uint32_t crc = 0;
    for (int i = 0; i < 16; ++i) {
        crc ^= static_cast<std::uint32_t>(bytes16[i]) << 8;
        for (int b = 0; b < 8; ++b) crc = (crc & 0x8000u) ? ((crc << 1) ^ 0x1021u) : (crc << 1);
        crc &= 0xFFFFu;
    }
    return static_cast<std::uint16_t>(crc ^ 0xFFFFu);
}

std::string cdTextPacks(const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks) {
    if (tracks.empty()) return {};
    std::string out;
    int seq = 0;
    std::array<int, 16> counts{};
    auto addPack = [&](int type, int track, int charPos, const unsigned char* payload12) {
        std::array<unsigned char, kCdTextPackBytes> p{};
        p[0] = static_cast<unsigned char>(type);
        p[1] = static_cast<unsigned char>(track);
        p[2] = static_cast<unsigned char>(seq & 0xFF);
        p[3] = static_cast<unsigned char>(std::min(charPos, 15));  // block 0, single-byte characters
        std::copy(payload12, payload12 + 12, p.begin() + 4);
        const std::uint16_t crc = cdTextCrc(p.data());
        p[16] = static_cast<unsigned char>(crc >> 8);
        p[17] = static_cast<unsigned char>(crc & 0xFF);
        out.append(reinterpret_cast<const char*>(p.data()), p.size());
        ++seq;
        ++counts[static_cast<std::size_t>(type - 0x80)];
    };
    struct Field {
        int type;
        std::string disc;
        std::vector<std::string> tracks;
    };
    std::vector<Field> fields(3);
    fields[0].type = 0x80;
    fields[1].type = 0x81;
    fields[2].type = 0x82;
    fields[0].disc = toLatin1(disc.title).bytes;
    fields[1].disc = toLatin1(disc.performer).bytes;
    fields[2].disc = toLatin1(disc.songwriter).bytes;
    for (const auto& t : tracks) {
        fields[0].tracks.push_back(toLatin1(t.title).bytes);
        fields[1].tracks.push_back(toLatin1(t.performer).bytes);
        fields[2].tracks.push_back(toLatin1(t.songwriter).bytes);
    }
    for (const auto& f : fields) {
        bool any = !f.disc.empty();
        for (const auto& s : f.tracks) any = any || !s.empty();
        if (!any) continue;
        // The text stream of this type and, per byte, the track and position it belongs to.
        std::vector<unsigned char> stream;
        std::vector<std::pair<int, int>> owner;
        auto addString = [&](int track, const std::string& s) {
            for (std::size_t i = 0; i <= s.size(); ++i) {
                stream.push_back(i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
                owner.push_back({track, static_cast<int>(i)});
            }
        };
        addString(0, f.disc);
        for (std::size_t i = 0; i < f.tracks.size(); ++i) addString(static_cast<int>(i) + 1, f.tracks[i]);
        for (std::size_t off = 0; off < stream.size(); off += 12) {
            unsigned char payload[12] = {};
            std::copy(stream.begin() + static_cast<std::ptrdiff_t>(off),
                      stream.begin() + static_cast<std::ptrdiff_t>(std::min(stream.size(), off + 12)),
                      payload);
            addPack(f.type, owner[off].first, owner[off].second, payload);
        }
    }
    if (out.empty()) return out;
    // Size information: three packs whose payloads form 36 bytes.
    const int total = seq + 3;
    std::array<unsigned char, 36> info{};
    info[0] = 0x00;  // character set: ISO 8859-1
    info[1] = 1;     // first track
    info[2] = static_cast<unsigned char>(std::min<std::size_t>(tracks.size(), 99));
    info[3] = 0;  // copyright flags
    counts[15] = 3;
    for (int i = 0; i < 16; ++i)
        info[static_cast<std::size_t>(4 + i)] =
            static_cast<unsigned char>(std::min(counts[static_cast<std::size_t>(i)], 255));
    info[20] = static_cast<unsigned char>((total - 1) & 0xFF);  // last sequence number of block 0
    info[28] = 0x09;                                            // language of block 0: English
    for (int k = 0; k < 3; ++k) {
        // size-information packs carry their position (0-2) in byte 1, not a track number
        std::array<unsigned char, kCdTextPackBytes> p{};
        p[0] = 0x8F;
        p[1] = static_cast<unsigned char>(k);
        p[2] = static_cast<unsigned char>(seq & 0xFF);
        p[3] = 0;
        std::copy(info.begin() + k * 12, info.begin() + k * 12 + 12, p.begin() + 4);
        const std::uint16_t crc = cdTextCrc(p.data());
        p[16] = static_cast<unsigned char>(crc >> 8);
        p[17] = static_cast<unsigned char>(crc & 0xFF);
        out.append(reinterpret_cast<const char*>(p.data()), p.size());
        ++seq;
    }
    return out;
}

std::string ddpId(const CdDiscMeta& disc, const std::string& masterId) {
    std::string rec(kDdpIdBytes, ' ');
    put(rec, 0, 8, "DDP 2.00");
    put(rec, 8, 13, catalogOf(disc));
    put(rec, 38, 48, toLatin1(masterId).bytes);
    put(rec, 87, 2, "CD");
    return rec;
}

std::string ddpMs(std::int64_t imageSectors, std::size_t pqBytes, std::size_t cdTextBytes) {
    auto packet = [](const std::string& type, std::int64_t length, const std::string& sub,
                     const std::string& file) {
        std::string rec(kDdpMsPacketBytes, ' ');
        put(rec, 0, 4, "VVVM");
        put(rec, 4, 2, type);
        put(rec, 14, 8, zeroPadded(length, 8));
        put(rec, 30, 8, sub);
        put(rec, 71, 3, "017");
        put(rec, 74, 17, file);
        return rec;
    };
    std::string out;
    if (cdTextBytes > 0) {
        std::string rec = packet("S0", static_cast<std::int64_t>(cdTextBytes), "CDTEXT", "CDTEXT.BIN");
        put(rec, 55, 2, "00");
        out += rec;
    }
    out += packet("S0", static_cast<std::int64_t>(pqBytes), "PQ DESCR", "PQDESCR");
    std::string image = packet("D0", imageSectors, "", "IMAGE.DAT");
    put(image, 22, 8, "00000000");  // the image starts at sector 0 (A-time 00:00:00)
    put(image, 38, 2, "DA");
    put(image, 40, 1, "7");  // complete 2352-byte sectors
    put(image, 41, 1, "0");  // not scrambled
    put(image, 46, 4, zeroPadded(kLeadInSectors, 4));
    out += image;
    return out;
}

std::string pqDescriptor(const CdLayout& layout, const CdDiscMeta& disc,
                         const std::vector<CdTrackMeta>& tracks) {
    assert(tracks.size() == layout.tracks.size());
    auto packet = [](const std::string& track, int index, std::int64_t sector, const std::string& isrc,
                     const std::string& upc) {
        std::string rec(kPqPacketBytes, ' ');
        put(rec, 0, 4, "VVVS");
        put(rec, 4, 2, track);
        put(rec, 6, 2, twoDigits(index));
        std::string t = msf(sector);  // MM:SS:FF
        t.erase(std::remove(t.begin(), t.end(), ':'), t.end());
        put(rec, 10, 6, t);  // hours (8-9) left blank
        put(rec, 16, 2, "01");
        put(rec, 20, 12, isrc);
        put(rec, 32, 13, upc);
        return rec;
    };
    std::string out = packet("00", 0, 0, "", catalogOf(disc));
    for (std::size_t i = 0; i < layout.tracks.size(); ++i) {
        const auto& t = layout.tracks[i];
        const std::string isrc =
            tracks[i].isrc.empty() ? "" : manifest::normaliseIsrc(tracks[i].isrc).value_or("");
        const std::string num = twoDigits(t.number);
        if (t.index00) out += packet(num, 0, *t.index00, isrc, "");
        out += packet(num, 1, t.index01, t.index00 ? "" : isrc, "");
    }
    const std::string leadOut = packet("AA", 1, layout.leadOutSector, "", "");
    out += leadOut;
    out += leadOut;
    return out;
}

std::string md5File(const std::filesystem::path& path) { return fileDigestHex(DigestKind::Md5, path); }

DdpFileset writeDdp(const std::filesystem::path& folder, const AudioBuffer& programme, const CdLayout& layout,
                    const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                    const DdpOptions& options) {
    return writeDdp(folder, BufferSource(programme), layout, disc, tracks, options);
}

DdpFileset writeDdp(const std::filesystem::path& folder, const AudioSource& programme, const CdLayout& layout,
                    const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                    const DdpOptions& options) {
    assert(programme.frames() == layout.programmeFrames());
    assert(programme.channels() == kCdChannels);
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw Error(ErrorKind::Io, folder.string(), "cannot create the DDP folder: " + ec.message());

    auto writeBytes = [&](const std::string& name, const std::string& bytes) {
        io::AtomicFile f(folder / name);
        {
            std::ofstream out(f.tempPath(), std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out) throw Error(ErrorKind::Io, (folder / name).string(), "write failed");
        }
        f.commit();
    };

    const std::string cdText = options.cdText ? cdTextPacks(disc, tracks) : std::string();
    const std::string pq = pqDescriptor(layout, disc, tracks);
    DdpFileset result;
    writeBytes("DDPID", ddpId(disc, options.masterId));
    result.files.push_back("DDPID");
    writeBytes("DDPMS", ddpMs(layout.leadOutSector, pq.size(), cdText.size()));
    result.files.push_back("DDPMS");
    if (!cdText.empty()) {
        writeBytes("CDTEXT.BIN", cdText);
        result.files.push_back("CDTEXT.BIN");
    }
    writeBytes("PQDESCR", pq);
    result.files.push_back("PQDESCR");

    {
        io::AtomicFile f(folder / "IMAGE.DAT");
        {
            std::ofstream out(f.tempPath(), std::ios::binary | std::ios::trunc);
            const std::size_t chunk = 65536;
            AudioBuffer block(kCdChannels, chunk, programme.sampleRateHz());
            std::vector<char> buf;
            for (std::size_t start = 0; start < programme.frames(); start += chunk) {
                const std::size_t n = std::min(chunk, programme.frames() - start);
                programme.read(start, block.view().slice(0, n));
                const float* l = block.samples[0].data();
                const float* r = block.samples[1].data();
                buf.resize(n * 4);
                for (std::size_t i = 0; i < n; ++i) {
                    const float s2[2] = {l[i], r[i]};
                    for (int c = 0; c < 2; ++c) {
                        // already 16-bit values; round and clamp only guard against misuse
                        const long v =
                            std::clamp(std::lround(static_cast<double>(s2[c]) * 32768.0), -32768L, 32767L);
                        const auto u = static_cast<std::uint16_t>(static_cast<std::int16_t>(v));
                        buf[i * 4 + static_cast<std::size_t>(c) * 2] =
                            static_cast<char>(u & 0xFF);  // little-endian
                        buf[i * 4 + static_cast<std::size_t>(c) * 2 + 1] = static_cast<char>(u >> 8);
                    }
                }
                out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
            }
            if (!out) throw Error(ErrorKind::Io, (folder / "IMAGE.DAT").string(), "write failed");
        }
        f.commit();
    }
    result.files.push_back("IMAGE.DAT");

    std::string sums;
    for (const auto& name : result.files) {
        const std::string h = md5File(folder / name);
        if (name == "IMAGE.DAT") result.imageMd5 = h;
        sums += h + " *" + name + "\n";
    }
    writeBytes("CHECKSUM.MD5", sums);
    result.files.push_back("CHECKSUM.MD5");
    return result;
}

}  // namespace lacquer::delivery
