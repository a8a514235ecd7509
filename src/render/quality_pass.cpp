// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/quality_pass.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/eq/design.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/reverb/ir.hpp"
#include "render/loudness_solve.hpp"

namespace lacquer::render {
using nlohmann::json;

namespace {

json optJson(const std::optional<double>& v, int decimals = 2) { return report::numberOrNull(v, decimals); }

json bandsJson(const std::vector<std::optional<double>>& v, int decimals = 2) {
    json a = json::array();
    for (const auto& x : v) a.push_back(optJson(x, decimals));
    return a;
}

json statsJson(const loudness::SoundStats& s) {
    return {{"integrated_lufs", optJson(s.loudness.integratedLufs)},
            {"loudness_range_lu", optJson(s.loudness.loudnessRangeLu)},
            {"true_peak_dbtp", optJson(s.loudness.truePeakDbtp)},
            {"plr_db", optJson(s.plrDb)},
            {"side_to_mid_db", optJson(s.sideToMidDb)},
            {"correlation", optJson(s.correlation, 3)},
            {"worst_1s_correlation", optJson(s.worstCorrelation, 3)},
            {"worst_1s_correlation_at_s", optJson(s.worstCorrelationAtS, 1)},
            {"balance_db", optJson(s.balanceDb)},
            {"mono_fold_loss_db", optJson(s.monoFoldLossDb)},
            {"dc_dbfs", optJson(s.dcDbfs, 1)},
            {"octave_db", bandsJson(s.octaveDb)}};
}

std::optional<double> diff(const std::optional<double>& a, const std::optional<double>& b) {
    if (!a || !b) return std::nullopt;
    return *a - *b;
}

}  // namespace

void describeChain(const ChainParams& chain, const AudioBuffer* ir, double rateHz, int channels, ProcessedTrack& out) {
    const auto edges = loudness::octaveEdgesHz();
    // The EQ's request per octave band: the power mean of its requested curve at 8 points per band.
    out.eqOctaveDb.clear();
    for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
        if (edges[b + 1] > rateHz / 2) {
            out.eqOctaveDb.emplace_back();
            continue;
        }
        double p = 0;
        for (int k = 0; k < 8; ++k) {
            const double f = edges[b] * std::pow(2.0, (k + 0.5) / 8.0);
            p += std::pow(10.0, eq::requestedGainDb(chain.eq, f) / 10.0) / 8.0;
        }
        out.eqOctaveDb.push_back(10.0 * std::log10(p));
    }
    out.multibandMeanReductionDb.clear();
    for (const auto& trace : out.multibandTraceDb) {
        double sum = 0;
        for (float g : trace) sum += g;
        out.multibandMeanReductionDb.push_back(trace.empty() ? 0.0 : sum / static_cast<double>(trace.size()));
    }
    out.reverbWetFlatDb.reset();
    out.reverbWetRealisedDb.reset();
    if (!chain.reverb || !ir || chain.reverb->mix <= 0) return;
    const auto wet = reverb::prepareWet(*chain.reverb, *ir, rateHz, channels);
    if (wet.empty()) return;
    // Flat spectrum: the mean in-band power gain over channels. This track: the wet path's power
    // gain per octave band weighted by the source's octave-band power (exact for stationary
    // sources; an estimate for music, whose spectrum changes over time).
    double flat = 0;
    std::vector<double> gains(edges.size() - 1, 0.0);
    for (const auto& h : wet) {
        flat += reverb::inBandPowerGain(h, rateHz) / static_cast<double>(wet.size());
        const auto g = reverb::bandPowerGains(h, rateHz, edges);
        for (std::size_t b = 0; b < g.size(); ++b) gains[b] += g[b] / static_cast<double>(wet.size());
    }
    if (flat > 0) out.reverbWetFlatDb = 10.0 * std::log10(flat);
    double num = 0, den = 0;
    for (std::size_t b = 0; b < gains.size() && b < out.sourceStats.octaveDb.size(); ++b)
        if (out.sourceStats.octaveDb[b]) {
            const double p = std::pow(10.0, *out.sourceStats.octaveDb[b] / 10.0);
            num += p * gains[b];
            den += p;
        }
    if (num > 0 && den > 0) out.reverbWetRealisedDb = 10.0 * std::log10(num / den);
}

