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

// out[i] = sum_k taps[k] (base[offA[k] + i] + base[offB[k] + i]) for i in [0, roundUp(count, 32)).
// The sum runs in k order with one rounding per multiply and add, so an output does not depend
// on its position in the block.
void pairSumGeneric(const float* base, const std::ptrdiff_t* offA, const std::ptrdiff_t* offB, const float* taps,
                    int k, float* out, std::size_t count) {
    const std::size_t padded = (count + 31) / 32 * 32;
    for (std::size_t i = 0; i < padded; ++i) {
        float acc = 0.0f;
        for (int j = 0; j < k; ++j) acc += taps[j] * (base[offA[j] + static_cast<std::ptrdiff_t>(i)] + base[offB[j] + static_cast<std::ptrdiff_t>(i)]);
        out[i] = acc;
    }
}

#if LACQUER_HAVE_X86
// The same sums, 32 outputs at a time with fused multiply-adds (4 accumulators hide the FMA
// latency; the loop is bound by its two loads per tap).
__attribute__((target("avx2,fma"))) void pairSumAvx2(const float* base, const std::ptrdiff_t* offA,
                                                     const std::ptrdiff_t* offB, const float* taps, int k,
                                                     float* out, std::size_t count) {
    for (std::size_t i = 0; i < count; i += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int j = 0; j < k; ++j) {
            const __m256 t = _mm256_set1_ps(taps[j]);
            const float* pa = base + offA[j] + static_cast<std::ptrdiff_t>(i);
            const float* pb = base + offB[j] + static_cast<std::ptrdiff_t>(i);
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
}
#endif

void pairSum(bool avx2, const float* base, const std::vector<std::ptrdiff_t>& offA,
             const std::vector<std::ptrdiff_t>& offB, const std::vector<float>& taps, float* out, std::size_t count) {
#if LACQUER_HAVE_X86
    if (avx2) {
        pairSumAvx2(base, offA.data(), offB.data(), taps.data(), static_cast<int>(taps.size()), out, count);
        return;
    }
#else
    (void)avx2;
#endif
    pairSumGeneric(base, offA.data(), offB.data(), taps.data(), static_cast<int>(taps.size()), out, count);
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

}  // namespace

TruePeakLimiter::TruePeakLimiter(const Spec& spec, const Params& params) : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    const double fs = spec.sampleRateHz;
    lookahead_ = std::max(2, static_cast<int>(std::lround(std::max(params.lookaheadMs, kMinLookaheadMs) * 1e-3 * fs)));
    hold_ = lookahead_ + 1;
    box1_ = (lookahead_ + 2) / 2;
    box2_ = lookahead_ + 2 - box1_;
    latency_ = lookahead_ + kDetectorLatencyFrames;
    ceilingLin_ = std::pow(10.0, (params.ceilingDbtp - params.safetyMarginDb) / 20.0);
    releaseCoef_ = params.releaseMs > 0 ? 1.0 - std::exp(-1.0 / (params.releaseMs * 1e-3 * fs)) : 1.0;
    taps1_ = halfband(kK1, 10.0);
    taps2_ = halfband(kK2, 7.0);
#if LACQUER_HAVE_X86
    avx2_ = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    const std::size_t n = spec.maxBlockFrames;
    const std::size_t nc = static_cast<std::size_t>(spec.channels);
    hist_.assign(nc, std::vector<float>(static_cast<std::size_t>(2 * kK1) + n + kPadFrames));
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
    phase_.assign(2 * (n + kPadFrames) + 1, 0.0f);
    peak_.assign(n + kPadFrames, 0.0f);
    gain_.assign(n, 1.0f);
    prevPhase3_.assign(static_cast<std::size_t>(spec.channels), 0.0f);
    dqVal_.assign(static_cast<std::size_t>(hold_) + 1, 1.0);
    dqIdx_.assign(static_cast<std::size_t>(hold_) + 1, 0);
    ring1_.assign(static_cast<std::size_t>(box1_), 0.0);
    ring2_.assign(static_cast<std::size_t>(box2_), 0.0);
    reset();
}

