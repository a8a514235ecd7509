// SPDX-License-Identifier: GPL-3.0-or-later
// The streaming writers: the same bytes however the audio is split into blocks, a frame count other
// than the announced one, and abandoning a writer.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <array>
#include <fstream>
#include <iterator>
#include <random>

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

std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

AudioBuffer quantised(int bits, double seconds, int channels = 2, double rate = 48000) {
    auto a = test::musicNoise(seconds, rate, channels, 7);
    if (bits < 32) dither::quantise(a, bits, DitherKind::Tpdf, 5);
    return a;
}

io::Tags tags() {
    io::Tags t;
    t.title = "Block Party";
    t.artist = "Splitter";
    t.album = "Chunks";
    t.date = "2026";
    t.trackNumber = 2;
    t.isrc = "ZZDEM2600002";
    t.trackGainDb = -3.5;
    t.trackPeak = 0.9;
    return t;
}

// Feeds `audio` to `writer` in blocks of random length (1 frame to 40000 frames, fixed seed), with
// some single frames and empty blocks in between.
template <class Writer>
void writeInRandomBlocks(Writer& writer, AudioBuffer& audio, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> len(0, 40000);
    const BlockView all = audio.view();
    std::size_t at = 0;
    for (int i = 0; at < audio.frames(); ++i) {
        std::size_t n = i % 7 == 3 ? 1 : i % 11 == 5 ? 0 : len(rng);
        n = std::min(n, audio.frames() - at);
        writer.write(all.slice(at, n));
        at += n;
    }
    EXPECT_EQ(writer.framesWritten(), audio.frames());
}

TEST(StreamingWriters, WavInRandomBlocksIsByteIdenticalToWriteWav) {
    const auto dir = test::scratchDir();
    struct Case {
        io::WavSampleFormat format;
        int bits;
        int channels;
    };
    for (const Case c : {Case{io::WavSampleFormat::Pcm16, 16, 2}, Case{io::WavSampleFormat::Pcm24, 24, 2},
                         Case{io::WavSampleFormat::Float32, 32, 2}, Case{io::WavSampleFormat::Pcm24, 24, 1},
                         Case{io::WavSampleFormat::Pcm16, 16, 6}}) {
        auto a = quantised(c.bits, 3.0, c.channels);
        const auto whole = dir / "whole.wav";
        const auto blocks = dir / "blocks.wav";
        io::writeWav(whole, a, c.format, tags());
        io::WavWriter w(blocks, c.channels, a.sampleRateHz, c.format, tags(), a.frames());
        writeInRandomBlocks(w, a, static_cast<unsigned>(c.bits + c.channels));
        w.commit();
        const auto x = bytesOf(whole);
        EXPECT_GT(x.size(), a.frames() * static_cast<std::size_t>(c.channels) * 2) << c.bits;
        EXPECT_TRUE(x == bytesOf(blocks)) << c.bits << " bits, " << c.channels << " channels";
        EXPECT_EQ(io::decode(blocks, io::Channels::Native).samples, a.samples) << c.bits;
    }
}

TEST(StreamingWriters, FlacInRandomBlocksIsByteIdenticalToWriteFlac) {
    const auto dir = test::scratchDir();
    std::ofstream(dir / "cover.jpg", std::ios::binary)
        << std::string("\xff\xd8\xff\xe0 not really a jpeg", 22);
    auto t = tags();
    t.cover = dir / "cover.jpg";
    for (int bits : {16, 24}) {
        // 25 s: the SEEKTABLE (a point every 10 s) has points to fill.
        auto a = quantised(bits, 25.0);
        io::writeFlac(dir / "whole.flac", a, bits, t);
        io::FlacWriter w(dir / "blocks.flac", 2, a.sampleRateHz, bits, t, a.frames());
        writeInRandomBlocks(w, a, static_cast<unsigned>(bits));
        w.commit();
        EXPECT_TRUE(bytesOf(dir / "whole.flac") == bytesOf(dir / "blocks.flac")) << bits;
        std::string out;
        EXPECT_EQ(runCommand("flac -s -t '" + (dir / "blocks.flac").string() + "'", &out), 0) << out;
        EXPECT_EQ(io::decode(dir / "blocks.flac", io::Channels::Native).samples, a.samples) << bits;
    }
}

