// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/multiband.hpp"

#include <gtest/gtest.h>

#include <random>

#include "lacquer/dynamics/apply.hpp"
#include "lacquer/dynamics/deesser.hpp"
#include "lacquer/dynamics/stereo.hpp"
#include "test_signals.hpp"

namespace lacquer::dynamics {
namespace {

using test::db;

MultibandParams fourBands() {
    MultibandParams p;
    p.crossoversHz = {120, 1000, 6000};
    for (double t : {-24.0, -20.0, -22.0, -26.0}) {
        CompressorParams c;
        c.thresholdDb = t;
        c.ratio = 3;
        c.attackMs = 5;
        c.releaseMs = 80;
        p.bands.push_back(c);
    }
    p.bands[3].detector = Detector::Peak;
    p.bands[2].stereoMode = StereoMode::MidSide;
    p.bands[1].stereoLink = 0.3;
    return p;
}

template <class Stage>
void runSplit(Stage& s, AudioBuffer& buf, const std::vector<std::size_t>& sizes) {
    BlockView v = buf.view();
    std::size_t at = 0, k = 0;
    while (at < v.frames) {
        const std::size_t n = std::min(sizes[k++ % sizes.size()], v.frames - at);
        s.process(v.slice(at, n));
        at += n;
    }
}

TEST(Multiband, UnityRatiosGiveAnAllpassFlatResponse) {
    MultibandParams p = fourBands();
    for (auto& b : p.bands) b.ratio = 1;
    const double fs = 48000;
    const std::size_t n = 1 << 16;
    Multiband mb({fs, 1, n}, p);
    AudioBuffer buf(1, n, fs);
    buf.samples[0][0] = 1.0f;
    mb.process(buf.view());
    for (double f : test::logFrequencies(20, 22000, 40))
        // Same bound as the crossover (issue 4: +-0.01 dB).
        EXPECT_NEAR(db(test::dftMagnitude(buf.samples[0], f, fs)), 0.0, 0.01) << f << " Hz";
}

TEST(Multiband, BlockSizeInvarianceIsExact) {
    const double fs = 48000;
    AudioBuffer ref = test::noiseBuffer(2, 6000, fs, 0.4, 7);
    AudioBuffer whole = ref, split = ref, single = ref;
    Multiband a({fs, 2, 6000}, fourBands()), b({fs, 2, 6000}, fourBands()), c({fs, 2, 6000}, fourBands());
    a.process(whole.view());
    std::mt19937 rng(3);
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 64; ++i) sizes.push_back(1 + rng() % 700);
    runSplit(b, split, sizes);
    runSplit(c, single, {1});
    EXPECT_EQ(whole.samples, split.samples);   // CPU: exact
    EXPECT_EQ(whole.samples, single.samples);
    EXPECT_GT(a.maxGainReductionDb(3), 1.0);   // the test compresses (top band of -8 dBFS noise)
}

// Multiband runs its linked bands side by side in one loop: the result must equal a crossover
// followed by one Compressor::process per band, summed in the same order.
TEST(Multiband, EqualsACrossoverAndOneCompressorPerBand) {
    const double fs = 48000;
    const std::size_t n = 4000;
    const AudioBuffer in = test::noiseBuffer(2, n, fs, 0.4, 21);
    AudioBuffer viaMultiband = in;
    Multiband mb({fs, 2, n}, fourBands());
    mb.process(viaMultiband.view());
    AudioBuffer top = in;
    std::vector<AudioBuffer> lower(3, AudioBuffer(2, n, fs));
    BlockView views[4] = {lower[0].view(), lower[1].view(), lower[2].view(), top.view()};
    Crossover x({fs, 2, n}, fourBands().crossoversHz);
    x.split(top.view(), views);
    for (int b = 0; b < 4; ++b) {
        Compressor comp({fs, 2, n}, fourBands().bands[static_cast<std::size_t>(b)]);
        comp.process(views[b]);
    }
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < n; ++i)
            for (int b = 0; b < 3; ++b) top.samples[static_cast<std::size_t>(c)][i] += lower[static_cast<std::size_t>(b)].samples[static_cast<std::size_t>(c)][i];
    EXPECT_EQ(viaMultiband.samples, top.samples);  // same arithmetic, bit for bit
}

TEST(Multiband, ResetEqualsAFreshInstance) {
    const double fs = 48000;
    Multiband used({fs, 2, 1024}, fourBands()), fresh({fs, 2, 1024}, fourBands());
    AudioBuffer excite = test::noiseBuffer(2, 3000, fs, 0.8, 11);
    runSplit(used, excite, {1024});
    used.reset();
    AudioBuffer a = test::noiseBuffer(2, 3000, fs, 0.3, 12), b = a;
    runSplit(used, a, {1024});
    runSplit(fresh, b, {1024});
    EXPECT_EQ(a.samples, b.samples);
}

TEST(Width, ScalesTheSideSignalOnly) {
    Width w({48000, 2, 16}, 0.5);
    AudioBuffer buf(2, 1, 48000);
    buf.samples[0][0] = 0.75f;  // M = 0.5, S = 0.25
    buf.samples[1][0] = 0.25f;
    w.process(buf.view());
    EXPECT_FLOAT_EQ(buf.samples[0][0], 0.625f);  // M + S/2
    EXPECT_FLOAT_EQ(buf.samples[1][0], 0.375f);
}

