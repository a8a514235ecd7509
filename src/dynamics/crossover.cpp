// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/crossover.hpp"

#include <cassert>
#include <cstring>

namespace lacquer::dynamics {

Crossover::Crossover(const Spec& spec, const std::vector<double>& crossoversHz) : spec_(spec) {
    const int nx = static_cast<int>(crossoversHz.size());
    assert(nx >= 1 && nx + 1 <= kMaxBands);
    assert(spec.channels >= 1 && spec.channels <= BiquadCascade::kMaxChannels);
    bandCount_ = nx + 1;
    bandChains_.resize(static_cast<std::size_t>(bandCount_));
    restChains_.resize(static_cast<std::size_t>(nx));
    const double fs = spec.sampleRateHz;
    for (int k = 0; k < nx; ++k) {
        const double f = crossoversHz[static_cast<std::size_t>(k)];
        assert(k == 0 || f > crossoversHz[static_cast<std::size_t>(k - 1)]);
        auto& band = bandChains_[static_cast<std::size_t>(k)];
        band.add(butterworthLowpass(f, fs));
        band.add(butterworthLowpass(f, fs));
        for (int j = k + 1; j < nx; ++j) band.add(lr4Allpass(crossoversHz[static_cast<std::size_t>(j)], fs));
        auto& rest = restChains_[static_cast<std::size_t>(k)];
        rest.add(butterworthHighpass(f, fs));
        rest.add(butterworthHighpass(f, fs));
    }
}

void Crossover::reset() {
    for (auto& c : bandChains_) c.reset();
    for (auto& c : restChains_) c.reset();
}

void Crossover::split(const BlockView& in, const BlockView* bands) {
    const std::size_t n = in.frames;
    const int last = bandCount_ - 1;
    // The last band's buffer holds "rest" while the lower bands are split off it.
    const BlockView& rest = bands[last];
    assert(rest.frames == n && rest.channels == in.channels);
    // Channels go through in pairs (two SIMD lanes), an odd last channel alone.
    for (int c = 0; c < in.channels; c += 2) {
        const bool pair = c + 1 < in.channels;
        for (int cc = c; cc < c + (pair ? 2 : 1); ++cc)
            if (rest.channel(cc) != in.channel(cc)) std::memcpy(rest.channel(cc), in.channel(cc), n * sizeof(float));
        for (int k = 0; k < last; ++k) {
            auto& band = bandChains_[static_cast<std::size_t>(k)];
            auto& restChain = restChains_[static_cast<std::size_t>(k)];
            if (pair) {
                BiquadCascade::splitPair(band, restChain, rest.channel(c), rest.channel(c + 1), bands[k].channel(c),
                                         bands[k].channel(c + 1), n, c);
            } else {
                std::memcpy(bands[k].channel(c), rest.channel(c), n * sizeof(float));
                band.process(bands[k].channel(c), n, c);
                restChain.process(rest.channel(c), n, c);
            }
        }
    }
}

Complex Crossover::bandResponse(int band, double freqHz) const {
    assert(band >= 0 && band < bandCount_);
    auto mul = [](Complex a, Complex b) { return Complex{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; };
    Complex h{1, 0};
    for (int k = 0; k < band; ++k)
        h = mul(h, restChains_[static_cast<std::size_t>(k)].response(freqHz, spec_.sampleRateHz));
    if (band < bandCount_ - 1)
        h = mul(h, bandChains_[static_cast<std::size_t>(band)].response(freqHz, spec_.sampleRateHz));
    return h;
}

}  // namespace lacquer::dynamics
