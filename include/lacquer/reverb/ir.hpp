// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Prepares the wet path of the convolution reverb (CPU, double): the decoded IR is resampled to the
// processing rate, mapped to the track's channels, normalised, filtered by the wet low/high cuts
// (2nd-order Butterworth, causal, like an analogue send), delayed by the predelay and scaled by the mix.
// Channel mapping: an IR with the track's channel count goes channel to channel; a mono IR feeds
// every channel; otherwise (a stereo IR on a mono track) the IR channels are averaged.
//
// Level: what `mix` means. Each mapped wet channel is normalised to unit *in-band power gain*: the
// mean of |H(f)|² over kNormLowHz..kNormHighHz (capped at 0.5 · rate) is 1 (0 dB). So for a signal
// whose spectrum is flat over that band, the wet path (before the cuts) has the dry signal's
// energy, and `mix` is the wet level relative to the dry: 20·log10(mix) dB. The normalisation is
// done at the processing rate, after resampling: the resampler keeps sample values, so an IR's
// sum of squares grows with the rate (by B/A from rate A to B, +3 dB for 48 → 96 kHz, and its
// low-frequency gain by 20·log10(B/A), +6 dB), and normalising after it removes that. The level
// does not depend on the IR file's gain or rate, or on the processing rate. Channels are
// normalised each on its own, so a stereo IR recorded off-centre does not pull a centred source
// to one side.
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/reverb/params.hpp"

namespace lacquer::reverb {

// The band over which the IR's power gain is normalised (the audible band).
inline constexpr double kNormLowHz = 20.0;
inline constexpr double kNormHighHz = 20000.0;

// Mean of |H(f)|² over [kNormLowHz, min(kNormHighHz, 0.5 · rateHz)] for the impulse response h
// at rateHz (linear power; 1 = 0 dB), from a zero-padded FFT of h (bins averaged). 0 for an empty
// or silent h.
double inBandPowerGain(const std::vector<double>& h, double rateHz);

// Mean power gain of h in each band [lo, hi) of `edgesHz` (consecutive pairs; bands above 0.5 ·
// rateHz are 0): for the realised wet/dry estimate and octave-band responses.
std::vector<double> bandPowerGains(const std::vector<double>& h, double rateHz, const std::vector<double>& edgesHz);

// [channel][frame] the IR resampled to rateHz, mapped to `channels` and normalised to unit
// in-band power gain per channel (a channel without in-band energy stays as it is).
std::vector<std::vector<double>> normalisedIr(const AudioBuffer& ir, double rateHz, int channels);

// [channel][frame] wet impulse response at rateHz: mix · cuts(normalisedIr) delayed by predelay.
// Its length minus one is the tail the reverb adds to a track. Empty when mix is 0 or the IR is empty.
std::vector<std::vector<double>> prepareWet(const Params& params, const AudioBuffer& ir, double rateHz,
                                            int channels);

}  // namespace lacquer::reverb
