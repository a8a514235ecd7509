// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Head/tail trimming, DC removal and the clean-up warnings of a source mix (docs/manifest.md,
// `trim`). Units: frames of the source (at its own rate), seconds in messages.
//
// Sound = a frame whose sample peak over the channels (after the DC offset is subtracted) is
// above thresholdDb. Auto head: the kept audio starts keepMs before the first sound (not before
// the file's start); auto tail: it ends keepMs after the last sound. SECONDS cuts exactly that
// much. A new edge (one the trim made) gets a raised-cosine fade over the kept margin, at least
// kMinFadeMs, so the cut makes no click; the file's own edges are left as they are.
// Warnings: a silence (every 10 ms window under the threshold) of kLongSilenceS or more between
// sounds, and a source whose first or last 10 ms peaks above kAbruptEdgeDbfs (or the threshold,
// if higher): it starts or ends without fading from/to silence (the mix was cut).
#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/sequence/trim_params.hpp"

namespace lacquer::sequence {

inline constexpr double kMinFadeMs = 5.0;
inline constexpr double kLongSilenceS = 4.0;
inline constexpr double kScanWindowMs = 10.0;
// An edge this loud (or over the threshold, if that is higher) is a cut, not a fade: a step to
// -40 dBFS is an audible tick on quiet playback; quieter starts (a fade's first notes) are not.
inline constexpr double kAbruptEdgeDbfs = -40.0;
inline constexpr double kDcHighPassHz = 5.0;      // -0.017 dB at 20 Hz
inline constexpr double kDcWarmUpS = 1.0;         // the high-pass runs this long before the kept audio

struct TrimResult {
    double sampleRateHz = 0;
    std::size_t sourceFrames = 0;
    std::size_t from = 0, to = 0;             // kept frames [from, to) of the source
    std::size_t fadeInFrames = 0, fadeOutFrames = 0;
    // dc: remove: each channel's mean over the file (as measured, for the report) and a 2nd-order
    // Butterworth high-pass at kDcHighPassHz that removes it (a subtracted mean would turn digital
    // silence around a program with an asymmetric mean into a -50 dBFS offset; the high-pass
    // leaves silence silent). Empty dcOffset = not removed.
    std::vector<double> dcOffset;
    std::optional<std::size_t> firstSound, lastSound;
    std::vector<std::pair<double, double>> longSilencesS;  // [start, end) in source seconds
    double startPeakDbfs = -999, endPeakDbfs = -999;        // first/last 10 ms of the source
    bool startsAbruptly = false, endsAbruptly = false;

    double headCutS() const { return static_cast<double>(from) / sampleRateHz; }
    double tailCutS() const { return static_cast<double>(sourceFrames - to) / sampleRateHz; }
    double keptS() const { return static_cast<double>(to - from) / sampleRateHz; }
    // One line per warning, for the log and the report.
    std::vector<std::string> warnings() const;
};

// Streams blocks of a source in order and finds sound, silences and edge levels.
class SoundScan {
public:
    enum class Dc { Keep, HighPass };
    SoundScan(int channels, double sampleRateHz, std::size_t totalFrames, double thresholdDb, Dc dc = Dc::Keep);
    void add(const BlockView& block);
    // The scan as a TrimResult that keeps everything (from 0 to the end, no fades).
    TrimResult result() const;

private:
    void closeWindow();
    double rate_;
    std::size_t total_;
    double threshold_;
    bool highPass_ = false;
    std::vector<std::array<double, 3>> hp_;  // per channel: TDF-II state s1, s2 and "started"
    std::size_t window_;
    std::size_t at_ = 0;
    double windowPeak_ = 0;
    std::size_t windowFill_ = 0;
    std::size_t silentSince_ = 0;  // frame where the present run of silent windows began
    bool inSilence_ = false;
    bool heard_ = false;  // a window with sound has closed (a later silence is inside the track)
    double startPeak_ = 0, endPeak_ = 0;
    TrimResult r_;
};

// Reads the source (twice when removing DC: its mean first) and decides the cut. Throws
// Error(Input) when explicit cuts leave nothing.
TrimResult analyseTrim(const AudioSource& source, const TrimParams& params, const std::string& where);

// The source seen through a TrimResult: frames [from, to), DC removed, fades at the new edges.
// With DC removal the high-pass runs from kDcWarmUpS before the kept audio (its state starting
// as if that first frame had always been there), so every read gives the same samples; reads in
// order cost nothing extra, others re-run the filter from there (serialised by a mutex).
class TrimmedSource final : public AudioSource {
public:
    TrimmedSource(const AudioSource& source, TrimResult trim);
    int channels() const override { return source_.channels(); }
    double sampleRateHz() const override { return source_.sampleRateHz(); }
    std::size_t frames() const override { return trim_.to - trim_.from; }
    void read(std::size_t from, const BlockView& dst) const override;
    const TrimResult& trim() const { return trim_; }

private:
    void highPass(std::size_t from, const BlockView& dst) const;
    const AudioSource& source_;
    TrimResult trim_;
    std::size_t warmStart_ = 0;  // source frame where the high-pass starts
    mutable std::mutex mutex_;
    mutable std::vector<std::array<double, 2>> state_;  // per channel, at source frame next_
    mutable std::size_t next_ = 0;
    mutable bool started_ = false;
};

}  // namespace lacquer::sequence
