// SPDX-License-Identifier: GPL-3.0-or-later
// The noise reducer on the Vulkan device: one command buffer per batch (recorded once): staging →
// work, VkFFT forward (batched over frames × channels), the gain recursion
// (shaders/denoise_gain.comp), smoothing + floor + multiply (shaders/denoise_apply.comp), VkFFT
// inverse, work → staging. The gain state stays on the device between batches.
#include <array>
#include <cstring>

#include "denoise/engine.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/gpu/context.hpp"
#include "lacquer/gpu/fft_plan.hpp"

namespace lacquer::denoise::detail {
namespace {

constexpr std::uint32_t kGainSpv[] =
#include "shaders/denoise_gain.spv.inc"
    ;
constexpr std::uint32_t kApplySpv[] =
#include "shaders/denoise_apply.spv.inc"
    ;

struct GainPush {
    std::uint32_t bins, frames, channels, rowComplex;
    float alpha;
};
struct ApplyPush {
    std::uint32_t bins, rows, rowComplex;
    float floorGain;
};

class VulkanEngine final : public Engine<float> {
public:
    VulkanEngine(const Setup& s, int deviceIndex)
        : s_(s),
          bins_(s.n / 2 + 1),
          rows_(s.batchFrames * s.channels),
          context_(gpu::ContextOptions{deviceIndex, gpu::Validation::FromEnvironment}),
          gainKernel_(context_, kGainSpv, 4, sizeof(GainPush)),
          applyKernel_(context_, kApplySpv, 2, sizeof(ApplyPush)),
          work_(context_, rows_ * gpu::FftPlan::rowFloats(s.n) * sizeof(float), gpu::Memory::Device),
          staging_(context_, work_.bytes(), gpu::Memory::Readback),
          noise_(context_, bins_ * sizeof(float), gpu::Memory::Upload),
          state_(context_, s.channels * bins_ * sizeof(float), gpu::Memory::Upload),
          gains_(context_, rows_ * bins_ * sizeof(float), gpu::Memory::Device),
          plan_(std::make_unique<gpu::FftPlan>(context_, s.n, rows_, work_)),
          fence_(context_.createFence()) {
        for (std::size_t k = 0; k < bins_; ++k) noise_.floats()[k] = static_cast<float>(s.noise[k]);
        for (std::size_t i = 0; i < s.channels * bins_; ++i) state_.floats()[i] = -1.0f;
        std::memset(staging_.mapped(), 0, staging_.bytes());
        const std::array<const gpu::Buffer*, 4> gainBound{&work_, &noise_, &state_, &gains_};
        gainSet_ = gainKernel_.bind(gainBound);
        const std::array<const gpu::Buffer*, 2> applyBound{&work_, &gains_};
        applySet_ = applyKernel_.bind(applyBound);
    }
    ~VulkanEngine() override {
        try {
            context_.device().waitIdle();
        } catch (const vk::SystemError&) {
        }
    }

    float* rows() override { return staging_.floats(); }
    std::size_t rowStride() const override { return gpu::FftPlan::rowFloats(s_.n); }
    std::string name() const override { return "vulkan"; }

    void run(std::size_t frames) override {
        try {
            auto& cmd = commandsFor(frames);
            context_.submit(cmd, fence_);
            context_.wait(fence_);
        } catch (const vk::SystemError& e) {
            throw Error(ErrorKind::Device, "vulkan", std::string("noise reduction failed: ") + e.what(), "render with --device cpu");
        }
    }

private:
    // Recorded once per frame count (full batches, and the last partial one).
    vk::raii::CommandBuffer& commandsFor(std::size_t frames) {
        for (auto& [f, c] : commands_)
            if (f == frames) return c;
        auto& [f, cmd] = commands_.emplace_back(frames, context_.allocateCommandBuffer());
        cmd.begin(vk::CommandBufferBeginInfo{});
        gpu::recordBarrier(cmd);
        cmd.copyBuffer(*staging_.handle(), *work_.handle(), vk::BufferCopy{0, 0, work_.bytes()});
        gpu::recordBarrier(cmd);
        plan_->recordForward(cmd);
        gpu::recordBarrier(cmd);
        const auto rowComplex = static_cast<std::uint32_t>(gpu::FftPlan::rowFloats(s_.n) / 2);
        const GainPush gp{static_cast<std::uint32_t>(bins_), static_cast<std::uint32_t>(frames),
                          static_cast<std::uint32_t>(s_.channels), rowComplex, static_cast<float>(s_.alpha)};
        gainKernel_.record(cmd, gainSet_, std::as_bytes(std::span(&gp, 1)),
                           static_cast<std::uint32_t>((s_.channels * bins_ + 63) / 64));
        gpu::recordBarrier(cmd);
        const ApplyPush ap{static_cast<std::uint32_t>(bins_), static_cast<std::uint32_t>(frames * s_.channels), rowComplex,
                           static_cast<float>(s_.floorGain)};
        applyKernel_.record(cmd, applySet_, std::as_bytes(std::span(&ap, 1)),
                            static_cast<std::uint32_t>(std::min<std::size_t>((frames * s_.channels * bins_ + 255) / 256, 65535)));
        gpu::recordBarrier(cmd);
        plan_->recordInverse(cmd);
        gpu::recordBarrier(cmd);
        cmd.copyBuffer(*work_.handle(), *staging_.handle(), vk::BufferCopy{0, 0, work_.bytes()});
        vk::MemoryBarrier toHost{vk::AccessFlagBits::eTransferWrite, vk::AccessFlagBits::eHostRead};
        cmd.pipelineBarrier(vk::PipelineStageFlagBits::eTransfer, vk::PipelineStageFlagBits::eHost, {}, toHost, {}, {});
        cmd.end();
        (void)f;
        return cmd;
    }

    Setup s_;
    std::size_t bins_, rows_;
    // Creation order; destroyed backwards (sets and command buffers before kernels, buffers and context).
    gpu::Context context_;
    gpu::Kernel gainKernel_, applyKernel_;
    gpu::Buffer work_, staging_, noise_, state_, gains_;
    std::unique_ptr<gpu::FftPlan> plan_;
    vk::raii::Fence fence_;
    vk::raii::DescriptorSet gainSet_{nullptr}, applySet_{nullptr};
    std::vector<std::pair<std::size_t, vk::raii::CommandBuffer>> commands_;
};

}  // namespace

std::unique_ptr<Engine<float>> makeVulkanEngine(const Setup& setup, int deviceIndex) {
    try {
        return std::make_unique<VulkanEngine>(setup, deviceIndex);
    } catch (const vk::SystemError& e) {
        throw Error(ErrorKind::Device, "vulkan", std::string("noise reduction cannot start: ") + e.what(), "render with --device cpu");
    }
}

}  // namespace lacquer::denoise::detail
