// SPDX-License-Identifier: GPL-3.0-or-later
// A WAV whose data passes 4 GiB is written as RF64 by the streaming writer, and libsndfile, ffprobe
// and sox all read its true length. The file is about 4.3 GB: the test needs that much free disk
// under the build folder and fails (it does not skip) when it is missing, so that CI cannot pass
// without having run it. Run time is I/O: one pass writing, then fsync (the writer's commit).
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <sstream>

#include "lacquer/io/encode.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

// The cheapest layout past 4 GiB: 32-bit float × 8 channels is 32 bytes a frame with no integer
// conversion, so the fewest samples to generate and interleave per byte written.
constexpr int kChannels = 8;
constexpr double kRateHz = 48000;
constexpr std::size_t kBlockFrames = std::size_t{1} << 20;
// 2^27 frames are exactly 4 GiB of data; one second more puts the data past 4 GiB.
constexpr std::uint64_t kFrames = (std::uint64_t{1} << 27) + 48000;

// The value of channel c at frame i: distinct per channel and per block, exact in float.
float valueAt(std::uint64_t i, int c) {
    return static_cast<float>((i % kBlockFrames) % 4096) / 8192.0f + static_cast<float>(c) / 16.0f -
           static_cast<float>((i / kBlockFrames) % 64) / 128.0f;
}

TEST(Rf64, AWavWithOverFourGibOfDataIsRf64AndEveryReaderSeesItsLength) {
    const auto dir = test::scratchDir();
    const auto file = dir / "big.wav";
    const std::uint64_t needBytes = kFrames * kChannels * 4 + (std::uint64_t{1} << 30);
    const auto space = fs::space(dir);
    ASSERT_GE(space.available, needBytes)
        << "this test writes a 4.3 GB RF64 file under " << dir << " and needs " << (needBytes >> 20)
        << " MiB free there; only " << (space.available >> 20) << " MiB are free";

    {
        AudioBuffer block(kChannels, kBlockFrames, kRateHz);
        io::WavWriter w(file, kChannels, kRateHz, io::WavSampleFormat::Float32, {}, kFrames);
        for (std::uint64_t at = 0; at < kFrames; at += kBlockFrames) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(kBlockFrames, kFrames - at));
            for (int c = 0; c < kChannels; ++c) {
                auto& ch = block.samples[static_cast<std::size_t>(c)];
                for (std::size_t i = 0; i < n; ++i) ch[i] = valueAt(at + i, c);
            }
            w.write(block.view().slice(0, n));
        }
        EXPECT_EQ(w.framesWritten(), kFrames);
        w.commit();
    }

    // libsndfile: the container, the length, and the last frames where they belong.
    SF_INFO info{};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    EXPECT_EQ(info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_RF64);
    EXPECT_EQ(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_FLOAT);
    EXPECT_EQ(static_cast<std::uint64_t>(info.frames), kFrames);
    EXPECT_EQ(info.channels, kChannels);
    constexpr std::uint64_t kTail = 5;
    std::vector<float> tail(kTail * kChannels);
    ASSERT_EQ(sf_seek(f, static_cast<sf_count_t>(kFrames - kTail), SEEK_SET),
              static_cast<sf_count_t>(kFrames - kTail));
    ASSERT_EQ(sf_readf_float(f, tail.data(), kTail), static_cast<sf_count_t>(kTail));
    sf_close(f);
    for (std::uint64_t i = 0; i < kTail; ++i)
        for (int c = 0; c < kChannels; ++c)
            EXPECT_EQ(tail[i * kChannels + static_cast<std::uint64_t>(c)], valueAt(kFrames - kTail + i, c))
                << "frame " << kFrames - kTail + i << " channel " << c;
    EXPECT_EQ(fs::file_size(file) > (std::uint64_t{1} << 32), true);

    // Two independent readers: ffprobe (libavformat) and sox.
    std::string out;
    ASSERT_EQ(
        runCommand(
            "ffprobe -v error -show_entries stream=duration_ts,channels,sample_rate -of default=nw=1 '" +
                file.string() + "'",
            &out),
        0)
        << out;
    EXPECT_EQ(out, "sample_rate=48000\nchannels=8\nduration_ts=" + std::to_string(kFrames) + "\n");
    // sox warns on stderr that libsndfile's float fmt chunk has no cbSize ("missing extended part
    // of fmt chunk"), as it does for ffmpeg's RF64 floats; only its answer on stdout is compared.
    ASSERT_EQ(runCommand("(soxi -s '" + file.string() + "' 2>/dev/null)", &out), 0) << out;
    EXPECT_EQ(out, std::to_string(kFrames) + "\n");
    ASSERT_EQ(runCommand("(soxi -t '" + file.string() + "' 2>/dev/null)", &out), 0) << out;
    EXPECT_EQ(out, "wav\n");

    fs::remove(file);
}

}  // namespace
}  // namespace lacquer
