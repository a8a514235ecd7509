// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/eq/design.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <numbers>

#include <fftw3.h>

#include "lacquer/common/units.hpp"
#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::eq {
namespace {

using Complex = std::complex<double>;

double magnitude(const Band& band, double freqHz) {
    const double x = std::max(freqHz, 1e-9) / band.freqHz;
    const Complex s(0.0, x);
    const double a = std::pow(10.0, band.gainDb / 40.0);
    const double q = std::max(band.q, 1e-3);
    switch (band.type) {
        case BandType::Highpass:
        case BandType::Lowpass: {
            const double order = std::max(1.0, std::round(band.slopeDbOct / 6.0));
            const double p = std::pow(x, 2.0 * order);
            return band.type == BandType::Highpass ? std::sqrt(p / (1.0 + p)) : std::sqrt(1.0 / (1.0 + p));
        }
        case BandType::Bell:
            return std::abs((s * s + s * (a / q) + 1.0) / (s * s + s / (a * q) + 1.0));
        case BandType::Notch:
            return std::abs((s * s + 1.0) / (s * s + s / q + 1.0));
        case BandType::LowShelf: {
            const double k = std::sqrt(a) / q;
            return std::abs(a * (s * s + k * s + a) / (a * s * s + k * s + 1.0));
        }
        case BandType::HighShelf: {
            const double k = std::sqrt(a) / q;
            return std::abs(a * (a * s * s + k * s + 1.0) / (s * s + k * s + a));
        }
        case BandType::Tilt: {
            const double f = std::clamp(freqHz, 20.0, 20000.0);
            const double span = std::log2(20000.0 / band.freqHz);
            return dbToGain(std::abs(span) > 1e-9 ? band.gainDb * std::log2(f / band.freqHz) / span : 0.0);
        }
    }
    return 1.0;
}

double requestedGain(const Bands& bands, double freqHz) {
    double g = 1.0;
    for (const auto& band : bands) g *= magnitude(band, freqHz);
    return g;
}

std::size_t nextPow2(double x) {
    std::size_t n = 1;
    while (static_cast<double>(n) < x) n <<= 1;
    return n;
}

// Zeroth-order modified Bessel function of the first kind (power series; converges for all x).
double besselI0(double x) {
    double sum = 1.0;
    double term = 1.0;
    for (int k = 1; k < 200 && term > 1e-18 * sum; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

constexpr double kKaiserBeta = 10.0;  // sidelobes near −74 dB; main lobe ≈ 6.5 bins wide

}  // namespace

double requestedGainDb(const Bands& bands, double freqHz) { return gainToDb(requestedGain(bands, freqHz)); }

double MagnitudeCurve::gainDbAt(double freqHz) const {
    if (freqsHz.empty()) return 0.0;
    if (freqHz <= freqsHz.front()) return gainDb.front();
    if (freqHz >= freqsHz.back()) return gainDb.back();
    const auto it = std::upper_bound(freqsHz.begin(), freqsHz.end(), freqHz);
    const auto i = static_cast<std::size_t>(it - freqsHz.begin());
    const double t = std::log(freqHz / freqsHz[i - 1]) / std::log(freqsHz[i] / freqsHz[i - 1]);
    return gainDb[i - 1] + t * (gainDb[i] - gainDb[i - 1]);
}

bool MagnitudeCurve::isFlat() const {
    return std::all_of(gainDb.begin(), gainDb.end(), [](double g) { return g == 0.0; });
}

double requestedGainDb(const Bands& bands, const MagnitudeCurve* curve, double freqHz) {
    return requestedGainDb(bands, freqHz) + (curve ? curve->gainDbAt(freqHz) : 0.0);
}

bool isFlat(const Bands& bands) {
    return std::all_of(bands.begin(), bands.end(), [](const Band& b) {
        return (b.type == BandType::Bell || b.type == BandType::LowShelf || b.type == BandType::HighShelf ||
                b.type == BandType::Tilt) &&
               b.gainDb == 0.0;
    });
}

std::size_t autoTapCount(const Bands& bands, double sampleRateHz, const MagnitudeCurve* curve) {
    double featureHz = sampleRateHz / 2.0;
    if (curve != nullptr && !curve->isFlat() && curve->featureHz > 0) featureHz = curve->featureHz;
    for (const auto& b : bands) {
        double f = b.freqHz;
        switch (b.type) {
            case BandType::Highpass:
            case BandType::Lowpass: f = b.freqHz / std::max(1.0, b.slopeDbOct / 12.0); break;
            case BandType::LowShelf:
            case BandType::HighShelf: f = b.freqHz / std::max(1.0, b.q); break;
            case BandType::Bell:
            case BandType::Notch: f = b.freqHz / std::max(0.5, b.q); break;
            case BandType::Tilt: f = 20.0; break;
        }
        featureHz = std::min(featureHz, f);
    }
    const std::size_t minTaps = nextPow2(0.3 * sampleRateHz);
    const std::size_t maxTaps = nextPow2(1.3 * sampleRateHz);
    return std::clamp(nextPow2(12.0 * sampleRateHz / featureHz), minTaps, maxTaps) - 1;
}

Design::Design(std::vector<double> taps, double sampleRateHz) : taps_(std::move(taps)), sampleRateHz_(sampleRateHz) {
    assert(taps_.size() % 2 == 1);
}

double Design::predictedGainDb(double freqHz) const {
    // Symmetric FIR: H(ω) = e^{−jωD} · (h[D] + 2 Σ_{m=1..D} h[D+m] cos(mω)). The cosines come from
    // a rotation recurrence (error ~1e-12 after 2^17 steps in double, far below 0.001 dB).
    const std::size_t d = latencyFrames();
    const double w = 2.0 * std::numbers::pi * freqHz / sampleRateHz_;
    const Complex step = std::polar(1.0, w);
    Complex rot = step;
    double sum = taps_[d];
    for (std::size_t m = 1; m <= d; ++m) {
        sum += 2.0 * taps_[d + m] * rot.real();
        rot *= step;
    }
    return gainToDb(std::abs(sum));
}

std::vector<ResponsePoint> Design::predictedCurve(std::size_t points, double lowHz, double highHz) const {
    if (highHz <= 0.0) highHz = std::min(sampleRateHz_ / 2.0, 24000.0);
    std::vector<ResponsePoint> out;
    out.reserve(points);
    for (std::size_t i = 0; i < points; ++i) {
        const double t = points > 1 ? static_cast<double>(i) / static_cast<double>(points - 1) : 0.0;
        const double f = lowHz * std::pow(highHz / lowHz, t);
        out.push_back({f, predictedGainDb(f)});
    }
    return out;
}

Design designLinearPhase(const Bands& bands, double sampleRateHz, const DesignOptions& options,
                         const MagnitudeCurve* curve) {
    if (curve != nullptr && curve->isFlat()) curve = nullptr;
    if (isFlat(bands) && curve == nullptr) return Design({1.0}, sampleRateHz);
    const std::size_t taps = options.taps > 0 ? (options.taps | 1u) : autoTapCount(bands, sampleRateHz, curve);
    const std::size_t latency = (taps - 1) / 2;
    // Sample the requested magnitude on a grid 4x denser than the kernel so the zero-phase impulse
    // response has decayed long before it wraps around.
    const std::size_t grid = 4 * nextPow2(static_cast<double>(taps));
    const std::size_t bins = grid / 2 + 1;
    std::vector<double> impulse(grid);
    auto* spectrum = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * bins));
    for (std::size_t k = 0; k < bins; ++k) {
        const double f = static_cast<double>(k) * sampleRateHz / static_cast<double>(grid);
        spectrum[k][0] = requestedGain(bands, f) * (curve != nullptr ? dbToGain(curve->gainDbAt(f)) : 1.0);
        spectrum[k][1] = 0.0;
    }
    {
        std::lock_guard lock(fftwPlannerMutex());
        fftw_plan plan = fftw_plan_dft_c2r_1d(static_cast<int>(grid), spectrum, impulse.data(), FFTW_ESTIMATE);
        fftw_execute(plan);
        fftw_destroy_plan(plan);
    }
    fftw_free(spectrum);

    std::vector<double> h(taps);
    const double denom = besselI0(kKaiserBeta);
    for (std::size_t i = 0; i < taps; ++i) {
        const double offset = static_cast<double>(i) - static_cast<double>(latency);
        const double r = offset / static_cast<double>(latency);
        const double window = besselI0(kKaiserBeta * std::sqrt(std::max(0.0, 1.0 - r * r))) / denom;
        const std::size_t idx = (i + grid - latency) % grid;
        h[i] = impulse[idx] / static_cast<double>(grid) * window;
    }
    // Exact symmetry (the c2r output is symmetric only to rounding).
    for (std::size_t m = 1; m <= latency; ++m) {
        const double avg = 0.5 * (h[latency + m] + h[latency - m]);
        h[latency + m] = avg;
        h[latency - m] = avg;
    }
    return Design(std::move(h), sampleRateHz);
}

}  // namespace lacquer::eq
