// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Loudness matching with the limiter in the loop: the gains are solved on the limited timeline,
// so the loudness of the written files lands on target, not the loudness before limiting.
#include <cmath>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "lacquer/limiter/params.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/manifest/plan.hpp"
#include "lacquer/sequence/timeline.hpp"

namespace lacquer::render {

// Gain reduction is taken as the maximum of every kTraceFrames frames (a bucket), attributed to
// the files those frames belong to; SolveResult::limiterTraceDb keeps the maximum of every
// limiterPlotBuckets(rate) buckets, about 0.1 s, for the report's plot.
inline constexpr std::size_t kTraceFrames = 64;
inline std::size_t limiterPlotBuckets(double rateHz) {
    const long buckets = std::lround(0.1 * rateHz / static_cast<double>(kTraceFrames));
    return static_cast<std::size_t>(buckets < 1 ? 1 : buckets);
}

struct SolveResult {
    std::vector<std::size_t> marks;      // frame where each track's file starts on the timeline
    std::size_t frames = 0;              // timeline length (frames, at the tracks' rate)
    std::vector<double> gainsDb;         // per-track gain before the limiter
    std::vector<double> limiterMaxGrDb;  // per-track (per file segment) peak gain reduction
    std::vector<float> limiterTraceDb;   // gain reduction, the maximum of every limiterPlotBuckets buckets
    std::vector<bool> loudnessDefined;   // per-track: the track's own audio has a loudness (else 0 dB gain)
    int iterations = 0;
};

// Receives the limited timeline, frames [at, at + block.frames), in order, on every iteration; a
// later iteration rewrites what an earlier one wrote, and the result's gains are those of the last
// (so a store written at `at` ends up holding the returned timeline).
using TimelineSink = std::function<void(std::size_t at, const BlockView& block)>;

// album mode: one gain g for all tracks (plus each track's offset) so that the album's
//   integrated loudness (ebur128_loudness_global_multiple over the file segments) is the target;
// track mode: per-track gains so that each file segment is at target + offset.
// Tracks whose loudness is undefined (silence, < 400 ms) get 0 dB.
// Iterates (secant steps) until every measured value is within 0.02 LU or 8 iterations.
// The tracks are read block by block (memory: a few blocks, whatever the album's length).
// trackCeilingsDbtp (optional, one per track): the limiter's ceiling over each track's file
// segment, switched at the marks (codec headroom lowers it for single tracks).
// rawMeters (optional, one per track): each track already metered whole (loudness::Meter with
// true peak off, every block of the track in order) where it was written, so the solve does not
// read the tracks once more for its starting point (the meter's result does not depend on how
// the audio was split into blocks: the same numbers).
SolveResult solveLoudness(const std::vector<const AudioSource*>& tracks,
                          const std::vector<sequence::TrackPlacement>& placements,
                          const std::vector<double>& offsetsLu, const LoudnessParams& loudness,
                          const std::optional<limiter::Params>& limiter, const TimelineSink& sink,
                          const std::vector<double>& trackCeilingsDbtp = {},
                          std::vector<loudness::Meter>* rawMeters = nullptr);

// The meter options the solve measures with (integrated loudness only: true peak off).
loudness::MeterOptions solveMeterOptions();

}  // namespace lacquer::render
