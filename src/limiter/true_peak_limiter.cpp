// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/limiter/true_peak_limiter.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numbers>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LACQUER_HAVE_X86 1
#endif

namespace lacquer::limiter {
namespace {

constexpr int kK1 = TruePeakLimiter::kStage1Taps / 2;  // stage-1 taps per side
constexpr int kK2 = TruePeakLimiter::kStage2Taps / 2;  // stage-2 taps per side (2x-rate samples)
constexpr int kS = kK2 / 2;                            // stage-2 lag in frames
constexpr int kT2 = kK2;                               // stage-2 history in frames
constexpr int kF0 = kT2 - kS;                          // x2/mid index of block frame 0's interval
// Stage 1 is split into a near part (taps 0 .. kNear-1, computed for every frame) and a tail
// (taps kNear .. kK1-1, added only in chunks whose bound says the exact value could matter).
constexpr int kNear = 16;
constexpr std::size_t kChunk = 32;                   // frames per skip decision
constexpr std::size_t kGroup = 8;                    // frames per group of the alternating-sum statistics
constexpr std::size_t kLead = kT2;                   // extra input history: exact mids of history frames
constexpr double kGainScale = 0x1p24;                // the box filters sum reductions in units of 2^-24

double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 60; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-17 * sum) break;
    }
    return sum;
}

// One side of a halfband interpolator: the value midway between y[j] and y[j+1] is
// sum_k taps[k] (y[j - k] + y[j + 1 + k]). Kaiser-windowed sinc, normalised to unity at DC.
// Stage 1 (beta 10, 256 taps): about -100 dB stopband, flat within 0.01 dB to about 0.48 fs.
// Stage 2 (beta 7, 16 taps at 2x): its band of interest ends at a quarter of its rate.
std::vector<float> halfband(int perSide, double beta) {
    std::vector<double> t(static_cast<std::size_t>(perSide));
    double sum = 0;
    for (int k = 0; k < perSide; ++k) {
        const double u = k + 0.5;
        const double r = u / (perSide + 0.5);
        t[static_cast<std::size_t>(k)] =
            std::sin(std::numbers::pi * u) / (std::numbers::pi * u) * besselI0(beta * std::sqrt(1 - r * r)) / besselI0(beta);
        sum += 2 * t[static_cast<std::size_t>(k)];
    }
    std::vector<float> out(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) out[k] = static_cast<float>(t[k] / sum);
    return out;
}

// Peak of |x| near a 4x point b with neighbours a, c (all >= 0): the vertex of the parabola
// through them when b is a local maximum, else b. The correction is at most |a - c|/8.
inline float refine(float a, float b, float c) {
    const float d = 2.0f * b - a - c;
    const bool localMax = b >= a && b >= c && d > 0.0f;
    const float e = a - c;
    return localMax ? b + e * e / (8.0f * d) : b;
}

// out[i] = init[i] + sum_k taps[k] (base[offA[k] + start + i] + base[offB[k] + start + i]) for i in
// [0, roundUp(count, 8)) (init = nullptr: 0). The sum runs in k order with one rounding per multiply
// and add, so an output does not depend on its position in the block, and a sum over taps
// [0, K) continued with init = that result over taps [K, n) equals the sum over [0, n).
void pairSumGeneric(const float* base, const std::ptrdiff_t* offA, const std::ptrdiff_t* offB,
                    const float* taps, int k, std::ptrdiff_t start, const float* init, float* out,
                    std::size_t count) {
    const std::size_t padded = (count + 7) / 8 * 8;
    for (std::size_t i = 0; i < padded; ++i) {
        const std::ptrdiff_t at = start + static_cast<std::ptrdiff_t>(i);
        float acc = init ? init[i] : 0.0f;
        for (int j = 0; j < k; ++j) acc += taps[j] * (base[offA[j] + at] + base[offB[j] + at]);
        out[i] = acc;
    }
}

#if LACQUER_HAVE_X86
// The same sums with fused multiply-adds, 32 outputs at a time (4 accumulators hide the FMA
// latency; the loop is bound by its two loads per tap), then 8 at a time.
__attribute__((target("avx2,fma"))) void pairSumAvx2(const float* base, const std::ptrdiff_t* offA,
                                                     const std::ptrdiff_t* offB, const float* taps, int k,
                                                     std::ptrdiff_t start, const float* init, float* out,
                                                     std::size_t count) {
    std::size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        if (init) {
            a0 = _mm256_loadu_ps(init + i);
            a1 = _mm256_loadu_ps(init + i + 8);
            a2 = _mm256_loadu_ps(init + i + 16);
            a3 = _mm256_loadu_ps(init + i + 24);
        }
        const float* b = base + start + static_cast<std::ptrdiff_t>(i);
        for (int j = 0; j < k; ++j) {
            const __m256 t = _mm256_set1_ps(taps[j]);
            const float* pa = b + offA[j];
            const float* pb = b + offB[j];
            a0 = _mm256_fmadd_ps(t, _mm256_add_ps(_mm256_loadu_ps(pa), _mm256_loadu_ps(pb)), a0);
            a1 = _mm256_fmadd_ps(t, _mm256_add_ps(_mm256_loadu_ps(pa + 8), _mm256_loadu_ps(pb + 8)), a1);
            a2 = _mm256_fmadd_ps(t, _mm256_add_ps(_mm256_loadu_ps(pa + 16), _mm256_loadu_ps(pb + 16)), a2);
            a3 = _mm256_fmadd_ps(t, _mm256_add_ps(_mm256_loadu_ps(pa + 24), _mm256_loadu_ps(pb + 24)), a3);
        }
        _mm256_storeu_ps(out + i, a0);
        _mm256_storeu_ps(out + i + 8, a1);
        _mm256_storeu_ps(out + i + 16, a2);
        _mm256_storeu_ps(out + i + 24, a3);
    }
    for (; i < count; i += 8) {
        __m256 a0 = init ? _mm256_loadu_ps(init + i) : _mm256_setzero_ps();
        const float* b = base + start + static_cast<std::ptrdiff_t>(i);
        for (int j = 0; j < k; ++j)
            a0 = _mm256_fmadd_ps(_mm256_set1_ps(taps[j]),
                                 _mm256_add_ps(_mm256_loadu_ps(b + offA[j]), _mm256_loadu_ps(b + offB[j])),
                                 a0);
        _mm256_storeu_ps(out + i, a0);
    }
}
#endif

