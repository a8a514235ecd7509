// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/checks/quality.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

namespace lacquer::checks {
namespace {

std::string f1(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v + 0.0);
    return b;
}
std::string f2(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v + 0.0);
    return b;
}
std::string hz(double f) { return f >= 1000 ? f1(f / 1000) + " kHz" : std::to_string(static_cast<int>(std::lround(f))) + " Hz"; }

double stepDb(double v) { return v > 0 ? std::max(-200.0, 20.0 * std::log10(v)) : -200.0; }

}  // namespace

std::string Finding::line() const {
    std::string where = track > 0 ? "track " + std::to_string(track) + " (" + title + ")" : std::string("album");
    if (atS) where += " at " + f1(*atS) + " s";
    return where + ": " + detail;
}

Check toCheck(const Finding& f) {
    const std::string key(checkKey(f.check));
    Check c = f.level == Level::Fail ? judged("quality." + key, f.track, "quality: " + key, false, f.line())
                                     : warning("quality." + key, f.track, "quality: " + key, f.line());
    return c;
}

// ---------------------------------------------------------------------------------------------

ClipDetector::ClipDetector(int channels, double sampleRateHz)
    : rateHz_(sampleRateHz), last_(static_cast<std::size_t>(channels), 0.0f),
      runLength_(static_cast<std::size_t>(channels), 0), runStart_(static_cast<std::size_t>(channels), 0) {}

void ClipDetector::closeRun(int c) {
    const auto ci = static_cast<std::size_t>(c);
    const double level = std::abs(static_cast<double>(last_[ci]));
    const double near = peak_ * std::pow(10.0, -kThresholds.clipNearPeakDb / 20.0);
    if (runLength_[ci] >= kThresholds.clipRunSamples && level > 0 && level >= near) {
        // Runs at one level are merged: a clipped mix has thousands at the same clip level.
        auto it = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.level == level; });
        if (it == runs_.end()) {
            runs_.push_back({level, 1, runStart_[ci]});
            longest_.push_back(runLength_[ci]);
        } else {
            ++it->length;  // here: the number of runs at this level
            it->at = std::min(it->at, runStart_[ci]);
            auto& l = longest_[static_cast<std::size_t>(it - runs_.begin())];
            l = std::max(l, runLength_[ci]);
        }
    }
}

void ClipDetector::add(const BlockView& block) {
    assert(static_cast<std::size_t>(block.channels) == last_.size());
    for (std::size_t i = 0; i < block.frames; ++i) {
        for (int c = 0; c < block.channels; ++c) {
            const auto ci = static_cast<std::size_t>(c);
            const float x = block.channel(c)[i];
            const double a = std::abs(static_cast<double>(x));
            if (a > peak_) {
                peak_ = a;
                // Runs below the new peak's window no longer count.
                const double near = peak_ * std::pow(10.0, -kThresholds.clipNearPeakDb / 20.0);
                for (std::size_t k = runs_.size(); k-- > 0;)
                    if (runs_[k].level < near) {
                        runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(k));
                        longest_.erase(longest_.begin() + static_cast<std::ptrdiff_t>(k));
                    }
            }
            if (frames_ + i > 0 && x == last_[ci]) {
                ++runLength_[ci];
            } else {
                if (frames_ + i > 0) closeRun(c);
                runLength_[ci] = 1;
                runStart_[ci] = frames_ + i;
            }
            last_[ci] = x;
        }
    }
    frames_ += block.frames;
}

ClipDetector::Result ClipDetector::result() const {
    ClipDetector copy = *this;
    for (int c = 0; c < static_cast<int>(last_.size()); ++c) copy.closeRun(c);
    Result r;
    r.peakDbfs = stepDb(peak_);
    for (std::size_t k = 0; k < copy.runs_.size(); ++k) {
        r.runs += copy.runs_[k].length;
        const double at = static_cast<double>(copy.runs_[k].at) / rateHz_;
        if (!r.firstAtS || at < *r.firstAtS) r.firstAtS = at;
        r.longestRun = std::max(r.longestRun, copy.longest_[k]);
    }
    return r;
}