TEST(StreamingWriters, FlacWithFewerOrMoreFramesThanAnnouncedCarriesTheRealCount) {
    const auto dir = test::scratchDir();
    auto a = quantised(24, 22.0);
    const std::size_t n = a.frames();
    for (const std::size_t announced : {n + 48000 * 15, n - 48000 * 15, std::size_t{0}}) {
        const auto file = dir / ("a" + std::to_string(announced) + ".flac");
        io::FlacWriter w(file, 2, a.sampleRateHz, 24, tags(), announced);
        w.write(a.view());
        w.commit();
        std::string out;
        ASSERT_EQ(runCommand("flac -s -t '" + file.string() + "'", &out), 0) << announced << ": " << out;
        ASSERT_EQ(runCommand("metaflac --show-total-samples '" + file.string() + "'", &out), 0) << out;
        EXPECT_EQ(out, std::to_string(n) + "\n") << announced;
        EXPECT_EQ(io::decode(file, io::Channels::Native).samples, a.samples) << announced;
    }
}

TEST(StreamingWriters, WavWithFewerFramesThanAnnouncedCarriesTheRealCount) {
    const auto dir = test::scratchDir();
    auto a = quantised(24, 2.0);
    io::WavWriter w(dir / "a.wav", 2, a.sampleRateHz, io::WavSampleFormat::Pcm24, tags(), a.frames() * 3);
    w.write(a.view());
    w.commit();
    SF_INFO info{};
    SNDFILE* f = sf_open((dir / "a.wav").c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr);
    sf_close(f);
    EXPECT_EQ(static_cast<std::size_t>(info.frames), a.frames());
    std::string out;
    ASSERT_EQ(runCommand("soxi -s '" + (dir / "a.wav").string() + "'", &out), 0) << out;
    EXPECT_EQ(out, std::to_string(a.frames()) + "\n");
}

TEST(StreamingWriters, APlainWavRefusesABlockThatWouldTakeItPastFourGib) {
    const auto dir = test::scratchDir();
    // Announced: 1 s (a plain WAV). The block claims 2^28 frames of 8-channel float (8 GiB): the
    // size check comes before any sample is read, so one real frame of storage is enough.
    std::array<float, 8> storage{};
    BlockView huge{};
    huge.channels = 8;
    huge.frames = std::size_t{1} << 28;
    for (int c = 0; c < 8; ++c) huge.data[static_cast<std::size_t>(c)] = storage.data();
    io::WavWriter w(dir / "w.wav", 8, 48000, io::WavSampleFormat::Float32, {}, 48000);
    try {
        w.write(huge);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Io);
        EXPECT_NE(e.diagnostics().front().what.find("a plain WAV cannot pass 4 GiB"), std::string::npos)
            << e.diagnostics().front().line();
    }
    EXPECT_THROW(w.commit(), Error);  // a failed writer cannot be committed
    EXPECT_FALSE(fs::exists(dir / "w.wav"));
}

TEST(StreamingWriters, AWriterDestroyedWithoutCommitLeavesThePreviousFileAndNoTemporary) {
    const auto dir = test::scratchDir();
    auto a = quantised(16, 2.0);
    for (const char* name : {"t.wav", "t.flac"}) {
        std::ofstream(dir / name) << "previous";
        {
            const auto half = a.view().slice(0, a.frames() / 2);
            if (fs::path(name).extension() == ".wav") {
                io::WavWriter w(dir / name, 2, a.sampleRateHz, io::WavSampleFormat::Pcm16, tags(),
                                a.frames());
                w.write(half);
            } else {
                io::FlacWriter w(dir / name, 2, a.sampleRateHz, 16, tags(), a.frames());
                w.write(half);
            }
        }
        EXPECT_EQ(bytesOf(dir / name), "previous") << name;
    }
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"t.flac", "t.wav"}));
}

TEST(StreamingWriters, ABlockWithTheWrongChannelCountIsRefused) {
    const auto dir = test::scratchDir();
    auto mono = quantised(16, 0.1, 1);
    io::WavWriter w(dir / "s.wav", 2, 48000, io::WavSampleFormat::Pcm16, {}, 4800);
    EXPECT_THROW(w.write(mono.view()), Error);
    io::FlacWriter f(dir / "s.flac", 2, 48000, 16, {}, 4800);
    EXPECT_THROW(f.write(mono.view()), Error);
}

}  // namespace
}  // namespace lacquer
