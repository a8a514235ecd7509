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

TimelineStream::TimelineStream(std::vector<const AudioSource*> tracks, std::vector<TrackPlacement> placements)
    : tracks_(std::move(tracks)) {
    assert(!tracks_.empty() && tracks_.size() == placements.size());
    const double rate = tracks_[0]->sampleRateHz();
    for (const auto* t : tracks_) {
        assert(t->sampleRateHz() == rate && t->channels() == tracks_[0]->channels());
        lengths_.push_back(t->frames());
    }
    marks_ = layoutMarks(lengths_, placements, rate, &total_);
    // Per-track envelope: gain × fade-in × fade-out × crossfade in (from the previous track)
    // × crossfade out (into the next), each factor in double, multiplied in float in that order.
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        const auto& p = placements[i];
        const std::size_t n = lengths_[i];
        Envelope e;
        e.gain = static_cast<float>(dbToGain(p.gainDb));
        e.fadeIn = std::min(framesOf(p.fadeInS, rate), n);
        e.fadeOut = std::min(framesOf(p.fadeOutS, rate), n);
        e.fadeInCurve = p.fadeInCurve;
        e.fadeOutCurve = p.fadeOutCurve;
        if (i > 0) {
            e.xfIn = std::min({framesOf(placements[i - 1].crossfadeS, rate), lengths_[i - 1], n});
            e.xfInCurve = placements[i - 1].crossfadeCurve;
        }
        if (i + 1 < tracks_.size()) {
            e.xfOut = std::min({framesOf(p.crossfadeS, rate), n, tracks_[i + 1]->frames()});
            e.xfOutCurve = p.crossfadeCurve;
        }
        envelopes_.push_back(e);
    }
}

int TimelineStream::channels() const { return tracks_[0]->channels(); }
double TimelineStream::sampleRateHz() const { return tracks_[0]->sampleRateHz(); }

void TimelineStream::render(std::size_t from, const BlockView& dst) {
    for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c), dst.channel(c) + dst.frames, 0.0f);
    const std::size_t to = from + dst.frames;
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        const std::size_t start = marks_[i], n = lengths_[i];
        const std::size_t a = std::max(from, start), b = std::min(to, start + n);
        if (a >= b) continue;
        const std::size_t count = b - a, k0 = a - start;
        if (scratch_.channels() != dst.channels || scratch_.frames() < count) scratch_ = AudioBuffer(dst.channels, count, sampleRateHz());
        const BlockView src = scratch_.view().slice(0, count);
        tracks_[i]->read(k0, src);
        const Envelope& e = envelopes_[i];
        env_.resize(count);
        auto ramp = [](FadeCurve curve, std::size_t k, std::size_t frames) {
            return static_cast<float>(fadeGain(curve, (static_cast<double>(k) + 0.5) / static_cast<double>(frames)));
        };
        for (std::size_t j = 0; j < count; ++j) {
            const std::size_t k = k0 + j, back = n - 1 - k;
            float g = e.gain;
            if (k < e.fadeIn) g *= ramp(e.fadeInCurve, k, e.fadeIn);
            if (back < e.fadeOut) g *= ramp(e.fadeOutCurve, back, e.fadeOut);
            if (k < e.xfIn) g *= ramp(e.xfInCurve, k, e.xfIn);
            if (back < e.xfOut) g *= ramp(e.xfOutCurve, back, e.xfOut);
            env_[j] = g;
        }
        for (int c = 0; c < dst.channels; ++c) {
            const float* s = src.channel(c);
            float* d = dst.channel(c) + (a - from);
            for (std::size_t j = 0; j < count; ++j) d[j] += s[j] * env_[j];
        }
    }
}

Timeline render(const std::vector<const AudioBuffer*>& tracks, const std::vector<TrackPlacement>& placements) {
    std::vector<BufferSource> sources;
    sources.reserve(tracks.size());
    for (const auto* t : tracks) sources.emplace_back(*t);
    std::vector<const AudioSource*> ptrs;
    for (const auto& s : sources) ptrs.push_back(&s);
    TimelineStream stream(ptrs, placements);
    Timeline tl;
    tl.marks = stream.marks();
    tl.audio = AudioBuffer(stream.channels(), stream.frames(), stream.sampleRateHz());
    constexpr std::size_t kBlock = 65536;
    for (std::size_t at = 0; at < stream.frames(); at += kBlock)
        stream.render(at, tl.audio.view().slice(at, std::min(kBlock, stream.frames() - at)));
    return tl;
}

}  // namespace lacquer::sequence
