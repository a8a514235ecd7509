// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Loudness measurement per ITU-R BS.1770-4 / EBU R128 (Tech 3341, 3342): lacquer's own meter
// (src/loudness/meter.cpp, bs1770.hpp), held by the tests against libebur128 (Ebur128Meter,
// ebur128_meter.hpp) and the EBU conformance signals. Where it differs from libebur128 by design:
// - true peak: a 16-tap-per-phase Kaiser-windowed-sinc Nyquist interpolator (bs1770.hpp says why),
//   4x below 88.2 kHz, 2x below 176.4 kHz, none above; libebur128's reads dense limited material
//   up to 0.7 dB high;
// - loudness range: short-term windows every 100 ms as Tech 3342 (2016) asks; libebur128 1.2.6
//   takes one per second;
// - momentaryLufs()/shortTermLufs() and the history read whole 100 ms sub-blocks.
// Undefined values (silence, programme under 400 ms, NaN input, no peak) are std::nullopt, never
// -inf or a made-up number; any NaN/Inf sample makes every reading null.
//
// Channels: 2 channels are Left and Right (weight 1.0 each). 1 channel is measured as ONE front
// channel, the way libebur128 and BS.1770 define it: a mono file reads 3.01 LU lower than the
// same signal played as dual mono (both speakers), which is what the mastering path decodes mono
// into. Pass MonoMode::DualMono to measure a mono signal as heard on two speakers. More than two
// channels follow libebur128's default map in WAV order (L, R, C, LFE unused, Ls, Rs; 4 channels:
// L, R, Ls, Rs; 5 channels: L, R, C, Ls, Rs).
//
// Not thread-safe per object; distinct meters may be used on distinct threads.
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
    On,   // the oversampling true-peak meter (about half of the meter's cost)
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
    std::optional<double> truePeakDbtp;    // max over channels, 4x/2x/1x oversampled (see above)
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
// not depend on how the audio was split (bit for bit). Memory grows by 16 bytes per 100 ms of
// audio (one double per gating block and one per short-term window, kept for exact integrated
// loudness and LRA and for album readings over several meters).
class Meter {
public:
    // Throws Error(ErrorKind::Io) for channels outside 1..kMaxChannels or a rate outside
    // 8 kHz..768 kHz (callers validate first; this is a bug guard).
    Meter(int channels, double sampleRateHz, MeterOptions options = {});
    ~Meter();
    Meter(Meter&&) noexcept;
    Meter& operator=(Meter&&) noexcept;
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

    // block.channels must equal the meter's channels. No allocation besides the gating lists.
    void add(const BlockView& block);
    Measurement result() const;

    int channels() const;
    double sampleRateHz() const;
    std::size_t framesAdded() const;

    // Momentary (400 ms) and short-term (3 s) loudness of the audio up to the last whole 100 ms
    // sub-block; nullopt when undefined.
    std::optional<double> momentaryLufs() const;
    std::optional<double> shortTermLufs() const;

    // Album loudness: gated integrated loudness over all meters' blocks together (as
    // ebur128_loudness_global_multiple), not an average of tracks. Meters may differ in rate
    // and channels. nullopt for an empty list or when undefined.
    static std::optional<double> combinedIntegratedLufs(const std::vector<const Meter*>& meters);
    // The same as if meter i's audio had been scaled by gainsDb[i] (one per meter): K-weighting is
    // linear, so each gating block's energy scales by 10^(gain/10) and no second pass over the
    // audio is needed (it agrees with measuring scaled audio to rounding, about 1e-6 LU).
    static std::optional<double> combinedIntegratedLufs(const std::vector<const Meter*>& meters,
                                                        const std::vector<double>& gainsDb);
    // Loudness range over all meters' short-term windows together.
    static std::optional<double> combinedLoudnessRangeLu(const std::vector<const Meter*>& meters);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Measures a whole buffer (channels and rate as the buffer says).
Measurement measure(const AudioBuffer& audio, MeterOptions options = {});

}  // namespace lacquer::loudness
