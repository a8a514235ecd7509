// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/sequence/trim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "lacquer/common/error.hpp"

namespace lacquer::sequence {
namespace {

constexpr std::size_t kReadFrames = 65536;

template <class Use>
void forEachBlock(const AudioSource& source, Use&& use) {
    AudioBuffer block(source.channels(), kReadFrames, source.sampleRateHz());
    for (std::size_t at = 0; at < source.frames(); at += kReadFrames) {
        const BlockView v = block.view().slice(0, std::min(kReadFrames, source.frames() - at));
        source.read(at, v);
        use(v);
    }
}

std::size_t framesOf(double seconds, double rateHz) {
    return static_cast<std::size_t>(std::llround(std::max(0.0, seconds) * rateHz));
}

double peakDb(double v) { return v > 0 ? 20.0 * std::log10(v) : -999.0; }

// 2nd-order Butterworth high-pass (bilinear, prewarped), TDF-II.
struct HighPass {
    double b0, b1, b2, a1, a2;
    explicit HighPass(double rateHz) {
        const double k = std::tan(std::numbers::pi * kDcHighPassHz / rateHz), n = 1 / (1 + std::numbers::sqrt2 * k + k * k);
        b0 = n, b1 = -2 * n, b2 = n, a1 = 2 * (k * k - 1) * n, a2 = (1 - std::numbers::sqrt2 * k + k * k) * n;
    }
    // State for a constant input x0 held forever (output 0): the filter starts without a step.
    void settle(double x0, double& s1, double& s2) const { s1 = -b0 * x0, s2 = b2 * x0; }
    double run(double x, double& s1, double& s2) const {
        const double y = b0 * x + s1;
        s1 = b1 * x - a1 * y + s2;
        s2 = b2 * x - a2 * y;
        return y;
    }
};

}  // namespace

std::vector<std::string> TrimResult::warnings() const {
    std::vector<std::string> w;
    if (!firstSound) w.push_back("no sound above the trim threshold: the whole file is silence");
    for (const auto& [a, b] : longSilencesS)
        w.push_back(fmt::format("{:.1f} s of silence inside the track, from {:.2f} s to {:.2f} s", b - a, a, b));
    if (startsAbruptly)
        w.push_back(fmt::format("the mix starts without fading in from silence (first 10 ms peak {:.1f} dBFS)", startPeakDbfs));
    if (endsAbruptly)
        w.push_back(fmt::format("the mix ends without fading out to silence (last 10 ms peak {:.1f} dBFS)", endPeakDbfs));
    return w;
}

SoundScan::SoundScan(int channels, double sampleRateHz, std::size_t totalFrames, double thresholdDb, Dc dc)
    : rate_(sampleRateHz), total_(totalFrames), threshold_(std::pow(10.0, thresholdDb / 20.0)), highPass_(dc == Dc::HighPass) {
    hp_.assign(static_cast<std::size_t>(channels), {0.0, 0.0, 0.0});
    window_ = std::max<std::size_t>(1, framesOf(kScanWindowMs * 1e-3, sampleRateHz));
    r_.sampleRateHz = sampleRateHz;
    r_.sourceFrames = totalFrames;
    r_.to = totalFrames;
}

void SoundScan::closeWindow() {
    // The window [at_ - windowFill_, at_) is complete.
    const std::size_t start = at_ - windowFill_;
    if (windowPeak_ > threshold_) {
        if (inSilence_ && heard_ && start - silentSince_ >= framesOf(kLongSilenceS, rate_))
            r_.longSilencesS.emplace_back(static_cast<double>(silentSince_) / rate_, static_cast<double>(start) / rate_);
        inSilence_ = false;
        heard_ = true;
    } else if (!inSilence_) {
        inSilence_ = true;
        silentSince_ = start;
    }
    windowPeak_ = 0;
    windowFill_ = 0;
}

void SoundScan::add(const BlockView& block) {
    // Legend: at_ = source frame of the block's next frame; windowPeak_/windowFill_ = the open
    // 10 ms window; edge peaks over the first and last window of the whole source.
    const std::size_t endEdge = total_ > window_ ? total_ - window_ : 0;
    double startPeak = startPeak_, endPeak = endPeak_;
    const HighPass hp(rate_);
    for (std::size_t f = 0; f < block.frames; ++f) {
        double peak = 0;
        for (int c = 0; c < block.channels; ++c) {
            double x = block.channel(c)[f];
            if (highPass_) {
                auto& st = hp_[static_cast<std::size_t>(c)];
                if (st[2] == 0.0) hp.settle(x, st[0], st[1]), st[2] = 1.0;
                x = hp.run(x, st[0], st[1]);
            }
            peak = std::max(peak, std::abs(x));
        }
        if (peak > threshold_) {
            if (!r_.firstSound) r_.firstSound = at_;
            r_.lastSound = at_;
        }
        if (at_ < window_) startPeak = std::max(startPeak, peak);
        if (at_ >= endEdge) endPeak = std::max(endPeak, peak);
        windowPeak_ = std::max(windowPeak_, peak);
        ++at_;
        if (++windowFill_ == window_) closeWindow();
    }
    startPeak_ = startPeak, endPeak_ = endPeak;
    r_.startPeakDbfs = peakDb(startPeak);
    r_.endPeakDbfs = peakDb(endPeak);
    const double abrupt = std::max(threshold_, std::pow(10.0, kAbruptEdgeDbfs / 20.0));
    r_.startsAbruptly = startPeak > abrupt;
    r_.endsAbruptly = endPeak > abrupt;
}

TrimResult SoundScan::result() const { return r_; }

TrimResult analyseTrim(const AudioSource& source, const TrimParams& p, const std::string& where) {
    const double fs = source.sampleRateHz();
    const std::size_t n = source.frames();
    SoundScan scan(source.channels(), fs, n, p.thresholdDb, p.removeDc ? SoundScan::Dc::HighPass : SoundScan::Dc::Keep);
    std::vector<double> sum(static_cast<std::size_t>(source.channels()), 0.0);
    forEachBlock(source, [&](const BlockView& v) {
        scan.add(v);
        for (int c = 0; c < v.channels; ++c) {
            double s = 0;
            for (std::size_t f = 0; f < v.frames; ++f) s += v.channel(c)[f];
            sum[static_cast<std::size_t>(c)] += s;
        }
    });
    TrimResult r = scan.result();
    if (p.removeDc) {
        for (double& s : sum) s /= static_cast<double>(std::max<std::size_t>(n, 1));
        r.dcOffset = sum;
    }
    const std::size_t keep = framesOf(p.keepMs * 1e-3, fs), minFade = framesOf(kMinFadeMs * 1e-3, fs);
    std::size_t from = 0, to = n;
    if (p.head.automatic) {
        if (r.firstSound) from = *r.firstSound > keep ? *r.firstSound - keep : 0;
    } else {
        from = framesOf(p.head.seconds, fs);
    }
    if (p.tail.automatic) {
        if (r.lastSound) to = std::min(n, *r.lastSound + 1 + keep);
    } else {
        const std::size_t cut = framesOf(p.tail.seconds, fs);
        to = cut < n ? n - cut : 0;
    }
    if (from >= to) {
        throw Error(ErrorKind::Input, where,
                    fmt::format("trim leaves nothing of the track: head cut {:.3f} s, tail cut {:.3f} s of {:.3f} s",
                                static_cast<double>(from) / fs, static_cast<double>(n - std::min(n, to)) / fs,
                                static_cast<double>(n) / fs),
                    "shorten the head/tail cuts");
    }
    r.from = from;
    r.to = to;
    // Fades only at edges the trim made: over the kept margin (silence under the threshold) and
    // at least kMinFadeMs, never longer than half the kept audio.
    const std::size_t half = (to - from) / 2;
    if (from > 0) {
        const std::size_t margin = r.firstSound && *r.firstSound > from ? *r.firstSound - from : 0;
        r.fadeInFrames = std::min(half, std::max(p.head.automatic ? margin : 0, minFade));
    }
    if (to < n) {
        const std::size_t margin = r.lastSound && to > *r.lastSound + 1 ? to - (*r.lastSound + 1) : 0;
        r.fadeOutFrames = std::min(half, std::max(p.tail.automatic ? margin : 0, minFade));
    }
    return r;
}

TrimmedSource::TrimmedSource(const AudioSource& source, TrimResult trim) : source_(source), trim_(std::move(trim)) {
    const auto warm = framesOf(kDcWarmUpS, source.sampleRateHz());
    warmStart_ = trim_.from > warm ? trim_.from - warm : 0;
    state_.assign(static_cast<std::size_t>(source.channels()), {0.0, 0.0});
}

// dst = high-passed source frames [from, from + dst.frames) (source frame numbers, >= warmStart_).
void TrimmedSource::highPass(std::size_t from, const BlockView& dst) const {
    const HighPass hp(source_.sampleRateHz());
    std::lock_guard<std::mutex> lock(mutex_);
    auto runTo = [&](std::size_t at, const BlockView* out) {
        // Reads [next_, at) or the block itself, advancing the state.
        AudioBuffer scratch(dst.channels, std::min<std::size_t>(65536, std::max<std::size_t>(1, at - next_)), source_.sampleRateHz());
        while (next_ < at) {
            const std::size_t n = std::min(scratch.frames(), at - next_);
            const BlockView v = scratch.view().slice(0, n);
            source_.read(next_, v);
            for (int c = 0; c < v.channels; ++c) {
                auto& st = state_[static_cast<std::size_t>(c)];
                for (std::size_t i = 0; i < n; ++i) hp.run(v.channel(c)[i], st[0], st[1]);
            }
            next_ += n;
        }
        if (!out) return;
        source_.read(next_, *out);
        for (int c = 0; c < out->channels; ++c) {
            auto& st = state_[static_cast<std::size_t>(c)];
            float* x = out->channel(c);
            for (std::size_t i = 0; i < out->frames; ++i) x[i] = static_cast<float>(hp.run(x[i], st[0], st[1]));
        }
        next_ += out->frames;
    };
    if (!started_ || from < next_) {  // (re)start at warmStart_, settled on its first frame
        AudioBuffer first(dst.channels, 1, source_.sampleRateHz());
        source_.read(warmStart_, first.view());
        for (int c = 0; c < dst.channels; ++c)
            hp.settle(first.samples[static_cast<std::size_t>(c)][0], state_[static_cast<std::size_t>(c)][0], state_[static_cast<std::size_t>(c)][1]);
        next_ = warmStart_;
        started_ = true;
    }
    runTo(from, nullptr);
    runTo(from, &dst);
}

void TrimmedSource::read(std::size_t from, const BlockView& dst) const {
    const std::size_t len = frames();
    // Read what lies inside [0, len) from the source, zeros past it.
    const std::size_t have = from < len ? std::min(dst.frames, len - from) : 0;
    if (have > 0) {
        if (trim_.dcOffset.empty())
            source_.read(trim_.from + from, dst.slice(0, have));
        else
            highPass(trim_.from + from, dst.slice(0, have));
    }
    for (int c = 0; c < dst.channels; ++c) {
        float* x = dst.channel(c);
        for (std::size_t i = 0; i < have; ++i) {
            const std::size_t k = from + i;  // frame of the trimmed track
            double g = 1.0;
            // Raised cosine: 0.5 - 0.5·cos(π·(k + 0.5)/n), no step at either end of the fade.
            if (k < trim_.fadeInFrames)
                g *= 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(k) + 0.5) / static_cast<double>(trim_.fadeInFrames));
            const std::size_t back = len - 1 - k;
            if (back < trim_.fadeOutFrames)
                g *= 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(back) + 0.5) / static_cast<double>(trim_.fadeOutFrames));
            if (g != 1.0) x[i] = static_cast<float>(static_cast<double>(x[i]) * g);
        }
        for (std::size_t i = have; i < dst.frames; ++i) x[i] = 0.0f;
    }
}

}  // namespace lacquer::sequence
