// SPDX-License-Identifier: GPL-3.0-or-later
// dynamics::Chain as a stream: a track pushed in blocks of any size gives the whole-buffer
// applyInPlace()'s audio and report, sample for sample (the renderer streams tracks through it).
#include <gtest/gtest.h>

#include <cmath>

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

ChainOptions glueChain(GluePosition position) {
    ChainOptions o = fullChain();
    GlueCompressorParams g;
    g.thresholdDb = -30, g.lookaheadMs = 2, g.sidechainHpfHz = 80, g.mix = 0.8, g.position = position;
    o.compressor = g;
    SaturationParams s;
    s.type = SaturationType::Tube;
    s.driveDb = 4;
    o.saturation = s;
    return o;
}

// With the glue compressor's lookahead and the saturator's filters, AlignedChain pushed in any
// blocks equals applyInPlace, and both are aligned with the input and as long.
TEST(ChainStream, AlignedChainRemovesTheLatencyOfCompressorAndSaturation) {
    auto audio = test::musicNoise(1.5, 48000, 2, 5);
    for (GluePosition position : {GluePosition::BeforeMultiband, GluePosition::AfterMultiband}) {
        EXPECT_EQ(Chain(48000, 2, glueChain(position)).latencyFrames(), 96u + 56u);  // 2 ms + 56
        auto whole = audio;
        const ChainReport ref = applyInPlace(whole, glueChain(position));
        EXPECT_GT(ref.compressorMaxReductionDb, 0.5);
        for (std::size_t block : {std::size_t{77}, std::size_t{8192}, std::size_t{100000}}) {
            AlignedChain chain(48000, 2, glueChain(position));
            AudioBuffer out(2, 0, 48000);
            auto in = audio;
            const BlockView all = in.view();
            auto sink = [&](const BlockView& b) {
                for (int c = 0; c < 2; ++c) out.samples[static_cast<std::size_t>(c)].insert(out.samples[static_cast<std::size_t>(c)].end(), b.channel(c), b.channel(c) + b.frames);
            };
            for (std::size_t at = 0; at < all.frames; at += block) chain.push(all.slice(at, std::min(block, all.frames - at)), sink);
            chain.finish(sink);
            EXPECT_EQ(out.samples, whole.samples) << "block " << block;
        }
    }
    // Aligned: a quiet tone (under every threshold, the saturator's curve linear to -100 dB) comes
    // out where it went in.
    ChainOptions o;
    o.compressor = GlueCompressorParams{};
    o.compressor->lookaheadMs = 3;
    o.saturation = SaturationParams{};
    AudioBuffer tone(2, 48000, 48000);
    for (auto& ch : tone.samples)
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] = static_cast<float>(1e-3 * std::sin(2 * 3.14159265358979 * 440 * i / 48000.0));
    AudioBuffer out = tone;
    applyInPlace(out, o);
    double e = 0, r = 0;
    for (std::size_t i = 1000; i < 47000; ++i) {
        e += std::pow(out.samples[0][i] - tone.samples[0][i], 2);
        r += std::pow(tone.samples[0][i], 2);
    }
    // A one-frame misalignment at 440 Hz would leave -25 dB; the tanh's 3rd harmonic at -60 dBFS
    // with 6 dB of drive is (2e-3)²/12 = -95 dB of the tone.
    EXPECT_LT(10 * std::log10(e / r), -90);
}

TEST(ChainStream, AnEmptyChainSaysSo) {
    EXPECT_TRUE(Chain(48000, 2, ChainOptions{}).empty());
    EXPECT_FALSE(Chain(48000, 2, fullChain()).empty());
}

}  // namespace
}  // namespace lacquer::dynamics
