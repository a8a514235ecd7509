// SPDX-License-Identifier: GPL-3.0-or-later
// lacquer's own BS.1770-4 meter. One pass over the audio does everything, chunk by chunk:
//   K-weighting       two biquads in double (the 38 Hz high-pass has poles 0.0025 from the unit
//                     circle at 96 kHz: float states would move its response), both channels of a
//                     pair in one SIMD register; squares summed in double per 100 ms sub-block;
//   gating            400 ms blocks and 3 s short-term windows are sums of 4 and 30 sub-blocks
//                     (both advance by 100 ms), kept as one double per 100 ms;
//   true peak         polyphase interpolation in float, four output instants per SIMD register
//                     (a 24-tap dot product of float audio in [-1, 1] with float taps errs by
//                     about 1e-7 relative, 1e-6 dB: far below the 0.01 dB the report prints);
//   sample peak, NaN  in the loop that copies the chunk into the interpolator's window.
// Block splits cannot change any reading: the filters and sums run sample by sample in the same
// order whatever the split, and the 100 ms grid is counted from the first frame.
#include "lacquer/loudness/meter.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "bs1770.hpp"
#include "lacquer/common/error.hpp"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace lacquer::loudness {

namespace {

// Frames per inner pass: the interpolator's window (1 KiB + 64 B per channel) and its output stay
// in L1. Chunks also end at every 100 ms sub-block boundary.
constexpr std::size_t kChunkFrames = 1024;
constexpr std::size_t kTaps = bs1770::kTruePeakTapsPerPhase;
constexpr std::size_t kHistory = kTaps - 1;     // inputs an interpolated instant needs before the chunk
constexpr std::size_t kMomentarySubBlocks = 4;   // 400 ms in 100 ms sub-blocks
constexpr std::size_t kShortTermSubBlocks = 30;  // 3 s
constexpr float kFloatMax = std::numeric_limits<float>::max();

// GCC/Clang vector extensions: plain SSE2 on x86-64 (two registers for the wider types), NEON on
// ARM; no intrinsics, no target-specific flags, and the same arithmetic on every x86-64.
using V2d = double __attribute__((vector_size(16)));
using V4f = float __attribute__((vector_size(16)));
using V4i = int __attribute__((vector_size(16)));

V4f loadV4f(const float* p) {
    V4f v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

V4f absV4f(V4f v) {
    V4i bits;
    std::memcpy(&bits, &v, sizeof bits);
    bits &= 0x7fffffff;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

V4f maxV4f(V4f a, V4f b) { return a > b ? a : b; }  // NaN never wins; NaN is caught separately

float horizontalMax(V4f v) { return std::max(std::max(v[0], v[1]), std::max(v[2], v[3])); }

// Flush-to-zero and denormals-are-zero for one add(): K-weighting states decaying through silence
// reach subnormal doubles within a second and would run 100x slower. Set per call (not left to the
// caller's thread state) so readings never depend on who calls.
class ScopedFlushDenormals {
public:
#if defined(__SSE2__)
    ScopedFlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ | DAZ
    ~ScopedFlushDenormals() { _mm_setcsr(saved_); }

private:
    unsigned saved_;
#else
    ScopedFlushDenormals() = default;
#endif
public:
    ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
    ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;
};

[[noreturn]] void refuse(const std::string& what) {
    throw Error(ErrorKind::Io, "loudness meter", "loudness::Meter refused " + what,
                "this is a bug; please report it with the input");
}

std::optional<double> lufsOrNull(double energy) {
    if (!(energy > 0.0) || !std::isfinite(energy)) return std::nullopt;
    return bs1770::energyToLufs(energy);
}

std::optional<double> linearToDbOrNull(double linear) {
    if (!(linear > 0.0) || !std::isfinite(linear)) return std::nullopt;
    return 20.0 * std::log10(linear);
}

// BS.1770-4 channel weights G_i, by channel count in WAV order (libebur128's default map, so both
// meters weight a file alike): L, R, C 1.0; LFE 0; Ls, Rs 1.41; anything past 6 channels 0.
std::array<double, kMaxChannels> channelWeights(int channels, MonoMode mono) {
    std::array<double, kMaxChannels> w{};
    constexpr double kSurround = 1.41;  // BS.1770-4 Table 3 (+1.5 dB)
    switch (channels) {
    case 1: w = {mono == MonoMode::DualMono ? 2.0 : 1.0}; break;
    case 2: w = {1.0, 1.0}; break;
    case 3: w = {1.0, 1.0, 1.0}; break;
    case 4: w = {1.0, 1.0, kSurround, kSurround}; break;  // L, R, Ls, Rs
    case 5: w = {1.0, 1.0, 1.0, kSurround, kSurround}; break;
    default: w = {1.0, 1.0, 1.0, 0.0, kSurround, kSurround}; break;
    }
    return w;
}

}  // namespace

struct Meter::Impl {
    int channels = 0;
    double sampleRateHz = 0;
    MeterOptions options;
    std::size_t framesAdded = 0;
    // A NaN or Inf sample was added: every reading is null from then on (history: from its
    // 100 ms period on).
    bool nonFiniteInput = false;
    std::array<double, kMaxChannels> weight{};

    // K-weighting, channels in pairs (lane 0 = channel 2i, lane 1 = channel 2i + 1):
    //   shelf*, hp*   coefficients of the two stages, splatted over both lanes
    //   z1, z2        shelf states (transposed direct form II), w1, w2 high-pass states
    //   subSum        sum of squared K-weighted samples in the current 100 ms sub-block
    struct Pair {
        V2d z1{}, z2{}, w1{}, w2{}, subSum{};
    };
    bs1770::KWeighting k{};
    std::array<Pair, (kMaxChannels + 1) / 2> pairs{};

    // 100 ms grid:
    //   subBlockFrames  frames per sub-block ((rate + 5) / 10, as libebur128 counts them)
    //   framesInSub     frames of the open sub-block already added
    //   recent          ring of the last 30 closed sub-blocks' weighted mean squares (0 before start)
    //   recentNext      next slot of `recent`; closedSubBlocks counts all closed sub-blocks
    std::size_t subBlockFrames = 0;
    std::size_t framesInSub = 0;
    std::array<double, kShortTermSubBlocks> recent{};
    std::size_t recentNext = 0;
    std::size_t closedSubBlocks = 0;
    std::vector<double> blockEnergy;      // 400 ms gating blocks, one per 100 ms from 400 ms on
    std::vector<double> shortTermEnergy;  // 3 s windows, one per 100 ms from 3 s on (Tech 3342, 2016)
    std::vector<std::optional<double>> momentaryHistory;
    std::vector<std::optional<double>> shortTermHistory;

    // Peaks:
    //   oversampling  L; phases holds the L - 1 interpolating phases (phase 0 is the input itself)
    //   history       the last kHistory inputs per channel (zeros before the start)
    //   window        scratch: kHistory inputs then the chunk, padded to whole vectors
    int oversampling = 1;
    std::vector<std::array<float, kTaps>> phases;
    std::array<std::array<float, kHistory>, kMaxChannels> history{};
    std::array<float, kMaxChannels> samplePeak{};
    std::array<float, kMaxChannels> truePeak{};
    std::vector<float> window;

    double recentSum(std::size_t count) const {
        double sum = 0.0;
        for (std::size_t k = 0; k < count; ++k)
            sum += recent[(recentNext + kShortTermSubBlocks - 1 - k) % kShortTermSubBlocks];
        return sum;
    }

    void kWeight(const BlockView& block, std::size_t from, std::size_t n) {
        const V2d b0 = {k.shelf.b0, k.shelf.b0}, b1 = {k.shelf.b1, k.shelf.b1}, b2 = {k.shelf.b2, k.shelf.b2};
        const V2d a1 = {k.shelf.a1, k.shelf.a1}, a2 = {k.shelf.a2, k.shelf.a2};
        const V2d c0 = {k.highpass.b0, k.highpass.b0}, c1 = {k.highpass.b1, k.highpass.b1};
        const V2d c2 = {k.highpass.b2, k.highpass.b2};
        const V2d d1 = {k.highpass.a1, k.highpass.a1}, d2 = {k.highpass.a2, k.highpass.a2};
        for (int c = 0; c < channels; c += 2) {
            Pair& p = pairs[static_cast<std::size_t>(c / 2)];
            const float* x0 = block.data[static_cast<std::size_t>(c)] + from;
            // An odd last channel runs twice; its second lane is never read.
            const float* x1 = c + 1 < channels ? block.data[static_cast<std::size_t>(c + 1)] + from : x0;
            V2d z1 = p.z1, z2 = p.z2, w1 = p.w1, w2 = p.w2, sum = p.subSum;
            for (std::size_t i = 0; i < n; ++i) {
                const V2d x = {x0[i], x1[i]};
                const V2d y = b0 * x + z1;  // shelf
                z1 = b1 * x - a1 * y + z2;
                z2 = b2 * x - a2 * y;
                const V2d v = c0 * y + w1;  // high-pass
                w1 = c1 * y - d1 * v + w2;
                w2 = c2 * y - d2 * v;
                sum += v * v;
            }
            p.z1 = z1;
            p.z2 = z2;
            p.w1 = w1;
            p.w2 = w2;
            p.subSum = sum;
        }
    }

    // Sample peak and NaN check only (true peak off, or 176.4 kHz and up).
    void samplePeakOnly(std::size_t ch, const float* x, std::size_t n) {
        V4f peak = {0, 0, 0, 0};
        V4i finite = {-1, -1, -1, -1};
        const V4f big = {kFloatMax, kFloatMax, kFloatMax, kFloatMax};
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4) {
            const V4f v = absV4f(loadV4f(x + i));
            finite &= (v <= big);
            peak = maxV4f(peak, v);
        }
        float scalarPeak = horizontalMax(peak);
        bool allFinite = (finite[0] & finite[1] & finite[2] & finite[3]) != 0;
        for (; i < n; ++i) {
            const float a = std::fabs(x[i]);
            allFinite &= a <= kFloatMax;
            scalarPeak = std::max(scalarPeak, a);
        }
        nonFiniteInput |= !allFinite;
        samplePeak[ch] = std::max(samplePeak[ch], scalarPeak);
    }

    // Sample peak, NaN check and true peak of one channel's chunk.
    void peaks(int c, const float* x, std::size_t n) {
        const auto ch = static_cast<std::size_t>(c);
        if (phases.empty()) return samplePeakOnly(ch, x, n);
        float* w = window.data();
        std::copy(history[ch].begin(), history[ch].end(), w);
        // Copy, |x| max and the finiteness test in one pass; |x| <= FLT_MAX fails exactly for NaN/Inf.
        V4f peak = {0, 0, 0, 0};
        V4i finite = {-1, -1, -1, -1};
        const V4f big = {kFloatMax, kFloatMax, kFloatMax, kFloatMax};
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4) {
            const V4f v = absV4f(loadV4f(x + i));
            std::memcpy(w + kHistory + i, x + i, sizeof(V4f));
            finite &= (v <= big);
            peak = maxV4f(peak, v);
        }
        float scalarPeak = horizontalMax(peak);
        bool allFinite = (finite[0] & finite[1] & finite[2] & finite[3]) != 0;
        for (; i < n; ++i) {
            const float a = std::fabs(x[i]);
            w[kHistory + i] = x[i];
            allFinite &= a <= kFloatMax;
            scalarPeak = std::max(scalarPeak, a);
        }
        nonFiniteInput |= !allFinite;
        samplePeak[ch] = std::max(samplePeak[ch], scalarPeak);
        truePeak[ch] = std::max(truePeak[ch], interpolatedPeak(w, n));
        std::copy(w + n, w + n + kHistory, history[ch].begin());
    }