void TruePeakLimiter::reset() {
    for (auto& h : hist_) std::fill(h.begin(), h.end(), 0.0f);
    for (auto& h : y2_) std::fill(h.begin(), h.end(), 0.0f);
    for (auto& d : delay_) std::fill(d.begin(), d.end(), 0.0f);
    std::fill(prevPhase3_.begin(), prevPhase3_.end(), 0.0f);
    std::fill(peak_.begin(), peak_.end(), 0.0f);
    std::fill(gain_.begin(), gain_.end(), 1.0f);
    prevPeak_ = 0;
    env_ = 1;
    dqHead_ = 0;
    dqSize_ = 0;
    std::fill(ring1_.begin(), ring1_.end(), 0.0);
    std::fill(ring2_.begin(), ring2_.end(), 0.0);
    pos1_ = pos2_ = 0;
    sum1_ = sum2_ = 0;
    nonzero1_ = nonzero2_ = 0;
    index_ = 0;
    minGain_ = blockMinGain_ = 1;
}

double TruePeakLimiter::maxGainReductionDb() const { return -20.0 * std::log10(minGain_); }
double TruePeakLimiter::lastBlockGainReductionDb() const { return -20.0 * std::log10(blockMinGain_); }

// peak_[i] = estimated true peak (max over channels) of the interval between input frames m and
// m+1, m = blockStart - kDetectorLatencyFrames + i.
//   hist[j] = x[blockStart - 2·kK1 + j]                      (stage-1 input)
//   stage 1 gives mid(m1) = x at m1 + 1/2 for m1 = blockStart - kK1 + i,
//   x2[f], mid[f] hold x and mid for frames blockStart - kK1 - kT2 + f (stage-2 input)
//   stage 2 gives x at m + 1/4 and m + 3/4 for m = blockStart - kK1 - kS + i.
void TruePeakLimiter::detect(std::size_t frames) {
    std::fill(peak_.begin(), peak_.end(), 0.0f);
    const std::size_t t2 = static_cast<std::size_t>(kT2);
    float* q1 = phase_.data();
    float* q3 = phase_.data() + spec_.maxBlockFrames + kPadFrames + 1;  // q3[-1] = previous interval's
    for (int c = 0; c < spec_.channels; ++c) {
        const std::size_t ci = static_cast<std::size_t>(c);
        const float* h = hist_[ci].data();
        float* x2 = y2_[ci].data();
        float* mid = x2 + stride2_;
        // Stage 1: mid at m1 + 1/2 for m1 = blockStart - kK1 + i.
        std::memcpy(x2 + t2, h + kK1, frames * sizeof(float));
        pairSum(avx2_, h, off1A_, off1B_, taps1_, mid + t2, frames);
        // Stage 2: x at m + 1/4 and m + 3/4 for interval m (frame f0 + i of x2/mid).
        pairSum(avx2_, x2, off2A1_, off2B1_, taps2_, q1, frames);
        pairSum(avx2_, x2, off2A3_, off2B3_, taps2_, q3, frames);
        const std::size_t f0 = t2 - static_cast<std::size_t>(kS);
        q3[-1] = prevPhase3_[ci];
#if LACQUER_HAVE_X86
        if (avx2_)
            peaksAvx2(x2 + f0, q1, mid + f0, q3, peak_.data(), frames);
        else
#endif
            peaksGeneric(x2 + f0, q1, mid + f0, q3, peak_.data(), frames);
        prevPhase3_[ci] = q3[frames - 1];
        std::memmove(x2, x2 + frames, t2 * sizeof(float));
        std::memmove(mid, mid + frames, t2 * sizeof(float));
    }
}

