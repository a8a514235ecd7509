// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include "lacquer/common/audio.hpp"

namespace lacquer {

// Resamples with libsoxr at very high quality (SOXR_VHQ, linear phase), removing the filter's
// delay so frame 0 stays frame 0. Output length = round(in.frames() * rate / in.rate).
// Returns a copy when the rate already matches.
AudioBuffer resample(const AudioBuffer& in, double targetRateHz);
// The same with the filter's passband end set (fraction of the lower Nyquist frequency, < 1):
// e.g. 0.995 keeps content up to 99.5 % of Nyquist when upsampling to read peaks between samples.
AudioBuffer resample(const AudioBuffer& in, double targetRateHz, double passbandEnd);

// The same resampler, streamed: a track of `inputFrames` frames is pushed in blocks of any size
// and the output leaves through `sink` in blocks as libsoxr produces it, so memory stays at
// libsoxr's filter state and one block however long the track. The output is the one-shot
// resample()'s sample for sample (same filter, same delay removal; tested), exactly
// outputFrames() frames in all: libsoxr's flush is cut or zero-padded to that length.
// A matching rate passes the blocks through unchanged.
class StreamResampler {
public:
    using Sink = std::function<void(const BlockView&)>;
    StreamResampler(int channels, double inRateHz, double outRateHz, std::size_t inputFrames,
                    double passbandEnd = 0.0);
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    std::size_t outputFrames() const { return outputFrames_; }
    // Input in order; more than inputFrames in all is cut. Throws Error(Io) if libsoxr fails.
    void push(const BlockView& in, const Sink& sink);
    // After the last push: flushes the filter and pads to outputFrames().
    void finish(const Sink& sink);

private:
    void emit(std::size_t frames, const Sink& sink);
    struct Soxr;
    std::unique_ptr<Soxr> soxr_;
    int channels_;
    bool same_;
    std::size_t inputFrames_, pushed_ = 0;
    std::size_t outputFrames_, emitted_ = 0;
    AudioBuffer out_;  // one block of output
};

}  // namespace lacquer
