// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test-signal helpers for the loudness tests: sines at dBFS levels, segments, WAV writing.
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::test {

// One constant-level stretch of a 1 kHz sine: `levelDbfs` is the peak level per channel.
struct Segment {
    double levelDbfs;
    double durationS;
};

// A 1 kHz sine, identical in every channel, whose level steps at segment boundaries (the phase
// runs on continuously, so no clicks).
AudioBuffer sineSegments(const std::vector<Segment>& segments, double rateHz = 48000, int channels = 2,
                         double freqHz = 1000);

// amplitude * sin(phase + 2 pi n / periodSamples), same in every channel, with linear fades of
// `fadeS` at both ends.
AudioBuffer sinePeriodic(double amplitude, double periodSamples, double phaseDeg, double durationS,
                         double fadeS, double rateHz = 48000, int channels = 2);

enum class WavSample { Float32, Pcm24 };

// Writes `audio` as WAV with libsndfile (WAVEX for 24-bit); fails the test on any error.
void writeWav(const std::filesystem::path& file, const AudioBuffer& audio, WavSample sample);

}  // namespace lacquer::test
