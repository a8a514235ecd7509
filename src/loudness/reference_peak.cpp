// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/reference_peak.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/resample/resample.hpp"

namespace lacquer::loudness {

std::optional<double> referenceTruePeakDbtp(const AudioSource& audio) {
    // Chunks with margins wider than libsoxr's very-high-quality filter (a few thousand input
    // frames each side at this steepness), so every output point inside a chunk's core sees its whole filter.
    constexpr std::size_t kCore = 1 << 16, kMargin = 8192;
    // Inter-sample peaks come from content near Nyquist: keep 99.5 % of the band (soxr's default
    // very-high-quality passband ends at 91 %, which would under-read exactly that content).
    constexpr double kPassbandEnd = 0.995;
    const std::size_t n = audio.frames();
    const double rate = audio.sampleRateHz();
    const int channels = audio.channels();
    double peak = 0.0;
    // Consecutive chunks overlap by 2 * kMargin frames: the overlap is copied from the previous
    // chunk, so the source is read once and in order (a file source then never seeks).
    AudioBuffer previous;
    std::size_t previousFrom = 0, previousTo = 0;  // the audio frames `previous` holds, at kMargin on
    for (std::size_t a = 0; a < n; a += kCore) {
        const std::size_t b = std::min(n, a + kCore);
        const std::size_t from = a >= kMargin ? a - kMargin : 0;
        const std::size_t to = std::min(n, b + kMargin);
        AudioBuffer chunk(channels, to - from + 2 * kMargin, rate);  // zeros around the audio
        const std::size_t kept = previousTo > from ? previousTo - from : 0;
        if (kept > 0) {
            const auto at = static_cast<std::ptrdiff_t>(kMargin + from - previousFrom);
            for (int c = 0; c < channels; ++c) {
                const auto& src = previous.samples[static_cast<std::size_t>(c)];
                std::copy(src.begin() + at, src.begin() + at + static_cast<std::ptrdiff_t>(kept),
                          chunk.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(kMargin));
            }
        }
        audio.read(from + kept, chunk.view().slice(kMargin + kept, to - from - kept));
        const AudioBuffer up = resample(chunk, rate * kReferenceOversampling, kPassbandEnd);
        // The core [a, b) sits at chunk frames [kMargin + a - from, kMargin + b - from).
        const std::size_t lo = (kMargin + a - from) * kReferenceOversampling;
        const std::size_t hi = std::min(up.frames(), (kMargin + b - from) * kReferenceOversampling);
        for (const auto& ch : up.samples)
            for (std::size_t i = lo; i < hi; ++i) peak = std::max(peak, static_cast<double>(std::abs(ch[i])));
        previous = std::move(chunk);
        previousFrom = from;
        previousTo = to;
    }
    if (!(peak > 0.0)) return std::nullopt;
    return 20.0 * std::log10(peak);
}

std::optional<double> referenceTruePeakDbtp(const AudioBuffer& audio) {
    return referenceTruePeakDbtp(BufferSource(audio));
}

}  // namespace lacquer::loudness
