// SPDX-License-Identifier: GPL-3.0-or-later
// Overlap-save on the GPU. One batch = `blocksPerBatch` consecutive blocks × every channel, laid
// out as rows of VkFFT's in-place R2C buffer (row r = block r / channels, channel r % channels).
// Each batch: copy staging → work, forward FFT, multiply by the channel's kernel spectrum (our
// shader), inverse FFT, copy work → staging. Two staging buffers alternate so the host gathers the
// next batch and scatters the previous one while the GPU computes; the command buffers are
// recorded once per size and resubmitted.
#include "convolution/vulkan_backend.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include "convolution/overlap_save.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/gpu/context.hpp"
#include "lacquer/gpu/fft_plan.hpp"

namespace lacquer::convolution::detail {
namespace {

constexpr std::uint32_t kSpectrumMultiplySpv[] =
#include "shaders/spectrum_multiply.spv.inc"
    ;

struct MultiplyPush {
    std::uint32_t totalBins;
    std::uint32_t binsPerRow;
    std::uint32_t channels;
};

constexpr std::uint32_t kGroupSize = 256;  // local_size_x of spectrum_multiply.comp

// Everything for one (FFT size, rows, channels). Declaration order is creation order: the plan
// points at `work`, the descriptor set names the buffers, the command buffers use all of them, so
// they are destroyed first.
struct Setup {
    std::size_t fftFrames;
    std::size_t rows;
    std::size_t channels;
    gpu::Buffer work;
    gpu::Buffer spectrum;
    gpu::Buffer spectrumStaging;
    std::array<gpu::Buffer, 2> staging;
    std::unique_ptr<gpu::FftPlan> plan;
    vk::raii::DescriptorSet set{nullptr};
    std::array<vk::raii::CommandBuffer, 2> commands{nullptr, nullptr};
    std::array<vk::raii::Fence, 2> fences{nullptr, nullptr};
    std::uint64_t uploadedSerial = 0;  // Kernel::serial of the spectra in `spectrum`

    Setup(const gpu::Context& ctx, const gpu::Kernel& multiply, std::size_t n, std::size_t r, std::size_t c)
        : fftFrames(n),
          rows(r),
          channels(c),
          work(ctx, r * gpu::FftPlan::rowFloats(n) * sizeof(float), gpu::Memory::Device),
          spectrum(ctx, c * (n / 2 + 1) * 2 * sizeof(float), gpu::Memory::Device),
          spectrumStaging(ctx, c * (n / 2 + 1) * 2 * sizeof(float), gpu::Memory::Upload),
          staging{gpu::Buffer(ctx, work.bytes(), gpu::Memory::Readback),
                  gpu::Buffer(ctx, work.bytes(), gpu::Memory::Readback)},
          plan(std::make_unique<gpu::FftPlan>(ctx, n, r, work)) {
        const std::array<const gpu::Buffer*, 2> bound{&work, &spectrum};
        set = multiply.bind(bound);
        const std::size_t bins = n / 2 + 1;
        const MultiplyPush push{static_cast<std::uint32_t>(r * bins), static_cast<std::uint32_t>(bins),
                                static_cast<std::uint32_t>(c)};
        const auto groups = static_cast<std::uint32_t>(
            std::min<std::size_t>((r * bins + kGroupSize - 1) / kGroupSize, 65535));
        for (std::size_t s = 0; s < 2; ++s) {
            commands[s] = ctx.allocateCommandBuffer();
            fences[s] = ctx.createFence();
            const auto& cmd = commands[s];
            cmd.begin(vk::CommandBufferBeginInfo{});
            gpu::recordBarrier(cmd);  // the previous batch is done with `work`
            cmd.copyBuffer(*staging[s].handle(), *work.handle(), vk::BufferCopy{0, 0, work.bytes()});
            gpu::recordBarrier(cmd);
            plan->recordForward(cmd);
            gpu::recordBarrier(cmd);
            multiply.record(cmd, set, std::as_bytes(std::span(&push, 1)), groups);
            gpu::recordBarrier(cmd);
            plan->recordInverse(cmd);
            gpu::recordBarrier(cmd);
            cmd.copyBuffer(*work.handle(), *staging[s].handle(), vk::BufferCopy{0, 0, work.bytes()});
            vk::MemoryBarrier toHost{vk::AccessFlagBits::eTransferWrite, vk::AccessFlagBits::eHostRead};
            cmd.pipelineBarrier(vk::PipelineStageFlagBits::eTransfer, vk::PipelineStageFlagBits::eHost, {}, toHost,
                                {}, {});
            cmd.end();
        }
    }
};

class VulkanEngine final : public Engine {
public:
    VulkanEngine(int deviceIndex, const EngineOptions& options)
        : Engine(options),
          context_(gpu::ContextOptions{deviceIndex, gpu::Validation::FromEnvironment}),
          multiply_(context_, kSpectrumMultiplySpv, 2, sizeof(MultiplyPush)),
          injectDeviceLost_(faultRequested()) {}
    ~VulkanEngine() override {
        // A lost device answers vkDeviceWaitIdle with VK_ERROR_DEVICE_LOST: nothing left to wait for.
        try {
            std::lock_guard lock(context_.queueMutex());
            context_.device().waitIdle();
        } catch (const vk::SystemError&) {
        }
    }

protected:
    std::string backend() const override { return "vulkan"; }
    std::string device() const override { return context_.info().name; }
    gpu::Context* context() override { return &context_; }

