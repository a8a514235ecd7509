// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/resample/resample.hpp"

#include <soxr.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "lacquer/common/error.hpp"

namespace lacquer {
namespace {

constexpr std::size_t kOutBlockFrames = 16384;

[[noreturn]] void fail(soxr_error_t err) {
    throw Error(ErrorKind::Io, "resampler", std::string("libsoxr failed: ") + soxr_strerror(err),
                "report this as a bug");
}

}  // namespace

struct StreamResampler::Soxr {
    soxr_t handle = nullptr;
    ~Soxr() {
        if (handle) soxr_delete(handle);
    }
};

StreamResampler::StreamResampler(int channels, double inRateHz, double outRateHz, std::size_t inputFrames,
                                 double passbandEnd)
    : channels_(channels),
      same_(inRateHz == outRateHz),
      inputFrames_(inputFrames),
      outputFrames_(same_ ? inputFrames
                          : static_cast<std::size_t>(std::llround(static_cast<double>(inputFrames) * outRateHz / inRateHz))),
      out_(channels, kOutBlockFrames, outRateHz) {
    if (same_) return;
    // Linear phase (SOXR_LINEAR_PHASE) at very high quality. Planar float in and out
    // (SOXR_FLOAT32_S); channels are filtered independently, one thread so the arithmetic is the
    // same on every machine.
    soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ | SOXR_LINEAR_PHASE, 0);
    if (passbandEnd > 0) quality.passband_end = passbandEnd;
    const soxr_io_spec_t ioSpec = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    soxr_error_t err = nullptr;
    soxr_ = std::make_unique<Soxr>();
    soxr_->handle = soxr_create(inRateHz, outRateHz, static_cast<unsigned>(channels), &err, &ioSpec, &quality, &runtime);
    if (err || !soxr_->handle) fail(err ? err : "soxr_create returned nothing");
}

StreamResampler::~StreamResampler() = default;

// Hands the first `frames` frames of out_ to the sink, cut at outputFrames_.
void StreamResampler::emit(std::size_t frames, const Sink& sink) {
    const std::size_t n = std::min(frames, outputFrames_ - emitted_);
    if (n == 0) return;
    sink(out_.view().slice(0, n));
    emitted_ += n;
}

void StreamResampler::push(const BlockView& in, const Sink& sink) {
    const std::size_t take = std::min(in.frames, inputFrames_ - pushed_);
    if (take == 0) return;
    pushed_ += take;
    if (same_) {
        emitted_ += take;
        sink(in.slice(0, take));
        return;
    }
    std::array<const float*, kMaxChannels> src{};
    for (int c = 0; c < channels_; ++c) src[static_cast<std::size_t>(c)] = in.channel(c);
    std::size_t done = 0;
    while (done < take) {
        std::array<float*, kMaxChannels> dst{};
        for (int c = 0; c < channels_; ++c) dst[static_cast<std::size_t>(c)] = out_.samples[static_cast<std::size_t>(c)].data();
        std::array<const float*, kMaxChannels> at{};
        for (int c = 0; c < channels_; ++c) at[static_cast<std::size_t>(c)] = src[static_cast<std::size_t>(c)] + done;
        size_t used = 0, made = 0;
        const soxr_error_t err = soxr_process(soxr_->handle, at.data(), take - done, &used, dst.data(), kOutBlockFrames, &made);
        if (err) fail(err);
        done += used;
        emit(made, sink);
    }
}

void StreamResampler::finish(const Sink& sink) {
    if (!same_) {
        // Flush: input NULL drains the filter's delay line until it returns nothing.
        for (;;) {
            std::array<float*, kMaxChannels> dst{};
            for (int c = 0; c < channels_; ++c) dst[static_cast<std::size_t>(c)] = out_.samples[static_cast<std::size_t>(c)].data();
            size_t made = 0;
            const soxr_error_t err = soxr_process(soxr_->handle, nullptr, 0, nullptr, dst.data(), kOutBlockFrames, &made);
            if (err) fail(err);
            if (made == 0) break;
            emit(made, sink);
        }
    }
    // Pad to the promised length (libsoxr may produce a frame less than the rounded ratio).
    for (auto& ch : out_.samples) std::fill(ch.begin(), ch.end(), 0.0f);
    while (emitted_ < outputFrames_) emit(kOutBlockFrames, sink);
}

AudioBuffer resample(const AudioBuffer& in, double targetRateHz) { return resample(in, targetRateHz, 0.0); }

AudioBuffer resample(const AudioBuffer& in, double targetRateHz, double passbandEnd) {
    if (in.sampleRateHz == targetRateHz) return in;
    StreamResampler r(in.channels(), in.sampleRateHz, targetRateHz, in.frames(), passbandEnd);
    AudioBuffer out(in.channels(), r.outputFrames(), targetRateHz);
    std::size_t at = 0;
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c)
            std::copy_n(b.channel(c), b.frames, out.samples[static_cast<std::size_t>(c)].data() + at);
        at += b.frames;
    };
    BlockView whole{};  // push() only reads its input
    whole.channels = in.channels();
    whole.frames = in.frames();
    for (int c = 0; c < whole.channels; ++c)
        whole.data[static_cast<std::size_t>(c)] = const_cast<float*>(in.samples[static_cast<std::size_t>(c)].data());
    r.push(whole, sink);
    r.finish(sink);
    return out;
}

}  // namespace lacquer
