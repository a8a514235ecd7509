// SPDX-License-Identifier: GPL-3.0-or-later
// The CPU backends of the noise reducer: FFTW float and the FFTW double twin, the same arithmetic
// as shaders/denoise_gain.comp and shaders/denoise_apply.comp.
#include <algorithm>
#include <cmath>
#include <string>

#include <fftw3.h>

#include "denoise/engine.hpp"
#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::denoise::detail {
namespace {

template <class Real>
struct Fftw;
template <>
struct Fftw<float> {
    using Complex = fftwf_complex;
    using Plan = fftwf_plan;
    static Plan r2c(int n, float* in, Complex* out) { return fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE); }
    static Plan c2r(int n, Complex* in, float* out) { return fftwf_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE); }
    static void forward(Plan p, float* in, Complex* out) { fftwf_execute_dft_r2c(p, in, out); }
    static void inverse(Plan p, Complex* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftwf_destroy_plan(p); }
    static void* alloc(std::size_t bytes) { return fftwf_malloc(bytes); }
    static void release(void* p) { fftwf_free(p); }
};
template <>
struct Fftw<double> {
    using Complex = fftw_complex;
    using Plan = fftw_plan;
    static Plan r2c(int n, double* in, Complex* out) { return fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE); }
    static Plan c2r(int n, Complex* in, double* out) { return fftw_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE); }
    static void forward(Plan p, double* in, Complex* out) { fftw_execute_dft_r2c(p, in, out); }
    static void inverse(Plan p, Complex* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftw_destroy_plan(p); }
    static void* alloc(std::size_t bytes) { return fftw_malloc(bytes); }
    static void release(void* p) { fftw_free(p); }
};

template <class Real>
class FftwEngine final : public Engine<Real> {
    using F = Fftw<Real>;
    using Complex = typename F::Complex;

public:
    explicit FftwEngine(const Setup& s)
        : s_(s), bins_(s.n / 2 + 1), binStride_((bins_ + 1) & ~std::size_t{1}), rowsCount_(s.batchFrames * s.channels) {
        rows_ = static_cast<Real*>(F::alloc(sizeof(Real) * s.n * rowsCount_));
        spectra_ = static_cast<Complex*>(F::alloc(sizeof(Complex) * binStride_ * rowsCount_));
        std::fill(rows_, rows_ + s.n * rowsCount_, Real(0));
        {
            std::lock_guard lock(fftwPlannerMutex());
            forward_ = F::r2c(static_cast<int>(s.n), rows_, spectra_);
            inverse_ = F::c2r(static_cast<int>(s.n), spectra_, rows_);
        }
        prev_.assign(s.channels * bins_, Real(-1));
        noise_.resize(bins_);
        for (std::size_t k = 0; k < bins_; ++k) noise_[k] = static_cast<Real>(s.noise[k]);
        gains_.resize(rowsCount_ * bins_);
    }
    ~FftwEngine() override {
        {
            std::lock_guard lock(fftwPlannerMutex());
            F::destroy(forward_);
            F::destroy(inverse_);
        }
        F::release(rows_);
        F::release(spectra_);
    }

    Real* rows() override { return rows_; }
    std::size_t rowStride() const override { return s_.n; }
    std::string name() const override { return sizeof(Real) == 4 ? "cpu-fftw-float" : "cpu-fftw-double"; }

    void run(std::size_t frames) override {
        const std::size_t rows = frames * s_.channels;
        for (std::size_t r = 0; r < rows; ++r) F::forward(forward_, rows_ + r * s_.n, spectra_ + r * binStride_);
        // Gain recursion: per channel and bin, in frame order (legend: p = G²γ of the previous
        // frame, or −1 before the first).
        const Real alpha = static_cast<Real>(s_.alpha);
        for (std::size_t c = 0; c < s_.channels; ++c)
            for (std::size_t k = 0; k < bins_; ++k) {
                Real p = prev_[c * bins_ + k];
                const Real noise = noise_[k];
                for (std::size_t t = 0; t < frames; ++t) {
                    const std::size_t row = t * s_.channels + c;
                    const Complex& x = spectra_[row * binStride_ + k];
                    Real g = 1;
                    if (noise > 0) {
                        const Real gamma = (x[0] * x[0] + x[1] * x[1]) / noise;
                        const Real ml = std::max(gamma - Real(1), Real(0));
                        const Real xi = p < 0 ? ml : alpha * p + (Real(1) - alpha) * ml;
                        g = Real(1) - Real(1) / (Real(1) + xi);
                        p = g * g * gamma;
                    }
                    gains_[row * bins_ + k] = g;
                }
                prev_[c * bins_ + k] = p;
            }
        // Spectral smoothing (the median of bins k−1, k, k+1: an isolated bin's gain, a flicker
        // of noise, is replaced by its neighbours', while a partial's 3-bin Hann main lobe keeps
        // its gain), the floor, the multiply.
        const Real floorGain = static_cast<Real>(s_.floorGain);
        for (std::size_t r = 0; r < rows; ++r) {
            const Real* g = gains_.data() + r * bins_;
            Complex* x = spectra_ + r * binStride_;
            for (std::size_t k = 0; k < bins_; ++k) {
                const Real a = g[k > 0 ? k - 1 : k], b = g[k], c = g[k + 1 < bins_ ? k + 1 : k];
                const Real median = std::max(std::min(a, b), std::min(std::max(a, b), c));
                const Real gain = std::max(median, floorGain);
                x[k][0] *= gain;
                x[k][1] *= gain;
            }
            F::inverse(inverse_, x, rows_ + r * s_.n);
        }
    }

private:
    Setup s_;
    std::size_t bins_, binStride_, rowsCount_;
    Real* rows_ = nullptr;
    Complex* spectra_ = nullptr;  // rows × binStride_ (even, so every row stays 16-byte aligned)
    typename F::Plan forward_{}, inverse_{};
    std::vector<Real> prev_, noise_, gains_;
};

}  // namespace

template <class Real>
std::unique_ptr<Engine<Real>> makeFftwEngine(const Setup& setup) {
    return std::make_unique<FftwEngine<Real>>(setup);
}
template std::unique_ptr<Engine<float>> makeFftwEngine<float>(const Setup&);
template std::unique_ptr<Engine<double>> makeFftwEngine<double>(const Setup&);

}  // namespace lacquer::denoise::detail
