// SPDX-License-Identifier: GPL-3.0-or-later
// The convolution stage (EQ ⊛ (dry + wet·IR) by overlap-save) on every backend, against the
// double-precision twin and against the designer's prediction.
#include <algorithm>
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/eq/design.hpp"

namespace lacquer::convolution {
namespace {

using test::nullDb;

constexpr double kRate = 48000.0;
// The bar for float32 FFT convolution against the double twin.
constexpr double kNullDb = -100.0;

eq::Band band(eq::BandType type, double freqHz, double gainDb = 0.0, double q = 0.707, double slope = 12.0) {
    eq::Band b;
    b.type = type;
    b.freqHz = freqHz;
    b.gainDb = gainDb;
    b.q = q;
    b.slopeDbOct = slope;
    return b;
}

// A mastering-like 4-band EQ; kernels are shortened to 8191 taps so lavapipe runs the suite fast.
eq::Bands masteringEq() {
    return {band(eq::BandType::Highpass, 40, 0, 0.707, 12), band(eq::BandType::LowShelf, 120, 2.0),
            band(eq::BandType::Bell, 2500, -3.0, 1.5), band(eq::BandType::HighShelf, 9000, 1.5)};
}

EngineOptions shortKernels() {
    EngineOptions o;
    o.eqDesign.taps = 8191;
    return o;
}

reverb::Params room() {
    reverb::Params p;
    p.mix = 0.2;
    p.predelayMs = 3.0;
    p.wetLowCutHz = 100.0;
    p.wetHighCutHz = 8000.0;
    return p;
}

Engine& cpuEngine() {
    static auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, shortKernels());
    return *engine;
}

Engine& twinEngine() {
    static auto engine = Engine::create({DeviceRequest::Mode::CpuDouble, -1}, shortKernels());
    return *engine;
}

Engine& vulkanEngine() {
    static auto engine = test::makeVulkanEngine(shortKernels());
    return *engine;
}

// Runs `engine` on in with the EQ + room and returns the null against the twin (same kernel).
double nullAgainstTwin(Engine& engine, const AudioBuffer& in, const AudioBuffer* ir) {
    const auto params = room();
    const Kernel k = engine.makeKernel(in.sampleRateHz, in.channels(), masteringEq(), ir ? &params : nullptr, ir);
    const AudioBuffer out = engine.process(in, k);
    const auto ref = convolveReference(in, k);
    EXPECT_EQ(out.frames(), ref[0].size());
    EXPECT_EQ(out.channels(), in.channels());
    return nullDb(out, ref);
}

class EveryBackend : public ::testing::TestWithParam<const char*> {
protected:
    Engine& engine() {
        const std::string name = GetParam();
        return name == "vulkan" ? vulkanEngine() : name == "cpu" ? cpuEngine() : twinEngine();
    }
    void SetUp() override {
        if (std::string(GetParam()) == "vulkan") LACQUER_NEED_VULKAN();
    }
    void TearDown() override { test::expectNoValidationMessages(); }
};

TEST_P(EveryBackend, NullsAgainstDoubleTwinOnMusicLikeNoise) {
    const AudioBuffer in = test::musicLikeNoise(2, 48000, kRate, 1);
    const AudioBuffer ir = test::syntheticIr(2, 9600, kRate, 0.15, 2);
    const double db = nullAgainstTwin(engine(), in, &ir);
    std::printf("[ figure ] %s null vs twin, music-like noise: %.1f dB\n", GetParam(), db);
    EXPECT_LT(db, kNullDb);
}

TEST_P(EveryBackend, NullsAgainstDoubleTwinOnImpulses) {
    const AudioBuffer in = test::impulses(2, 48000, kRate, 4001);
    const AudioBuffer ir = test::syntheticIr(2, 9600, kRate, 0.15, 3);
    const double db = nullAgainstTwin(engine(), in, &ir);
    std::printf("[ figure ] %s null vs twin, impulses: %.1f dB\n", GetParam(), db);
    EXPECT_LT(db, kNullDb);
}

TEST_P(EveryBackend, FlatEqWithoutReverbIsAnExactCopy) {
    const AudioBuffer in = test::musicLikeNoise(2, 5000, kRate, 4);
    const AudioBuffer out = engine().process(in, {}, nullptr, nullptr);
    EXPECT_EQ(out.samples, in.samples);
}

TEST_P(EveryBackend, OutputAlignsWithInputToTheSample) {
    // A Dirac at frame t comes out as the EQ kernel centred on frame t: y[t + m] = h[D + m].
    const std::size_t t = 3000;
    AudioBuffer in(1, 20000, kRate);
    in.samples[0][t] = 1.0f;
    const eq::Design d = eq::designLinearPhase(masteringEq(), kRate, shortKernels().eqDesign);
    const AudioBuffer out = engine().process(in, masteringEq(), nullptr, nullptr);
    ASSERT_EQ(out.frames(), in.frames());
    const auto& y = out.samples[0];
    const auto peak = std::max_element(y.begin(), y.end(), [](float a, float b) { return std::abs(a) < std::abs(b); });
    EXPECT_EQ(static_cast<std::size_t>(peak - y.begin()), t);
    const std::size_t latency = d.latencyFrames();
    for (std::size_t m = 0; m <= latency && t + m < y.size(); m += 7) {
        // Float32 FFT rounding: ~1e-7 of the kernel's peak (≈ 1); 1e-6 leaves a 10x margin.
        ASSERT_NEAR(y[t + m], d.taps()[latency + m], 1e-6) << "offset +" << m;
        if (m <= t) {
            ASSERT_NEAR(y[t - m], d.taps()[latency - m], 1e-6) << "offset -" << m;
        }
    }
}

// A multi-tone through the stage, each tone on an exact bin of the analysis window (so tones are
// orthogonal there), measured by projection, against the designer's exact FIR response.
TEST_P(EveryBackend, RealisedMagnitudeMatchesDesignedWithinHundredthDb) {
    const std::size_t window = 1u << 15;
    const eq::Bands bands = masteringEq();
    const eq::Design d = eq::designLinearPhase(bands, kRate, shortKernels().eqDesign);
    const std::size_t settle = d.taps().size();
    AudioBuffer in(1, window + 2 * settle, kRate);
    std::vector<std::size_t> bins;
    for (double f = 20.0; f < 23000.0; f *= std::pow(2.0, 1.0 / 3.0)) {
        const auto bin = static_cast<std::size_t>(std::lround(f * window / kRate));
        if (bins.empty() || bin != bins.back()) bins.push_back(bin);
    }
    const double amplitude = 0.5 / static_cast<double>(bins.size());
    for (std::size_t i = 0; i < in.frames(); ++i) {
        double x = 0;
        for (std::size_t k = 0; k < bins.size(); ++k)
            x += amplitude * std::sin(2.0 * std::numbers::pi * static_cast<double>(bins[k] * i) / window + 0.37 * k);
        in.samples[0][i] = static_cast<float>(x);
    }
    const AudioBuffer out = engine().process(in, bands, nullptr, nullptr);
    int checked = 0;
    for (std::size_t k = 0; k < bins.size(); ++k) {
        double re = 0, im = 0, inRe = 0, inIm = 0;
        for (std::size_t i = settle; i < settle + window; ++i) {
            const double phase = 2.0 * std::numbers::pi * static_cast<double>(bins[k] * i) / window;
            re += out.samples[0][i] * std::cos(phase);
            im += out.samples[0][i] * std::sin(phase);
            inRe += in.samples[0][i] * std::cos(phase);
            inIm += in.samples[0][i] * std::sin(phase);
        }
        const double freqHz = static_cast<double>(bins[k]) * kRate / window;
        const double predicted = d.predictedGainDb(freqHz);
        if (predicted < -60.0) continue;  // the issue skips points below −60 dB
        const double realised = 20.0 * std::log10(std::hypot(re, im) / std::hypot(inRe, inIm));
        // 0.01 dB: the bar for realised versus predicted.
        EXPECT_NEAR(realised, predicted, 0.01) << "at " << freqHz << " Hz";
        ++checked;
    }
    EXPECT_GT(checked, 25);
}

TEST_P(EveryBackend, IrLongerThanTheTrackRendersTheWholeTail) {
    const AudioBuffer in = test::musicLikeNoise(2, 4800, kRate, 5);
    const AudioBuffer ir = test::syntheticIr(2, 24000, kRate, 0.4, 6);
    const auto params = room();
    const Kernel k = engine().makeKernel(kRate, 2, masteringEq(), &params, &ir);
    const AudioBuffer out = engine().process(in, k);
    const std::size_t predelay = static_cast<std::size_t>(std::lround(0.003 * kRate));
    EXPECT_EQ(out.frames(), in.frames() + predelay + ir.frames() - 1);
    EXPECT_LT(nullDb(out, convolveReference(in, k)), kNullDb);
}

TEST_P(EveryBackend, MonoTrackStaysMono) {
    const AudioBuffer in = test::musicLikeNoise(1, 9000, kRate, 7);
    const AudioBuffer ir = test::syntheticIr(2, 4800, kRate, 0.1, 8);
    const auto params = room();
    const Kernel k = engine().makeKernel(kRate, 1, masteringEq(), &params, &ir);
    const AudioBuffer out = engine().process(in, k);
    EXPECT_EQ(out.channels(), 1);
    EXPECT_LT(nullDb(out, convolveReference(in, k)), kNullDb);
}

INSTANTIATE_TEST_SUITE_P(Backends, EveryBackend, ::testing::Values("vulkan", "cpu", "double"));

// ---------------------------------------------------------------------------------------------

TEST(ConvolutionEngine, DoubleTwinDoesNotDependOnFftSize) {
    const AudioBuffer in = test::musicLikeNoise(2, 30000, kRate, 9);
    const AudioBuffer ir = test::syntheticIr(2, 4800, kRate, 0.1, 10);
    const auto params = room();
    const Kernel k = twinEngine().makeKernel(kRate, 2, masteringEq(), &params, &ir);
    const auto a = convolveReference(in, k);  // automatic size
    AudioBuffer b(2, a[0].size(), kRate);
    for (std::size_t n : {std::size_t{16384}, std::size_t{131072}}) {
        const auto r = convolveReference(in, k, n);
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < r[0].size(); ++i) b.samples[c][i] = static_cast<float>(r[c][i]);
        // Double rounding differs between sizes only near 1e-16; storing b as float limits this
        // comparison to float resolution (−140 dB and below), far under the −100 dB bar.
        EXPECT_LT(nullDb(b, a), -130.0) << "fft " << n;
    }
}

