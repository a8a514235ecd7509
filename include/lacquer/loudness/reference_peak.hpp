// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A second, more oversampled true-peak reading for the report's ceiling checks. libebur128's
// true-peak meter interpolates 4x (2x above 96 kHz) with a short filter whose passband ripple
// over-reads dense material with energy near Nyquist: on limited noise-like masters we measured it
// 0.1-0.7 dB above this 8x reading (a 7.5-minute track of bench_long_album: libebur128 -0.47,
// this -1.170, the limiter tests' independent 32x double-precision Kaiser reference -1.170, sox
// `rate -v 384k stats` -1.07 dBTP), past EBU Tech 3341's +0.2 dB meter tolerance at worst, and
// enough to fail a strict "under the ceiling" check on a file that is under it. This reading resamples 8x
// with libsoxr at very high quality (linear phase), streaming, and takes the largest |sample| over
// all channels. The report takes it where libebur128 reads over a ceiling.
#include <optional>

#include "lacquer/common/audio.hpp"

namespace lacquer::loudness {

inline constexpr int kReferenceOversampling = 8;

// dBTP of `audio` oversampled 8x; nullopt for silence or an empty source. The source is read
// once, front to back, in blocks of 64 Ki frames through one streaming resampler (memory stays
// bounded by the block, not by the length); errors of source.read() (io::FileSource: a truncated
// file, NaN) pass through.
std::optional<double> referenceTruePeakDbtp(const AudioSource& audio);
// The same over a buffer in memory (through BufferSource: the same result bit for bit).
std::optional<double> referenceTruePeakDbtp(const AudioBuffer& audio);

}  // namespace lacquer::loudness
