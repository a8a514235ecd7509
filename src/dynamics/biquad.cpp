// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/biquad.hpp"

#include <cassert>
#include <algorithm>
#include <cmath>
#include <numbers>

#if defined(__x86_64__)
#include <immintrin.h>
#define LACQUER_DYN_X86 1
#endif

namespace lacquer::dynamics {
namespace {

// Bilinear transform of H(s) = (n2 s^2 + n1 s + n0) / (s^2 + d1 s + 1), s normalised to the
// prewarped corner: s -> K (1 - z^-1)/(1 + z^-1), K = 1 / tan(pi f / fs).
BiquadCoeffs bilinear(double n2, double n1, double n0, double d1, double freqHz, double rateHz) {
    assert(freqHz > 0 && freqHz < rateHz / 2);
    const double k = 1.0 / std::tan(std::numbers::pi * freqHz / rateHz);
    const double k2 = k * k;
    const double a0 = k2 + d1 * k + 1.0;
    BiquadCoeffs c;
    c.b0 = (n2 * k2 + n1 * k + n0) / a0;
    c.b1 = 2.0 * (n0 - n2 * k2) / a0;
    c.b2 = (n2 * k2 - n1 * k + n0) / a0;
    c.a1 = 2.0 * (1.0 - k2) / a0;
    c.a2 = (k2 - d1 * k + 1.0) / a0;
    return c;
}

}  // namespace

BiquadCoeffs butterworthLowpass(double freqHz, double sampleRateHz) {
    return bilinear(0, 0, 1, std::numbers::sqrt2, freqHz, sampleRateHz);
}
BiquadCoeffs butterworthHighpass(double freqHz, double sampleRateHz) {
    return bilinear(1, 0, 0, std::numbers::sqrt2, freqHz, sampleRateHz);
}
BiquadCoeffs lr4Allpass(double freqHz, double sampleRateHz) {
    return bilinear(1, -std::numbers::sqrt2, 1, std::numbers::sqrt2, freqHz, sampleRateHz);
}

Complex biquadResponse(const BiquadCoeffs& c, double freqHz, double sampleRateHz) {
    const double w = 2.0 * std::numbers::pi * freqHz / sampleRateHz;
    // z^-1 = cos w - j sin w
    const double c1 = std::cos(w), s1 = -std::sin(w), c2 = std::cos(2 * w), s2 = -std::sin(2 * w);
    const double nr = c.b0 + c.b1 * c1 + c.b2 * c2, ni = c.b1 * s1 + c.b2 * s2;
    const double dr = 1.0 + c.a1 * c1 + c.a2 * c2, di = c.a1 * s1 + c.a2 * s2;
    const double den = dr * dr + di * di;
    return {(nr * dr + ni * di) / den, (ni * dr - nr * di) / den};
}

void BiquadCascade::add(const BiquadCoeffs& c) {
    assert(count_ < kMaxSections);
    coeffs_[static_cast<std::size_t>(count_++)] = c;
}

void BiquadCascade::reset() { state_ = {}; }

Complex BiquadCascade::response(double freqHz, double sampleRateHz) const {
    Complex h{1.0, 0.0};
    for (int i = 0; i < count_; ++i) {
        const Complex r = biquadResponse(coeffs_[static_cast<std::size_t>(i)], freqHz, sampleRateHz);
        h = {h.re * r.re - h.im * r.im, h.re * r.im + h.im * r.re};
    }
    return h;
}

namespace {

// Two lanes of double: the two channels of a pair run through the same sections together.
typedef double V2 __attribute__((vector_size(16)));

// N sections, state in locals (the compiler keeps them in registers once N is a constant).
// Per section (TDF-II): y = b0 v + s1;  s1 = b1 v - a1 y + s2;  s2 = b2 v - a2 y.
template <int N, class T, class Load, class Store>
void runSections(const BiquadCoeffs* c, T* s1io, T* s2io, std::size_t frames, Load load, Store store) {
    T s1[N], s2[N];
    for (int i = 0; i < N; ++i) {
        s1[i] = s1io[i];
        s2[i] = s2io[i];
    }
    for (std::size_t f = 0; f < frames; ++f) {
        T v = load(f);
        for (int i = 0; i < N; ++i) {
            const T y = c[i].b0 * v + s1[i];
            s1[i] = c[i].b1 * v - c[i].a1 * y + s2[i];
            s2[i] = c[i].b2 * v - c[i].a2 * y;
            v = y;
        }
        store(f, v);
    }
    for (int i = 0; i < N; ++i) {
        s1io[i] = s1[i];
        s2io[i] = s2[i];
    }
}

template <class T, class Load, class Store>
void runAny(int n, const BiquadCoeffs* c, T* s1, T* s2, std::size_t frames, Load load, Store store) {
    switch (n) {
        case 1: runSections<1>(c, s1, s2, frames, load, store); break;
        case 2: runSections<2>(c, s1, s2, frames, load, store); break;
        case 3: runSections<3>(c, s1, s2, frames, load, store); break;
        case 4: runSections<4>(c, s1, s2, frames, load, store); break;
        case 5: runSections<5>(c, s1, s2, frames, load, store); break;
        case 6: runSections<6>(c, s1, s2, frames, load, store); break;
        default: {
            // Longer cascades run 6 sections at a time through the buffer (one float rounding
            // between groups, about -150 dB; only 5-6 band splits have more than 6 sections).
            int done = 0;
            while (done < n) {
                const int k = std::min(6, n - done);
                runAny(k, c + done, s1 + done, s2 + done, frames, load, store);
                done += k;
            }
        }
    }
}

#if LACQUER_DYN_X86
// The stereo pair with fused multiply-adds (AVX2+FMA machines): 5 FMA-class operations per
// section instead of 9, on the same two lanes.
template <int N>
__attribute__((target("avx2,fma"))) void runPairFma(const BiquadCoeffs* c, V2* s1io, V2* s2io, float* l, float* r,
                                                     std::size_t frames) {
    __m128d s1[N], s2[N], b0[N], b1[N], b2[N], a1[N], a2[N];
    for (int i = 0; i < N; ++i) {
        s1[i] = _mm_set_pd(s1io[i][1], s1io[i][0]);
        s2[i] = _mm_set_pd(s2io[i][1], s2io[i][0]);
        b0[i] = _mm_set1_pd(c[i].b0);
        b1[i] = _mm_set1_pd(c[i].b1);
        b2[i] = _mm_set1_pd(c[i].b2);
        a1[i] = _mm_set1_pd(c[i].a1);
        a2[i] = _mm_set1_pd(c[i].a2);
    }
    for (std::size_t f = 0; f < frames; ++f) {
        __m128d v = _mm_set_pd(static_cast<double>(r[f]), static_cast<double>(l[f]));
        for (int i = 0; i < N; ++i) {
            const __m128d y = _mm_fmadd_pd(b0[i], v, s1[i]);
            s1[i] = _mm_fnmadd_pd(a1[i], y, _mm_fmadd_pd(b1[i], v, s2[i]));
            s2[i] = _mm_fnmadd_pd(a2[i], y, _mm_mul_pd(b2[i], v));
            v = y;
        }
        l[f] = static_cast<float>(_mm_cvtsd_f64(v));
        r[f] = static_cast<float>(_mm_cvtsd_f64(_mm_unpackhi_pd(v, v)));
    }
    for (int i = 0; i < N; ++i) {
        _mm_storeu_pd(reinterpret_cast<double*>(&s1io[i]), s1[i]);
        _mm_storeu_pd(reinterpret_cast<double*>(&s2io[i]), s2[i]);
    }
}

bool haveFma() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

// Runs n sections on the pair with FMA, 4 at a time; false if this machine has no FMA.
bool runPairFmaAny(int n, const BiquadCoeffs* c, V2* s1, V2* s2, float* l, float* r, std::size_t frames) {
    if (!haveFma()) return false;
    for (int done = 0; done < n;) {
        const int k = std::min(4, n - done);
        switch (k) {
            case 1: runPairFma<1>(c + done, s1 + done, s2 + done, l, r, frames); break;
            case 2: runPairFma<2>(c + done, s1 + done, s2 + done, l, r, frames); break;
            case 3: runPairFma<3>(c + done, s1 + done, s2 + done, l, r, frames); break;
            default: runPairFma<4>(c + done, s1 + done, s2 + done, l, r, frames); break;
        }
        done += k;
    }
    return true;
}

// A crossover step for a pair: the low chain's first two sections and the high chain's two run
// in the four lanes of one register (low L, low R, high L, high R), then the low chain's
// remaining NAP sections (allpasses) on two lanes.
template <int NAP>
__attribute__((target("avx2,fma"))) void splitPairFma(const BiquadCoeffs* lo, const BiquadCoeffs* hi, V2* loS1,
                                                       V2* loS2, V2* hiS1, V2* hiS2, float* restL, float* restR,
                                                       float* outL, float* outR, std::size_t frames) {
    __m256d s1[2], s2[2], b0[2], b1[2], b2[2], a1[2], a2[2];
    for (int i = 0; i < 2; ++i) {
        s1[i] = _mm256_set_pd(hiS1[i][1], hiS1[i][0], loS1[i][1], loS1[i][0]);
        s2[i] = _mm256_set_pd(hiS2[i][1], hiS2[i][0], loS2[i][1], loS2[i][0]);
        b0[i] = _mm256_set_pd(hi[i].b0, hi[i].b0, lo[i].b0, lo[i].b0);
        b1[i] = _mm256_set_pd(hi[i].b1, hi[i].b1, lo[i].b1, lo[i].b1);
        b2[i] = _mm256_set_pd(hi[i].b2, hi[i].b2, lo[i].b2, lo[i].b2);
        a1[i] = _mm256_set_pd(hi[i].a1, hi[i].a1, lo[i].a1, lo[i].a1);
        a2[i] = _mm256_set_pd(hi[i].a2, hi[i].a2, lo[i].a2, lo[i].a2);
    }
    __m128d t1[NAP + 1], t2[NAP + 1], c0[NAP + 1], c1[NAP + 1], c2[NAP + 1], d1[NAP + 1], d2[NAP + 1];
    for (int i = 0; i < NAP; ++i) {
        t1[i] = _mm_set_pd(loS1[2 + i][1], loS1[2 + i][0]);
        t2[i] = _mm_set_pd(loS2[2 + i][1], loS2[2 + i][0]);
        c0[i] = _mm_set1_pd(lo[2 + i].b0);
        c1[i] = _mm_set1_pd(lo[2 + i].b1);
        c2[i] = _mm_set1_pd(lo[2 + i].b2);
        d1[i] = _mm_set1_pd(lo[2 + i].a1);
        d2[i] = _mm_set1_pd(lo[2 + i].a2);
    }
    for (std::size_t f = 0; f < frames; ++f) {
        const __m128d in = _mm_set_pd(static_cast<double>(restR[f]), static_cast<double>(restL[f]));
        __m256d v = _mm256_set_m128d(in, in);
        for (int i = 0; i < 2; ++i) {
            const __m256d y = _mm256_fmadd_pd(b0[i], v, s1[i]);
            s1[i] = _mm256_fnmadd_pd(a1[i], y, _mm256_fmadd_pd(b1[i], v, s2[i]));
            s2[i] = _mm256_fnmadd_pd(a2[i], y, _mm256_mul_pd(b2[i], v));
            v = y;
        }
        const __m128d high = _mm256_extractf128_pd(v, 1);
        restL[f] = static_cast<float>(_mm_cvtsd_f64(high));
        restR[f] = static_cast<float>(_mm_cvtsd_f64(_mm_unpackhi_pd(high, high)));
        __m128d w = _mm256_castpd256_pd128(v);
        for (int i = 0; i < NAP; ++i) {
            const __m128d y = _mm_fmadd_pd(c0[i], w, t1[i]);
            t1[i] = _mm_fnmadd_pd(d1[i], y, _mm_fmadd_pd(c1[i], w, t2[i]));
            t2[i] = _mm_fnmadd_pd(d2[i], y, _mm_mul_pd(c2[i], w));
            w = y;
        }
        outL[f] = static_cast<float>(_mm_cvtsd_f64(w));
        outR[f] = static_cast<float>(_mm_cvtsd_f64(_mm_unpackhi_pd(w, w)));
    }
    for (int i = 0; i < 2; ++i) {
        alignas(32) double a[4], b[4];
        _mm256_store_pd(a, s1[i]);
        _mm256_store_pd(b, s2[i]);
        loS1[i] = V2{a[0], a[1]};
        hiS1[i] = V2{a[2], a[3]};
        loS2[i] = V2{b[0], b[1]};
        hiS2[i] = V2{b[2], b[3]};
    }
    for (int i = 0; i < NAP; ++i) {
        _mm_storeu_pd(reinterpret_cast<double*>(&loS1[2 + i]), t1[i]);
        _mm_storeu_pd(reinterpret_cast<double*>(&loS2[2 + i]), t2[i]);
    }
}
#endif

}  // namespace

void BiquadCascade::process(float* samples, std::size_t frames, int channel) {
    assert(channel >= 0 && channel < kMaxChannels);
    if (count_ == 0) return;
    auto& st = state_[static_cast<std::size_t>(channel)];
    double s1[kMaxSections], s2[kMaxSections];
    for (int i = 0; i < count_; ++i) {
        s1[i] = st[static_cast<std::size_t>(i)][0];
        s2[i] = st[static_cast<std::size_t>(i)][1];
    }
    runAny<double>(count_, coeffs_.data(), s1, s2, frames, [&](std::size_t f) { return static_cast<double>(samples[f]); },
                   [&](std::size_t f, double v) { samples[f] = static_cast<float>(v); });
    for (int i = 0; i < count_; ++i) {
        st[static_cast<std::size_t>(i)][0] = s1[i];
        st[static_cast<std::size_t>(i)][1] = s2[i];
    }
}

void BiquadCascade::processPair(float* left, float* right, std::size_t frames, int leftChannel) {
    assert(leftChannel >= 0 && leftChannel + 1 < kMaxChannels);
    if (count_ == 0) return;
    auto& stL = state_[static_cast<std::size_t>(leftChannel)];
    auto& stR = state_[static_cast<std::size_t>(leftChannel + 1)];
    V2 s1[kMaxSections], s2[kMaxSections];
    for (int i = 0; i < count_; ++i) {
        const std::size_t k = static_cast<std::size_t>(i);
        s1[i] = V2{stL[k][0], stR[k][0]};
        s2[i] = V2{stL[k][1], stR[k][1]};
    }
#if LACQUER_DYN_X86
    if (!runPairFmaAny(count_, coeffs_.data(), s1, s2, left, right, frames))
#endif
    runAny<V2>(count_, coeffs_.data(), s1, s2, frames,
               [&](std::size_t f) { return V2{static_cast<double>(left[f]), static_cast<double>(right[f])}; },
               [&](std::size_t f, V2 v) {
                   left[f] = static_cast<float>(v[0]);
                   right[f] = static_cast<float>(v[1]);
               });
    for (int i = 0; i < count_; ++i) {
        const std::size_t k = static_cast<std::size_t>(i);
        stL[k][0] = s1[i][0];
        stR[k][0] = s1[i][1];
        stL[k][1] = s2[i][0];
        stR[k][1] = s2[i][1];
    }
}

}  // namespace lacquer::dynamics

