// SPDX-License-Identifier: GPL-3.0-or-later
#include "bs1770.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

namespace lacquer::loudness::bs1770 {

double energyToLufs(double energy) {
    if (!(energy > 0.0)) return -std::numeric_limits<double>::infinity();
    return kLoudnessOffsetLu + 10.0 * std::log10(energy);
}

double lufsToEnergy(double lufs) { return std::pow(10.0, (lufs - kLoudnessOffsetLu) / 10.0); }

KWeighting designKWeighting(double sampleRateHz) {
    // Analog prototypes of BS.1770-4's two stages (the 48 kHz table of Annex 1 inverted through
    // the bilinear transform; these digits reproduce it to 1e-8).
    constexpr double kShelfHz = 1681.974450955533;
    constexpr double kShelfGainDb = 3.999843853973347;
    constexpr double kShelfQ = 0.7071752369554196;
    // The shelf's zero pair sits at the geometric point between unity and the high-frequency gain:
    // the band-pass term of the numerator is scaled by Vh^0.49967 (the table's value again).
    constexpr double kShelfBandExponent = 0.4996667741545416;
    constexpr double kHighpassHz = 38.13547087602444;
    constexpr double kHighpassQ = 0.5003270373238773;

    KWeighting k{};
    {
        const double K = std::tan(std::numbers::pi * kShelfHz / sampleRateHz);
        const double vh = std::pow(10.0, kShelfGainDb / 20.0);
        const double vb = std::pow(vh, kShelfBandExponent);
        const double a0 = 1.0 + K / kShelfQ + K * K;
        k.shelf = {(vh + vb * K / kShelfQ + K * K) / a0, 2.0 * (K * K - vh) / a0,
                   (vh - vb * K / kShelfQ + K * K) / a0, 2.0 * (K * K - 1.0) / a0,
                   (1.0 - K / kShelfQ + K * K) / a0};
    }
    {
        const double K = std::tan(std::numbers::pi * kHighpassHz / sampleRateHz);
        const double a0 = 1.0 + K / kHighpassQ + K * K;
        // BS.1770's table gives the numerator as exactly 1, -2, 1 (not scaled by 1/a0): its
        // passband gain is then a hair above 1, and the 1 kHz calibration (-0.691) includes it.
        k.highpass = {1.0, -2.0, 1.0, 2.0 * (K * K - 1.0) / a0, (1.0 - K / kHighpassQ + K * K) / a0};
    }
    return k;
}

int truePeakOversampling(double sampleRateHz) {
    if (sampleRateHz < 88200.0) return 4;
    if (sampleRateHz < 176400.0) return 2;
    return 1;
}

namespace {

// Zeroth-order modified Bessel function of the first kind (power series; converges fast for the
// small arguments a Kaiser window uses).
double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 64; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

}  // namespace

std::vector<std::array<double, kTruePeakTapsPerPhase>> designTruePeakPhasesDouble(int oversampling) {
    assert(oversampling >= 1);
    const int L = oversampling;
    const double half = static_cast<double>(kTruePeakTapsPerPhase / 2 * L);  // prototype spans [-half, half]
    const double i0Beta = besselI0(kTruePeakKaiserBeta);
    auto prototype = [&](int n) {
        if (n == 0) return 1.0;
        const double t = std::numbers::pi * n / L;
        const double r = n / half;
        const double window = besselI0(kTruePeakKaiserBeta * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0Beta;
        return std::sin(t) / t * window;
    };
    std::vector<std::array<double, kTruePeakTapsPerPhase>> phases(static_cast<std::size_t>(L - 1));
    constexpr int kCentre = kTruePeakTapsPerPhase / 2 - 1;  // window[kCentre] is x[n]
    for (int p = 1; p < L; ++p) {
        auto& taps = phases[static_cast<std::size_t>(p - 1)];
        double sum = 0.0;
        for (int k = 0; k < kTruePeakTapsPerPhase; ++k) {
            taps[static_cast<std::size_t>(k)] = prototype(L * (kCentre - k) + p);
            sum += taps[static_cast<std::size_t>(k)];
        }
        // Unit DC gain per phase: a constant reads as itself at every interpolated point.
        for (double& t : taps) t /= sum;
    }
    return phases;
}

std::vector<std::array<float, kTruePeakTapsPerPhase>> designTruePeakPhases(int oversampling) {
    const auto d = designTruePeakPhasesDouble(oversampling);
    std::vector<std::array<float, kTruePeakTapsPerPhase>> f(d.size());
    for (std::size_t p = 0; p < d.size(); ++p)
        for (std::size_t k = 0; k < d[p].size(); ++k) f[p][k] = static_cast<float>(d[p][k]);
    return f;
}

namespace {

// Mean energy of the blocks strictly above `thresholdEnergy` (BS.1770-4: J_g = {j : l_j > Γ}),
// and how many there were.
std::pair<double, std::size_t> meanAbove(const std::vector<const std::vector<double>*>& lists, double thresholdEnergy) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto* list : lists)
        for (double e : *list)
            if (e > thresholdEnergy) {
                sum += e;
                ++count;
            }
    return {count > 0 ? sum / static_cast<double>(count) : 0.0, count};
}

}  // namespace

double gatedIntegratedLufs(const std::vector<const std::vector<double>*>& blockEnergies) {
    const auto [absMean, absCount] = meanAbove(blockEnergies, lufsToEnergy(kAbsoluteGateLufs));
    if (absCount == 0) return -std::numeric_limits<double>::infinity();
    const double relative = absMean * std::pow(10.0, kIntegratedRelativeGateLu / 10.0);
    const auto [mean, count] = meanAbove(blockEnergies, relative);
    if (count == 0) return -std::numeric_limits<double>::infinity();
    return energyToLufs(mean);
}

double loudnessRangeLu(const std::vector<const std::vector<double>*>& shortTermEnergies) {
    const auto [absMean, absCount] = meanAbove(shortTermEnergies, lufsToEnergy(kAbsoluteGateLufs));
    if (absCount == 0) return 0.0;
    const double relative = absMean * std::pow(10.0, kRangeRelativeGateLu / 10.0);
    std::vector<double> gated;
    gated.reserve(absCount);
    for (const auto* list : shortTermEnergies)
        for (double e : *list)
            if (e > relative) gated.push_back(e);
    if (gated.empty()) return 0.0;
    // Tech 3342's percentiles: the sorted values at indices round((n - 1) * p).
    const auto at = [&](double p) {
        const auto i = static_cast<std::size_t>(std::lround(static_cast<double>(gated.size() - 1) * p));
        std::nth_element(gated.begin(), gated.begin() + static_cast<std::ptrdiff_t>(i), gated.end());
        return gated[i];
    };
    const double low = at(kRangeLowPercentile);
    const double high = at(kRangeHighPercentile);
    return energyToLufs(high) - energyToLufs(low);
}

}  // namespace lacquer::loudness::bs1770
