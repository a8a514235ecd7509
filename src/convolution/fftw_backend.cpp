// SPDX-License-Identifier: GPL-3.0-or-later
#include "convolution/fftw_backend.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <type_traits>
#include <thread>
#include <utility>

#include <fftw3.h>

#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::convolution::detail {
namespace {

// The float backend inverts through a half-size complex DFT (multiplyToHalfSpectrum); the double
// twin keeps FFTW's c2r, so the tests' reference does not share that code.
template <class Real>
constexpr bool kHalfInverseFor = std::is_same_v<Real, float>;

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
    // In-place unnormalised backward complex DFT of n points.
    static Plan backward(int n, Complex* io) {
        return fftwf_plan_dft_1d(n, io, io, FFTW_BACKWARD, FFTW_ESTIMATE);
    }
    static void backward(Plan p, Complex* io) { fftwf_execute_dft(p, io, io); }
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
    static Plan backward(int n, Complex* io) {
        return fftw_plan_dft_1d(n, io, io, FFTW_BACKWARD, FFTW_ESTIMATE);
    }
    static void backward(Plan p, Complex* io) { fftw_execute_dft(p, io, io); }
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

// The float backend's inverse: FFTW_ESTIMATE's c2r plans are weak at the large sizes (5.5 ms at
// N = 1920000 where its r2c takes 3.0 ms and an in-place complex DFT of N/2 3.6 ms), so the real
// inverse is done as that half-size complex DFT: with M = N/2, Y the product spectrum (bins 0..M)
// and t_k = exp(2πik/N), the backward DFT of
//     Z[k] = (Y[k] + conj Y[M−k]) + i·t_k·(Y[k] − conj Y[M−k]),   k = 0 … M−1,
// is z[n] = y[2n] + i·y[2n+1] with the same scale as c2r's N·y: the interleaved complex array *is*
// the real block. This fuses the spectrum multiply with that pre-pass, pair by pair (k, M−k) in
// place: s holds X (M + 1 bins) and receives Z (M bins); h is the kernel spectrum, tw holds t_k
// for k = 0 … M/2 (interleaved). Fixed arithmetic per pair, so deterministic.
// The pair loop (k up, M − k down) is scalar at -O2 and vectorised at -O3; forcing it at -O2 made
// no measurable difference (the pass is memory-bound).
template <class Real>
void multiplyToHalfSpectrum(Real* __restrict s, const Real* __restrict h, const Real* __restrict tw,
                            std::size_t m) {
    // (a + ib)(c + id), written out (no __mulsc3).
    const auto mul = [](Real ar, Real ai, Real br, Real bi, Real& cr, Real& ci) {
        cr = ar * br - ai * bi;
        ci = ar * bi + ai * br;
    };
    Real y0r, y0i, ymr, ymi;
    mul(s[0], s[1], h[0], h[1], y0r, y0i);
    mul(s[2 * m], s[2 * m + 1], h[2 * m], h[2 * m + 1], ymr, ymi);
    s[0] = (y0r + ymr) - (y0i + ymi);  // t_0 = 1: Z[0] = A + i·B, A = Y0 + conj YM, B = Y0 − conj YM
    s[1] = (y0i - ymi) + (y0r - ymr);
    const std::size_t pairs = (m - 1) / 2;  // k = 1 … pairs has k < M − k
    for (std::size_t k = 1; k <= pairs; ++k) {
        const std::size_t j = m - k;
        Real ykr, yki, yjr, yji, pr, pi;
        mul(s[2 * k], s[2 * k + 1], h[2 * k], h[2 * k + 1], ykr, yki);
        mul(s[2 * j], s[2 * j + 1], h[2 * j], h[2 * j + 1], yjr, yji);
        // A = Yk + conj Yj, B = Yk − conj Yj, P = t_k·B; Z[k] = A + iP, Z[j] = conj A + i·conj P.
        const Real ar = ykr + yjr, ai = yki - yji, br = ykr - yjr, bi = yki + yji;
        mul(tw[2 * k], tw[2 * k + 1], br, bi, pr, pi);
        s[2 * k] = ar - pi;
        s[2 * k + 1] = ai + pr;
        s[2 * j] = ar + pi;
        s[2 * j + 1] = pr - ai;
    }
    if (m % 2 == 0) {  // the middle bin k = M/2 pairs with itself, t = i, Z = 2·conj Y
        const std::size_t k = m / 2;
        Real yr, yi;
        mul(s[2 * k], s[2 * k + 1], h[2 * k], h[2 * k + 1], yr, yi);
        s[2 * k] = 2 * yr;
        s[2 * k + 1] = -2 * yi;
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
    typename F::Plan inverse{};  // c2r (the double twin)
    typename F::Plan half{};     // in-place backward DFT of N/2 (float: see multiplyToHalfSpectrum)
    std::vector<Real> twiddles;  // t_k = exp(2πik/N), k = 0 … N/4, interleaved (float)
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
        if (p->half != nullptr) Fftw<Real>::destroy(p->half);
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
            if constexpr (kHalfInverseFor<Real>) slot->half = F::backward(static_cast<int>(n / 2), s);
        }
        if constexpr (kHalfInverseFor<Real>) {
            const std::size_t m = n / 2;
            slot->twiddles.resize(2 * (m / 2 + 1));
            for (std::size_t k = 0; k <= m / 2; ++k) {
                const double phase = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
                slot->twiddles[2 * k] = static_cast<Real>(std::cos(phase));
                slot->twiddles[2 * k + 1] = static_cast<Real>(std::sin(phase));
            }
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
    const Geometry g(kernel, in.frames(), n);
    std::vector<const float*> src;
    for (const auto& ch : in.samples) src.push_back(ch.data());
    run(g, 0, g.blocks, src.size(), src.data(), 0, out.data(), kernel);
}

template <class Real>
template <class Out>
void FftwOverlapSave<Real>::run(const Geometry& g, std::size_t firstBlock, std::size_t endBlock,
                                std::size_t channels, const float* const* in, std::int64_t inStart,
                                Out* const* out, const Kernel& kernel) {
    using F = Fftw<Real>;
    const std::size_t n = g.fftFrames;
    Plans& plans = plansFor(n);
    const std::size_t bins = n / 2 + 1;
    const auto& spectra = spectraFor(kernel, n);
    const std::size_t items = (endBlock - firstBlock) * channels;
    const std::size_t outBase = g.outputFirst(firstBlock);
    // Items are (block, channel) pairs in block-major order, taken from a shared counter: each is
    // independent (its own input span, its own output span), so the output does not depend on
    // which worker runs which item, on the number of workers, or on how the track is cut into
    // segments.
    std::atomic<std::size_t> next{0};
    auto worker = [&](std::size_t index) {
        if (plans.real[index] == nullptr) {
            plans.real[index] = F::allocReal(n);
            plans.spectrum[index] = F::allocComplex(bins);
        }
        Real* x = plans.real[index];
        auto* s = plans.spectrum[index];
        for (std::size_t item = next++; item < items; item = next++) {
            const std::size_t block = firstBlock + item / channels;
            const std::size_t c = item % channels;
            g.gather(in[c], block, x, inStart);
            F::r2c(plans.forward, x, s);
            const Real* y = x;  // the block's circular convolution, N reals
            const auto* h = reinterpret_cast<const Real*>(spectra[c].data());
            if constexpr (kHalfInverseFor<Real>) {
                multiplyToHalfSpectrum(reinterpret_cast<Real*>(s), h, plans.twiddles.data(), n / 2);
                F::backward(plans.half, s);
                y = reinterpret_cast<const Real*>(s);
            } else {
                multiplySpectra(reinterpret_cast<Real*>(s), h, bins);
                F::c2r(plans.inverse, s, x);
            }
            const std::size_t count = g.outputCount(block);
            Out* dst = out[c] + (g.outputFirst(block) - outBase);
            const Real* valid = y + (g.kernelFrames - 1);
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
template void FftwOverlapSave<float>::run<float>(const Geometry&, std::size_t, std::size_t, std::size_t,
                                                 const float* const*, std::int64_t, float* const*, const Kernel&);
template void FftwOverlapSave<double>::run<float>(const Geometry&, std::size_t, std::size_t, std::size_t,
                                                  const float* const*, std::int64_t, float* const*, const Kernel&);
template void FftwOverlapSave<double>::run<double>(const Geometry&, std::size_t, std::size_t, std::size_t,
                                                   const float* const*, std::int64_t, double* const*, const Kernel&);

}  // namespace lacquer::convolution::detail
