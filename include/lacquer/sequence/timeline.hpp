// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The album timeline: tracks placed one after another with gaps, fades and crossfades, rendered
// once as one continuous programme and then split at the track marks, so the per-track files play
// back gaplessly and reproduce the album sample for sample.
//
// Layout (all in frames at the timeline's rate):
//   start[0] = 0;  a track occupies [start[i], start[i] + length[i]).
//   without a crossfade: start[i+1] = end[i] + gap (the gap is silence that belongs to track i's
//     file, i.e. it is heard before track i+1 starts when playing files in order);
//   with a crossfade of X frames: start[i+1] = end[i] - X, the two overlap over X frames with the
//     chosen curve (fade out of i, fade in of i+1), and track i+1's file starts at the crossfade.
//   mark[i] = start[i]; file i = [mark[i], mark[i+1]) and the last file runs to the end.
#include <cstddef>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/sequence/fade.hpp"

namespace lacquer::sequence {

// Gain of a fade at position t in [0, 1] (0 = silent end, 1 = full level) for a fade-in.
// A fade-out uses fadeGain(curve, 1 - t). Equal-power fades in and out sum to constant power.
double fadeGain(FadeCurve curve, double t);

struct TrackPlacement {
    double gainDb = 0.0;
    double fadeInS = 0.0, fadeOutS = 0.0;
    FadeCurve fadeInCurve = FadeCurve::EqualPower, fadeOutCurve = FadeCurve::EqualPower;
    double crossfadeS = 0.0;  // into the next track
    FadeCurve crossfadeCurve = FadeCurve::EqualPower;
    double gapAfterS = 0.0;   // used when crossfadeS == 0
};

struct Timeline {
    AudioBuffer audio;
    std::vector<std::size_t> marks;  // frame where each track's file starts
    std::size_t fileEnd(std::size_t i) const { return i + 1 < marks.size() ? marks[i + 1] : audio.frames(); }
};

// Layout only (marks and total length) without rendering.
std::vector<std::size_t> layoutMarks(const std::vector<std::size_t>& trackFrames,
                                     const std::vector<TrackPlacement>& placements, double rateHz,
                                     std::size_t* totalFrames);

// Renders the timeline. All tracks must share one rate and channel count.
Timeline render(const std::vector<const AudioBuffer*>& tracks, const std::vector<TrackPlacement>& placements);

// The same timeline rendered block by block from sources (memory stays one block per overlapping
// track): render() is this stream run over the whole length, so both give identical samples.
class TimelineStream {
public:
    // All sources share one rate and channel count and outlive the stream.
    TimelineStream(std::vector<const AudioSource*> tracks, std::vector<TrackPlacement> placements);
    std::size_t frames() const { return total_; }
    const std::vector<std::size_t>& marks() const { return marks_; }
    std::size_t fileEnd(std::size_t i) const { return i + 1 < marks_.size() ? marks_[i + 1] : total_; }
    int channels() const;
    double sampleRateHz() const;
    // Fills dst with timeline frames [from, from + dst.frames) (zeros past the end).
    // Not thread-safe: one stream per thread.
    void render(std::size_t from, const BlockView& dst);

private:
    struct Envelope {
        float gain = 1.0f;
        std::size_t fadeIn = 0, fadeOut = 0, xfIn = 0, xfOut = 0;
        FadeCurve fadeInCurve{}, fadeOutCurve{}, xfInCurve{}, xfOutCurve{};
    };
    std::vector<const AudioSource*> tracks_;
    std::vector<Envelope> envelopes_;
    std::vector<std::size_t> lengths_, marks_;
    std::size_t total_ = 0;
    AudioBuffer scratch_;
    std::vector<float> env_;
};

}  // namespace lacquer::sequence
