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

// Wideband "glue" compressor (dynamics::GlueCompressor; docs/dynamics.md). Feed-forward, soft
// knee, detector after an optional side-chain high-pass, one linked gain (LeftRight) or one gain
// each for mid and side (MidSide), parallel (dry/wet) mix, optional lookahead.
enum class GluePosition { BeforeMultiband, AfterMultiband };
struct GlueCompressorParams {
    double thresholdDb = -18.0;
    double ratio = 2.0;          // >= 1
    double kneeDb = 6.0;         // 0 = hard knee
    double attackMs = 10.0;
    double releaseMs = 200.0;    // ignored when autoRelease
    bool autoRelease = false;    // program-dependent: kAutoFastMs after transients, kAutoSlowMs after sustained reduction
    double makeupDb = 0.0;       // applied to the compressed (wet) path
    double sidechainHpfHz = 0.0; // 0 = off; 2nd-order Butterworth high-pass on the detector input
    double mix = 1.0;            // 0 = dry only, 1 = compressed only
    double lookaheadMs = 0.0;    // audio delayed by this much (the latency); detector not
    StereoMode stereoMode = StereoMode::LeftRight;
    Detector detector = Detector::Rms;
    double rmsWindowMs = 5.0;
    GluePosition position = GluePosition::BeforeMultiband;

    static constexpr double kAutoFastMs = 50.0;
    static constexpr double kAutoSlowMs = 1000.0;

    bool operator==(const GlueCompressorParams&) const = default;
};

// Oversampled waveshaper (dynamics::Saturator; docs/dynamics.md).
enum class SaturationType {
    Soft,  // tanh: symmetric, odd harmonics only
    Tube,  // biased tanh, asymmetric: even and odd harmonics (DC removed after the curve)
};
struct SaturationParams {
    SaturationType type = SaturationType::Soft;
    double driveDb = 6.0;        // input gain into the curve
    // Output gain after the curve; nullopt-like "auto" = -driveDb (unity gain for quiet signals,
    // since every curve has slope 1 at 0).
    bool autoOutput = true;
    double outputDb = 0.0;       // used when !autoOutput
    double mix = 1.0;            // 0 = dry only, 1 = saturated only

    // Tube curve bias (the tanh is evaluated at u + kTubeBias).
    static constexpr double kTubeBias = 0.35;

    bool operator==(const SaturationParams&) const = default;
};

}  // namespace lacquer::dynamics