void addQuality(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                const std::vector<ProcessedTrack>& processed, const std::vector<loudness::SoundStats>& masterStats,
                const std::optional<double>& albumLufs, json& v) {
    const double rate = master.timeline->sampleRateHz();
    const std::size_t n = plan.tracks.size();
    const std::size_t tracePeriod = limiterPlotBuckets(rate) * kTraceFrames;
    json& checksJson = v["checks"];
    for (std::size_t i = 0; i < n && i < processed.size() && i < masterStats.size(); ++i) {
        const auto& t = plan.tracks[i];
        const auto& p = processed[i];
        checks::TrackFacts f;
        f.number = t.number;
        f.title = t.title;
        f.source = p.sourceStats;
        f.master = masterStats[i];
        f.sourceClips = p.sourceClips;
        f.designedEqOctaveDb = p.eqOctaveDb;
        f.bandMaxGrDb = p.multibandMaxReductionDb;
        f.loudnessOffsetLu = t.loudnessOffsetLu;
        if (variant.loudness.mode == LoudnessMode::Album) f.albumLufs = albumLufs;
        // The limiter: its maximum over the track, and the mean of its ~0.1 s maxima over the track.
        if (variant.limiter) {
            f.limiterMaxGrDb = master.limiterMaxGrDb[i];
            if (!master.limiterTraceDb.empty() && tracePeriod > 0) {
                const std::size_t from = master.marks[i] / tracePeriod, to = std::min(master.limiterTraceDb.size(), master.fileEnd(i) / tracePeriod + 1);
                double sum = 0;
                for (std::size_t k = from; k < to; ++k) sum += master.limiterTraceDb[k];
                if (to > from) f.limiterMeanGrDb = sum / static_cast<double>(to - from);
            }
        }
        // Edges on the timeline as heard: the track's start and the end of its own audio.
        const std::size_t start = master.marks[i], end = master.marks[i] + master.trackFrames[i];
        f.edges.push_back({"start", 0.0, checks::measureEdge(*master.timeline, start)});
        f.edges.push_back({i + 1 < n && t.crossfadeS > 0 ? "end of the crossfade" : "end", static_cast<double>(end - start) / rate,
                           checks::measureEdge(*master.timeline, end)});
        // Lossy round trips (streaming variants), against max_decoded_dbtp (the ceiling unless set).
        if (v.contains("streaming") && !variant.lowerCeilingForCodecs)
            for (const auto& c : v["streaming"]["codec"])
                if (c.value("number", 0) == t.number)
                    for (const char* k : {"vorbis_true_peak_dbtp", "opus_true_peak_dbtp"})
                        if (c.contains(k) && c[k].is_number())
                            f.lossyTruePeakDbtp = std::max(f.lossyTruePeakDbtp.value_or(-1e9), c[k].get<double>());
        if (f.lossyTruePeakDbtp) {
            f.ceilingDbtp = variant.maxDecodedDbtp;
            // The round trip's own entry keeps its figures; whether an over is a warning, a
            // failure or nothing is this check's level (quality.lossy_true_peak), said once.
            const std::string name = "track " + std::to_string(t.number) + " (" + t.title + ") lossy headroom";
            for (auto& c : checksJson)
                if (c.value("name", "") == name) c.erase("severity");
        }

        // report.json: what the chain did.
        json effect = {{"source", statsJson(f.source)}, {"master", statsJson(f.master)}};
        effect["change"] = {{"loudness_lu", optJson(diff(f.master.loudness.integratedLufs, f.source.loudness.integratedLufs))},
                            {"loudness_range_lu", optJson(diff(f.master.loudness.loudnessRangeLu, f.source.loudness.loudnessRangeLu))},
                            {"plr_db", optJson(diff(f.master.plrDb, f.source.plrDb))},
                            {"side_to_mid_db", optJson(diff(f.master.sideToMidDb, f.source.sideToMidDb))}};
        std::vector<std::optional<double>> change;
        for (std::size_t b = 0; b < f.master.octaveDb.size() && b < f.source.octaveDb.size(); ++b)
            change.push_back(diff(f.master.octaveDb[b], f.source.octaveDb[b]));
        effect["octave_centres_hz"] = loudness::octaveCentresHz();
        effect["octave_change_db"] = bandsJson(change);
        effect["eq_requested_octave_db"] = bandsJson(f.designedEqOctaveDb);
        effect["unasked_octave_shift_db"] = bandsJson(checks::unaskedShiftDb(f));
        effect["limiter"] = {{"max_gain_reduction_db", optJson(f.limiterMaxGrDb)},
                             {"mean_gain_reduction_db", optJson(f.limiterMeanGrDb)}};
        json bands = json::array();
        for (std::size_t b = 0; b < p.multibandMaxReductionDb.size(); ++b)
            bands.push_back({{"band", b + 1},
                             {"max_gain_reduction_db", optJson(p.multibandMaxReductionDb[b])},
                             {"mean_gain_reduction_db",
                              optJson(b < p.multibandMeanReductionDb.size() ? std::optional<double>(p.multibandMeanReductionDb[b]) : std::nullopt)}});
        effect["multiband"] = bands;
        const auto& chain = variant.trackChains.size() == n ? variant.trackChains[i] : t.chain;
        if (chain.reverb)
            effect["reverb"] = {{"mix", chain.reverb->mix},
                                {"mix_db", optJson(chain.reverb->mix > 0 ? std::optional<double>(20.0 * std::log10(chain.reverb->mix)) : std::nullopt)},
                                {"wet_to_dry_flat_db", optJson(p.reverbWetFlatDb)},
                                {"wet_to_dry_realised_db", optJson(p.reverbWetRealisedDb)}};
        json edges = json::array();
        for (const auto& e : f.edges)
            edges.push_back({{"where", e.where}, {"at_s", optJson(e.atS, 3)}, {"step_dbfs", optJson(e.step.stepDbfs, 1)},
                             {"music_step_dbfs", optJson(e.step.musicDbfs, 1)}});
        effect["edges"] = edges;
        effect["source_flat_top_runs"] = p.sourceClips.runs;
        if (i < v["tracks"].size()) v["tracks"][i]["chain_effect"] = effect;

        for (const auto& finding : checks::evaluate(f, plan.checks)) {
            json c = checks::toJson(checks::toCheck(finding));
            c["track"] = finding.track;
            c["at_s"] = optJson(finding.atS, 1);
            c["figure"] = optJson(finding.figure);
            c["threshold"] = optJson(finding.threshold);
            checksJson.push_back(c);
        }
    }
    json levels = json::object();
    for (std::size_t k = 0; k < checks::kCheckCount; ++k) {
        const auto level = plan.checks.level[k];
        levels[std::string(checks::checkKey(static_cast<checks::Quality>(k)))] =
            level == checks::Level::Off ? "off" : level == checks::Level::Warn ? "warn" : "fail";
    }
    v["quality"] = {{"levels", levels}};
}

}  // namespace lacquer::render
