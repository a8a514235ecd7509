// SPDX-License-Identifier: GPL-3.0-or-later
// DDP fileset: written, then read back with a parser written here from the documented layout
// (docs/delivery.md), independent of the writer's code.
#include "lacquer/delivery/ddp.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

#include "lacquer/delivery/cd.hpp"
#include "support/paths.hpp"

using namespace lacquer;
using namespace lacquer::delivery;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string field(const std::string& rec, std::size_t offset, std::size_t width) {
    std::string s = rec.substr(offset, width);
    const auto e = s.find_last_not_of(' ');
    s.erase(e == std::string::npos ? 0 : e + 1);
    const auto b = s.find_first_not_of(' ');
    return b == std::string::npos ? "" : s.substr(b);
}

// Independent CRC-16/CCITT (bitwise, MSB first, poly 0x1021, init 0), inverted.
unsigned crc16(const std::string& bytes) {
    unsigned crc = 0;
    for (unsigned char c : bytes)
        for (int b = 7; b >= 0; --b) {
            const bool bit = ((crc >> 15) & 1u) != ((c >> b) & 1u);
            crc = (crc << 1) & 0xFFFFu;
            if (bit) crc ^= 0x1021u;
        }
    return crc ^ 0xFFFFu;
}

struct Fixture {
    CdLayout layout;
    AudioBuffer programme;
    CdDiscMeta disc{"Night Drive", "The Demo Band", "", "012345678905"};
    std::vector<CdTrackMeta> tracks{{"Intro", "The Demo Band", "A. Writer", "GBAYE2600001"},
                                    {"Caf\xc3\xa9 \"Two\"", "Guest", "", "GBAYE2600002"}};
    Fixture() {
        const std::size_t l1 = 44100 * 5 + 1000, m2 = l1 + 44100, l2 = 44100 * 6 + 3;
        layout = cdLayout({0, m2}, {l1, l2}, m2 + l2);
        AudioBuffer tl(2, m2 + l2, 44100);
        for (std::size_t i = 0; i < tl.frames(); ++i) {
            tl.samples[0][i] = static_cast<float>(static_cast<int>(i % 65536) - 32768) / 32768.0f;
            tl.samples[1][i] = static_cast<float>(static_cast<int>((i * 7) % 65536) - 32768) / 32768.0f;
        }
        programme = cdProgramme(tl, layout);
    }
};

}  // namespace

