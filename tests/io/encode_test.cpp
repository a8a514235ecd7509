// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>

#include "lacquer/common/error.hpp"
#include "lacquer/dither/quantiser.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

AudioBuffer quantised(int bits, double rate = 48000) {
    auto a = test::musicNoise(2.0, rate);
    dither::quantise(a, bits, DitherKind::Tpdf, 5);
    return a;
}

io::Tags sampleTags() {
    io::Tags t;
    t.title = "Café Noir";  // non-ASCII goes through as UTF-8
    t.artist = "The Demo Band";
    t.album = "Night Drive";
    t.albumArtist = "The Demo Band";
    t.date = "2026";
    t.genre = "Electronic";
    t.isrc = "ZZDEM2600001";
    t.catalog = "4006381333931";
    t.trackNumber = 3;
    t.trackTotal = 6;
    t.discNumber = 1;
    t.discTotal = 1;
    t.trackGainDb = -4.25;
    t.trackPeak = 0.891;
    t.albumGainDb = -4.0;
    t.albumPeak = 0.95;
    return t;
}

TEST(Encode, FlacRoundTripsBitExactAndPassesFlacTest) {
    const auto dir = test::scratchDir();
    for (int bits : {16, 24}) {
        const auto a = quantised(bits);
        const auto file = dir / ("t" + std::to_string(bits) + ".flac");
        io::writeFlac(file, a, bits, sampleTags());
        const auto back = io::decode(file, io::Channels::Native);
        ASSERT_EQ(back.frames(), a.frames());
        EXPECT_EQ(back.samples, a.samples) << bits;
        std::string out;
        EXPECT_EQ(runCommand("flac -s -t \"" + file.string() + "\"", &out), 0) << out;
        EXPECT_EQ(io::probe(file).bitDepth, bits);
    }
}

TEST(Encode, FlacCarriesEveryTagAndTheCover) {
    const auto dir = test::scratchDir();
    // A tiny PNG-signature file stands in for a cover; TagLib stores its bytes as given.
    std::ofstream(dir / "cover.png", std::ios::binary) << std::string("\x89PNG\r\n\x1a\n0123456789", 18);
    auto tags = sampleTags();
    tags.cover = dir / "cover.png";
    io::writeFlac(dir / "t.flac", quantised(24), 24, tags);
    std::string out;
    ASSERT_EQ(runCommand("metaflac --export-tags-to=- \"" + (dir / "t.flac").string() + "\"", &out), 0);
    for (const char* want : {"TITLE=Café Noir\n", "ARTIST=The Demo Band\n", "ALBUM=Night Drive\n", "ALBUMARTIST=The Demo Band\n",
                             "DATE=2026\n", "GENRE=Electronic\n", "ISRC=ZZDEM2600001\n", "BARCODE=4006381333931\n",
                             "TRACKNUMBER=3\n", "TRACKTOTAL=6\n", "DISCNUMBER=1\n", "DISCTOTAL=1\n",
                             "REPLAYGAIN_TRACK_GAIN=-4.25 dB\n", "REPLAYGAIN_TRACK_PEAK=0.891000\n",
                             "REPLAYGAIN_ALBUM_GAIN=-4.00 dB\n", "REPLAYGAIN_ALBUM_PEAK=0.950000\n"})
        EXPECT_NE(out.find(want), std::string::npos) << want << " in\n" << out;
    ASSERT_EQ(runCommand("metaflac --list --block-type=PICTURE \"" + (dir / "t.flac").string() + "\"", &out), 0);
    EXPECT_NE(out.find("type: 3 (Cover (front))"), std::string::npos) << out;
    EXPECT_NE(out.find("MIME type: image/png"), std::string::npos) << out;
    ASSERT_EQ(runCommand("metaflac --list --block-type=STREAMINFO,SEEKTABLE,PADDING \"" + (dir / "t.flac").string() + "\"", &out), 0);
    EXPECT_NE(out.find("total samples: 96000"), std::string::npos) << out;
    EXPECT_NE(out.find("SEEKTABLE"), std::string::npos) << out;
    EXPECT_NE(out.find("PADDING"), std::string::npos) << out;
}

// Stores refuse WAVE_FORMAT_EXTENSIBLE (0xFFFE) for stereo PCM (tests/io/wav_store_test.cpp holds
// the header bytes); libsndfile reports the plain container for 16 and 24 bit and float.
TEST(Encode, WavUsesThePlainFormatUpToTwoChannelsAndCarriesInfoTags) {
    const auto dir = test::scratchDir();
    io::writeWav(dir / "t16.wav", quantised(16, 44100), io::WavSampleFormat::Pcm16, sampleTags());
    io::writeWav(dir / "t24.wav", quantised(24), io::WavSampleFormat::Pcm24, sampleTags());
    const auto f32 = test::musicNoise(1.0, 96000);
    io::writeWav(dir / "t32.wav", f32, io::WavSampleFormat::Float32, sampleTags());
    auto major = [](const fs::path& p) {
        SF_INFO info{};
        SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
        std::string title = f && sf_get_string(f, SF_STR_TITLE) ? sf_get_string(f, SF_STR_TITLE) : "";
        if (f) sf_close(f);
        return std::make_pair(info.format, title);
    };
    EXPECT_EQ(major(dir / "t16.wav").first, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    EXPECT_EQ(major(dir / "t24.wav").first, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    EXPECT_EQ(major(dir / "t32.wav").first, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    EXPECT_EQ(major(dir / "t16.wav").second, "Café Noir");
    EXPECT_EQ(io::decode(dir / "t16.wav").samples, quantised(16, 44100).samples);
    EXPECT_EQ(io::decode(dir / "t24.wav").samples, quantised(24).samples);
    EXPECT_EQ(io::decode(dir / "t32.wav").samples, f32.samples);
}

TEST(Encode, OutOfRangeSamplesClipInsteadOfWrapping) {
    // libsndfile wraps floats beyond ±1 when writing integers unless clipping is on.
    const auto dir = test::scratchDir();
    AudioBuffer a(2, 4, 48000);
    a.samples[0] = {1.5f, -1.5f, 0.5f, 1.0f};
    a.samples[1] = {0, 0, 0, 0};
    io::writeWav(dir / "c.wav", a, io::WavSampleFormat::Pcm16, {});
    const auto back = io::decode(dir / "c.wav");
    EXPECT_EQ(back.samples[0][0], 32767.0f / 32768.0f);
    EXPECT_EQ(back.samples[0][1], -1.0f);
    EXPECT_EQ(back.samples[0][3], 32767.0f / 32768.0f);
}

TEST(Encode, AFailedWriteLeavesNoFileUnderTheFinalName) {
    const auto dir = test::scratchDir();
    // A folder where the file should go makes the final rename fail; the temporary is removed.
    fs::create_directories(dir / "t.flac" / "occupied");
    EXPECT_THROW(io::writeFlac(dir / "t.flac", quantised(16), 16, {}), Error);
    for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().filename().string().find(".part-"), std::string::npos);
}

}  // namespace
}  // namespace lacquer