void TruePeakLimiter::process(const BlockView& block) {
    const int nc = block.channels;
    const std::size_t n = block.frames;
    assert(nc == spec_.channels && n <= spec_.maxBlockFrames);
    const std::size_t hk = static_cast<std::size_t>(2 * kK1), lat = static_cast<std::size_t>(latency_);
    for (int c = 0; c < nc; ++c) {
        std::memcpy(hist_[static_cast<std::size_t>(c)].data() + hk, block.channel(c), n * sizeof(float));
        std::memcpy(delay_[static_cast<std::size_t>(c)].data() + lat, block.channel(c), n * sizeof(float));
    }
    detect(n);

    // Legend (one step per frame m of the detector's timeline):
    //   prevPk = peak of the previous interval (a frame's requirement covers both sides),
    //   env    = released required gain e, <= the required gain r of this frame,
    //   dq*    = monotonic deque of (e, m) for the minimum over the last hold frames,
    //   ring1/sum1/nz1, ring2/sum2/nz2 = the two box filters, kept as reductions u = 1 - gain
    //            with a count of non-zero entries so an idle limiter returns to exactly 1.0,
    //   idx    = m, gmin = smallest gain output.
    const double ceil = ceilingLin_, rel = releaseCoef_;
    const double inv1 = 1.0 / box1_, inv2 = 1.0 / box2_;
    const int hold = hold_, b1 = box1_, b2 = box2_, dqCap = hold_ + 1;
    float prevPk = prevPeak_;
    double env = env_, sum1 = sum1_, sum2 = sum2_;
    int dqHead = dqHead_, dqSize = dqSize_, pos1 = pos1_, pos2 = pos2_, nz1 = nonzero1_, nz2 = nonzero2_;
    std::int64_t idx = index_;
    double* dqVal = dqVal_.data();
    std::int64_t* dqIdx = dqIdx_.data();
    double* ring1 = ring1_.data();
    double* ring2 = ring2_.data();
    double gmin = 1.0;
    // Idle fast path: nothing held or releasing and no peak over the ceiling in this block. The
    // state this leaves is exactly what the frame loop would leave (deque = the newest 1.0,
    // rings all zero), so block splits do not change the result.
    float blockPeak = prevPk;
    for (std::size_t i = 0; i < n; ++i) blockPeak = std::max(blockPeak, peak_[i]);
    const bool idle = env == 1.0 && nz1 == 0 && nz2 == 0 && (dqSize == 0 || dqVal[dqHead] == 1.0);
    if (idle && blockPeak <= ceil) {
        if (n > 0) {
            prevPk = peak_[n - 1];
            idx += static_cast<std::int64_t>(n);
            dqHead = 0;
            dqSize = 1;
            dqVal[0] = 1.0;
            dqIdx[0] = idx - 1;
            pos1 = static_cast<int>((static_cast<std::size_t>(pos1) + n) % static_cast<std::size_t>(b1));
            pos2 = static_cast<int>((static_cast<std::size_t>(pos2) + n) % static_cast<std::size_t>(b2));
            sum1 = sum2 = 0.0;
        }
        std::fill(gain_.begin(), gain_.begin() + static_cast<std::ptrdiff_t>(n), 1.0f);
    } else {
        for (std::size_t i = 0; i < n; ++i, ++idx) {
            const float pk = std::max(prevPk, peak_[i]);
            prevPk = peak_[i];
            const double r = pk > ceil ? ceil / pk : 1.0;
            double e = env + (1.0 - env) * rel;
            if (e > 1.0 - 1e-9) e = 1.0;  // recovered (1e-9 = 9e-9 dB)
            env = e < r ? e : r;
            // Hold: sliding minimum over the last `hold` frames (deque in a ring of dqCap).
            int back = dqHead + dqSize - 1;
            if (back >= dqCap) back -= dqCap;
            while (dqSize > 0 && dqVal[back] >= env) {
                --dqSize;
                back = back == 0 ? dqCap - 1 : back - 1;
            }
            int slot = dqHead + dqSize;
            if (slot >= dqCap) slot -= dqCap;
            dqVal[slot] = env;
            dqIdx[slot] = idx;
            ++dqSize;
            if (dqIdx[dqHead] <= idx - hold) {
                dqHead = dqHead + 1 == dqCap ? 0 : dqHead + 1;
                --dqSize;
            }
            const double u0 = 1.0 - dqVal[dqHead];
            // Box 1.
            const double old1 = ring1[pos1];
            ring1[pos1] = u0;
            pos1 = pos1 + 1 == b1 ? 0 : pos1 + 1;
            nz1 += (u0 != 0.0) - (old1 != 0.0);
            sum1 = nz1 == 0 ? 0.0 : sum1 + (u0 - old1);
            const double u1 = nz1 == 0 ? 0.0 : std::max(0.0, sum1 * inv1);
            // Box 2.
            const double old2 = ring2[pos2];
            ring2[pos2] = u1;
            pos2 = pos2 + 1 == b2 ? 0 : pos2 + 1;
            nz2 += (u1 != 0.0) - (old2 != 0.0);
            sum2 = nz2 == 0 ? 0.0 : sum2 + (u1 - old2);
            const double g = nz2 == 0 ? 1.0 : 1.0 - std::max(0.0, sum2 * inv2);
            gmin = std::min(gmin, g);
            gain_[i] = static_cast<float>(g);
        }
    }
    prevPeak_ = prevPk;
    env_ = env;
    sum1_ = sum1;
    sum2_ = sum2;
    dqHead_ = dqHead;
    dqSize_ = dqSize;
    pos1_ = pos1;
    pos2_ = pos2;
    nonzero1_ = nz1;
    nonzero2_ = nz2;
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
            for (std::size_t i = 0; i < n; ++i) out[i] = d[i] * g[i];
        std::memmove(d, d + n, lat * sizeof(float));
        float* h = hist_[static_cast<std::size_t>(c)].data();
        std::memmove(h, h + n, hk * sizeof(float));
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
