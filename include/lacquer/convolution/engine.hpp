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
#include <functional>
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

namespace detail {
struct Segment;
}

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
    //                  that track (process(); a Stream: the segment in flight, the rest of the
    //                  track continuing with the GPU's FFT size) and every later one on FFTW float;
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
    // match: a reference-match curve (eq/match.hpp) applied with the bands, or nullptr.
    Kernel makeKernel(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                      const AudioBuffer* ir, const eq::MagnitudeCurve* match = nullptr) const;

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

    // The kernel process() would use for this chain (cached while the chain stays the same).
    Kernel kernelFor(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                     const AudioBuffer* ir, const eq::MagnitudeCurve* match = nullptr);

    // How many overlap-save blocks a stream hands the backend at once (memory against efficiency).
    std::size_t streamBlocks(std::size_t fftFrames, std::size_t hopFrames, int channels) const;

protected:
    explicit Engine(const EngineOptions& options) : options_(options) {}
    virtual std::string backend() const = 0;  // backendName() of this backend itself
    virtual std::string device() const = 0;   // deviceName() of this backend itself
    // Runs the segment's blocks (see src/convolution/overlap_save.hpp).
    virtual void convolve(const detail::Segment& segment, const Kernel& kernel) = 0;
    // Blocks per stream segment: enough for every worker (CPU) or a few GPU batches.
    virtual std::size_t segmentBlocks(std::size_t fftFrames, std::size_t hopFrames, int channels) const = 0;

private:
    friend class Stream;
    // Runs one segment under the engine's lock, applying the lost-device policy; true when the
    // device was lost (and the segment redone on the CPU) during this call.
    bool runSegment(const detail::Segment& segment, const Kernel& kernel);
    struct KernelKey;
    const Kernel& cachedKernel(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                               const AudioBuffer* ir, const eq::MagnitudeCurve* match = nullptr);
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

// process() as a stream, so a track is never held whole: its input is pushed in blocks of any
// size, in order, and the output (kernel.outputFrames(inputFrames) frames, the same alignment)
// leaves through the sink in order, in blocks. The stream keeps one segment's input window and
// output: a few overlap-save blocks (Engine::streamBlocks), never the track. The output is
// process()'s sample for sample on the FFTW backends (the same blocks, the same arithmetic;
// tested) and nulls against the double twin on Vulkan. A device lost mid-track under
// FallBackToCpu redoes the segment in flight on the CPU and continues there.
class Stream {
public:
    using Sink = std::function<void(const BlockView&)>;
    Stream(Engine& engine, Kernel kernel, int channels, double sampleRateHz, std::size_t inputFrames);
    std::size_t outputFrames() const { return outputFrames_; }
    void push(const BlockView& in, const Sink& sink);
    void finish(const Sink& sink);  // after the last push (missing input reads as zeros)

private:
    void runSegments(bool final, const Sink& sink);
    Engine& engine_;
    Kernel kernel_;
    int channels_;
    double rateHz_;
    std::size_t inputFrames_, outputFrames_;
    std::size_t fftFrames_ = 0, hopFrames_ = 0, blocks_ = 0, perSegment_ = 0;
    std::size_t nextBlock_ = 0;   // first block not yet run
    std::size_t pushed_ = 0;      // input frames received
    std::int64_t windowStart_ = 0;  // input frame at window_[c][0]
    std::vector<std::vector<float>> window_;  // input frames [windowStart_, pushed_)
    AudioBuffer out_;             // one segment's output
    bool identity_ = false;
    std::size_t emitted_ = 0;
};

// The double-precision reference: the same overlap-save as the CPU backend, in double, returning
// double samples [channel][frame] (kernel.outputFrames(in.frames()) frames).
std::vector<std::vector<double>> convolveReference(const AudioBuffer& in, const Kernel& kernel,
                                                   std::size_t fftFrames = 0);

}  // namespace lacquer::convolution