TEST(ConvolutionEngine, CpuResultDoesNotDependOnFftSize) {
    const AudioBuffer in = test::musicLikeNoise(2, 30000, kRate, 11);
    const AudioBuffer ir = test::syntheticIr(2, 4800, kRate, 0.1, 12);
    const auto params = room();
    const Kernel k = cpuEngine().makeKernel(kRate, 2, masteringEq(), &params, &ir);
    const auto ref = convolveReference(in, k);
    for (std::size_t n : {std::size_t{16384}, std::size_t{65536}}) {
        EngineOptions o = shortKernels();
        o.fftFrames = n;
        o.cpuThreads = 3;
        auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, o);
        EXPECT_LT(nullDb(engine->process(in, k), ref), kNullDb) << "fft " << n;
    }
}

TEST(ConvolutionEngine, VulkanResultDoesNotDependOnBlockOrBatchSize) {
    LACQUER_NEED_VULKAN();
    // 16384-point FFTs with a ~13.6k-frame kernel: hops of ~2.8k frames, so the 1.5 s track spans
    // 27 blocks; a 1-byte batch budget makes every block its own GPU batch (many batches, both
    // staging buffers in turn), the default budget batches them all.
    const AudioBuffer in = test::musicLikeNoise(2, 72000, kRate, 13);
    const AudioBuffer ir = test::syntheticIr(2, 5300, kRate, 0.1, 14);
    const auto params = room();
    const Kernel k = cpuEngine().makeKernel(kRate, 2, masteringEq(), &params, &ir);
    const auto ref = convolveReference(in, k);
    for (std::size_t batchBytes : {std::size_t{1}, std::size_t{0}}) {
        EngineOptions o = shortKernels();
        o.fftFrames = 16384;
        o.gpuBatchBytes = batchBytes;
        auto engine = test::makeVulkanEngine(o);
        const double db = nullDb(engine->process(in, k), ref);
        std::printf("[ figure ] vulkan null, fft 16384, batch budget %zu: %.1f dB\n", batchBytes, db);
        EXPECT_LT(db, kNullDb) << "batch budget " << batchBytes;
    }
    test::expectNoValidationMessages();
}