void pairSum(bool avx2, const float* base, const std::ptrdiff_t* offA, const std::ptrdiff_t* offB,
             const float* taps, int k, std::ptrdiff_t start, const float* init, float* out,
             std::size_t count) {
#if LACQUER_HAVE_X86
    if (avx2) {
        pairSumAvx2(base, offA, offB, taps, k, start, init, out, count);
        return;
    }
#else
    (void)avx2;
#endif
    pairSumGeneric(base, offA, offB, taps, k, start, init, out, count);
}

// Per interval: the largest refined |x| among the 4x points m, m+1/4, m+1/2, m+3/4 and m+1,
// max-ed into pk. q3[-1] must hold the previous interval's m+3/4 point. Computes
// roundUp(count, 8) entries (buffers are padded).
void peaksGeneric(const float* xm, const float* q1, const float* mm, const float* q3, float* pk, std::size_t count) {
    const std::size_t padded = (count + 7) / 8 * 8;
    for (std::size_t i = 0; i < padded; ++i) {
        const float am = std::abs(q3[static_cast<std::ptrdiff_t>(i) - 1]), a0 = std::abs(xm[i]), a1 = std::abs(q1[i]),
                    a2 = std::abs(mm[i]), a3 = std::abs(q3[i]), a4 = std::abs(xm[i + 1]);
        const float v = std::max(std::max(refine(am, a0, a1), refine(a0, a1, a2)),
                                 std::max(refine(a1, a2, a3), refine(a2, a3, a4)));
        pk[i] = std::max(pk[i], std::max(v, a4));
    }
}

#if LACQUER_HAVE_X86
__attribute__((target("avx2,fma"))) inline __m256 refine8(__m256 a, __m256 b, __m256 c) {
    const __m256 d = _mm256_sub_ps(_mm256_add_ps(b, b), _mm256_add_ps(a, c));
    const __m256 e = _mm256_sub_ps(a, c);
    const __m256 local = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(b, a, _CMP_GE_OQ), _mm256_cmp_ps(b, c, _CMP_GE_OQ)),
                                       _mm256_cmp_ps(d, _mm256_setzero_ps(), _CMP_GT_OQ));
    const __m256 v = _mm256_add_ps(b, _mm256_div_ps(_mm256_mul_ps(e, e), _mm256_mul_ps(_mm256_set1_ps(8.0f), d)));
    return _mm256_blendv_ps(b, v, local);
}

__attribute__((target("avx2,fma"))) inline __m256 ld(const float* p) {
    return _mm256_and_ps(_mm256_loadu_ps(p), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));  // |x|
}

__attribute__((target("avx2,fma"))) inline float hmax8(__m256 v) {
    v = _mm256_max_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_max_ps(v, _mm256_shuffle_ps(v, v, 0x4E));
    v = _mm256_max_ps(v, _mm256_shuffle_ps(v, v, 0xB1));
    return _mm256_cvtss_f32(v);
}

__attribute__((target("avx2,fma"))) inline float hmin8(__m256 v) {
    v = _mm256_min_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_min_ps(v, _mm256_shuffle_ps(v, v, 0x4E));
    v = _mm256_min_ps(v, _mm256_shuffle_ps(v, v, 0xB1));
    return _mm256_cvtss_f32(v);
}

__attribute__((target("avx2,fma"))) void peaksAvx2(const float* xm, const float* q1, const float* mm, const float* q3,
                                                   float* pk, std::size_t count) {
    for (std::size_t i = 0; i < count; i += 8) {
        const __m256 am = ld(q3 + i - 1), a0 = ld(xm + i), a1 = ld(q1 + i), a2 = ld(mm + i), a3 = ld(q3 + i),
                     a4 = ld(xm + i + 1);
        const __m256 v = _mm256_max_ps(_mm256_max_ps(refine8(am, a0, a1), refine8(a0, a1, a2)),
                                       _mm256_max_ps(refine8(a1, a2, a3), refine8(a2, a3, a4)));
        _mm256_storeu_ps(pk + i, _mm256_max_ps(_mm256_loadu_ps(pk + i), _mm256_max_ps(v, a4)));
    }
}
#endif

// An upper bound of what peaks*() computes for interval i from the exact 4x points, given the
// near points (stage 1 without its tail) and bounds on the difference: |q1|, |q3| within dq and
// |mid| within dm of the near values; x is exact. refine(a, b, c) <= b + (b - min(a, c))/8 (the
// vertex correction is (g - a)^2 / (8 (g + a)) <= g/8 with a = b - max(a, c), g = b - min(a, c)), so
// each triple is bounded by U_b + max(0, U_b - min(L_a, L_c))/8 with U/L the upper/lower bounds of
// the exact |values|. Writes roundUp(count, 8) entries.
float boundGeneric(const float* xm, const float* q1, const float* mm, const float* q3, float dq, float dm,
                   std::size_t count) {
    float best = 0;
    auto tri = [](float ub, float la, float lc) {
        return ub + std::max(0.0f, ub - std::min(la, lc)) * 0.125f;
    };
    for (std::size_t i = 0; i < count; ++i) {
        const float vm = std::abs(q3[static_cast<std::ptrdiff_t>(i) - 1]), v1 = std::abs(q1[i]),
                    v2 = std::abs(mm[i]), v3 = std::abs(q3[i]);
        const float u0 = std::abs(xm[i]), u4 = std::abs(xm[i + 1]);
        const float u1 = v1 + dq, u2 = v2 + dm, u3 = v3 + dq;
        const float lm = std::max(0.0f, vm - dq), l1 = std::max(0.0f, v1 - dq), l2 = std::max(0.0f, v2 - dm),
                    l3 = std::max(0.0f, v3 - dq);
        best = std::max(best, std::max(std::max(std::max(tri(u0, lm, l1), tri(u1, u0, l2)),
                                                std::max(tri(u2, l1, l3), tri(u3, l2, u4))),
                                       u4));
    }
    return best;
}

