// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>

#include "lacquer/sequence/timeline.hpp"

namespace lacquer::sequence {
namespace {

AudioBuffer constant(float v, std::size_t frames, double rate = 1000) {
    AudioBuffer b(2, frames, rate);
    for (auto& ch : b.samples) std::fill(ch.begin(), ch.end(), v);
    return b;
}

TEST(Timeline, GapsSeparateTracksAndBelongToThePreviousFile) {
    const auto a = constant(0.5f, 100), b = constant(0.25f, 50);
    std::vector<TrackPlacement> p(2);
    p[0].gapAfterS = 0.02;  // 20 frames at 1 kHz
    const auto tl = render({&a, &b}, p);
    ASSERT_EQ(tl.marks, (std::vector<std::size_t>{0, 120}));
    EXPECT_EQ(tl.audio.frames(), 170u);
    EXPECT_EQ(tl.fileEnd(0), 120u);
    EXPECT_EQ(tl.audio.samples[0][99], 0.5f);
    EXPECT_EQ(tl.audio.samples[0][100], 0.0f);
    EXPECT_EQ(tl.audio.samples[0][119], 0.0f);
    EXPECT_EQ(tl.audio.samples[1][120], 0.25f);
}

TEST(Timeline, EqualPowerCrossfadeKeepsPowerConstantForUncorrelatedMaterial) {
    // sin² + cos² = 1 at every point of the overlap.
    for (int k = 0; k <= 100; ++k) {
        const double t = k / 100.0;
        const double in = fadeGain(FadeCurve::EqualPower, t), out = fadeGain(FadeCurve::EqualPower, 1.0 - t);
        EXPECT_NEAR(in * in + out * out, 1.0, 1e-12);  // identity up to double rounding
    }
    const auto a = constant(1.0f, 100), b = constant(1.0f, 100);
    std::vector<TrackPlacement> p(2);
    p[0].crossfadeS = 0.04;  // 40 frames
    p[0].crossfadeCurve = FadeCurve::Linear;
    const auto tl = render({&a, &b}, p);
    EXPECT_EQ(tl.marks[1], 60u);  // the next file starts where the crossfade starts
    EXPECT_EQ(tl.audio.frames(), 160u);
    // Linear crossfade of equal constants sums to the constant (float rounding only).
    for (std::size_t i = 60; i < 100; ++i) EXPECT_NEAR(tl.audio.samples[0][i], 1.0f, 1e-6f) << i;
}

TEST(Timeline, FadesGainsAndCurvesShapeTheEnvelope) {
    const auto a = constant(1.0f, 1000);
    std::vector<TrackPlacement> p(1);
    p[0].gainDb = -6.0;
    p[0].fadeInS = 0.1;
    p[0].fadeInCurve = FadeCurve::Linear;
    p[0].fadeOutS = 0.2;
    p[0].fadeOutCurve = FadeCurve::Logarithmic;
    const auto tl = render({&a}, p);
    const double g = std::pow(10.0, -6.0 / 20.0);
    // Fade gains are evaluated at the centre of each frame: (k + 0.5) / length.
    EXPECT_NEAR(tl.audio.samples[0][0], g * 0.5 / 100, 1e-7);
    EXPECT_NEAR(tl.audio.samples[0][50], g * 50.5 / 100, 1e-7);
    EXPECT_NEAR(tl.audio.samples[0][500], g, 1e-7);
    EXPECT_NEAR(tl.audio.samples[0][999], g * fadeGain(FadeCurve::Logarithmic, 0.5 / 200), 1e-7);
    EXPECT_DOUBLE_EQ(fadeGain(FadeCurve::Logarithmic, 0.0), 0.0);
    EXPECT_DOUBLE_EQ(fadeGain(FadeCurve::Logarithmic, 1.0), 1.0);
    // Halfway through a log fade the level is 30 dB down (of the last 60 dB), to within the
    // (1000^t - 1)/999 offset: 20·log10((sqrt(1000) - 1)/999) = -30.3 dB.
    EXPECT_NEAR(20 * std::log10(fadeGain(FadeCurve::Logarithmic, 0.5)), -30.28, 0.01);
}

TEST(Timeline, LayoutMatchesRender) {
    std::vector<TrackPlacement> p(3);
    p[0].gapAfterS = 1.0;
    p[1].crossfadeS = 0.5;
    std::size_t total = 0;
    const auto marks = layoutMarks({3000, 2000, 1000}, p, 1000, &total);
    EXPECT_EQ(marks, (std::vector<std::size_t>{0, 4000, 5500}));
    EXPECT_EQ(total, 6500u);
}

}  // namespace
}  // namespace lacquer::sequence
