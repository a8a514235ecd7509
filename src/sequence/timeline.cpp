// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/sequence/timeline.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "lacquer/common/units.hpp"

namespace lacquer::sequence {

double fadeGain(FadeCurve curve, double t) {
    t = std::clamp(t, 0.0, 1.0);
    switch (curve) {
    case FadeCurve::Linear: return t;
    case FadeCurve::EqualPower: return std::sin(0.5 * std::numbers::pi * t);
    case FadeCurve::Logarithmic:
        // Level rises evenly in dB over the last 60 dB, reaching exactly 0 at t = 0:
        // (1000^t - 1) / 999.
        return (std::pow(1000.0, t) - 1.0) / 999.0;
    }
    return t;
}

namespace {
std::size_t framesOf(double seconds, double rateHz) {
    return static_cast<std::size_t>(std::llround(std::max(0.0, seconds) * rateHz));
}
}  // namespace

std::vector<std::size_t> layoutMarks(const std::vector<std::size_t>& trackFrames,
                                     const std::vector<TrackPlacement>& placements, double rateHz,
                                     std::size_t* totalFrames) {
    assert(trackFrames.size() == placements.size());
    std::vector<std::size_t> marks(trackFrames.size());
    std::size_t pos = 0, end = 0;
    for (std::size_t i = 0; i < trackFrames.size(); ++i) {
        marks[i] = pos;
        end = pos + trackFrames[i];
        if (i + 1 < trackFrames.size()) {
            const std::size_t xf = std::min({framesOf(placements[i].crossfadeS, rateHz), trackFrames[i], trackFrames[i + 1]});
            pos = xf > 0 ? end - xf : end + framesOf(placements[i].gapAfterS, rateHz);
        }
    }
    if (totalFrames) *totalFrames = end;
    return marks;
}

Timeline render(const std::vector<const AudioBuffer*>& tracks, const std::vector<TrackPlacement>& placements) {
    assert(!tracks.empty() && tracks.size() == placements.size());
    const double rate = tracks[0]->sampleRateHz;
    const int channels = tracks[0]->channels();
    std::vector<std::size_t> lengths;
    for (const auto* t : tracks) {
        assert(t->sampleRateHz == rate && t->channels() == channels);
        lengths.push_back(t->frames());
    }
    std::size_t total = 0;
    Timeline tl;
    tl.marks = layoutMarks(lengths, placements, rate, &total);
    tl.audio = AudioBuffer(channels, total, rate);

    std::vector<float> envelope;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto& p = placements[i];
        const std::size_t n = lengths[i];
        // Per-track envelope: gain × fade-in × fade-out × crossfade in (from the previous track)
        // × crossfade out (into the next). Computed in double, applied once.
        envelope.assign(n, static_cast<float>(dbToGain(p.gainDb)));
        auto applyIn = [&](std::size_t frames, FadeCurve curve) {
            frames = std::min(frames, n);
            for (std::size_t k = 0; k < frames; ++k)
                envelope[k] *= static_cast<float>(fadeGain(curve, (static_cast<double>(k) + 0.5) / static_cast<double>(frames)));
        };
        auto applyOut = [&](std::size_t frames, FadeCurve curve) {
            frames = std::min(frames, n);
            for (std::size_t k = 0; k < frames; ++k)
                envelope[n - 1 - k] *= static_cast<float>(fadeGain(curve, (static_cast<double>(k) + 0.5) / static_cast<double>(frames)));
        };
        applyIn(framesOf(p.fadeInS, rate), p.fadeInCurve);
        applyOut(framesOf(p.fadeOutS, rate), p.fadeOutCurve);
        if (i > 0) {
            const std::size_t xf = std::min({framesOf(placements[i - 1].crossfadeS, rate), lengths[i - 1], n});
            applyIn(xf, placements[i - 1].crossfadeCurve);
        }
        if (i + 1 < tracks.size()) {
            const std::size_t xf = std::min({framesOf(p.crossfadeS, rate), n, lengths[i + 1]});
            applyOut(xf, p.crossfadeCurve);
        }
        const std::size_t at = tl.marks[i];
        for (int c = 0; c < channels; ++c) {
            const float* src = tracks[i]->samples[static_cast<std::size_t>(c)].data();
            float* dst = tl.audio.samples[static_cast<std::size_t>(c)].data() + at;
            for (std::size_t k = 0; k < n; ++k) dst[k] += src[k] * envelope[k];
        }
    }
    return tl;
}

}  // namespace lacquer::sequence