TEST(MonoBass, RemovesSideBelowTheCornerAndKeepsTheMonoSumFlat) {
    const double fs = 48000;
    const std::size_t n = 1 << 16;
    MonoBass mono({fs, 2, n}, 150);
    // Left-only impulse: M = S = impulse/2.
    AudioBuffer buf(2, n, fs);
    buf.samples[0][0] = 1.0f;
    mono.process(buf.view());
    std::vector<float> sum(n), diff(n);
    for (std::size_t i = 0; i < n; ++i) {
        sum[i] = buf.samples[0][i] + buf.samples[1][i];
        diff[i] = buf.samples[0][i] - buf.samples[1][i];
    }
    for (double f : test::logFrequencies(20, 20000, 30))
        EXPECT_NEAR(db(test::dftMagnitude(sum, f, fs)), 0.0, 0.01) << f;  // allpass: as the crossover
    // LR4 highpass on S: -6.02 dB at the corner, about -48 dB two octaves below (24 dB/oct),
    // unity two octaves above; +-0.1 dB covers the bilinear warping at these frequencies.
    EXPECT_NEAR(db(test::dftMagnitude(diff, 150, fs)), -6.02, 0.1);
    EXPECT_LT(db(test::dftMagnitude(diff, 37.5, fs)), -47.0);
    EXPECT_NEAR(db(test::dftMagnitude(diff, 600, fs)), 0.0, 0.1);
}

TEST(Deesser, ReducesOnlyTheBandAboveItsFrequency) {
    const double fs = 48000;
    DeesserParams p;
    p.freqHz = 6000;
    p.thresholdDb = -30;
    p.maxReductionDb = 6;
    Deesser d({fs, 2, 1024}, p);
    // 500 Hz at -10 dBFS plus 9 kHz at -12 dBFS (18 dB over: reduction capped at 6 dB).
    AudioBuffer lo = test::sineBuffer(2, 24000, fs, 500, 0.316), hi = test::sineBuffer(2, 24000, fs, 9000, 0.251);
    AudioBuffer buf = lo;
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < 24000; ++i) buf.samples[static_cast<std::size_t>(c)][i] += hi.samples[static_cast<std::size_t>(c)][i];
    runSplit(d, buf, {1024});
    const std::vector<float> tail(buf.samples[0].begin() + 12000, buf.samples[0].end());
    // Measured by DFT over the last 0.25 s (bin-centred: 500 and 9000 Hz are multiples of 4 Hz).
    const double a500 = test::dftMagnitude(tail, 500, fs) / 6000.0, a9k = test::dftMagnitude(tail, 9000, fs) / 6000.0;
    EXPECT_NEAR(db(a500), db(0.316), 0.05);      // LR4 LP at 500 Hz is flat to 0.001 dB
    // At 9 kHz the LR4 split still leaves part of the tone in the low band (in phase with the
    // high band): expected = 0.251 (|LP| + |HP| 10^(-6/20)). +-0.2 dB: envelope ripple.
    Crossover x({fs, 1, 16}, {6000});
    const Complex lp = x.bandResponse(0, 9000), hp = x.bandResponse(1, 9000);
    const double expected9k = 0.251 * (std::hypot(lp.re, lp.im) + std::hypot(hp.re, hp.im) * std::pow(10, -6.0 / 20));
    EXPECT_NEAR(db(a9k), db(expected9k), 0.2);
    EXPECT_NEAR(d.maxGainReductionDb(), 6.0, 1e-9);
}

TEST(DynamicsChain, ApplyAlignedKeepsLengthAndMatchesTheStages) {
    const double fs = 48000;
    AudioBuffer in = test::noiseBuffer(2, 20000, fs, 0.3, 5);
    ChainOptions chain;
    chain.multiband = fourBands();
    chain.stereo = StereoParams{0.8, 120};
    ChainReport rep;
    AudioBuffer out = applyAligned(in, chain, &rep);
    ASSERT_EQ(out.frames(), in.frames());
    AudioBuffer manual = in;
    Multiband mb({fs, 2, 20000}, fourBands());
    Stereo st({fs, 2, 20000}, *chain.stereo);
    mb.process(manual.view());
    st.process(manual.view());
    EXPECT_EQ(out.samples, manual.samples);  // block-size invariance makes them identical
    ASSERT_EQ(rep.bandMaxReductionDb.size(), 4u);
}

}  // namespace
}  // namespace lacquer::dynamics

namespace lacquer::dynamics {
namespace {

// Block-size invariance and reset for the stereo tools and the de-esser (same checks as the
// multiband's: exact on the CPU).
template <class Stage, class Params>
void expectInvariantAndResettable(const Params& params) {
    const double fs = 48000;
    const std::size_t n = 5000;
    const AudioBuffer in = test::noiseBuffer(2, n, fs, 0.3, 31);
    AudioBuffer whole = in, split = in, again = in;
    Stage a({fs, 2, n}, params), b({fs, 2, n}, params);
    a.process(whole.view());
    runSplit(b, split, {1, 17, 300, 2, 999});
    EXPECT_EQ(whole.samples, split.samples);
    a.reset();
    a.process(again.view());
    EXPECT_EQ(whole.samples, again.samples);
}

TEST(StereoTools, BlockSizeInvarianceAndResetAreExact) {
    expectInvariantAndResettable<Stereo>(StereoParams{1.3, 150});
    expectInvariantAndResettable<MonoBass>(120.0);
    expectInvariantAndResettable<Width>(0.7);
    DeesserParams d;
    d.thresholdDb = -40;  // the noise's high band is over it: the de-esser works
    expectInvariantAndResettable<Deesser>(d);
}

}  // namespace
}  // namespace lacquer::dynamics