    // Largest |interpolated value| over the n instants whose windows end in w[kHistory .. kHistory + n).
    float interpolatedPeak(const float* w, std::size_t n) const {
        V4f peak = {0, 0, 0, 0};
        std::size_t t = 0;
        // Legend: t = first of four output instants; xs = window inputs k for those four instants;
        // acc[p] = phase p + 1's interpolated values at them.
        if (phases.size() == 3) {
            const auto& g1 = phases[0];
            const auto& g2 = phases[1];
            const auto& g3 = phases[2];
            for (; t + 4 <= n; t += 4) {
                V4f acc1 = {0, 0, 0, 0}, acc2 = acc1, acc3 = acc1;
                for (std::size_t k = 0; k < kTaps; ++k) {
                    const V4f xs = loadV4f(w + t + k);
                    acc1 += g1[k] * xs;
                    acc2 += g2[k] * xs;
                    acc3 += g3[k] * xs;
                }
                peak = maxV4f(peak, maxV4f(absV4f(acc1), maxV4f(absV4f(acc2), absV4f(acc3))));
            }
        } else {
            for (; t + 4 <= n; t += 4)
                for (const auto& g : phases) {
                    V4f acc = {0, 0, 0, 0};
                    for (std::size_t k = 0; k < kTaps; ++k) acc += g[k] * loadV4f(w + t + k);
                    peak = maxV4f(peak, absV4f(acc));
                }
        }
        float result = horizontalMax(peak);
        // The last n % 4 instants one at a time, with the same products summed in the same order.
        for (; t < n; ++t)
            for (const auto& g : phases) {
                float acc = 0.0f;
                for (std::size_t k = 0; k < kTaps; ++k) acc += g[k] * w[t + k];
                result = std::max(result, std::fabs(acc));
            }
        return result;
    }

