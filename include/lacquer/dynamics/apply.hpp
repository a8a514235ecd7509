// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The CPU dynamics stages of a chain, run in blocks. Order (docs/dynamics.md, "Chain order"):
// de-esser, glue compressor (position BeforeMultiband, the default), multiband, glue compressor
// (position AfterMultiband), saturation, stereo (mono bass, then width). The glue compressor's
// lookahead and the saturator's filters delay the audio (Chain::latencyFrames()); AlignedChain
// and applyInPlace/applyAligned remove that delay, so their output is aligned with the input
// and has the same length.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/params.hpp"

namespace lacquer::dynamics {

struct ChainOptions {
    std::optional<DeesserParams> deesser;
    std::optional<MultibandParams> multiband;
    std::optional<StereoParams> stereo;
    std::optional<GlueCompressorParams> compressor = std::nullopt;
    std::optional<SaturationParams> saturation = std::nullopt;
};

struct ChainReport {
    double deesserMaxReductionDb = 0;        // >= 0
    std::vector<double> bandMaxReductionDb;  // per multiband band, >= 0
    // Per multiband band, the largest reduction (dB, >= 0) within each block of tracePeriodFrames.
    std::vector<std::vector<float>> bandTraceDb;
    std::size_t tracePeriodFrames = 0;
    double compressorMaxReductionDb = 0;     // >= 0, the glue compressor's deepest reduction
};

class Deesser;
class Multiband;
class Stereo;
template <class T>
class BasicGlueCompressor;
template <class T>
class BasicSaturator;

// The chain as a stream: a track pushed through process() in blocks of any size, in order. The
// stages keep their state between calls, and the chain cuts its input at every multiple of
// blockFrames counted from the track's first frame, so a track pushed in any blocks gives the
// whole-buffer applyInPlace()'s output and report, sample for sample (tested).
class Chain {
public:
    Chain(double sampleRateHz, int channels, const ChainOptions& options, std::size_t blockFrames = 8192);
    ~Chain();
    Chain(const Chain&) = delete;
    Chain& operator=(const Chain&) = delete;

    bool empty() const { return !deesser_ && !multiband_ && !stereo_ && !compressor_ && !saturator_; }
    // Frames by which the output lags the input (glue lookahead + saturator filters); 0 without.
    std::size_t latencyFrames() const;
    // In place. No allocation, no throw.
    void process(const BlockView& audio);
    // What the stages reported so far (a period still open counts as the trace's last entry).
    ChainReport report() const;

private:
    void run(const BlockView& b);
    void addPeriod(ChainReport& r) const;
    std::size_t blockFrames_;
    std::unique_ptr<Deesser> deesser_;
    std::unique_ptr<Multiband> multiband_;
    std::unique_ptr<Stereo> stereo_;
    std::unique_ptr<BasicGlueCompressor<float>> compressor_;
    std::unique_ptr<BasicSaturator<float>> saturator_;
    bool compressorAfterMultiband_ = false;
    std::size_t position_ = 0;  // frames processed
    ChainReport report_;        // closed periods
};

// A Chain with its latency removed, as a stream: push() hands `sink` the output aligned with the
// input (the first latencyFrames() frames the chain emits are dropped), finish() runs silence
// through for the held-back tail, so exactly as many frames come out as went in.
class AlignedChain {
public:
    AlignedChain(double sampleRateHz, int channels, const ChainOptions& options, std::size_t blockFrames = 8192)
        : chain_(sampleRateHz, channels, options, blockFrames), channels_(channels), rate_(sampleRateHz),
          skip_(chain_.latencyFrames()) {}
    bool empty() const { return chain_.empty(); }
    // `block` is processed in place; `sink(BlockView)` gets the aligned part (maybe empty: not called).
    template <class Sink>
    void push(const BlockView& block, Sink&& sink) {
        chain_.process(block);
        const std::size_t drop = std::min(skip_, block.frames);
        skip_ -= drop;
        if (drop < block.frames) sink(block.slice(drop, block.frames - drop));
    }
    template <class Sink>
    void finish(Sink&& sink) {
        std::size_t left = chain_.latencyFrames();
        if (left == 0) return;
        AudioBuffer zeros(channels_, std::min<std::size_t>(left, 8192), rate_);
        while (left > 0) {
            const std::size_t n = std::min(left, zeros.frames());
            for (auto& ch : zeros.samples) std::fill(ch.begin(), ch.end(), 0.0f);
            push(zeros.view().slice(0, n), sink);
            left -= n;
        }
    }
    ChainReport report() const { return chain_.report(); }

private:
    Chain chain_;
    int channels_;
    double rate_;
    std::size_t skip_;
};

// In place; allocates only the stages (once per call). Returns what the stages reported.
ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& chain, std::size_t blockFrames = 8192);
// Copying form: same as applyInPlace on a copy of `in`.
AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report = nullptr);

}  // namespace lacquer::dynamics
