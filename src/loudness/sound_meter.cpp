// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/sound_meter.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <numbers>

namespace lacquer::loudness {
namespace {

// Radix-2 FFT in place (n a power of two); FFTW's planner is not thread-safe and tracks are
// measured in parallel, so a small transform of our own (8192 points every 16384 frames).
void fftInPlace(std::vector<std::complex<double>>& x) {
    const std::size_t n = x.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(x[i], x[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::complex<double> w = std::polar(1.0, -2.0 * std::numbers::pi / static_cast<double>(len));
        for (std::size_t i = 0; i < n; i += len) {
            std::complex<double> c = 1.0;
            for (std::size_t k = 0; k < len / 2; ++k, c *= w) {
                const auto t = x[i + k + len / 2] * c;
                x[i + k + len / 2] = x[i + k] - t;
                x[i + k] += t;
            }
        }
    }
}

constexpr double kWindowS = 1.0;
constexpr double kWindowFloorMeanSquare = 1e-6;  // -60 dBFS RMS: quieter windows are not judged

std::optional<double> dbRatio(double num, double den) {
    if (!(num > 0) || !(den > 0)) return std::nullopt;
    return 10.0 * std::log10(num / den);
}

}  // namespace

std::vector<double> octaveCentresHz() {
    std::vector<double> f;
    for (int k = -5; k <= 4; ++k) f.push_back(1000.0 * std::pow(2.0, k));
    return f;
}

std::vector<double> octaveEdgesHz() {
    std::vector<double> e;
    for (double c : octaveCentresHz()) e.push_back(c / std::numbers::sqrt2);
    e.push_back(octaveCentresHz().back() * std::numbers::sqrt2);
    return e;
}

SoundMeter::SoundMeter(int channels, double sampleRateHz, Loudness loudness)
    : channels_(channels), rateHz_(sampleRateHz), sum_(static_cast<std::size_t>(channels), 0.0),
      sumSq_(static_cast<std::size_t>(channels), 0.0),
      windowLength_(static_cast<std::size_t>(std::lround(kWindowS * sampleRateHz))),
      captured_(static_cast<std::size_t>(channels), std::vector<double>(kFftFrames, 0.0)),
      powerSum_(kFftFrames / 2 + 1, 0.0) {
    assert(channels >= 1);
    if (loudness == Loudness::On) meter_ = std::make_unique<Meter>(channels, sampleRateHz);
}

SoundMeter::~SoundMeter() = default;
SoundMeter::SoundMeter(SoundMeter&&) noexcept = default;
SoundMeter& SoundMeter::operator=(SoundMeter&&) noexcept = default;

void SoundMeter::add(const BlockView& block) {
    assert(block.channels == channels_);
    if (meter_) meter_->add(block);
    const bool stereo = channels_ == 2;
    for (std::size_t i = 0; i < block.frames; ++i) {
        for (int c = 0; c < channels_; ++c) {
            const double x = block.channel(c)[i];
            sum_[static_cast<std::size_t>(c)] += x;
            sumSq_[static_cast<std::size_t>(c)] += x * x;
            if (position_ < kFftFrames) captured_[static_cast<std::size_t>(c)][position_] = x;
        }
        if (stereo) {
            const double l = block.channel(0)[i], r = block.channel(1)[i];
            const double m = 0.5 * (l + r), s = 0.5 * (l - r);
            sumLR_ += l * r;
            sumMid_ += m * m;
            sumSide_ += s * s;
            wL_ += l * l;
            wR_ += r * r;
            wLR_ += l * r;
            wMid_ += m * m;
            if (++windowFrames_ == windowLength_) closeWindow();
        }
        if (++position_ == kFftFrames) analyse();
        if (position_ == kFftStrideFrames) position_ = 0;
    }
    frames_ += block.frames;
}

void SoundMeter::closeWindow() {
    const double n = static_cast<double>(windowFrames_);
    if ((wL_ + wR_) / (2.0 * n) > kWindowFloorMeanSquare) {
        const double atS = static_cast<double>(windowIndex_) * kWindowS;
        if (wL_ > 0 && wR_ > 0) {
            const double corr = wLR_ / std::sqrt(wL_ * wR_);
            if (!worstCorr_ || corr < *worstCorr_) worstCorr_ = corr, worstCorrAtS_ = atS;
        }
        const double loss = wMid_ > 0 ? 10.0 * std::log10((wL_ + wR_) / (2.0 * wMid_)) : 200.0;
        if (!worstLoss_ || loss > *worstLoss_) worstLoss_ = loss, worstLossAtS_ = atS;
    }
    ++windowIndex_;
    windowFrames_ = 0;
    wL_ = wR_ = wLR_ = wMid_ = 0;
}

void SoundMeter::analyse() {
    std::vector<std::complex<double>> x(kFftFrames);
    for (const auto& ch : captured_) {
        for (std::size_t i = 0; i < kFftFrames; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / kFftFrames);  // Hann
            x[i] = ch[i] * w;
        }
        fftInPlace(x);
        for (std::size_t k = 0; k <= kFftFrames / 2; ++k) powerSum_[k] += std::norm(x[k]);
        ++spectra_;
    }
}

SoundStats SoundMeter::result(const std::optional<Measurement>& loudnessFromElsewhere) const {
    SoundStats s;
    s.durationS = static_cast<double>(frames_) / rateHz_;
    s.channels = channels_;
    if (meter_) s.loudness = meter_->result();
    if (loudnessFromElsewhere) s.loudness = *loudnessFromElsewhere;
    if (s.loudness.truePeakDbtp && s.loudness.integratedLufs) s.plrDb = *s.loudness.truePeakDbtp - *s.loudness.integratedLufs;
    if (channels_ == 2) {
        const double l = sumSq_[0], r = sumSq_[1];
        s.sideToMidDb = dbRatio(sumSide_, sumMid_);
        if (l > 0 && r > 0) s.correlation = sumLR_ / std::sqrt(l * r);
        s.balanceDb = dbRatio(l, r);
        if (l + r > 0) s.monoFoldLossDb = sumMid_ > 0 ? 10.0 * std::log10((l + r) / (2.0 * sumMid_)) : 200.0;
        // The last, partial window counts when it is at least half a window long.
        SoundMeter tail = SoundMeter(2, rateHz_, Loudness::Off);
        s.worstCorrelation = worstCorr_;
        s.worstCorrelationAtS = worstCorrAtS_;
        s.worstMonoFoldLossDb = worstLoss_;
        s.worstMonoFoldLossAtS = worstLossAtS_;
        if (windowFrames_ >= windowLength_ / 2) {
            tail.windowFrames_ = windowFrames_;
            tail.windowIndex_ = windowIndex_;
            tail.wL_ = wL_, tail.wR_ = wR_, tail.wLR_ = wLR_, tail.wMid_ = wMid_;
            tail.closeWindow();
            if (tail.worstCorr_ && (!s.worstCorrelation || *tail.worstCorr_ < *s.worstCorrelation))
                s.worstCorrelation = tail.worstCorr_, s.worstCorrelationAtS = tail.worstCorrAtS_;
            if (tail.worstLoss_ && (!s.worstMonoFoldLossDb || *tail.worstLoss_ > *s.worstMonoFoldLossDb))
                s.worstMonoFoldLossDb = tail.worstLoss_, s.worstMonoFoldLossAtS = tail.worstLossAtS_;
        }
    }
    double dc = 0;
    for (double v : sum_) dc = std::max(dc, frames_ ? std::abs(v) / static_cast<double>(frames_) : 0.0);
    s.dcDbfs = dc > 0 ? std::max(-200.0, 20.0 * std::log10(dc)) : -200.0;
    // Mean square within each band, by Parseval with the Hann window's power (Σw² = 3N/8);
    // one-sided bins count twice. A full-scale sine (mean square 1/2) reads 0 dB.
    const double n = static_cast<double>(kFftFrames);
    const double norm = spectra_ ? 2.0 / (n * (3.0 * n / 8.0)) / static_cast<double>(spectra_) : 0.0;
    const double binHz = rateHz_ / n;
    const auto edges = octaveEdgesHz();
    for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
        if (!spectra_ || edges[b + 1] > rateHz_ / 2) {
            s.octaveDb.emplace_back();
            continue;
        }
        double p = 0;
        for (auto k = static_cast<std::size_t>(std::ceil(edges[b] / binHz)); k <= kFftFrames / 2 && static_cast<double>(k) * binHz < edges[b + 1]; ++k)
            p += powerSum_[k];
        const double ms = p * norm;
        s.octaveDb.push_back(ms > 0 ? std::max(-200.0, 10.0 * std::log10(ms / 0.5)) : -200.0);
    }
    return s;
}

}  // namespace lacquer::loudness
