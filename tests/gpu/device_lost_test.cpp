// SPDX-License-Identifier: GPL-3.0-or-later
// A Vulkan device lost in the middle of a track (VK_ERROR_DEVICE_LOST). lavapipe cannot really lose
// its device, so the loss comes from the documented fault seam: an engine created while
// LACQUER_FAULT=device-lost is set loses its device at the first fence wait of its first
// convolution. Auto's policy redoes the track on the CPU with one warning; an explicit device fails.
// (No Vulkan device at all: Faults.WithoutAnyVulkanDevice* in tests/hostile/faults_test.cpp and
// ConvolutionEngine.AutoPicksVulkanOnlyForARealGpu.)
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cstdlib>
#include <fstream>

#include "convolution/engines.hpp"
#include "lacquer/convolution/engine.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer::convolution {
namespace {

namespace fs = std::filesystem;
using Lost = DeviceRequest::OnDeviceLost;

EngineOptions shortKernels() {
    EngineOptions o;
    o.eqDesign.taps = 4095;  // short kernels: lavapipe runs this quickly; the length is not the point
    return o;
}

eq::Bands someEq() {
    eq::Band b;
    b.type = eq::BandType::Bell;
    b.freqHz = 1000;
    b.gainDb = -4.0;
    b.q = 1.0;
    return {b};
}

// A Vulkan engine on the default device (lavapipe here) that loses it, with the given policy.
std::unique_ptr<Engine> engineThatLosesItsDevice(Lost policy) {
    test::enableValidation();
    setenv("LACQUER_FAULT", "device-lost", 1);
    auto engine = Engine::create({DeviceRequest::Mode::Vulkan, -1, policy}, shortKernels());
    unsetenv("LACQUER_FAULT");  // read at creation: later engines are unaffected
    return engine;
}

TEST(DeviceLost, UnderAutosPolicyTheTrackIsRedoneOnTheCpuWithOneWarning) {
    LACQUER_NEED_VULKAN();
    auto engine = engineThatLosesItsDevice(Lost::FallBackToCpu);
    const std::string gpuName = engine->deviceName();
    EXPECT_EQ(engine->backendName(), "vulkan");
    auto cpu = Engine::create({DeviceRequest::Mode::Cpu, -1}, shortKernels());
    const auto first = test::musicLikeNoise(2, 96000, 48000, 1);
    const auto second = test::musicLikeNoise(2, 48000, 48000, 2);

    ::testing::internal::CaptureStderr();
    const auto out1 = engine->process(first, someEq(), nullptr, nullptr);
    const auto out2 = engine->process(second, someEq(), nullptr, nullptr);
    const std::string err = ::testing::internal::GetCapturedStderr();

    // Exact: the fallback is the same FFTW float backend with the same options and plans.
    EXPECT_EQ(out1.samples, cpu->process(first, someEq(), nullptr, nullptr).samples);
    EXPECT_EQ(out2.samples, cpu->process(second, someEq(), nullptr, nullptr).samples);
    EXPECT_EQ(
        err,
        "warning: --device auto: device '" + gpuName +
            "' lost (LACQUER_FAULT=device-lost: ErrorDeviceLost); continuing on the CPU backend (FFTW)\n");
    EXPECT_EQ(engine->backendName(), "cpu-fftw-float");
    EXPECT_EQ(engine->deviceName(), cpu->deviceName() + " after losing Vulkan device '" + gpuName + "'");
    test::expectNoValidationMessages();
}

TEST(DeviceLost, AnExplicitDeviceFailsSayingToRerunOnTheCpu) {
    LACQUER_NEED_VULKAN();
    auto engine = engineThatLosesItsDevice(Lost::Default);  // Mode::Vulkan's default is Fail
    const std::string gpuName = engine->deviceName();
    try {
        engine->process(test::musicLikeNoise(2, 48000, 48000, 1), someEq(), nullptr, nullptr);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Device);
        EXPECT_EQ(e.diagnostics().front().line(),
                  "vulkan: device '" + gpuName +
                      "' lost (LACQUER_FAULT=device-lost: ErrorDeviceLost) — rerun with --device cpu");
    }
    EXPECT_EQ(engine->backendName(), "vulkan");
}

TEST(DeviceLost, WithoutTheFaultTheVulkanEngineKeepsItsDevice) {
    LACQUER_NEED_VULKAN();
    test::enableValidation();
    unsetenv("LACQUER_FAULT");
    auto engine = Engine::create({DeviceRequest::Mode::Vulkan, -1, Lost::FallBackToCpu}, shortKernels());
    ::testing::internal::CaptureStderr();
    engine->process(test::musicLikeNoise(2, 48000, 48000, 1), someEq(), nullptr, nullptr);
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(engine->backendName(), "vulkan");
}

TEST(DeviceLost, AnExplicitDeviceLostMidRenderIsExitThreeAndWritesNothing) {
    LACQUER_NEED_VULKAN();
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/a.wav", test::musicNoise(3.0, 48000, 2, 1),
                     SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml")
        << "lacquer: 1\nalbum: { title: Lost, artist: Tester }\nprocessing: { sample_rate: 48000 }\n"
           "chain: { eq: [ { type: bell, freq_hz: 1000, gain_db: -3, q: 1 } ] }\n"
           "tracks:\n  - { file: mixes/a.wav, title: Alpha }\n"
           "variants:\n  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";
    std::string out;
    const int rc = test::runCommand("LACQUER_FAULT=device-lost " + test::cliPath().string() + " render '" +
                                        (dir / "album.yaml").string() + "' --out '" + (dir / "out").string() +
                                        "' --device 0",
                                    &out);
    EXPECT_EQ(rc, 3) << out;
    EXPECT_NE(out.find("error: vulkan: device '"), std::string::npos) << out;
    EXPECT_NE(out.find("' lost (LACQUER_FAULT=device-lost: ErrorDeviceLost) — rerun with --device cpu\n"),
              std::string::npos)
        << out;
    std::vector<std::string> files;
    if (fs::exists(dir / "out"))
        for (const auto& e : fs::recursive_directory_iterator(dir / "out"))
            if (e.is_regular_file() && e.path().filename() != ".lacquer.lock")
                files.push_back(e.path().string());
    EXPECT_EQ(files, std::vector<std::string>{});
}

}  // namespace
}  // namespace lacquer::convolution
