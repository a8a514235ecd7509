// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.html's plots of one variant (private to src/report): the album's layout and the
// per-variant figures, each drawn from report.json alone (docs/report.md lists the fields).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lacquer::report::html {

struct Block {
    int number = 0;
    std::string title;
    double startS = 0, durationS = 0;
    double crossfadeInS = 0;
    std::optional<double> gapAfterS;
    std::string side;
    std::vector<double> indexS;  // CD index marks (absolute seconds)
};

// From the variant's "timeline" when present (audio extent, crossfades, gaps), else from its
// tracks (the files' extent: each file runs to the next file's start, gap included).
std::vector<Block> blocksOf(const nlohmann::json& variant, bool* fromTimeline);
double albumEndS(const std::vector<Block>& blocks);
std::string timelinePlot(const std::string& id, const std::vector<Block>& blocks, bool fromTimeline);
std::string loudnessPlot(const std::string& id, const nlohmann::json& variant, const std::vector<Block>& blocks);
std::string gainReductionPlot(const std::string& id, const nlohmann::json& variant);
std::string spectrumPlot(const std::string& id, const nlohmann::json& variant);
std::string levelsPlot(const std::string& id, const nlohmann::json& variant);
std::string eqPlot(const nlohmann::json& chains);

}  // namespace lacquer::report::html
