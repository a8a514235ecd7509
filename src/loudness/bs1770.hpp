// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The pieces of lacquer's BS.1770-4 meter (loudness::Meter), kept apart so the tests can check
// each one against its analytic reference: the K-weighting design, the true-peak interpolator's
// design, and the gating arithmetic of integrated loudness (BS.1770-4) and loudness range
// (EBU Tech 3342). Energies are BS.1770's channel-weighted mean squares; loudness is
// -0.691 + 10·log10(energy). Everything here is pure and thread-safe.
#include <array>
#include <cstddef>
#include <vector>

namespace lacquer::loudness::bs1770 {

// BS.1770-4 eq. 2: L = -0.691 + 10 log10(sum of weighted mean squares).
inline constexpr double kLoudnessOffsetLu = -0.691;
// BS.1770-4 gating: absolute -70 LKFS, relative -10 LU (integrated); Tech 3342: relative -20 LU (LRA).
inline constexpr double kAbsoluteGateLufs = -70.0;
inline constexpr double kIntegratedRelativeGateLu = -10.0;
inline constexpr double kRangeRelativeGateLu = -20.0;
// Tech 3342: LRA is the 95th minus the 10th percentile of the gated short-term distribution.
inline constexpr double kRangeLowPercentile = 0.10;
inline constexpr double kRangeHighPercentile = 0.95;

double energyToLufs(double energy);  // -inf for energy <= 0
double lufsToEnergy(double lufs);

// One biquad, a0 normalised to 1: y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2.
struct Biquad {
    double b0, b1, b2, a1, a2;
};

// The two K-weighting stages of BS.1770-4 (Annex 1) at any sample rate: the high-shelf
// "pre-filter" (about +4 dB above 2 kHz, head acoustics) and the RLB high-pass (38 Hz). The
// standard tabulates both at 48 kHz only; they are re-derived here from their analog prototypes
// (shelf: f0 1681.97 Hz, +4.00 dB, Q 0.7072; high-pass: f0 38.135 Hz, Q 0.5003) by the bilinear
// transform with the frequency pre-warped at f0, which reproduces the 48 kHz table to 1e-8.
struct KWeighting {
    Biquad shelf;
    Biquad highpass;
};
KWeighting designKWeighting(double sampleRateHz);

// True-peak interpolator (BS.1770-4 Annex 2 asks for at least 4x oversampling at 48 kHz and
// leaves the filter to the implementer; its example is a 48-tap, 12-per-phase FIR). Ours: a
// Kaiser-windowed sinc with its cut-off exactly at the input's Nyquist frequency, 24 taps per
// phase (a 97-tap prototype at 4x, 49 at 2x), Kaiser beta 5.5, each phase normalised to unit DC
// gain. Why this filter:
// - Cut-off at Nyquist makes it an L-th-band (Nyquist) filter: phase 0 is the input itself, so
//   the reading never falls below the sample peak and only L-1 phases need computing.
// - Its transition band is symmetric about Nyquist, so a tone at f and its image at fs - f have
//   gains adding to about 1: content near Nyquist is not over-read, where libebur128's shorter
//   interpolator over-reads dense limited masters (see reference_peak.hpp).
// - 24 taps per phase with beta 5.5 (chosen from a sweep of 16/20/24 taps and beta 3.5-5.5):
//   every phase is flat within ±0.02 dB up to 0.41 fs (18.1 kHz at 44.1 kHz) and within 0.1 dB
//   up to 0.43 fs; images of in-band content stay under -58 dB (at most +0.011 dB of over-read).
//   16 taps reached only 0.36 fs at ±0.02 dB.
// What no 4x interpolator avoids: a crest can fall between grid points, up to 0.46 dB low for a
// pure tone at 0.41 fs (1 - cos(pi f / 4)), within Tech 3341's -0.4 dB only below 0.39 fs.
// Oversampling: 4x below 88.2 kHz, 2x below 176.4 kHz, none (sample peak) at and above it, as
// the issue asks: at 176.4 kHz and up, audio-band content is under 0.12 fs and a crest between
// samples is at most 0.15 dB higher than the samples round it.
inline constexpr int kTruePeakTapsPerPhase = 24;
inline constexpr double kTruePeakKaiserBeta = 5.5;
int truePeakOversampling(double sampleRateHz);

// taps[p - 1][k], p = 1..L-1: with window[k] = x[n - 11 + k] (inputs n-11 .. n+12), the value
// p/L of a sample after input n is sum_k taps[p - 1][k] * window[k].
std::vector<std::array<float, kTruePeakTapsPerPhase>> designTruePeakPhases(int oversampling);
// The same in double, and the prototype's frequency response (for the design tests).
std::vector<std::array<double, kTruePeakTapsPerPhase>> designTruePeakPhasesDouble(int oversampling);

// Integrated loudness of gating-block energies (400 ms blocks, BS.1770-4 §2.8): absolute gate,
// then the relative gate at the absolute-gated mean - 10 LU; -inf when no block passes.
double gatedIntegratedLufs(const std::vector<const std::vector<double>*>& blockEnergies);
// Loudness range (Tech 3342) of short-term (3 s) energies; 0 when no block passes the gates.
double loudnessRangeLu(const std::vector<const std::vector<double>*>& shortTermEnergies);

}  // namespace lacquer::loudness::bs1770
