// SPDX-License-Identifier: GPL-3.0-or-later
// The noise reducer on the Vulkan device: one command buffer per batch (recorded once): staging →
// work, VkFFT forward (batched over frames × channels), the gain recursion
// (shaders/denoise_gain.comp), smoothing + floor + multiply (shaders/denoise_apply.comp), VkFFT
// inverse, work → staging. The gain state stays on the device between batches; a host copy of it
// after each batch lets a lost device's track continue on the CPU (denoise.cpp).
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>

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
    VulkanEngine(const Setup& s, const Vulkan& vulkan)
        : s_(s),
          bins_(s.n / 2 + 1),
          rows_(s.batchFrames * s.channels),
          owned_(vulkan.shared ? nullptr
                               : std::make_unique<gpu::Context>(gpu::ContextOptions{vulkan.index, gpu::Validation::FromEnvironment})),
          context_(vulkan.shared ? *vulkan.shared : *owned_),
          pool_(context_.createCommandPool()),
          gainKernel_(context_, kGainSpv, 4, sizeof(GainPush)),
          applyKernel_(context_, kApplySpv, 2, sizeof(ApplyPush)),
          work_(context_, rows_ * gpu::FftPlan::rowFloats(s.n) * sizeof(float), gpu::Memory::Device),
          staging_(context_, work_.bytes(), gpu::Memory::Readback),
          noise_(context_, bins_ * sizeof(float), gpu::Memory::Upload),
          state_(context_, s.channels * bins_ * sizeof(float), gpu::Memory::Upload),
          gains_(context_, rows_ * bins_ * sizeof(float), gpu::Memory::Device),
          plan_(std::make_unique<gpu::FftPlan>(context_, s.n, rows_, work_, &pool_)),
          fence_(context_.createFence()),
          saved_(s.channels * bins_, -1.0f),
          injectDeviceLost_(faultRequested()) {
        for (std::size_t k = 0; k < bins_; ++k) noise_.floats()[k] = static_cast<float>(s.noise[k]);
        setState(saved_);
        std::memset(staging_.mapped(), 0, staging_.bytes());
        const std::array<const gpu::Buffer*, 4> gainBound{&work_, &noise_, &state_, &gains_};
        gainSet_ = gainKernel_.bind(gainBound);
        const std::array<const gpu::Buffer*, 2> applyBound{&work_, &gains_};
        applySet_ = applyKernel_.bind(applyBound);
    }
    ~VulkanEngine() override {
        // Only this engine's own submission can be pending (run() waits for it; an exception may
        // leave it): wait for that, not for the whole shared device. A lost device answers at once.
        if (!inFlight_) return;
        try {
            (void)context_.device().waitForFences(*fence_, VK_TRUE, UINT64_MAX);
        } catch (const vk::SystemError&) {
        }
    }

    float* rows() override { return staging_.floats(); }
    std::size_t rowStride() const override { return gpu::FftPlan::rowFloats(s_.n); }
    std::string name() const override { return "vulkan"; }
    std::vector<float> state() const override { return saved_; }
    void setState(const std::vector<float>& state) override {
        saved_ = state;
        std::copy(state.begin(), state.end(), state_.floats());
    }

    void run(std::size_t frames) override {
        try {
            auto& cmd = commandsFor(frames);
            context_.submit(cmd, fence_);
            inFlight_ = true;
            if (injectDeviceLost_ && ++runs_ == 2) {
                injectDeviceLost_ = false;
                throw vk::DeviceLostError("LACQUER_FAULT=denoise-device-lost");
            }
            context_.wait(fence_);
            inFlight_ = false;
        } catch (const vk::DeviceLostError& e) {
            throw DeviceLost{context_.info().name, e.what()};
        } catch (const vk::SystemError& e) {
            throw Error(ErrorKind::Device, "vulkan", std::string("noise reduction failed: ") + e.what(), "render with --device cpu");
        } catch (const Error& e) {
            // Our wrappers turn VkResults into Error(Device); ask the device whether it is gone.
            if (context_.deviceLost()) throw DeviceLost{context_.info().name, e.diagnostics().front().what};
            throw;
        }
        std::copy_n(state_.floats(), saved_.size(), saved_.data());
    }

private:
    // Recorded once per frame count (full batches, and the last partial one).
    vk::raii::CommandBuffer& commandsFor(std::size_t frames) {
        for (auto& [f, c] : commands_)
            if (f == frames) return c;
        auto& [f, cmd] = commands_.emplace_back(frames, context_.allocateCommandBuffer(pool_));
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

    static bool faultRequested() {
        const char* v = std::getenv("LACQUER_FAULT");
        return v != nullptr && std::string_view(v) == "denoise-device-lost";
    }

    Setup s_;
    std::size_t bins_, rows_;
    // Creation order; destroyed backwards (sets and command buffers before kernels, buffers, the
    // pool and the context, when it is the engine's own).
    std::unique_ptr<gpu::Context> owned_;
    gpu::Context& context_;
    vk::raii::CommandPool pool_;  // this engine's: the context's own pool belongs to its owner
    gpu::Kernel gainKernel_, applyKernel_;
    gpu::Buffer work_, staging_, noise_, state_, gains_;
    std::unique_ptr<gpu::FftPlan> plan_;
    vk::raii::Fence fence_;
    vk::raii::DescriptorSet gainSet_{nullptr}, applySet_{nullptr};
    std::vector<std::pair<std::size_t, vk::raii::CommandBuffer>> commands_;
    std::vector<float> saved_;  // state_ after the last completed batch
    bool inFlight_ = false;
    // LACQUER_FAULT=denoise-device-lost: the second batch reports a lost device (so that a fallback
    // carries the first batch's state over).
    bool injectDeviceLost_;
    int runs_ = 0;
};

}  // namespace

std::unique_ptr<Engine<float>> makeVulkanEngine(const Setup& setup, const Vulkan& vulkan) {
    try {
        return std::make_unique<VulkanEngine>(setup, vulkan);
    } catch (const vk::SystemError& e) {
        throw Error(ErrorKind::Device, "vulkan", std::string("noise reduction cannot start: ") + e.what(), "render with --device cpu");
    }
}

}  // namespace lacquer::denoise::detail
