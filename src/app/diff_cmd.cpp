// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer diff REPORT_A REPORT_B`: what changed between two renders, one line per change.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/report/diff.hpp"
#include "lacquer/report/read_report.hpp"

namespace lacquer::app {

int runDiff(const std::string& reportA, const std::string& reportB, bool asJson) {
    // Bounded, schema-checked reads (report/read_report.hpp): any file may be passed here.
    const auto a = report::readReportFile(reportA, ErrorKind::Io, "pass the report.json of a render");
    const auto b = report::readReportFile(reportB, ErrorKind::Io, "pass the report.json of a render");
    const auto lines = report::diffReports(a, b);
    if (asJson) {
        printJson(nlohmann::json{{"a", reportA}, {"b", reportB}, {"count", lines.size()}, {"differences", lines}});
        return 0;
    }
    for (const auto& l : lines) std::printf("%s\n", text::forTerminal(l).c_str());
    std::printf("diff: %zu %s\n", lines.size(), lines.size() == 1 ? "difference" : "differences");
    return 0;
}

}  // namespace lacquer::app
