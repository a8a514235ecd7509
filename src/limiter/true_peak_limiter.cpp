// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/limiter/true_peak_limiter.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numbers>

namespace lacquer::limiter {
namespace {

constexpr int kTaps = TruePeakLimiter::kTapsPerPhase;
constexpr int kHalf = kTaps / 2;
constexpr int kPhases = TruePeakLimiter::kOversample - 1;  // phase 0 is the sample itself

double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-17 * sum) break;
    }
    return sum;
}

// Kaiser beta 7: stopband about -70 dB, passband flat within 0.003 dB to 0.42 fs and -0.3 dB at
// 0.47 fs with 48 taps per phase; what remains is covered by kSafetyMarginDb (tests measure it).
constexpr double kKaiserBeta = 7.0;

// Taps of phase p (1..3): interpolated value at m + p/4 = sum_j taps[j] · x[m - kHalf + 1 + j].
std::vector<float> designTaps() {
    std::vector<float> taps(static_cast<std::size_t>(kPhases * kTaps));
    const double i0b = besselI0(kKaiserBeta);
    for (int p = 1; p <= kPhases; ++p) {
        double t[kTaps];
        double sum = 0;
        for (int j = 0; j < kTaps; ++j) {
            const double u = static_cast<double>(j - kHalf + 1) - p / 4.0;  // sample pos - t
            const double sinc = std::sin(std::numbers::pi * u) / (std::numbers::pi * u);
            const double r = u / kHalf;
            const double w = r * r < 1.0 ? besselI0(kKaiserBeta * std::sqrt(1.0 - r * r)) / i0b : 0.0;
            t[j] = sinc * w;
            sum += t[j];
        }
        for (int j = 0; j < kTaps; ++j) taps[static_cast<std::size_t>((p - 1) * kTaps + j)] = static_cast<float>(t[j] / sum);
    }
    return taps;
}

// Peak of |x| near a 4x point b with neighbours a, c (all >= 0): the vertex of the parabola
// through them when b is a local maximum, else b. The correction is at most |a - c|/8.
inline float refine(float a, float b, float c) {
    const float d = 2.0f * b - a - c;
    const bool localMax = b >= a && b >= c && d > 0.0f;
    const float e = a - c;
    return localMax ? b + e * e / (8.0f * d) : b;
}

}  // namespace

TruePeakLimiter::TruePeakLimiter(const Spec& spec, const Params& params) : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    const double fs = spec.sampleRateHz;
    lookahead_ = std::max(2, static_cast<int>(std::lround(params.lookaheadMs * 1e-3 * fs)));
    hold_ = lookahead_ + 1;
    box1_ = (lookahead_ + 2) / 2;
    box2_ = lookahead_ + 2 - box1_;
    latency_ = lookahead_ + kHalf;
    ceilingLin_ = std::pow(10.0, (params.ceilingDbtp - kSafetyMarginDb) / 20.0);
    releaseCoef_ = params.releaseMs > 0 ? 1.0 - std::exp(-1.0 / (params.releaseMs * 1e-3 * fs)) : 1.0;
    taps_ = designTaps();
    const std::size_t n = spec.maxBlockFrames;
    hist_.assign(static_cast<std::size_t>(spec.channels), std::vector<float>(static_cast<std::size_t>(kTaps) + n));
    delay_.assign(static_cast<std::size_t>(spec.channels),
                  std::vector<float>(static_cast<std::size_t>(latency_) + n));
    phase_.assign(static_cast<std::size_t>(kPhases) * n, 0.0f);
    peak_.assign(n, 0.0f);
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

// peak_[i] = estimated true peak (max over channels) of the interval between input frames
// m and m+1, m = (first frame of this block) - kHalf + i. hist_ holds kTaps frames of history
// then the block: hist[j] = x[blockStart - kTaps + j].
void TruePeakLimiter::detect(std::size_t frames) {
    std::fill(peak_.begin(), peak_.begin() + static_cast<std::ptrdiff_t>(frames), 0.0f);
    for (int c = 0; c < spec_.channels; ++c) {
        const float* h = hist_[static_cast<std::size_t>(c)].data();
        // Polyphase FIR, one phase at a time so the inner loop vectorises over frames.
        for (int p = 0; p < kPhases; ++p) {
            float* out = phase_.data() + static_cast<std::size_t>(p) * spec_.maxBlockFrames;
            const float* t = taps_.data() + p * kTaps;
            std::fill(out, out + frames, 0.0f);
            for (int j = 0; j < kTaps; ++j) {
                const float tj = t[j];
                const float* src = h + 1 + j;
                for (std::size_t i = 0; i < frames; ++i) out[i] += tj * src[i];
            }
        }
        const float* p1 = phase_.data();
        const float* p2 = p1 + spec_.maxBlockFrames;
        const float* p3 = p2 + spec_.maxBlockFrames;
        const float* x0 = h + kHalf;  // x[m]
        float prev3 = prevPhase3_[static_cast<std::size_t>(c)];
        float* pk = peak_.data();
        for (std::size_t i = 0; i < frames; ++i) {
            const float am = std::abs(prev3), a0 = std::abs(x0[i]), a1 = std::abs(p1[i]), a2 = std::abs(p2[i]),
                        a3 = std::abs(p3[i]), a4 = std::abs(x0[i + 1]);
            const float v = std::max(std::max(refine(am, a0, a1), refine(a0, a1, a2)),
                                     std::max(refine(a1, a2, a3), refine(a2, a3, a4)));
            pk[i] = std::max(pk[i], std::max(v, a4));
            prev3 = p3[i];
        }
        prevPhase3_[static_cast<std::size_t>(c)] = prev3;
    }
}

void TruePeakLimiter::process(const BlockView& block) {
    const int nc = block.channels;
    const std::size_t n = block.frames;
    assert(nc == spec_.channels && n <= spec_.maxBlockFrames);
    const std::size_t hk = static_cast<std::size_t>(kTaps), lat = static_cast<std::size_t>(latency_);
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
    for (std::size_t i = 0; i < n; ++i, ++idx) {
        const float pk = std::max(prevPk, peak_[i]);
        prevPk = peak_[i];
        const double r = pk > ceil ? ceil / pk : 1.0;
        double e = env + (1.0 - env) * rel;
        if (e > 1.0 - 1e-9) e = 1.0;  // recovered (1e-9 = 9e-9 dB)
        env = e < r ? e : r;
        // Hold: sliding minimum over the last `hold` frames.
        while (dqSize > 0 && dqVal[(dqHead + dqSize - 1) % dqCap] >= env) --dqSize;
        const int slot = (dqHead + dqSize) % dqCap;
        dqVal[slot] = env;
        dqIdx[slot] = idx;
        ++dqSize;
        if (dqIdx[dqHead] <= idx - hold) {
            dqHead = (dqHead + 1) % dqCap;
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
