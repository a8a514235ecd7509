// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/reference_peak.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/resample/resample.hpp"

namespace lacquer::loudness {

namespace {

// max(peak, |x[i]|) over n floats: |x| and max are exact in float, so the result is the same
// as a scalar loop in double; four SSE accumulators (GCC vector extensions, plain SSE2) instead
// of one dependent chain. NaN is never taken (as std::max(peak, NaN) does not take it).
float absMax(const float* x, std::size_t n, float peak) {
    using V = float __attribute__((vector_size(16)));
    V m[4] = {};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 4; ++k) {
            V v;
            __builtin_memcpy(&v, x + i + 4 * k, sizeof v);
            v = v < 0 ? -v : v;
            m[k] = m[k] < v ? v : m[k];
        }
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 4; ++j) peak = std::max(peak, m[k][j]);
    for (; i < n; ++i) peak = std::max(peak, std::abs(x[i]));
    return peak;
}

}  // namespace

std::optional<double> referenceTruePeakDbtp(const AudioSource& audio) {
    // Inter-sample peaks come from content near Nyquist: keep 99.5 % of the band (soxr's default
    // very-high-quality passband ends at 91 %, which would under-read exactly that content).
    constexpr double kPassbandEnd = 0.995;
    constexpr std::size_t kBlock = 1 << 16;
    const std::size_t n = audio.frames();
    const double rate = audio.sampleRateHz();
    const int channels = audio.channels();
    // One streaming resampler over the whole source, read once, front to back, a block at a
    // time: the output is resample() of the whole audio (the same filter and delay handling), and
    // memory is a block and the filter's state. (It replaced a resampler per 64 Ki-frame chunk
    // with 8 Ki-frame margins each side, which designed soxr's filter anew for every chunk and
    // resampled the margins twice: a third of a one-track render's CPU where this runs.)
    StreamResampler up(channels, rate, rate * kReferenceOversampling, n, kPassbandEnd);
    float peak = 0.0f;
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c) peak = absMax(b.channel(c), b.frames, peak);
    };
    AudioBuffer block(channels, std::min(kBlock, std::max<std::size_t>(n, 1)), rate);
    for (std::size_t at = 0; at < n; at += kBlock) {
        const BlockView v = block.view().slice(0, std::min(kBlock, n - at));
        audio.read(at, v);
        up.push(v, sink);
    }
    up.finish(sink);
    if (!(peak > 0.0f)) return std::nullopt;
    return 20.0 * std::log10(static_cast<double>(peak));
}

std::optional<double> referenceTruePeakDbtp(const AudioBuffer& audio) {
    return referenceTruePeakDbtp(BufferSource(audio));
}

}  // namespace lacquer::loudness
