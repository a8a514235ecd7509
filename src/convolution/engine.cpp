// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/convolution/engine.hpp"

#include <algorithm>
#include <array>

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

    void convolve(const AudioBuffer& in, const Kernel& kernel, std::size_t n, AudioBuffer& out) override {
        std::vector<float*> dst;
        for (auto& ch : out.samples) dst.push_back(ch.data());
        fft_.run(in, kernel, n, dst);
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
                          const AudioBuffer* ir) const {
    const eq::Design design = eq::designLinearPhase(eq, sampleRateHz, options_.eqDesign);
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

    KernelKey(double rate, int ch, const eq::Bands& eq, const reverb::Params* r, const AudioBuffer* i)
        : sampleRateHz(rate), channels(ch) {
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
                                   const reverb::Params* reverb, const AudioBuffer* ir) {
    auto key = std::make_shared<const KernelKey>(sampleRateHz, channels, eq, reverb, ir);
    if (!lastKey_ || !(*lastKey_ == *key)) {
        lastKernel_ = makeKernel(sampleRateHz, channels, eq, reverb, ir);
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
    std::lock_guard lock(mutex_);
    if (cpuAfterLoss_) {
        cpuAfterLoss_->convolve(in, kernel, cpuAfterLoss_->fftFramesFor(kernel), out);
        return out;
    }
    try {
        convolve(in, kernel, fftFramesFor(kernel), out);
    } catch (const detail::DeviceLostError& e) {
        if (onDeviceLost_ != DeviceRequest::OnDeviceLost::FallBackToCpu) throw;
        // Once per engine (later tracks go straight to the CPU): say which device and why, then redo
        // this whole track on FFTW float. `out` may hold part of the GPU's result; it is rewritten.
        lostDevice_ = device();
        log::warning("--device auto", e.diagnostics().front().what + "; continuing on the CPU backend (FFTW)");
        cpuAfterLoss_ = std::make_unique<FftwEngine<float>>(options_);
        for (auto& ch : out.samples) std::fill(ch.begin(), ch.end(), 0.0f);
        cpuAfterLoss_->convolve(in, kernel, cpuAfterLoss_->fftFramesFor(kernel), out);
    }
    return out;
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
