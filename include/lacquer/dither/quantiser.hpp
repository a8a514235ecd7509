// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Requantisation to a delivery word length, done once, last.
//   16 bit: TPDF dither of ±1 LSB peak (two uniform variates), from a seeded generator so reruns
//           are byte-identical; switched off in blocks of digital silence.
//           DitherKind::Shaped adds 9th-order F-weighted error-feedback noise shaping
//           (Wannamaker 1992): less noise where hearing is most sensitive, more above ~15 kHz.
//   24 bit: rounding only (the error sits at -144 dBFS, below any converter's noise).
//   32 bit: float, untouched.
// Output values are exact multiples of 2^-(bits-1), clamped to the word's range.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/dither/kind.hpp"

namespace lacquer::dither {

void quantise(AudioBuffer& audio, int bits, DitherKind kind, std::uint64_t seed);

// The same requantisation applied block by block to a stream (quantise() is this over the whole
// buffer). Digital silence is judged per kSilenceBlockFrames frames from the stream's start, so
// every block but the last must be a whole number of kSilenceBlockFrames frames; then the output
// does not depend on how the stream was split.
class Quantiser {
public:
    static constexpr std::size_t kSilenceBlockFrames = 1024;
    Quantiser(int channels, int bits, DitherKind kind, std::uint64_t seed);
    void process(const BlockView& block);

private:
    struct Rng {
        std::uint64_t s[4];
    };
    int bits_;
    bool dither_, shaped_;
    double scale_, maxWord_;
    Rng rng_;
    std::vector<std::array<double, 9>> errors_;  // per channel: the last 9 errors (LSB), newest first
};

// A stable 64-bit seed from a name (FNV-1a), e.g. the variant's name.
std::uint64_t seedFromName(const std::string& name);

}  // namespace lacquer::dither
