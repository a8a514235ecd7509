// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <vector>

namespace lacquer::dynamics {

enum class Detector { Rms, Peak };
enum class StereoMode { LeftRight, MidSide };

// A feed-forward compressor band. Static curve: gain computer in dB with a soft knee of
// kneeDb width centred on thresholdDb; attack/release are one-pole time constants (time to
// reach 1 - 1/e of a step).
struct CompressorParams {
    double thresholdDb = -20.0;
    double ratio = 2.0;        // >= 1
    double kneeDb = 6.0;       // 0 = hard knee
    double attackMs = 10.0;
    double releaseMs = 100.0;
    double makeupDb = 0.0;
    double stereoLink = 1.0;   // 0 = independent channels, 1 = fully linked
    Detector detector = Detector::Rms;
    StereoMode stereoMode = StereoMode::LeftRight;
    // RMS detector: time constant of the one-pole mean-square average (ignored for Peak).
    double rmsWindowMs = 5.0;

    bool operator==(const CompressorParams&) const = default;
};

// Linkwitz-Riley 4th-order crossovers into crossoversHz.size() + 1 bands.
struct MultibandParams {
    std::vector<double> crossoversHz;        // ascending, 1..5 entries
    std::vector<CompressorParams> bands;     // crossoversHz.size() + 1 entries

    bool operator==(const MultibandParams&) const = default;
};

// Width and mono bass: side gain = width (1 = unchanged, 0 = mono); below monoBelowHz (0 = off)
// the side signal is removed with a linear-phase-free LR4 split so that the sum stays flat.
struct StereoParams {
    double width = 1.0;
    double monoBelowHz = 0.0;

    bool operator==(const StereoParams&) const = default;
};

// Split-band de-esser: above freqHz, reduce by up to maxReductionDb when the band exceeds
// thresholdDb.
struct DeesserParams {
    double freqHz = 6000.0;
    double thresholdDb = -30.0;
    double maxReductionDb = 6.0;
    // Ballistics of the gain reduction (one-pole time constants), peak detector on the band.
    double attackMs = 1.0;
    double releaseMs = 60.0;

    bool operator==(const DeesserParams&) const = default;
};

}  // namespace lacquer::dynamics
