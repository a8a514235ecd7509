// SPDX-License-Identifier: GPL-3.0-or-later
// Store guards checked when inputs are probed (validate and render): cover size, squareness,
// colour model and the FLAC PICTURE limit; delivery rates above every mix's rate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>

#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/io/image_info.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void put32(std::string& s, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The head of a PNG: signature and IHDR (all the probe reads; the CRC is not checked).
void writePng(const fs::path& p, std::uint32_t w, std::uint32_t h, int colourType, std::size_t padTo = 0) {
    std::string s("\x89PNG\r\n\x1a\n", 8);
    put32(s, 13);
    s += "IHDR";
    put32(s, w);
    put32(s, h);
    s += static_cast<char>(8);
    s += static_cast<char>(colourType);
    s += std::string(3, '\0');
    put32(s, 0);  // CRC
    if (s.size() < padTo) s.resize(padTo, '\0');
    std::ofstream(p, std::ios::binary) << s;
}

// A JPEG head: SOI, an APP0 segment, SOF0 with `components` (1 grey, 3 YCbCr, 4 CMYK).
void writeJpeg(const fs::path& p, int w, int h, int components) {
    std::string s = "\xFF\xD8";
    s += std::string("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
    s += "\xFF\xC0";
    const int len = 8 + 3 * components;
    s += static_cast<char>(len >> 8);
    s += static_cast<char>(len & 0xFF);
    s += static_cast<char>(8);
    s += static_cast<char>(h >> 8);
    s += static_cast<char>(h & 0xFF);
    s += static_cast<char>(w >> 8);
    s += static_cast<char>(w & 0xFF);
    s += static_cast<char>(components);
    for (int c = 0; c < components; ++c) s += std::string{static_cast<char>(c + 1), '\x11', '\0'};
    s += "\xFF\xD9";
    std::ofstream(p, std::ios::binary) << s;
}

// Loads a manifest with inputs checked and returns the warnings it printed.
std::vector<std::string> warningsFor(const fs::path& dir, const std::string& albumExtra, const std::string& variants) {
    std::ofstream(dir / "album.yaml") << "lacquer: 1\nalbum: { title: T, artist: A" << albumExtra
                                      << " }\ntracks:\n  - { file: a.wav, title: One }\nvariants:\n" << variants;
    std::vector<std::string> warnings;
    log::captureWarnings(&warnings);
    try {
        manifest::load(dir / "album.yaml", manifest::CheckInputs::Yes);
    } catch (...) {
        log::captureWarnings(nullptr);
        throw;
    }
    log::captureWarnings(nullptr);
    return warnings;
}

fs::path albumDir(int mixRateHz = 48000) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(1.0, mixRateHz), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    return dir;
}

TEST(ImageProbe, ReadsPngAndJpegSizeAndColourModel) {
    const auto dir = test::scratchDir();
    writePng(dir / "rgb.png", 3000, 3000, 2);
    writePng(dir / "grey.png", 640, 480, 0);
    writeJpeg(dir / "cmyk.jpg", 3000, 2999, 4);
    writeJpeg(dir / "ycc.jpg", 1400, 1400, 3);
    const auto a = io::probeImage(dir / "rgb.png");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->format, "png");
    EXPECT_EQ(a->width, 3000);
    EXPECT_EQ(a->colour, io::ColourModel::Rgb);
    EXPECT_EQ(io::probeImage(dir / "grey.png")->colour, io::ColourModel::Grey);
    const auto c = io::probeImage(dir / "cmyk.jpg");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->width, 3000);
    EXPECT_EQ(c->height, 2999);
    EXPECT_EQ(c->colour, io::ColourModel::Cmyk);
    EXPECT_EQ(io::probeImage(dir / "ycc.jpg")->colour, io::ColourModel::Rgb);
}

TEST(StoreGuards, ACompliantCoverAndRateWarnNothing) {
    const auto dir = albumDir(48000);
    writePng(dir / "cover.png", 3000, 3000, 2);
    EXPECT_TRUE(warningsFor(dir, ", cover: cover.png", "  s: { export: { format: flac, sample_rate: 48000 } }\n").empty());
}

