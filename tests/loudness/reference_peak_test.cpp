// SPDX-License-Identifier: GPL-3.0-or-later
// The report's second true-peak reading (8x libsoxr): analytic inter-sample peaks.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lacquer/loudness/reference_peak.hpp"

namespace lacquer::loudness {
namespace {

// A sine with 0.1 s raised-cosine fades: an abrupt start or end is itself a broadband transient
// whose reconstruction rings over the sine's amplitude, which a true-peak reading rightly sees.
AudioBuffer sine(double freqHz, double amplitude, double phase, double rate, double seconds) {
    AudioBuffer b(2, static_cast<std::size_t>(seconds * rate), rate);
    const double fade = 0.1 * rate;
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const double k = static_cast<double>(std::min(i, b.frames() - 1 - i));
        const double env = k < fade ? 0.5 - 0.5 * std::cos(std::numbers::pi * k / fade) : 1.0;
        b.samples[0][i] = b.samples[1][i] =
            static_cast<float>(env * amplitude * std::sin(2 * std::numbers::pi * freqHz * static_cast<double>(i) / rate + phase));
    }
    return b;
}

TEST(ReferenceTruePeak, ReadsTheInterSamplePeakOfAQuarterRateSineAt45Degrees) {
    // Samples at ±0.707 of a unit sine: sample peak -3.01 dBFS, true peak 0 dBTP (EBU Tech 3341
    // case 15's construction). 0.01 dB: the 8x grid's worst miss at fs/4 is cos(pi/16)... far
    // smaller here since the phase puts a grid point on the crest; float samples add ~1e-7.
    const auto b = sine(12000, 1.0, std::numbers::pi / 4, 48000, 1.0);
    const auto tp = referenceTruePeakDbtp(b);
    ASSERT_TRUE(tp);
    EXPECT_NEAR(*tp, 0.0, 0.01);
}

TEST(ReferenceTruePeak, KeepsContentNearNyquist) {
    // A 0.47 fs tone (22.56 kHz at 48 kHz) of amplitude 0.5: -6.02 dBTP. 0.05 dB covers the 8x
    // grid's miss (a crest can fall up to 1/16 period from a grid point: 1 - cos(pi·0.47/8)
    // = 0.017, 0.15 dB at worst, but over a second of audio the crest lands near a point many
    // times) and the filter's passband ripple at 99.5 % of Nyquist.
    const auto b = sine(0.47 * 48000, 0.5, 0.3, 48000, 1.0);
    const auto tp = referenceTruePeakDbtp(b);
    ASSERT_TRUE(tp);
    EXPECT_NEAR(*tp, 20 * std::log10(0.5), 0.05);
}

TEST(ReferenceTruePeak, SilenceHasNoPeak) {
    EXPECT_FALSE(referenceTruePeakDbtp(AudioBuffer(2, 48000, 48000)).has_value());
}

}  // namespace
}  // namespace lacquer::loudness
