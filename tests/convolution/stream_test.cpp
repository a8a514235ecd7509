// SPDX-License-Identifier: GPL-3.0-or-later
// convolution::Stream: a track pushed in blocks through the engine's overlap-save, a few blocks
// at a time, against the whole-track process() (the FFTW backends: the same blocks, the same
// arithmetic, so the same samples) and against the double twin (Vulkan).
#include <gtest/gtest.h>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"

namespace lacquer::convolution {
namespace {

using test::nullDb;

constexpr double kRate = 48000.0;

eq::Bands someEq() {
    eq::Band shelf;
    shelf.type = eq::BandType::LowShelf;
    shelf.freqHz = 150;
    shelf.gainDb = 2.5;
    eq::Band bell;
    bell.type = eq::BandType::Bell;
    bell.freqHz = 3000;
    bell.gainDb = -2.0;
    bell.q = 1.2;
    return {shelf, bell};
}

// Short kernels and 16384-point FFTs: hops of a few thousand frames, so a second of audio spans
// many blocks and every stream below runs many segments.
EngineOptions smallBlocks() {
    EngineOptions o;
    o.eqDesign.taps = 4095;
    o.fftFrames = 16384;
    o.cpuThreads = 2;
    return o;
}

reverb::Params room() {
    reverb::Params p;
    p.mix = 0.25;
    p.predelayMs = 5.0;
    return p;
}

AudioBuffer streamThrough(Engine& engine, const Kernel& k, const AudioBuffer& in, std::size_t pushFrames) {
    Stream stream(engine, k, in.channels(), in.sampleRateHz, in.frames());
    AudioBuffer out(in.channels(), 0, in.sampleRateHz);
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c)
            out.samples[static_cast<std::size_t>(c)].insert(out.samples[static_cast<std::size_t>(c)].end(), b.channel(c),
                                                            b.channel(c) + b.frames);
    };
    AudioBuffer copy = in;
    for (std::size_t at = 0; at < in.frames(); at += pushFrames)
        stream.push(copy.view().slice(at, std::min(pushFrames, in.frames() - at)), sink);
    stream.finish(sink);
    EXPECT_EQ(out.frames(), stream.outputFrames());
    return out;
}

TEST(ConvolutionStream, OnTheCpuBackendsItIsProcessSampleForSampleWhateverThePushes) {
    const AudioBuffer in = test::musicLikeNoise(2, 150000, kRate, 31);
    const AudioBuffer ir = test::syntheticIr(2, 30000, kRate, 0.4, 32);  // a tail longer than a segment's hop
    const auto params = room();
    for (auto mode : {DeviceRequest::Mode::Cpu, DeviceRequest::Mode::CpuDouble}) {
        auto engine = Engine::create({mode, -1}, smallBlocks());
        const Kernel k = engine->makeKernel(kRate, 2, someEq(), &params, &ir);
        const AudioBuffer whole = engine->process(in, k);
        ASSERT_GT(k.lengthFrames(), 30000u);
        for (std::size_t push : {std::size_t{1000}, std::size_t{65536}, in.frames()}) {
            const AudioBuffer streamed = streamThrough(*engine, k, in, push);
            ASSERT_EQ(streamed.frames(), whole.frames());
            // Exact: each block is gathered, transformed and multiplied as in process().
            EXPECT_EQ(streamed.samples, whole.samples) << engine->backendName() << " push " << push;
        }
    }
}

TEST(ConvolutionStream, ATrackShorterThanTheKernelAndAMonoTrackStream) {
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks());
    const AudioBuffer ir = test::syntheticIr(1, 9000, kRate, 0.2, 33);
    const auto params = room();
    for (std::size_t frames : {std::size_t{10}, std::size_t{3000}, std::size_t{40000}}) {
        const AudioBuffer in = test::musicLikeNoise(1, frames, kRate, 34);
        const Kernel k = engine->makeKernel(kRate, 1, someEq(), &params, &ir);
        // Exact, as above.
        EXPECT_EQ(streamThrough(*engine, k, in, 777).samples, engine->process(in, k).samples) << frames;
    }
}

TEST(ConvolutionStream, MissingInputReadsAsSilenceAndAnIdentityKernelPassesThrough) {
    auto engine = Engine::create({DeviceRequest::Mode::Cpu, -1}, smallBlocks());
    const AudioBuffer in = test::musicLikeNoise(2, 20000, kRate, 35);
    const Kernel k = engine->makeKernel(kRate, 2, someEq(), nullptr, nullptr);
    // Announce 30000 frames, push 20000: the stream pads the rest with silence.
    AudioBuffer padded = in;
    padded.resize(30000);
    Stream stream(*engine, k, 2, kRate, 30000);
    std::size_t made = 0;
    AudioBuffer out(2, k.outputFrames(30000), kRate);
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < 2; ++c) std::copy_n(b.channel(c), b.frames, out.samples[static_cast<std::size_t>(c)].data() + made);
        made += b.frames;
    };
    AudioBuffer copy = in;
    stream.push(copy.view(), sink);
    stream.finish(sink);
    ASSERT_EQ(made, out.frames());
    // Exact, as above.
    EXPECT_EQ(out.samples, engine->process(padded, k).samples);

    const Kernel identity = engine->makeKernel(kRate, 2, {}, nullptr, nullptr);
    ASSERT_TRUE(identity.isIdentity());
    // Exact: nothing is computed.
    EXPECT_EQ(streamThrough(*engine, identity, in, 3000).samples, engine->process(in, identity).samples);
}

TEST(ConvolutionStream, OnVulkanItNullsAgainstTheDoubleTwin) {
    LACQUER_NEED_VULKAN();
    EngineOptions o = smallBlocks();
    o.gpuBatchBytes = 1;  // one block per GPU batch: a segment is 2 batches, so many segments
    auto engine = test::makeVulkanEngine(o);
    const AudioBuffer in = test::musicLikeNoise(2, 60000, kRate, 36);
    const AudioBuffer ir = test::syntheticIr(2, 6000, kRate, 0.2, 37);
    const auto params = room();
    const Kernel k = engine->makeKernel(kRate, 2, someEq(), &params, &ir);
    const double db = nullDb(streamThrough(*engine, k, in, 5000), convolveReference(in, k));
    std::printf("[ figure ] vulkan stream null against the double twin: %.1f dB\n", db);
    // The bar for float32 FFT convolution against the double twin.
    EXPECT_LT(db, -100.0);
    test::expectNoValidationMessages();
}

}  // namespace
}  // namespace lacquer::convolution
