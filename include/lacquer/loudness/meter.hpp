// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Loudness measurement per ITU-R BS.1770-4 / EBU R128 (Tech 3341, 3342) through libebur128.
// Undefined values (silence, programme under 400 ms, NaN input, no peak) are std::nullopt, never
// -inf or a made-up number. NaN/Inf input is detected here, not left to libebur128: version 1.2.6
// (measured) silently drops the gating blocks a mid-programme NaN touches and reports a plausible
// finite loudness and peak.
//
// Channels: 2 channels are Left and Right (weight 1.0 each). 1 channel is measured as ONE front
// channel, the way libebur128 and BS.1770 define it: a mono file reads 3.01 LU lower than the
// same signal played as dual mono (both speakers), which is what the mastering path decodes mono
// into. Pass MonoMode::DualMono to measure a mono signal as heard on two speakers. More than two
// channels follow libebur128's default map in WAV order (L, R, C, LFE unused, Ls, Rs; 5 channels:
// L, R, C, Ls, Rs).
//
// libebur128 status codes never leave this wrapper: a failing call throws
// lacquer::Error(ErrorKind::Io) naming the call. Not thread-safe per object; distinct meters may
// be used on distinct threads.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::loudness {

enum class MonoMode {
    SingleChannel,  // libebur128's default: a lone channel is one front channel (weight 1.0)
    DualMono,       // a lone channel counts twice (EBUR128_DUAL_MONO), +3.01 LU
};

enum class History {
    Off,
    Every100Ms,  // record momentary and short-term loudness every 100 ms (for plots)
};

enum class TruePeak {
    On,   // libebur128's oversampling true-peak meter (most of the meter's cost)
    Off,  // truePeakDbtp stays null; for loudness-only loops such as gain searches
};

struct MeterOptions {
    MonoMode mono = MonoMode::SingleChannel;
    History history = History::Off;
    TruePeak truePeak = TruePeak::On;
};

// Spacing of the loudness history (BS.1770 gating blocks also advance by 100 ms).
inline constexpr double kHistoryPeriodS = 0.1;

struct Measurement {
    std::optional<double> integratedLufs;
    std::optional<double> loudnessRangeLu;
    std::optional<double> truePeakDbtp;    // max over channels, libebur128's 4x (or more) oversampling
    std::optional<double> samplePeakDbfs;  // max over channels
    double durationS = 0.0;
    // NaN or Inf samples were added: every reading above (and every history entry from then on)
    // is null. io::decode already refuses such files; this guards every other caller.
    bool nonFiniteInput = false;

    // Only with History::Every100Ms. Entry i is the loudness of the window ending at
    // (i + 1) * kHistoryPeriodS; windows reaching before the start count the missing audio as
    // silence, as libebur128 does. nullopt where undefined.
    std::vector<std::optional<double>> momentaryHistoryLufs;   // 400 ms windows
    std::vector<std::optional<double>> shortTermHistoryLufs;   // 3 s windows
    std::optional<double> maxMomentaryLufs;   // max of momentaryHistoryLufs
    std::optional<double> maxShortTermLufs;   // max of shortTermHistoryLufs
};

// Accumulates audio and measures it. add() may be called with blocks of any length; results do
// not depend on how the audio was split. Memory grows by a few bytes per 100 ms of audio (the
// gating blocks libebur128 keeps for exact integrated loudness and LRA).
class Meter {
public:
    // Throws Error(ErrorKind::Io) if libebur128 refuses the parameters (channels outside
    // 1..kMaxChannels, rate outside libebur128's range) or runs out of memory.
    Meter(int channels, double sampleRateHz, MeterOptions options = {});
    ~Meter();
    Meter(Meter&&) noexcept;
    Meter& operator=(Meter&&) noexcept;
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

    // block.channels must equal the meter's channels. Interleaves through a fixed scratch
    // buffer (no allocation here besides libebur128's gating-block list).
    void add(const BlockView& block);
    Measurement result() const;

    int channels() const;
    double sampleRateHz() const;
    std::size_t framesAdded() const;

    // Momentary (400 ms) and short-term (3 s) loudness of the most recent audio; nullopt when
    // undefined.
    std::optional<double> momentaryLufs() const;
    std::optional<double> shortTermLufs() const;

    // Album loudness: gated integrated loudness over all meters' blocks together
    // (ebur128_loudness_global_multiple), not an average of tracks. Meters may differ in rate
    // and channels. nullopt for an empty list or when undefined.
    static std::optional<double> combinedIntegratedLufs(const std::vector<const Meter*>& meters);
    // Loudness range over all meters' short-term blocks together (ebur128_loudness_range_multiple).
    static std::optional<double> combinedLoudnessRangeLu(const std::vector<const Meter*>& meters);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Measures a whole buffer (channels and rate as the buffer says).
Measurement measure(const AudioBuffer& audio, MeterOptions options = {});

}  // namespace lacquer::loudness