    void closeSubBlock() {
        double energy = 0.0;
        for (int c = 0; c < channels; ++c) {
            Pair& p = pairs[static_cast<std::size_t>(c / 2)];
            energy += weight[static_cast<std::size_t>(c)] * p.subSum[c % 2];
        }
        for (Pair& p : pairs) p.subSum = V2d{0.0, 0.0};
        energy /= static_cast<double>(subBlockFrames);
        recent[recentNext] = energy;
        recentNext = (recentNext + 1) % kShortTermSubBlocks;
        ++closedSubBlocks;
        const double momentary = recentSum(kMomentarySubBlocks) / kMomentarySubBlocks;
        const double shortTerm = recentSum(kShortTermSubBlocks) / kShortTermSubBlocks;
        if (closedSubBlocks >= kMomentarySubBlocks) blockEnergy.push_back(momentary);
        if (closedSubBlocks >= kShortTermSubBlocks) shortTermEnergy.push_back(shortTerm);
        if (options.history == History::Every100Ms) {
            momentaryHistory.push_back(nonFiniteInput ? std::nullopt : lufsOrNull(momentary));
            shortTermHistory.push_back(nonFiniteInput ? std::nullopt : lufsOrNull(shortTerm));
        }
        framesInSub = 0;
    }

    // The interpolated instants after the last input (their windows reach past the end: zeros).
    float tailTruePeak(int c) const {
        if (phases.empty()) return 0.0f;
        std::array<float, kHistory + kTaps + 4> w{};
        std::copy(history[static_cast<std::size_t>(c)].begin(), history[static_cast<std::size_t>(c)].end(), w.begin());
        return interpolatedPeak(w.data(), kTaps / 2);
    }
};

