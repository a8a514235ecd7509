// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/denoise/denoise.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

#include <fftw3.h>

#include "denoise/engine.hpp"
#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::denoise {
namespace {

std::vector<double> hann(std::size_t n) {
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    return w;
}

double windowPower(const std::vector<double>& w) {
    double s = 0;
    for (double v : w) s += v * v;
    return s;
}

constexpr double kQuietestShare = 0.10;   // auto profile: the quietest tenth of the frames
constexpr double kSilenceDb = -140.0;     // frames under this mean density level are digital silence
constexpr int kLevelRows = 200;           // 1 dB rows from kSilenceDb up

}  // namespace

std::size_t frameSize(double sampleRateHz) {
    std::size_t n = 256;
    while (static_cast<double>(n) < 0.085 * sampleRateHz * 0.75) n <<= 1;  // 4096 at 44.1/48 kHz, 8192 at 88.2/96 kHz
    return n;
}

double NoiseProfile::densityAt(double freqHz) const {
    if (density.empty()) return 0.0;
    const double x = freqHz / binHz;
    if (x >= static_cast<double>(density.size() - 1)) return density.back();
    const auto k = static_cast<std::size_t>(std::floor(x));
    const double t = x - static_cast<double>(k);
    return (1.0 - t) * density[k] + t * density[k + 1];
}

// ---------------------------------------------------------------------------------------------
// NoiseMeter

struct NoiseMeter::Impl {
    Mode mode;
    std::size_t n, hop, startFrame, endFrame;
    double rateHz, scale;
    std::vector<double> window;
    double* in = nullptr;
    fftw_complex* out = nullptr;
    fftw_plan plan = nullptr;
    std::vector<std::vector<double>> pending;  // per channel, the frame being filled
    std::size_t filled = 0;
    std::size_t position = 0;  // input frame of pending[·][0]
    std::vector<double> density;
    // Region: summed densities. Quietest: per 1 dB level row, summed densities and frames.
    std::vector<double> sum;
    double frames = 0;
    std::vector<std::vector<double>> rowSum = std::vector<std::vector<double>>(kLevelRows);
    std::vector<double> rowFrames = std::vector<double>(kLevelRows, 0.0);

    ~Impl() {
        if (plan) {
            std::lock_guard lock(fftwPlannerMutex());
            fftw_destroy_plan(plan);
        }
        fftw_free(in);
        fftw_free(out);
    }

    void analyse() {
        const std::size_t bins = n / 2 + 1;
        std::fill(density.begin(), density.end(), 0.0);
        for (const auto& x : pending) {
            for (std::size_t i = 0; i < n; ++i) in[i] = x[i] * window[i];
            fftw_execute(plan);
            for (std::size_t k = 0; k < bins; ++k) density[k] += (out[k][0] * out[k][0] + out[k][1] * out[k][1]) * scale;
        }
        if (mode == Mode::Region) {
            if (position < startFrame || position + n > endFrame) return;
            for (std::size_t k = 0; k < bins; ++k) sum[k] += density[k];
            frames += 1;
            return;
        }
        double mean = 0;
        for (std::size_t k = 1; k + 1 < bins; ++k) mean += density[k];
        mean /= static_cast<double>(bins - 2);
        const double levelDb = mean > 0 ? 10.0 * std::log10(mean) : -std::numeric_limits<double>::infinity();
        if (!(levelDb >= kSilenceDb)) return;
        const auto row = static_cast<std::size_t>(std::min<double>(kLevelRows - 1, std::floor(levelDb - kSilenceDb)));
        if (rowSum[row].empty()) rowSum[row].assign(bins, 0.0);
        for (std::size_t k = 0; k < bins; ++k) rowSum[row][k] += density[k];
        rowFrames[row] += 1;
    }
};

NoiseMeter::NoiseMeter(double sampleRateHz, Mode mode, std::size_t startFrame, std::size_t endFrame)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.mode = mode;
    m.n = frameSize(sampleRateHz);
    m.hop = m.n / 2;
    m.startFrame = startFrame;
    m.endFrame = endFrame;
    m.rateHz = sampleRateHz;
    m.window = hann(m.n);
    // One-sided mean square per bin and Hz (Parseval with the window's power), channels averaged
    // later in profile() by the frame count per channel.
    m.scale = 2.0 / (static_cast<double>(m.n) * windowPower(m.window)) / (sampleRateHz / static_cast<double>(m.n));
    m.density.assign(m.n / 2 + 1, 0.0);
    m.sum.assign(m.n / 2 + 1, 0.0);
    m.in = fftw_alloc_real(m.n);
    m.out = fftw_alloc_complex(m.n / 2 + 1);
    std::lock_guard lock(fftwPlannerMutex());
    m.plan = fftw_plan_dft_r2c_1d(static_cast<int>(m.n), m.in, m.out, FFTW_ESTIMATE);
}

