// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reference match EQ (CPU, double; no GPU, no files).
//
// A SpectrumMeter measures the long-term average spectrum of audio pushed through it, gated to
// its loud parts the way BS.1770 gates loudness: every 50 %-overlapped Hann frame (about 1/3 s)
// is K-weighted and binned by level; frames under −70 dB (K-weighted mean square) are dropped,
// then frames more than 10 dB under the mean of the rest. The spectrum is kept on a fixed
// log-frequency grid (1/48 octave, 10 Hz .. 24 kHz) as mean-square density per Hz, so meters of
// any sample rate merge and compare. Memory: one frame of audio and 80 level rows of the grid
// (about 0.4 MB), however much is pushed.
//
// designMatch() turns a source spectrum (the album's, or a track's) and a reference spectrum
// (the references', each loudness-normalised before they are averaged) into a magnitude curve:
// both loudness-normalised (equal K-weighted power), each smoothed over `smoothingOct` (power
// mean), their difference in dB taken between lowHz and highHz and faded to 0 dB over one octave
// beyond each edge, scaled by `amount`, and clamped to [−maxCutDb, +maxBoostDb]. The curve joins
// the EQ bands in the one linear-phase kernel (designLinearPhase's `curve`), applied after them.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/eq/design.hpp"

namespace lacquer::eq {

enum class MatchScope {
    Album,  // one curve for every track: the album's average spectrum (its internal balance kept)
    Track,  // each track's own spectrum against the references
};

// chain.match, as the manifest states it.
struct MatchParams {
    std::vector<std::filesystem::path> references;  // absolute
    double amount = 1.0;         // 0..1: 0 = identity
    double smoothingOct = 1.0 / 3.0;
    double maxBoostDb = 6.0;
    double maxCutDb = 6.0;
    double lowHz = 30.0;
    double highHz = 16000.0;
    MatchScope scope = MatchScope::Album;
    bool operator==(const MatchParams&) const = default;
};

// The log-frequency grid every spectrum here lives on: 1/48 octave from 10 Hz to 24 kHz.
const std::vector<double>& matchGridHz();

// A gated long-term spectrum on matchGridHz(): mean-square density per Hz in dB; NaN where the
// measured audio's Nyquist frequency did not reach (or nothing passed the gate).
struct LogSpectrum {
    std::vector<double> densityDb;
    double gatedFrames = 0;  // analysis frames that passed the gates
    bool empty() const { return gatedFrames <= 0; }
};

class SpectrumMeter {
public:
    explicit SpectrumMeter(double sampleRateHz);
    ~SpectrumMeter();
    SpectrumMeter(const SpectrumMeter&) = delete;
    SpectrumMeter& operator=(const SpectrumMeter&) = delete;
    SpectrumMeter(SpectrumMeter&&) noexcept;
    SpectrumMeter& operator=(SpectrumMeter&&) noexcept;

    // Any block length and channel count (1..kMaxChannels, the same every call); splitting the
    // audio differently gives the same result.
    void add(const BlockView& block);
    // Adds what `other` measured (any rate): e.g. the tracks of an album, measured in parallel.
    void merge(const SpectrumMeter& other);
    // The gated average (frames not yet complete at the end are not counted).
    LogSpectrum spectrum() const;
    std::size_t fftFrames() const { return fftFrames_; }

private:
    double rateHz_;
    std::size_t fftFrames_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Averages spectra with equal weight after normalising each to equal K-weighted power (the
// references: a loud master does not outweigh a quiet one). Empty inputs are skipped.
LogSpectrum averageNormalised(const std::vector<LogSpectrum>& spectra);

struct MatchResult {
    std::vector<double> freqsHz;      // matchGridHz()
    std::vector<double> sourceDb;     // both normalised to the same K-weighted power, smoothed; NaN = not measured
    std::vector<double> referenceDb;
    std::vector<double> curveDb;      // the match curve (0 outside the faded range)
    double featureHz = 0;             // bandwidth of its narrowest feature (for the tap count)
    MagnitudeCurve curve() const;     // for designLinearPhase
};

MatchResult designMatch(const LogSpectrum& source, const LogSpectrum& reference, const MatchParams& params);

// Octave bands (centres 31.5 Hz .. 16 kHz, ISO 266 nominal; edges at centre·2^±½) whose edges lie
// within [lowHz, highHz].
struct OctaveResidual {
    double centreHz = 0;
    double residualDb = 0;  // result − reference, band power of the normalised spectra
};
// `result` against `reference`, both loudness-normalised (K-weighted) over their common cells
// within [lowHz, highHz] first, so the residual shows the shape, not a level.
std::vector<OctaveResidual> octaveResiduals(const LogSpectrum& result, const LogSpectrum& reference, double lowHz,
                                            double highHz);

}  // namespace lacquer::eq
