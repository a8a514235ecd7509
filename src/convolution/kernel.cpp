// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/convolution/kernel.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <complex>

#include <fftw3.h>

#include "convolution/overlap_save.hpp"
#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::convolution {

namespace {

std::size_t nextPow2(std::size_t x) {
    std::size_t n = 1;
    while (n < x) n <<= 1;
    return n;
}

// Linear convolution of a and b in double (FFTW).
std::vector<double> convolveDouble(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t length = a.size() + b.size() - 1;
    const std::size_t n = nextPow2(length);
    const std::size_t bins = n / 2 + 1;
    auto* x = fftw_alloc_real(n);
    auto* fa = fftw_alloc_complex(bins);
    auto* fb = fftw_alloc_complex(bins);
    fftw_plan forward, inverse;
    {
        std::lock_guard lock(fftwPlannerMutex());
        forward = fftw_plan_dft_r2c_1d(static_cast<int>(n), x, fa, FFTW_ESTIMATE);
        inverse = fftw_plan_dft_c2r_1d(static_cast<int>(n), fa, x, FFTW_ESTIMATE);
    }
    std::fill(x, x + n, 0.0);
    std::copy(a.begin(), a.end(), x);
    fftw_execute_dft_r2c(forward, x, fa);
    std::fill(x, x + n, 0.0);
    std::copy(b.begin(), b.end(), x);
    fftw_execute_dft_r2c(forward, x, fb);
    for (std::size_t k = 0; k < bins; ++k) {
        const std::complex<double> p =
            std::complex<double>(fa[k][0], fa[k][1]) * std::complex<double>(fb[k][0], fb[k][1]);
        fa[k][0] = p.real() / static_cast<double>(n);
        fa[k][1] = p.imag() / static_cast<double>(n);
    }
    fftw_execute_dft_c2r(inverse, fa, x);
    std::vector<double> out(x, x + length);
    {
        std::lock_guard lock(fftwPlannerMutex());
        fftw_destroy_plan(forward);
        fftw_destroy_plan(inverse);
    }
    fftw_free(x);
    fftw_free(fa);
    fftw_free(fb);
    return out;
}

}  // namespace

bool Kernel::isIdentity() const {
    return std::all_of(taps.begin(), taps.end(), [](const auto& t) { return t.size() == 1 && t[0] == 1.0; });
}

Kernel combine(const eq::Design& eq, const std::vector<std::vector<double>>& wet, int channels) {
    assert(wet.empty() || static_cast<int>(wet.size()) == channels);
    static std::atomic<std::uint64_t> serials{0};
    Kernel k;
    k.serial = ++serials;
    k.latencyFrames = eq.latencyFrames();
    const auto& h = eq.taps();
    if (wet.empty()) {
        k.taps.assign(static_cast<std::size_t>(channels), h);
        return k;
    }
    const std::size_t wetFrames = wet[0].size();
    k.tailFrames = wetFrames - 1;
    for (const auto& w : wet) {
        std::vector<double> taps = h.size() == 1 ? w : convolveDouble(h, w);
        if (h.size() == 1)
            for (double& v : taps) v *= h[0];
        taps.resize(h.size() + wetFrames - 1, 0.0);
        for (std::size_t i = 0; i < h.size(); ++i) taps[i] += h[i];  // the dry path
        k.taps.push_back(std::move(taps));
    }
    return k;
}

namespace detail {

Geometry::Geometry(const Kernel& kernel, std::size_t inFrames, std::size_t fft)
    : fftFrames(fft),
      kernelFrames(kernel.lengthFrames()),
      hopFrames(fft - kernel.lengthFrames() + 1),
      latencyFrames(kernel.latencyFrames),
      inputFrames(inFrames),
      outputFrames(kernel.outputFrames(inFrames)) {
    assert(fft >= kernelFrames);
    blocks = (outputFrames + hopFrames - 1) / hopFrames;
}

std::size_t autoFftFrames(std::size_t kernelFrames) {
    // Work per output frame ∝ N·log2(N) / (N − K + 1). Candidates are 2^k and 5·2^k (FFTW and
    // VkFFT both have fast radix-5 passes) between 1.5 K and 4 K: above that the transforms fall
    // out of cache and FFTW_ESTIMATE plans get slow (measured on the 2-core machine: at K = 419k,
    // 5·2^18 costs 7.2 ns per output frame, 2^20 10.0, 2^21 9.1).
    const double k = static_cast<double>(kernelFrames);
    std::size_t best = 0;
    double bestCost = 0;
    for (std::size_t base : {std::size_t{1}, std::size_t{5}})
        for (std::size_t n = base * 4096; n <= std::max<std::size_t>(8192, 4 * kernelFrames); n *= 2) {
            if (static_cast<double>(n) < 1.5 * k) continue;
            const double cost = static_cast<double>(n) * std::log2(static_cast<double>(n)) /
                                (static_cast<double>(n) - k + 1.0);
            if (best == 0 || cost < bestCost) {
                best = n;
                bestCost = cost;
            }
        }
    return best != 0 ? best : std::max<std::size_t>(4096, nextPow2(2 * kernelFrames));
}

std::vector<std::vector<std::complex<double>>> kernelSpectra(const Kernel& kernel, std::size_t n) {
    const std::size_t bins = n / 2 + 1;
    auto* x = fftw_alloc_real(n);
    auto* spectrum = fftw_alloc_complex(bins);
    fftw_plan plan;
    {
        std::lock_guard lock(fftwPlannerMutex());
        plan = fftw_plan_dft_r2c_1d(static_cast<int>(n), x, spectrum, FFTW_ESTIMATE);
    }
    std::vector<std::vector<std::complex<double>>> out;
    for (const auto& taps : kernel.taps) {
        std::fill(x, x + n, 0.0);
        std::copy(taps.begin(), taps.end(), x);
        fftw_execute(plan);
        auto& s = out.emplace_back(bins);
        for (std::size_t k = 0; k < bins; ++k)
            s[k] = std::complex<double>(spectrum[k][0], spectrum[k][1]) / static_cast<double>(n);
    }
    {
        std::lock_guard lock(fftwPlannerMutex());
        fftw_destroy_plan(plan);
    }
    fftw_free(x);
    fftw_free(spectrum);
    return out;
}

}  // namespace detail
}  // namespace lacquer::convolution
