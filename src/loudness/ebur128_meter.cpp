// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/loudness/ebur128_meter.hpp"

#include <ebur128.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <string>

#include "lacquer/common/error.hpp"

namespace lacquer::loudness {

namespace {

// Frames interleaved per call to ebur128_add_frames_float: bounds the scratch buffer
// (kChunkFrames * kMaxChannels floats = 64 KiB) whatever block size the caller uses.
constexpr std::size_t kChunkFrames = 2048;
// Short-term window (3 s) in history periods (100 ms), and momentary (400 ms).
constexpr std::size_t kShortTermPeriods = 30;
constexpr std::size_t kMomentaryPeriods = 4;
// BS.1770-4 eq. 2: L = -0.691 + 10 log10(mean square of the K-weighted, channel-weighted sum).
constexpr double kLoudnessOffsetLu = -0.691;
constexpr float kFloatMax = std::numeric_limits<float>::max();

const char* codeName(int code) {
    switch (code) {
    case EBUR128_SUCCESS: return "EBUR128_SUCCESS";
    case EBUR128_ERROR_NOMEM: return "EBUR128_ERROR_NOMEM";
    case EBUR128_ERROR_INVALID_MODE: return "EBUR128_ERROR_INVALID_MODE";
    case EBUR128_ERROR_INVALID_CHANNEL_INDEX: return "EBUR128_ERROR_INVALID_CHANNEL_INDEX";
    case EBUR128_ERROR_NO_CHANGE: return "EBUR128_ERROR_NO_CHANGE";
    }
    return "unknown code";
}

[[noreturn]] void fail(const std::string& call, const std::string& what) {
    throw Error(ErrorKind::Io, "loudness meter", call + " failed: " + what,
                "this is a bug or an out-of-memory condition; please report it with the input");
}

void check(int code, const char* call) {
    if (code != EBUR128_SUCCESS) fail(call, std::string(codeName(code)) + " (" + std::to_string(code) + ")");
}

// libebur128 reports undefined loudness as -HUGE_VAL, NaN input as -inf loudness / +inf peak.
std::optional<double> finiteOrNull(double v) {
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> linearToDbOrNull(double linear) {
    if (!(linear > 0.0) || !std::isfinite(linear)) return std::nullopt;
    return finiteOrNull(20.0 * std::log10(linear));
}

std::optional<double> energyToLufs(double meanSquare) {
    if (!(meanSquare > 0.0)) return std::nullopt;  // also catches NaN
    return finiteOrNull(kLoudnessOffsetLu + 10.0 * std::log10(meanSquare));
}

}  // namespace

struct Ebur128Meter::Impl {
    ebur128_state* state = nullptr;  // owned; raw because libebur128's destroy takes state**
    int channels = 0;
    double sampleRateHz = 0;
    MeterOptions options;
    std::size_t framesAdded = 0;
    // A NaN or Inf sample was added. libebur128 1.2.6 does not flag it reliably: measured, a NaN
    // in the middle of a programme just drops the gating blocks it touches (integrated loudness
    // stays finite and plausible) and the peaks ignore it. So the wrapper checks every sample and
    // then reports every reading as undefined.
    bool nonFiniteInput = false;
    std::vector<float> scratch;  // kChunkFrames interleaved frames

    // History state (History::Every100Ms):
    //   periodFrames   — frames per 100 ms period (as ebur128_loudness_window counts them)
    //   framesInPeriod — frames of the current, incomplete period already added
    //   recentEnergy   — ring of the last 30 periods' K-weighted mean squares (0 before start)
    //   recentIndex    — next slot to write in recentEnergy
    std::size_t periodFrames = 0;
    std::size_t framesInPeriod = 0;
    std::array<double, kShortTermPeriods> recentEnergy{};
    std::size_t recentIndex = 0;
    std::vector<std::optional<double>> momentaryHistory;
    std::vector<std::optional<double>> shortTermHistory;

    ~Impl() {
        if (state) ebur128_destroy(&state);
    }

