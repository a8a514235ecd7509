// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test-signal helpers: synthesise audio and write it with libsndfile in any format.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::test {

// A sine of `amplitude` (peak, full scale 1.0) at freqHz in every channel.
AudioBuffer sine(double freqHz, double amplitude, double seconds, double rateHz, int channels = 2, double phaseRad = 0.0);
// Deterministic "music-like" noise: pink-ish, band-limited, with a slow amplitude envelope.
AudioBuffer musicNoise(double seconds, double rateHz, int channels = 2, unsigned seed = 1);

// Writes `audio` with libsndfile; `sfFormat` is e.g. SF_FORMAT_WAV | SF_FORMAT_PCM_24.
void writeAudio(const std::filesystem::path& file, const AudioBuffer& audio, int sfFormat);

// Inputs whose size is the point, made in no time as sparse files (no disk used): the header is all
// `validate`, `catalog plan` and a refused render read of them.
// A mono 8-bit 8 kHz WAV promising `seconds` of silence.
void writeSparseWav(const std::filesystem::path& file, double seconds);
// A PNG signature followed by zeros, `bytes` in all.
void writeSparsePng(const std::filesystem::path& file, std::uintmax_t bytes);

// RMS-difference null in dB: 20·log10(rms(a - b) / rms(b)) over the common length.
double nullDb(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace lacquer::test
