// SPDX-License-Identifier: GPL-3.0-or-later
#include "convolution/fftw_backend.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

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

// Spectrum × kernel spectrum, bin by bin, on interleaved (re, im) pairs; s is the block's
// spectrum, h the kernel's half spectrum (both `bins` complex values, not overlapping). Written out
// rather than with std::complex's operator*, which checks for NaN/inf through __mulsc3 and costs
// more than the FFT here; the plain loop over restrict pointers is one the compiler vectorises.
// The arithmetic per bin is fixed (no reassociation), so results do not depend on vector width.
template <class Real>
void multiplySpectra(Real* __restrict s, const Real* __restrict h, std::size_t bins) {
    for (std::size_t k = 0; k < 2 * bins; k += 2) {
        const Real ar = s[k], ai = s[k + 1], br = h[k], bi = h[k + 1];
        s[k] = ar * br - ai * bi;
        s[k + 1] = ar * bi + ai * br;
    }
}

// FFT sizes for the CPU backend with the time of one float r2c + c2r pair per point (FFTW_ESTIMATE
// plans, best of 4, ns per point) measured on the 2-core machine (AMD EPYC, Debian 12's FFTW
// 3.3.10, whose float library has SSE2 and AVX codelets but no AVX2/FMA ones). Candidates were
// 2^a, 5·2^a and 2^a·3^b·5^c with c ≥ 2 from 16384 to 8.4M; kept are those no larger size beats
// per point. Powers of two fare badly past 2^17 (2^20: 6.8 ns, 2^21: 8.7 ns per point) and sizes
// with a factor 25 well (FFTW has radix-25 codelets), so for the 3 s IR + 2^17-tap EQ at 96 kHz
// (K = 420030) the least time per output frame is N = 1920000 (2^9·3·5^4; 5.8 ns predicted)
// instead of 5·2^18 (7.5 ns): 15 % less CPU time for the stage, measured.
struct SizeCost {
    std::size_t frames;
    double nsPerPoint;
};
constexpr SizeCost kFftwSizes[] = {
    {25600, 1.92},   {51200, 2.12},   {64000, 2.41},   {76800, 2.43},   {81920, 2.57},   {102400, 2.62},
    {153600, 2.64},  {204800, 2.75},  {320000, 2.94},  {327680, 3.13},  {409600, 3.44},  {480000, 3.75},
    {576000, 3.81},  {655360, 3.92},  {768000, 4.17},  {819200, 4.26},  {921600, 4.32},  {960000, 4.38},
    {1152000, 4.41}, {1920000, 4.57}, {2457600, 5.84}, {2560000, 6.71}, {2621440, 6.74}, {3276800, 7.28},
    {5120000, 8.39}, {7680000, 11.9}, {8192000, 13.6},
};

}  // namespace

std::size_t fftwFftFrames(std::size_t kernelFrames) {
    // Time per output frame ≈ nsPerPoint · N / (N − K + 1). Sizes above 8 K (or 16384) are not
    // considered: the per-frame gain is small there and a short track would pay a whole block.
    const double k = static_cast<double>(kernelFrames);
    std::size_t best = 0;
    double bestCost = 0;
    for (const SizeCost& s : kFftwSizes) {
        if (s.frames < kernelFrames || s.frames > std::max<std::size_t>(16384, 8 * kernelFrames)) continue;
        const double n = static_cast<double>(s.frames);
        const double cost = s.nsPerPoint * n / (n - k + 1.0);
        if (best == 0 || cost < bestCost) {
            best = s.frames;
            bestCost = cost;
        }
    }
    return best != 0 ? best : autoFftFrames(kernelFrames);
}

template <class Real>
struct FftwOverlapSave<Real>::Plans {
    using F = Fftw<Real>;
    typename F::Plan forward{};
    typename F::Plan inverse{};
    // Per worker: the real block (N) and its half spectrum (N/2 + 1 complex), made on the worker's
    // first call and kept for the engine's life (fresh 5 MB arrays per call cost more in page
    // faults than the gather that fills them).
    std::vector<Real*> real;
    std::vector<typename F::Complex*> spectrum;
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
        for (Real* x : p->real) Fftw<Real>::free(x);
        for (auto* s : p->spectrum) Fftw<Real>::free(s);
    }
}