    void closePeriod() {
        double windowLufs = 0;
        check(ebur128_loudness_window(state, 100, &windowLufs), "ebur128_loudness_window");
        // -inf (silence) is energy 0; NaN stays NaN so every window containing it is undefined.
        const double energy = std::isinf(windowLufs) && windowLufs < 0
                                  ? 0.0
                                  : std::pow(10.0, (windowLufs - kLoudnessOffsetLu) / 10.0);
        recentEnergy[recentIndex] = energy;
        recentIndex = (recentIndex + 1) % kShortTermPeriods;
        double sumShort = 0, sumMomentary = 0;
        for (std::size_t k = 0; k < kShortTermPeriods; ++k) {
            const double e = recentEnergy[(recentIndex + kShortTermPeriods - 1 - k) % kShortTermPeriods];
            sumShort += e;
            if (k < kMomentaryPeriods) sumMomentary += e;
        }
        // From the period holding the first NaN/Inf on, every window is undefined.
        momentaryHistory.push_back(nonFiniteInput ? std::nullopt : energyToLufs(sumMomentary / kMomentaryPeriods));
        shortTermHistory.push_back(nonFiniteInput ? std::nullopt : energyToLufs(sumShort / kShortTermPeriods));
        framesInPeriod = 0;
    }
};

Ebur128Meter::Ebur128Meter(int channels, double sampleRateHz, MeterOptions options) : impl_(std::make_unique<Impl>()) {
    if (channels < 1 || channels > kMaxChannels)
        fail("ebur128_init", "unsupported channel count " + std::to_string(channels));
    const auto rate = static_cast<unsigned long>(std::lround(sampleRateHz));
    const int mode = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
                     EBUR128_MODE_SAMPLE_PEAK | (options.truePeak == TruePeak::On ? EBUR128_MODE_TRUE_PEAK : 0);
    impl_->state = ebur128_init(static_cast<unsigned>(channels), rate, mode);
    if (!impl_->state)
        fail("ebur128_init", "refused " + std::to_string(channels) + " channels at " + std::to_string(rate) +
                                 " Hz (or out of memory)");
    impl_->channels = channels;
    impl_->sampleRateHz = sampleRateHz;
    impl_->options = options;
    if (channels == 2) {
        check(ebur128_set_channel(impl_->state, 0, EBUR128_LEFT), "ebur128_set_channel");
        check(ebur128_set_channel(impl_->state, 1, EBUR128_RIGHT), "ebur128_set_channel");
    } else if (channels == 1) {
        // BS.1770 has no "mono" weighting: a single channel is one front channel (G = 1.0).
        check(ebur128_set_channel(impl_->state, 0,
                                  options.mono == MonoMode::DualMono ? EBUR128_DUAL_MONO : EBUR128_LEFT),
              "ebur128_set_channel");
    }
    impl_->scratch.resize(kChunkFrames * static_cast<std::size_t>(channels));
    // ebur128_loudness_window(st, 100, ...) measures rate * 100 / 1000 frames; tile with the same.
    impl_->periodFrames = std::max<std::size_t>(1, rate * 100 / 1000);
}

Ebur128Meter::~Ebur128Meter() = default;
Ebur128Meter::Ebur128Meter(Ebur128Meter&&) noexcept = default;
Ebur128Meter& Ebur128Meter::operator=(Ebur128Meter&&) noexcept = default;

int Ebur128Meter::channels() const { return impl_->channels; }
double Ebur128Meter::sampleRateHz() const { return impl_->sampleRateHz; }
std::size_t Ebur128Meter::framesAdded() const { return impl_->framesAdded; }

void Ebur128Meter::add(const BlockView& block) {
    assert(impl_);
    assert(block.channels == impl_->channels);
    Impl& m = *impl_;
    const bool history = m.options.history == History::Every100Ms;
    const auto ch = static_cast<std::size_t>(m.channels);
    std::size_t done = 0;
    while (done < block.frames) {
        std::size_t n = std::min(kChunkFrames, block.frames - done);
        if (history) n = std::min(n, m.periodFrames - m.framesInPeriod);
        float* out = m.scratch.data();
        for (std::size_t f = 0; f < n; ++f)
            for (std::size_t c = 0; c < ch; ++c) *out++ = block.data[c][done + f];
        // |x| <= FLT_MAX is false exactly for NaN and ±Inf; one pass over the chunk, no branches.
        bool finite = true;
        for (std::size_t i = 0; i < n * ch; ++i) finite &= std::fabs(m.scratch[i]) <= kFloatMax;
        m.nonFiniteInput |= !finite;
        check(ebur128_add_frames_float(m.state, m.scratch.data(), n), "ebur128_add_frames_float");
        done += n;
        m.framesAdded += n;
        if (history) {
            m.framesInPeriod += n;
            if (m.framesInPeriod == m.periodFrames) m.closePeriod();
        }
    }
}

Measurement Ebur128Meter::result() const {
    assert(impl_);
    const Impl& m = *impl_;
    Measurement r;
    r.durationS = static_cast<double>(m.framesAdded) / m.sampleRateHz;
    r.momentaryHistoryLufs = m.momentaryHistory;
    r.shortTermHistoryLufs = m.shortTermHistory;
    if (m.nonFiniteInput) {
        r.nonFiniteInput = true;
        return r;
    }
    double v = 0;
    check(ebur128_loudness_global(m.state, &v), "ebur128_loudness_global");
    r.integratedLufs = finiteOrNull(v);
    v = 0;
    check(ebur128_loudness_range(m.state, &v), "ebur128_loudness_range");
    // LRA of a programme without short-term blocks above the gates is 0 in libebur128; it is only
    // meaningful with integrated loudness defined, so it follows that.
    r.loudnessRangeLu = r.integratedLufs ? finiteOrNull(v) : std::nullopt;
    double samplePeak = 0, truePeak = 0;
    bool nonFinite = false;
    for (int c = 0; c < m.channels; ++c) {
        double sp = 0, tp = 0;
        check(ebur128_sample_peak(m.state, static_cast<unsigned>(c), &sp), "ebur128_sample_peak");
        if (m.options.truePeak == TruePeak::On)
            check(ebur128_true_peak(m.state, static_cast<unsigned>(c), &tp), "ebur128_true_peak");
        if (!std::isfinite(sp) || !std::isfinite(tp)) nonFinite = true;
        samplePeak = std::max(samplePeak, sp);
        truePeak = std::max(truePeak, tp);
    }
    // NaN input leaves the peaks +inf or NaN (std::max ignores a NaN argument), so any
    // non-finite channel makes both undefined.
    r.samplePeakDbfs = nonFinite ? std::nullopt : linearToDbOrNull(samplePeak);
    r.truePeakDbtp = nonFinite || m.options.truePeak == TruePeak::Off ? std::nullopt : linearToDbOrNull(truePeak);
    for (const auto& x : r.momentaryHistoryLufs)
        if (x && (!r.maxMomentaryLufs || *x > *r.maxMomentaryLufs)) r.maxMomentaryLufs = x;
    for (const auto& x : r.shortTermHistoryLufs)
        if (x && (!r.maxShortTermLufs || *x > *r.maxShortTermLufs)) r.maxShortTermLufs = x;
    return r;
}

std::optional<double> Ebur128Meter::momentaryLufs() const {
    if (impl_->nonFiniteInput) return std::nullopt;
    double v = 0;
    check(ebur128_loudness_momentary(impl_->state, &v), "ebur128_loudness_momentary");
    return finiteOrNull(v);
}

std::optional<double> Ebur128Meter::shortTermLufs() const {
    if (impl_->nonFiniteInput) return std::nullopt;
    double v = 0;
    check(ebur128_loudness_shortterm(impl_->state, &v), "ebur128_loudness_shortterm");
    return finiteOrNull(v);
}

namespace {
std::vector<ebur128_state*> statesOf(const std::vector<const Ebur128Meter*>& meters,
                                     ebur128_state* (*get)(const Ebur128Meter&)) {
    std::vector<ebur128_state*> states;
    states.reserve(meters.size());
    for (const Ebur128Meter* meter : meters) {
        assert(meter);
        states.push_back(get(*meter));
    }
    return states;
}
}  // namespace

std::optional<double> Ebur128Meter::combinedIntegratedLufs(const std::vector<const Ebur128Meter*>& meters) {
    if (meters.empty()) return std::nullopt;
    for (const Ebur128Meter* meter : meters)
        if (meter->impl_->nonFiniteInput) return std::nullopt;
    // libebur128 takes non-const states but only reads their gating blocks here.
    auto states = statesOf(meters, [](const Ebur128Meter& m) { return m.impl_->state; });
    double v = 0;
    check(ebur128_loudness_global_multiple(states.data(), states.size(), &v),
          "ebur128_loudness_global_multiple");
    return finiteOrNull(v);
}

std::optional<double> Ebur128Meter::combinedLoudnessRangeLu(const std::vector<const Ebur128Meter*>& meters) {
    if (meters.empty() || !combinedIntegratedLufs(meters)) return std::nullopt;
    auto states = statesOf(meters, [](const Ebur128Meter& m) { return m.impl_->state; });
    double v = 0;
    check(ebur128_loudness_range_multiple(states.data(), states.size(), &v),
          "ebur128_loudness_range_multiple");
    return finiteOrNull(v);
}

Measurement measureEbur128(const AudioBuffer& audio, MeterOptions options) {
    Ebur128Meter meter(audio.channels(), audio.sampleRateHz, options);
    BlockView view{};
    view.channels = audio.channels();
    view.frames = audio.frames();
    // BlockView holds mutable pointers; the meter only reads through them.
    for (int c = 0; c < view.channels; ++c)
        view.data[static_cast<std::size_t>(c)] = const_cast<float*>(audio.samples[static_cast<std::size_t>(c)].data());
    meter.add(view);
    return meter.result();
}

}  // namespace lacquer::loudness
