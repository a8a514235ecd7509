// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/power_fft.hpp"

#include <cmath>
#include <numbers>

#include <fftw3.h>

#include "lacquer/common/fftw_lock.hpp"

namespace lacquer {

std::vector<double> hannWindow(std::size_t n) {
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    return w;
}

PowerFft::PowerFft(std::size_t n) : n_(n), window_(hannWindow(n)) {
    in_ = fftw_alloc_real(n);
    fftw_complex* out = fftw_alloc_complex(n / 2 + 1);
    out_ = out;
    std::lock_guard lock(fftwPlannerMutex());
    plan_ = fftw_plan_dft_r2c_1d(static_cast<int>(n), in_, out, FFTW_ESTIMATE);
}

PowerFft::~PowerFft() {
    if (plan_) {
        std::lock_guard lock(fftwPlannerMutex());
        fftw_destroy_plan(static_cast<fftw_plan>(plan_));
    }
    fftw_free(in_);
    fftw_free(out_);
}

void PowerFft::addPower(const double* x, double scale, double* density, std::size_t first, std::size_t end) {
    for (std::size_t i = 0; i < n_; ++i) in_[i] = x[i] * window_[i];
    fftw_execute(static_cast<fftw_plan>(plan_));
    const auto* out = static_cast<const fftw_complex*>(out_);
    for (std::size_t k = first; k < end; ++k) density[k] += (out[k][0] * out[k][0] + out[k][1] * out[k][1]) * scale;
}

}  // namespace lacquer
