// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/resample/resample.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::scratchDir;
using test::writeAudio;

std::string errorOf(const fs::path& p, io::Channels ch = io::Channels::Stereo) {
    try {
        io::decode(p, ch);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        return e.what();
    }
    return "(no error)";
}

struct FormatCase {
    const char* name;
    int format;
    double rate;
    double maxErr;  // quantisation step of the format, see below
};

TEST(Decode, ReadsEveryPcmAndFloatFormatWithinItsQuantisationStep) {
    const auto dir = scratchDir();
    // Tolerances: half an LSB of the stored word plus float32 rounding (2^-24).
    const FormatCase cases[] = {
        {"pcm8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 44100, 1.0 / 128},
        {"pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1.0 / 32768},
        {"pcm24.wav", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 48000, 1.0 / 8388608 + 6e-8},
        {"pcm32.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 48000, 1.2e-7},
        {"float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 96000, 0.0},
        {"double.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 96000, 6e-8},
        {"aiff16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 44100, 1.0 / 32768},
        {"flac24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 88200, 1.0 / 8388608 + 6e-8},
    };
    for (const auto& c : cases) {
        const auto src = test::sine(997, 0.5, 0.25, c.rate);
        writeAudio(dir / c.name, src, c.format);
        const auto info = io::probe(dir / c.name);
        EXPECT_EQ(info.sampleRateHz, static_cast<int>(c.rate)) << c.name;
        EXPECT_EQ(static_cast<std::size_t>(info.frames), src.frames()) << c.name;
        const auto got = io::decode(dir / c.name);
        ASSERT_EQ(got.frames(), src.frames()) << c.name;
        ASSERT_EQ(got.channels(), 2) << c.name;
        double maxErr = 0;
        for (std::size_t i = 0; i < got.frames(); ++i)
            maxErr = std::max(maxErr, std::abs(double(got.samples[0][i]) - src.samples[0][i]));
        EXPECT_LE(maxErr, c.maxErr) << c.name;
    }
}

TEST(Decode, ReadsOggVorbis) {
    const auto dir = scratchDir();
    writeAudio(dir / "tone.ogg", test::sine(1000, 0.5, 1.0, 48000), SF_FORMAT_OGG | SF_FORMAT_VORBIS);
    const auto info = io::probe(dir / "tone.ogg");
    EXPECT_EQ(info.format, "ogg");
    EXPECT_EQ(info.encoding, "vorbis");
    const auto got = io::decode(dir / "tone.ogg");
    EXPECT_EQ(got.frames(), 48000u);
    double peak = 0;
    for (std::size_t i = 4800; i < 43200; ++i) peak = std::max(peak, double(std::abs(got.samples[0][i])));
    // A lossy codec: a 1 kHz tone keeps its level within 0.2 dB (Vorbis at its default quality).
    EXPECT_NEAR(20 * std::log10(peak / 0.5), 0.0, 0.2);
}

TEST(Decode, MonoBecomesDualMonoForMasteringButStaysMonoForAnalysis) {
    const auto dir = scratchDir();
    writeAudio(dir / "mono.flac", test::sine(440, 0.25, 0.5, 48000, 1), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    const auto stereo = io::decode(dir / "mono.flac");
    ASSERT_EQ(stereo.channels(), 2);
    EXPECT_EQ(stereo.samples[0], stereo.samples[1]);
    EXPECT_EQ(io::decode(dir / "mono.flac", io::Channels::Native).channels(), 1);
}

TEST(Decode, MoreThanTwoChannelsIsAClearError) {
    const auto dir = scratchDir();
    writeAudio(dir / "surround.wav", test::sine(440, 0.25, 0.5, 48000, 6), SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
    EXPECT_NE(errorOf(dir / "surround.wav").find("has 6 channels; lacquer masters mono or stereo mixes — export a stereo mix"),
              std::string::npos);
}

TEST(Decode, MissingEmptyHeaderOnlyAndGarbageFilesAreNamedErrors) {
    const auto dir = scratchDir();
    EXPECT_EQ(errorOf(dir / "nope.wav"), (dir / "nope.wav").string() +
              ": file not found — check the path (relative paths resolve against the manifest's folder)");
    std::ofstream(dir / "empty.wav").close();
    EXPECT_EQ(errorOf(dir / "empty.wav"), (dir / "empty.wav").string() + ": file is empty (0 bytes) — re-export the audio file");
    std::ofstream(dir / "garbage.wav") << "this is not a RIFF file at all, just text";
    EXPECT_NE(errorOf(dir / "garbage.wav").find("not a readable audio file"), std::string::npos);
    // Header only: a valid WAV with zero frames.
    writeAudio(dir / "header.wav", AudioBuffer(2, 0, 48000), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    EXPECT_NE(errorOf(dir / "header.wav").find("holds no audio frames"), std::string::npos);
}

TEST(Decode, TruncatedFlacIsAnErrorNamingWhereAudioEnds) {
    const auto dir = scratchDir();
    writeAudio(dir / "full.flac", test::musicNoise(3.0, 48000), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    const auto size = fs::file_size(dir / "full.flac");
    fs::copy_file(dir / "full.flac", dir / "cut.flac");
    fs::resize_file(dir / "cut.flac", size / 2);
    const auto msg = errorOf(dir / "cut.flac");
    EXPECT_NE(msg.find("truncated or corrupt: audio ends at 0:0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("the header promises 0:03.000"), std::string::npos) << msg;
}

TEST(Decode, TruncatedWavIsAnError) {
    // libsndfile opens a truncated WAV and reports fewer frames with no error; the header's data
    // size is what we hold it to.
    const auto dir = scratchDir();
    writeAudio(dir / "full.wav", test::musicNoise(2.0, 48000), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    fs::copy_file(dir / "full.wav", dir / "cut.wav");
    fs::resize_file(dir / "cut.wav", fs::file_size(dir / "full.wav") - 4000);
    const auto msg = errorOf(dir / "cut.wav");
    EXPECT_NE(msg.find("truncated or corrupt"), std::string::npos) << msg;
}

TEST(Decode, NanAndInfSamplesAreErrorsNamingChannelAndTime) {
    const auto dir = scratchDir();
    auto a = test::sine(440, 0.25, 1.0, 48000);
    a.samples[1][24000] = std::numeric_limits<float>::quiet_NaN();
    writeAudio(dir / "nan.wav", a, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    EXPECT_EQ(errorOf(dir / "nan.wav"), (dir / "nan.wav").string() +
              ": NaN sample in channel 2 at 0:00.500 — fix the mix export (a plug-in produced invalid samples)");
    auto b = test::sine(440, 0.25, 1.0, 48000);
    b.samples[0][12000] = std::numeric_limits<float>::infinity();
    writeAudio(dir / "inf.wav", b, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    EXPECT_NE(errorOf(dir / "inf.wav").find("infinite sample in channel 1 at 0:00.250"), std::string::npos);
}

TEST(Resample, KeepsTimeAlignmentAndLevel) {
    // An impulse in the middle of a 44.1 kHz buffer must come out at the same time at 96 kHz.
    AudioBuffer in(1, 44100, 44100);
    in.samples[0][22050] = 1.0f;
    const auto out = resample(in, 96000);
    ASSERT_EQ(out.frames(), 96000u);
    std::size_t peakAt = 0;
    for (std::size_t i = 0; i < out.frames(); ++i)
        if (std::abs(out.samples[0][i]) > std::abs(out.samples[0][peakAt])) peakAt = i;
    EXPECT_EQ(peakAt, 48000u);  // 0.5 s exactly; linear-phase filter centred
    // A 1 kHz sine keeps its level: VHQ passband ripple is far below 0.01 dB.
    const auto s = resample(test::sine(1000, 0.5, 1.0, 48000, 1), 44100);
    double peak = 0;
    for (std::size_t i = 4410; i + 4410 < s.frames(); ++i) peak = std::max(peak, double(std::abs(s.samples[0][i])));
    EXPECT_NEAR(20 * std::log10(peak / 0.5), 0.0, 0.01);  // 0.01 dB: passband ripple plus sampling of the peak at 44.1/1 kHz
}

}  // namespace
}  // namespace lacquer