#if LACQUER_HAVE_X86
__attribute__((target("avx2,fma"))) inline __m256 tri8(__m256 ub, __m256 la, __m256 lc) {
    const __m256 gap = _mm256_max_ps(_mm256_setzero_ps(), _mm256_sub_ps(ub, _mm256_min_ps(la, lc)));
    return _mm256_add_ps(ub, _mm256_mul_ps(gap, _mm256_set1_ps(0.125f)));
}

__attribute__((target("avx2,fma"))) float boundAvx2(const float* xm, const float* q1, const float* mm,
                                                    const float* q3, float dq, float dm, std::size_t count) {
    const __m256 vdq = _mm256_set1_ps(dq), vdm = _mm256_set1_ps(dm), zero = _mm256_setzero_ps();
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 best = zero;
    for (std::size_t i = 0; i < count; i += 8) {
        const __m256 vm = ld(q3 + i - 1), v1 = ld(q1 + i), v2 = ld(mm + i), v3 = ld(q3 + i);
        const __m256 u0 = ld(xm + i), u4 = ld(xm + i + 1);
        const __m256 u1 = _mm256_add_ps(v1, vdq), u2 = _mm256_add_ps(v2, vdm), u3 = _mm256_add_ps(v3, vdq);
        const __m256 lm = _mm256_max_ps(zero, _mm256_sub_ps(vm, vdq)),
                     l1 = _mm256_max_ps(zero, _mm256_sub_ps(v1, vdq)),
                     l2 = _mm256_max_ps(zero, _mm256_sub_ps(v2, vdm)),
                     l3 = _mm256_max_ps(zero, _mm256_sub_ps(v3, vdq));
        const __m256 b = _mm256_max_ps(_mm256_max_ps(tri8(u0, lm, l1), tri8(u1, u0, l2)),
                                       _mm256_max_ps(tri8(u2, l1, l3), tri8(u3, l2, u4)));
        const __m256 valid =
            _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count - i)), lane));
        best = _mm256_max_ps(best, _mm256_and_ps(valid, _mm256_max_ps(b, u4)));
    }
    return hmax8(best);
}
#endif

// Statistics of the alternating prefix sum A[j] = sum_{i <= j} (-1)^i x[i] over x[0, len), per
// group of kGroup samples (len a multiple of kGroup): the minimum and maximum of A (gMin, gMax)
// and max |x| (gAbs). A partial sum of (-1)^i x[i] over any range of i is a difference of two
// values of A, which is what the tail bound needs. Within a group the partial sums are float (8
// terms: error <= 7·2^-24·8·max|x| ~ 3.4e-6 gAbs), group totals are chained in double; over a
// bound's window (~20 groups) that is under 1e-4 · max|x|, inside the bound's slack.
void groupScanGeneric(const float* x, std::size_t groups, double* gMin, double* gMax, float* gAbs) {
    double base = 0;
    for (std::size_t g = 0; g < groups; ++g) {
        float p = 0, mn = HUGE_VALF, mx = -HUGE_VALF, ab = 0;
        for (std::size_t j = 0; j < kGroup; ++j) {
            const float v = x[g * kGroup + j];
            p += j % 2 == 0 ? v : -v;
            mn = std::min(mn, p);
            mx = std::max(mx, p);
            ab = std::max(ab, std::abs(v));
        }
        gMin[g] = base + mn;
        gMax[g] = base + mx;
        gAbs[g] = ab;
        base += p;
    }
}

#if LACQUER_HAVE_X86
__attribute__((target("avx2,fma"))) void groupScanAvx2(const float* x, std::size_t groups, double* gMin,
                                                       double* gMax, float* gAbs) {
    const __m256 sign = _mm256_setr_ps(1, -1, 1, -1, 1, -1, 1, -1);
    double base = 0;
    for (std::size_t g = 0; g < groups; ++g) {
        const __m256 xv = _mm256_loadu_ps(x + g * kGroup);
        __m256 v = _mm256_mul_ps(xv, sign);
        // Prefix sums inside each 128-bit half, then the low half's total into the high half
        // (the same order of additions as a scalar scan would not give, but the same bound).
        v = _mm256_add_ps(v, _mm256_castsi256_ps(_mm256_slli_si256(_mm256_castps_si256(v), 4)));
        v = _mm256_add_ps(v, _mm256_castsi256_ps(_mm256_slli_si256(_mm256_castps_si256(v), 8)));
        __m256 carry = _mm256_permute2f128_ps(v, v, 0x08);
        carry = _mm256_shuffle_ps(carry, carry, 0xFF);
        v = _mm256_add_ps(v, carry);
        gMin[g] = base + hmin8(v);
        gMax[g] = base + hmax8(v);
        gAbs[g] = hmax8(ld(x + g * kGroup));
        base += _mm256_cvtss_f32(_mm256_permutevar8x32_ps(v, _mm256_set1_epi32(7)));
    }
}
#endif

float absMaxGeneric(const float* x, std::size_t n) {
    float m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::abs(x[i]));
    return m;
}

#if LACQUER_HAVE_X86
__attribute__((target("avx2,fma"))) float absMaxAvx2(const float* x, std::size_t n) {
    __m256 m = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, ld(x + i));
    float r = hmax8(m);
    for (; i < n; ++i) r = std::max(r, std::abs(x[i]));
    return r;
}
#endif

float absMax(bool avx2, const float* x, std::size_t n) {
#if LACQUER_HAVE_X86
    if (avx2) return absMaxAvx2(x, n);
#else
    (void)avx2;
#endif
    return absMaxGeneric(x, n);
}

void mulGainGeneric(float* out, const float* d, const float* g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = d[i] * g[i];
}

#if LACQUER_HAVE_X86
__attribute__((target("avx2,fma"))) void mulGainAvx2(float* out, const float* d, const float* g,
                                                     std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(d + i), _mm256_loadu_ps(g + i)));
    for (; i < n; ++i) out[i] = d[i] * g[i];
}
#endif

