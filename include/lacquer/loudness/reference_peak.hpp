// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A second, more oversampled true-peak reading for the report's ceiling checks. libebur128's
// true-peak meter interpolates 4x (2x above 96 kHz) with a short filter whose passband ripple
// over-reads dense material with energy near Nyquist: on heavily limited noise-like masters we
// measured it 0.15-0.25 dB above an 8x libsoxr reading (sox `rate -v 384k stats` agrees with
// the latter), inside EBU Tech 3341's +0.2/-0.4 dB tolerance for true-peak meters but enough to
// fail a strict "under the ceiling" check on a file that is under it. This reading resamples 8x
// with libsoxr at very high quality (linear phase), in chunks, and takes the largest |sample| over
// all channels. The report takes it where libebur128 reads over a ceiling.
#include <optional>

#include "lacquer/common/audio.hpp"

namespace lacquer::loudness {

inline constexpr int kReferenceOversampling = 8;

// dBTP of `audio` oversampled 8x; nullopt for silence or an empty buffer.
std::optional<double> referenceTruePeakDbtp(const AudioBuffer& audio);

}  // namespace lacquer::loudness
