// SPDX-License-Identifier: GPL-3.0-or-later
// dynamics::Chain as a stream: a track pushed in blocks of any size gives the whole-buffer
// applyInPlace()'s audio and report, sample for sample (the renderer streams tracks through it).
#include <gtest/gtest.h>

#include "lacquer/dynamics/apply.hpp"
#include "support/audio_files.hpp"

namespace lacquer::dynamics {
namespace {

ChainOptions fullChain() {
    ChainOptions o;
    o.deesser = DeesserParams{};
    MultibandParams m;
    m.crossoversHz = {150, 1500, 6000};
    m.bands.assign(4, CompressorParams{});
    for (auto& b : m.bands) {
        b.thresholdDb = -28;
        b.ratio = 3;
    }
    o.multiband = m;
    o.stereo = StereoParams{0.8, 120.0};
    return o;
}

TEST(ChainStream, PushedInOddBlocksItGivesTheWholeBufferOutputAndReportBitForBit) {
    auto audio = test::musicNoise(2.5, 48000, 2, 21);
    for (auto& ch : audio.samples)
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] *= (i / 24000) % 2 ? 3.0f : 0.2f;
    auto whole = audio;
    const ChainReport ref = applyInPlace(whole, fullChain());
    for (std::size_t block : {std::size_t{1000}, std::size_t{8192}, std::size_t{65536 + 17}}) {
        auto streamed = audio;
        Chain chain(48000, 2, fullChain());
        const BlockView all = streamed.view();
        for (std::size_t at = 0; at < all.frames; at += block) chain.process(all.slice(at, std::min(block, all.frames - at)));
        const ChainReport r = chain.report();
        // Exact: the chain cuts at the same 8192-frame boundaries whatever the pushes were.
        EXPECT_EQ(streamed.samples, whole.samples) << "block " << block;
        EXPECT_EQ(r.bandTraceDb, ref.bandTraceDb) << "block " << block;
        EXPECT_EQ(r.bandMaxReductionDb, ref.bandMaxReductionDb);
        EXPECT_EQ(r.deesserMaxReductionDb, ref.deesserMaxReductionDb);
        EXPECT_EQ(r.tracePeriodFrames, 8192u);
    }
    // The trace has one entry per started 8192-frame period: ceil(120000 / 8192) = 15.
    ASSERT_EQ(ref.bandTraceDb.size(), 4u);
    EXPECT_EQ(ref.bandTraceDb[0].size(), 15u);
    // And the chain did something: the loud halves were compressed.
    EXPECT_GT(ref.bandMaxReductionDb[1], 3.0);
}

TEST(ChainStream, AnEmptyChainSaysSo) {
    EXPECT_TRUE(Chain(48000, 2, ChainOptions{}).empty());
    EXPECT_FALSE(Chain(48000, 2, fullChain()).empty());
}

}  // namespace
}  // namespace lacquer::dynamics
