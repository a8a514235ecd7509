// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The CPU dynamics stages of a chain, run in blocks. Every stage here has latency 0, so the output
// is aligned with the input and has the same length. Order: de-esser, multiband, stereo (mono
// bass, then width).
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
};

struct ChainReport {
    double deesserMaxReductionDb = 0;        // >= 0
    std::vector<double> bandMaxReductionDb;  // per multiband band, >= 0
    // Per multiband band, the largest reduction (dB, >= 0) within each block of tracePeriodFrames.
    std::vector<std::vector<float>> bandTraceDb;
    std::size_t tracePeriodFrames = 0;
};

class Deesser;
class Multiband;
class Stereo;

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

    bool empty() const { return !deesser_ && !multiband_ && !stereo_; }
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
    std::size_t position_ = 0;  // frames processed
    ChainReport report_;        // closed periods
};

// In place; allocates only the stages (once per call). Returns what the stages reported.
ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& chain, std::size_t blockFrames = 8192);
// Copying form: same as applyInPlace on a copy of `in`.
AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report = nullptr);

}  // namespace lacquer::dynamics