void mulGain(bool avx2, float* out, const float* d, const float* g, std::size_t n) {
#if LACQUER_HAVE_X86
    if (avx2) return mulGainAvx2(out, d, g, n);
#else
    (void)avx2;
#endif
    mulGainGeneric(out, d, g, n);
}

}  // namespace

TruePeakLimiter::TruePeakLimiter(const Spec& spec, const Params& params) : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    const double fs = spec.sampleRateHz;
    // At most 46000 frames (0.24 s at 192 kHz): the box sums of 2^-24 units stay exact integers
    // in a double (box1 · box2 · 2^24 < 2^53).
    lookahead_ = std::clamp(
        static_cast<int>(std::lround(std::max(params.lookaheadMs, kMinLookaheadMs) * 1e-3 * fs)), 2, 46000);
    hold_ = lookahead_ + 1;
    box1_ = (lookahead_ + 2) / 2;
    box2_ = lookahead_ + 2 - box1_;
    latency_ = lookahead_ + kDetectorLatencyFrames;
    ceilingLin_ = std::pow(10.0, (params.ceilingDbtp - params.safetyMarginDb) / 20.0);
    releaseCoef_ = params.releaseMs > 0 ? 1.0 - std::exp(-1.0 / (params.releaseMs * 1e-3 * fs)) : 1.0;
    keepChunk_ = std::pow(1.0 - releaseCoef_, static_cast<double>(kChunk));
    taps1_ = halfband(kK1, 10.0);
    taps2_ = halfband(kK2, 7.0);
    // Tail bound (see detect()): the stage-1 taps from kNear on alternate in sign and do not grow.
    tailSkip_ = true;
    for (int k = kNear; k < kK1; ++k) {
        const float t = taps1_[static_cast<std::size_t>(k)];
        if ((k % 2 == 0) != (t > 0.0f) ||
            (k + 1 < kK1 && std::abs(taps1_[static_cast<std::size_t>(k) + 1]) > std::abs(t)))
            tailSkip_ = false;
    }
    tailAbel_ = std::abs(taps1_[kNear]);
    stage2L1_ = 0;
    for (float t : taps2_) stage2L1_ += std::abs(t);
#if LACQUER_HAVE_X86
    avx2_ = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    const std::size_t n = spec.maxBlockFrames;
    const std::size_t nc = static_cast<std::size_t>(spec.channels);
    hist_.assign(nc, std::vector<float>(kLead + static_cast<std::size_t>(2 * kK1) + n + kPadFrames));
    stride2_ = static_cast<std::size_t>(kT2) + n + kPadFrames;
    y2_.assign(nc, std::vector<float>(2 * stride2_));
    // Stage 1 reads x[m1 - k] and x[m1 + 1 + k] with x[m1] = hist[kK1 + i].
    for (int k = 0; k < kK1; ++k) {
        off1A_.push_back(kK1 - k);
        off1B_.push_back(kK1 + 1 + k);
    }
    // Stage 2 on y (y[2f] = x2[f], y[2f+1] = mid[f] = y2[stride2 + f]), f = f0 + i.
    const std::ptrdiff_t f0 = kT2 - kS, mid = static_cast<std::ptrdiff_t>(stride2_);
    for (int k = 0; k < kK2; ++k) {
        const std::ptrdiff_t half = k / 2, halfUp = (k + 1) / 2;
        if (k % 2 == 0) {
            off2A1_.push_back(f0 - half);        // y[2f - k]
            off2B1_.push_back(mid + f0 + half);  // y[2f + 1 + k]
            off2A3_.push_back(mid + f0 - half);  // y[2f + 1 - k]
            off2B3_.push_back(f0 + 1 + half);    // y[2f + 2 + k]
        } else {
            off2A1_.push_back(mid + f0 - halfUp);
            off2B1_.push_back(f0 + halfUp);
            off2A3_.push_back(f0 - half);
            off2B3_.push_back(mid + f0 + halfUp);
        }
    }
    delay_.assign(nc, std::vector<float>(static_cast<std::size_t>(latency_) + n));
    y2e_.assign(2 * stride2_, 0.0f);
    q1e_.assign(kChunk + kPadFrames, 0.0f);
    pkE_.assign(kChunk + kPadFrames, 0.0f);
    q3e_.assign(kChunk + kPadFrames, 0.0f);
    q1_.assign(n + kPadFrames, 0.0f);
    q3_.assign(n + kPadFrames, 0.0f);
    maxChunks_ = n / kChunk + 1;
    chunkBound_.assign(maxChunks_, 0.0f);
    chunkFine_.assign(maxChunks_, 0);
    chunkDm_.assign(nc * maxChunks_, 0.0f);
    chunkDq_.assign(nc * maxChunks_, 0.0f);
    const std::size_t hlen = kLead + static_cast<std::size_t>(2 * kK1) + n;
    gMin_.assign(hlen / kGroup + 8, 0.0);
    gMax_.assign(hlen / kGroup + 8, 0.0);
    gAbs_.assign(hlen / kGroup + 8, 0.0f);  // whole super-groups: up to 31 frames into the padding
    g4Min_.assign(hlen / kGroup / 4 + 8, 0.0);
    g4Max_.assign(hlen / kGroup / 4 + 8, 0.0);
    g4Abs_.assign(hlen / kGroup / 4 + 8, 0.0f);
    peak_.assign(n + kPadFrames, 0.0f);
    gain_.assign(n, 1.0f);
    dqVal_.assign(static_cast<std::size_t>(hold_) + 1, 0.0);
    dqIdx_.assign(static_cast<std::size_t>(hold_) + 1, 0);
    ring1_.assign(static_cast<std::size_t>(box1_), 0.0);
    ring2_.assign(static_cast<std::size_t>(box2_), 0.0);
    reset();
}

