// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>
#include <fftw3.h>

#include <map>
#include <vector>

#include "lacquer/dither/quantiser.hpp"
#include "support/audio_files.hpp"

namespace lacquer::dither {
namespace {

TEST(Quantiser, SixteenBitOutputIsOnTheGridAndSeededRerunsAreIdentical) {
    auto a = test::musicNoise(0.5, 44100);
    auto b = a;
    quantise(a, 16, DitherKind::Tpdf, 42);
    quantise(b, 16, DitherKind::Tpdf, 42);
    EXPECT_EQ(a.samples, b.samples);
    for (const auto& ch : a.samples)
        for (float v : ch) {
            const double k = static_cast<double>(v) * 32768.0;
            ASSERT_EQ(k, std::nearbyint(k));
        }
    auto c = test::musicNoise(0.5, 44100);
    quantise(c, 16, DitherKind::Tpdf, 43);
    EXPECT_NE(a.samples, c.samples);
}

TEST(Quantiser, DitherErrorIsTriangularOverTwoLsb) {
    // A constant input 0.3 LSB above a grid point, TPDF dither d on (-1, 1) LSB: x + d lies in
    // (-0.7, 1.3), so the output is one of -1, 0, +1 LSB, and the mean error is 0 (TPDF removes
    // the quantiser's signal-dependent bias).
    AudioBuffer a(1, 200000, 44100);
    const double lsb = 1.0 / 32768.0;
    for (auto& v : a.samples[0]) v = static_cast<float>(0.3 * lsb + 1000 * lsb);
    quantise(a, 16, DitherKind::Tpdf, 7);
    std::map<int, int> hist;
    double meanErr = 0;
    for (float v : a.samples[0]) {
        const int k = static_cast<int>(std::lround(v / lsb)) - 1000;
        hist[k]++;
        meanErr += (v / lsb - 1000.3);
    }
    meanErr /= static_cast<double>(a.frames());
    EXPECT_EQ(hist.size(), 3u);
    // Analytic probabilities with the triangular CDF F on (-1, 1): P(q = -1) = P(d < -0.8) =
    // 0.2²/2 = 0.02; P(q = +1) = P(d >= 0.2) = 0.8²/2 = 0.32.
    const double n = static_cast<double>(a.frames());
    // Tolerance 0.005: about 5 standard errors of a proportion near 0.3 with n = 200000 (0.001).
    EXPECT_NEAR(hist[-1] / n, 0.02, 0.005);
    EXPECT_NEAR(hist[1] / n, 0.32, 0.005);
    // Mean error: 5 standard errors of the mean (error std ≈ 0.64 LSB / sqrt(n) = 0.0014).
    EXPECT_NEAR(meanErr, 0.0, 0.007);
}

TEST(Quantiser, DigitalSilenceStaysSilent) {
    AudioBuffer a(2, 10000, 44100);
    quantise(a, 16, DitherKind::Tpdf, 1);
    for (const auto& ch : a.samples)
        for (float v : ch) ASSERT_EQ(v, 0.0f);
}

TEST(Quantiser, TwentyFourBitRoundsWithoutDitherAndFloatIsUntouched) {
    auto a = test::musicNoise(0.1, 48000);
    const auto orig = a;
    quantise(a, 24, DitherKind::Tpdf, 1);
    for (std::size_t i = 0; i < a.frames(); ++i) {
        const double scale = 8388608.0;
        ASSERT_EQ(a.samples[0][i], static_cast<float>(std::nearbyint(orig.samples[0][i] * scale) / scale));
    }
    auto f = orig;
    quantise(f, 32, DitherKind::Tpdf, 1);
    EXPECT_EQ(f.samples, orig.samples);
}

}  // namespace
}  // namespace lacquer::dither

