// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <algorithm>

#include "lacquer/dynamics/apply.hpp"
#include "lacquer/dynamics/multiband.hpp"
#include "support/audio_files.hpp"

namespace lacquer::dynamics {
namespace {

TEST(ChainTrace, MultibandGainReductionTraceFollowsABurstAndLeavesTheAudioAlone) {
    // 1 s quiet, 1 s loud, 1 s quiet at 48 kHz; blocks of 4800 frames (0.1 s).
    auto audio = test::musicNoise(3.0, 48000, 2, 4);
    for (auto& ch : audio.samples)
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] *= (i >= 48000 && i < 96000) ? 4.0f : 0.05f;
    MultibandParams p;
    p.crossoversHz = {200, 2000};
    p.bands.assign(3, CompressorParams{});
    p.bands[0].thresholdDb = p.bands[1].thresholdDb = p.bands[2].thresholdDb = -30;
    p.bands[0].ratio = p.bands[1].ratio = p.bands[2].ratio = 4;
    auto viaChain = audio;
    const ChainReport r = applyInPlace(viaChain, {std::nullopt, p, std::nullopt}, 4800);
    ASSERT_EQ(r.bandTraceDb.size(), 3u);
    ASSERT_EQ(r.bandTraceDb[0].size(), 30u);
    EXPECT_EQ(r.tracePeriodFrames, 4800u);
    for (std::size_t b = 0; b < 3; ++b) {
        // Reduction during the burst, (almost) none a release time after it ends.
        EXPECT_GT(r.bandTraceDb[b][15], 3.0f) << b;
        EXPECT_LT(r.bandTraceDb[b][29], r.bandTraceDb[b][15] / 4) << b;
        // The trace is stored as float: equal to the double maximum to float precision (1e-6 dB).
        EXPECT_NEAR(r.bandMaxReductionDb[b], *std::max_element(r.bandTraceDb[b].begin(), r.bandTraceDb[b].end()), 1e-5);
    }
    // The trace is metering only: the audio equals a plain Multiband run, bit for bit.
    Multiband plain(Spec{48000, 2, 4800}, p);
    auto direct = audio;
    const BlockView all = direct.view();
    for (std::size_t s = 0; s < all.frames; s += 4800) plain.process(all.slice(s, std::min<std::size_t>(4800, all.frames - s)));
    EXPECT_EQ(direct.samples, viaChain.samples);
}

}  // namespace
}  // namespace lacquer::dynamics
