// SPDX-License-Identifier: GPL-3.0-or-later
#include "convolution/fftw_backend.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include <fftw3.h>

#include "lacquer/convolution/fftw_lock.hpp"

namespace lacquer::convolution::detail {
namespace {

// One interface over FFTW's float and double libraries.
template <class Real>
struct Fftw;

template <>
struct Fftw<float> {
    using Plan = fftwf_plan;
    using Complex = fftwf_complex;
    static float* allocReal(std::size_t n) { return fftwf_alloc_real(n); }
    static Complex* allocComplex(std::size_t n) { return fftwf_alloc_complex(n); }
    static void free(void* p) { fftwf_free(p); }
    static Plan r2c(int n, float* in, Complex* out) { return fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE); }
    static Plan c2r(int n, Complex* in, float* out) { return fftwf_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE); }
    static void r2c(Plan p, float* in, Complex* out) { fftwf_execute_dft_r2c(p, in, out); }
    static void c2r(Plan p, Complex* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftwf_destroy_plan(p); }
};

template <>
struct Fftw<double> {
    using Plan = fftw_plan;
    using Complex = fftw_complex;
    static double* allocReal(std::size_t n) { return fftw_alloc_real(n); }
    static Complex* allocComplex(std::size_t n) { return fftw_alloc_complex(n); }
    static void free(void* p) { fftw_free(p); }
    static Plan r2c(int n, double* in, Complex* out) { return fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE); }
    static Plan c2r(int n, Complex* in, double* out) { return fftw_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE); }
    static void r2c(Plan p, double* in, Complex* out) { fftw_execute_dft_r2c(p, in, out); }
    static void c2r(Plan p, Complex* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftw_destroy_plan(p); }
};

}  // namespace

template <class Real>
struct FftwOverlapSave<Real>::Plans {
    using F = Fftw<Real>;
    typename F::Plan forward{};
    typename F::Plan inverse{};
};

template <class Real>
FftwOverlapSave<Real>::FftwOverlapSave(int threads)
    : threads_(threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {}

template <class Real>
FftwOverlapSave<Real>::~FftwOverlapSave() {
    std::lock_guard lock(fftwPlannerMutex());
    for (auto& [n, p] : plans_) {
        Fftw<Real>::destroy(p->forward);
        Fftw<Real>::destroy(p->inverse);
    }
}

template <class Real>
typename FftwOverlapSave<Real>::Plans& FftwOverlapSave<Real>::plansFor(std::size_t n) {
    using F = Fftw<Real>;
    auto& slot = plans_[n];
    if (!slot) {
        // Plans are made on scratch arrays with FFTW's own alignment; the workers' arrays come from
        // the same allocator, as the new-array execute functions require.
        Real* x = F::allocReal(n);
        auto* s = F::allocComplex(n / 2 + 1);
        slot = std::make_unique<Plans>();
        {
            std::lock_guard lock(fftwPlannerMutex());
            slot->forward = F::r2c(static_cast<int>(n), x, s);
            slot->inverse = F::c2r(static_cast<int>(n), s, x);
        }
        F::free(x);
        F::free(s);
    }
    return *slot;
}

template <class Real>
const std::vector<std::vector<std::complex<Real>>>& FftwOverlapSave<Real>::spectraFor(const Kernel& kernel,
                                                                                      std::size_t n) {
    if (kernel.serial != 0 && kernel.serial == spectraSerial_ && n == spectraFftFrames_) return spectra_;
    const auto spectraDouble = kernelSpectra(kernel, n);
    spectra_.clear();
    for (const auto& s : spectraDouble) {
        auto& t = spectra_.emplace_back(s.size());
        for (std::size_t k = 0; k < s.size(); ++k) t[k] = std::complex<Real>(s[k]);
    }
    spectraSerial_ = kernel.serial;
    spectraFftFrames_ = n;
    return spectra_;
}

template <class Real>
template <class Out>
void FftwOverlapSave<Real>::run(const AudioBuffer& in, const Kernel& kernel, std::size_t n,
                                const std::vector<Out*>& out) {
    using F = Fftw<Real>;
    const Geometry g(kernel, in.frames(), n);
    const Plans& plans = plansFor(n);
    const std::size_t bins = n / 2 + 1;
    const auto& spectra = spectraFor(kernel, n);
    const std::size_t channels = static_cast<std::size_t>(in.channels());
    const std::size_t items = g.blocks * channels;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        Real* x = F::allocReal(n);
        auto* s = F::allocComplex(bins);
        for (std::size_t item = next++; item < items; item = next++) {
            const std::size_t block = item / channels;
            const std::size_t c = item % channels;
            g.gather(in.samples[c].data(), block, x);
            F::r2c(plans.forward, x, s);
            // Written out: std::complex's operator* checks for NaN/inf through __mulsc3, which
            // costs more than the FFT here.
            const Real* h = reinterpret_cast<const Real*>(spectra[c].data());
            for (std::size_t k = 0; k < bins; ++k) {
                const Real ar = s[k][0], ai = s[k][1], br = h[2 * k], bi = h[2 * k + 1];
                s[k][0] = ar * br - ai * bi;
                s[k][1] = ar * bi + ai * br;
            }
            F::c2r(plans.inverse, s, x);
            const std::size_t first = g.outputFirst(block);
            const std::size_t count = g.outputCount(block);
            Out* dst = out[c] + first;
            const Real* valid = x + (g.kernelFrames - 1);
            for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<Out>(valid[i]);
        }
        F::free(x);
        F::free(s);
    };
    const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads_), items));
    std::vector<std::thread> pool;
    for (int t = 1; t < workers; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
}

template class FftwOverlapSave<float>;
template class FftwOverlapSave<double>;
template void FftwOverlapSave<float>::run<float>(const AudioBuffer&, const Kernel&, std::size_t,
                                                 const std::vector<float*>&);
template void FftwOverlapSave<double>::run<double>(const AudioBuffer&, const Kernel&, std::size_t,
                                                   const std::vector<double*>&);
template void FftwOverlapSave<double>::run<float>(const AudioBuffer&, const Kernel&, std::size_t,
                                                  const std::vector<float*>&);

}  // namespace lacquer::convolution::detail
