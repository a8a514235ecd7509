// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/eq/match.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>

#include <fftw3.h>

#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::eq {
namespace {

constexpr int kCellsPerOctave = 48;
constexpr double kGridLowHz = 10.0;
constexpr double kGridHighHz = 24000.0;
// Level rows of the gate: 1 dB each from the absolute gate (−70 dB, BS.1770's −70 LKFS without its
// −0.691 offset) up; louder frames land in the top row.
constexpr int kLevelRows = 80;
constexpr double kAbsoluteGateDb = -70.0;
constexpr double kRelativeGateDb = -10.0;  // BS.1770's relative gate: "the loud parts"
constexpr double kNormLowHz = 20.0, kNormHighHz = 20000.0;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double cellWidthHz(double f) { return f * (std::pow(2.0, 0.5 / kCellsPerOctave) - std::pow(2.0, -0.5 / kCellsPerOctave)); }

// |K|² of the BS.1770-4 K-weighting (pre-filter shelf, then RLB high-pass) at freqHz, from the
// recommendation's 48 kHz coefficients (held at 24 kHz above that).
double kWeightPower(double freqHz) {
    const double w = 2.0 * std::numbers::pi * std::min(freqHz, 23999.0) / 48000.0;
    const std::complex<double> z1 = std::polar(1.0, -w), z2 = z1 * z1;
    const auto shelf = (1.53512485958697 - 2.69169618940638 * z1 + 1.19839281085285 * z2) /
                       (1.0 - 1.69065929318241 * z1 + 0.73248077421585 * z2);
    const auto rlb = (1.0 - 2.0 * z1 + z2) / (1.0 - 1.99004745483398 * z1 + 0.99007225036621 * z2);
    return std::norm(shelf * rlb);
}

std::size_t nextPow2(double x) {
    std::size_t n = 1;
    while (static_cast<double>(n) < x) n <<= 1;
    return n;
}

// K-weighted power (dB) of a spectrum in dB over the cells valid in every `masks` spectrum within
// 20 Hz .. 20 kHz.
double kPowerDb(const std::vector<double>& db, const std::vector<const std::vector<double>*>& all,
                double lowHz = kNormLowHz, double highHz = kNormHighHz) {
    const auto& f = matchGridHz();
    double p = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] < lowHz || f[i] > highHz) continue;
        bool valid = true;
        for (const auto* s : all) valid = valid && std::isfinite((*s)[i]);
        if (valid) p += std::pow(10.0, db[i] / 10.0) * kWeightPower(f[i]) * cellWidthHz(f[i]);
    }
    return p > 0 ? 10.0 * std::log10(p) : 0.0;
}

// Power mean of the finite values within ±half cells (NaN stays NaN).
std::vector<double> smoothDb(const std::vector<double>& db, int half) {
    std::vector<double> out(db.size(), kNaN);
    for (std::size_t i = 0; i < db.size(); ++i) {
        if (!std::isfinite(db[i])) continue;
        double p = 0;
        int n = 0;
        const std::size_t from = i >= static_cast<std::size_t>(half) ? i - static_cast<std::size_t>(half) : 0;
        for (std::size_t j = from; j <= std::min(db.size() - 1, i + static_cast<std::size_t>(half)); ++j)
            if (std::isfinite(db[j])) {
                p += std::pow(10.0, db[j] / 10.0);
                ++n;
            }
        out[i] = 10.0 * std::log10(p / n);
    }
    return out;
}

}  // namespace

const std::vector<double>& matchGridHz() {
    static const std::vector<double> grid = [] {
        std::vector<double> f;
        const int cells = static_cast<int>(std::floor(kCellsPerOctave * std::log2(kGridHighHz / kGridLowHz))) + 1;
        for (int i = 0; i < cells; ++i) f.push_back(kGridLowHz * std::pow(2.0, static_cast<double>(i) / kCellsPerOctave));
        return f;
    }();
    return grid;
}

// ---------------------------------------------------------------------------------------------
// SpectrumMeter