template <class Real>
typename FftwOverlapSave<Real>::Plans& FftwOverlapSave<Real>::plansFor(std::size_t n) {
    using F = Fftw<Real>;
    auto& slot = plans_[n];
    if (!slot) {
        // Plans are made on scratch arrays with FFTW's own alignment; the workers' arrays come from
        // the same allocator, as the new-array execute functions require. Out of place: FFTW_ESTIMATE
        // picks a slower plan for the in-place transforms (9.5 ms against 7.2 ms per r2c + c2r pair
        // at N = 5·2^18 on the 2-core machine).
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
        slot->real.assign(static_cast<std::size_t>(threads_), nullptr);
        slot->spectrum.assign(static_cast<std::size_t>(threads_), nullptr);
    }
    // Worker arrays are kept for one size only (15 MB per worker at N = 1920000): a chain whose
    // kernel length changes frees the old size's arrays, its plans stay.
    for (auto& [size, other] : plans_) {
        if (size == n) continue;
        for (Real*& x : other->real) F::free(std::exchange(x, nullptr));
        for (auto*& c : other->spectrum) F::free(std::exchange(c, nullptr));
    }
    return *slot;
}

template <class Real>
const std::vector<std::vector<std::complex<Real>>>& FftwOverlapSave<Real>::spectraFor(const Kernel& kernel,
                                                                                      std::size_t n) {
    if (kernel.serial != 0 && kernel.serial == spectraSerial_ && n == spectraFftFrames_) return spectra_;
    // One channel per worker (a double FFT of N points each: 30 ms at N = 1920000, paid once per
    // kernel but before any block can start).
    const std::size_t channels = kernel.taps.size();
    spectra_.assign(channels, {});
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t c = next++; c < channels; c = next++) {
            Kernel one;
            one.taps.push_back(kernel.taps[c]);
            const auto spectrum = std::move(kernelSpectra(one, n).front());
            auto& t = spectra_[c];
            t.resize(spectrum.size());
            for (std::size_t k = 0; k < spectrum.size(); ++k) t[k] = std::complex<Real>(spectrum[k]);
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < std::min<std::size_t>(static_cast<std::size_t>(threads_), channels); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
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
    Plans& plans = plansFor(n);
    const std::size_t bins = n / 2 + 1;
    const auto& spectra = spectraFor(kernel, n);
    const std::size_t channels = static_cast<std::size_t>(in.channels());
    const std::size_t items = g.blocks * channels;
    // Items are (block, channel) pairs in block-major order, taken from a shared counter: each is
    // independent (its own input span, its own output span), so the output does not depend on
    // which worker runs which item or on the number of workers.
    std::atomic<std::size_t> next{0};
    auto worker = [&](std::size_t index) {
        if (plans.real[index] == nullptr) {
            plans.real[index] = F::allocReal(n);
            plans.spectrum[index] = F::allocComplex(bins);
        }
        Real* x = plans.real[index];
        auto* s = plans.spectrum[index];
        for (std::size_t item = next++; item < items; item = next++) {
            const std::size_t block = item / channels;
            const std::size_t c = item % channels;
            g.gather(in.samples[c].data(), block, x);
            F::r2c(plans.forward, x, s);
            multiplySpectra(reinterpret_cast<Real*>(s), reinterpret_cast<const Real*>(spectra[c].data()), bins);
            F::c2r(plans.inverse, s, x);
            const std::size_t first = g.outputFirst(block);
            const std::size_t count = g.outputCount(block);
            Out* dst = out[c] + first;
            const Real* valid = x + (g.kernelFrames - 1);
            for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<Out>(valid[i]);
        }
    };
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(threads_), items);
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(worker, t);
    worker(0);
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
