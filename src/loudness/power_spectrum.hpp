// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Hann-windowed 8192-point power spectrum that the report's spectrum averager
// (SpectrumAverager) and the quality meter (SoundMeter) both take: one FFTW real-to-complex plan,
// made once under the planner lock and executed on each caller's own buffers (thread-safe), and
// one table of the window.
#include <cstddef>
#include <vector>

namespace lacquer::loudness {

inline constexpr std::size_t kPowerSpectrumFrames = 8192;

// The Hann window, w[i] = 0.5 - 0.5 cos(2 pi i / N), i < N = kPowerSpectrumFrames.
const std::vector<double>& hannWindow();

// powerSum[k] += |X[k]|^2 for k = 0 .. N/2, X the DFT of x (N samples) times the window.
void addWindowedPowerSpectrum(const std::vector<double>& x, std::vector<double>& powerSum);

}  // namespace lacquer::loudness
