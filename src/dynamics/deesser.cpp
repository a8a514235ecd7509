// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/deesser.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "dynamics/no_denormals.hpp"

namespace lacquer::dynamics {

Deesser::Deesser(const Spec& spec, const DeesserParams& params)
    : spec_(spec), params_(params), crossover_(spec, {params.freqHz}) {
    low_.assign(static_cast<std::size_t>(spec.channels) * spec.maxBlockFrames, 0.0f);
    const double fs = spec.sampleRateHz;
    attackCoef_ = params.attackMs > 0 ? std::exp(-1.0 / (params.attackMs * 1e-3 * fs)) : 0.0;
    releaseCoef_ = params.releaseMs > 0 ? std::exp(-1.0 / (params.releaseMs * 1e-3 * fs)) : 0.0;
    thresholdPower_ = std::pow(10.0, params.thresholdDb / 10.0);
}

void Deesser::reset() {
    crossover_.reset();
    envPower_ = 0;
    minGainDb_ = 0;
}

void Deesser::process(const BlockView& block) {
    ScopedNoDenormals noDenormals;
    const int nc = block.channels;
    assert(nc == spec_.channels && block.frames <= spec_.maxBlockFrames);
    BlockView views[2];
    views[0].channels = nc;
    views[0].frames = block.frames;
    for (int c = 0; c < nc; ++c)
        views[0].data[static_cast<std::size_t>(c)] = low_.data() + static_cast<std::size_t>(c) * spec_.maxBlockFrames;
    views[1] = block;  // the high band stays in place
    crossover_.split(block, views);

    // Legend: env = detector power of the high band (max over channels) through one-poles:
    // attackMs while rising, releaseMs while falling; g = gain (dB) computed from env;
    // gmin = deepest g seen.
    const double att = attackCoef_, rel = releaseCoef_, thrPow = thresholdPower_;
    const double thr = params_.thresholdDb, maxRed = params_.maxReductionDb;
    double env = envPower_, gmin = minGainDb_, g = 0.0;
    for (std::size_t f = 0; f < block.frames; ++f) {
        double p = 0.0;
        for (int c = 0; c < nc; ++c) {
            const double a = block.channel(c)[f];
            p = std::max(p, a * a);
        }
        env = p + (p > env ? att : rel) * (env - p);
        g = env > thrPow ? -std::min(10.0 * std::log10(env) - thr, maxRed) : 0.0;
        gmin = std::min(gmin, g);
        const float gain = g == 0.0 ? 1.0f : static_cast<float>(std::pow(10.0, g / 20.0));
        for (int c = 0; c < nc; ++c) {
            float* x = block.channel(c);
            x[f] = x[f] * gain + views[0].channel(c)[f];
        }
    }
    envPower_ = env;
    minGainDb_ = gmin;
}

}  // namespace lacquer::dynamics
