// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The windowed power spectrum of one frame, in double (FFTW), for the meters that add power up per
// bin: eq::SpectrumMeter (reference match) and denoise::NoiseMeter (noise profiles).
#include <cstddef>
#include <vector>

namespace lacquer {

// The periodic Hann window of n points: 0.5 − 0.5·cos(2πi/n).
std::vector<double> hannWindow(std::size_t n);

class PowerFft {
public:
    // An n-point real FFT with a periodic Hann window; the plan is made under fftwPlannerMutex().
    explicit PowerFft(std::size_t n);
    ~PowerFft();
    PowerFft(const PowerFft&) = delete;
    PowerFft& operator=(const PowerFft&) = delete;

    std::size_t size() const { return n_; }
    const std::vector<double>& window() const { return window_; }
    // density[k] += |DFT(x · window)[k]|² · scale for k in [first, end) (end ≤ n/2 + 1); x: n samples.
    void addPower(const double* x, double scale, double* density, std::size_t first, std::size_t end);

private:
    std::size_t n_;
    std::vector<double> window_;
    double* in_ = nullptr;
    void* out_ = nullptr;   // fftw_complex[n/2 + 1]
    void* plan_ = nullptr;  // fftw_plan
};

}  // namespace lacquer
