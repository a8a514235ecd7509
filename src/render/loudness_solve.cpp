// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/loudness_solve.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/limiter/true_peak_limiter.hpp"
#include "render/block_pipe.hpp"
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

// Frames per block of the album pass: a multiple of kTraceFrames and of the quantiser's
// silence blocks, small enough to stay in cache per stage.
constexpr std::size_t kBlockFrames = 8192;

struct Measured {
    std::optional<double> album;
    std::vector<std::optional<double>> tracks;
    std::optional<double> loudest() const { return maxOf(tracks); }
};

loudness::MeterOptions integratedOnly() {
    loudness::MeterOptions o;
    o.truePeak = loudness::TruePeak::Off;  // the solve needs integrated loudness only
    return o;
}

// One pass over the timeline: render, limit (latency compensated), measure each file segment and
// hand the limited blocks to the sink. Without a limiter, the timeline passes unchanged.
Measured limitAndMeasure(sequence::TimelineStream& stream, const std::optional<limiter::Params>& params,
                         std::vector<double>& maxGrDb, std::vector<float>& trace, const TimelineSink& sink,
                         const std::vector<double>& ceilings) {
    const std::size_t total = stream.frames(), n = stream.marks().size();
    const int nc = stream.channels();
    const double rate = stream.sampleRateHz();
    std::vector<loudness::Meter> meters;
    for (std::size_t i = 0; i < n; ++i) meters.emplace_back(nc, rate, integratedOnly());
    maxGrDb.assign(n, 0.0);
    trace.clear();
    std::optional<limiter::TruePeakLimiter> lim;
    if (params) lim.emplace(limiter::Spec{rate, nc, kBlockFrames}, *params);
    const std::size_t lat = lim ? static_cast<std::size_t>(lim->latencyFrames()) : 0;
    AudioBuffer block(nc, kBlockFrames, rate);
    const BlockView bv = block.view();
    double traceMinGain = 1.0;
    std::size_t traceCount = 0;
    std::size_t bucket = 0;        // index of the kTraceFrames bucket being filled
    std::size_t firstTrack = 0;    // the first file segment the current bucket can touch
    // The plot keeps the maximum of every `perPlot` buckets (0.1 s), not every bucket: a float per
    // 64 frames would grow with the album (32 MB for 3 hours at 48 kHz).
    const std::size_t perPlot = limiterPlotBuckets(rate);
    float plotMax = 0.0f;
    std::size_t plotCount = 0;
    // A bucket's gain reduction counts for every file segment it overlaps (a bucket straddling a
    // file boundary counts for both, which can only overstate a neighbour's figure).
    auto closeBucket = [&] {
        const auto db = static_cast<float>(-20.0 * std::log10(traceMinGain));
        const std::size_t lo = bucket * kTraceFrames, hi = lo + kTraceFrames;
        while (firstTrack < n && stream.fileEnd(firstTrack) <= lo) ++firstTrack;
        for (std::size_t i = firstTrack; i < n && stream.marks()[i] < hi; ++i)
            maxGrDb[i] = std::max(maxGrDb[i], static_cast<double>(db));
        plotMax = plotCount == 0 ? db : std::max(plotMax, db);
        if (++plotCount == perPlot) {
            trace.push_back(plotMax);
            plotCount = 0;
        }
        ++bucket;
        traceMinGain = 1.0;
        traceCount = 0;
    };
    // The meters and the sink (the timeline's spill write) run on a second core behind the
    // timeline render and the limiter (render/block_pipe.hpp: same blocks, same order, same bytes).
    BlockPipe pipe(nc, [&](std::size_t at, const BlockView& out) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t a = std::max(at, stream.marks()[i]), b = std::min(at + out.frames, stream.fileEnd(i));
            if (a < b) meters[i].add(out.slice(a - at, b - a));
        }
        if (sink) sink(at, out);
    });
    std::vector<float> gains(kBlockFrames, 1.0f);
    // The ceiling in force for input frame f: that of the file segment holding f.
    std::size_t segment = 0;
    if (lim && !ceilings.empty()) lim->setCeilingDbtp(ceilings[0]);
    for (std::size_t start = 0; start < total + lat; start += kBlockFrames) {
        throwIfCancelled();
        const std::size_t len = std::min(kBlockFrames, total + lat - start);
        stream.render(start, bv.slice(0, len));  // zeros past the end flush the limiter
        if (lim) {
            // Processed in pieces split at the marks where the ceiling changes.
            for (std::size_t done = 0; done < len;) {
                std::size_t piece = len - done;
                if (!ceilings.empty()) {
                    while (segment + 1 < n && stream.marks()[segment + 1] <= start + done) {
                        ++segment;
                        lim->setCeilingDbtp(ceilings[segment]);
                    }
                    if (segment + 1 < n) piece = std::min(piece, stream.marks()[segment + 1] - (start + done));
                }
                lim->process(bv.slice(done, piece));
                std::copy_n(lim->lastBlockGains().data(), piece, gains.data() + done);
                done += piece;
            }
        }
        // Output frame start + k is timeline frame start + k - lat.
        const std::size_t skip = start >= lat ? 0 : std::min(len, lat - start);
        const std::size_t at = start + skip - lat;
        const std::size_t count = std::min(len - skip, total > at ? total - at : 0);
        if (count == 0) continue;
        const BlockView out = bv.slice(skip, count);
        if (lim) {
            // Fine buckets (64 frames, 1.5 ms at 44.1 kHz) attribute gain reduction to files.
            const float* g = gains.data() + skip;
            for (std::size_t k = 0; k < count; ++k) {
                traceMinGain = std::min(traceMinGain, static_cast<double>(g[k]));
                if (++traceCount == kTraceFrames) closeBucket();
            }
        }
        pipe.push(at, out);
    }
    pipe.finish();
    if (lim && traceCount > 0) closeBucket();
    if (lim && plotCount > 0) trace.push_back(plotMax);
    Measured m;
    std::vector<const loudness::Meter*> ptrs;
    for (const auto& x : meters) {
        m.tracks.push_back(x.result().integratedLufs);
        ptrs.push_back(&x);
    }
    m.album = loudness::Meter::combinedIntegratedLufs(ptrs);
    return m;
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

