// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/convolution/engine.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "convolution/fftw_backend.hpp"
#include "convolution/overlap_save.hpp"
#include "convolution/vulkan_backend.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/gpu/device.hpp"
#include "lacquer/reverb/ir.hpp"

namespace lacquer::convolution {
namespace {

template <class Real>
class FftwEngine final : public Engine {
public:
    explicit FftwEngine(const EngineOptions& options) : Engine(options), fft_(options.cpuThreads) {}

protected:
    std::string backend() const override {
        return std::is_same_v<Real, float> ? "cpu-fftw-float" : "cpu-fftw-double";
    }
    std::string device() const override {
        return fmt::format("CPU (FFTW {}, {} threads)", std::is_same_v<Real, float> ? "float" : "double",
                           fft_.threads());
    }

    void convolve(const detail::Segment& seg, const Kernel& kernel) override {
        fft_.run(*seg.geometry, seg.firstBlock, seg.endBlock, seg.channels, seg.input.data(), seg.inputStart,
                 seg.output.data(), kernel);
    }
    std::size_t segmentBlocks(std::size_t, std::size_t hopFrames, int channels) const override {
        // Two items (block, channel) per worker at least, so the join at the segment's end costs
        // little, and about 2^20 output frames (8 MiB of stereo float) when blocks are short.
        const auto threads = static_cast<std::size_t>(fft_.threads());
        const auto ch = static_cast<std::size_t>(std::max(1, channels));
        return std::max<std::size_t>({(2 * threads + ch - 1) / ch, ((std::size_t{1} << 20) + hopFrames - 1) / hopFrames, 1});
    }

private:
    detail::FftwOverlapSave<Real> fft_;
};

}  // namespace

std::unique_ptr<Engine> Engine::create(const DeviceRequest& request, const EngineOptions& options) {
    using Mode = DeviceRequest::Mode;
    using Lost = DeviceRequest::OnDeviceLost;
    auto vulkan = [&](int index, Lost byDefault) {
        auto engine = detail::makeVulkanEngine(index, options);
        engine->onDeviceLost_ = request.onDeviceLost == Lost::Default ? byDefault : request.onDeviceLost;
        return engine;
    };
    switch (request.mode) {
        case Mode::Cpu: return std::make_unique<FftwEngine<float>>(options);
        case Mode::CpuDouble: return std::make_unique<FftwEngine<double>>(options);
        case Mode::Vulkan: return vulkan(request.vulkanIndex, Lost::Fail);
        case Mode::Auto: {
            int index = -1;
            try {
                const auto devices = gpu::listDevices();
                if (devices.empty()) log::warning("--device auto", "no Vulkan device found; using the CPU backend (FFTW)");
                index = gpu::autoDeviceIndex(devices);
            } catch (const Error& e) {
                // No loader or no instance: the CPU backend, and say why.
                log::warning("--device auto", "Vulkan is unavailable (" + e.diagnostics().front().what +
                                                  "); using the CPU backend (FFTW)");
                index = -1;
            }
            if (index >= 0) return vulkan(index, Lost::FallBackToCpu);
            return std::make_unique<FftwEngine<float>>(options);
        }
    }
    return std::make_unique<FftwEngine<float>>(options);
}

Kernel Engine::makeKernel(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                          const AudioBuffer* ir, const eq::MagnitudeCurve* match) const {
    const eq::Design design = eq::designLinearPhase(eq, sampleRateHz, options_.eqDesign, match);
    std::vector<std::vector<double>> wet;
    if (reverb != nullptr && ir != nullptr) wet = reverb::prepareWet(*reverb, *ir, sampleRateHz, channels);
    return combine(design, wet, channels);
}

std::size_t Engine::fftFramesFor(const Kernel& kernel) const {
    const std::size_t k = kernel.lengthFrames();
    if (options_.fftFrames >= k && options_.fftFrames % 2 == 0) return options_.fftFrames;
    return backendName() == "vulkan" ? detail::autoFftFrames(k) : detail::fftwFftFrames(k);
}

// Everything a kernel depends on; the IR by address, length, rate and a checksum of its samples.
struct Engine::KernelKey {
    double sampleRateHz = 0;
    int channels = 0;
    std::vector<std::array<double, 5>> bands;
    std::array<double, 4> reverb{};
    const AudioBuffer* ir = nullptr;
    std::size_t irFrames = 0;
    double irRateHz = 0;
    double irChecksum = 0;
    eq::MagnitudeCurve match;

