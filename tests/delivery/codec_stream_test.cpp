// SPDX-License-Identifier: GPL-3.0-or-later
// The streaming lossy round trip (codecRoundTrip over an AudioSource range): the same figures as
// the whole-buffer form, a temporary file that never outlives the call, and memory that does not
// grow with the track.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/delivery/codec.hpp"
#include "lacquer/loudness/meter.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

using namespace lacquer;
using namespace lacquer::delivery;
namespace fs = std::filesystem;

namespace {

// Resident memory means nothing under AddressSanitizer: freed blocks wait in its quarantine
// (256 MiB by default) and every allocation carries shadow memory and redzones.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

std::size_t entriesIn(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

// Every figure of the two forms must be the same number: both feed the encoder the same blocks
// and the meters the same audio, so no tolerance applies.
void expectSameFigures(const CodecResult& streamed, const CodecResult& buffered) {
    EXPECT_EQ(streamed.codec, buffered.codec);
    EXPECT_EQ(streamed.encodedBytes, buffered.encodedBytes);
    EXPECT_EQ(streamed.bitrateKbps, buffered.bitrateKbps);
    ASSERT_TRUE(streamed.sourceTruePeakDbtp && buffered.sourceTruePeakDbtp);
    ASSERT_TRUE(streamed.decodedTruePeakDbtp && buffered.decodedTruePeakDbtp);
    EXPECT_EQ(*streamed.sourceTruePeakDbtp, *buffered.sourceTruePeakDbtp);
    EXPECT_EQ(*streamed.decodedTruePeakDbtp, *buffered.decodedTruePeakDbtp);
    EXPECT_EQ(streamed.decoded.frames(), 0u);  // the streaming form holds no decoded audio
}

// Reads an AudioSource through, recording which frames were asked for and, with `watch`, how
// many entries the temporary folder holds at each read (single-threaded use only).
class Recorder final : public AudioSource {
public:
    explicit Recorder(const AudioSource& inner, fs::path watch = {}) : inner_(inner), watch_(std::move(watch)) {}
    int channels() const override { return inner_.channels(); }
    double sampleRateHz() const override { return inner_.sampleRateHz(); }
    std::size_t frames() const override { return inner_.frames(); }
    void read(std::size_t from, const BlockView& dst) const override {
        lowest_ = std::min(lowest_, from);
        highest_ = std::max(highest_, from + dst.frames);
        if (!watch_.empty()) mostEntries_ = std::max(mostEntries_, entriesIn(watch_));
        if (failFrom_ && from + dst.frames > *failFrom_) throw Error(ErrorKind::Io, "test source", "read failed");
        inner_.read(from, dst);
    }
    // The record (read() is const in the interface; this is test bookkeeping).
    mutable std::size_t lowest_ = SIZE_MAX, highest_ = 0;
    mutable std::size_t mostEntries_ = 0;
    std::optional<std::size_t> failFrom_;  // read() throws once it reaches this frame

private:
    const AudioSource& inner_;
    fs::path watch_;
};

// White noise generated on the fly from the frame number (splitmix64), never stored: a track of
// any length costs no memory, and any range can be read in any order.
class NoiseSource final : public AudioSource {
public:
    NoiseSource(double rateHz, std::size_t frames) : rateHz_(rateHz), frames_(frames) {}
    int channels() const override { return 2; }
    double sampleRateHz() const override { return rateHz_; }
    std::size_t frames() const override { return frames_; }
    void read(std::size_t from, const BlockView& dst) const override {
        for (int c = 0; c < dst.channels; ++c)
            for (std::size_t i = 0; i < dst.frames; ++i) {
                std::uint64_t z = (from + i) * 2 + static_cast<std::uint64_t>(c) + 0x9E3779B97F4A7C15ull;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
                z ^= z >> 31;
                // uniform in [-0.5, 0.5): -6 dBFS peak, dense like a loud master
                dst.channel(c)[i] = static_cast<float>(static_cast<double>(z >> 40) / 16777216.0 - 0.5);
            }
    }

private:
    double rateHz_;
    std::size_t frames_;
};

// Peak resident memory (KiB, wait4's ru_maxrss) of a forked child running `fn`; -1 when the
// child did not exit cleanly. The child starts with this process's resident pages, so compare
// with a child that does nothing.
long childPeakRssKib(const std::function<void()>& fn) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        try {
            fn();
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);  // no atexit handlers or static destructors of the test runner in the child
    }
    int status = 0;
    rusage usage{};
    if (::wait4(pid, &status, 0, &usage) != pid) return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return usage.ru_maxrss;
}

}  // namespace

