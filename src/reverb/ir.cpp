// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/reverb/ir.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>

#include <fftw3.h>

#include "lacquer/common/units.hpp"
#include "lacquer/common/fftw_lock.hpp"
#include "lacquer/common/memo.hpp"
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

// |H(k)|² of h zero-padded to a power of two of at least 2·size and 65536 points (so a short IR
// still has thousands of bins in the 20 Hz..20 kHz band), bins 0..n/2; n is returned in `n`.
// The plan for n points is made once and kept (a few sizes per process): planning computes
// FFTW's twiddle factors, n sines and cosines, which cost as much as the transform itself.
// Executed on fresh fftw_alloc arrays (the same alignment as at planning), it is the same
// algorithm on the same data: the same numbers as a plan made for each call.
fftw_plan powerSpectrumPlan(std::size_t n, double* x, fftw_complex* X) {
    // Never destroyed, and reachable to the end (a static map would free its nodes at exit and
    // leave the plans unreachable: LeakSanitizer reports them): lives as long as the process.
    static auto& plans = *new std::map<std::size_t, fftw_plan>;
    std::lock_guard lock(fftwPlannerMutex());  // FFTW's planner is not thread-safe
    auto it = plans.find(n);
    if (it == plans.end()) it = plans.emplace(n, fftw_plan_dft_r2c_1d(static_cast<int>(n), x, X, FFTW_ESTIMATE)).first;
    return it->second;
}

std::vector<double> powerSpectrum(const std::vector<double>& h, std::size_t& n) {
    n = 65536;
    while (n < 2 * h.size()) n <<= 1;
    double* x = fftw_alloc_real(n);
    fftw_complex* X = fftw_alloc_complex(n / 2 + 1);
    const fftw_plan plan = powerSpectrumPlan(n, x, X);
    std::fill(x, x + n, 0.0);
    std::copy(h.begin(), h.end(), x);
    fftw_execute_dft_r2c(plan, x, X);
    std::vector<double> power(n / 2 + 1);
    for (std::size_t k = 0; k <= n / 2; ++k) power[k] = X[k][0] * X[k][0] + X[k][1] * X[k][1];
    fftw_free(X);
    fftw_free(x);
    return power;
}

// Mean of power[k] over the bins whose frequency lies in [loHz, hiHz).
double bandMean(const std::vector<double>& power, std::size_t n, double rateHz, double loHz, double hiHz) {
    const double binHz = rateHz / static_cast<double>(n);
    hiHz = std::min(hiHz, 0.5 * rateHz);
    double sum = 0;
    std::size_t bins = 0;
    for (auto k = static_cast<std::size_t>(std::ceil(loHz / binHz)); k < power.size() && static_cast<double>(k) * binHz < hiHz; ++k) {
        sum += power[k];
        ++bins;
    }
    return bins ? sum / static_cast<double>(bins) : 0.0;
}

}  // namespace

double inBandPowerGain(const std::vector<double>& h, double rateHz) {
    if (h.empty()) return 0.0;
    std::size_t n = 0;
    const auto power = powerSpectrum(h, n);
    return bandMean(power, n, rateHz, kNormLowHz, kNormHighHz);
}

std::vector<double> bandPowerGains(const std::vector<double>& h, double rateHz, const std::vector<double>& edgesHz) {
    std::vector<double> out;
    if (edgesHz.size() < 2) return out;
    if (h.empty()) return std::vector<double>(edgesHz.size() - 1, 0.0);
    std::size_t n = 0;
    const auto power = powerSpectrum(h, n);
    for (std::size_t b = 0; b + 1 < edgesHz.size(); ++b) out.push_back(bandMean(power, n, rateHz, edgesHz[b], edgesHz[b + 1]));
    return out;
}

PowerGains powerGains(const std::vector<double>& h, double rateHz, const std::vector<double>& edgesHz) {
    PowerGains g;
    if (h.empty()) {
        g.bands = bandPowerGains(h, rateHz, edgesHz);
        return g;
    }
    std::size_t n = 0;
    const auto power = powerSpectrum(h, n);
    g.inBand = bandMean(power, n, rateHz, kNormLowHz, kNormHighHz);
    for (std::size_t b = 0; b + 1 < edgesHz.size(); ++b) g.bands.push_back(bandMean(power, n, rateHz, edgesHz[b], edgesHz[b + 1]));
    return g;
}

std::vector<std::vector<double>> normalisedIr(const AudioBuffer& ir, double rateHz, int channels) {
    assert(channels >= 1);
    std::vector<std::vector<double>> out(static_cast<std::size_t>(channels));
    if (ir.frames() == 0 || ir.channels() == 0) return out;
    const AudioBuffer resampled = ir.sampleRateHz == rateHz ? ir : resample(ir, rateHz);
    const std::size_t frames = resampled.frames();
    for (int c = 0; c < channels; ++c) {
        auto& x = out[static_cast<std::size_t>(c)];
        x.assign(frames, 0.0);
        if (resampled.channels() == channels || resampled.channels() == 1) {
            const auto& src = resampled.samples[static_cast<std::size_t>(resampled.channels() == 1 ? 0 : c)];
            for (std::size_t i = 0; i < frames; ++i) x[i] = src[i];
        } else {
            for (const auto& src : resampled.samples)
                for (std::size_t i = 0; i < frames; ++i) x[i] += static_cast<double>(src[i]) / resampled.channels();
        }
        // Unit in-band power gain (see the header): the same IR at any stored or processing rate,
        // and at any file gain, gives the same wet level.
        const double g = inBandPowerGain(x, rateHz);
        if (g > 0.0) {
            const double scale = 1.0 / std::sqrt(g);
            for (double& v : x) v *= scale;
        }
    }
    return out;
}

namespace {

std::vector<std::vector<double>> prepareWetUncached(const Params& params, const AudioBuffer& ir, double rateHz, int channels) {
    auto wet = normalisedIr(ir, rateHz, channels);
    const auto predelay = static_cast<std::size_t>(std::llround(msToFrames(params.predelayMs, rateHz)));
    for (auto& x : wet) {
        if (params.wetLowCutHz > 0.0) butterworth(x, params.wetLowCutHz, rateHz, true);
        if (params.wetHighCutHz > 0.0 && params.wetHighCutHz < rateHz / 2.0)
            butterworth(x, params.wetHighCutHz, rateHz, false);
        std::vector<double> out(predelay + x.size(), 0.0);
        for (std::size_t i = 0; i < x.size(); ++i) out[predelay + i] = params.mix * x[i];
        x = std::move(out);
    }
    return wet;
}

// Everything prepareWet depends on, the IR by value.
struct WetKey {
    Params params;
    double rateHz = 0;
    int channels = 0;
    double irRateHz = 0;
    std::vector<std::vector<float>> ir;
    bool operator==(const WetKey&) const = default;
};

}  // namespace

std::vector<std::vector<double>> prepareWet(const Params& params, const AudioBuffer& ir, double rateHz,
                                            int channels) {
    assert(channels >= 1);
    if (params.mix == 0.0 || ir.frames() == 0 || ir.channels() == 0) return {};
    // The kernel and the report's wet-level figures ask for the same preparation: made once.
    static Memo<WetKey, std::vector<std::vector<double>>, 2> memo;  // a few MiB each
    return *memo.get(WetKey{params, rateHz, channels, ir.sampleRateHz, ir.samples},
                     [&] { return prepareWetUncached(params, ir, rateHz, channels); });
}

}  // namespace lacquer::reverb
