// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The data behind report.html's plots and tables of one variant (docs/report.md): short-term
// loudness of the written timeline, limiter and multiband gain reduction, spectra before and
// after, the timeline with CD index marks and vinyl sides, the settings and the sheets.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "lacquer/manifest/plan.hpp"
#include "lacquer/report/html.hpp"

namespace lacquer::report {

// What the render measured on the way, for the plots (no audio: traces and spectra only).
struct PlotFacts {
    double rateHz = 0;                    // the variant's timeline
    std::size_t timelineFrames = 0;
    std::vector<std::size_t> marks;       // where each track's file starts on the timeline
    std::vector<std::size_t> trackFrames; // each track's own length
    nlohmann::json shortTermLufs;         // plots.short_term_lufs
    std::vector<float> limiterTraceDb;    // one value per limiterTracePeriodS; empty without a limiter
    double limiterTracePeriodS = 0;
    struct Track {
        const std::vector<std::vector<float>>* multibandTraceDb = nullptr;  // per band; null or empty: none
        double multibandTraceS = 0;
        const loudness::SpectrumAverager* sourceSpectrum = nullptr;  // at the processing rate
    };
    std::vector<Track> tracks;
    const loudness::SpectrumAverager* spectrumAfter = nullptr;  // of the quantised timeline
};

// Adds "plots", "timeline", "settings" and the sheet tables to the variant section `v` (which
// already holds "cd", "vinyl" and "streaming" where the variant has them).
void addPlotData(const AlbumPlan& plan, const VariantPlan& variant, const PlotFacts& facts, nlohmann::json& v);

}  // namespace lacquer::report