NoiseMeter::~NoiseMeter() = default;

void NoiseMeter::add(const BlockView& block) {
    Impl& m = *impl_;
    if (m.pending.empty()) m.pending.assign(static_cast<std::size_t>(block.channels), std::vector<double>(m.n, 0.0));
    std::size_t at = 0;
    while (at < block.frames) {
        const std::size_t take = std::min(block.frames - at, m.n - m.filled);
        for (int c = 0; c < block.channels; ++c)
            std::copy(block.channel(c) + at, block.channel(c) + at + take,
                      m.pending[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(m.filled));
        m.filled += take;
        at += take;
        if (m.filled == m.n) {
            m.analyse();
            for (auto& x : m.pending) std::copy(x.begin() + static_cast<std::ptrdiff_t>(m.hop), x.end(), x.begin());
            m.filled = m.n - m.hop;
            m.position += m.hop;
        }
    }
}

NoiseProfile NoiseMeter::profile() const {
    const Impl& m = *impl_;
    NoiseProfile p;
    p.binHz = m.rateHz / static_cast<double>(m.n);
    const double channels = static_cast<double>(std::max<std::size_t>(1, m.pending.size()));
    std::vector<double> sum(m.n / 2 + 1, 0.0);
    double frames = 0;
    if (m.mode == Mode::Region) {
        sum = m.sum;
        frames = m.frames;
    } else {
        double total = 0;
        for (double f : m.rowFrames) total += f;
        const double want = std::max(1.0, std::ceil(kQuietestShare * total));
        for (int r = 0; r < kLevelRows && frames < want; ++r) {
            const auto row = static_cast<std::size_t>(r);
            if (m.rowFrames[row] <= 0) continue;
            for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += m.rowSum[row][k];
            frames += m.rowFrames[row];
        }
    }
    if (frames <= 0) return p;
    p.frames = frames;
    p.density.resize(sum.size());
    for (std::size_t k = 0; k < sum.size(); ++k) p.density[k] = sum[k] / (frames * channels);
    return p;
}

NoiseProfile measureProfile(const AudioBuffer& in, NoiseMeter::Mode mode, std::size_t startFrame, std::size_t endFrame) {
    NoiseMeter m(in.sampleRateHz, mode, startFrame, endFrame);
    AudioBuffer copy = in;
    m.add(copy.view());
    return m.profile();
}

// ---------------------------------------------------------------------------------------------
// Stream

namespace {

template <class Real>
class Framer {
public:
    Framer(std::unique_ptr<detail::Engine<Real>> engine, const detail::Setup& s, std::size_t inputFrames)
        : engine_(std::move(engine)), n_(s.n), hop_(s.n / 4), channels_(s.channels), batch_(s.batchFrames),
          inputFrames_(inputFrames), window_(hann(s.n)),
          // Periodic Hann squared at hop N/4 sums to 1.5; the inverse FFT is unnormalised (× N).
          outScale_(1.0 / (1.5 * static_cast<double>(s.n))),
          in_(s.channels), ola_(s.channels) {
        // Frame t covers [tH − N + H, tH + H): the last frame touching position M − 1.
        totalFrames_ = inputFrames == 0 ? 0 : (inputFrames - 1 + n_ - hop_) / hop_ + 1;
        for (auto& ch : in_) ch.assign(n_ - hop_, Real(0));  // frame 0 starts N − H before the track
        for (auto& ch : ola_) ch.assign(n_, 0.0);
        olaStart_ = -static_cast<std::int64_t>(n_ - hop_);
    }

    const detail::Engine<Real>& engine() const { return *engine_; }

    template <class Emit>
    void push(const BlockView& b, Emit&& emit) {
        const std::size_t take = std::min(b.frames, inputFrames_ - pushed_);
        for (std::size_t c = 0; c < channels_; ++c)
            in_[c].insert(in_[c].end(), b.channel(static_cast<int>(c)), b.channel(static_cast<int>(c)) + take);
        pushed_ += take;
        run(false, emit);
    }

    template <class Emit>
    void finish(Emit&& emit) {
        for (auto& ch : in_) ch.resize(ch.size() + (inputFrames_ - pushed_) + 2 * n_, Real(0));
        pushed_ = inputFrames_;
        run(true, emit);
    }

private:
    // emit(channel pointers as double, frames): output positions [emitted_, emitted_ + frames).
    template <class Emit>
    void run(bool final, Emit&& emit) {
        while (nextFrame_ < totalFrames_) {
            // Frames whose input is all here (frame t reads up to input (t + 1)·H).
            std::size_t ready = 0;
            while (nextFrame_ + ready < totalFrames_ && ready < batch_ &&
                   (final || (nextFrame_ + ready + 1) * hop_ <= pushed_))
                ++ready;
            if (ready == 0 || (!final && ready < batch_)) return;
            Real* rows = engine_->rows();
            const std::size_t stride = engine_->rowStride();
            for (std::size_t t = 0; t < ready; ++t)
                for (std::size_t c = 0; c < channels_; ++c) {
                    Real* row = rows + (t * channels_ + c) * stride;
                    const Real* x = in_[c].data() + t * hop_;
                    for (std::size_t i = 0; i < n_; ++i) row[i] = static_cast<Real>(x[i] * static_cast<Real>(window_[i]));
                }
            for (std::size_t t = ready; t < batch_; ++t)  // rows past the batch's frames: silence
                for (std::size_t c = 0; c < channels_; ++c) std::fill_n(rows + (t * channels_ + c) * stride, n_, Real(0));
            engine_->run(ready);
            for (std::size_t c = 0; c < channels_; ++c) {
                auto& o = ola_[c];
                o.resize(std::max(o.size(), ready * hop_ + n_), 0.0);
                for (std::size_t t = 0; t < ready; ++t) {
                    const Real* y = rows + (t * channels_ + c) * stride;
                    double* dst = o.data() + t * hop_;
                    for (std::size_t i = 0; i < n_; ++i) dst[i] += static_cast<double>(y[i]) * window_[i] * outScale_;
                }
            }
            nextFrame_ += ready;
            // Complete: positions before the next frame's first (N − H before nextFrame_·H).
            const std::int64_t complete = std::min<std::int64_t>(
                static_cast<std::int64_t>(nextFrame_ * hop_) - static_cast<std::int64_t>(n_ - hop_),
                static_cast<std::int64_t>(inputFrames_));
            if (complete > olaStart_) {
                const auto done = static_cast<std::size_t>(complete - olaStart_);
                const std::size_t skip = olaStart_ < 0 ? std::min(done, static_cast<std::size_t>(-olaStart_)) : 0;  // before the track
                if (done > skip) {
                    std::vector<const double*> ptrs;
                    for (const auto& o : ola_) ptrs.push_back(o.data() + skip);
                    emit(ptrs, done - skip);
                }
                for (auto& o : ola_) {
                    o.erase(o.begin(), o.begin() + static_cast<std::ptrdiff_t>(std::min(done, o.size())));
                    if (o.size() < n_) o.resize(n_, 0.0);
                }
                olaStart_ = complete;
            }
            for (auto& ch : in_) ch.erase(ch.begin(), ch.begin() + static_cast<std::ptrdiff_t>(std::min(ready * hop_, ch.size())));
        }
    }

    std::unique_ptr<detail::Engine<Real>> engine_;
    std::size_t n_, hop_, channels_, batch_, inputFrames_;
    std::vector<double> window_;
    double outScale_;
    std::vector<std::vector<Real>> in_;      // input from frame nextFrame_'s first position on
    std::vector<std::vector<double>> ola_;   // overlap-add from position olaStart_ on
    std::int64_t olaStart_ = 0;
    std::size_t totalFrames_ = 0, nextFrame_ = 0, pushed_ = 0;
};

detail::Setup makeSetup(const Params& params, const NoiseProfile& profile, int channels, double rateHz,
                        std::size_t batchFrames) {
    detail::Setup s;
    s.n = frameSize(rateHz);
    s.channels = static_cast<std::size_t>(channels);
    s.batchFrames = batchFrames;
    s.alpha = params.timeSmoothing;
    s.floorGain = std::pow(10.0, -params.reductionDb / 20.0);
    const std::vector<double> w = hann(s.n);
    // E|X(k)|² of noise with mean-square density D per Hz: D·binHz·N·Σw²/2 (NoiseMeter's scaling).
    const double binHz = rateHz / static_cast<double>(s.n);
    const double toPower = binHz * static_cast<double>(s.n) * windowPower(w) / 2.0;
    const double lambda = std::pow(10.0, params.sensitivityDb / 10.0);
    s.noise.resize(s.n / 2 + 1);
    for (std::size_t k = 0; k < s.noise.size(); ++k)
        s.noise[k] = profile.empty() ? 0.0 : lambda * profile.densityAt(static_cast<double>(k) * binHz) * toPower;
    return s;
}

constexpr std::size_t kCpuBatchFrames = 32;
constexpr std::size_t kGpuBatchFrames = 128;

}  // namespace

struct Stream::Impl {
    std::unique_ptr<Framer<float>> f;
    std::unique_ptr<Framer<double>> d;
    int channels;
    double rateHz;
    AudioBuffer out;  // one emitted chunk, float
};

Stream::Stream(Backend backend, const Params& params, const NoiseProfile& profile, int channels, double sampleRateHz,
               std::size_t inputFrames, int vulkanIndex)
    : impl_(std::make_unique<Impl>()) {
    impl_->channels = channels;
    impl_->rateHz = sampleRateHz;
    switch (backend) {
        case Backend::CpuFloat: {
            const auto s = makeSetup(params, profile, channels, sampleRateHz, kCpuBatchFrames);
            impl_->f = std::make_unique<Framer<float>>(detail::makeFftwEngine<float>(s), s, inputFrames);
            break;
        }
        case Backend::CpuDouble: {
            const auto s = makeSetup(params, profile, channels, sampleRateHz, kCpuBatchFrames);
            impl_->d = std::make_unique<Framer<double>>(detail::makeFftwEngine<double>(s), s, inputFrames);
            break;
        }
        case Backend::Vulkan: {
            const auto s = makeSetup(params, profile, channels, sampleRateHz, kGpuBatchFrames);
            impl_->f = std::make_unique<Framer<float>>(detail::makeVulkanEngine(s, vulkanIndex), s, inputFrames);
            break;
        }
    }
}

Stream::~Stream() = default;

std::string Stream::backendName() const { return impl_->f ? impl_->f->engine().name() : impl_->d->engine().name(); }

namespace {
template <class Sink>
auto emitter(AudioBuffer& out, int channels, double rate, const Sink& sink) {
    return [&out, channels, rate, &sink](const std::vector<const double*>& ptrs, std::size_t frames) {
        if (out.frames() < frames) out = AudioBuffer(channels, frames, rate);
        for (int c = 0; c < channels; ++c)
            for (std::size_t i = 0; i < frames; ++i)
                out.samples[static_cast<std::size_t>(c)][i] = static_cast<float>(ptrs[static_cast<std::size_t>(c)][i]);
        sink(out.view().slice(0, frames));
    };
}
}  // namespace

void Stream::push(const BlockView& in, const Sink& sink) {
    auto emit = emitter(impl_->out, impl_->channels, impl_->rateHz, sink);
    if (impl_->f)
        impl_->f->push(in, emit);
    else
        impl_->d->push(in, emit);
}

void Stream::finish(const Sink& sink) {
    auto emit = emitter(impl_->out, impl_->channels, impl_->rateHz, sink);
    if (impl_->f)
        impl_->f->finish(emit);
    else
        impl_->d->finish(emit);
}

std::vector<std::vector<double>> processReference(const AudioBuffer& in, const Params& params,
                                                  const NoiseProfile& profile) {
    const auto s = makeSetup(params, profile, in.channels(), in.sampleRateHz, kCpuBatchFrames);
    Framer<double> f(detail::makeFftwEngine<double>(s), s, in.frames());
    std::vector<std::vector<double>> out(static_cast<std::size_t>(in.channels()));
    auto emit = [&](const std::vector<const double*>& ptrs, std::size_t frames) {
        for (std::size_t c = 0; c < out.size(); ++c) out[c].insert(out[c].end(), ptrs[c], ptrs[c] + frames);
    };
    AudioBuffer copy = in;
    f.push(copy.view(), emit);
    f.finish(emit);
    return out;
}

AudioBuffer process(Backend backend, const AudioBuffer& in, const Params& params, const NoiseProfile& profile,
                    std::size_t blockFrames) {
    Stream s(backend, params, profile, in.channels(), in.sampleRateHz, in.frames());
    AudioBuffer out(in.channels(), in.frames(), in.sampleRateHz);
    std::size_t at = 0;
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c)
            std::copy(b.channel(c), b.channel(c) + b.frames, out.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(at));
        at += b.frames;
    };
    AudioBuffer copy = in;
    for (std::size_t i = 0; i < in.frames(); i += blockFrames)
        s.push(copy.view().slice(i, std::min(blockFrames, in.frames() - i)), sink);
    s.finish(sink);
    assert(at == in.frames());
    return out;
}

}  // namespace lacquer::denoise