TEST(ConvolutionEngine, KernelCacheFollowsChangesToTheChainAndIr) {
    // process() reuses the last kernel while the chain is the same; every change must show.
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, shortKernels());
    const AudioBuffer in = test::musicLikeNoise(2, 20000, kRate, 15);
    AudioBuffer ir = test::syntheticIr(2, 2000, kRate, 0.05, 16);
    auto params = room();
    auto fresh = [&](const eq::Bands& bands) {
        return Engine::create({DeviceRequest::Mode::Cpu, -1}, shortKernels())->process(in, bands, &params, &ir);
    };
    EXPECT_EQ(engine->process(in, masteringEq(), &params, &ir).samples, fresh(masteringEq()).samples);
    EXPECT_EQ(engine->process(in, masteringEq(), &params, &ir).samples, fresh(masteringEq()).samples);
    eq::Bands other = masteringEq();
    other[2].gainDb = -2.0;
    EXPECT_EQ(engine->process(in, other, &params, &ir).samples, fresh(other).samples);
    params.mix = 0.3;
    EXPECT_EQ(engine->process(in, other, &params, &ir).samples, fresh(other).samples);
    ir.samples[1][100] += 0.25f;  // same buffer, new content
    EXPECT_EQ(engine->process(in, other, &params, &ir).samples, fresh(other).samples);
}

TEST(ConvolutionEngine, AutoPicksVulkanOnlyForARealGpu) {
    auto engine = Engine::create({DeviceRequest::Mode::Auto, -1});
    int index = -1;
    try {
        index = gpu::autoDeviceIndex(gpu::listDevices());
    } catch (const Error&) {
    }
    EXPECT_EQ(engine->backendName(), index >= 0 ? "vulkan" : "cpu-fftw-float");
}

TEST(ConvolutionEngine, BadVulkanIndexIsADeviceError) {
    LACQUER_NEED_VULKAN();
    try {
        Engine::create({DeviceRequest::Mode::Vulkan, 99});
        FAIL() << "no error for device 99";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Device);
    }
}

}  // namespace
}  // namespace lacquer::convolution