TEST(CodecStream, VorbisFiguresEqualTheBufferForm) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer src = test::musicNoise(4.0, 44100, 2, 11);
    const CodecResult buffered = codecRoundTrip(src, Codec::Vorbis);
    const CodecResult streamed = codecRoundTrip(BufferSource(src), 0, src.frames(), Codec::Vorbis, dir);
    expectSameFigures(streamed, buffered);
    // and both are what loudness::measure of the whole buffers says (the meters are fed blocks)
    EXPECT_EQ(*streamed.sourceTruePeakDbtp, *loudness::measure(src).truePeakDbtp);
    EXPECT_EQ(*streamed.decodedTruePeakDbtp, *loudness::measure(buffered.decoded).truePeakDbtp);
    EXPECT_EQ(entriesIn(dir), 0u);
}

TEST(CodecStream, OpusFromAResampledRateEqualsTheBufferForm) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer src = test::musicNoise(4.0, 44100, 2, 12);
    const CodecResult buffered = codecRoundTrip(src, Codec::Opus);
    const CodecResult streamed = codecRoundTrip(BufferSource(src), 0, src.frames(), Codec::Opus, dir);
    expectSameFigures(streamed, buffered);
    EXPECT_EQ(buffered.decoded.sampleRateHz, 48000.0);
    // the source peak is measured at the source's rate, before resampling
    EXPECT_EQ(*streamed.sourceTruePeakDbtp, *loudness::measure(src).truePeakDbtp);
    EXPECT_EQ(*streamed.decodedTruePeakDbtp, *loudness::measure(buffered.decoded).truePeakDbtp);
    EXPECT_EQ(entriesIn(dir), 0u);
}

TEST(CodecStream, ARangeInTheMiddleEqualsThatRangeAsABuffer) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer whole = test::musicNoise(8.0, 44100, 2, 13);
    // odd frame counts, so neither end falls on a block boundary
    const std::size_t from = 2 * 44100 + 1237, to = 6 * 44100 + 4099;
    AudioBuffer part(2, to - from, 44100);
    BufferSource(whole).read(from, part.view());
    for (Codec c : {Codec::Vorbis, Codec::Opus}) {
        const BufferSource source(whole);
        Recorder recorder(source);
        const CodecResult streamed = codecRoundTrip(recorder, from, to, c, dir);
        expectSameFigures(streamed, codecRoundTrip(part, c));
        EXPECT_EQ(recorder.lowest_, from) << codecName(c);
        EXPECT_EQ(recorder.highest_, to) << codecName(c);  // nothing past the range is read
    }
}

TEST(CodecStream, TheTemporaryFileHasNoNameWhileInUse) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer src = test::musicNoise(2.0, 44100, 2, 14);
    const BufferSource source(src);
    Recorder recorder(source, dir);
    const CodecResult r = codecRoundTrip(recorder, 0, src.frames(), Codec::Vorbis, dir);
    EXPECT_GT(r.encodedBytes, 0u);
    // read() runs while the encoded file is open: it is already unlinked then, so nothing can be
    // left behind even by a killed process
    EXPECT_EQ(recorder.mostEntries_, 0u);
    EXPECT_EQ(entriesIn(dir), 0u);
}

