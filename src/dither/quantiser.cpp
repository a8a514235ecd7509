// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dither/quantiser.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace lacquer::dither {
namespace {

// xoshiro256** seeded through splitmix64: fast, and the same numbers on every platform.
struct Rng64 {
    std::uint64_t s[4];
    explicit Rng64(const std::uint64_t (&state)[4]) { std::copy(std::begin(state), std::end(state), s); }
    explicit Rng64(std::uint64_t seed) {
        for (auto& v : s) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            v = z ^ (z >> 31);
        }
    }
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
        s[2] ^= t; s[3] = rotl(s[3], 45);
        return result;
    }
    // Uniform in [0, 1) with 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// Error-feedback noise shaping with Wannamaker's 9-tap F-weighted filter (designed for 44.1 kHz;
// "Psychoacoustically optimal noise shaping", JAES 40(7/8), 1992): the requantisation error is
// filtered by (1 - H(z)) so its spectrum follows the inverse of the ear's threshold, lowest
// around 3-4 kHz and pushed above ~15 kHz. Used with TPDF dither inside the loop.
constexpr std::array<double, 9> kShapedFir = {2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847};

}  // namespace

std::uint64_t seedFromName(const std::string& name) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : name) { h ^= c; h *= 0x100000001b3ull; }
    return h;
}

Quantiser::Quantiser(int channels, int bits, DitherKind kind, std::uint64_t seed)
    : bits_(bits),
      dither_(bits <= 16 && kind != DitherKind::None),
      shaped_(bits <= 16 && kind == DitherKind::Shaped),
      scale_(std::ldexp(1.0, bits - 1)),  // LSB = 1/scale
      maxWord_(std::ldexp(1.0, bits - 1) - 1.0),
      errors_(static_cast<std::size_t>(channels)) {
    static_assert(kShapedFir.size() == 9);
    const Rng64 r(seed);
    std::copy(std::begin(r.s), std::end(r.s), rng_.s);
    for (auto& e : errors_) e.fill(0.0);
}

void Quantiser::process(const BlockView& block) {
    if (bits_ >= 32) return;
    Rng64 rng(rng_.s);
    const std::size_t frames = block.frames;
    const auto nc = static_cast<std::size_t>(block.channels);
    for (std::size_t start = 0; start < frames; start += kSilenceBlockFrames) {
        const std::size_t end = std::min(frames, start + kSilenceBlockFrames);
        bool silent = true;
        for (std::size_t c = 0; c < nc && silent; ++c) {
            const float* ch = block.channel(static_cast<int>(c));
            for (std::size_t i = start; i < end && silent; ++i) silent = ch[i] == 0.0f;
        }
        if (silent) {  // digital silence stays digital silence: no dither hiss, shaper at rest
            for (auto& e : errors_) e.fill(0.0);
            continue;
        }
        for (std::size_t i = start; i < end; ++i) {
            for (std::size_t c = 0; c < nc; ++c) {
                float* ch = block.channel(static_cast<int>(c));
                double x = static_cast<double>(ch[i]) * scale_;
                auto& e = errors_[c];
                if (shaped_) {
                    double fb = 0.0;
                    for (std::size_t k = 0; k < kShapedFir.size(); ++k) fb += kShapedFir[k] * e[k];
                    x -= fb;
                }
                // TPDF: sum of two independent uniforms in [-0.5, 0.5) LSB → triangular ±1 LSB.
                const double d = dither_ ? rng.uniform() + rng.uniform() - 1.0 : 0.0;
                const double q = std::clamp(std::nearbyint(x + d), -scale_, maxWord_);
                if (shaped_) {
                    // The total error fed back (dither included), bounded so a clipped sample
                    // cannot wind the shaper up.
                    for (std::size_t k = kShapedFir.size() - 1; k > 0; --k) e[k] = e[k - 1];
                    e[0] = std::clamp(q - x, -4.0, 4.0);
                }
                ch[i] = static_cast<float>(q / scale_);
            }
        }
    }
    std::copy(std::begin(rng.s), std::end(rng.s), rng_.s);
}

void quantise(AudioBuffer& audio, int bits, DitherKind kind, std::uint64_t seed) {
    Quantiser q(audio.channels(), bits, kind, seed);
    q.process(audio.view());
}

}  // namespace lacquer::dither
