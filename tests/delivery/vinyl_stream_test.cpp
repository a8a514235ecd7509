// SPDX-License-Identifier: GPL-3.0-or-later
// delivery::CuttingAnalyser: the vinyl cutting readings taken block by block (the renderer streams
// each track through it) against the same readings over one buffer.
#include <gtest/gtest.h>

#include <cmath>

#include "lacquer/delivery/vinyl.hpp"
#include "support/audio_files.hpp"

namespace lacquer::delivery {
namespace {

TEST(CuttingAnalyser, BlockByBlockItReadsWhatTheWholeBufferReads) {
    // 7.3 s of music-like noise at 48 kHz with a bright burst and a phase-flipped bass passage,
    // so every reading has something to find.
    auto audio = test::musicNoise(7.3, 48000, 2, 41);
    for (std::size_t i = 0; i < audio.frames(); ++i) {
        const double t = static_cast<double>(i) / 48000;
        const float bass = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * 60 * t));
        audio.samples[0][i] += bass;
        audio.samples[1][i] += (t > 3 && t < 4.5) ? -bass : bass;
        if (t > 5 && t < 5.2) audio.samples[0][i] += static_cast<float>(0.4 * std::sin(2 * std::numbers::pi * 7000 * t));
    }
    const auto corr = lowFrequencyCorrelation(audio);
    const auto hf = hfEnergy(audio);
    ASSERT_TRUE(corr.overall && corr.minimum && hf.topOctaveShareDb && hf.sibilanceShareDb);
    EXPECT_LT(*corr.minimum, 0.0);  // the flipped passage
    for (std::size_t block : {std::size_t{1}, std::size_t{2399}, std::size_t{24000}, std::size_t{65536}}) {
        CuttingAnalyser a(48000, 2);
        const BlockView all = audio.view();
        for (std::size_t at = 0; at < all.frames; at += block) a.add(all.slice(at, std::min(block, all.frames - at)));
        const auto c = a.correlation();
        const auto h = a.hf();
        // Sums of the same products in the same order per window, but the programme totals add
        // per-block partial sums: equal to double rounding (1e-12 relative is far under the
        // readings' printed 0.01 resolution).
        EXPECT_NEAR(*c.overall, *corr.overall, 1e-12) << block;
        EXPECT_NEAR(*c.minimum, *corr.minimum, 1e-12) << block;
        EXPECT_EQ(c.minimumAtS, corr.minimumAtS) << block;
        EXPECT_NEAR(*h.topOctaveShareDb, *hf.topOctaveShareDb, 1e-9) << block;
        EXPECT_NEAR(*h.sibilanceShareDb, *hf.sibilanceShareDb, 1e-9) << block;
        EXPECT_EQ(h.sibilanceAtS, hf.sibilanceAtS) << block;
    }
}

}  // namespace
}  // namespace lacquer::delivery
