// SPDX-License-Identifier: GPL-3.0-or-later
// Codec headroom: Ogg Vorbis and Opus round trips through libsndfile, true peak by libebur128.
#include "lacquer/delivery/codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "lacquer/loudness/meter.hpp"
#include "support/audio_files.hpp"

using namespace lacquer;
using namespace lacquer::delivery;

namespace {

// A loud "master": music-like noise driven 6 dB into a hard clip at -1 dBFS, the crude limiting
// that makes real loud masters dense: about -11.4 LUFS, true peak about 0 dBTP. 8 s at 44.1 kHz.
AudioBuffer loudMaster() {
    AudioBuffer b = test::musicNoise(8.0, 44100, 2, 5);
    const float ceiling = static_cast<float>(std::pow(10.0, -1.0 / 20.0));
    for (auto& ch : b.samples)
        for (auto& v : ch) v = std::clamp(v * 2.0f, -ceiling, ceiling);
    return b;
}

}  // namespace

TEST(Codec, VorbisRoundTripKeepsLengthAndLevel) {
    const AudioBuffer src = loudMaster();
    const CodecResult r = codecRoundTrip(src, Codec::Vorbis);
    EXPECT_EQ(r.decoded.sampleRateHz, 44100.0);
    EXPECT_EQ(r.decoded.channels(), 2);
    // Vorbis returns exactly the frames written (the Ogg granule position trims the last packet)
    EXPECT_EQ(r.decoded.frames(), src.frames());
    // integrated loudness survives the codec: measured 0.21 LU lower at 162 kb/s on this signal;
    // 0.5 LU bounds it while still catching a gain or channel mistake in the round trip
    const auto a = loudness::measure(src).integratedLufs;
    const auto b = loudness::measure(r.decoded).integratedLufs;
    EXPECT_NEAR(*a, *b, 0.5);
    EXPECT_GT(r.bitrateKbps, 64.0);
    EXPECT_LT(r.bitrateKbps, 400.0);
    std::printf("vorbis: %.0f kb/s, source TP %.2f dBTP, decoded TP %.2f dBTP, overshoot %+.2f dB\n",
                r.bitrateKbps, *r.sourceTruePeakDbtp, *r.decodedTruePeakDbtp, *r.overshootDb());
}

TEST(Codec, LoudMasterDecodesWithHigherTruePeakThanItsSource) {
    const AudioBuffer src = loudMaster();
    for (Codec c : {Codec::Vorbis, Codec::Opus}) {
        const CodecResult r = codecRoundTrip(src, c);
        ASSERT_TRUE(r.overshootDb()) << codecName(c);
        std::printf("%s: %.0f kb/s, source TP %.2f dBTP, decoded TP %.2f dBTP, overshoot %+.2f dB\n",
                    codecName(c).c_str(), r.bitrateKbps, *r.sourceTruePeakDbtp, *r.decodedTruePeakDbtp,
                    *r.overshootDb());
        // a clipped master's flat tops are rebuilt with ringing by a lossy codec: the decoded true
        // peak rises (measured +0.83 dB Vorbis at 162 kb/s, +0.69 dB Opus at 130 kb/s);
        // 0.3 dB is well clear of zero and of the meter's repeatability
        EXPECT_GT(*r.overshootDb(), 0.3) << codecName(c);
        const auto drop = ceilingReductionDb(r, -1.0);
        ASSERT_TRUE(drop);
        EXPECT_NEAR(*drop, *r.decodedTruePeakDbtp + 1.0, 1e-12);  // exact arithmetic
    }
}

TEST(Codec, OpusRunsAt48kHz) {
    const AudioBuffer src = test::sine(1000.0, 0.25, 2.0, 44100);
    const CodecResult r = codecRoundTrip(src, Codec::Opus);
    EXPECT_EQ(r.decoded.sampleRateHz, 48000.0);
    // 2 s at 48 kHz; Opus may add up to its 80 ms pre-skip/padding at either end
    EXPECT_NEAR(static_cast<double>(r.decoded.frames()), 96000.0, 48000.0 * 0.08);
    // a -12 dBFS sine keeps its peak within 0.5 dB (a quiet pure tone codes almost exactly)
    EXPECT_NEAR(*r.decodedTruePeakDbtp, *r.sourceTruePeakDbtp, 0.5);
}

TEST(Codec, ASilentSourceHasNoPeakToReduce) {
    const CodecResult r = codecRoundTrip(AudioBuffer(2, 44100, 44100), Codec::Vorbis);
    EXPECT_FALSE(r.sourceTruePeakDbtp);
    EXPECT_FALSE(r.overshootDb());
}