TEST(StoreGuards, SmallNonSquareGreyCoverWarnsThreeTimesWithItsPosition) {
    const auto dir = albumDir();
    writePng(dir / "cover.png", 1000, 800, 0);
    const auto w = warningsFor(dir, ", cover: cover.png", "  s: { export: { format: flac, sample_rate: 48000 } }\n");
    ASSERT_EQ(w.size(), 3u) << ::testing::PrintToString(w);
    EXPECT_THAT(w[0], HasSubstr("album.yaml:2:"));
    EXPECT_THAT(w[0], HasSubstr("1000x800 pixels; stores and distributors ask for at least 3000x3000"));
    EXPECT_THAT(w[1], HasSubstr("not square"));
    EXPECT_THAT(w[2], HasSubstr("greyscale, not RGB"));
}

TEST(StoreGuards, CmykJpegWarns) {
    const auto dir = albumDir();
    writeJpeg(dir / "cover.jpg", 3000, 3000, 4);
    const auto w = warningsFor(dir, ", cover: cover.jpg", "  s: { export: { format: flac, sample_rate: 48000 } }\n");
    ASSERT_EQ(w.size(), 1u) << ::testing::PrintToString(w);
    EXPECT_THAT(w[0], HasSubstr("CMYK, not RGB"));
}

// FLAC's METADATA_BLOCK_HEADER length is 24 bits: 16,777,215 bytes per block.
// A cover over FLAC's picture block limit is render::checkLimits' error (validate and render):
// HostileLimits.ACoverOverFlacsPictureBlockIsRefusedByValidateAndRenderAlike holds it.

TEST(StoreGuards, DeliveryAboveEveryMixRateWarnsButTheCdDoesNot) {
    const auto dir = albumDir(44100);
    const auto w = warningsFor(dir, "",
                               "  hires: { export: { format: flac, sample_rate: 96000 } }\n"
                               "  same: { export: { format: flac, sample_rate: 44100 } }\n"
                               "  stream48: { export: { format: flac, sample_rate: 48000 } }\n"
                               "  cd: { preset: cd }\n");
    ASSERT_EQ(w.size(), 1u) << ::testing::PrintToString(w);
    EXPECT_THAT(w[0], HasSubstr("album.yaml:6:"));
    EXPECT_THAT(w[0], HasSubstr("variant 'hires' is delivered at 96000 Hz but no mix is above 44100 Hz"));
    // 44.1 kHz mixes at 48 kHz are a rate conversion, not a hi-res claim: no warning (above). A
    // 32 kHz mix on a CD is upsampled by the Red Book's fixed rate, not by choice: none either.
    const auto low = albumDir(32000);
    EXPECT_TRUE(warningsFor(low, "", "  cd: { preset: cd }\n").empty());
}

// An error path prints its errors alone (docs: "Nothing else is printed on error paths").
TEST(StoreGuards, AManifestWithAnErrorPrintsNoGuardWarnings) {
    const auto dir = albumDir(44100);
    writePng(dir / "cover.png", 100, 100, 0);
    std::ofstream(dir / "album.yaml") << "lacquer: 1\nalbum: { title: T, artist: A, cover: cover.png }\ntracks:\n"
                                         "  - { file: a.wav, title: One }\n  - { file: missing.wav, title: Two }\n"
                                         "variants:\n  h: { export: { format: flac, sample_rate: 96000 } }\n";
    std::vector<std::string> warnings;
    log::captureWarnings(&warnings);
    EXPECT_THROW(manifest::load(dir / "album.yaml", manifest::CheckInputs::Yes), Error);
    log::captureWarnings(nullptr);
    EXPECT_TRUE(warnings.empty()) << ::testing::PrintToString(warnings);
    // ...and they are not left over for the next manifest.
    const auto ok = albumDir(48000);
    EXPECT_TRUE(warningsFor(ok, "", "  s: { export: { format: flac, sample_rate: 48000 } }\n").empty());
}

}  // namespace
}  // namespace lacquer