    void convolve(const Segment& seg, const Kernel& kernel) override {
        try {
            run(seg, kernel);
        } catch (const vk::DeviceLostError& e) {
            throw DeviceLostError(context_.info().name, e.what());
        } catch (const DeviceLostError&) {
            throw;
        } catch (const Error& e) {
            // Our wrappers turn VkResults into Error(Device); ask the device whether it is gone.
            if (context_.deviceLost()) throw DeviceLostError(context_.info().name, e.diagnostics().front().what);
            throw;
        }
    }

private:
    static bool faultRequested() {
        const char* v = std::getenv("LACQUER_FAULT");
        return v != nullptr && std::string_view(v) == "device-lost";
    }

    void waitFor(const vk::raii::Fence& fence) {
        if (injectDeviceLost_) {
            injectDeviceLost_ = false;
            throw vk::DeviceLostError("LACQUER_FAULT=device-lost");
        }
        context_.wait(fence);
    }

    // Blocks per batch: as many as the GPU budget holds, rounded down to a power of two.
    std::size_t budgetBlocks(std::size_t n, std::size_t channels) const {
        const std::size_t rowFloats = gpu::FftPlan::rowFloats(n);
        std::size_t budget = options().gpuBatchBytes;
        if (budget == 0) budget = context_.info().software ? (32u << 20) : (128u << 20);
        std::size_t perBatch = 1;
        while (2 * perBatch * channels * rowFloats * sizeof(float) <= budget) perBatch *= 2;
        return perBatch;
    }

    std::size_t segmentBlocks(std::size_t n, std::size_t, int channels) const override {
        // Two batches: the double buffering overlaps the host's gather and scatter with the GPU
        // inside a segment; the segment's input and output are then under the GPU budget each.
        return 2 * budgetBlocks(n, static_cast<std::size_t>(std::max(1, channels)));
    }

    void run(const Segment& seg, const Kernel& kernel) {
        const Geometry& g = *seg.geometry;
        const std::size_t n = g.fftFrames;
        const std::size_t channels = seg.channels;
        const std::size_t rowFloats = gpu::FftPlan::rowFloats(n);
        const std::size_t blocks = seg.blocks();
        // No more blocks per batch than the segment needs (rounded up to a power of two, so few
        // distinct plans are ever made).
        std::size_t perBatch = budgetBlocks(n, channels);
        std::size_t need = 1;
        while (need < blocks) need *= 2;
        perBatch = std::min(perBatch, need);
        Setup& s = setupFor(n, perBatch * channels, channels);

        uploadSpectra(s, kernel, n);
        const std::size_t batches = (blocks + perBatch - 1) / perBatch;
        const std::size_t outBase = g.outputFirst(seg.firstBlock);
        // Host side of a batch, rows spread over threads on a real GPU (on lavapipe the CPU cores
        // are the device: one host thread leaves them to it).
        const unsigned hostThreads = context_.info().software ? 1u : 0u;
        auto gather = [&](std::size_t batch, float* dst) {
            parallelFor(s.rows, [&](std::size_t r) {
                const std::size_t block = seg.firstBlock + batch * perBatch + r / channels;
                float* row = dst + r * rowFloats;
                if (block < seg.endBlock)
                    g.gather(seg.input[r % channels], block, row, seg.inputStart);
                else
                    std::fill(row, row + n, 0.0f);
            }, hostThreads);
        };
        auto scatter = [&](std::size_t batch, const float* src) {
            parallelFor(s.rows, [&](std::size_t r) {
                const std::size_t block = seg.firstBlock + batch * perBatch + r / channels;
                if (block >= seg.endBlock) return;
                const float* valid = src + r * rowFloats + (g.kernelFrames - 1);
                std::copy_n(valid, g.outputCount(block), seg.output[r % channels] + (g.outputFirst(block) - outBase));
            }, hostThreads);
        };
        for (std::size_t i = 0; i <= batches; ++i) {
            if (i < batches) {
                gather(i, s.staging[i % 2].floats());
                context_.submit(s.commands[i % 2], s.fences[i % 2]);
            }
            if (i >= 1) {
                waitFor(s.fences[(i - 1) % 2]);
                scatter(i - 1, s.staging[(i - 1) % 2].floats());
            }
        }
    }

    Setup& setupFor(std::size_t n, std::size_t rows, std::size_t channels) {
        auto& slot = setups_[std::make_tuple(n, rows, channels)];
        if (!slot) slot = std::make_unique<Setup>(context_, multiply_, n, rows, channels);
        return *slot;
    }

    void uploadSpectra(Setup& s, const Kernel& kernel, std::size_t n) {
        if (kernel.serial != 0 && kernel.serial == s.uploadedSerial) return;
        s.uploadedSerial = 0;
        const auto spectra = kernelSpectra(kernel, n);
        float* dst = s.spectrumStaging.floats();
        for (const auto& h : spectra)
            for (const auto& v : h) {
                *dst++ = static_cast<float>(v.real());
                *dst++ = static_cast<float>(v.imag());
            }
        context_.submitAndWait([&](const vk::raii::CommandBuffer& cmd) {
            cmd.copyBuffer(*s.spectrumStaging.handle(), *s.spectrum.handle(),
                           vk::BufferCopy{0, 0, s.spectrum.bytes()});
        });
        s.uploadedSerial = kernel.serial;
    }

    // Destroyed in reverse: setups (their sets come from multiply_'s pool), then the kernel, then
    // the context.
    gpu::Context context_;
    gpu::Kernel multiply_;
    std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::unique_ptr<Setup>> setups_;
    bool injectDeviceLost_;  // LACQUER_FAULT=device-lost: the next fence wait reports a lost device
};

}  // namespace

std::unique_ptr<Engine> makeVulkanEngine(int deviceIndex, const EngineOptions& options) {
    return std::make_unique<VulkanEngine>(deviceIndex, options);
}

}  // namespace lacquer::convolution::detail
