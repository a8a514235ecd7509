// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Stereo image tools. All work on M = (L + R)/2, S = (L - R)/2 and need 2 channels (on other
// channel counts they pass the signal through unchanged). Latency 0. One object per thread.
#include "lacquer/common/audio.hpp"
#include "lacquer/dynamics/biquad.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/dynamics/spec.hpp"

namespace lacquer::dynamics {

// Width: S is multiplied by `width` (1 = unchanged, 0 = mono, 2 = twice as wide). Memoryless.
class Width {
public:
    Width(const Spec& spec, double width);
    void process(const BlockView& block);
    void reset() {}
    int latencyFrames() const { return 0; }

private:
    Spec spec_;
    float width_;
};

// Mono below freqHz (vinyl cutting): S' = HP4(S) (LR4 highpass, -6 dB at freqHz, -24 dB/oct
// below), M' = AP(M) (the LR4 allpass, so that M and S keep the same phase above the corner).
// L' + R' = 2·AP(M): the mono sum is allpass-flat; below freqHz L' - R' falls at 24 dB/oct.
class MonoBass {
public:
    MonoBass(const Spec& spec, double freqHz);
    void process(const BlockView& block);
    void reset();
    int latencyFrames() const { return 0; }

private:
    Spec spec_;
    BiquadCascade mid_;   // allpass
    BiquadCascade side_;  // HP4
};

// StereoParams as one stage: MonoBass (when monoBelowHz > 0), then Width.
class Stereo {
public:
    Stereo(const Spec& spec, const StereoParams& params);
    void process(const BlockView& block);
    void reset();
    int latencyFrames() const { return 0; }

private:
    Spec spec_;
    bool mono_;
    float width_;
    BiquadCascade mid_;
    BiquadCascade side_;
};

}  // namespace lacquer::dynamics
