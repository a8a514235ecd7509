// SPDX-License-Identifier: GPL-3.0-or-later
// gpu/: device enumeration, the context with the validation layer, buffers and the VkFFT plan.
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "convolution/engines.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/gpu/context.hpp"
#include "lacquer/gpu/device.hpp"
#include "lacquer/gpu/fft_plan.hpp"

namespace lacquer::gpu {
namespace {

DeviceInfo fake(int index, DeviceType type) {
    DeviceInfo d;
    d.index = index;
    d.type = type;
    d.software = type == DeviceType::Cpu;
    return d;
}

TEST(VulkanDevices, AutoPrefersDiscreteThenIntegratedAndNeverSoftware) {
    EXPECT_EQ(autoDeviceIndex({fake(0, DeviceType::Cpu)}), -1);
    EXPECT_EQ(autoDeviceIndex({fake(0, DeviceType::Cpu), fake(1, DeviceType::Integrated)}), 1);
    EXPECT_EQ(autoDeviceIndex({fake(0, DeviceType::Integrated), fake(1, DeviceType::Discrete)}), 1);
    EXPECT_EQ(autoDeviceIndex({}), -1);
    EXPECT_EQ(defaultVulkanIndex({fake(0, DeviceType::Cpu)}), 0);
    EXPECT_EQ(defaultVulkanIndex({}), -1);
}

TEST(VulkanDevices, ListsEveryDeviceWithNameAndVersion) {
    LACQUER_NEED_VULKAN();
    const auto devices = listDevices();
    ASSERT_FALSE(devices.empty());
    for (std::size_t i = 0; i < devices.size(); ++i) {
        EXPECT_EQ(devices[i].index, static_cast<int>(i));
        EXPECT_FALSE(devices[i].name.empty());
        EXPECT_EQ(devices[i].apiVersion.rfind("1.", 0), 0u) << devices[i].apiVersion;
        std::printf("[ device ] %d: %s (%s%s, Vulkan %s)\n", devices[i].index, devices[i].name.c_str(),
                    toString(devices[i].type), devices[i].software ? ", software" : "", devices[i].apiVersion.c_str());
    }
}

TEST(VulkanContext, BadDeviceIndexIsADeviceError) {
    LACQUER_NEED_VULKAN();
    try {
        Context context(ContextOptions{1000, Validation::Off});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Device);
    }
}

TEST(VulkanContext, ValidationLayerReportsMisuse) {
    LACQUER_NEED_VULKAN();
    Context context(ContextOptions{-1, Validation::On});
    ASSERT_TRUE(context.validationEnabled());
    clearValidationMessages();
    {
        // A buffer with no usage flags breaks VUID-VkBufferCreateInfo-usage-requiredbitmask.
        vk::raii::Buffer bad(context.device(), vk::BufferCreateInfo{{}, 256, {}});
    }
    EXPECT_GT(validationMessageCount(), 0);
    clearValidationMessages();
}

TEST(VulkanContext, EnvironmentTurnsValidationOn) {
    LACQUER_NEED_VULKAN();
    test::enableValidation();
    Context context;
    EXPECT_TRUE(context.validationEnabled());
}

// Uploads rows of x to a device buffer, runs `record`, and reads them back.
std::vector<float> roundTrip(const Context& context, const Buffer& work, const std::vector<float>& x,
                             const std::function<void(const vk::raii::CommandBuffer&)>& record) {
    Buffer staging(context, work.bytes(), Memory::Readback);
    std::copy(x.begin(), x.end(), staging.floats());
    context.submitAndWait([&](const vk::raii::CommandBuffer& cmd) {
        cmd.copyBuffer(*staging.handle(), *work.handle(), vk::BufferCopy{0, 0, work.bytes()});
        recordBarrier(cmd);
        record(cmd);
        recordBarrier(cmd);
        cmd.copyBuffer(*work.handle(), *staging.handle(), vk::BufferCopy{0, 0, work.bytes()});
        cmd.pipelineBarrier(vk::PipelineStageFlagBits::eTransfer, vk::PipelineStageFlagBits::eHost, {},
                            vk::MemoryBarrier{vk::AccessFlagBits::eTransferWrite, vk::AccessFlagBits::eHostRead},
                            {}, {});
    });
    return std::vector<float>(staging.floats(), staging.floats() + x.size());
}

TEST(VkFftPlan, ForwardPutsACosineInItsBinAndInverseScalesByN) {
    LACQUER_NEED_VULKAN();
    test::enableValidation();
    Context context;
    const std::size_t n = 4096, rows = 2, row = FftPlan::rowFloats(n);
    Buffer work(context, rows * row * sizeof(float), Memory::Device);
    FftPlan plan(context, n, rows, work);
    std::vector<float> x(rows * row, 0.0f);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < n; ++i)
            x[r * row + i] = static_cast<float>(std::cos(2.0 * std::numbers::pi * (5.0 + r) * i / n));
    const auto spectrum = roundTrip(context, work, x, [&](const auto& cmd) { plan.recordForward(cmd); });
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t bin = 5 + r;
        // A unit cosine on bin k gives N/2 there (unnormalised FFT); float rounding ≈ 1e-7·N.
        EXPECT_NEAR(spectrum[r * row + 2 * bin], n / 2.0, 1e-2) << "row " << r;
        EXPECT_NEAR(spectrum[r * row + 2 * bin + 2], 0.0, 1e-2) << "row " << r;
    }
    const auto back = roundTrip(context, work, x, [&](const auto& cmd) {
        plan.recordForward(cmd);
        recordBarrier(cmd);
        plan.recordInverse(cmd);
    });
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < n; i += 97)
            // inverse(forward(x)) = N·x; float32 relative error ≈ 1e-6 at N = 4096.
            ASSERT_NEAR(back[r * row + i] / static_cast<double>(n), x[r * row + i], 1e-5) << "row " << r << " i " << i;
    test::expectNoValidationMessages();
}

}  // namespace
}  // namespace lacquer::gpu
