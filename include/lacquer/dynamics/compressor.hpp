// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Feed-forward compressor (one band of the multiband, usable alone).
//
// Detector (per channel, on the signal or on mid/side when stereoMode is MidSide):
//   Peak: level = 20·log10|x| per sample;  Rms: level = 10·log10(ms), ms a one-pole mean of x^2
//   with time constant rmsWindowMs. Both read DC of amplitude A as 20·log10 A dBFS (a sine of
//   peak A reads 20·log10 A - 3.01 dB on the Rms detector).
// Stereo link: each channel's detector power is (1 - link)·own + link·max over channels.
// Gain computer (static curve, dB, Giannoulis/Massberg/Reiss 2012), d = level - thresholdDb,
//   W = kneeDb:   2d < -W: 0;   |2d| <= W: (1/ratio - 1)·(d + W/2)^2 / (2W);   2d > W: (1/ratio - 1)·d
// Ballistics: the gain change g (dB) follows the computer's target through a one-pole with time
//   constant attackMs while the target is below g (more reduction) and releaseMs otherwise;
//   a step reaches 1 - 1/e of its final value after the time constant.
// Output: x · 10^((g + makeupDb)/20). Latency 0. Thread safety: one object per thread.
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

class Compressor {
public:
    Compressor(const Spec& spec, const CompressorParams& params);

    void process(const BlockView& block);
    void reset();
    int latencyFrames() const { return 0; }

    // The static curve: gain change in dB (<= 0, without makeup) for a detector level in dBFS.
    static double gainComputerDb(double levelDb, const CompressorParams& params);
    // True when this compressor uses one linked gain (stereoLink 1 or mono): such compressors
    // can run side by side through processLinkedBands (same result as process() on each).
    bool fusable() const;
    static void processLinkedBands(Compressor* const* comps, const BlockView* blocks, int count);

    // Largest gain reduction (dB, >= 0, without makeup) applied since construction or reset().
    double maxGainReductionDb() const { return -minGainDb_; }
    // Starts a new metering period for maxGainReductionDb(); the audio path is untouched.
    void clearGainReductionPeak() { minGainDb_ = 0; }

private:
    Spec spec_;
    CompressorParams params_;
    double rmsCoef_ = 0;      // one-pole coefficient of the mean-square average (1 - a)
    double attackCoef_ = 0;   // exp(-1 / (tau·fs))
    double releaseCoef_ = 0;
    double kneeStartPower_ = 0;  // detector power below which the curve is exactly 0 dB
    float makeupGain_ = 1;
    bool linked_ = true;      // stereoLink == 1 (or mono): one gain for all channels
    bool midSide_ = false;
    // State: mean-square per channel, smoothed gain change (dB) per channel (or [0] when linked).
    std::vector<double> meanSquare_;
    std::vector<double> gainDb_;
    std::vector<double> gainLin_;  // 10^(gainDb_/20), kept incrementally
    double minGainDb_ = 0;
};

}  // namespace lacquer::dynamics
