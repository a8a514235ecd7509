// SPDX-License-Identifier: GPL-3.0-or-later
// The CPU (FFTW float) backend's determinism: the same input and kernel give the same bits
// whatever the worker count, call order or buffers kept from earlier calls.
#include <gtest/gtest.h>

#include <cstdio>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"

namespace lacquer::convolution {
namespace {

constexpr double kRate = 48000.0;

eq::Bands twoBands() {
    eq::Bands b(2);
    b[0] = {eq::BandType::LowShelf, 150.0, 2.0, 0.707, 12.0};
    b[1] = {eq::BandType::Bell, 3000.0, -2.0, 1.2, 12.0};
    return b;
}

// 8191-tap EQ ⊛ (dry + 0.1 s wet) ≈ 13k taps in FFTs of 16384: hops of about 3.4k frames, so a
// 30000-frame track is ten blocks per channel, shared between the workers.
EngineOptions smallBlocks(int threads) {
    EngineOptions o;
    o.eqDesign.taps = 8191;
    o.fftFrames = 16384;
    o.cpuThreads = threads;
    return o;
}

Kernel roomKernel(Engine& engine, int channels) {
    reverb::Params p;
    p.mix = 0.3;
    p.predelayMs = 2.0;
    const AudioBuffer ir = test::syntheticIr(channels, 4800, kRate, 0.1, 21);
    return engine.makeKernel(kRate, channels, twoBands(), &p, &ir);
}

void expectBitIdentical(const AudioBuffer& a, const AudioBuffer& b, const char* what) {
    ASSERT_EQ(a.channels(), b.channels()) << what;
    for (std::size_t c = 0; c < a.samples.size(); ++c) {
        ASSERT_EQ(a.samples[c].size(), b.samples[c].size()) << what;
        std::size_t differing = 0;
        for (std::size_t i = 0; i < a.samples[c].size(); ++i) differing += a.samples[c][i] != b.samples[c][i];
        EXPECT_EQ(differing, 0u) << what << ", channel " << c;
    }
}

TEST(CpuBackend, OutputIsBitIdenticalForAnyWorkerCount) {
    auto one = Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks(1));
    const Kernel k = roomKernel(*one, 2);
    const AudioBuffer in = test::musicLikeNoise(2, 30000, kRate, 22);
    const AudioBuffer ref = one->process(in, k);
    for (int threads : {2, 3, 8}) {
        auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks(threads));
        expectBitIdentical(engine->process(in, k), ref, "threads");
    }
}

TEST(CpuBackend, OutputIsBitIdenticalAcrossCallsOnOneEngine) {
    // Work buffers and kernel spectra are kept between calls: a long stereo track, a short one, a
    // mono one with its own kernel, then the first again must each match a fresh engine's result.
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks(2));
    const Kernel stereo = roomKernel(*engine, 2);
    const Kernel mono = roomKernel(*engine, 1);
    const AudioBuffer longTrack = test::musicLikeNoise(2, 30000, kRate, 23);
    const AudioBuffer shortTrack = test::musicLikeNoise(2, 5000, kRate, 24);
    const AudioBuffer monoTrack = test::musicLikeNoise(1, 20000, kRate, 25);
    const auto fresh = [](const AudioBuffer& in, const Kernel& k) {
        return Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks(2))->process(in, k);
    };
    const AudioBuffer first = engine->process(longTrack, stereo);
    expectBitIdentical(first, fresh(longTrack, stereo), "long");
    expectBitIdentical(engine->process(shortTrack, stereo), fresh(shortTrack, stereo), "short");
    expectBitIdentical(engine->process(monoTrack, mono), fresh(monoTrack, mono), "mono");
    expectBitIdentical(engine->process(longTrack, stereo), first, "long again");
}

TEST(CpuBackend, OutputIsBitIdenticalWhenTheFftSizeChangesBetweenCalls) {
    // Automatic sizes: a 0.1 s and a 1 s wet tail need different FFT sizes, so the engine switches
    // sizes (and frees the other size's work arrays) between calls.
    EngineOptions o;
    o.eqDesign.taps = 8191;
    o.cpuThreads = 2;
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, o);
    reverb::Params p;
    p.mix = 0.3;
    const AudioBuffer shortIr = test::syntheticIr(2, 4800, kRate, 0.1, 28);
    const AudioBuffer longIr = test::syntheticIr(2, 48000, kRate, 0.8, 29);
    const Kernel a = engine->makeKernel(kRate, 2, twoBands(), &p, &shortIr);
    const Kernel b = engine->makeKernel(kRate, 2, twoBands(), &p, &longIr);
    ASSERT_NE(engine->fftFramesFor(a), engine->fftFramesFor(b));
    const AudioBuffer in = test::musicLikeNoise(2, 40000, kRate, 30);
    const AudioBuffer first = engine->process(in, a);
    const AudioBuffer other = engine->process(in, b);
    expectBitIdentical(engine->process(in, a), first, "a after b");
    expectBitIdentical(other, Engine::create({DeviceRequest::Mode::Cpu, -1}, o)->process(in, b), "b");
}

TEST(CpuBackend, NullsAgainstDoubleTwinWithABenchmarkSizedKernel) {
    // The benchmark's shape at 96 kHz (automatic EQ taps, 3 s IR: about 420k taps, so the
    // automatic size is one of the table's largest) on a 3 s track, against the double twin.
    constexpr double rate = 96000.0;
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1});
    eq::Bands bands(2);
    bands[0] = {eq::BandType::Highpass, 25.0, 0.0, 0.707, 24.0};
    bands[1] = {eq::BandType::Bell, 3200.0, -1.0, 1.4, 12.0};
    reverb::Params p;
    p.mix = 0.1;
    p.predelayMs = 10.0;
    const AudioBuffer ir = test::syntheticIr(2, static_cast<std::size_t>(3.0 * rate), rate, 2.5, 26);
    const Kernel k = engine->makeKernel(rate, 2, bands, &p, &ir);
    ASSERT_GT(k.lengthFrames(), 300000u);
    const AudioBuffer in = test::musicLikeNoise(2, static_cast<std::size_t>(3.0 * rate), rate, 27);
    const double db = test::nullDb(engine->process(in, k), convolveReference(in, k));
    std::printf("[ figure ] cpu null vs twin, %zu-tap kernel, fft %zu: %.1f dB\n", k.lengthFrames(),
                engine->fftFramesFor(k), db);
    EXPECT_LT(db, -100.0);  // the bar for float32 FFT convolution against the double twin
}

TEST(CpuBackend, AutomaticFftSizeHoldsTheKernelForAnyLength) {
    // From a single tap through the benchmark's 420030 taps to past the size table (8192000), where
    // the choice falls back to the generic rule.
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1});
    for (std::size_t k : {1u, 2u, 100u, 8191u, 12991u, 131071u, 420030u, 1000000u, 3000000u, 8200000u}) {
        Kernel kernel;
        kernel.taps.assign(1, std::vector<double>(k, 0.0));
        const std::size_t n = engine->fftFramesFor(kernel);
        EXPECT_GE(n, k + 1) << "kernel " << k;  // at least two output frames per block
        EXPECT_EQ(n % 2, 0u) << "kernel " << k;
    }
}

}  // namespace
}  // namespace lacquer::convolution