TEST(CodecStream, ASourceThatFailsMidwayLeavesNoFileAndPassesItsError) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer src = test::musicNoise(3.0, 44100, 2, 15);
    const BufferSource source(src);
    for (Codec c : {Codec::Vorbis, Codec::Opus}) {
        Recorder recorder(source);
        recorder.failFrom_ = 44100;  // after a second has been encoded
        try {
            codecRoundTrip(recorder, 0, src.frames(), c, dir);
            ADD_FAILURE() << "no error from a failing source, " << codecName(c);
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("read failed"), std::string::npos) << e.what();
        }
        EXPECT_EQ(entriesIn(dir), 0u) << codecName(c);
    }
}

TEST(CodecStream, AFolderThatCannotHoldTheFileIsAnIoErrorNamingIt) {
    const fs::path dir = test::scratchDir();
    const AudioBuffer src = test::musicNoise(0.5, 44100, 2, 16);
    {
        std::FILE* f = std::fopen((dir / "a-file").c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fclose(f);
    }
    // (tests run as root too, where permission bits do not stop a write: a missing folder and a
    // file in the folder's place fail for everyone)
    for (const fs::path& bad : {dir / "missing", dir / "a-file"}) {
        try {
            codecRoundTrip(BufferSource(src), 0, src.frames(), Codec::Vorbis, bad);
            ADD_FAILURE() << "no error for " << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Io);
            const std::string what = e.what();
            EXPECT_NE(what.find(bad.string()), std::string::npos) << what;
            EXPECT_NE(what.find("temporary file"), std::string::npos) << what;
        }
    }
    EXPECT_EQ(entriesIn(dir), 1u);  // just "a-file"
}

TEST(CodecStream, MemoryDoesNotGrowWithTheTrack) {
    if (kAddressSanitizer) GTEST_SKIP() << "peak RSS is not the program's memory under AddressSanitizer";
    const fs::path dir = test::scratchDir();
    // A 44.1 kHz stereo track through both codecs (Opus resampled to 48 kHz), as the render
    // measures every track. 5 minutes keeps the test near 15 s on this 2-core machine (measured
    // about 1.2 s per minute of audio per codec); 1 minute is the short comparison.
    constexpr double kRateHz = 44100;
    auto roundTrips = [&](double minutes) {
        return [&, minutes] {
            const NoiseSource noise(kRateHz, static_cast<std::size_t>(minutes * 60 * kRateHz));
            for (Codec c : {Codec::Vorbis, Codec::Opus})
                if (!codecRoundTrip(noise, 0, noise.frames(), c, dir).decodedTruePeakDbtp) throw 1;
        };
    };
    const long idleKib = childPeakRssKib([] {});
    const long shortKib = childPeakRssKib(roundTrips(1.0));
    const long longKib = childPeakRssKib(roundTrips(5.0));
    ASSERT_GT(idleKib, 0);
    ASSERT_GT(shortKib, 0);
    ASSERT_GT(longKib, 0);
    std::printf("peak RSS: idle child %ld KiB, 1 min %ld KiB, 5 min %ld KiB\n", idleKib, shortKib, longKib);
    // One copy of the 5-minute track as float is 5 * 60 * 44100 * 2 * 4 B = 106 MB; the old round
    // trip held about five, and a resampled 48 kHz copy besides for Opus. The streaming one holds
    // libvorbis/libopus/libsoxr state and a few 8192-frame blocks: measured 9.1 MiB above the idle
    // child when this test runs alone, as under ctest (5.2 MiB after other tests, whose freed
    // heap the child inherits resident); libsndfile 1.2.0, libsoxr 0.1.3, Debian 12. 24 MiB is
    // over twice that and under a quarter of one copy of the track.
    EXPECT_LT(longKib - idleKib, 24 * 1024);
    // Four more minutes add only libebur128's gating blocks (two meters, two lists, about 32 B per
    // 100 ms each: ~0.2 MiB; measured 0.19 MiB for 5 extra minutes) — a held copy would add 85 MB.
    // 2 MiB leaves room for allocator noise.
    EXPECT_LT(longKib - shortKib, 2 * 1024);
    EXPECT_EQ(entriesIn(dir), 0u);
}
