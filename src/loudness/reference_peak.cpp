// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/reference_peak.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/resample/resample.hpp"

namespace lacquer::loudness {

std::optional<double> referenceTruePeakDbtp(const AudioBuffer& audio) {
    // Chunks with margins wider than libsoxr's very-high-quality filter (a few thousand input
    // frames each side at this steepness), so every output point inside a chunk's core sees its whole filter.
    constexpr std::size_t kCore = 1 << 16, kMargin = 8192;
    // Inter-sample peaks come from content near Nyquist: keep 99.5 % of the band (soxr's default
    // very-high-quality passband ends at 91 %, which would under-read exactly that content).
    constexpr double kPassbandEnd = 0.995;
    const std::size_t n = audio.frames();
    const double rate = audio.sampleRateHz;
    double peak = 0.0;
    for (std::size_t a = 0; a < n; a += kCore) {
        const std::size_t b = std::min(n, a + kCore);
        const std::size_t from = a >= kMargin ? a - kMargin : 0;
        const std::size_t to = std::min(n, b + kMargin);
        AudioBuffer chunk(audio.channels(), to - from + 2 * kMargin, rate);  // zeros around the audio
        for (int c = 0; c < audio.channels(); ++c)
            std::copy(audio.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(from),
                      audio.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(to),
                      chunk.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(kMargin));
        const AudioBuffer up = resample(chunk, rate * kReferenceOversampling, kPassbandEnd);
        // The core [a, b) sits at chunk frames [kMargin + a - from, kMargin + b - from).
        const std::size_t lo = (kMargin + a - from) * kReferenceOversampling;
        const std::size_t hi = std::min(up.frames(), (kMargin + b - from) * kReferenceOversampling);
        for (const auto& ch : up.samples)
            for (std::size_t i = lo; i < hi; ++i) peak = std::max(peak, static_cast<double>(std::abs(ch[i])));
    }
    if (!(peak > 0.0)) return std::nullopt;
    return 20.0 * std::log10(peak);
}

}  // namespace lacquer::loudness
