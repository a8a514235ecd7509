// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, limits the manifest decides (render::checkLimits): found by `validate` and by
// `render` alike, through the same code, before any audio is processed and before the output
// folder exists — so a refused render leaves no folder and no lock file, and its message is
// validate's, line for line.
#include <gtest/gtest.h>

#include <cstdint>

#include "hostile_support.hpp"
#include "lacquer/render/limits.hpp"

namespace lacquer::hostile {
namespace {

using test::runCommand;

// A PNG signature and an IHDR saying 3000x3000 RGB (so the store guards of issue 18, which read
// the header, have nothing to warn about), `bytes` in all (a sparse file: no disk used).
void writeCover(const fs::path& file, std::uint64_t bytes) {
    writeText(file, std::string("\x89PNG\r\n\x1a\n"
                                "\0\0\0\x0dIHDR"
                                "\0\0\x0b\xb8\0\0\x0b\xb8"  // 3000 x 3000
                                "\x08\x02\0\0\0",              // 8 bits, colour type 2 (RGB)
                                8 + 8 + 13));
    fs::resize_file(file, bytes);
}

// A mono 8-bit 8 kHz WAV promising `seconds` of silence (a sparse file: the header is all
// validate reads, and a refused render must not read more).
void writeLongWav(const fs::path& file, double seconds) {
    const auto data = static_cast<std::uint32_t>(seconds * 8000);
    std::string h;
    auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xff); };
    auto u16 = [&](std::uint16_t v) { for (int i = 0; i < 2; ++i) h += static_cast<char>((v >> (8 * i)) & 0xff); };
    h += "RIFF";
    u32(36 + data);
    h += "WAVEfmt ";
    u32(16);
    u16(1);     // PCM
    u16(1);     // mono
    u32(8000);  // Hz
    u32(8000);  // bytes per second
    u16(1);     // block align
    u16(8);     // bits
    h += "data";
    u32(data);
    writeText(file, h);
    fs::resize_file(file, h.size() + data);
}

std::string albumWithCover(const std::string& variants) {
    return "lacquer: 1\nalbum: { title: Hostile, artist: Tester, cover: art/front.png }\n"
           "processing: { sample_rate: 48000 }\ntracks:\n  - { file: mixes/a.wav, title: A }\nvariants:\n" +
           variants;
}

// validate and render refuse with the same lines; render leaves no output folder.
void expectBothRefuse(const fs::path& dir, const std::string& contains) {
    const auto before = snapshot(dir);
    std::string v, r;
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &v), 2) << v;
    EXPECT_EQ(render(dir, &r), 2) << r;
    EXPECT_EQ(r, v);
    EXPECT_FALSE(v.empty());
    for (const auto& l : lines(v)) EXPECT_EQ(l.rfind("error: ", 0), 0u) << v;
    EXPECT_NE(v.find(contains), std::string::npos) << v;
    EXPECT_FALSE(fs::exists(dir / "out")) << "no folder, no lock file";
    EXPECT_EQ(snapshot(dir), before);
}

TEST(HostileLimits, ACoverOverFlacsPictureBlockIsRefusedByValidateAndRenderAlike) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", albumWithCover("  streaming: { export: { format: flac } }\n"));
    const std::uint64_t max = render::maxFlacCoverBytes(true);
    // 2^24 - 1 bytes of block, less 8 four-byte fields, "image/png" and "Front cover".
    EXPECT_EQ(max, 16777215u - 32 - 9 - 11);
    writeCover(dir / "art/front.png", max + 1);
    expectBothRefuse(dir, "album.yaml: cover 'front.png' is 16.0 MiB (16777164 bytes); a FLAC file holds a cover of at most "
                          "16777163 bytes (its 16 MiB picture block) — use a smaller cover image");
    EXPECT_EQ(lines([&] { std::string v; runCommand(cli() + " validate " + q(dir / "album.yaml"), &v); return v; }()).size(), 1u);
}

TEST(HostileLimits, ACoverAtTheLimitOrForAWavOnlyAlbumPasses) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", albumWithCover("  streaming: { export: { format: flac } }\n"));
    writeCover(dir / "art/front.png", render::maxFlacCoverBytes(true));
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 0) << out;
    // WAV carries no picture: no FLAC limit applies.
    writeCover(dir / "art/front.png", render::maxFlacCoverBytes(true) + 4096);
    writeText(dir / "album.yaml", albumWithCover("  archive: { export: { format: wav } }\n"));
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 0) << out;
}

TEST(HostileLimits, ACdOverEightyMinutesIsRefusedByRenderBeforeProcessingWithValidatesLines) {
    const auto dir = test::scratchDir();
    writeLongWav(dir / "mixes/a.wav", 45 * 60);
    writeLongWav(dir / "mixes/b.wav", 36 * 60);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: A }\n  - { file: mixes/b.wav, title: B }\n", "",
                                               "  cd: { export: { format: cd } }\n"));
    // 81 minutes of audio: rendering it would take minutes; the refusal comes from the headers.
    expectBothRefuse(dir, "error: cd: ");
}

TEST(HostileLimits, ARenderOfOneVariantChecksThatVariantsLimitsOnly) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", albumWithCover("  streaming: { export: { format: flac } }\n  archive: { export: { format: wav } }\n"));
    writeCover(dir / "art/front.png", render::maxFlacCoverBytes(true) + 1);
    std::string out;
    EXPECT_EQ(render(dir, &out, "--variant streaming"), 2) << out;
    EXPECT_FALSE(fs::exists(dir / "out"));
    ASSERT_EQ(render(dir, &out, "--variant archive"), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"), (std::vector<std::string>{"archive/01 - A.wav", "report.html", "report.json", "report.md"}));
}

}  // namespace
}  // namespace lacquer::hostile
