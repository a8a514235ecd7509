// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/compressor.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "dynamics/no_denormals.hpp"
#include "dynamics/stereo_matrix.hpp"

namespace lacquer::dynamics {
namespace {

double onePole(double timeMs, double rateHz) {
    const double frames = timeMs * 1e-3 * rateHz;
    return frames > 0 ? std::exp(-1.0 / frames) : 0.0;
}

// Below this magnitude (dB) the smoothed gain snaps to exactly 0 dB so that a compressor that has
// recovered is bit-transparent again (1e-6 dB is 1.2e-7 relative: one float ulp).
constexpr double kSnapDb = -1e-6;

}  // namespace

Compressor::Compressor(const Spec& spec, const CompressorParams& params) : spec_(spec), params_(params) {
    assert(spec.channels >= 1 && spec.channels <= kMaxChannels);
    assert(params.ratio >= 1.0 && params.kneeDb >= 0.0);
    const double fs = spec.sampleRateHz;
    rmsCoef_ = 1.0 - onePole(params.rmsWindowMs, fs);
    attackCoef_ = onePole(params.attackMs, fs);
    releaseCoef_ = onePole(params.releaseMs, fs);
    kneeStartPower_ = std::pow(10.0, (params.thresholdDb - params.kneeDb / 2) / 10.0);
    makeupGain_ = static_cast<float>(std::pow(10.0, params.makeupDb / 20.0));
    linked_ = params.stereoLink >= 1.0 || spec.channels == 1;
    midSide_ = params.stereoMode == StereoMode::MidSide && spec.channels == 2;
    meanSquare_.assign(static_cast<std::size_t>(spec.channels), 0.0);
    gainDb_.assign(static_cast<std::size_t>(spec.channels), 0.0);
}

void Compressor::reset() {
    std::fill(meanSquare_.begin(), meanSquare_.end(), 0.0);
    std::fill(gainDb_.begin(), gainDb_.end(), 0.0);
    minGainDb_ = 0;
}

double Compressor::gainComputerDb(double levelDb, const CompressorParams& p) {
    const double d = levelDb - p.thresholdDb;
    const double w = p.kneeDb;
    const double slope = 1.0 / p.ratio - 1.0;
    if (2 * d < -w) return 0.0;
    if (w > 0 && 2 * std::abs(d) <= w) return slope * (d + w / 2) * (d + w / 2) / (2 * w);
    return slope * d;
}

void Compressor::process(const BlockView& block) {
    ScopedNoDenormals noDenormals;
    const int nc = block.channels;
    assert(nc == spec_.channels && block.frames <= spec_.maxBlockFrames);
    if (midSide_) toMidSide(block);

    // Legend: ms[c] = mean-square detector state, g[c] = smoothed gain change (dB),
    // gmin = most negative g seen (for reporting).
    const bool rms = params_.detector == Detector::Rms;
    const double kr = rmsCoef_, att = attackCoef_, rel = releaseCoef_, kneePow = kneeStartPower_;
    const double link = std::clamp(params_.stereoLink, 0.0, 1.0);
    const float makeup = makeupGain_;
    double ms[kMaxChannels], g[kMaxChannels], pw[kMaxChannels];
    for (int c = 0; c < nc; ++c) {
        ms[c] = meanSquare_[static_cast<std::size_t>(c)];
        g[c] = gainDb_[static_cast<std::size_t>(c)];
    }
    double gmin = minGainDb_;
    float* x[kMaxChannels];
    for (int c = 0; c < nc; ++c) x[c] = block.channel(c);

    auto smooth = [&](double power, double gPrev) {
        double target = 0.0;
        if (power > kneePow) target = gainComputerDb(10.0 * std::log10(power), params_);
        const double coef = target < gPrev ? att : rel;
        double gNew = target + coef * (gPrev - target);
        if (gNew > kSnapDb) gNew = 0.0;
        return gNew;
    };
    auto gainOf = [&](double gDb) {
        return gDb == 0.0 ? makeup : static_cast<float>(makeup * std::pow(10.0, gDb / 20.0));
    };

    for (std::size_t f = 0; f < block.frames; ++f) {
        double maxPow = 0.0;
        for (int c = 0; c < nc; ++c) {
            const double a = x[c][f];
            if (rms) {
                ms[c] += kr * (a * a - ms[c]);
                pw[c] = ms[c];
            } else {
                pw[c] = a * a;
            }
            maxPow = std::max(maxPow, pw[c]);
        }
        if (linked_) {
            g[0] = smooth(maxPow, g[0]);
            gmin = std::min(gmin, g[0]);
            const float gain = gainOf(g[0]);
            for (int c = 0; c < nc; ++c) x[c][f] *= gain;
        } else {
            for (int c = 0; c < nc; ++c) {
                g[c] = smooth((1.0 - link) * pw[c] + link * maxPow, g[c]);
                gmin = std::min(gmin, g[c]);
                x[c][f] *= gainOf(g[c]);
            }
        }
    }
    for (int c = 0; c < nc; ++c) {
        meanSquare_[static_cast<std::size_t>(c)] = ms[c];
        gainDb_[static_cast<std::size_t>(c)] = g[c];
    }
    minGainDb_ = gmin;
    if (midSide_) fromMidSide(block);
}

}  // namespace lacquer::dynamics
