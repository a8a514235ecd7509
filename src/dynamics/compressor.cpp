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
// 10·log10(p) = kPowerToDb·ln(p);  10^(dB/20) = exp(dB·kDbToLn)  (glibc's float expf/logf are several times cheaper than pow/log10
// and exact to 1e-7 relative, 1e-6 dB).
constexpr double kPowerToDb = 4.3429448190325182;
constexpr double kDbToLn = 0.11512925464970229;

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
    gainLin_.assign(static_cast<std::size_t>(spec.channels), 1.0);
}

void Compressor::reset() {
    std::fill(meanSquare_.begin(), meanSquare_.end(), 0.0);
    std::fill(gainDb_.begin(), gainDb_.end(), 0.0);
    std::fill(gainLin_.begin(), gainLin_.end(), 1.0);
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
    assert(block.channels == spec_.channels && block.frames <= spec_.maxBlockFrames);
    if (linked_) {  // one gain for all channels: the shared loop (also used by Multiband)
        Compressor* self = this;
        processLinkedBands(&self, &block, 1);
        return;
    }
    ScopedNoDenormals noDenormals;
    const int nc = block.channels;
    if (midSide_) toMidSide(block);

    // Legend: ms[c] = mean-square detector state, g[c] = smoothed gain change (dB),
    // lin[c] = 10^(g[c]/20) kept incrementally (see step()), gmin = most negative g seen.
    const bool rms = params_.detector == Detector::Rms;
    const double kr = rmsCoef_, att = attackCoef_, rel = releaseCoef_, kneePow = kneeStartPower_;
    const double link = std::clamp(params_.stereoLink, 0.0, 1.0);
    const double thr = params_.thresholdDb, knee = params_.kneeDb, slope = 1.0 / params_.ratio - 1.0;
    const float makeup = makeupGain_;
    double ms[kMaxChannels], g[kMaxChannels], lin[kMaxChannels], pw[kMaxChannels];
    for (int c = 0; c < nc; ++c) {
        ms[c] = meanSquare_[static_cast<std::size_t>(c)];
        g[c] = gainDb_[static_cast<std::size_t>(c)];
        lin[c] = gainLin_[static_cast<std::size_t>(c)];
    }
    double gmin = minGainDb_;
    float* x[kMaxChannels];
    for (int c = 0; c < nc; ++c) x[c] = block.channel(c);

    // One ballistics step for detector power `power`: updates gDb and its linear gain.
    // The linear gain follows multiplicatively, lin *= exp(k·delta), with a 4th-order series for
    // the small per-frame steps (|k·delta| < 0.05: error < 3e-9 per step) and libm otherwise;
    // exact 1.0 once the gain has snapped back to 0 dB.
    auto step = [&](double power, double& gDb, double& gLin) {
        double target = 0.0;
        if (power > kneePow) {
            const double d = kPowerToDb * std::log(static_cast<float>(power)) - thr;
            target = (knee > 0 && 2 * d <= knee) ? slope * (d + knee / 2) * (d + knee / 2) / (2 * knee) : slope * d;
        }
        const double coef = target < gDb ? att : rel;
        double gNew = target + coef * (gDb - target);
        if (gNew > kSnapDb) gNew = 0.0;
        const double u = (gNew - gDb) * kDbToLn;
        if (gNew == 0.0)
            gLin = 1.0;
        else if (u > -0.05 && u < 0.05)
            gLin *= 1.0 + u * (1.0 + u * (0.5 + u * (1.0 / 6 + u * (1.0 / 24))));
        else
            gLin = std::exp(gNew * kDbToLn);
        gDb = gNew;
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
            step(maxPow, g[0], lin[0]);
            gmin = std::min(gmin, g[0]);
            const float gain = makeup * static_cast<float>(lin[0]);
            for (int c = 0; c < nc; ++c) x[c][f] *= gain;
        } else {
            for (int c = 0; c < nc; ++c) {
                step((1.0 - link) * pw[c] + link * maxPow, g[c], lin[c]);
                gmin = std::min(gmin, g[c]);
                x[c][f] *= makeup * static_cast<float>(lin[c]);
            }
        }
    }
    for (int c = 0; c < nc; ++c) {
        meanSquare_[static_cast<std::size_t>(c)] = ms[c];
        gainDb_[static_cast<std::size_t>(c)] = g[c];
        gainLin_[static_cast<std::size_t>(c)] = lin[c];
    }
    minGainDb_ = gmin;
    if (midSide_) fromMidSide(block);
}

}  // namespace lacquer::dynamics