SolveResult solveLoudness(const std::vector<const AudioSource*>& tracks,
                          const std::vector<sequence::TrackPlacement>& placements,
                          const std::vector<double>& offsetsLu, const LoudnessParams& loudness,
                          const std::optional<limiter::Params>& limiter, const TimelineSink& sink,
                          const std::vector<double>& trackCeilingsDbtp) {
    const std::size_t n = tracks.size();
    std::vector<sequence::TrackPlacement> pl = placements;

    // Start from the unprocessed measurement: loudness is shift-equivariant, so without a
    // limiter the first step is already exact (up to the -70 LUFS absolute gate). Album mode also
    // needs the album's loudness with only the offsets applied; both come from one read per track.
    std::vector<std::optional<double>> raw(n);
    std::vector<loudness::Meter> rawMeters;
    {
        AudioBuffer block;
        for (std::size_t i = 0; i < n; ++i) {
            const int nc = tracks[i]->channels();
            const double rate = tracks[i]->sampleRateHz();
            rawMeters.emplace_back(nc, rate, integratedOnly());
            block = AudioBuffer(nc, kBlockFrames, rate);
            for (std::size_t at = 0; at < tracks[i]->frames(); at += kBlockFrames) {
                const BlockView v = block.view().slice(0, std::min(kBlockFrames, tracks[i]->frames() - at));
                tracks[i]->read(at, v);
                rawMeters.back().add(v);
            }
            raw[i] = rawMeters.back().result().integratedLufs;
        }
    }
    std::vector<bool> defined(n);
    for (std::size_t i = 0; i < n; ++i) defined[i] = raw[i].has_value();

    SolveResult r;
    r.gainsDb.assign(n, 0.0);
    r.loudnessDefined = defined;
    double albumGain = 0;
    if (loudness.mode == LoudnessMode::Album) {
        // Album loudness of the tracks with only their offsets applied, from the same blocks
        // (measured once: scaling audio scales its gating energies).
        std::vector<const loudness::Meter*> ptrs;
        std::vector<double> offsets(n);
        for (std::size_t i = 0; i < n; ++i) {
            ptrs.push_back(&rawMeters[i]);
            offsets[i] = raw[i] ? offsetsLu[i] : 0.0;
        }
        std::optional<double> album = loudness::Meter::combinedIntegratedLufs(ptrs, offsets);
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
        sequence::TimelineStream stream(tracks, pl);
        r.marks = stream.marks();
        r.frames = stream.frames();
        const Measured m = limitAndMeasure(stream, limiter, r.limiterMaxGrDb, r.limiterTraceDb, sink, trackCeilingsDbtp);
        r.iterations = iter;
        bool converged = true;
        if (loudness.mode == LoudnessMode::Album) {
            const auto anchor = loudness.anchor == AlbumAnchor::LoudestTrack ? m.loudest() : m.album;
            if (!anchor) break;
            albumSecant.x = albumGain;
            albumSecant.y = *anchor;
            const double worstGr = r.limiterMaxGrDb.empty() ? 0.0 : *std::max_element(r.limiterMaxGrDb.begin(), r.limiterMaxGrDb.end());
            // More gain would only drive the limiter further past max_limiting_db (a target the
            // ceiling cannot give): stop, and let the checks report the miss.
            const bool pastLimit = *anchor < loudness.targetLufs && worstGr > loudness.maxLimitingDb;
            if (std::abs(*anchor - loudness.targetLufs) > kToleranceLu && !pastLimit) {
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
                const bool pastLimit = *m.tracks[i] < want && r.limiterMaxGrDb[i] > loudness.maxLimitingDb;
                if (std::abs(*m.tracks[i] - want) > kToleranceLu && !pastLimit) {
                    converged = false;
                    r.gainsDb[i] = trackSecants[i].next(want);
                }
            }
        }
        if (converged) break;
    }
    r.gainsDb = applied;  // the gains the sink's timeline was rendered with
    return r;
}

}  // namespace lacquer::render
