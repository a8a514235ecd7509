// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Linear-phase EQ design (CPU, double precision; no GPU, no audio buffers).
//
// The bands' analog magnitude responses (dB, summed) form the requested curve. It is sampled on a
// dense grid, turned into a zero-phase impulse response, cut to an odd number of taps centred on
// the latency and shaped by a Kaiser window (β = 10). The result is a symmetric FIR whose exact
// response the Design reports (predictedGainDb), so reports can plot what is applied, not what
// was asked for. Latency = (taps − 1) / 2 frames.
#include <cstddef>
#include <vector>

#include "lacquer/eq/params.hpp"

namespace lacquer::eq {

struct ResponsePoint {
    double freqHz = 0;
    double gainDb = 0;
};

// The requested (ideal, analog-prototype) gain of all bands at freqHz, in dB.
//   highpass/lowpass: Butterworth of order slopeDbOct/6, −3 dB at freqHz;
//   bell: RBJ peaking (gainDb at freqHz, bandwidth from q); notch: RBJ notch;
//   low/high shelf: RBJ shelf (gainDb/2 at freqHz, q = 0.707 is the steepest without overshoot);
//   tilt: gainDb·log2(f/freqHz)/log2(20 kHz/freqHz), f clamped to 20 Hz..20 kHz.
double requestedGainDb(const Bands& bands, double freqHz);

// A magnitude target in dB on log-spaced points (a reference match: eq/match.hpp), interpolated
// linearly in log-frequency and held at its end values outside them. It multiplies the bands'
// requested curve. featureHz: the bandwidth of its narrowest feature (sets the tap count).
struct MagnitudeCurve {
    std::vector<double> freqsHz;  // increasing, > 0
    std::vector<double> gainDb;
    double featureHz = 0;
    double gainDbAt(double freqHz) const;
    bool isFlat() const;  // no points, or every point 0 dB
    bool operator==(const MagnitudeCurve&) const = default;
};

// The bands' requested gain times the curve's, in dB.
double requestedGainDb(const Bands& bands, const MagnitudeCurve* curve, double freqHz);

// True when the bands change nothing (no bands, or only zero-gain bells/shelves/tilts).
bool isFlat(const Bands& bands);

struct DesignOptions {
    // Odd tap count to use; 0 picks one from the lowest feature: 12 periods of its bandwidth,
    // rounded up to 2^k − 1 and kept within [0.3 s, 1.3 s] of taps (2^15−1 .. 2^17−1 at 96 kHz).
    std::size_t taps = 0;
};

class Design {
public:
    Design() = default;
    Design(std::vector<double> taps, double sampleRateHz);

    const std::vector<double>& taps() const { return taps_; }
    std::size_t latencyFrames() const { return taps_.empty() ? 0 : (taps_.size() - 1) / 2; }
    double sampleRateHz() const { return sampleRateHz_; }
    bool isIdentity() const { return taps_.size() == 1 && taps_[0] == 1.0; }

    // Exact magnitude of the FIR at freqHz, in dB (−inf at an exact zero).
    double predictedGainDb(double freqHz) const;
    // `points` log-spaced points from lowHz to highHz (0 = min(Nyquist, 24 kHz)): the curve to plot.
    std::vector<ResponsePoint> predictedCurve(std::size_t points = 256, double lowHz = 10.0,
                                              double highHz = 0.0) const;

private:
    std::vector<double> taps_{1.0};
    double sampleRateHz_ = 0;
};

std::size_t autoTapCount(const Bands& bands, double sampleRateHz, const MagnitudeCurve* curve = nullptr);

// Flat bands (and a flat or absent curve) give the one-tap identity (latency 0).
Design designLinearPhase(const Bands& bands, double sampleRateHz, const DesignOptions& options = {},
                         const MagnitudeCurve* curve = nullptr);

}  // namespace lacquer::eq
