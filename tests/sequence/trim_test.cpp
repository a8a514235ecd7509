// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/sequence/trim.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lacquer/common/error.hpp"

namespace lacquer::sequence {
namespace {

constexpr double kFs = 48000;

// silenceS of silence, then a cosine (starts at its peak: the first frame is sound), then tailS of
// silence; `floor` adds a constant under the threshold to every frame.
AudioBuffer burst(double silenceS, double toneS, double tailS, double amp, double floor = 0.0) {
    const auto a = static_cast<std::size_t>(silenceS * kFs), b = static_cast<std::size_t>(toneS * kFs),
               c = static_cast<std::size_t>(tailS * kFs);
    AudioBuffer x(2, a + b + c, kFs);
    for (auto& ch : x.samples) {
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] = static_cast<float>(floor);
        for (std::size_t i = 0; i < b; ++i)
            ch[a + i] += static_cast<float>(amp * std::cos(2 * std::numbers::pi * 1000 * static_cast<double>(i) / kFs));
    }
    return x;
}

TrimParams autoTrim() {
    TrimParams p;
    p.thresholdDb = -60;
    p.keepMs = 100;
    return p;
}

TEST(Trim, AutoFindsTheFirstAndLastSoundAndKeepsTheMargin) {
    // 1 kHz at 48 kHz: the tone's last frame (i = 95999) is cos(2π·1999.98) ≈ 1 (sound).
    const AudioBuffer x = burst(1.0, 2.0, 1.5, 0.1);
    const TrimResult r = analyseTrim(BufferSource(x), autoTrim(), "t");
    ASSERT_TRUE(r.firstSound && r.lastSound);
    EXPECT_EQ(*r.firstSound, 48000u);
    EXPECT_EQ(*r.lastSound, 48000u + 96000u - 1);
    EXPECT_EQ(r.from, 48000u - 4800u);           // 100 ms kept before
    EXPECT_EQ(r.to, 48000u + 96000u + 4800u);    // and after
    EXPECT_EQ(r.fadeInFrames, 4800u);            // fades over the kept margins
    EXPECT_EQ(r.fadeOutFrames, 4800u);
    EXPECT_NEAR(r.headCutS(), 0.9, 1e-12);
    EXPECT_NEAR(r.tailCutS(), 1.4, 1e-12);
}

TEST(Trim, TheTrimmedSourceFadesOnlyTheMarginAndPassesTheSound) {
    const AudioBuffer x = burst(1.0, 2.0, 1.5, 0.1);
    const BufferSource src(x);
    const TrimmedSource t(src, analyseTrim(src, autoTrim(), "t"));
    ASSERT_EQ(t.frames(), 96000u + 2 * 4800u);
    AudioBuffer out(2, t.frames(), kFs);
    t.read(0, out.view());
    for (std::size_t i = 4800; i < 4800 + 96000; ++i) ASSERT_EQ(out.samples[1][i], x.samples[1][48000 + i - 4800]) << i;
}

TEST(Trim, AnExplicitCutInsideTheSoundFadesWithoutAClick) {
    const AudioBuffer x = burst(0.0, 3.0, 0.0, 0.5);
    TrimParams p = autoTrim();
    p.head = {false, 1.00001};  // mid-cycle, near a peak of the tone
    p.tail = {false, 0.5};
    const BufferSource src(x);
    const TrimResult r = analyseTrim(src, p, "t");
    EXPECT_EQ(r.from, 48000u);
    EXPECT_EQ(r.to, 144000u - 24000u);
    EXPECT_EQ(r.fadeInFrames, 240u);  // kMinFadeMs = 5 ms
    EXPECT_EQ(r.fadeOutFrames, 240u);
    const TrimmedSource t(src, r);
    AudioBuffer out(2, t.frames(), kFs);
    t.read(0, out.view());
    // First and last frames: gain 0.5 - 0.5·cos(π·0.5/240) = 1.1e-5 of a 0.5 peak.
    EXPECT_LT(std::abs(out.samples[0].front()), 0.5 * 1.1e-5);
    EXPECT_LT(std::abs(out.samples[0].back()), 0.5 * 1.1e-5);
    // No step larger than the tone's own (2π·1000/48000·0.5 = 0.065) anywhere: the fade only
    // slows it.
    double step = 0;
    for (std::size_t i = 1; i < out.frames(); ++i) step = std::max(step, std::abs(double(out.samples[0][i]) - out.samples[0][i - 1]));
    EXPECT_LT(step, 0.0655);
}

TEST(Trim, DcRemovalTakesAConstantOffsetOutAndLeavesSilenceSilent) {
    AudioBuffer x = burst(0.5, 1.0, 0.5, 0.2);  // the tone holds whole cycles: mean 0
    for (std::size_t i = 0; i < x.frames(); ++i) x.samples[0][i] += 0.03f, x.samples[1][i] -= 0.01f;
    TrimParams p = autoTrim();
    p.removeDc = true;
    const BufferSource src(x);
    const TrimResult r = analyseTrim(src, p, "t");
    ASSERT_EQ(r.dcOffset.size(), 2u);
    // The measured means (reported): float rounding of 0.03 (1.9e-9).
    EXPECT_NEAR(r.dcOffset[0], 0.03, 1e-8);
    EXPECT_NEAR(r.dcOffset[1], -0.01, 1e-8);
    // The high-pass starts settled on the first frame: the offset head reads as silence and the cut
    // finds the tone.
    ASSERT_TRUE(r.firstSound);
    EXPECT_EQ(*r.firstSound, 24000u);
    const TrimmedSource t(src, r);
    AudioBuffer out(2, t.frames(), kFs);
    t.read(0, out.view());
    double mean = 0;
    for (std::size_t i = 4800; i < 4800 + 48000; ++i) mean += out.samples[0][i];
    mean /= 48000;
    // Offset removed: the tone's mean over whole cycles is 0; what is left is the 5 Hz high-pass's
    // settling from the tone's start (under 1e-4 of the 0.2 tone after 100 ms).
    EXPECT_LT(std::abs(mean), 2e-5);
    // Reads in any order give the same samples (the filter re-runs from its warm-up start).
    AudioBuffer part(2, 1000, kFs);
    t.read(30000, part.view());
    for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(part.samples[1][i], out.samples[1][30000 + i]) << i;
    t.read(100, part.view());
    for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(part.samples[0][i], out.samples[0][100 + i]) << i;
}

// A program whose own mean is not 0 (a rectified tone) between digital silences: subtracting its
// mean would lift the silences to -24 dBFS; the high-pass keeps them silent and the cuts hold.
TEST(Trim, DcRemovalOfAnAsymmetricProgramKeepsTheSilenceAroundIt) {
    AudioBuffer x = burst(1.0, 2.0, 2.0, 0.2);
    for (auto& ch : x.samples)
        for (auto& v : ch) v = std::abs(v);
    TrimParams p = autoTrim();
    p.removeDc = true;
    const TrimResult r = analyseTrim(BufferSource(x), p, "t");
    EXPECT_NEAR(r.dcOffset[0], 0.2 * 2 / std::numbers::pi * 2 / 5, 1e-4);  // |cos| mean 2/π over 2 of 5 s
    ASSERT_TRUE(r.firstSound && r.lastSound);
    EXPECT_EQ(*r.firstSound, 48000u);
    // The tone's end, late by the high-pass's ring-out: the program's mean m = 0.127 stops, and the
    // 5 Hz Butterworth's step response (envelope √2·m·e^(-ωt/√2), ω/√2 = 22.2/s) stays over -60
    // dBFS for ln(√2·m/0.001)/22.2 = 0.234 s at most.
    EXPECT_GE(*r.lastSound, static_cast<std::size_t>(3.0 * kFs) - 1);
    EXPECT_LE(*r.lastSound, static_cast<std::size_t>(3.234 * kFs));
    EXPECT_FALSE(r.startsAbruptly);
    EXPECT_FALSE(r.endsAbruptly);
}

TEST(Trim, WarnsOfLongInternalSilencesAndOfMixesThatStartOrEndAbruptly) {
    // Tone, 5 s of silence, tone: one internal silence; the file starts and ends on the tone.
    AudioBuffer x = burst(0.0, 1.0, 5.0, 0.1);
    const AudioBuffer y = burst(0.0, 1.0, 0.0, 0.1);
    for (int c = 0; c < 2; ++c)
        x.samples[static_cast<std::size_t>(c)].insert(x.samples[static_cast<std::size_t>(c)].end(), y.samples[static_cast<std::size_t>(c)].begin(),
                                                      y.samples[static_cast<std::size_t>(c)].end());
    const TrimResult r = analyseTrim(BufferSource(x), autoTrim(), "t");
    ASSERT_EQ(r.longSilencesS.size(), 1u);
    // Within one 10 ms scan window of the true edges (1 s and 6 s).
    EXPECT_NEAR(r.longSilencesS[0].first, 1.0, 0.01);
    EXPECT_NEAR(r.longSilencesS[0].second, 6.0, 0.01);
    EXPECT_TRUE(r.startsAbruptly);
    EXPECT_TRUE(r.endsAbruptly);
    EXPECT_EQ(r.warnings().size(), 3u);
    // A silent head and tail and no long gap: no warnings; a 3 s gap is under kLongSilenceS.
    const TrimResult quiet = analyseTrim(BufferSource(burst(1.0, 1.0, 3.0, 0.1)), autoTrim(), "t");
    EXPECT_TRUE(quiet.warnings().empty());
    // The streaming scan (what the render runs on untrimmed tracks) finds the same.
    SoundScan scan(2, kFs, x.frames(), -60);
    const BlockView all = x.view();
    for (std::size_t at = 0; at < x.frames(); at += 1000) scan.add(all.slice(at, std::min<std::size_t>(1000, x.frames() - at)));
    EXPECT_EQ(scan.result().longSilencesS, r.longSilencesS);
    EXPECT_EQ(scan.result().firstSound, r.firstSound);
    EXPECT_EQ(scan.result().lastSound, r.lastSound);
}

TEST(Trim, CutsThatLeaveNothingAreAnError) {
    TrimParams p;
    p.head = {false, 1.5};
    p.tail = {false, 1.0};
    EXPECT_THROW(analyseTrim(BufferSource(burst(0.0, 2.0, 0.0, 0.1)), p, "t"), Error);
}

}  // namespace
}  // namespace lacquer::sequence
