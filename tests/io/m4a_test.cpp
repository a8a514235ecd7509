// SPDX-License-Identifier: GPL-3.0-or-later
// io::M4aWriter / io::decodeM4a: AAC-LC in MP4 through libavcodec + libavformat (dlopen()ed), tags
// and cover through TagLib::MP4, read back by FFmpeg's own tools (ffprobe, ffmpeg).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/m4a.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

io::Tags m4aTags() {
    io::Tags t;
    t.title = "Café Noir";
    t.artist = "The Demo Band";
    t.album = "Night Drive";
    t.albumArtist = "The Demo Band";
    t.date = "2026";
    t.genre = "Electronic";
    t.isrc = "ZZDEM2600001";
    t.label = "Demo Records";
    t.catalog = "4006381333931";
    t.composer = "A. Writer";
    t.phonographicCopyright = "2026 The Demo Band";  // no MP4 atom: left out
    t.copyright = "2026 Demo Records";
    t.trackNumber = 3;
    t.trackTotal = 6;
    t.discNumber = 1;
    t.discTotal = 1;
    return t;
}

// 70001 frames: not a multiple of AAC's 1024-sample frame, so the last frame is short and the end
// trim is exercised as well as the priming.
constexpr std::size_t kFrames = 70001;

AudioBuffer testSignal(double rate) {
    auto a = test::sine(997.0, 0.5, static_cast<double>(kFrames) / rate, rate);
    a.resize(kFrames);
    return a;
}

void writeM4a(const fs::path& file, AudioBuffer a, int kbps, const io::Tags& tags) {
    io::M4aWriter w(file, a.channels(), a.sampleRateHz, kbps, tags);
    w.write(a.view());
    w.commit();
    EXPECT_EQ(w.framesWritten(), a.frames());
}

AudioBuffer readBack(const fs::path& file, io::M4aInfo* info = nullptr) {
    AudioBuffer out;
    const auto i = io::decodeM4a(file, [&](const BlockView& v) {
        if (out.samples.empty()) out.samples.resize(static_cast<std::size_t>(v.channels));
        for (int c = 0; c < v.channels; ++c)
            out.samples[static_cast<std::size_t>(c)].insert(out.samples[static_cast<std::size_t>(c)].end(), v.data[static_cast<std::size_t>(c)],
                                                             v.data[static_cast<std::size_t>(c)] + v.frames);
    });
    out.sampleRateHz = i.sampleRateHz;
    if (info) *info = i;
    return out;
}

TEST(M4a, FfprobeReadsTheTagsCoverRateAndLength) {
    const auto dir = test::scratchDir();
    // A real 8x8 RGB PNG (as in Mp3Render): ffprobe decodes the attached picture's header.
    static const unsigned char kPng[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00, 0x00, 0x00,
        0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa0, 0xa0, 0x80, 0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00,
        0x2a, 0x3f, 0x40, 0x01, 0x05, 0x09, 0x4a, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
        0x60, 0x82};
    const std::string png(reinterpret_cast<const char*>(kPng), sizeof kPng);
    std::ofstream(dir / "cover.png", std::ios::binary) << png;
    auto tags = m4aTags();
    tags.cover = dir / "cover.png";
    const auto file = dir / "t.m4a";
    writeM4a(file, testSignal(44100), 256, tags);
    std::string out;
    ASSERT_EQ(runCommand("ffprobe -v error -show_format -show_streams -of default=nw=1 \"" + file.string() + "\"", &out), 0) << out;
    for (const char* want : {"codec_name=aac\n", "profile=LC\n", "sample_rate=44100\n", "channels=2\n", "format_name=mov,mp4,m4a,3gp,3g2,mj2\n",
                             "TAG:title=Café Noir\n", "TAG:artist=The Demo Band\n", "TAG:album=Night Drive\n", "TAG:album_artist=The Demo Band\n",
                             "TAG:date=2026\n", "TAG:genre=Electronic\n", "TAG:composer=A. Writer\n", "TAG:track=3/6\n", "TAG:disc=1/1\n", "TAG:copyright=2026 Demo Records\n",
                             "TAG:ISRC=ZZDEM2600001\n", "TAG:BARCODE=4006381333931\n", "TAG:LABEL=Demo Records\n", "TAG:major_brand=M4A \n",
                             "DISPOSITION:attached_pic=1\n"})
        EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
    // The audio stream's duration is the frames written (the edit list trims priming and padding):
    // 70001 / 44100 = 1.587324 s, printed to the microsecond.
    EXPECT_NE(out.find("duration=1.587324\n"), std::string::npos) << out;
    // FFmpeg extracts the cover's exact bytes.
    ASSERT_EQ(runCommand("ffmpeg -v error -y -i \"" + file.string() + "\" -map 0:v -c copy -f image2 \"" + (dir / "back.png").string() + "\"", &out), 0)
        << out;
    std::ifstream back(dir / "back.png", std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(back), {}), png);
}

