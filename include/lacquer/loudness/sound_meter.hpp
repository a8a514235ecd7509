// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the chain did to the sound, measured on a stream as it flows (a track's source at the
// processing rate, or a track's part of the written timeline): loudness (integrated, LRA, true
// peak, PLR), stereo image (side/mid energy, inter-channel correlation, L/R balance, the loss when
// folded to mono), DC, and the long-term spectrum in octave bands. Memory is the loudness meter's
// 100 ms blocks, one FFT block and a few sums: flat in the stream's length (no copy of the audio).
// add() takes blocks of any length; the results do not depend on how the stream is split.
// Not thread-safe per object.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::loudness {

// Octave bands (IEC 61260-1 base-2 centres 1000·2^k, k = -5..4): 31.25 Hz .. 16 kHz.
std::vector<double> octaveCentresHz();
// Band edges: centre·2^(∓1/2), consecutive (11 values).
std::vector<double> octaveEdgesHz();

struct SoundStats {
    double durationS = 0;
    int channels = 0;
    Measurement loudness;       // integrated, LRA, true peak, sample peak
    std::optional<double> plrDb;          // true peak − integrated (peak-to-loudness ratio, AES TD1004)
    // Stereo (two channels; null for one). Energies are unweighted sums over the stream.
    std::optional<double> sideToMidDb;    // 10·log10(ΣS²/ΣM²), M = (L+R)/2, S = (L−R)/2; -inf → null
    std::optional<double> correlation;    // ΣLR / √(ΣL²·ΣR²), -1..1
    std::optional<double> balanceDb;      // 10·log10(ΣL²/ΣR²): + = left louder
    // Loudness lost when folded to mono ((L+R)/2 on both sides): 10·log10((ΣL²+ΣR²) / (2·ΣM²)).
    // 0 dB for dual mono, 3 dB for uncorrelated channels, more when they cancel.
    std::optional<double> monoFoldLossDb;
    // The worst 1 s window (ignoring windows under -60 dBFS RMS): lowest correlation and largest
    // fold-down loss, with the window's start in seconds from the stream's start.
    std::optional<double> worstCorrelation, worstCorrelationAtS;
    std::optional<double> worstMonoFoldLossDb, worstMonoFoldLossAtS;
    double dcDbfs = -200;                  // largest |mean| over channels, dBFS (-200 = none)
    std::vector<std::optional<double>> octaveDb;  // per octave band: mean square (dBFS, sine = 0 dB); null above Nyquist
};

class SoundMeter {
public:
    enum class Loudness { On, Off };  // Off: no loudness meter (the caller measures it elsewhere)
    SoundMeter(int channels, double sampleRateHz, Loudness loudness = Loudness::On);
    ~SoundMeter();
    SoundMeter(SoundMeter&&) noexcept;
    SoundMeter& operator=(SoundMeter&&) noexcept;

    void add(const BlockView& block);
    // Loudness figures from elsewhere (Loudness::Off), e.g. the written file's measurement.
    SoundStats result(const std::optional<Measurement>& loudnessFromElsewhere = std::nullopt) const;

    static constexpr std::size_t kFftFrames = 8192;
    static constexpr std::size_t kFftStrideFrames = 2 * kFftFrames;  // one block in two analysed

private:
    void analyse();
    void closeWindow();
    int channels_;
    double rateHz_;
    std::unique_ptr<Meter> meter_;
    std::size_t frames_ = 0;
    std::vector<double> sum_, sumSq_;     // per channel
    double sumLR_ = 0, sumMid_ = 0, sumSide_ = 0;
    // The 1 s window: sums as above, and its frame count.
    std::size_t windowFrames_ = 0, windowLength_ = 0, windowIndex_ = 0;
    double wL_ = 0, wR_ = 0, wLR_ = 0, wMid_ = 0;
    std::optional<double> worstCorr_, worstCorrAtS_, worstLoss_, worstLossAtS_;
    // FFT capture: the period's first kFftFrames frames (mono mix of the channels' powers: each
    // channel is transformed and its power added).
    std::size_t position_ = 0;
    std::vector<std::vector<double>> captured_;
    std::vector<double> powerSum_;
    std::size_t spectra_ = 0;
};

}  // namespace lacquer::loudness
