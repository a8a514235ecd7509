// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer diff REPORT_A REPORT_B`: what changed between two renders, one line per change.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/report/diff.hpp"

namespace lacquer::app {
namespace {

nlohmann::json readReport(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(ErrorKind::Io, path, "cannot be read", "pass the report.json of a render");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::Io, path, std::string("is not valid JSON: ") + e.what(), "pass the report.json of a render");
    }
}

}  // namespace

int runDiff(const std::string& reportA, const std::string& reportB, bool asJson) {
    const auto a = readReport(reportA);
    const auto b = readReport(reportB);
    const auto lines = report::diffReports(a, b);
    if (asJson) {
        std::printf("%s\n", nlohmann::json{{"a", reportA}, {"b", reportB}, {"count", lines.size()}, {"differences", lines}}.dump(2).c_str());
        return 0;
    }
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("diff: %zu %s\n", lines.size(), lines.size() == 1 ? "difference" : "differences");
    return 0;
}

}  // namespace lacquer::app
