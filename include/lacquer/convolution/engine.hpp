// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The convolution stage: linear-phase EQ and convolution reverb as one FFT convolution per channel
// (overlap-save, streamed in blocks of fftFrames − kernel + 1 frames, so working memory is bounded
// by the FFT size and batch, never by the track length).
//
// Backends:
//   "vulkan"          VkFFT R2C/C2R + our spectrum-multiply shader; blocks × channels batched into
//                     one dispatch; the host fills/reads one staging buffer while the GPU runs the other.
//   "cpu-fftw-float"  FFTW float, (block, channel) pairs spread over worker threads.
//   "cpu-fftw-double" the double-precision twin (FFTW double), the reference of every test.
// All use the same kernel (designed in double) and produce the same output length and alignment.
//
// Thread safety: process() may be called from several threads; calls on one Engine are serialised
// by an internal lock (each call is internally parallel / on the GPU already). FFT plans and GPU
// buffers are made once per size and reused across calls (tracks, variants).
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/convolution/kernel.hpp"
#include "lacquer/eq/design.hpp"
#include "lacquer/eq/params.hpp"
#include "lacquer/reverb/params.hpp"

namespace lacquer::convolution {

struct DeviceRequest {
    enum class Mode {
        Auto,       // a real (non-software) Vulkan GPU if present, else Cpu
        Cpu,        // FFTW float
        Vulkan,     // Vulkan on vulkanIndex (-1: the best device, lavapipe when there is no GPU)
        CpuDouble,  // FFTW double (the twin; slow, for tests and references)
    };
    Mode mode = Mode::Auto;
    int vulkanIndex = -1;
    // When the Vulkan device is lost during process() (VK_ERROR_DEVICE_LOST: driver reset, GPU
    // hang, eGPU unplugged):
    //   Default        Auto's choice is FallBackToCpu, an explicit device's is Fail;
    //   FallBackToCpu  warn once ("device '…' was lost; continuing on the CPU backend") and redo
    //                  that track and every later one on FFTW float;
    //   Fail           throw Error(Device) "device '…' lost — rerun with --device cpu".
    // (Auto never picks a software device, so tests ask for Vulkan + FallBackToCpu to take Auto's
    // path on lavapipe.)
    enum class OnDeviceLost { Default, FallBackToCpu, Fail };
    OnDeviceLost onDeviceLost = OnDeviceLost::Default;
};

struct EngineOptions {
    std::size_t fftFrames = 0;       // 0: 2^k or 5·2^k in [1.5, 4] × kernel length, least work per frame
    std::size_t gpuBatchBytes = 0;   // GPU working set of one batch; 0: 128 MiB (real GPU), 32 MiB (software)
    int cpuThreads = 0;              // 0: std::thread::hardware_concurrency()
    eq::DesignOptions eqDesign;      // tap count override (tests use short kernels)
};

class Engine {
public:
    // Throws Error(ErrorKind::Device) when the requested Vulkan device cannot be used. Auto never
    // throws for a missing loader/device: it falls back to the CPU.
    static std::unique_ptr<Engine> create(const DeviceRequest& request, const EngineOptions& options = {});
    virtual ~Engine() = default;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // "vulkan", "cpu-fftw-float", "cpu-fftw-double"; after a lost device fell back: the CPU's.
    std::string backendName() const;
    // Vulkan device name, or "CPU (FFTW float, N threads)"; after a fallback, the CPU's followed by
    // " after losing Vulkan device '<name>'".
    std::string deviceName() const;
    const EngineOptions& options() const { return options_; }

    // The kernel process() would apply (for reports and tests). `in` gives the rate and channels.
    Kernel makeKernel(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                      const AudioBuffer* ir) const;

    // in: processing-rate track (1 or 2 channels). reverb/ir: both or neither (reverb active when
    // both are given and mix > 0; the IR may have any rate and 1 or 2 channels).
    // Returns in.frames() + tail frames, aligned with `in` to the sample, at in's rate.
    // Flat EQ and no reverb: a copy. Throws only Error(ErrorKind::Device) (GPU failures, a lost
    // device under OnDeviceLost::Fail).
    AudioBuffer process(const AudioBuffer& in, const eq::Bands& eq, const reverb::Params* reverb,
                        const AudioBuffer* ir);
    AudioBuffer process(const AudioBuffer& in, const Kernel& kernel);

    // The FFT size used for `kernel` (options().fftFrames or the automatic choice).
    std::size_t fftFramesFor(const Kernel& kernel) const;

protected:
    explicit Engine(const EngineOptions& options) : options_(options) {}
    virtual std::string backend() const = 0;  // backendName() of this backend itself
    virtual std::string device() const = 0;   // deviceName() of this backend itself
    // out is sized kernel.outputFrames(in.frames()) with in's channels and rate.
    virtual void convolve(const AudioBuffer& in, const Kernel& kernel, std::size_t fftFrames, AudioBuffer& out) = 0;

private:
    struct KernelKey;
    const Kernel& cachedKernel(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                               const AudioBuffer* ir);
    EngineOptions options_;
    DeviceRequest::OnDeviceLost onDeviceLost_ = DeviceRequest::OnDeviceLost::Fail;
    std::mutex mutex_;
    // Set once the device was lost under FallBackToCpu: every later convolution runs here.
    std::unique_ptr<Engine> cpuAfterLoss_;
    std::string lostDevice_;
    // The last kernel process() designed, reused while the chain stays the same (album tracks).
    std::shared_ptr<const KernelKey> lastKey_;
    Kernel lastKernel_;
};

// The double-precision reference: the same overlap-save as the CPU backend, in double, returning
// double samples [channel][frame] (kernel.outputFrames(in.frames()) frames).
std::vector<std::vector<double>> convolveReference(const AudioBuffer& in, const Kernel& kernel,
                                                   std::size_t fftFrames = 0);

}  // namespace lacquer::convolution
