// SPDX-License-Identifier: GPL-3.0-or-later
// The one translation unit that includes VkFFT (a 30k-line header, patched at configure time:
// see cmake/Gpu.cmake).
#include "lacquer/gpu/fft_plan.hpp"

#include <fmt/format.h>

#include "lacquer/common/error.hpp"
#include "lacquer/gpu/context.hpp"

#define VKFFT_BACKEND 0
#include <vkFFT.h>

namespace lacquer::gpu {

struct FftPlan::State {
    // VkFFT stores these addresses in its configuration and reads them at every append: they must
    // not move while the application lives, hence a heap-held State inside an immovable plan.
    VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    VkCommandPool commandPool = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;  // VkFFT's own, used only while it initialises (LUT upload)
    VkBuffer buffer = VK_NULL_HANDLE;
    std::uint64_t bufferBytes = 0;
    VkCommandBuffer recording = VK_NULL_HANDLE;  // the command buffer of the current append
    VkFFTApplication app{};
    bool initialised = false;
};

namespace {

[[noreturn]] void throwVkFft(const char* call, VkFFTResult result, std::size_t frames) {
    throw Error(ErrorKind::Device, "vulkan",
                fmt::format("{} failed for a {}-point FFT: VkFFT error {}", call, frames, static_cast<int>(result)),
                "render with --device cpu");
}

}  // namespace

FftPlan::FftPlan(const Context& context, std::size_t fftFrames, std::size_t rows, const Buffer& buffer,
                 const vk::raii::CommandPool* pool)
    : fftFrames_(fftFrames), rows_(rows), state_(std::make_unique<State>()) {
    State& s = *state_;
    s.physicalDevice = *context.physicalDevice();
    s.device = *context.device();
    s.queue = *context.queue();
    s.commandPool = pool ? **pool : *context.commandPool();
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, nullptr, 0};
    if (vkCreateFence(s.device, &fenceInfo, nullptr, &s.fence) != VK_SUCCESS)
        throw Error(ErrorKind::Device, "vulkan", "vkCreateFence failed", "render with --device cpu");
    s.buffer = *buffer.handle();
    s.bufferBytes = rows * rowFloats(fftFrames) * sizeof(float);

    VkFFTConfiguration config{};
    config.FFTdim = 1;
    config.size[0] = fftFrames;
    config.numberBatches = rows;
    config.performR2C = 1;
    config.physicalDevice = &s.physicalDevice;
    config.device = &s.device;
    config.queue = &s.queue;
    config.commandPool = &s.commandPool;
    config.fence = &s.fence;
    config.buffer = &s.buffer;
    config.bufferSize = &s.bufferBytes;
    VkFFTResult r;
    {
        std::lock_guard lock(context.queueMutex());  // VkFFT submits its table uploads on the queue
        r = initializeVkFFT(&s.app, config);
    }
    if (r != VKFFT_SUCCESS) {
        vkDestroyFence(s.device, s.fence, nullptr);
        throwVkFft("initializeVkFFT", r, fftFrames);
    }
    s.initialised = true;
}

FftPlan::~FftPlan() {
    if (state_->initialised) deleteVkFFT(&state_->app);
    vkDestroyFence(state_->device, state_->fence, nullptr);
}

void FftPlan::recordForward(const vk::raii::CommandBuffer& commands) const {
    state_->recording = *commands;
    VkFFTLaunchParams launch{};
    launch.commandBuffer = &state_->recording;
    const VkFFTResult r = VkFFTAppend(&state_->app, -1, &launch);
    if (r != VKFFT_SUCCESS) throwVkFft("VkFFTAppend (forward)", r, fftFrames_);
}

void FftPlan::recordInverse(const vk::raii::CommandBuffer& commands) const {
    state_->recording = *commands;
    VkFFTLaunchParams launch{};
    launch.commandBuffer = &state_->recording;
    const VkFFTResult r = VkFFTAppend(&state_->app, 1, &launch);
    if (r != VKFFT_SUCCESS) throwVkFft("VkFFTAppend (inverse)", r, fftFrames_);
}

}  // namespace lacquer::gpu
