// SPDX-License-Identifier: GPL-3.0-or-later
// Convolution reverb: the wet path (reverb::prepareWet) and a Dirac through the whole stage.
#include <cmath>
#include <complex>
#include <numbers>

#include <gtest/gtest.h>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/reverb/ir.hpp"

namespace lacquer::reverb {
namespace {

constexpr double kRate = 48000.0;

double magnitudeDb(const std::vector<double>& h, double freqHz) {
    std::complex<double> sum = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
        sum += h[i] * std::polar(1.0, -2.0 * std::numbers::pi * freqHz * static_cast<double>(i) / kRate);
    return 20.0 * std::log10(std::abs(sum));
}

class DiracThroughReverb : public ::testing::TestWithParam<const char*> {
protected:
    void TearDown() override { test::expectNoValidationMessages(); }
};

TEST_P(DiracThroughReverb, ReturnsTheIrTimesMixAfterThePredelay) {
    const std::string backend = GetParam();
    if (backend == "vulkan") LACQUER_NEED_VULKAN();
    auto engine = backend == "vulkan" ? test::makeVulkanEngine({})
                                      : convolution::Engine::create({convolution::DeviceRequest::Mode::Cpu, -1});
    const AudioBuffer ir = test::syntheticIr(2, 4800, kRate, 0.08, 21);
    Params p;
    p.mix = 0.25;
    p.predelayMs = 10.0;
    const std::size_t t0 = 1234, predelay = 480;
    AudioBuffer in(2, 6000, kRate);
    in.samples[0][t0] = 1.0f;
    in.samples[1][t0] = 1.0f;
    const AudioBuffer out = engine->process(in, {}, &p, &ir);
    ASSERT_EQ(out.frames(), in.frames() + predelay + ir.frames() - 1);
    const auto norm = normalisedIr(ir, kRate, 2);
    for (int c = 0; c < 2; ++c) {
        const auto& y = out.samples[static_cast<std::size_t>(c)];
        // float32 FFT rounding ≈ 1e-7 of the peak (1.0, the dry Dirac); 2e-6 leaves margin.
        EXPECT_NEAR(y[t0], 1.0, 2e-6);
        for (std::size_t i = 0; i < t0 + predelay; ++i)
            if (i != t0) {
                ASSERT_NEAR(y[i], 0.0, 2e-6) << "channel " << c << " frame " << i;
            }
        for (std::size_t i = 0; i < ir.frames(); ++i)
            ASSERT_NEAR(y[t0 + predelay + i], p.mix * norm[static_cast<std::size_t>(c)][i], 2e-6)
                << "channel " << c << " IR frame " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, DiracThroughReverb, ::testing::Values("vulkan", "cpu"));

TEST(ReverbWet, LowAndHighCutsAreButterworthCorners) {
    AudioBuffer dirac(1, 48000, kRate);
    dirac.samples[0][0] = 1.0f;
    Params p;
    p.mix = 1.0;
    p.wetLowCutHz = 200.0;
    p.wetHighCutHz = 5000.0;
    const auto wet = prepareWet(p, dirac, kRate, 1);
    ASSERT_EQ(wet.size(), 1u);
    // 2nd-order Butterworth sections: −3 dB at each corner (the other section adds < 0.01 dB
    // there at 25x distance), −12 dB/oct beyond; 0.05 dB covers the bilinear warping at 5 kHz.
    EXPECT_NEAR(magnitudeDb(wet[0], 200.0), -3.01, 0.05);
    EXPECT_NEAR(magnitudeDb(wet[0], 1000.0), 0.0, 0.05);
    EXPECT_LT(magnitudeDb(wet[0], 25.0), -35.0);
    EXPECT_NEAR(magnitudeDb(wet[0], 5000.0), -3.01, 0.1);
}

TEST(ReverbWet, MonoIrFeedsEveryChannelAndStereoIrIsAveragedForMono) {
    const AudioBuffer mono = test::syntheticIr(1, 100, kRate, 0.01, 22);
    Params p;
    p.mix = 0.5;
    const auto two = prepareWet(p, mono, kRate, 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0], two[1]);
    // The wet IR is the mix times the IR scaled to unit in-band power gain: a fixed ratio.
    const double g = two[0][3] / mono.samples[0][3];
    EXPECT_NEAR(two[0][7], g * mono.samples[0][7], 1e-12 * std::abs(g));
    const AudioBuffer stereo = test::syntheticIr(2, 100, kRate, 0.01, 23);
    const auto one = prepareWet(p, stereo, kRate, 1);
    ASSERT_EQ(one.size(), 1u);
    const double h = one[0][7] / (0.5 * (double(stereo.samples[0][7]) + double(stereo.samples[1][7])));
    EXPECT_NEAR(one[0][11], h * 0.5 * (double(stereo.samples[0][11]) + double(stereo.samples[1][11])), 1e-12 * std::abs(h));
    // 1e-9: the FFT's double rounding on a sum of ~10^5 bins; the mean |H|² is 1 by construction.
    EXPECT_NEAR(inBandPowerGain(one[0], kRate), p.mix * p.mix, 1e-9);
}

TEST(ReverbWet, IrAtAnotherRateIsResampled) {
    const AudioBuffer ir = test::syntheticIr(2, 4410, 44100.0, 0.05, 24);
    Params p;
    p.mix = 1.0;
    p.predelayMs = 5.0;
    const auto wet = prepareWet(p, ir, kRate, 2);
    // resample(): round(4410 · 48000 / 44100) = 4800 frames, after 240 frames of predelay.
    EXPECT_EQ(wet[0].size(), 240u + 4800u);
}

TEST(ReverbWet, ZeroMixIsNoReverb) {
    const AudioBuffer ir = test::syntheticIr(1, 100, kRate, 0.01, 25);
    Params p;
    p.mix = 0.0;
    EXPECT_TRUE(prepareWet(p, ir, kRate, 2).empty());
}

}  // namespace
}  // namespace lacquer::reverb