TEST(Ddp, FilesetParsesBackToTheLayout) {
    Fixture f;
    const fs::path dir = test::scratchDir();
    writeDdp(dir, f.programme, f.layout, f.disc, f.tracks, {"MASTER-1", true});

    const std::string id = readAll(dir / "DDPID");
    ASSERT_EQ(id.size(), 128u);
    EXPECT_EQ(id.substr(0, 8), "DDP 2.00");
    EXPECT_EQ(field(id, 8, 13), "0012345678905");  // the UPC-A as EAN-13
    EXPECT_EQ(field(id, 38, 48), "MASTER-1");
    EXPECT_EQ(id.substr(87, 2), "CD");

    const std::string ms = readAll(dir / "DDPMS");
    ASSERT_EQ(ms.size() % 128, 0u);
    std::map<std::string, std::string> streams;  // file name -> packet
    for (std::size_t off = 0; off < ms.size(); off += 128) {
        const std::string p = ms.substr(off, 128);
        ASSERT_EQ(p.substr(0, 4), "VVVM");
        EXPECT_EQ(field(p, 71, 3), "017");
        streams[field(p, 74, 17)] = p;
    }
    ASSERT_EQ(streams.size(), 3u);
    const std::string& image = streams.at("IMAGE.DAT");
    EXPECT_EQ(image.substr(4, 2), "D0");
    EXPECT_EQ(std::stoll(field(image, 14, 8)), f.layout.leadOutSector);
    EXPECT_EQ(field(image, 22, 8), "00000000");
    EXPECT_EQ(image.substr(38, 2), "DA");
    EXPECT_EQ(std::stoi(field(image, 46, 4)), 150);
    const std::string& pqp = streams.at("PQDESCR");
    EXPECT_EQ(pqp.substr(4, 2), "S0");
    EXPECT_EQ(field(pqp, 30, 8), "PQ DESCR");
    const std::string& ctp = streams.at("CDTEXT.BIN");
    EXPECT_EQ(field(ctp, 30, 8), "CDTEXT");

    // PQ descriptor: lead-in, 01/00, 01/01, 02/00, 02/01, lead-out twice
    const std::string pq = readAll(dir / "PQDESCR");
    ASSERT_EQ(static_cast<long long>(pq.size()), std::stoll(field(pqp, 14, 8)));
    ASSERT_EQ(pq.size(), 7u * 64u);
    struct Entry {
        std::string track;
        int index;
        std::int64_t sector;
        std::string isrc, upc, control;
    };
    std::vector<Entry> e;
    for (std::size_t off = 0; off < pq.size(); off += 64) {
        const std::string p = pq.substr(off, 64);
        ASSERT_EQ(p.substr(0, 4), "VVVS");
        const std::string t = field(p, 8, 8);
        ASSERT_EQ(t.size(), 6u) << p;
        const auto sector = parseMsf(t.substr(0, 2) + ":" + t.substr(2, 2) + ":" + t.substr(4, 2));
        ASSERT_TRUE(sector) << p;
        e.push_back({p.substr(4, 2), std::stoi(p.substr(6, 2)), *sector, field(p, 20, 12), field(p, 32, 13),
                     p.substr(16, 2)});
    }
    EXPECT_EQ(e[0].track, "00");
    EXPECT_EQ(e[0].upc, "0012345678905");
    EXPECT_EQ(e[1].track, "01");
    EXPECT_EQ(e[1].index, 0);
    EXPECT_EQ(e[1].sector, 0);
    EXPECT_EQ(e[1].isrc, "GBAYE2600001");
    EXPECT_EQ(e[2].sector, 150);
    EXPECT_EQ(e[3].track, "02");
    EXPECT_EQ(e[3].sector, *f.layout.tracks[1].index00);
    EXPECT_EQ(e[3].isrc, "GBAYE2600002");
    EXPECT_EQ(e[4].sector, f.layout.tracks[1].index01);
    EXPECT_EQ(e[4].isrc, "");
    EXPECT_EQ(e[5].track, "AA");
    EXPECT_EQ(e[5].sector, f.layout.leadOutSector);
    EXPECT_EQ(e[6].track, "AA");
    for (const auto& x : e) EXPECT_EQ(x.control, "01");

    // IMAGE.DAT: the programme, 16-bit little-endian, left then right
    const std::string img = readAll(dir / "IMAGE.DAT");
    ASSERT_EQ(static_cast<std::int64_t>(img.size()), f.layout.leadOutSector * 2352);
    for (std::size_t i = 0; i < f.programme.frames(); i += 997) {
        for (int c = 0; c < 2; ++c) {
            const std::size_t b = i * 4 + static_cast<std::size_t>(c) * 2;
            const auto v = static_cast<std::int16_t>(
                static_cast<unsigned char>(img[b]) |
                (static_cast<unsigned>(static_cast<unsigned char>(img[b + 1])) << 8));
            ASSERT_EQ(v, static_cast<int>(f.programme.samples[static_cast<std::size_t>(c)][i] * 32768.0f))
                << "frame " << i;
        }
    }

    // CD-TEXT: packs with valid CRCs; the title strings reassemble to disc + tracks in Latin-1
    const std::string ct = readAll(dir / "CDTEXT.BIN");
    ASSERT_EQ(ct.size() % 18, 0u);
    std::map<int, std::string> text;  // pack type -> concatenated payloads
    int lastSeq = -1;
    for (std::size_t off = 0; off < ct.size(); off += 18) {
        const std::string p = ct.substr(off, 18);
        const unsigned stored = (static_cast<unsigned char>(p[16]) << 8) | static_cast<unsigned char>(p[17]);
        EXPECT_EQ(crc16(p.substr(0, 16)), stored) << "pack " << off / 18;
        EXPECT_EQ(static_cast<unsigned char>(p[2]), lastSeq + 1);
        lastSeq = static_cast<unsigned char>(p[2]);
        text[static_cast<unsigned char>(p[0])] += p.substr(4, 12);
    }
    const std::string titles = text[0x80];
    EXPECT_EQ(titles.substr(0, titles.find_last_not_of('\0') + 1),
              std::string("Night Drive\0Intro\0Caf\xe9 \"Two\"", 28));
    EXPECT_EQ(text[0x81].substr(0, 14), std::string("The Demo Band\0", 14));
    ASSERT_EQ(text[0x8F].size(), 36u);
    EXPECT_EQ(text[0x8F][2], 2);  // last track
    EXPECT_EQ(static_cast<int>(text[0x8F][20]), lastSeq);
}

TEST(Ddp, NoTextMeansNoCdTextStream) {
    Fixture f;
    for (auto& t : f.tracks) t = {};
    f.disc = {};
    const fs::path dir = test::scratchDir();
    const DdpFileset set = writeDdp(dir, f.programme, f.layout, f.disc, f.tracks);
    EXPECT_FALSE(fs::exists(dir / "CDTEXT.BIN"));
    EXPECT_EQ(readAll(dir / "DDPMS").size(), 2u * 128u);
    EXPECT_EQ(set.files,
              (std::vector<std::string>{"DDPID", "DDPMS", "PQDESCR", "IMAGE.DAT", "CHECKSUM.MD5"}));
    EXPECT_EQ(set.imageMd5, md5File(dir / "IMAGE.DAT"));
}

TEST(Ddp, CdTextCrcMatchesAKnownPack) {
    // CRC-16/CCITT with initial 0 (XMODEM) of "123456789" is 0x31C3 (the catalogue check value);
    // the pack CRC is its inversion over 16 bytes, checked here against the independent crc16().
    const unsigned char xmodem[9] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    EXPECT_EQ(crc16(std::string(reinterpret_cast<const char*>(xmodem), 9)) ^ 0xFFFFu, 0x31C3u);
    const unsigned char pack[16] = {0x80, 0x00, 0x00, 0x00, 'N', 'i', 'g', 'h',
                                    't',  ' ',  'D',  'r',  'i', 'v', 'e', 0};
    EXPECT_EQ(cdTextCrc(pack), crc16(std::string(reinterpret_cast<const char*>(pack), 16)));
}
