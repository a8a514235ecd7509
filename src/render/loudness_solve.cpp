// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/loudness_solve.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/limiter/true_peak_limiter.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::render {
namespace {

// Convergence: 0.02 LU is a fifth of the ±0.1 LU acceptance (EBU Tech 3341), leaving room for
// quantisation and the re-measurement of the written files.
constexpr double kToleranceLu = 0.02;
constexpr int kMaxIterations = 8;

std::optional<double> maxOf(const std::vector<std::optional<double>>& values) {
    bool any = false;
    double m = 0.0;
    for (const auto& v : values)
        if (v && (!any || *v > m)) {
            m = *v;
            any = true;
        }
    return any ? std::optional<double>(m) : std::nullopt;
}

struct Measured {
    std::optional<double> album;
    std::vector<std::optional<double>> tracks;
    std::optional<double> loudest() const { return maxOf(tracks); }
};

Measured measureSegments(const sequence::Timeline& tl) {
    Measured m;
    std::vector<loudness::Meter> meters;
    auto view = const_cast<AudioBuffer&>(tl.audio).view();
    for (std::size_t i = 0; i < tl.marks.size(); ++i) {
        meters.emplace_back(tl.audio.channels(), tl.audio.sampleRateHz);
        meters.back().add(view.slice(tl.marks[i], tl.fileEnd(i) - tl.marks[i]));
        m.tracks.push_back(meters.back().result().integratedLufs);
    }
    std::vector<const loudness::Meter*> ptrs;
    for (const auto& x : meters) ptrs.push_back(&x);
    m.album = loudness::Meter::combinedIntegratedLufs(ptrs);
    return m;
}

// Applies the limiter over the whole timeline with its latency compensated; fills the per-file
// peak gain reduction. Without a limiter, the timeline passes unchanged.
void limitTimeline(sequence::Timeline& tl, const std::optional<limiter::Params>& params, std::vector<double>& maxGrDb,
                   std::vector<float>& trace) {
    maxGrDb.assign(tl.marks.size(), 0.0);
    trace.clear();
    if (!params) return;
    // A fine trace (64 frames, 1.5 ms at 44.1 kHz) attributes gain reduction to files; a bucket
    // straddling a file boundary counts for both, which can only overstate a neighbour's figure.
    auto limited = limiter::applyAligned(tl.audio, *params, kTraceFrames);
    tl.audio = std::move(limited.audio);
    trace = std::move(limited.gainReductionTraceDb);
    for (std::size_t i = 0; i < tl.marks.size(); ++i) {
        const std::size_t from = tl.marks[i] / kTraceFrames;
        const std::size_t to = std::min(trace.size(), (tl.fileEnd(i) + kTraceFrames - 1) / kTraceFrames);
        for (std::size_t k = from; k < to; ++k) maxGrDb[i] = std::max(maxGrDb[i], static_cast<double>(trace[k]));
    }
}

// One secant step per unknown: x is the gain, y the measured loudness; the limiter makes y(x)
// flatten, so the slope is clamped to [0.05, 1.5] to stay stable.
struct Secant {
    double x = 0, y = 0;
    bool havePrev = false;
    double px = 0, py = 0;
    double next(double target) {
        double slope = 1.0;
        if (havePrev && std::abs(x - px) > 1e-6) slope = std::clamp((y - py) / (x - px), 0.05, 1.5);
        px = x;
        py = y;
        havePrev = true;
        return x + (target - y) / slope;
    }
};

}  // namespace

