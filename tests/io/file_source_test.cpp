// SPDX-License-Identifier: GPL-3.0-or-later
// io::FileSource: a file read in blocks gives decode()'s samples and decode()'s errors, in any
// order and from several threads, and measuring a long file through it keeps memory bounded.
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <thread>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/report/report.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::scratchDir;
using test::writeAudio;

constexpr double kRate = 48000;

// The whole source read front to back in blocks of `blockFrames`.
AudioBuffer readInBlocks(const AudioSource& source, std::size_t blockFrames) {
    AudioBuffer out(source.channels(), source.frames(), source.sampleRateHz());
    for (std::size_t from = 0; from < source.frames(); from += blockFrames)
        source.read(from, out.view().slice(from, std::min(blockFrames, source.frames() - from)));
    return out;
}

// Frames [from, from + count) of `audio`, zeros past its end (AudioSource's contract).
std::vector<float> expectedRange(const AudioBuffer& audio, int channel, std::size_t from, std::size_t count) {
    std::vector<float> v(count, 0.0f);
    const auto& ch = audio.samples[static_cast<std::size_t>(channel)];
    for (std::size_t i = 0; i < count && from + i < ch.size(); ++i) v[i] = ch[from + i];
    return v;
}

std::string errorText(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        return e.what();
    }
    return "(no error)";
}

