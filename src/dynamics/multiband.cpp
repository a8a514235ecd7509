// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/multiband.hpp"

#include <cassert>

#include "dynamics/no_denormals.hpp"

namespace lacquer::dynamics {

Multiband::Multiband(const Spec& spec, const MultibandParams& params)
    : spec_(spec), crossover_(spec, params.crossoversHz) {
    assert(params.bands.size() == params.crossoversHz.size() + 1);
    for (const auto& b : params.bands) compressors_.emplace_back(spec, b);
    scratch_.assign(static_cast<std::size_t>(bands() - 1) * static_cast<std::size_t>(spec.channels) *
                        spec.maxBlockFrames,
                    0.0f);
}

void Multiband::reset() {
    crossover_.reset();
    for (auto& c : compressors_) c.reset();
}

void Multiband::process(const BlockView& block) {
    ScopedNoDenormals noDenormals;
    assert(block.channels == spec_.channels && block.frames <= spec_.maxBlockFrames);
    const int nb = bands();
    const std::size_t n = block.frames;
    // Lower bands go to scratch; the top band stays in the block (the crossover's "rest").
    BlockView views[Crossover::kMaxBands];
    for (int b = 0; b < nb - 1; ++b) {
        views[b].channels = block.channels;
        views[b].frames = n;
        for (int c = 0; c < block.channels; ++c)
            views[b].data[static_cast<std::size_t>(c)] =
                scratch_.data() + (static_cast<std::size_t>(b) * static_cast<std::size_t>(spec_.channels) +
                                   static_cast<std::size_t>(c)) * spec_.maxBlockFrames;
    }
    views[nb - 1] = block;
    crossover_.split(block, views);
    // Linked bands run side by side in one loop (their recurrences overlap); others alone.
    Compressor* fused[Crossover::kMaxBands];
    BlockView fusedViews[Crossover::kMaxBands];
    int nf = 0;
    for (int b = 0; b < nb; ++b) {
        Compressor& comp = compressors_[static_cast<std::size_t>(b)];
        if (comp.fusable()) {
            fused[nf] = &comp;
            fusedViews[nf++] = views[b];
        } else {
            comp.process(views[b]);
        }
    }
    if (nf > 0) Compressor::processLinkedBands(fused, fusedViews, nf);
    for (int c = 0; c < block.channels; ++c) {
        float* out = block.channel(c);
        for (int b = 0; b < nb - 1; ++b) {
            const float* in = views[b].channel(c);
            for (std::size_t f = 0; f < n; ++f) out[f] += in[f];
        }
    }
}

}  // namespace lacquer::dynamics