void TruePeakLimiter::reset() {
    for (auto& h : hist_) std::fill(h.begin(), h.end(), 0.0f);
    for (auto& h : y2_) std::fill(h.begin(), h.end(), 0.0f);
    for (auto& d : delay_) std::fill(d.begin(), d.end(), 0.0f);
    std::fill(peak_.begin(), peak_.end(), 0.0f);
    std::fill(gain_.begin(), gain_.end(), 1.0f);
    prevPeak_ = 0;
    prevChunkBound_ = 0;
    ceilingLin_ = std::pow(10.0, (params_.ceilingDbtp - params_.safetyMarginDb) / 20.0);
    ceilingSwitches_.clear();
    u_ = 0;
    dqHead_ = 0;
    dqSize_ = 0;
    std::fill(ring1_.begin(), ring1_.end(), 0.0);
    std::fill(ring2_.begin(), ring2_.end(), 0.0);
    pos1_ = pos2_ = 0;
    sum1_ = sum2_ = 0;
    index_ = 0;
    minGain_ = blockMinGain_ = 1;
}

void TruePeakLimiter::setCeilingDbtp(double ceilingDbtp) {
    const double lin = std::pow(10.0, (ceilingDbtp - params_.safetyMarginDb) / 20.0);
    // The next block's first input frame reaches the gain loop kDetectorLatencyFrames later.
    const std::int64_t at = index_ + kDetectorLatencyFrames;
    if (!ceilingSwitches_.empty() && ceilingSwitches_.back().first == at)
        ceilingSwitches_.back().second = lin;
    else
        ceilingSwitches_.emplace_back(at, lin);
}

double TruePeakLimiter::maxGainReductionDb() const { return -20.0 * std::log10(minGain_); }
double TruePeakLimiter::lastBlockGainReductionDb() const { return -20.0 * std::log10(blockMinGain_); }

// peak_[i] = the detector's true peak (max over channels) of the interval between input frames m
// and m+1, m = blockStart - kDetectorLatencyFrames + i, wherever it could exceed `threshold`;
// elsewhere 0 (proved to be at or under it, which changes no gain: see the header).
//   hist[j] = x[blockStart - kLead - 2·kK1 + j]                 (stage-1 input, h = hist + kLead)
//   stage 1 gives mid(m1) = x at m1 + 1/2 for m1 = blockStart - kK1 + i,
//   x2[f], mid[f] hold x and mid for frames blockStart - kK1 - kT2 + f (stage-2 input)
//   stage 2 gives x at m + 1/4 and m + 3/4 for m = blockStart - kK1 - kS + i (f = kF0 + i).
// Mid f reads hist[f + 1 .. f + 2·kK1]; its tail (taps k >= kNear) reads hist[f + 1 .. f + kK1 -
// kNear] and hist[f + kK1 + 1 + kNear .. f + 2·kK1].
//
// Skipping: the near part of stage 1 (taps < kNear) is computed for every frame, then stage 2
// and the peak bound on it. The tail t_k = ±a_k (-1)^k with a_k non-increasing (checked at
// construction), so by Abel's inequality |sum_{k>=K} t_k x[c-k]| <= a_K · max_j |sum_{k=K}^{j}
// (-1)^k x[c-k]| <= a_K · (range of the alternating prefix sum A over the window), likewise on
// the right: small wherever the input has little energy near fs/2. Stage 2 is linear, so |q_exact -
// q_near| <= sum|t2| · max|mid_exact - mid_near|. A chunk whose bound stays under the threshold
// keeps peak 0; the others get the exact tail, stage 2 and peaks, identical to an unskipped run.
void TruePeakLimiter::detect(std::size_t frames) {
    const std::size_t t2 = static_cast<std::size_t>(kT2);
    const std::size_t hk = static_cast<std::size_t>(2 * kK1);
    const std::size_t hlen = kLead + hk + frames;
    const std::size_t chunks = (frames + kChunk - 1) / kChunk;
    const int nc = spec_.channels;
    std::fill(chunkBound_.begin(), chunkBound_.begin() + static_cast<std::ptrdiff_t>(chunks),
              tailSkip_ ? 0.0f : HUGE_VALF);
    std::fill(chunkFine_.begin(), chunkFine_.begin() + static_cast<std::ptrdiff_t>(chunks), !tailSkip_);
    for (int c = 0; c < nc; ++c) {
        const std::size_t ci = static_cast<std::size_t>(c);
        const float* hist = hist_[ci].data();
        const float* h = hist + kLead;
        float* x2 = y2_[ci].data();
        float* mid = x2 + stride2_;
        // Near stage 1 (stage 2 on it runs later, only where the coarse bound is not enough).
        std::memcpy(x2 + t2, h + kK1, frames * sizeof(float));
        pairSum(avx2_, h, off1A_.data(), off1B_.data(), taps1_.data(), kNear, 0, nullptr, mid + t2, frames);
        if (!tailSkip_) continue;
        // Whole super-groups of 4 groups (32 frames; the last ones read into the padding).
        const std::size_t supers = (hlen + 4 * kGroup - 1) / (4 * kGroup), groups = 4 * supers;
#if LACQUER_HAVE_X86
        if (avx2_)
            groupScanAvx2(hist, groups, gMin_.data(), gMax_.data(), gAbs_.data());
        else
#endif
            groupScanGeneric(hist, groups, gMin_.data(), gMax_.data(), gAbs_.data());
        for (std::size_t g = 0; g < supers; ++g) {
            g4Min_[g] = std::min(std::min(gMin_[4 * g], gMin_[4 * g + 1]),
                                 std::min(gMin_[4 * g + 2], gMin_[4 * g + 3]));
            g4Max_[g] = std::max(std::max(gMax_[4 * g], gMax_[4 * g + 1]),
                                 std::max(gMax_[4 * g + 2], gMax_[4 * g + 3]));
            g4Abs_[g] = std::max(std::max(gAbs_[4 * g], gAbs_[4 * g + 1]),
                                 std::max(gAbs_[4 * g + 2], gAbs_[4 * g + 3]));
        }
        // Range of A and max |x| over hist[lo, hi] (whole super-groups: a superset).
        auto stats = [&](std::size_t lo, std::size_t hi, double& mn, double& mx, float& ab) {
            mn = HUGE_VAL;
            mx = -HUGE_VAL;
            ab = 0;
            for (std::size_t g = lo / (4 * kGroup); g <= hi / (4 * kGroup); ++g) {
                mn = std::min(mn, g4Min_[g]);
                mx = std::max(mx, g4Max_[g]);
                ab = std::max(ab, g4Abs_[g]);
            }
        };
        for (std::size_t k = 0; k < chunks; ++k) {
            const std::size_t c0 = k * kChunk, c1 = std::min(frames, c0 + kChunk);
            // Mids an exact chunk reads: q3 of interval c0 - 1 up to q1/q3/mid of c1 - 1.
            const std::size_t f0 = static_cast<std::size_t>(kF0) + c0 - static_cast<std::size_t>(kS);
            const std::size_t f1 = static_cast<std::size_t>(kF0) + c1 - 1 + static_cast<std::size_t>(kS);
            const std::size_t kn = static_cast<std::size_t>(kNear), k1 = static_cast<std::size_t>(kK1);
            double mnL, mxL, mnR, mxR;
            float abL, abR;
            stats(f0, f1 + k1 - kn, mnL, mxL, abL);
            stats(f0 + k1 + kn, f1 + hk, mnR, mxR, abR);
            const double tail = tailAbel_ * ((mxL - mnL) + (mxR - mnR));
            // max |x| over every input of the chunk's mids (scales the rounding slack).
            float span = std::max(abL, abR);
            if (f1 + k1 - kn + 1 < f0 + k1 + kn) {  // a short chunk: the windows leave a gap
                double mn, mx;
                float ab;
                stats(f1 + k1 - kn, f0 + k1 + kn, mn, mx, ab);
                span = std::max(span, ab);
            }
            // Slack for rounding: the exact tail's float sum (112 fused steps on terms up to
            // sum|t1|·2·span ~ 6 span: ~5e-5 span) and stage 2's (~4e-6 span), generously.
            const double dm = tail * (1 + 1e-6) + 2e-4 * span;
            const double dq = stage2L1_ * dm + 1e-4 * span;
            chunkDm_[ci * maxChunks_ + k] = static_cast<float>(dm);
            chunkDq_[ci * maxChunks_ + k] = static_cast<float>(dq);
            // Coarse bound: every 4x point of the chunk's intervals is x (<= xMax), a mid (<= mMax +
            // dm) or a stage-2 output (<= 2·sum|t2|·max of those, + rounding); the parabola adds at
            // most 1/8.
            const double v = std::max(static_cast<double>(absMax(avx2_, x2 + f0, f1 + 1 - f0)),
                                      absMax(avx2_, mid + f0, f1 + 1 - f0) + dm);
            const double coarse = 1.125 * (2.0 * stage2L1_ * v + 1e-4 * span) * (1.0 + 1e-5);
            chunkBound_[k] = std::max(chunkBound_[k], static_cast<float>(coarse));
        }
    }
    std::fill(peak_.begin(), peak_.begin() + static_cast<std::ptrdiff_t>(frames), 0.0f);
}