EdgeStep measureEdge(const AudioSource& timeline, std::size_t at) {
    const auto ctx = static_cast<std::size_t>(std::lround(kThresholds.clickContextMs * 1e-3 * timeline.sampleRateHz()));
    // Frames [at - ctx - 1, at + ctx], zeros outside the source.
    const std::size_t from = at > ctx + 1 ? at - ctx - 1 : 0;
    const std::size_t lead = ctx + 1 - (at - from);  // zeros before the source's start
    const std::size_t to = std::min(at + ctx + 1, timeline.frames());
    std::vector<std::vector<float>> x(static_cast<std::size_t>(timeline.channels()), std::vector<float>(2 * ctx + 2, 0.0f));
    if (to > from) {
        AudioBuffer buf(timeline.channels(), to - from, timeline.sampleRateHz());
        timeline.read(from, buf.view());
        for (std::size_t c = 0; c < x.size(); ++c)
            std::copy(buf.samples[c].begin(), buf.samples[c].end(), x[c].begin() + static_cast<std::ptrdiff_t>(lead));
    }
    // x[c][ctx + 1] is frame `at`; the edge's step is x[ctx + 1] - x[ctx].
    double step = 0, music = 0;
    for (const auto& ch : x)
        for (std::size_t i = 1; i < ch.size(); ++i) {
            const double d = std::abs(static_cast<double>(ch[i]) - ch[i - 1]);
            if (i == ctx + 1) step = std::max(step, d);
            else music = std::max(music, d);
        }
    return {stepDb(step), stepDb(music)};
}

// ---------------------------------------------------------------------------------------------

std::vector<std::optional<double>> unaskedShiftDb(const TrackFacts& t) {
    const std::size_t bands = t.source.octaveDb.size();
    std::vector<std::optional<double>> out(bands);
    std::vector<std::size_t> judged;
    for (std::size_t b = 0; b < bands; ++b)
        if (t.source.octaveDb[b] && *t.source.octaveDb[b] > kThresholds.tonalFloorDbfs && b < t.master.octaveDb.size() &&
            t.master.octaveDb[b] && b < t.designedEqOctaveDb.size() && t.designedEqOctaveDb[b])
            judged.push_back(b);
    if (judged.size() < 2) return out;
    double meanChange = 0, meanEq = 0;
    for (std::size_t b : judged) {
        meanChange += *t.master.octaveDb[b] - *t.source.octaveDb[b];
        meanEq += *t.designedEqOctaveDb[b];
    }
    meanChange /= static_cast<double>(judged.size());
    meanEq /= static_cast<double>(judged.size());
    for (std::size_t b : judged)
        out[b] = (*t.master.octaveDb[b] - *t.source.octaveDb[b] - meanChange) - (*t.designedEqOctaveDb[b] - meanEq);
    return out;
}