namespace lacquer::dynamics {

namespace {

// The fused frame loop of processLinkedBands; NC = channel count when known at compile time
// (stereo), 0 for any.
template <int NC, class Band>
void linkedLoop(Band* bd, int count, std::size_t frames, int nc = NC) {
    const int channels = NC > 0 ? NC : nc;
    for (std::size_t f = 0; f < frames; ++f) {
        for (int b = 0; b < count; ++b) {
            Band& d = bd[b];
            double power = 0.0;
            for (int c = 0; c < channels; ++c) {
                const double a = d.x[c][f];
                double p = a * a;
                if (d.rms) {
                    d.ms[c] += d.kr * (p - d.ms[c]);
                    p = d.ms[c];
                }
                power = std::max(power, p);
            }
            // Same ballistics step as process().
            // Selects rather than branches where the data decides (attack/release flips often).
            double target = 0.0;
            if (power > d.kneePow) {
                const double dd = kPowerToDb * std::log(static_cast<float>(power)) - d.thr;
                const double kneeCurve = d.slope * (dd + d.knee / 2) * (dd + d.knee / 2) * d.invTwoKnee;
                target = 2 * dd <= d.knee ? kneeCurve : d.slope * dd;
            }
            if (target == 0.0 && d.g == 0.0) {  // idle: g stays 0 dB, gain = makeup exactly
                if (d.makeup != 1.0f)
                    for (int c = 0; c < channels; ++c) d.x[c][f] *= d.makeup;
                continue;
            }
            const double coef = target < d.g ? d.att : d.rel;
            double gNew = target + coef * (d.g - target);
            gNew = gNew > kSnapDb ? 0.0 : gNew;
            const double u = (gNew - d.g) * kDbToLn;
            if (u > -0.05 && u < 0.05)
                d.lin *= 1.0 + u * (1.0 + u * (0.5 + u * (1.0 / 6 + u * (1.0 / 24))));
            else
                d.lin = std::exp(gNew * kDbToLn);
            d.lin = gNew == 0.0 ? 1.0 : d.lin;
            d.g = gNew;
            d.gmin = std::min(d.gmin, gNew);
            const float gain = d.makeup * static_cast<float>(d.lin);
            for (int c = 0; c < channels; ++c) d.x[c][f] *= gain;
        }
    }
}

}  // namespace

bool Compressor::fusable() const { return linked_; }

void Compressor::processLinkedBands(Compressor* const* comps, const BlockView* blocks, int count) {
    ScopedNoDenormals noDenormals;
    constexpr int kMaxBands = 8;
    assert(count >= 1 && count <= kMaxBands);
    const int nc = blocks[0].channels;
    const std::size_t frames = blocks[0].frames;
    // Legend (per band b): ms[b][c] = mean-square detector state, g[b] = smoothed gain change
    // (dB), lin[b] = 10^(g/20) kept incrementally, gmin[b] = deepest g. Bands run side by side
    // in one frame loop so their ballistics recurrences overlap in the pipeline.
    struct Band {
        double kr, att, rel, kneePow, thr, knee, slope, invTwoKnee;
        float makeup;
        bool rms;
        double g, lin, gmin;
        double ms[kMaxChannels];
        float* x[kMaxChannels];
    };
    Band bd[kMaxBands];
    for (int b = 0; b < count; ++b) {
        const Compressor& k = *comps[b];
        assert(k.linked_ && blocks[b].channels == nc && blocks[b].frames == frames);
        if (k.midSide_) toMidSide(blocks[b]);
        Band& d = bd[b];
        d = Band{k.rmsCoef_, k.attackCoef_, k.releaseCoef_, k.kneeStartPower_, k.params_.thresholdDb, k.params_.kneeDb,
                 1.0 / k.params_.ratio - 1.0, k.params_.kneeDb > 0 ? 0.5 / k.params_.kneeDb : 0.0, k.makeupGain_, k.params_.detector == Detector::Rms, k.gainDb_[0],
                 k.gainLin_[0], k.minGainDb_, {}, {}};
        for (int c = 0; c < nc; ++c) {
            d.ms[c] = k.meanSquare_[static_cast<std::size_t>(c)];
            d.x[c] = blocks[b].channel(c);
        }
    }
    if (nc == 2)
        linkedLoop<2>(bd, count, frames);
    else
        linkedLoop<0>(bd, count, frames, nc);
    for (int b = 0; b < count; ++b) {
        Compressor& k = *comps[b];
        const Band& d = bd[b];
        for (int c = 0; c < nc; ++c) k.meanSquare_[static_cast<std::size_t>(c)] = d.ms[c];
        k.gainDb_[0] = d.g;
        k.gainLin_[0] = d.lin;
        k.minGainDb_ = d.gmin;
        if (k.midSide_) fromMidSide(blocks[b]);
    }
}

}  // namespace lacquer::dynamics