struct SpectrumMeter::Impl {
    // Bins → grid cells: an average of bins [first, end) or, where no bin falls in the cell (low
    // frequencies), linear interpolation between bins `first` and first + 1 with weight `t`.
    struct Cell {
        std::size_t first = 0, end = 0;
        double t = 0;
        bool valid = false;
    };
    std::size_t n = 0;
    double binHz = 0;
    std::vector<double> window, kBin;  // Hann; |K|² per bin
    std::vector<Cell> cells;
    std::vector<bool> validCells;  // AND over merged meters
    double* in = nullptr;
    fftw_complex* out = nullptr;
    fftw_plan plan = nullptr;
    // Audio of the frame being filled: `filled` frames per channel.
    std::vector<std::vector<double>> pending;
    std::size_t filled = 0;
    std::vector<double> density;  // per bin, the frame being analysed (mean over channels)
    // Level rows: per row, the summed cell densities, frames and summed K-weighted power.
    std::vector<std::vector<double>> rowSum = std::vector<std::vector<double>>(kLevelRows);
    std::vector<double> rowFrames = std::vector<double>(kLevelRows, 0.0);
    std::vector<double> rowPower = std::vector<double>(kLevelRows, 0.0);

    ~Impl() {
        if (plan) {
            std::lock_guard lock(fftwPlannerMutex());
            fftw_destroy_plan(plan);
        }
        fftw_free(in);
        fftw_free(out);
    }

    void analyse() {
        const std::size_t bins = n / 2 + 1;
        std::fill(density.begin(), density.end(), 0.0);
        double windowPower = 0;
        for (double w : window) windowPower += w * w;
        // One-sided mean square per bin (Parseval with the window's power), per Hz.
        const double scale = 2.0 / (static_cast<double>(n) * windowPower) / binHz / static_cast<double>(pending.size());
        for (const auto& x : pending) {
            for (std::size_t i = 0; i < n; ++i) in[i] = x[i] * window[i];
            fftw_execute(plan);
            for (std::size_t k = 1; k + 1 < bins; ++k) density[k] += (out[k][0] * out[k][0] + out[k][1] * out[k][1]) * scale;
        }
        density[0] = density[1];
        double kPower = 0;
        for (std::size_t k = 1; k + 1 < bins; ++k) kPower += density[k] * binHz * kBin[k];
        const double levelDb = kPower > 0 ? 10.0 * std::log10(kPower) : -std::numeric_limits<double>::infinity();
        if (!(levelDb >= kAbsoluteGateDb)) return;
        const auto row = static_cast<std::size_t>(std::min<double>(kLevelRows - 1, std::floor(levelDb - kAbsoluteGateDb)));
        auto& sum = rowSum[row];
        if (sum.empty()) sum.assign(cells.size(), 0.0);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const Cell& c = cells[i];
            if (!c.valid) continue;
            if (c.end > c.first) {
                double s = 0;
                for (std::size_t k = c.first; k < c.end; ++k) s += density[k];
                sum[i] += s / static_cast<double>(c.end - c.first);
            } else {
                sum[i] += (1.0 - c.t) * density[c.first] + c.t * density[c.first + 1];
            }
        }
        rowFrames[row] += 1.0;
        rowPower[row] += kPower;
    }
};

SpectrumMeter::SpectrumMeter(double sampleRateHz)
    : rateHz_(sampleRateHz), fftFrames_(nextPow2(sampleRateHz / 3.0)), impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.n = fftFrames_;
    m.binHz = sampleRateHz / static_cast<double>(m.n);
    const std::size_t bins = m.n / 2 + 1;
    m.window.resize(m.n);
    for (std::size_t i = 0; i < m.n; ++i)
        m.window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(m.n));
    m.kBin.resize(bins);
    for (std::size_t k = 0; k < bins; ++k) m.kBin[k] = kWeightPower(static_cast<double>(k) * m.binHz);
    m.density.assign(bins, 0.0);
    const auto& grid = matchGridHz();
    m.cells.resize(grid.size());
    m.validCells.assign(grid.size(), false);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double lo = grid[i] * std::pow(2.0, -0.5 / kCellsPerOctave), hi = grid[i] * std::pow(2.0, 0.5 / kCellsPerOctave);
        Impl::Cell& c = m.cells[i];
        // Bin N/2 (Nyquist) and beyond are never used: the cell must end below the last bin.
        c.valid = hi < (static_cast<double>(bins) - 2.0) * m.binHz;
        if (!c.valid) continue;
        c.first = static_cast<std::size_t>(std::ceil(lo / m.binHz));
        c.end = static_cast<std::size_t>(std::ceil(hi / m.binHz));
        if (c.end <= c.first) {
            const double x = grid[i] / m.binHz;
            c.first = static_cast<std::size_t>(std::floor(x));
            c.t = x - std::floor(x);
            c.end = c.first;
        }
        m.validCells[i] = true;
    }
    m.in = fftw_alloc_real(m.n);
    m.out = fftw_alloc_complex(bins);
    std::lock_guard lock(fftwPlannerMutex());
    m.plan = fftw_plan_dft_r2c_1d(static_cast<int>(m.n), m.in, m.out, FFTW_ESTIMATE);
}