namespace lacquer::dither {
namespace {

// Average power spectrum (per bin) of the requantisation error of a quiet 1 kHz tone.
std::vector<double> errorSpectrum(DitherKind kind) {
    constexpr std::size_t kFft = 4096;
    constexpr std::size_t kBlocks = 40;
    auto a = test::sine(1000, std::pow(10.0, -60.0 / 20.0), kFft * kBlocks / 44100.0 + 0.01, 44100, 1);
    const auto ref = a;
    quantise(a, 16, kind, 3);
    std::vector<double> power(kFft / 2 + 1, 0.0);
    std::vector<double> in(kFft);
    std::vector<fftw_complex> out(kFft / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(static_cast<int>(kFft), in.data(), out.data(), FFTW_ESTIMATE);
    for (std::size_t b = 0; b < kBlocks; ++b) {
        for (std::size_t i = 0; i < kFft; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2 * M_PI * static_cast<double>(i) / kFft);  // Hann
            in[i] = w * (static_cast<double>(a.samples[0][b * kFft + i]) - ref.samples[0][b * kFft + i]) * 32768.0;
        }
        fftw_execute(plan);
        for (std::size_t k = 0; k < power.size(); ++k) power[k] += out[k][0] * out[k][0] + out[k][1] * out[k][1];
    }
    fftw_destroy_plan(plan);
    return power;
}

double bandDb(const std::vector<double>& p, double loHz, double hiHz) {
    const double binHz = 44100.0 / 4096;
    double sum = 0;
    int n = 0;
    for (auto k = static_cast<std::size_t>(loHz / binHz); k <= static_cast<std::size_t>(hiHz / binHz); ++k, ++n) sum += p[k];
    return 10 * std::log10(sum / n);
}

TEST(Quantiser, TpdfErrorIsWhiteAndShapedErrorMovesAboveFifteenKilohertz) {
    const auto tpdf = errorSpectrum(DitherKind::Tpdf);
    const auto shaped = errorSpectrum(DitherKind::Shaped);
    // TPDF error is white: the 2-5 kHz and 15-20 kHz bands hold the same density; 1 dB allows for
    // the estimate's spread (40 averaged Hann blocks, hundreds of bins per band).
    EXPECT_NEAR(bandDb(tpdf, 2000, 5000), bandDb(tpdf, 15000, 20000), 1.0);
    // F-weighted shaping: well under TPDF where hearing is most sensitive (Wannamaker's filter
    // gives about -10 to -15 dB around 3-4 kHz), well over it near the top of the band.
    EXPECT_LT(bandDb(shaped, 2500, 4500), bandDb(tpdf, 2500, 4500) - 6.0);
    EXPECT_GT(bandDb(shaped, 17000, 20000), bandDb(tpdf, 17000, 20000) + 6.0);
}

TEST(Quantiser, ShapedDitherIsDeterministicAndStaysOnTheGrid) {
    auto a = test::musicNoise(0.3, 44100);
    auto b = a;
    quantise(a, 16, DitherKind::Shaped, 11);
    quantise(b, 16, DitherKind::Shaped, 11);
    EXPECT_EQ(a.samples, b.samples);
    for (float v : a.samples[1]) ASSERT_EQ(static_cast<double>(v) * 32768.0, std::nearbyint(static_cast<double>(v) * 32768.0));
}

}  // namespace
}  // namespace lacquer::dither

namespace lacquer::dither {
namespace {

// The album pass quantises its timeline block by block from a scratch file: any split into whole
// silence blocks must give the bytes quantise() gives on the whole buffer (silent stretches
// included, where the shaper's state is reset).
TEST(Quantiser, BlockwiseStreamEqualsTheWholeBuffer) {
    auto whole = test::musicNoise(1.0, 44100);
    for (auto& ch : whole.samples) std::fill(ch.begin() + 10000, ch.begin() + 14000, 0.0f);  // digital silence
    for (const auto kind : {DitherKind::None, DitherKind::Tpdf, DitherKind::Shaped}) {
        auto ref = whole;
        quantise(ref, 16, kind, 7);
        auto streamed = whole;
        Quantiser q(streamed.channels(), 16, kind, 7);
        std::size_t at = 0;
        for (std::size_t blocks : {1u, 3u, 8u, 2u, 64u}) {
            const std::size_t n = std::min(blocks * Quantiser::kSilenceBlockFrames, streamed.frames() - at);
            q.process(streamed.view().slice(at, n));
            at += n;
        }
        q.process(streamed.view().slice(at, streamed.frames() - at));  // the rest, not a whole block
        EXPECT_EQ(streamed.samples, ref.samples) << static_cast<int>(kind);
    }
}

}  // namespace
}  // namespace lacquer::dither
