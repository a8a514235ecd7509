// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/tool_report.hpp"

#include <fmt/format.h>

#include "lacquer/report/report.hpp"

namespace lacquer::render {

void addTrimJson(const ProcessedTrack& p, const std::string& who, nlohmann::json& track, nlohmann::json& checks) {
    using nlohmann::json;
    const sequence::TrimResult& t = p.trim;
    if (p.trimmed && t.sampleRateHz > 0) {
        json dc = json::array();
        for (double d : t.dcOffset) dc.push_back(report::numberOrNull(d, 7));
        track["trim"] = {{"source_duration_s", report::numberOrNull(static_cast<double>(t.sourceFrames) / t.sampleRateHz, 6)},
                         {"head_cut_s", report::numberOrNull(t.headCutS(), 6)},
                         {"tail_cut_s", report::numberOrNull(t.tailCutS(), 6)},
                         {"kept_s", report::numberOrNull(t.keptS(), 6)},
                         {"fade_in_s", report::numberOrNull(static_cast<double>(t.fadeInFrames) / t.sampleRateHz, 6)},
                         {"fade_out_s", report::numberOrNull(static_cast<double>(t.fadeOutFrames) / t.sampleRateHz, 6)},
                         {"dc_offset", dc}};  // measured means, removed by the high-pass
        checks.push_back({{"name", who + " trimmed"},
                          {"ok", true},
                          {"detail", fmt::format("cut {:.3f} s of head and {:.3f} s of tail, kept {:.3f} s{}", t.headCutS(), t.tailCutS(),
                                                 t.keptS(), t.dcOffset.empty() ? "" : ", DC removed (5 Hz high-pass)")}});
    }
    for (const auto& w : t.warnings()) checks.push_back({{"name", who + " clean-up warning"}, {"ok", true}, {"detail", w}});
}

}  // namespace lacquer::render
