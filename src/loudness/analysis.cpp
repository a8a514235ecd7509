// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/analysis.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <mutex>
#include <numbers>

#include "lacquer/common/fftw_lock.hpp"

namespace lacquer::loudness {

namespace {

// The one real-to-complex plan of kFftFrames points, made on first use. FFTW_ESTIMATE: no
// measurement, so the plan (and the numbers) do not depend on timing; FFTW_UNALIGNED: executed on
// any object's buffers (fftw_execute_dft_r2c with new arrays is thread-safe).
const fftw_plan& spectrumPlan() {
    static const fftw_plan plan = [] {
        constexpr int n = static_cast<int>(SpectrumAverager::kFftFrames);
        std::vector<double> in(static_cast<std::size_t>(n));
        std::vector<std::complex<double>> out(static_cast<std::size_t>(n / 2 + 1));
        std::lock_guard lock(fftwPlannerMutex());
        return fftw_plan_dft_r2c_1d(n, in.data(), reinterpret_cast<fftw_complex*>(out.data()),
                                    FFTW_ESTIMATE | FFTW_UNALIGNED | FFTW_PRESERVE_INPUT);
    }();
    return plan;
}

}  // namespace

SpectrumAverager::SpectrumAverager(double sampleRateHz, std::size_t strideFrames)
    : rateHz_(sampleRateHz), strideFrames_(std::max(strideFrames, kFftFrames)), powerSum_(kFftFrames / 2 + 1, 0.0) {}

void SpectrumAverager::add(const BlockView& block) {
    if (captured_.size() != static_cast<std::size_t>(block.channels))
        captured_.assign(static_cast<std::size_t>(block.channels), std::vector<double>(kFftFrames, 0.0));
    for (std::size_t i = 0; i < block.frames; ++i) {
        if (position_ < kFftFrames)
            for (int c = 0; c < block.channels; ++c) captured_[static_cast<std::size_t>(c)][position_] = block.channel(c)[i];
        if (++position_ == kFftFrames) analyse(block.channels);
        if (position_ == strideFrames_) position_ = 0;
    }
}

void SpectrumAverager::analyse(int channels) {
    std::vector<double> windowed(kFftFrames);
    std::vector<std::complex<double>> spectrum(kFftFrames / 2 + 1);
    for (int c = 0; c < channels; ++c) {
        const auto& x = captured_[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < kFftFrames; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / kFftFrames);  // Hann
            windowed[i] = x[i] * w;
        }
        fftw_execute_dft_r2c(spectrumPlan(), windowed.data(), reinterpret_cast<fftw_complex*>(spectrum.data()));
        for (std::size_t k = 0; k <= kFftFrames / 2; ++k) powerSum_[k] += std::norm(spectrum[k]);
        ++spectra_;
    }
}

void SpectrumAverager::merge(const SpectrumAverager& other) {
    for (std::size_t k = 0; k < powerSum_.size(); ++k) powerSum_[k] += other.powerSum_[k];
    spectra_ += other.spectra_;
}

std::vector<double> SpectrumAverager::bandCentresHz() {
    // 1/6-octave bands around 1 kHz, from 20 Hz to 20 kHz (IEC 61260 base-2 spacing).
    std::vector<double> f;
    for (int i = -34; i <= 26; ++i) f.push_back(1000.0 * std::pow(2.0, i / 6.0));
    return f;
}

std::vector<std::optional<double>> SpectrumAverager::bandsDb() const {
    std::vector<std::optional<double>> out;
    // Mean square of the signal within a band, from Parseval with the Hann window's power
    // (sum w^2 = 3N/8): one-sided bins count twice. A full-scale sine (mean square 1/2) reads 0 dB.
    const double n = static_cast<double>(kFftFrames);
    const double norm = 2.0 / (n * (3.0 * n / 8.0)) / static_cast<double>(std::max<std::size_t>(1, spectra_));
    const double binHz = rateHz_ / n;
    for (double fc : bandCentresHz()) {
        const double lo = fc * std::pow(2.0, -1.0 / 12.0), hi = fc * std::pow(2.0, 1.0 / 12.0);
        double p = 0;
        int bins = 0;
        for (auto k = static_cast<std::size_t>(std::ceil(lo / binHz)); k <= kFftFrames / 2 && static_cast<double>(k) * binHz < hi; ++k) {
            p += powerSum_[k];
            ++bins;
        }
        if (!spectra_ || hi > rateHz_ / 2) {
            out.push_back(std::nullopt);
            continue;
        }
        if (!bins) {
            // A low band narrower than one bin (below about 120 Hz at 96 kHz): the nearest bin's
            // density times the band's width, so the curve stays continuous.
            const auto k = static_cast<std::size_t>(std::lround(fc / binHz));
            p = powerSum_[std::min(k, kFftFrames / 2)] * (hi - lo) / binHz;
        }
        const double ms = p * norm;
        out.push_back(ms > 0 ? std::max(-200.0, 10.0 * std::log10(ms / 0.5)) : -200.0);
    }
    return out;
}

ShortTermSeries shortTermSeries(const Measurement& m, double periodS) {
    // The meter records every 100 ms; keep every `step`-th entry.
    const auto step = static_cast<std::size_t>(std::max(1L, std::lround(periodS / kHistoryPeriodS)));
    ShortTermSeries s;
    s.periodS = static_cast<double>(step) * kHistoryPeriodS;
    for (std::size_t i = step - 1; i < m.shortTermHistoryLufs.size(); i += step) {
        const auto& v = m.shortTermHistoryLufs[i];
        s.lufs.push_back(v && std::isfinite(*v) ? v : std::nullopt);
    }
    return s;
}

}  // namespace lacquer::loudness
