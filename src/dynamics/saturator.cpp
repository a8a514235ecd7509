// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/saturator.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "dynamics/no_denormals.hpp"

namespace lacquer::dynamics {
namespace {

// Kaiser's formula for 120 dB of stopband attenuation: beta = 0.1102·(A - 8.7).
constexpr double kKaiserBeta = 0.1102 * (120.0 - 8.7);
// Taps per unit of the factor: Kaiser's N - 1 >= (A - 8)/(2.285·Δω) with the transition
// 0.43-0.57 of the base rate, Δω = 2π·0.14/M, gives N - 1 >= 55.7·M; 56·M keeps the latency
// (N - 1)/M a whole number of frames.
constexpr int kTapsPerFactor = 56;
constexpr double kDcBlockerHz = 5.0;

// Sum of a[i]·b[i] with 8 independent partial sums (the compiler keeps them in SIMD lanes; a
// single running sum would serialise on the adder's latency).
template <class T>
inline T dot(const T* a, const T* b, int n) {
    T s[8] = {};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) s[k] += a[i + k] * b[i + k];
    for (; i < n; ++i) s[0] += a[i] * b[i];
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

}  // namespace

int saturationOversampling(double sampleRateHz) {
    // The curve runs at 352.8 kHz or more; at 176.4/192 kHz 2x would leave a 6 dB-driven 0 dBFS
    // tone's aliases near -96 dBFS above 20 kHz (measured), so those rates also take 4x.
    return sampleRateHz <= 50000 ? 8 : 4;
}

std::vector<double> saturationFilter(int factor) {
    const int n = kTapsPerFactor * factor + 1;
    const double mid = (n - 1) / 2.0, fc = 0.5 / factor;  // cutoff in cycles per high-rate sample
    std::vector<double> h(static_cast<std::size_t>(n));
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double t = i - mid, r = t / mid;
        const double sinc = t == 0 ? 2 * fc : std::sin(2 * std::numbers::pi * fc * t) / (std::numbers::pi * t);
        const double w = std::cyl_bessel_i(0.0, kKaiserBeta * std::sqrt(std::max(0.0, 1 - r * r))) /
                         std::cyl_bessel_i(0.0, kKaiserBeta);
        h[static_cast<std::size_t>(i)] = sinc * w;
        sum += sinc * w;
    }
    for (double& x : h) x /= sum;
    return h;
}

double saturationCurve(double x, const SaturationParams& p) {
    const double drive = std::pow(10.0, p.driveDb / 20.0);
    const double out = p.autoOutput ? 1.0 / drive : std::pow(10.0, p.outputDb / 20.0);
    double y;
    if (p.type == SaturationType::Soft) {
        y = std::tanh(drive * x);
    } else {
        const double t = std::tanh(SaturationParams::kTubeBias);
        y = (std::tanh(drive * x + SaturationParams::kTubeBias) - t) / (1 - t * t);
    }
    return (1 - p.mix) * x + p.mix * out * y;
}

template <class T>
BasicSaturator<T>::BasicSaturator(const Spec& spec, const SaturationParams& params) : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    factor_ = saturationOversampling(spec.sampleRateHz);
    const std::vector<double> h = saturationFilter(factor_);
    taps_ = static_cast<int>(h.size());
    phaseTaps_ = (taps_ + factor_ - 1) / factor_;
    assert((taps_ - 1) / factor_ == kLatencyFrames);
    // up_[p][j] = M·h[(L - 1 - j)·M + p]: output phase p of input frame i is the dot product with
    // inputs i - L + 1 .. i.
    up_.assign(static_cast<std::size_t>(factor_ * phaseTaps_), T(0));
    for (int p = 0; p < factor_; ++p)
        for (int j = 0; j < phaseTaps_; ++j) {
            const int k = (phaseTaps_ - 1 - j) * factor_ + p;
            if (k < taps_)
                up_[static_cast<std::size_t>(p * phaseTaps_ + j)] = static_cast<T>(factor_ * h[static_cast<std::size_t>(k)]);
        }
    down_.resize(h.size());
    for (int j = 0; j < taps_; ++j) down_[static_cast<std::size_t>(j)] = static_cast<T>(h[static_cast<std::size_t>(taps_ - 1 - j)]);
    drive_ = std::pow(10.0, params.driveDb / 20.0);
    outGain_ = params.autoOutput ? 1.0 / drive_ : std::pow(10.0, params.outputDb / 20.0);
    mix_ = params.mix;
    tube_ = params.type == SaturationType::Tube;
    biasTanh_ = std::tanh(SaturationParams::kTubeBias);
    biasScale_ = 1.0 / (1.0 - biasTanh_ * biasTanh_);
    dcCoef_ = std::exp(-2 * std::numbers::pi * kDcBlockerHz / (spec.sampleRateHz * factor_));
    const auto nc = static_cast<std::size_t>(spec.channels);
    in_.assign(nc, std::vector<T>(static_cast<std::size_t>(phaseTaps_ - 1) + spec.maxBlockFrames, T(0)));
    high_.assign(nc, std::vector<T>(static_cast<std::size_t>(taps_ - 1) + spec.maxBlockFrames * static_cast<std::size_t>(factor_), T(0)));
    dcX_.assign(nc, 0.0);
    dcY_.assign(nc, 0.0);
}