std::vector<Finding> evaluate(const TrackFacts& t, const Config& config, const Thresholds& th) {
    std::vector<Finding> out;
    auto add = [&](Quality c, std::optional<double> atS, double figure, double threshold, std::string detail) {
        if (config[c] == Level::Off) return;
        out.push_back({c, config[c], t.number, t.title, atS, figure, threshold, std::move(detail)});
    };
    const bool stereo = t.master.channels == 2 && t.source.channels == 2;

    if (stereo && t.master.worstCorrelation && *t.master.worstCorrelation < th.minWindowCorrelation)
        add(Quality::MonoCompatibility, t.master.worstCorrelationAtS, *t.master.worstCorrelation, th.minWindowCorrelation,
            "mono compatibility: inter-channel correlation " + f2(*t.master.worstCorrelation) + " over 1 s (limit " +
                f2(th.minWindowCorrelation) + "): out-of-phase content cancels in mono");
    else if (stereo && t.master.monoFoldLossDb && *t.master.monoFoldLossDb > th.maxMonoFoldLossDb)
        add(Quality::MonoCompatibility, std::nullopt, *t.master.monoFoldLossDb, th.maxMonoFoldLossDb,
            "mono compatibility: folded to mono the master loses " + f1(*t.master.monoFoldLossDb) + " dB (limit " +
                f1(th.maxMonoFoldLossDb) + " dB)");

    const bool monoSource = stereo && (!t.source.sideToMidDb || *t.source.sideToMidDb < th.monoSourceSideToMidDb);
    if (stereo && !monoSource && t.master.sideToMidDb) {
        const double grown = *t.master.sideToMidDb - *t.source.sideToMidDb;
        if (grown > th.maxWidthGrowthDb)
            add(Quality::WidthGrown, std::nullopt, grown, th.maxWidthGrowthDb,
                "stereo width grew " + f1(grown) + " dB over the source (side/mid " + f1(*t.source.sideToMidDb) + " → " +
                    f1(*t.master.sideToMidDb) + " dB; limit " + f1(th.maxWidthGrowthDb) + " dB)");
    }
    if (monoSource && t.master.balanceDb && std::abs(*t.master.balanceDb) > th.maxBalanceDb)
        add(Quality::MonoSourceOffCentre, std::nullopt, *t.master.balanceDb, th.maxBalanceDb,
            "mono source no longer centred: left/right " + f2(*t.master.balanceDb) + " dB apart (limit ±" +
                f2(th.maxBalanceDb) + " dB)");

    if (t.limiterMaxGrDb && *t.limiterMaxGrDb > th.maxLimiterPeakGrDb)
        add(Quality::HeavyCompression, std::nullopt, *t.limiterMaxGrDb, th.maxLimiterPeakGrDb,
            "limiter peak gain reduction " + f1(*t.limiterMaxGrDb) + " dB (limit " + f1(th.maxLimiterPeakGrDb) + " dB)");
    else if (t.limiterMeanGrDb && *t.limiterMeanGrDb > th.maxLimiterMeanGrDb)
        add(Quality::HeavyCompression, std::nullopt, *t.limiterMeanGrDb, th.maxLimiterMeanGrDb,
            "limiter mean gain reduction " + f1(*t.limiterMeanGrDb) + " dB (limit " + f1(th.maxLimiterMeanGrDb) + " dB)");
    for (std::size_t b = 0; b < t.bandMaxGrDb.size(); ++b)
        if (t.bandMaxGrDb[b] > th.maxBandPeakGrDb)
            add(Quality::HeavyCompression, std::nullopt, t.bandMaxGrDb[b], th.maxBandPeakGrDb,
                "multiband band " + std::to_string(b + 1) + " peak gain reduction " + f1(t.bandMaxGrDb[b]) + " dB (limit " +
                    f1(th.maxBandPeakGrDb) + " dB)");

    const auto shift = unaskedShiftDb(t);
    const auto centres = loudness::octaveCentresHz();
    std::optional<std::size_t> worst;
    for (std::size_t b = 0; b < shift.size(); ++b)
        if (shift[b] && std::abs(*shift[b]) > th.maxUnaskedShiftDb && (!worst || std::abs(*shift[b]) > std::abs(*shift[*worst])))
            worst = b;
    if (worst)
        add(Quality::TonalShift, std::nullopt, *shift[*worst], th.maxUnaskedShiftDb,
            "tonal shift the EQ did not ask for: the " + hz(centres[*worst]) + " octave moved " + f1(*shift[*worst]) +
                " dB beyond the EQ's curve (limit ±" + f1(th.maxUnaskedShiftDb) + " dB)");

    if (t.albumLufs && t.master.loudness.integratedLufs) {
        const double dev = *t.master.loudness.integratedLufs - *t.albumLufs - t.loudnessOffsetLu;
        if (std::abs(dev) > th.maxAlbumDeviationLu)
            add(Quality::AlbumLevel, std::nullopt, dev, th.maxAlbumDeviationLu,
                "album level: " + f1(*t.master.loudness.integratedLufs) + " LUFS is " + f1(dev) + " LU from the album's " +
                    f1(*t.albumLufs) + " LUFS plus its loudness_offset_lu " + f1(t.loudnessOffsetLu) + " (limit ±" +
                    f1(th.maxAlbumDeviationLu) + " LU): set loudness_offset_lu if intended, or check the mix");
    }

    // The master is judged (what ships); a source's DC that the chain's high-pass removed is harmless.
    if (t.master.dcDbfs > th.maxDcDbfs)
        add(Quality::DcOffset, std::nullopt, t.master.dcDbfs, th.maxDcDbfs,
            "DC offset " + f1(t.master.dcDbfs) + " dBFS in the master (source " + f1(t.source.dcDbfs) + " dBFS; limit " +
                f1(th.maxDcDbfs) + " dBFS): add a high-pass to the chain");

    if (t.sourceClips.runs > 0)
        add(Quality::ClippedSource, t.sourceClips.firstAtS, static_cast<double>(t.sourceClips.runs), 0,
            "the source looks clipped: " + std::to_string(t.sourceClips.runs) + " flat-topped run(s) of " +
                std::to_string(th.clipRunSamples) + "+ identical samples at its peak (" + f2(t.sourceClips.peakDbfs) +
                " dBFS; longest " + std::to_string(t.sourceClips.longestRun) + "): ask for an unclipped mix");

    for (const auto& e : t.edges) {
        const double over = e.step.stepDbfs - e.step.musicDbfs;
        if (e.step.stepDbfs > th.clickFloorDbfs && over > 20.0 * std::log10(th.clickRatio))
            add(Quality::Clicks, e.atS, e.step.stepDbfs, th.clickFloorDbfs,
                "click at the " + e.where + ": a step of " + f1(e.step.stepDbfs) + " dBFS, " + f1(over) +
                    " dB over the music's own largest step nearby (limit " + f1(20.0 * std::log10(th.clickRatio)) +
                    " dB over, above " + f1(th.clickFloorDbfs) + " dBFS): fade it");
    }

    if (t.lossyTruePeakDbtp && t.ceilingDbtp && *t.lossyTruePeakDbtp > *t.ceilingDbtp)
        add(Quality::LossyTruePeak, std::nullopt, *t.lossyTruePeakDbtp, *t.ceilingDbtp,
            "true peak " + f2(*t.lossyTruePeakDbtp) + " dBTP after an Ogg Vorbis/Opus round trip, over the " +
                f2(*t.ceilingDbtp) + " dBTP ceiling: set codec_headroom: { mode: lower }");
    return out;
}

}  // namespace lacquer::checks