TEST(M4a, FfmpegAndDecodeM4aReturnTheFramesWrittenInLine) {
    const auto dir = test::scratchDir();
    for (double rate : {44100.0, 48000.0}) {
        const auto a = testSignal(rate);
        const auto file = dir / "t.m4a";
        writeM4a(file, a, 192, {});
        io::M4aInfo info;
        const auto ours = readBack(file, &info);
        EXPECT_EQ(info.sampleRateHz, static_cast<int>(rate));
        EXPECT_EQ(info.channels, 2);
        ASSERT_EQ(info.frames, kFrames) << rate;
        ASSERT_EQ(ours.frames(), kFrames);
        // FFmpeg's command-line decoder (the same libavcodec decoder, its own demux path) gives the
        // same frames, sample for sample, plus the last AAC frame's padding: FFmpeg 5.1 trims the
        // edit list's start but not its end (70656 = 69 x 1024 frames for 70001 here).
        const auto raw = dir / "t.f32";
        std::string out;
        ASSERT_EQ(runCommand("ffmpeg -v error -y -i \"" + file.string() + "\" -f f32le -acodec pcm_f32le \"" + raw.string() + "\"", &out), 0) << out;
        ASSERT_GE(fs::file_size(raw), kFrames * 2 * sizeof(float)) << rate;
        ASSERT_LT(fs::file_size(raw), (kFrames + 1024) * 2 * sizeof(float)) << rate;
        std::ifstream in(raw, std::ios::binary);
        std::vector<float> inter(kFrames * 2);
        in.read(reinterpret_cast<char*>(inter.data()), static_cast<std::streamsize>(inter.size() * sizeof(float)));
        double maxDiff = 0;
        for (std::size_t i = 0; i < kFrames; ++i)
            for (std::size_t c = 0; c < 2; ++c) maxDiff = std::max(maxDiff, std::abs(double(inter[i * 2 + c]) - ours.samples[c][i]));
        EXPECT_EQ(maxDiff, 0.0) << rate;
        // In line with the input: the decoded sine is closest to the original at lag 0 (the
        // priming is trimmed exactly), and the error there is small: 40 dB under the 0.5 sine is
        // far looser than AAC at 192 kb/s on one tone (measured -53 dB at 44.1 kHz, -66 dB at 48 kHz).
        auto errorAt = [&](long lag) {
            double e = 0, s = 0;
            for (std::size_t i = 4096; i + 4096 < kFrames; ++i) {
                const double d = ours.samples[0][i] - a.samples[0][static_cast<std::size_t>(static_cast<long>(i) + lag)];
                e += d * d;
                s += double(a.samples[0][i]) * a.samples[0][i];
            }
            return 10 * std::log10(e / s);
        };
        const double at0 = errorAt(0);
        EXPECT_LT(at0, -40.0) << rate;
        // 997 Hz: no whole period in these lags.
        for (long lag : {-1024L, -48L, -1L, 1L, 48L, 1024L}) EXPECT_GT(errorAt(lag), at0 + 10.0) << rate << " lag " << lag;
        std::printf("[ measured ] %.0f Hz: error at lag 0 %.1f dB\n", rate, at0);
    }
}

// io::probe and io::FileSource read lacquer's .m4a copies (the render's measure-back and verify
// go through them): the same frames as decodeM4a, mono as dual mono with Channels::Stereo.
TEST(M4a, ProbeAndFileSourceReadTheM4a) {
    const auto dir = test::scratchDir();
    const auto file = dir / "t.m4a";
    writeM4a(file, testSignal(48000), 128, {});
    const auto info = io::probe(file);
    EXPECT_EQ(info.format, "m4a");
    EXPECT_EQ(info.encoding, "aac");
    EXPECT_EQ(info.sampleRateHz, 48000);
    EXPECT_EQ(info.frames, static_cast<std::int64_t>(kFrames));
    const auto ours = readBack(file);
    const auto viaSource = io::decode(file, io::Channels::Native);
    EXPECT_EQ(viaSource.samples, ours.samples);
    auto mono = testSignal(44100);
    mono.samples.resize(1);
    writeM4a(dir / "m.m4a", mono, 128, {});
    const auto stereo = io::decode(dir / "m.m4a", io::Channels::Stereo);
    ASSERT_EQ(stereo.channels(), 2);
    EXPECT_EQ(stereo.frames(), kFrames);
    EXPECT_EQ(stereo.samples[0], stereo.samples[1]);
}

TEST(M4a, BadArgumentsAreOneIoError) {
    const auto dir = test::scratchDir();
    EXPECT_THROW(io::M4aWriter(dir / "x.m4a", 2, 44000.0, 192, {}), Error);  // not an MPEG-4 rate
    EXPECT_THROW(io::M4aWriter(dir / "x.m4a", 3, 48000.0, 192, {}), Error);
    EXPECT_FALSE(fs::exists(dir / "x.m4a"));
    EXPECT_THROW(io::decodeM4a(dir / "missing.m4a", [](const BlockView&) {}), Error);
}

}  // namespace
}  // namespace lacquer
