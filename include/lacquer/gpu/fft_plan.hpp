// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A VkFFT plan: `rows` batched 1-D real FFTs of `fftFrames` points, in place in one buffer laid out
// as VkFFT's in-place R2C wants it: each row is rowFloats(fftFrames) = fftFrames + 2 floats; the
// real signal occupies the first fftFrames of a row, the half spectrum (fftFrames/2 + 1 complex
// values, interleaved re/im) the whole row after the forward transform.
// Unnormalised: inverse(forward(x)) = fftFrames · x.
//
// VkFFT keeps pointers to the Vulkan handles it is given, so the plan owns stable copies of them
// and can neither be copied nor moved; it frees the VkFFT application in its destructor. Making a
// plan compiles VkFFT's shaders with glslang (about 0.5 s on lavapipe): cache plans per size.
// Only src/gpu/fft_plan.cpp includes vkFFT.h.
#include <cstddef>
#include <memory>

#include <vulkan/vulkan_raii.hpp>

namespace lacquer::gpu {

class Context;
class Buffer;

class FftPlan {
public:
    // `buffer` must hold rows · rowFloats(fftFrames) floats and outlive the plan; the plan always
    // transforms this buffer. fftFrames: even, ≥ 2. Throws Error(Device) when VkFFT fails.
    // VkFFT uploads its tables through `pool` (default: the context's own; a stage sharing the
    // context passes its own) and the context's queue, under Context::queueMutex().
    FftPlan(const Context& context, std::size_t fftFrames, std::size_t rows, const Buffer& buffer,
            const vk::raii::CommandPool* pool = nullptr);
    FftPlan(const FftPlan&) = delete;
    FftPlan& operator=(const FftPlan&) = delete;
    FftPlan(FftPlan&&) = delete;
    FftPlan& operator=(FftPlan&&) = delete;
    ~FftPlan();

    static std::size_t rowFloats(std::size_t fftFrames) { return fftFrames + 2; }
    std::size_t fftFrames() const { return fftFrames_; }
    std::size_t rows() const { return rows_; }

    // Appends the transform to `commands` (which must be recording). VkFFT puts its own barriers
    // between its passes; callers put barriers around it.
    void recordForward(const vk::raii::CommandBuffer& commands) const;
    void recordInverse(const vk::raii::CommandBuffer& commands) const;

private:
    struct State;  // VkFFTApplication and the handle copies VkFFT points at
    std::size_t fftFrames_;
    std::size_t rows_;
    std::unique_ptr<State> state_;
};

}  // namespace lacquer::gpu