TEST(FileSource, ReadsDecodesSamplesExactlyInEveryFormat) {
    const auto dir = scratchDir();
    // 3.1 s: more than two of FileSource's 65536-frame conversion chunks, and a length that is
    // no multiple of any block size used below.
    const auto src = test::musicNoise(3.1, kRate, 2, 7);
    const std::pair<const char*, int> cases[] = {
        {"pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
        {"pcm24.wav", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24},
        {"float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT},
        {"pcm16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
        {"pcm24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
    };
    for (const auto& [name, format] : cases) {
        writeAudio(dir / name, src, format);
        const auto want = io::decode(dir / name, io::Channels::Native);
        const io::FileSource source(dir / name, io::Channels::Native);
        EXPECT_EQ(source.path(), dir / name);
        const auto probed = io::probe(dir / name);
        EXPECT_EQ(source.info().frames, probed.frames) << name;
        EXPECT_EQ(source.info().encoding, probed.encoding) << name;
        EXPECT_EQ(source.info().format, probed.format) << name;
        EXPECT_EQ(source.channels(), 2) << name;
        EXPECT_EQ(source.sampleRateHz(), kRate) << name;
        ASSERT_EQ(source.frames(), want.frames()) << name;
        // Exact: the same libsndfile conversion of the same frames. Block sizes under, at and
        // over the 65536-frame conversion chunk.
        for (const std::size_t block : {std::size_t{1000}, std::size_t{65536}, std::size_t{100003}}) {
            const auto got = readInBlocks(source, block);
            for (int c = 0; c < 2; ++c)
                EXPECT_EQ(got.samples[static_cast<std::size_t>(c)], want.samples[static_cast<std::size_t>(c)])
                    << name << " block " << block << " channel " << c;
        }
    }
}

TEST(FileSource, MonoReadsAsDualMonoForMasteringAndAsOneChannelForAnalysis) {
    const auto dir = scratchDir();
    writeAudio(dir / "mono.flac", test::musicNoise(2.0, kRate, 1, 3), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    const io::FileSource stereo(dir / "mono.flac");
    EXPECT_EQ(stereo.channels(), 2);
    EXPECT_EQ(stereo.info().channels, 1);  // the file as stored
    const auto got = readInBlocks(stereo, 4000);
    const auto want = io::decode(dir / "mono.flac", io::Channels::Stereo);
    EXPECT_EQ(got.samples, want.samples);
    EXPECT_EQ(got.samples[0], got.samples[1]);

    const io::FileSource native(dir / "mono.flac", io::Channels::Native);
    EXPECT_EQ(native.channels(), 1);
    EXPECT_EQ(readInBlocks(native, 4000).samples[0], want.samples[0]);
}

TEST(FileSource, ReadsInRandomOrderGiveTheSameSamplesAndZerosPastTheEnd) {
    const auto dir = scratchDir();
    const auto src = test::musicNoise(3.0, kRate, 2, 11);
    for (const char* name : {"a.wav", "a.flac"}) {
        writeAudio(dir / name, src, std::string(name).ends_with("flac") ? SF_FORMAT_FLAC | SF_FORMAT_PCM_24
                                                                         : SF_FORMAT_WAV | SF_FORMAT_PCM_24);
        const auto want = io::decode(dir / name);
        const io::FileSource source(dir / name);
        std::mt19937 rng(5);
        // Starts up to 10 % past the end, so some reads straddle it and some lie wholly past it.
        std::uniform_int_distribution<std::size_t> start(0, want.frames() + want.frames() / 10);
        std::uniform_int_distribution<std::size_t> length(1, 20000);
        for (int k = 0; k < 60; ++k) {
            const std::size_t from = start(rng), count = length(rng);
            AudioBuffer got(2, count, kRate);
            for (auto& ch : got.samples) std::fill(ch.begin(), ch.end(), 7.0f);  // every frame must be written
            source.read(from, got.view());
            for (int c = 0; c < 2; ++c)
                ASSERT_EQ(got.samples[static_cast<std::size_t>(c)], expectedRange(want, c, from, count))
                    << name << " read " << k << " from " << from << " count " << count;
        }
    }
}

TEST(FileSource, FramesPastTheEndReadAsZeros) {
    const auto dir = scratchDir();
    writeAudio(dir / "short.wav", test::sine(1000, 0.5, 0.1, kRate), SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    const io::FileSource source(dir / "short.wav");
    const std::size_t n = source.frames();
    const auto want = io::decode(dir / "short.wav");
    AudioBuffer got(2, 1000, kRate);
    for (auto& ch : got.samples) std::fill(ch.begin(), ch.end(), 7.0f);
    source.read(n - 10, got.view());  // straddles the end: 10 frames of audio, then zeros
    EXPECT_EQ(got.samples[0], expectedRange(want, 0, n - 10, 1000));
    EXPECT_EQ(got.samples[0][10], 0.0f);
    for (auto& ch : got.samples) std::fill(ch.begin(), ch.end(), 7.0f);
    source.read(n + 5000, got.view());  // wholly past the end
    for (const auto& ch : got.samples) EXPECT_EQ(ch, std::vector<float>(1000, 0.0f));
}

TEST(FileSource, ReadsFromSeveralThreadsAtOnceGiveTheSameSamples) {
    const auto dir = scratchDir();
    writeAudio(dir / "a.flac", test::musicNoise(3.0, kRate, 2, 13), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    const auto want = io::decode(dir / "a.flac");
    const io::FileSource source(dir / "a.flac");
    // Each thread reads its own random blocks; a read interleaved with another thread's seek
    // would return the wrong frames.
    constexpr int kThreads = 4;
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(static_cast<unsigned>(100 + t));
            std::uniform_int_distribution<std::size_t> start(0, want.frames() - 1);
            AudioBuffer got(2, 3000, kRate);
            for (int k = 0; k < 40; ++k) {
                const std::size_t from = start(rng);
                source.read(from, got.view());
                for (int c = 0; c < 2; ++c)
                    if (got.samples[static_cast<std::size_t>(c)] != expectedRange(want, c, from, 3000))
                        ++mismatches[static_cast<std::size_t>(t)];
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, std::vector<int>(kThreads, 0));
}

TEST(FileSource, NanInTheMiddleIsReportedAtItsFrameWhenItsBlockIsRead) {
    const auto dir = scratchDir();
    auto audio = test::sine(997, 0.5, 3.0, kRate);
    audio.samples[1][100000] = std::numeric_limits<float>::quiet_NaN();      // 100000 / 48000 = 2.0833 s
    audio.samples[0][130000] = std::numeric_limits<float>::infinity();       // 130000 / 48000 = 2.7083 s
    writeAudio(dir / "nan.wav", audio, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    const io::FileSource source(dir / "nan.wav");  // opening reads no audio: no error yet
    AudioBuffer block(2, 65536, kRate);
    EXPECT_NO_THROW(source.read(0, block.view()));  // frames 0..65535 are clean
    const std::string nan = errorText([&] { source.read(65536, block.view()); });
    EXPECT_NE(nan.find("NaN sample in channel 2 at 0:02.083"), std::string::npos) << nan;
    // decode() reports the same first bad sample with the same words.
    EXPECT_EQ(nan, errorText([&] { io::decode(dir / "nan.wav"); }));
    // A later block, read on its own, reports its own bad sample (the absolute frame, not the
    // frame within the block); the clean blocks around it still read.
    const std::string inf = errorText([&] { source.read(120000, block.view().slice(0, 20000)); });
    EXPECT_NE(inf.find("infinite sample in channel 1 at 0:02.708"), std::string::npos) << inf;
    EXPECT_NO_THROW(source.read(131000, block.view()));
    EXPECT_NO_THROW(source.read(100000 - 65536, block.view()));  // ends just before the NaN
}

TEST(FileSource, OpeningErrorsAreDecodesErrorsWordForWord) {
    const auto dir = scratchDir();
    writeAudio(dir / "cut.wav", test::sine(440, 0.5, 2.0, 44100), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    fs::resize_file(dir / "cut.wav", fs::file_size(dir / "cut.wav") - 4000);
    writeAudio(dir / "three.wav", test::sine(440, 0.5, 0.5, 44100, 3), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    { std::ofstream(dir / "empty.wav"); }
    for (const char* name : {"missing.wav", "empty.wav", "cut.wav", "three.wav"}) {
        const std::string fromDecode = errorText([&] { io::decode(dir / name); });
        EXPECT_NE(fromDecode, "(no error)") << name;
        EXPECT_EQ(errorText([&] { io::FileSource(dir / name); }), fromDecode) << name;
    }
    EXPECT_NE(errorText([&] { io::FileSource(dir / "cut.wav"); }).find("truncated or corrupt"), std::string::npos);
    EXPECT_NE(errorText([&] { io::FileSource(dir / "three.wav"); }).find("has 3 channels"), std::string::npos);
    EXPECT_NO_THROW(io::FileSource(dir / "three.wav", io::Channels::Native));
}

TEST(FileSource, TruncatedFlacIsReportedWhereItsAudioEndsWithDecodesWords) {
    const auto dir = scratchDir();
    const auto src = test::musicNoise(4.0, kRate, 2, 17);
    writeAudio(dir / "cut.flac", src, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    fs::resize_file(dir / "cut.flac", fs::file_size(dir / "cut.flac") / 2);
    // A FLAC's header (STREAMINFO) survives truncation: opening succeeds, reading finds the cut.
    const io::FileSource source(dir / "cut.flac");
    EXPECT_EQ(source.frames(), src.frames());
    const std::string whole = errorText([&] { readInBlocks(source, 65536); });
    EXPECT_NE(whole.find("truncated or corrupt: audio ends at 0:0"), std::string::npos) << whole;
    EXPECT_NE(whole.find("but the header promises 0:04.000"), std::string::npos) << whole;
    // decode() reads in the same blocks and words the same error.
    EXPECT_EQ(whole, errorText([&] { io::decode(dir / "cut.flac"); }));
    // The first block, before the cut, is the original audio (16-bit: within the quantisation
    // step of 2^-15; the musicNoise peak stays well inside full scale so nothing clips).
    const io::FileSource again(dir / "cut.flac");
    AudioBuffer block(2, 4096, kRate);
    again.read(0, block.view());
    for (std::size_t i = 0; i < 4096; ++i) ASSERT_NEAR(block.samples[0][i], src.samples[0][i], 1.0 / 32768) << i;
    // A read wholly after the cut is an error too, however it is reached.
    const std::string late = errorText([&] { again.read(src.frames() - 5000, block.view()); });
    EXPECT_NE(late.find("truncated or corrupt"), std::string::npos) << late;
}

// ---------------------------------------------------------------------------------------------
// Bounded memory

TEST(FileSource, MeasuringATwentyMinuteFileKeepsMemoryFarUnderTheFilesSize) {
    const auto dir = scratchDir();
    const fs::path file = dir / "long.wav";
    // 20 minutes of 48 kHz stereo float: 57.6 M frames, 460.8 MB of audio. Written in blocks (a
    // second of music-like noise over and over) so this process never holds it either.
    constexpr std::size_t kFrames = 20 * 60 * 48000;
    {
        const auto second = test::musicNoise(1.0, kRate, 2, 19);
        std::vector<float> interleaved(second.frames() * 2);
        for (std::size_t i = 0; i < second.frames(); ++i)
            for (std::size_t c = 0; c < 2; ++c) interleaved[i * 2 + c] = second.samples[c][i];
        SF_INFO info{};
        info.samplerate = static_cast<int>(kRate);
        info.channels = 2;
        info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
        SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
        ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
        for (std::size_t done = 0; done < kFrames; done += second.frames())
            ASSERT_EQ(sf_writef_float(f, interleaved.data(), static_cast<sf_count_t>(second.frames())),
                      static_cast<sf_count_t>(second.frames()));
        sf_close(f);
    }
    ASSERT_GT(fs::file_size(file), kFrames * 2 * sizeof(float));

    // ru_maxrss only grows and covers the whole process, so the measurement runs in a child whose
    // peak is its own: fork, measure, _exit; the parent reads the child's peak from wait4().
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int status = 1;
        try {
            const auto m = report::measureFile(file);
            status = m.info.frames == static_cast<std::int64_t>(kFrames) && m.loudness.integratedLufs &&
                             m.loudness.truePeakDbtp && m.sha256.size() == 64
                         ? 0
                         : 2;
        } catch (...) {
            status = 3;
        }
        _exit(status);
    }
    int status = 0;
    rusage usage{};
    ASSERT_EQ(wait4(pid, &status, 0, &usage), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: crashed before the check, 2: wrong measurement, 3: threw";
    const double peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    std::printf("[ measure ] peak resident memory measuring a 460.8 MB file: %.1f MiB\n", peakMiB);
    // 128 MiB, under a third of the file: reading it whole needs 439 MiB for the samples alone
    // (450.6 MiB measured with a decode() added to the child). Streaming needs one 65536-frame
    // block (512 KiB), FileSource's conversion scratch (512 KiB), libebur128's state (a gating
    // block per 100 ms: under 1 MiB here), the SHA-256 buffer (64 KiB) and the test process the
    // child is a copy of: 12.3 MiB in all measured (RelWithDebInfo). The rest is room for
    // AddressSanitizer's shadow memory and allocator in the asan build.
    EXPECT_LT(peakMiB, 128.0);
    fs::remove(file);
}

}  // namespace
}  // namespace lacquer
