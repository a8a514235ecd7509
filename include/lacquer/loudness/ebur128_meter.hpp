// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The reference meter: BS.1770-4 / EBU R128 through libebur128 (Debian 12: 1.2.6). lacquer's own
// loudness::Meter (meter.hpp) replaced it in the render path; this wrapper stays as the
// independent implementation the tests and bench_loudness hold the fast meter against, the way
// the FFT backends are held against their double twin. Same interface and the same null rules as
// loudness::Meter (see meter.hpp), with libebur128's readings:
// - true peak: libebur128's own interpolator (4x below 96 kHz, 2x below 192 kHz);
// - loudness range: libebur128's short-term blocks every 1 s (Tech 3342 before 2016);
// - momentaryLufs()/shortTermLufs(): the last 400 ms / 3 s of audio, to the frame.
//
// libebur128 status codes never leave this wrapper: a failing call throws
// lacquer::Error(ErrorKind::Io) naming the call. Not thread-safe per object.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::loudness {

class Ebur128Meter {
public:
    // Throws Error(ErrorKind::Io) naming ebur128_init if libebur128 refuses the parameters.
    Ebur128Meter(int channels, double sampleRateHz, MeterOptions options = {});
    ~Ebur128Meter();
    Ebur128Meter(Ebur128Meter&&) noexcept;
    Ebur128Meter& operator=(Ebur128Meter&&) noexcept;
    Ebur128Meter(const Ebur128Meter&) = delete;
    Ebur128Meter& operator=(const Ebur128Meter&) = delete;

    void add(const BlockView& block);
    Measurement result() const;

    int channels() const;
    double sampleRateHz() const;
    std::size_t framesAdded() const;
    std::optional<double> momentaryLufs() const;
    std::optional<double> shortTermLufs() const;

    static std::optional<double> combinedIntegratedLufs(const std::vector<const Ebur128Meter*>& meters);
    static std::optional<double> combinedLoudnessRangeLu(const std::vector<const Ebur128Meter*>& meters);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Measures a whole buffer with libebur128.
Measurement measureEbur128(const AudioBuffer& audio, MeterOptions options = {});

}  // namespace lacquer::loudness
