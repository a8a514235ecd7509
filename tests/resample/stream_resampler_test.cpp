// SPDX-License-Identifier: GPL-3.0-or-later
// The streamed resampler against libsoxr's own one-shot call (soxr_oneshot, the reference: it is
// the library's whole-buffer path, written independently of our block handling).
#include <gtest/gtest.h>
#include <soxr.h>

#include <cmath>
#include <random>

#include "lacquer/resample/resample.hpp"

namespace lacquer {
namespace {

AudioBuffer noise(int channels, std::size_t frames, double rate, unsigned seed) {
    AudioBuffer a(channels, frames, rate);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (auto& ch : a.samples)
        for (auto& v : ch) v = u(rng);
    return a;
}

// libsoxr's one-shot API, one channel at a time, into round(frames · ratio) frames.
AudioBuffer oneShot(const AudioBuffer& in, double rate, double passbandEnd = 0) {
    const auto outFrames =
        static_cast<std::size_t>(std::llround(static_cast<double>(in.frames()) * rate / in.sampleRateHz));
    AudioBuffer out(in.channels(), outFrames, rate);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ | SOXR_LINEAR_PHASE, 0);
    if (passbandEnd > 0) q.passband_end = passbandEnd;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    for (int c = 0; c < in.channels(); ++c) {
        size_t made = 0;
        EXPECT_EQ(soxr_oneshot(in.sampleRateHz, rate, 1, in.samples[static_cast<std::size_t>(c)].data(), in.frames(),
                               nullptr, out.samples[static_cast<std::size_t>(c)].data(), outFrames, &made, &io, &q, &rt),
                  nullptr);
    }
    return out;
}

AudioBuffer streamed(const AudioBuffer& in, double rate, std::size_t block, double passbandEnd = 0) {
    StreamResampler r(in.channels(), in.sampleRateHz, rate, in.frames(), passbandEnd);
    AudioBuffer out(in.channels(), 0, rate);
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c)
            out.samples[static_cast<std::size_t>(c)].insert(out.samples[static_cast<std::size_t>(c)].end(),
                                                            b.channel(c), b.channel(c) + b.frames);
    };
    AudioBuffer copy = in;
    for (std::size_t at = 0; at < in.frames(); at += block)
        r.push(copy.view().slice(at, std::min(block, in.frames() - at)), sink);
    r.finish(sink);
    EXPECT_EQ(out.frames(), r.outputFrames());
    return out;
}

double worstDifference(const AudioBuffer& a, const AudioBuffer& b) {
    double worst = 0;
    for (std::size_t c = 0; c < a.samples.size(); ++c)
        for (std::size_t i = 0; i < a.frames(); ++i)
            worst = std::max(worst, static_cast<double>(std::abs(a.samples[c][i] - b.samples[c][i])));
    return worst;
}

TEST(StreamResampler, MatchesLibsoxrsOneShotCallSampleForSampleWhateverTheBlockSize) {
    const AudioBuffer in = noise(2, 100003, 44100, 7);
    const AudioBuffer ref = oneShot(in, 96000);
    for (std::size_t block : {std::size_t{1}, std::size_t{333}, std::size_t{8192}, std::size_t{100003}}) {
        const AudioBuffer out = streamed(in, 96000, block);
        ASSERT_EQ(out.frames(), ref.frames());
        // 0: the same library, filter and arithmetic; only the buffering differs.
        EXPECT_EQ(worstDifference(out, ref), 0.0) << "block " << block;
    }
}

TEST(StreamResampler, DownsamplingAndThePassbandOptionMatchTheOneShotCall) {
    const AudioBuffer in = noise(1, 50000, 96000, 3);
    // 0: as above.
    EXPECT_EQ(worstDifference(streamed(in, 44100, 4096), oneShot(in, 44100)), 0.0);
    EXPECT_EQ(worstDifference(streamed(in, 768000, 1000, 0.995), oneShot(in, 768000, 0.995)), 0.0);
}

TEST(StreamResampler, TheWholeBufferCallIsTheStream) {
    const AudioBuffer in = noise(2, 20000, 48000, 11);
    // 0: resample() runs the same stream in one push.
    EXPECT_EQ(worstDifference(resample(in, 44100), oneShot(in, 44100)), 0.0);
    EXPECT_EQ(resample(in, 44100).frames(), 18375u);  // 20000 · 44100 / 48000
}

TEST(StreamResampler, AMatchingRatePassesTheAudioThrough) {
    const AudioBuffer in = noise(2, 5000, 48000, 5);
    const AudioBuffer out = streamed(in, 48000, 777);
    // 0: nothing is computed.
    EXPECT_EQ(worstDifference(out, in), 0.0);
}

TEST(StreamResampler, InputPastTheAnnouncedLengthIsCut) {
    AudioBuffer in = noise(1, 4000, 48000, 9);
    StreamResampler r(1, 48000, 96000, 1000);
    std::size_t made = 0;
    auto sink = [&](const BlockView& b) { made += b.frames; };
    r.push(in.view(), sink);
    r.finish(sink);
    EXPECT_EQ(made, 2000u);
}

}  // namespace
}  // namespace lacquer
