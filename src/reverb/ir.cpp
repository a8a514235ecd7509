// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/reverb/ir.hpp"

#include <cassert>
#include <cmath>
#include <numbers>

#include "lacquer/common/units.hpp"
#include "lacquer/resample/resample.hpp"

namespace lacquer::reverb {
namespace {

// RBJ cookbook biquad, Q = 1/√2 (2nd-order Butterworth), run in direct form I in double.
void butterworth(std::vector<double>& x, double cutoffHz, double rateHz, bool highpass) {
    const double w0 = 2.0 * std::numbers::pi * cutoffHz / rateHz;
    const double alpha = std::sin(w0) / (2.0 * std::numbers::sqrt2 / 2.0);
    const double c = std::cos(w0);
    const double a0 = 1.0 + alpha;
    const double b1 = (highpass ? -(1.0 + c) : (1.0 - c)) / a0;
    const double b0 = (highpass ? (1.0 + c) / 2.0 : (1.0 - c) / 2.0) / a0;
    const double b2 = b0;
    const double a1 = -2.0 * c / a0;
    const double a2 = (1.0 - alpha) / a0;
    // x1,x2: previous inputs; y1,y2: previous outputs.
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (double& v : x) {
        const double y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = v;
        y2 = y1;
        y1 = y;
        v = y;
    }
}

}  // namespace

std::vector<std::vector<double>> prepareWet(const Params& params, const AudioBuffer& ir, double rateHz,
                                            int channels) {
    assert(channels >= 1);
    if (params.mix == 0.0 || ir.frames() == 0 || ir.channels() == 0) return {};
    const AudioBuffer resampled = ir.sampleRateHz == rateHz ? ir : resample(ir, rateHz);
    const std::size_t frames = resampled.frames();
    const auto predelay = static_cast<std::size_t>(std::llround(msToFrames(params.predelayMs, rateHz)));
    std::vector<std::vector<double>> wet(static_cast<std::size_t>(channels));
    for (int c = 0; c < channels; ++c) {
        std::vector<double> x(frames, 0.0);
        if (resampled.channels() == channels || resampled.channels() == 1) {
            const auto& src = resampled.samples[static_cast<std::size_t>(resampled.channels() == 1 ? 0 : c)];
            for (std::size_t i = 0; i < frames; ++i) x[i] = src[i];
        } else {
            for (const auto& src : resampled.samples)
                for (std::size_t i = 0; i < frames; ++i) x[i] += src[i] / resampled.channels();
        }
        if (params.wetLowCutHz > 0.0) butterworth(x, params.wetLowCutHz, rateHz, true);
        if (params.wetHighCutHz > 0.0 && params.wetHighCutHz < rateHz / 2.0)
            butterworth(x, params.wetHighCutHz, rateHz, false);
        auto& out = wet[static_cast<std::size_t>(c)];
        out.assign(predelay + frames, 0.0);
        for (std::size_t i = 0; i < frames; ++i) out[predelay + i] = params.mix * x[i];
    }
    return wet;
}

}  // namespace lacquer::reverb