Meter::Meter(int channels, double sampleRateHz, MeterOptions options) : impl_(std::make_unique<Impl>()) {
    if (channels < 1 || channels > kMaxChannels) refuse("unsupported channel count " + std::to_string(channels));
    // The K-weighting shelf sits at 1.68 kHz: its bilinear design needs a rate well above twice
    // that. 8 kHz to 768 kHz covers every audio rate.
    if (!(sampleRateHz >= 8000.0 && sampleRateHz <= 768000.0))
        refuse("sample rate " + std::to_string(sampleRateHz) + " Hz (supported: 8000 to 768000)");
    Impl& m = *impl_;
    m.channels = channels;
    m.sampleRateHz = sampleRateHz;
    m.options = options;
    m.weight = channelWeights(channels, options.mono);
    m.k = bs1770::designKWeighting(sampleRateHz);
    m.subBlockFrames = static_cast<std::size_t>((std::lround(sampleRateHz) + 5) / 10);
    if (options.truePeak == TruePeak::On) {
        m.oversampling = bs1770::truePeakOversampling(sampleRateHz);
        m.phases = bs1770::designTruePeakPhases(m.oversampling);
    }
    m.window.assign(kHistory + kChunkFrames + 4, 0.0f);
}

Meter::~Meter() = default;
Meter::Meter(Meter&&) noexcept = default;
Meter& Meter::operator=(Meter&&) noexcept = default;

int Meter::channels() const { return impl_->channels; }
double Meter::sampleRateHz() const { return impl_->sampleRateHz; }
std::size_t Meter::framesAdded() const { return impl_->framesAdded; }

void Meter::add(const BlockView& block) {
    assert(impl_);
    assert(block.channels == impl_->channels);
    Impl& m = *impl_;
    ScopedFlushDenormals noDenormals;
    std::size_t done = 0;
    while (done < block.frames) {
        const std::size_t n = std::min({kChunkFrames, block.frames - done, m.subBlockFrames - m.framesInSub});
        m.kWeight(block, done, n);
        for (int c = 0; c < m.channels; ++c) m.peaks(c, block.data[static_cast<std::size_t>(c)] + done, n);
        done += n;
        m.framesAdded += n;
        m.framesInSub += n;
        if (m.framesInSub == m.subBlockFrames) m.closeSubBlock();
    }
}

