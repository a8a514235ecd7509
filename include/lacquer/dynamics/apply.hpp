// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Whole-buffer convenience for the renderer: runs the CPU dynamics stages of a chain over an
// AudioBuffer in blocks. Every stage here has latency 0, so the output is aligned with the input
// and has the same length. Order: de-esser, multiband, stereo (mono bass, then width).
#include <cstddef>
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

// In place; allocates only the stages (once per call). Returns what the stages reported.
ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& chain, std::size_t blockFrames = 8192);
// Copying form: same as applyInPlace on a copy of `in`.
AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report = nullptr);

}  // namespace lacquer::dynamics
