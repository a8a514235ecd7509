// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/plots.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "lacquer/checks/check.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/report/report.hpp"

namespace lacquer::report {
using nlohmann::json;

// Data for report.html's plots and tables (docs/report.md): short-term loudness of the written
// timeline, limiter gain reduction, spectra before/after, the timeline, and the sheets.
void addPlotData(const AlbumPlan& plan, const VariantPlan& variant, const PlotFacts& facts, json& v) {
    const double rate = facts.rateHz;
    const double durationS = static_cast<double>(facts.timelineFrames) / rate;
    const auto& processed = facts.tracks;
    json plots;
    plots["short_term_lufs"] = facts.shortTermLufs;
    if (!facts.limiterTraceDb.empty()) {
        // The trace holds one value per plot period already (period_s: limiterTracePeriodS).
        json trace = maxPerPeriodJson(facts.limiterTraceDb, 1.0, 1.0);
        trace["period_s"] = facts.limiterTracePeriodS;
        plots["limiter_gain_reduction_db"] = trace;
    }
    // Multiband gain reduction over the album timeline, 0.5 s resolution, per band: each track's
    // trace placed at its position (overlapping crossfades take the larger value).
    if (!processed.empty() && processed[0].multibandTraceDb && !processed[0].multibandTraceDb->empty()) {
        constexpr double kPeriodS = 0.5;
        const auto buckets = static_cast<std::size_t>(std::ceil(durationS / kPeriodS)) + 1;
        const std::size_t bands = processed[0].multibandTraceDb->size();
        std::vector<std::vector<float>> grid(bands, std::vector<float>(buckets, 0.0f));
        for (std::size_t i = 0; i < processed.size(); ++i) {
            const auto& p = processed[i];
            const double startS = static_cast<double>(facts.marks[i]) / rate;
            if (!p.multibandTraceDb) continue;
            const auto& traces = *p.multibandTraceDb;
            for (std::size_t b = 0; b < std::min(bands, traces.size()); ++b)
                for (std::size_t k = 0; k < traces[b].size(); ++k) {
                    const auto at = static_cast<std::size_t>((startS + static_cast<double>(k) * p.multibandTraceS) / kPeriodS);
                    if (at < buckets) grid[b][at] = std::max(grid[b][at], traces[b][k]);
                }
        }
        json bandsJ = json::array();
        const auto* mb = plan.albumChain.multiband ? &*plan.albumChain.multiband : nullptr;
        for (std::size_t b = 0; b < bands; ++b) {
            std::string label = "band " + std::to_string(b + 1);
            if (mb && mb->crossoversHz.size() + 1 == bands) {
                const auto hz = [](double f) { return f >= 1000 ? checks::fmt2(f / 1000).substr(0, checks::fmt2(f / 1000).find('.') + 2) + " kHz" : std::to_string(static_cast<int>(f)) + " Hz"; };
                label = b == 0 ? "< " + hz(mb->crossoversHz[0]) : b + 1 == bands ? "> " + hz(mb->crossoversHz[b - 1]) : hz(mb->crossoversHz[b - 1]) + "–" + hz(mb->crossoversHz[b]);
            }
            json values = json::array();
            for (float g : grid[b]) values.push_back(numberOrNull(g, 2));
            bandsJ.push_back({{"label", label}, {"values", values}});
        }
        plots["multiband_gain_reduction_db"] = {{"period_s", kPeriodS}, {"bands", bandsJ}};
    }
    loudness::SpectrumAverager before(plan.processingRateHz);
    for (const auto& p : processed)
        if (p.sourceSpectrum) before.merge(*p.sourceSpectrum);
    plots["spectrum_db"] = spectrumJson(before, *facts.spectrumAfter);
    v["plots"] = plots;

    json timeline = json::array();
    for (std::size_t i = 0; i < plan.tracks.size(); ++i) {
        const auto& t = plan.tracks[i];
        // Where the track's audio starts on the timeline (for a CD, without the 2 s lead-in).
        json e = {{"number", t.number}, {"start_s", numberOrNull(static_cast<double>(facts.marks[i]) / rate, 6)},
                  {"duration_s", numberOrNull(static_cast<double>(facts.trackFrames[i]) / rate, 6)},
                  {"crossfade_in_s", i > 0 ? plan.tracks[i - 1].crossfadeS : 0.0},
                  {"gap_after_s", t.crossfadeS > 0 || i + 1 == plan.tracks.size() ? 0.0 : t.gapAfterS.value_or(plan.sequence.gapS)}};
        if (v.contains("cd")) {
            // CD index marks, in seconds on the timeline the plot draws (lead-in excluded).
            json marks = json::array();
            for (const auto& row : v["cd"]["pq_sheet"])
                if (row["track"] == t.number && row["sector"].get<std::int64_t>() >= delivery::kLeadInSectors)
                    marks.push_back(numberOrNull(static_cast<double>(row["sector"].get<std::int64_t>() - delivery::kLeadInSectors) /
                                                             static_cast<double>(delivery::kSectorsPerSecond), 3));
            e["index_s"] = marks;
        }
        if (v.contains("vinyl"))
            for (const auto& side : v["vinyl"]["sides"])
                for (int n : side["tracks"])
                    if (n == t.number) e["side"] = side["side"];
        timeline.push_back(e);
    }
    v["timeline"] = timeline;
    v["settings"] = {{"loudness", {{"mode", variant.loudness.mode == LoudnessMode::Album ? "album" : "track"},
                                   {"target_lufs", variant.loudness.targetLufs},
                                   {"max_limiting_db", variant.loudness.maxLimitingDb}}},
                     {"limiter", variant.limiter ? json{{"ceiling_dbtp", variant.limiter->ceilingDbtp},
                                                         {"lookahead_ms", variant.limiter->lookaheadMs},
                                                         {"release_ms", variant.limiter->releaseMs}}
                                                 : json("off")},
                     {"mono_bass_hz", variant.monoBassHz}};
    if (v.contains("streaming")) {
        json rows = json::array();
        for (const auto& svc : v["streaming"]["playback"])
            for (const auto& t : svc["tracks"]) {
                json row = {{"service", svc["service"]}, {"track", t["number"]}};
                for (const auto& [k, val] : t.items())
                    if (k != "number") row[k] = val;
                rows.push_back(row);
            }
        v["playback_simulation"] = rows;
    }
    if (v.contains("vinyl")) v["cutting_sheet"] = v["vinyl"]["cutting_sheet"];
    if (v.contains("cd")) v["pq_sheet"] = v["cd"]["pq_sheet"];
}

}  // namespace lacquer::report
