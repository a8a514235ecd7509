// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Analysis for the report's plots, measured as the audio streams past: the long-term average
// spectrum, and the short-term loudness history taken from a Meter's 100 ms record.
#include <cstddef>
#include <optional>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::loudness {

// Long-term average spectrum in 1/6-octave bands from 20 Hz to 20 kHz, in dB relative to a
// full-scale sine (a sine of peak 1.0 reads 0 dB in its band), power-averaged over channels and
// time. Hann-windowed 8192-point FFTs (FFTW, double precision); to bound the cost on long albums,
// one block is analysed every `strideFrames` (default: one block in four, which averages as well
// for a spectrum that is anyway a long-term mean). Not thread-safe per object; objects may run in
// parallel (the FFTW plan is made once, under the planner lock, and shared: executing it is
// thread-safe).
class SpectrumAverager {
public:
    static constexpr std::size_t kFftFrames = 8192;
    explicit SpectrumAverager(double sampleRateHz, std::size_t strideFrames = 4 * kFftFrames);
    // Any block length; blocks are joined, so splitting does not change the result.
    void add(const BlockView& block);
    // Adds what `other` accumulated (same rate), e.g. one averager per track run in parallel,
    // merged for the album.
    void merge(const SpectrumAverager& other);
    // Band centre frequencies (Hz), the same for every rate.
    static std::vector<double> bandCentresHz();
    // One level per band (dB, floored at -200); nullopt where nothing was added (input under 8192
    // frames) or the band reaches over the Nyquist frequency. A band narrower than one FFT bin
    // takes the nearest bin's power density.
    std::vector<std::optional<double>> bandsDb() const;

private:
    void analyse(int channels);
    double rateHz_;
    std::size_t strideFrames_;
    std::size_t position_ = 0;                   // frame within the current stride period
    std::vector<std::vector<double>> captured_;  // the period's first kFftFrames frames, per channel
    std::vector<double> powerSum_;               // per FFT bin, summed over analysed blocks and channels
    std::size_t spectra_ = 0;                    // spectra summed (blocks times channels)
};

// The short-term (3 s) loudness every `periodS` (a multiple of the meter's 100 ms, at least one),
// from a measurement made with History::Every100Ms: entry i is the window ending at
// (i + 1) * period; nullopt where undefined.
struct ShortTermSeries {
    double periodS = 0;
    std::vector<std::optional<double>> lufs;
};
ShortTermSeries shortTermSeries(const Measurement& measured, double periodS = 1.0);

}  // namespace lacquer::loudness
