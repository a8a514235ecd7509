// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/stereo.hpp"

#include <cassert>

#include "dynamics/no_denormals.hpp"
#include "dynamics/stereo_matrix.hpp"

namespace lacquer::dynamics {

Width::Width(const Spec& spec, double width) : spec_(spec), width_(static_cast<float>(width)) {
    assert(width >= 0);
}

void Width::process(const BlockView& block) {
    assert(block.channels == spec_.channels);
    if (block.channels != 2 || width_ == 1.0f) return;
    float* l = block.channel(0);
    float* r = block.channel(1);
    const float w = width_;
    for (std::size_t f = 0; f < block.frames; ++f) {
        const float m = 0.5f * (l[f] + r[f]), s = 0.5f * (l[f] - r[f]) * w;
        l[f] = m + s;
        r[f] = m - s;
    }
}

MonoBass::MonoBass(const Spec& spec, double freqHz) : spec_(spec) {
    mid_.add(lr4Allpass(freqHz, spec.sampleRateHz));
    side_.add(butterworthHighpass(freqHz, spec.sampleRateHz));
    side_.add(butterworthHighpass(freqHz, spec.sampleRateHz));
}

void MonoBass::reset() {
    mid_.reset();
    side_.reset();
}

void MonoBass::process(const BlockView& block) {
    ScopedNoDenormals noDenormals;
    assert(block.channels == spec_.channels);
    if (block.channels != 2) return;
    toMidSide(block);
    mid_.process(block.channel(0), block.frames, 0);
    side_.process(block.channel(1), block.frames, 0);
    fromMidSide(block);
}

Stereo::Stereo(const Spec& spec, const StereoParams& params)
    : spec_(spec), mono_(params.monoBelowHz > 0), width_(static_cast<float>(params.width)) {
    if (mono_) {
        mid_.add(lr4Allpass(params.monoBelowHz, spec.sampleRateHz));
        side_.add(butterworthHighpass(params.monoBelowHz, spec.sampleRateHz));
        side_.add(butterworthHighpass(params.monoBelowHz, spec.sampleRateHz));
    }
}

void Stereo::reset() {
    mid_.reset();
    side_.reset();
}

void Stereo::process(const BlockView& block) {
    ScopedNoDenormals noDenormals;
    assert(block.channels == spec_.channels);
    if (block.channels != 2 || (!mono_ && width_ == 1.0f)) return;
    toMidSide(block);
    if (mono_) {
        mid_.process(block.channel(0), block.frames, 0);
        side_.process(block.channel(1), block.frames, 0);
    }
    float* s = block.channel(1);
    const float w = width_;
    if (w != 1.0f)
        for (std::size_t f = 0; f < block.frames; ++f) s[f] *= w;
    fromMidSide(block);
}

}  // namespace lacquer::dynamics
