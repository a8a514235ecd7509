// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Loudness measurement per ITU-R BS.1770-4 / EBU R128 through libebur128. Undefined values
// (silence, programme under 400 ms, no peak) are std::nullopt, never -inf or a made-up number.
#include <memory>
#include <optional>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::loudness {

struct Measurement {
    std::optional<double> integratedLufs;
    std::optional<double> loudnessRangeLu;
    std::optional<double> truePeakDbtp;    // max over channels, libebur128's 4x (or more) oversampling
    std::optional<double> samplePeakDbfs;  // max over channels
    double durationS = 0.0;
};

class Meter {
public:
    Meter(int channels, double sampleRateHz);
    ~Meter();
    Meter(Meter&&) noexcept;
    Meter& operator=(Meter&&) noexcept;
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

    void add(const BlockView& block);
    Measurement result() const;

    // Momentary (400 ms) and short-term (3 s) loudness of the most recent audio; nullopt when
    // undefined.
    std::optional<double> momentaryLufs() const;
    std::optional<double> shortTermLufs() const;

    // Album loudness: gated integrated loudness over all meters' blocks together
    // (ebur128_loudness_global_multiple), not an average of tracks.
    static std::optional<double> combinedIntegratedLufs(const std::vector<const Meter*>& meters);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Measures a whole buffer.
Measurement measure(const AudioBuffer& audio);

}  // namespace lacquer::loudness