// Tightens chunk k's bound (frames [c0, c1)) with stage 2 on the near mids and the per-frame bound.
void TruePeakLimiter::refineBound(std::size_t k, std::size_t c0, std::size_t c1) {
    if (chunkFine_[k]) return;
    chunkFine_[k] = 1;
    float b = 0;
    for (int c = 0; c < spec_.channels; ++c) {
        const std::size_t ci = static_cast<std::size_t>(c);
        const float* x2 = y2_[ci].data();
        const float* mid = x2 + stride2_;
        // q1_[j], q3_[j] = interval c0 - 1 + j.
        const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(c0) - 1;
        pairSum(avx2_, x2, off2A1_.data(), off2B1_.data(), taps2_.data(), kK2, start, nullptr, q1_.data(),
                c1 - c0 + 1);
        pairSum(avx2_, x2, off2A3_.data(), off2B3_.data(), taps2_.data(), kK2, start, nullptr, q3_.data(),
                c1 - c0 + 1);
        const float dq = chunkDq_[ci * maxChunks_ + k], dm = chunkDm_[ci * maxChunks_ + k];
#if LACQUER_HAVE_X86
        if (avx2_)
            b = std::max(
                b, boundAvx2(x2 + kF0 + c0, q1_.data() + 1, mid + kF0 + c0, q3_.data() + 1, dq, dm, c1 - c0));
        else
#endif
            b = std::max(b, boundGeneric(x2 + kF0 + c0, q1_.data() + 1, mid + kF0 + c0, q3_.data() + 1, dq,
                                         dm, c1 - c0));
    }
    chunkBound_[k] = std::min(chunkBound_[k], b);  // both are bounds
}

// Exact peaks of the intervals [a, c1) into peak_ (max over channels): the near mids continued
// with the tail taps, stage 2 and the refined peaks, as an unskipped detector computes them.
void TruePeakLimiter::exactPeaks(std::size_t a, std::size_t c1) {
    float* ye = y2e_.data();
    float* me = ye + stride2_;
    float* pk = pkE_.data();  // the kernels write whole groups of 8: beyond c1 is the next chunk's
    std::fill(pk, pk + kChunk + 8, 0.0f);
    const std::size_t f0 =
        static_cast<std::size_t>(kF0) + a - static_cast<std::size_t>(kS);  // first mid read
    const std::size_t mids = c1 - a + 2 * static_cast<std::size_t>(kS);
    for (int c = 0; c < spec_.channels; ++c) {
        const std::size_t ci = static_cast<std::size_t>(c);
        const float* hist = hist_[ci].data();
        const float* x2 = y2_[ci].data();
        const float* mid = x2 + stride2_;
        pairSum(avx2_, hist + f0, off1A_.data() + kNear, off1B_.data() + kNear, taps1_.data() + kNear,
                kK1 - kNear, 0, mid + f0, me + f0, mids);
        std::memcpy(ye + a, x2 + a, (kChunk + 3 * kK2) * sizeof(float));
        // Exact q1/q3 of intervals a - 1 .. c1 - 1 (entry 0 = interval a - 1).
        const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(a) - 1;
        pairSum(avx2_, ye, off2A1_.data(), off2B1_.data(), taps2_.data(), kK2, start, nullptr, q1e_.data(),
                c1 - a + 1);
        pairSum(avx2_, ye, off2A3_.data(), off2B3_.data(), taps2_.data(), kK2, start, nullptr, q3e_.data(),
                c1 - a + 1);
#if LACQUER_HAVE_X86
        if (avx2_)
            peaksAvx2(ye + kF0 + a, q1e_.data() + 1, me + kF0 + a, q3e_.data() + 1, pk, c1 - a);
        else
#endif
            peaksGeneric(ye + kF0 + a, q1e_.data() + 1, me + kF0 + a, q3e_.data() + 1, pk, c1 - a);
    }
    std::copy(pk, pk + (c1 - a), peak_.begin() + static_cast<std::ptrdiff_t>(a));
}