    KernelKey(double rate, int ch, const eq::Bands& eq, const reverb::Params* r, const AudioBuffer* i,
              const eq::MagnitudeCurve* m)
        : sampleRateHz(rate), channels(ch) {
        if (m != nullptr) match = *m;
        for (const auto& b : eq)
            bands.push_back({static_cast<double>(b.type), b.freqHz, b.gainDb, b.q, b.slopeDbOct});
        if (r != nullptr && i != nullptr) {
            reverb = {r->mix, r->predelayMs, r->wetLowCutHz, r->wetHighCutHz};
            ir = i;
            irFrames = i->frames();
            irRateHz = i->sampleRateHz;
            for (const auto& ch : i->samples)
                for (std::size_t n = 0; n < ch.size(); ++n) irChecksum += ch[n] * (1.0 + 1e-3 * static_cast<double>(n % 1000));
        }
    }
    bool operator==(const KernelKey&) const = default;
};

const Kernel& Engine::cachedKernel(double sampleRateHz, int channels, const eq::Bands& eq,
                                   const reverb::Params* reverb, const AudioBuffer* ir, const eq::MagnitudeCurve* match) {
    auto key = std::make_shared<const KernelKey>(sampleRateHz, channels, eq, reverb, ir, match);
    if (!lastKey_ || !(*lastKey_ == *key)) {
        lastKernel_ = makeKernel(sampleRateHz, channels, eq, reverb, ir, match);
        lastKey_ = std::move(key);
    }
    return lastKernel_;
}

AudioBuffer Engine::process(const AudioBuffer& in, const eq::Bands& eq, const reverb::Params* reverb,
                            const AudioBuffer* ir) {
    if (eq::isFlat(eq) && (reverb == nullptr || ir == nullptr || reverb->mix == 0.0)) return in;
    Kernel kernel;
    {
        std::lock_guard lock(mutex_);
        kernel = cachedKernel(in.sampleRateHz, in.channels(), eq, reverb, ir);
    }
    return process(in, kernel);
}

AudioBuffer Engine::process(const AudioBuffer& in, const Kernel& kernel) {
    if (kernel.isIdentity() || in.frames() == 0) {
        AudioBuffer out = in;
        out.resize(kernel.outputFrames(in.frames()));
        return out;
    }
    AudioBuffer out(in.channels(), kernel.outputFrames(in.frames()), in.sampleRateHz);
    // The whole track is one segment.
    const std::size_t n = [&] {
        std::lock_guard lock(mutex_);
        return cpuAfterLoss_ ? cpuAfterLoss_->fftFramesFor(kernel) : fftFramesFor(kernel);
    }();
    const detail::Geometry g(kernel, in.frames(), n);
    detail::Segment seg;
    seg.geometry = &g;
    seg.firstBlock = 0;
    seg.endBlock = g.blocks;
    seg.channels = static_cast<std::size_t>(in.channels());
    for (std::size_t c = 0; c < seg.channels; ++c) {
        seg.input[c] = in.samples[c].data();
        seg.output[c] = out.samples[c].data();
    }
    if (runSegment(seg, kernel) && cpuAfterLoss_->fftFramesFor(kernel) != n) {
        // The device was lost during this track: redo it whole with the CPU's own FFT size, so the
        // track is exactly what the CPU backend makes of it.
        const detail::Geometry cpu(kernel, in.frames(), cpuAfterLoss_->fftFramesFor(kernel));
        seg.geometry = &cpu;
        seg.endBlock = cpu.blocks;
        runSegment(seg, kernel);
    }
    return out;
}

bool Engine::runSegment(const detail::Segment& seg, const Kernel& kernel) {
    std::lock_guard lock(mutex_);
    if (cpuAfterLoss_) {
        cpuAfterLoss_->convolve(seg, kernel);
        return false;
    }
    try {
        convolve(seg, kernel);
    } catch (const detail::DeviceLostError& e) {
        if (onDeviceLost_ != DeviceRequest::OnDeviceLost::FallBackToCpu) throw;
        // Once per engine (later segments and tracks go straight to the CPU): say which device and
        // why, then redo this segment on FFTW float (the output may hold part of the GPU's result;
        // it is rewritten). The FFT size is the segment's: the geometry stays the same.
        lostDevice_ = device();
        log::warning("--device auto", e.diagnostics().front().what + "; continuing on the CPU backend (FFTW)");
        cpuAfterLoss_ = std::make_unique<FftwEngine<float>>(options_);
        cpuAfterLoss_->convolve(seg, kernel);
        return true;
    }
    return false;
}

Kernel Engine::kernelFor(double sampleRateHz, int channels, const eq::Bands& eq, const reverb::Params* reverb,
                         const AudioBuffer* ir, const eq::MagnitudeCurve* match) {
    std::lock_guard lock(mutex_);
    return cachedKernel(sampleRateHz, channels, eq, reverb, ir, match);
}

std::size_t Engine::streamBlocks(std::size_t fftFrames, std::size_t hopFrames, int channels) const {
    return cpuAfterLoss_ ? cpuAfterLoss_->segmentBlocks(fftFrames, hopFrames, channels)
                         : segmentBlocks(fftFrames, hopFrames, channels);
}

// ---------------------------------------------------------------------------------------------
// Stream

Stream::Stream(Engine& engine, Kernel kernel, int channels, double sampleRateHz, std::size_t inputFrames)
    : engine_(engine),
      kernel_(std::move(kernel)),
      channels_(channels),
      rateHz_(sampleRateHz),
      inputFrames_(inputFrames),
      outputFrames_(kernel_.outputFrames(inputFrames)),
      window_(static_cast<std::size_t>(channels)),
      identity_(kernel_.isIdentity() || inputFrames == 0) {
    if (identity_) return;
    fftFrames_ = engine_.fftFramesFor(kernel_);
    const detail::Geometry g(kernel_, inputFrames_, fftFrames_);
    hopFrames_ = g.hopFrames;
    blocks_ = g.blocks;
    perSegment_ = std::min(blocks_, engine_.streamBlocks(fftFrames_, hopFrames_, channels));
    out_ = AudioBuffer(channels, perSegment_ * hopFrames_, sampleRateHz);
    windowStart_ = g.inputStart(0);
}

void Stream::push(const BlockView& in, const Sink& sink) {
    const std::size_t take = std::min(in.frames, inputFrames_ - pushed_);
    if (take == 0) return;
    if (identity_) {
        sink(in.slice(0, take));
        pushed_ += take;
        emitted_ += take;
        return;
    }
    for (int c = 0; c < channels_; ++c)
        window_[static_cast<std::size_t>(c)].insert(window_[static_cast<std::size_t>(c)].end(), in.channel(c),
                                                    in.channel(c) + take);
    pushed_ += take;
    runSegments(false, sink);
}

void Stream::finish(const Sink& sink) {
    if (identity_) {
        AudioBuffer zeros(channels_, 65536, rateHz_);
        while (emitted_ < outputFrames_) {
            const std::size_t n = std::min<std::size_t>(65536, outputFrames_ - emitted_);
            sink(zeros.view().slice(0, n));
            emitted_ += n;
        }
        return;
    }
    if (pushed_ < inputFrames_) {  // input that never came reads as silence
        for (auto& ch : window_) ch.resize(ch.size() + (inputFrames_ - pushed_), 0.0f);
        pushed_ = inputFrames_;
    }
    runSegments(true, sink);
}

// Runs every segment whose input is all here (or, when final, every segment left).
void Stream::runSegments(bool final, const Sink& sink) {
    const detail::Geometry g(kernel_, inputFrames_, fftFrames_);
    while (nextBlock_ < blocks_) {
        const std::size_t end = std::min(blocks_, nextBlock_ + perSegment_);
        // The last input frame the segment reads (frames past the track read as zeros).
        const auto needed = std::min<std::int64_t>(g.inputEnd(end - 1), static_cast<std::int64_t>(inputFrames_));
        if (!final && static_cast<std::int64_t>(pushed_) < needed) return;
        // The window starts at the segment's first block's first frame, or later: frames before
        // the track were never stored (windowStart_ may be negative only while nothing is stored).
        detail::Segment seg;
        seg.geometry = &g;
        seg.firstBlock = nextBlock_;
        seg.endBlock = end;
        seg.channels = static_cast<std::size_t>(channels_);
        const std::int64_t stored = std::max<std::int64_t>(windowStart_, 0);
        for (std::size_t c = 0; c < seg.channels; ++c) {
            seg.input[c] = window_[c].data();
            seg.output[c] = out_.samples[c].data();
        }
        seg.inputStart = stored;
        engine_.runSegment(seg, kernel_);
        std::size_t frames = 0;
        for (std::size_t b = nextBlock_; b < end; ++b) frames += g.outputCount(b);
        sink(out_.view().slice(0, frames));
        emitted_ += frames;
        nextBlock_ = end;
        // Drop the input no later block reads.
        if (nextBlock_ < blocks_) {
            const std::int64_t keepFrom = std::max<std::int64_t>(g.inputStart(nextBlock_), 0);
            const auto drop = static_cast<std::size_t>(std::max<std::int64_t>(keepFrom - stored, 0));
            for (auto& ch : window_) ch.erase(ch.begin(), ch.begin() + static_cast<std::ptrdiff_t>(std::min(drop, ch.size())));
            windowStart_ = keepFrom;
        }
    }
}

std::string Engine::backendName() const {
    return cpuAfterLoss_ ? cpuAfterLoss_->backend() : backend();
}

std::string Engine::deviceName() const {
    return cpuAfterLoss_ ? cpuAfterLoss_->device() + " after losing Vulkan device '" + lostDevice_ + "'" : device();
}

std::vector<std::vector<double>> convolveReference(const AudioBuffer& in, const Kernel& kernel,
                                                   std::size_t fftFrames) {
    const std::size_t n = fftFrames >= kernel.lengthFrames() && fftFrames % 2 == 0
                              ? fftFrames
                              : detail::autoFftFrames(kernel.lengthFrames());
    std::vector<std::vector<double>> out(static_cast<std::size_t>(in.channels()),
                                         std::vector<double>(kernel.outputFrames(in.frames())));
    std::vector<double*> dst;
    for (auto& ch : out) dst.push_back(ch.data());
    detail::FftwOverlapSave<double> fft(0);
    fft.run(in, kernel, n, dst);
    return out;
}

}  // namespace lacquer::convolution