Measurement Meter::result() const {
    assert(impl_);
    const Impl& m = *impl_;
    Measurement r;
    r.durationS = static_cast<double>(m.framesAdded) / m.sampleRateHz;
    r.momentaryHistoryLufs = m.momentaryHistory;
    r.shortTermHistoryLufs = m.shortTermHistory;
    if (m.nonFiniteInput) {
        r.nonFiniteInput = true;
        return r;
    }
    const double integrated = bs1770::gatedIntegratedLufs({&m.blockEnergy});
    if (std::isfinite(integrated)) r.integratedLufs = integrated;
    // LRA is only meaningful with integrated loudness defined (and is 0 when no short-term window
    // passes the gates, as in libebur128).
    if (r.integratedLufs) r.loudnessRangeLu = bs1770::loudnessRangeLu({&m.shortTermEnergy});
    float samplePeak = 0.0f, truePeak = 0.0f;
    for (int c = 0; c < m.channels; ++c) {
        samplePeak = std::max(samplePeak, m.samplePeak[static_cast<std::size_t>(c)]);
        truePeak = std::max({truePeak, m.truePeak[static_cast<std::size_t>(c)],
                             m.samplePeak[static_cast<std::size_t>(c)], m.tailTruePeak(c)});
    }
    r.samplePeakDbfs = linearToDbOrNull(samplePeak);
    if (m.options.truePeak == TruePeak::On) r.truePeakDbtp = linearToDbOrNull(truePeak);
    for (const auto& x : r.momentaryHistoryLufs)
        if (x && (!r.maxMomentaryLufs || *x > *r.maxMomentaryLufs)) r.maxMomentaryLufs = x;
    for (const auto& x : r.shortTermHistoryLufs)
        if (x && (!r.maxShortTermLufs || *x > *r.maxShortTermLufs)) r.maxShortTermLufs = x;
    return r;
}

std::optional<double> Meter::momentaryLufs() const {
    if (impl_->nonFiniteInput) return std::nullopt;
    return lufsOrNull(impl_->recentSum(kMomentarySubBlocks) / kMomentarySubBlocks);
}

std::optional<double> Meter::shortTermLufs() const {
    if (impl_->nonFiniteInput) return std::nullopt;
    return lufsOrNull(impl_->recentSum(kShortTermSubBlocks) / kShortTermSubBlocks);
}

std::optional<double> Meter::combinedIntegratedLufs(const std::vector<const Meter*>& meters) {
    if (meters.empty()) return std::nullopt;
    std::vector<const std::vector<double>*> lists;
    for (const Meter* meter : meters) {
        assert(meter);
        if (meter->impl_->nonFiniteInput) return std::nullopt;
        lists.push_back(&meter->impl_->blockEnergy);
    }
    const double v = bs1770::gatedIntegratedLufs(lists);
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> Meter::combinedIntegratedLufs(const std::vector<const Meter*>& meters,
                                                    const std::vector<double>& gainsDb) {
    assert(gainsDb.size() == meters.size());
    if (meters.empty()) return std::nullopt;
    std::vector<std::vector<double>> scaled(meters.size());
    std::vector<const std::vector<double>*> lists;
    for (std::size_t i = 0; i < meters.size(); ++i) {
        assert(meters[i]);
        if (meters[i]->impl_->nonFiniteInput) return std::nullopt;
        const double factor = std::pow(10.0, gainsDb[i] / 10.0);
        scaled[i] = meters[i]->impl_->blockEnergy;
        for (double& e : scaled[i]) e *= factor;
        lists.push_back(&scaled[i]);
    }
    const double v = bs1770::gatedIntegratedLufs(lists);
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> Meter::combinedLoudnessRangeLu(const std::vector<const Meter*>& meters) {
    if (meters.empty() || !combinedIntegratedLufs(meters)) return std::nullopt;
    std::vector<const std::vector<double>*> lists;
    for (const Meter* meter : meters) lists.push_back(&meter->impl_->shortTermEnergy);
    return bs1770::loudnessRangeLu(lists);
}

Measurement measure(const AudioBuffer& audio, MeterOptions options) {
    Meter meter(audio.channels(), audio.sampleRateHz, options);
    BlockView view{};
    view.channels = audio.channels();
    view.frames = audio.frames();
    // BlockView holds mutable pointers; the meter only reads through them.
    for (int c = 0; c < view.channels; ++c)
        view.data[static_cast<std::size_t>(c)] = const_cast<float*>(audio.samples[static_cast<std::size_t>(c)].data());
    meter.add(view);
    return meter.result();
}

}  // namespace lacquer::loudness