void TruePeakLimiter::process(const BlockView& block) {
    const int nc = block.channels;
    const std::size_t n = block.frames;
    assert(nc == spec_.channels && n <= spec_.maxBlockFrames);
    const std::size_t hk = kLead + static_cast<std::size_t>(2 * kK1),
                      lat = static_cast<std::size_t>(latency_);
    for (int c = 0; c < nc; ++c) {
        std::memcpy(hist_[static_cast<std::size_t>(c)].data() + hk, block.channel(c), n * sizeof(float));
        std::memcpy(delay_[static_cast<std::size_t>(c)].data() + lat, block.channel(c), n * sizeof(float));
    }
    // The lowest ceiling' any frame of this block can be judged by (pending switches included).
    double lowest = ceilingLin_;
    for (const auto& sw : ceilingSwitches_) lowest = std::min(lowest, sw.second);
    detect(n);

    // Legend (one step per frame m of the detector's timeline), in reductions u = 1 - gain:
    //   prevPk = peak of the previous interval (a frame's requirement covers both sides),
    //   u      = released required reduction: max(1 - r, u·(1 - releaseCoef)), 0 once under 1e-9,
    //   dq*    = monotonic deque of (u, m) for the maximum over the last hold frames,
    //   ring1/sum1, ring2/sum2 = the two box filters on that maximum rounded up to a multiple of
    //            2^-24 (whole numbers of units, held in doubles: every sum is exact, so an idle
    //            limiter returns to exactly 1.0 and the averages never fall under the reduction a
    //            peak needs),
    //   idx    = m, gmin = smallest gain output.
    double ceil = ceilingLin_;
    const double keep = 1.0 - releaseCoef_;
    const double scale = 1.0 / (kGainScale * static_cast<double>(box1_) * static_cast<double>(box2_));
    std::size_t nextSwitch = 0;  // ceilingSwitches_[nextSwitch] is the next to apply
    std::int64_t switchAt = ceilingSwitches_.empty() ? INT64_MAX : ceilingSwitches_.front().first;
    const int hold = hold_, b1 = box1_, b2 = box2_, dqCap = hold_ + 1;
    float prevPk = prevPeak_;
    double u = u_;
    double sum1 = sum1_, sum2 = sum2_;
    int dqHead = dqHead_, dqSize = dqSize_, pos1 = pos1_, pos2 = pos2_;
    std::int64_t idx = index_;
    double* dqVal = dqVal_.data();
    std::int64_t* dqIdx = dqIdx_.data();
    double* ring1 = ring1_.data();
    double* ring2 = ring2_.data();
    double gmin = 1.0;
    // Idle fast path: nothing held or releasing and no peak over the ceiling in this block. The
    // state this leaves is exactly what the frame loop would leave (deque = the newest 0, rings
    // all zero), so block splits do not change the result.
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    float blockBound = prevChunkBound_;
    for (std::size_t k = 0; k < chunks; ++k) blockBound = std::max(blockBound, chunkBound_[k]);
    const bool idle = u == 0.0 && sum1 == 0.0 && sum2 == 0.0 && (dqSize == 0 || dqVal[dqHead] == 0.0);
    // 1e-5: the float rounding of the vertex correction the bound covers.
    if (idle && static_cast<double>(blockBound) * (1.0 + 1e-5) <= lowest) {
        if (n > 0) {
            while (switchAt < idx + static_cast<std::int64_t>(n)) {
                ceil = ceilingSwitches_[nextSwitch++].second;
                switchAt =
                    nextSwitch < ceilingSwitches_.size() ? ceilingSwitches_[nextSwitch].first : INT64_MAX;
            }
            prevPk = peak_[n - 1];
            idx += static_cast<std::int64_t>(n);
            dqHead = 0;
            dqSize = 1;
            dqVal[0] = 0.0;
            dqIdx[0] = idx - 1;
            pos1 = static_cast<int>((static_cast<std::size_t>(pos1) + n) % static_cast<std::size_t>(b1));
            pos2 = static_cast<int>((static_cast<std::size_t>(pos2) + n) % static_cast<std::size_t>(b2));
        }
        std::fill(gain_.begin(), gain_.begin() + static_cast<std::ptrdiff_t>(n), 1.0f);
    } else {
        double gsum = 0;  // largest sum2: the smallest gain
        for (std::size_t k = 0; k < chunks; ++k) {
            const std::size_t c0 = k * kChunk, c1 = std::min(n, c0 + kChunk);
            // Exact detection only where a peak could lower u: with U <= every released value
            // u·keep^j (j <= kChunk) inside the chunk, a peak P <= lowest / (1 - U) needs at most U.
            // The last chunk of a block is judged against `lowest` alone, so the next block can take
            // its skipped peaks (0) as they are. Frame c0 also reads the interval before it.
            double threshold = lowest;
            const double released = u * keepChunk_ * (1.0 - 1e-12);
            if (k + 1 < chunks && released >= 1e-9) threshold = lowest / (1.0 - released);
            auto over = [&](float bound) { return static_cast<double>(bound) * (1.0 + 1e-5) > threshold; };
            if (over(chunkBound_[k])) refineBound(k, c0, c1);
            if (k > 0 && over(chunkBound_[k - 1])) refineBound(k - 1, c0 - kChunk, c0);
            if (over(std::max(chunkBound_[k], k > 0 ? chunkBound_[k - 1] : prevChunkBound_))) {
                exactPeaks(c0 > 0 ? c0 - 1 : 0, c1);
                if (c0 > 0) prevPk = peak_[c0 - 1];
            }
            for (std::size_t i = c0; i < c1; ++i, ++idx) {
                if (idx >= switchAt) {
                    ceil = ceilingSwitches_[nextSwitch++].second;
                    switchAt =
                        nextSwitch < ceilingSwitches_.size() ? ceilingSwitches_[nextSwitch].first : INT64_MAX;
                }
                const float pk = std::max(prevPk, peak_[i]);
                prevPk = peak_[i];
                const double need = pk > ceil ? 1.0 - ceil / pk : 0.0;
                double ue = u * keep;
                ue = ue < 1e-9 ? 0.0 : ue;  // recovered (1e-9 = 9e-9 dB)
                u = ue > need ? ue : need;
                // Hold: sliding maximum over the last `hold` frames (deque in a ring of dqCap).
                int back = dqHead + dqSize - 1;
                if (back >= dqCap) back -= dqCap;
                while (dqSize > 0 && dqVal[back] <= u) {
                    --dqSize;
                    back = back == 0 ? dqCap - 1 : back - 1;
                }
                int slot = dqHead + dqSize;
                if (slot >= dqCap) slot -= dqCap;
                dqVal[slot] = u;
                dqIdx[slot] = idx;
                ++dqSize;
                if (dqIdx[dqHead] <= idx - hold) {
                    dqHead = dqHead + 1 == dqCap ? 0 : dqHead + 1;
                    --dqSize;
                }
                // Rounded up to whole units: round-to-nearest(u·2^24 + 0.5) >= u·2^24, and 0 stays 0.
                const double q = ((dqVal[dqHead] * kGainScale + 0.5) + 0x1p52) - 0x1p52;
                sum1 += q - ring1[pos1];
                ring1[pos1] = q;
                pos1 = pos1 + 1 == b1 ? 0 : pos1 + 1;
                sum2 += sum1 - ring2[pos2];
                ring2[pos2] = sum1;
                pos2 = pos2 + 1 == b2 ? 0 : pos2 + 1;
                gsum = std::max(gsum, sum2);
                gain_[i] = static_cast<float>(1.0 - sum2 * scale);
            }
        }
        if (n > 0) gmin = 1.0 - gsum * scale;
    }
    prevPeak_ = prevPk;
    if (n > 0) prevChunkBound_ = chunkBound_[chunks - 1];
    ceilingLin_ = ceil;
    ceilingSwitches_.erase(ceilingSwitches_.begin(),
                           ceilingSwitches_.begin() + static_cast<std::ptrdiff_t>(nextSwitch));
    u_ = u;
    sum1_ = sum1;
    sum2_ = sum2;
    dqHead_ = dqHead;
    dqSize_ = dqSize;
    pos1_ = pos1;
    pos2_ = pos2;
    index_ = idx;
    blockMinGain_ = gmin;
    minGain_ = std::min(minGain_, gmin);

    // Output: frame i of the block = delay[i] (input frame blockStart + i - latency) · gain.
    const float* g = gain_.data();
    for (int c = 0; c < nc; ++c) {
        float* d = delay_[static_cast<std::size_t>(c)].data();
        float* out = block.channel(c);
        if (gmin == 1.0)
            std::memcpy(out, d, n * sizeof(float));
        else
            mulGain(avx2_, out, d, g, n);
        std::memmove(d, d + n, lat * sizeof(float));
        float* h = hist_[static_cast<std::size_t>(c)].data();
        std::memmove(h, h + n, hk * sizeof(float));
        float* x2 = y2_[static_cast<std::size_t>(c)].data();
        std::memmove(x2, x2 + n, static_cast<std::size_t>(kT2) * sizeof(float));
        std::memmove(x2 + stride2_, x2 + stride2_ + n, static_cast<std::size_t>(kT2) * sizeof(float));
    }
}

