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

SoundScan::SoundScan(int channels, double sampleRateHz, std::size_t totalFrames, double thresholdDb,
                     std::vector<double> dcOffset)
    : rate_(sampleRateHz), total_(totalFrames), threshold_(std::pow(10.0, thresholdDb / 20.0)), dc_(std::move(dcOffset)) {
    if (dc_.empty()) dc_.assign(static_cast<std::size_t>(channels), 0.0);
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
    for (std::size_t f = 0; f < block.frames; ++f) {
        double peak = 0;
        for (int c = 0; c < block.channels; ++c)
            peak = std::max(peak, std::abs(static_cast<double>(block.channel(c)[f]) - dc_[static_cast<std::size_t>(c)]));
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
    r_.startsAbruptly = startPeak > threshold_;
    r_.endsAbruptly = endPeak > threshold_;
}

TrimResult SoundScan::result() const {
    TrimResult r = r_;
    if (std::any_of(dc_.begin(), dc_.end(), [](double d) { return d != 0.0; })) r.dcOffset = dc_;
    return r;
}

TrimResult analyseTrim(const AudioSource& source, const TrimParams& p, const std::string& where) {
    const double fs = source.sampleRateHz();
    const std::size_t n = source.frames();
    std::vector<double> dc;
    if (p.removeDc && n > 0) {
        std::vector<double> sum(static_cast<std::size_t>(source.channels()), 0.0);
        forEachBlock(source, [&](const BlockView& v) {
            for (int c = 0; c < v.channels; ++c) {
                double s = 0;
                for (std::size_t f = 0; f < v.frames; ++f) s += v.channel(c)[f];
                sum[static_cast<std::size_t>(c)] += s;
            }
        });
        for (double& s : sum) s /= static_cast<double>(n);
        dc = sum;
    }
    SoundScan scan(source.channels(), fs, n, p.thresholdDb, dc);
    forEachBlock(source, [&](const BlockView& v) { scan.add(v); });
    TrimResult r = scan.result();
    if (p.removeDc) r.dcOffset = dc.empty() ? std::vector<double>(static_cast<std::size_t>(source.channels()), 0.0) : dc;

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

void TrimmedSource::read(std::size_t from, const BlockView& dst) const {
    const std::size_t len = frames();
    // Read what lies inside [0, len) from the source, zeros past it.
    const std::size_t have = from < len ? std::min(dst.frames, len - from) : 0;
    if (have > 0) source_.read(trim_.from + from, dst.slice(0, have));
    for (int c = 0; c < dst.channels; ++c) {
        float* x = dst.channel(c);
        const double dc = trim_.dcOffset.empty() ? 0.0 : trim_.dcOffset[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < have; ++i) {
            const std::size_t k = from + i;  // frame of the trimmed track
            double g = 1.0;
            // Raised cosine: 0.5 - 0.5·cos(π·(k + 0.5)/n), no step at either end of the fade.
            if (k < trim_.fadeInFrames)
                g *= 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(k) + 0.5) / static_cast<double>(trim_.fadeInFrames));
            const std::size_t back = len - 1 - k;
            if (back < trim_.fadeOutFrames)
                g *= 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(back) + 0.5) / static_cast<double>(trim_.fadeOutFrames));
            x[i] = static_cast<float>((static_cast<double>(x[i]) - dc) * g);
        }
        for (std::size_t i = have; i < dst.frames; ++i) x[i] = 0.0f;
    }
}

}  // namespace lacquer::sequence