SolveResult solveLoudness(const std::vector<const AudioBuffer*>& tracks,
                          const std::vector<sequence::TrackPlacement>& placements,
                          const std::vector<double>& offsetsLu, const LoudnessParams& loudness,
                          const std::optional<limiter::Params>& limiter) {
    const std::size_t n = tracks.size();
    std::vector<sequence::TrackPlacement> pl = placements;

    // Start from the unprocessed measurement: loudness is shift-equivariant, so without a
    // limiter the first step is already exact (up to the -70 LUFS absolute gate).
    std::vector<std::optional<double>> raw(n);
    std::vector<loudness::Meter> meters;
    for (std::size_t i = 0; i < n; ++i) {
        meters.emplace_back(tracks[i]->channels(), tracks[i]->sampleRateHz);
        meters.back().add(const_cast<AudioBuffer*>(tracks[i])->view());
        raw[i] = meters.back().result().integratedLufs;
    }
    std::vector<bool> defined(n);
    for (std::size_t i = 0; i < n; ++i) defined[i] = raw[i].has_value();

    SolveResult r;
    r.gainsDb.assign(n, 0.0);
    r.loudnessDefined = defined;
    double albumGain = 0;
    if (loudness.mode == LoudnessMode::Album) {
        // Album loudness of the tracks with only their offsets applied.
        std::vector<loudness::Meter> offsetMeters;
        for (std::size_t i = 0; i < n; ++i) {
            AudioBuffer scaled = *tracks[i];
            const float g = static_cast<float>(dbToGain(defined[i] ? offsetsLu[i] : 0.0));
            for (auto& ch : scaled.samples)
                for (auto& s : ch) s *= g;
            offsetMeters.emplace_back(scaled.channels(), scaled.sampleRateHz);
            offsetMeters.back().add(scaled.view());
        }
        std::vector<const loudness::Meter*> ptrs;
        for (const auto& m : offsetMeters) ptrs.push_back(&m);
        std::optional<double> album = loudness::Meter::combinedIntegratedLufs(ptrs);
        if (loudness.anchor == AlbumAnchor::LoudestTrack) {
            std::vector<std::optional<double>> withOffsets(n);
            for (std::size_t i = 0; i < n; ++i)
                if (raw[i]) withOffsets[i] = *raw[i] + offsetsLu[i];
            album = maxOf(withOffsets);
        }
        albumGain = album ? loudness.targetLufs - *album : 0.0;
        for (std::size_t i = 0; i < n; ++i) r.gainsDb[i] = defined[i] ? albumGain + offsetsLu[i] : 0.0;
    } else {
        for (std::size_t i = 0; i < n; ++i)
            r.gainsDb[i] = defined[i] ? loudness.targetLufs + offsetsLu[i] - *raw[i] : 0.0;
    }

    Secant albumSecant;
    std::vector<Secant> trackSecants(n);
    std::vector<double> applied;
    for (int iter = 1; iter <= kMaxIterations; ++iter) {
        throwIfCancelled();
        applied = r.gainsDb;
        for (std::size_t i = 0; i < n; ++i) pl[i].gainDb = applied[i];
        r.timeline = sequence::render(tracks, pl);
        limitTimeline(r.timeline, limiter, r.limiterMaxGrDb, r.limiterTraceDb);
        r.iterations = iter;
        const Measured m = measureSegments(r.timeline);
        bool converged = true;
        if (loudness.mode == LoudnessMode::Album) {
            const auto anchor = loudness.anchor == AlbumAnchor::LoudestTrack ? m.loudest() : m.album;
            if (!anchor) break;
            albumSecant.x = albumGain;
            albumSecant.y = *anchor;
            if (std::abs(*anchor - loudness.targetLufs) > kToleranceLu) {
                converged = false;
                albumGain = albumSecant.next(loudness.targetLufs);
                for (std::size_t i = 0; i < n; ++i) r.gainsDb[i] = defined[i] ? albumGain + offsetsLu[i] : 0.0;
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                if (!defined[i] || !m.tracks[i]) continue;
                const double want = loudness.targetLufs + offsetsLu[i];
                trackSecants[i].x = r.gainsDb[i];
                trackSecants[i].y = *m.tracks[i];
                if (std::abs(*m.tracks[i] - want) > kToleranceLu) {
                    converged = false;
                    r.gainsDb[i] = trackSecants[i].next(want);
                }
            }
        }
        if (converged) break;
    }
    r.gainsDb = applied;  // the gains the returned timeline was rendered with
    return r;
}

}  // namespace lacquer::render