AlignedResult applyAligned(const AudioBuffer& in, const Params& params, std::size_t traceFrames) {
    constexpr std::size_t kBlock = 8192;
    const int nc = in.channels();
    const std::size_t total = in.frames();
    TruePeakLimiter lim({in.sampleRateHz, nc, kBlock}, params);
    const std::size_t lat = static_cast<std::size_t>(lim.latencyFrames());
    AlignedResult res;
    res.audio = AudioBuffer(nc, total, in.sampleRateHz);
    AudioBuffer scratch(nc, kBlock, in.sampleRateHz);
    BlockView sv = scratch.view();
    double traceMinGain = 1.0;
    std::size_t traceCount = 0;
    for (std::size_t start = 0; start < total + lat; start += kBlock) {
        const std::size_t n = std::min(kBlock, total + lat - start);
        const std::size_t have = start < total ? std::min(n, total - start) : 0;
        for (int c = 0; c < nc; ++c) {
            float* s = scratch.samples[static_cast<std::size_t>(c)].data();
            if (have > 0) std::memcpy(s, in.samples[static_cast<std::size_t>(c)].data() + start, have * sizeof(float));
            std::fill(s + have, s + n, 0.0f);
        }
        lim.process(sv.slice(0, n));
        // Output frame start + i is input frame start + i - lat.
        const std::size_t skip = start >= lat ? 0 : std::min(n, lat - start);
        const std::size_t dst = start + skip - lat;
        const std::size_t count = std::min(n - skip, total > dst ? total - dst : 0);
        for (int c = 0; c < nc; ++c)
            std::memcpy(res.audio.samples[static_cast<std::size_t>(c)].data() + dst,
                        scratch.samples[static_cast<std::size_t>(c)].data() + skip, count * sizeof(float));
        if (traceFrames > 0) {
            const float* g = lim.lastBlockGains().data() + skip;
            for (std::size_t i = 0; i < count; ++i) {
                traceMinGain = std::min(traceMinGain, static_cast<double>(g[i]));
                if (++traceCount == traceFrames) {
                    res.gainReductionTraceDb.push_back(static_cast<float>(-20.0 * std::log10(traceMinGain)));
                    traceMinGain = 1.0;
                    traceCount = 0;
                }
            }
        }
    }
    if (traceFrames > 0 && traceCount > 0)
        res.gainReductionTraceDb.push_back(static_cast<float>(-20.0 * std::log10(traceMinGain)));
    res.maxGainReductionDb = lim.maxGainReductionDb();
    return res;
}

}  // namespace lacquer::limiter
