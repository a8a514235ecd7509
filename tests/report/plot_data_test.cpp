// SPDX-License-Identifier: GPL-3.0-or-later
// The builders of report.json's plot fields: short-term loudness, per-period maxima, spectrum.
#include <gtest/gtest.h>

#include <cmath>

#include "lacquer/report/html.hpp"
#include "support/audio_files.hpp"

namespace lacquer {
namespace {

using nlohmann::json;

TEST(PlotData, ShortTermLoudnessOfACalibrationSineReadsItsLevel) {
    // A -23 dBFS 1 kHz stereo sine reads -23 LUFS (BS.1770 calibration, EBU Tech 3341 case 1).
    const AudioBuffer sine = test::sine(1000, std::pow(10.0, -23.0 / 20.0), 10.0, 48000);
    const json j = report::shortTermLoudnessJson(sine, 1.0);
    EXPECT_DOUBLE_EQ(j["period_s"].get<double>(), 1.0);
    ASSERT_EQ(j["values"].size(), 10u);  // windows ending at 1, 2, ..., 10 s
    // From 3 s on the 3 s window is full of the sine: ±0.1 LU (Tech 3341's short-term tolerance).
    for (std::size_t i = 2; i < 10; ++i) EXPECT_NEAR(j["values"][i].get<double>(), -23.0, 0.1) << "window ending at " << i + 1 << " s";
    // Before, the window reaches into silence before the start (libebur128 counts it as silence),
    // so it reads lower: 1 s of 3 is 10·log10(1/3) = -4.77 dB, ±0.1 LU.
    EXPECT_NEAR(j["values"][0].get<double>(), -23.0 - 4.77, 0.1);
}

TEST(PlotData, ShortTermLoudnessOfSilenceIsNull) {
    const json j = report::shortTermLoudnessJson(AudioBuffer(2, 48000 * 4, 48000), 1.0);
    ASSERT_EQ(j["values"].size(), 4u);
    for (const auto& v : j["values"]) EXPECT_TRUE(v.is_null()) << j.dump();
}

TEST(PlotData, MaxPerPeriodKeepsEachPeriodsLargestValue) {
    std::vector<float> gr(1000, 0.0f);  // 1 s at 1 kHz
    gr[150] = 3.0f;
    gr[151] = 2.0f;
    gr[999] = 1.234f;
    const json j = report::maxPerPeriodJson(gr, 1000, 0.1);
    ASSERT_EQ(j["values"].size(), 10u);
    EXPECT_EQ(j["period_s"].get<double>(), 0.1);  // 100 whole frames at 1 kHz
    EXPECT_EQ(j["values"][1].get<double>(), 3.0);
    EXPECT_EQ(j["values"][0].get<double>(), 0.0);
    EXPECT_EQ(j["values"][9].get<double>(), 1.23);  // rounded to 0.01 as report.json's levels
}

TEST(PlotData, SpectrumOfAFullScaleSineReadsZeroDbInItsBandOnly) {
    // 1 kHz is a band centre; a full-scale sine's mean square (1/2) reads 0 dB.
    const AudioBuffer sine = test::sine(1000, 1.0, 4.0, 48000);
    loudness::SpectrumAverager avg(48000, loudness::SpectrumAverager::kFftFrames);
    AudioBuffer copy = sine;
    avg.add(copy.view());
    const json bands = report::spectrumBandsJson(avg);
    const auto centres = loudness::SpectrumAverager::bandCentresHz();
    ASSERT_EQ(bands.size(), centres.size());
    for (std::size_t i = 0; i < centres.size(); ++i) {
        ASSERT_TRUE(bands[i].is_number()) << centres[i] << " Hz: every band up to 20 kHz lies under 24 kHz";
        const double octavesAway = std::abs(std::log2(centres[i] / 1000.0));
        if (octavesAway < 0.01) {
            // The Hann window's main lobe lies within the band; its power sums exactly: ±0.1 dB.
            EXPECT_NEAR(bands[i].get<double>(), 0.0, 0.1) << centres[i] << " Hz";
        } else if (octavesAway > 1.0) {
            // Hann sidelobes fall 18 dB per octave of bins; an octave away (85 bins) they are far
            // below -80 dB.
            EXPECT_LT(bands[i].get<double>(), -80.0) << centres[i] << " Hz";
        }
    }
}

TEST(PlotData, SpectrumDoesNotDependOnHowTheAudioIsSplit) {
    const AudioBuffer noise = test::musicNoise(3.0, 44100, 2, 5);
    loudness::SpectrumAverager whole(44100), pieces(44100);
    AudioBuffer a = noise;
    whole.add(a.view());
    auto v = a.view();
    for (std::size_t at = 0, n = 1; at < v.frames; at += n, n = n * 3 % 5000 + 1) pieces.add(v.slice(at, std::min(n, v.frames - at)));
    EXPECT_EQ(report::spectrumBandsJson(whole), report::spectrumBandsJson(pieces));
    const json s = report::spectrumJson(whole, pieces);
    EXPECT_EQ(s["freqs_hz"].size(), s["before"].size());
    EXPECT_EQ(s["before"], s["after"]);
    // Merging an averager with a copy of itself doubles every sum and the count: same average.
    loudness::SpectrumAverager doubled = whole;
    doubled.merge(whole);
    EXPECT_EQ(report::spectrumBandsJson(doubled), report::spectrumBandsJson(whole));
}

}  // namespace
}  // namespace lacquer
