// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/glue_compressor.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "dynamics/no_denormals.hpp"
#include "lacquer/dynamics/biquad.hpp"
#include "lacquer/dynamics/compressor.hpp"

namespace lacquer::dynamics {
namespace {

double onePole(double timeMs, double rateHz) {
    const double frames = timeMs * 1e-3 * rateHz;
    return frames > 0 ? std::exp(-1.0 / frames) : 0.0;
}

CompressorParams curveParams(const GlueCompressorParams& p) {
    CompressorParams c;
    c.thresholdDb = p.thresholdDb;
    c.ratio = p.ratio;
    c.kneeDb = p.kneeDb;
    return c;
}

// Once the gain change is within 1e-6 dB of 0 (1.2e-7 relative, one float ulp) it snaps to 0 so
// that an idle compressor is exactly transparent (with mix 1 and no makeup).
constexpr double kSnapDb = -1e-6;
constexpr double kPowerToDb = 4.3429448190325182;  // 10·log10(p) = kPowerToDb·ln(p)
constexpr double kDbToLn = 0.11512925464970229;    // 10^(dB/20) = exp(dB·kDbToLn)

}  // namespace

template <class T>
BasicGlueCompressor<T>::BasicGlueCompressor(const Spec& spec, const GlueCompressorParams& params)
    : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    assert(params.ratio >= 1.0 && params.kneeDb >= 0.0 && params.mix >= 0.0 && params.mix <= 1.0);
    const double fs = spec.sampleRateHz;
    midSide_ = params.stereoMode == StereoMode::MidSide && spec.channels == 2;
    groups_ = midSide_ ? 2 : 1;
    hpf_ = params.sidechainHpfHz > 0;
    if (hpf_) {
        const BiquadCoeffs h = butterworthHighpass(params.sidechainHpfHz, fs);
        hb0_ = h.b0, hb1_ = h.b1, hb2_ = h.b2, ha1_ = h.a1, ha2_ = h.a2;
    }
    rmsCoef_ = 1.0 - onePole(params.rmsWindowMs, fs);
    attackCoef_ = onePole(params.attackMs, fs);
    releaseCoef_ = onePole(params.autoRelease ? GlueCompressorParams::kAutoFastMs : params.releaseMs, fs);
    slowCoef_ = onePole(GlueCompressorParams::kAutoSlowMs, fs);
    kneeStartPower_ = std::pow(10.0, (params.thresholdDb - params.kneeDb / 2) / 10.0);
    makeupLin_ = std::pow(10.0, params.makeupDb / 20.0);
    delayFrames_ = static_cast<std::size_t>(std::lround(params.lookaheadMs * 1e-3 * fs));
    const auto nc = static_cast<std::size_t>(spec.channels);
    hs1_.assign(nc, 0.0);
    hs2_.assign(nc, 0.0);
    meanSquare_.assign(nc, 0.0);
    gain_.assign(2, 0.0);
    slow_.assign(2, 0.0);
    delay_.assign(nc, std::vector<T>(delayFrames_, T(0)));
}

template <class T>
void BasicGlueCompressor<T>::reset() {
    std::fill(hs1_.begin(), hs1_.end(), 0.0);
    std::fill(hs2_.begin(), hs2_.end(), 0.0);
    std::fill(meanSquare_.begin(), meanSquare_.end(), 0.0);
    std::fill(gain_.begin(), gain_.end(), 0.0);
    std::fill(slow_.begin(), slow_.end(), 0.0);
    for (auto& d : delay_) std::fill(d.begin(), d.end(), T(0));
    delayPos_ = 0;
    minGainDb_ = 0;
}

template <class T>
double BasicGlueCompressor<T>::staticOutputDb(double levelDb, const GlueCompressorParams& p) {
    const double g = Compressor::gainComputerDb(levelDb, curveParams(p)) + p.makeupDb;
    return levelDb + 20.0 * std::log10((1.0 - p.mix) + p.mix * std::pow(10.0, g / 20.0));
}