namespace lacquer::dynamics {

void BiquadCascade::splitPair(BiquadCascade& low, BiquadCascade& high, float* restL, float* restR, float* outL,
                              float* outR, std::size_t frames, int leftChannel) {
#if LACQUER_DYN_X86
    const int nap = low.count_ - 2;
    if (haveFma() && high.count_ == 2 && nap >= 0 && nap <= 4) {
        V2 ls1[kMaxSections], ls2[kMaxSections], hs1[2], hs2[2];
        auto& lL = low.state_[static_cast<std::size_t>(leftChannel)];
        auto& lR = low.state_[static_cast<std::size_t>(leftChannel + 1)];
        auto& hL = high.state_[static_cast<std::size_t>(leftChannel)];
        auto& hR = high.state_[static_cast<std::size_t>(leftChannel + 1)];
        for (int i = 0; i < low.count_; ++i) {
            const std::size_t k = static_cast<std::size_t>(i);
            ls1[i] = V2{lL[k][0], lR[k][0]};
            ls2[i] = V2{lL[k][1], lR[k][1]};
        }
        for (std::size_t k = 0; k < 2; ++k) {
            hs1[k] = V2{hL[k][0], hR[k][0]};
            hs2[k] = V2{hL[k][1], hR[k][1]};
        }
        const BiquadCoeffs* lc = low.coeffs_.data();
        const BiquadCoeffs* hc = high.coeffs_.data();
        switch (nap) {
            case 0: splitPairFma<0>(lc, hc, ls1, ls2, hs1, hs2, restL, restR, outL, outR, frames); break;
            case 1: splitPairFma<1>(lc, hc, ls1, ls2, hs1, hs2, restL, restR, outL, outR, frames); break;
            case 2: splitPairFma<2>(lc, hc, ls1, ls2, hs1, hs2, restL, restR, outL, outR, frames); break;
            case 3: splitPairFma<3>(lc, hc, ls1, ls2, hs1, hs2, restL, restR, outL, outR, frames); break;
            default: splitPairFma<4>(lc, hc, ls1, ls2, hs1, hs2, restL, restR, outL, outR, frames); break;
        }
        for (int i = 0; i < low.count_; ++i) {
            const std::size_t k = static_cast<std::size_t>(i);
            lL[k] = {ls1[i][0], ls2[i][0]};
            lR[k] = {ls1[i][1], ls2[i][1]};
        }
        for (std::size_t k = 0; k < 2; ++k) {
            hL[k] = {hs1[k][0], hs2[k][0]};
            hR[k] = {hs1[k][1], hs2[k][1]};
        }
        return;
    }
#endif
    std::copy(restL, restL + frames, outL);
    std::copy(restR, restR + frames, outR);
    low.processPair(outL, outR, frames, leftChannel);
    high.processPair(restL, restR, frames, leftChannel);
}

}  // namespace lacquer::dynamics