SpectrumMeter::~SpectrumMeter() = default;
SpectrumMeter::SpectrumMeter(SpectrumMeter&&) noexcept = default;
SpectrumMeter& SpectrumMeter::operator=(SpectrumMeter&&) noexcept = default;

void SpectrumMeter::add(const BlockView& block) {
    Impl& m = *impl_;
    if (m.pending.size() != static_cast<std::size_t>(block.channels)) {
        assert(m.pending.empty());
        m.pending.assign(static_cast<std::size_t>(block.channels), std::vector<double>(m.n, 0.0));
    }
    const std::size_t hop = m.n / 2;
    std::size_t at = 0;
    while (at < block.frames) {
        const std::size_t take = std::min(block.frames - at, m.n - m.filled);
        for (int c = 0; c < block.channels; ++c) {
            const float* src = block.channel(c) + at;
            std::copy(src, src + take, m.pending[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(m.filled));
        }
        m.filled += take;
        at += take;
        if (m.filled == m.n) {
            m.analyse();
            for (auto& x : m.pending) std::copy(x.begin() + static_cast<std::ptrdiff_t>(hop), x.end(), x.begin());
            m.filled = m.n - hop;
        }
    }
}

void SpectrumMeter::merge(const SpectrumMeter& other) {
    Impl& m = *impl_;
    const Impl& o = *other.impl_;
    for (std::size_t i = 0; i < m.validCells.size(); ++i) m.validCells[i] = m.validCells[i] && o.validCells[i];
    for (int r = 0; r < kLevelRows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        if (o.rowSum[row].empty()) continue;
        if (m.rowSum[row].empty()) m.rowSum[row].assign(m.cells.size(), 0.0);
        for (std::size_t i = 0; i < m.cells.size(); ++i) m.rowSum[row][i] += o.rowSum[row][i];
        m.rowFrames[row] += o.rowFrames[row];
        m.rowPower[row] += o.rowPower[row];
    }
}

LogSpectrum SpectrumMeter::spectrum() const {
    const Impl& m = *impl_;
    LogSpectrum s;
    s.densityDb.assign(m.cells.size(), kNaN);
    double frames = 0, power = 0;
    for (int r = 0; r < kLevelRows; ++r) {
        frames += m.rowFrames[static_cast<std::size_t>(r)];
        power += m.rowPower[static_cast<std::size_t>(r)];
    }
    if (frames <= 0) return s;
    // Relative gate: rows whose centre level is within 10 dB of the mean power of all gated frames.
    const double gateDb = 10.0 * std::log10(power / frames) + kRelativeGateDb;
    std::vector<double> sum(m.cells.size(), 0.0);
    for (int r = 0; r < kLevelRows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        if (m.rowFrames[row] <= 0 || kAbsoluteGateDb + r + 0.5 < gateDb) continue;
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += m.rowSum[row][i];
        s.gatedFrames += m.rowFrames[row];
    }
    if (s.gatedFrames <= 0) return s;
    for (std::size_t i = 0; i < sum.size(); ++i)
        if (m.validCells[i] && sum[i] > 0) s.densityDb[i] = 10.0 * std::log10(sum[i] / s.gatedFrames);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Match design

LogSpectrum averageNormalised(const std::vector<LogSpectrum>& spectra) {
    std::vector<const std::vector<double>*> all;
    for (const auto& s : spectra)
        if (!s.empty()) all.push_back(&s.densityDb);
    LogSpectrum out;
    out.densityDb.assign(matchGridHz().size(), kNaN);
    if (all.empty()) return out;
    std::vector<double> sum(out.densityDb.size(), 0.0);
    for (const auto* s : all) {
        const double offsetDb = -kPowerDb(*s, all);
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += std::pow(10.0, ((*s)[i] + offsetDb) / 10.0);
    }
    for (std::size_t i = 0; i < sum.size(); ++i)
        if (std::isfinite(sum[i]) && sum[i] > 0) out.densityDb[i] = 10.0 * std::log10(sum[i] / static_cast<double>(all.size()));
    for (const auto& s : spectra) out.gatedFrames += s.gatedFrames;
    return out;
}

MagnitudeCurve MatchResult::curve() const {
    MagnitudeCurve c;
    c.freqsHz = freqsHz;
    c.gainDb = curveDb;
    c.featureHz = featureHz;
    return c;
}

MatchResult designMatch(const LogSpectrum& source, const LogSpectrum& reference, const MatchParams& params) {
    const auto& f = matchGridHz();
    MatchResult r;
    r.freqsHz = f;
    r.curveDb.assign(f.size(), 0.0);
    r.sourceDb.assign(f.size(), kNaN);
    r.referenceDb.assign(f.size(), kNaN);
    if (source.empty() || reference.empty()) return r;
    const std::vector<const std::vector<double>*> both{&source.densityDb, &reference.densityDb};
    const double srcOffset = -kPowerDb(source.densityDb, both), refOffset = -kPowerDb(reference.densityDb, both);
    std::vector<double> src(f.size(), kNaN), ref(f.size(), kNaN);
    for (std::size_t i = 0; i < f.size(); ++i)
        if (std::isfinite(source.densityDb[i]) && std::isfinite(reference.densityDb[i])) {
            src[i] = source.densityDb[i] + srcOffset;
            ref[i] = reference.densityDb[i] + refOffset;
        }
    const int half = static_cast<int>(std::lround(kCellsPerOctave * params.smoothingOct / 2.0));
    r.sourceDb = smoothDb(src, half);
    r.referenceDb = smoothDb(ref, half);
    // The range actually compared: the requested one, within the cells both spectra have.
    std::size_t first = f.size(), last = 0;
    for (std::size_t i = 0; i < f.size(); ++i)
        if (f[i] >= params.lowHz && f[i] <= params.highHz && std::isfinite(r.sourceDb[i])) {
            first = std::min(first, i);
            last = i;
        }
    if (first > last) return r;
    auto diff = [&](std::size_t i) { return r.referenceDb[i] - r.sourceDb[i]; };
    for (std::size_t i = 0; i < f.size(); ++i) {
        double d;
        if (i < first)
            d = diff(first) * std::max(0.0, 1.0 - std::log2(f[first] / f[i]));  // faded over an octave
        else if (i > last)
            d = diff(last) * std::max(0.0, 1.0 - std::log2(f[i] / f[last]));
        else
            d = std::isfinite(diff(i)) ? diff(i) : 0.0;
        r.curveDb[i] = std::clamp(params.amount * d, -params.maxCutDb, params.maxBoostDb);
    }
    // The narrowest feature: the smoothing width at the lowest matched frequency, or the fade.
    const double width = std::pow(2.0, std::max(params.smoothingOct, 2.0 / kCellsPerOctave) / 2.0);
    r.featureHz = std::min(0.5 * f[first], f[first] * (width - 1.0 / width));
    return r;
}

std::vector<OctaveResidual> octaveResiduals(const LogSpectrum& result, const LogSpectrum& reference, double lowHz,
                                            double highHz) {
    std::vector<OctaveResidual> out;
    if (result.empty() || reference.empty()) return out;
    const auto& f = matchGridHz();
    const std::vector<const std::vector<double>*> both{&result.densityDb, &reference.densityDb};
    // Normalised over the compared range only: a level difference outside it (the faded edges)
    // must not read as a residual in every band.
    const double lo = std::max(lowHz, kNormLowHz), hi = std::min(highHz, kNormHighHz);
    const double resOffset = -kPowerDb(result.densityDb, both, lo, hi), refOffset = -kPowerDb(reference.densityDb, both, lo, hi);
    for (int k = -5; k <= 4; ++k) {
        const double fc = 1000.0 * std::pow(2.0, k);
        const double lo = fc / std::sqrt(2.0), hi = fc * std::sqrt(2.0);
        if (lo < lowHz * 0.999 || hi > highHz * 1.001) continue;
        double pRes = 0, pRef = 0;
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (f[i] < lo || f[i] >= hi || !std::isfinite(result.densityDb[i]) || !std::isfinite(reference.densityDb[i]))
                continue;
            pRes += std::pow(10.0, (result.densityDb[i] + resOffset) / 10.0) * cellWidthHz(f[i]);
            pRef += std::pow(10.0, (reference.densityDb[i] + refOffset) / 10.0) * cellWidthHz(f[i]);
        }
        if (pRes > 0 && pRef > 0) out.push_back({fc, 10.0 * std::log10(pRes / pRef)});
    }
    return out;
}

}  // namespace lacquer::eq