template <class T>
void BasicGlueCompressor<T>::process(T* const* x, std::size_t frames) {
    ScopedNoDenormals noDenormals;
    const int nc = spec_.channels;
    const int groups = groups_;
    const bool ms = midSide_, hpf = hpf_, rms = params_.detector == Detector::Rms, autoRel = params_.autoRelease;
    const double b0 = hb0_, b1 = hb1_, b2 = hb2_, a1 = ha1_, a2 = ha2_;
    const double kr = rmsCoef_, att = attackCoef_, rel = releaseCoef_, slowK = slowCoef_;
    const double kneePow = kneeStartPower_, thr = params_.thresholdDb, knee = params_.kneeDb;
    const double slope = 1.0 / params_.ratio - 1.0, mix = params_.mix, dry = 1.0 - params_.mix;
    const double makeup = makeupLin_;
    const std::size_t nd = delayFrames_;
    // Legend: s1/s2[c] = side-chain filter state, msq[c] = mean-square detector, g[k] = gain
    // change (dB) of group k (the fast follower with auto release), gs[k] = slow follower,
    // pos = delay-line position, gmin = deepest g.
    double s1[kMaxChannels], s2[kMaxChannels], msq[kMaxChannels], g[2], gs[2];
    for (int c = 0; c < nc; ++c) {
        const auto k = static_cast<std::size_t>(c);
        s1[c] = hs1_[k], s2[c] = hs2_[k], msq[c] = meanSquare_[k];
    }
    for (int k = 0; k < 2; ++k) g[k] = gain_[static_cast<std::size_t>(k)], gs[k] = slow_[static_cast<std::size_t>(k)];
    std::size_t pos = delayPos_;
    double gmin = minGainDb_;

    auto target = [&](double power) {
        if (power <= kneePow) return 0.0;
        const double d = kPowerToDb * std::log(power) - thr;
        return (knee > 0 && 2 * d <= knee) ? slope * (d + knee / 2) * (d + knee / 2) / (2 * knee) : slope * d;
    };

    for (std::size_t f = 0; f < frames; ++f) {
        double in[kMaxChannels];
        if (ms) {
            const double l = x[0][f], r = x[1][f];
            in[0] = 0.5 * (l + r);
            in[1] = 0.5 * (l - r);
        } else {
            for (int c = 0; c < nc; ++c) in[c] = x[c][f];
        }
        double power[2] = {0.0, 0.0};
        for (int c = 0; c < nc; ++c) {
            double s = in[c];
            if (hpf) {
                const double y = b0 * s + s1[c];
                s1[c] = b1 * s - a1 * y + s2[c];
                s2[c] = b2 * s - a2 * y;
                s = y;
            }
            double p = s * s;
            if (rms) {
                msq[c] += kr * (p - msq[c]);
                p = msq[c];
            }
            const int k = ms ? c : 0;
            power[k] = std::max(power[k], p);
        }
        double gainLin[2];
        for (int k = 0; k < groups; ++k) {
            const double t = target(power[k]);
            double gNew = t + (t < g[k] ? att : rel) * (g[k] - t);
            if (gNew > kSnapDb) gNew = 0.0;
            g[k] = gNew;
            double gEff = gNew;
            if (autoRel) {
                double sNew = t + slowK * (gs[k] - t);
                if (sNew > kSnapDb) sNew = 0.0;
                gs[k] = sNew;
                gEff = std::min(gNew, sNew);
            }
            gmin = std::min(gmin, gEff);
            const double wet = gEff == 0.0 ? makeup : makeup * std::exp(gEff * kDbToLn);
            gainLin[k] = dry + mix * wet;
        }
        if (nd > 0) {  // the audio through the lookahead delay (the detector saw it undelayed)
            for (int c = 0; c < nc; ++c) {
                T& slot = delay_[static_cast<std::size_t>(c)][pos];
                const double d = slot;
                slot = static_cast<T>(in[c]);
                in[c] = d;
            }
            pos = pos + 1 == nd ? 0 : pos + 1;
        }
        if (ms) {
            const double m = in[0] * gainLin[0], s = in[1] * gainLin[1];
            x[0][f] = static_cast<T>(m + s);
            x[1][f] = static_cast<T>(m - s);
        } else {
            for (int c = 0; c < nc; ++c) x[c][f] = static_cast<T>(in[c] * gainLin[0]);
        }
    }
    for (int c = 0; c < nc; ++c) {
        const auto k = static_cast<std::size_t>(c);
        hs1_[k] = s1[c], hs2_[k] = s2[c], meanSquare_[k] = msq[c];
    }
    for (int k = 0; k < 2; ++k) gain_[static_cast<std::size_t>(k)] = g[k], slow_[static_cast<std::size_t>(k)] = gs[k];
    delayPos_ = pos;
    minGainDb_ = gmin;
}

template class BasicGlueCompressor<float>;
template class BasicGlueCompressor<double>;

}  // namespace lacquer::dynamics