template <class T>
void BasicSaturator<T>::reset() {
    for (auto& v : in_) std::fill(v.begin(), v.end(), T(0));
    for (auto& v : high_) std::fill(v.begin(), v.end(), T(0));
    std::fill(dcX_.begin(), dcX_.end(), 0.0);
    std::fill(dcY_.begin(), dcY_.end(), 0.0);
}

template <class T>
void BasicSaturator<T>::process(T* const* x, std::size_t frames) {
    assert(frames <= spec_.maxBlockFrames);
    ScopedNoDenormals noDenormals;
    const int m = factor_, lp = phaseTaps_, n = taps_;
    const std::size_t histIn = static_cast<std::size_t>(lp - 1), histHigh = static_cast<std::size_t>(n - 1);
    const T drive = static_cast<T>(drive_), outGain = static_cast<T>(outGain_ * mix_), dry = static_cast<T>(1 - mix_);
    const T bias = static_cast<T>(SaturationParams::kTubeBias), biasTanh = static_cast<T>(biasTanh_),
            biasScale = static_cast<T>(biasScale_);
    const double dcK = dcCoef_;
    for (int c = 0; c < spec_.channels; ++c) {
        const auto ci = static_cast<std::size_t>(c);
        T* in = in_[ci].data();
        T* high = high_[ci].data();
        std::copy(x[c], x[c] + frames, in + histIn);
        // Legend: in = [L - 1 previous inputs | block]; high = [N - 1 previous high-rate samples |
        // this block's]; dx/dy = the DC blocker's previous input and output.
        T* hb = high + histHigh;
        for (std::size_t i = 0; i < frames; ++i)
            for (int p = 0; p < m; ++p) hb[i * static_cast<std::size_t>(m) + static_cast<std::size_t>(p)] = dot(up_.data() + p * lp, in + i, lp);
        const std::size_t nh = frames * static_cast<std::size_t>(m);
        if (tube_) {
            // Only the curve's nonlinear part r(u) = f(u) - u goes through the DC blocker (the
            // offset comes from it alone), so the linear part keeps its phase exactly.
            double dx = dcX_[ci], dy = dcY_[ci];
            for (std::size_t i = 0; i < nh; ++i) {
                const T v = hb[i], u = drive * v;
                const double r = static_cast<double>((std::tanh(u + bias) - biasTanh) * biasScale - u);
                dy = r - dx + dcK * dy;  // y = x - x1 + R·y1
                dx = r;
                hb[i] = dry * v + outGain * (u + static_cast<T>(dy));
            }
            dcX_[ci] = dx, dcY_[ci] = dy;
        } else {
            for (std::size_t i = 0; i < nh; ++i) hb[i] = dry * hb[i] + outGain * std::tanh(drive * hb[i]);
        }
        for (std::size_t i = 0; i < frames; ++i) x[c][i] = dot(down_.data(), high + i * static_cast<std::size_t>(m), n);
        // Keep the histories.
        std::copy(in + frames, in + frames + histIn, in);
        std::copy(high + nh, high + nh + histHigh, high);
    }
}

template class BasicSaturator<float>;
template class BasicSaturator<double>;

}  // namespace lacquer::dynamics
