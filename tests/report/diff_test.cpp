// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer diff`: what changed between two reports, one readable line per change.
#include "lacquer/report/diff.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "report_fixtures.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

using nlohmann::json;
using report::diffReports;
using Lines = std::vector<std::string>;

TEST(ReportDiff, IdenticalReportsHaveNoDifferences) {
    EXPECT_EQ(diffReports(test::fullReport(), test::fullReport()), Lines{});
}

TEST(ReportDiff, ReportsAChangedEqBand) {
    json a = test::fullReport(), b = a;
    b["chains"]["album"]["eq"][1]["gain_db"] = 1.5;
    EXPECT_EQ(diffReports(a, b), Lines{"chains: album: eq #2 (lowshelf): gain_db: 1.0 → 1.5 (+0.5)"});
    // A band added at the end, and a track's override removed.
    b = a;
    b["chains"]["album"]["eq"].push_back({{"type", "notch"}, {"freq_hz", 60}, {"q", 8}});
    b["chains"]["tracks"] = json::array();
    EXPECT_EQ(diffReports(a, b), (Lines{"chains: album: eq #5 (notch): added {\"freq_hz\":60,\"q\":8,\"type\":\"notch\"}",
                                        "chains: track 2: removed"}));
}

TEST(ReportDiff, MatchesTracksByNumberAndFilesByPathNotByPosition) {
    json a = test::minimalReport(), b = a;
    auto& tracks = b["variants"]["streaming"]["tracks"];
    std::swap(tracks[0], tracks[2]);
    auto& files = b["variants"]["streaming"]["files"];
    std::swap(files[1], files[4]);
    EXPECT_EQ(diffReports(a, b), Lines{});
    tracks[0]["integrated_lufs"] = -14.68;  // track 3 (Glass Garden), now first in the list
    tracks[0]["sha256"] = std::string(64, 'f');
    EXPECT_EQ(diffReports(a, b), (Lines{"streaming: track 3 (Glass Garden): integrated_lufs: -15.2 → -14.68 (+0.52)",
                                        "streaming: track 3 (Glass Garden): sha256: dddddddddddd… → ffffffffffff…"}));
}

TEST(ReportDiff, ReportsChecksVariantsAndTopLevelFields) {
    json a = test::minimalReport(), b = a;
    b["lacquer_version"] = "0.2.0";
    b["variants"]["cd"]["checks"][7]["ok"] = true;
    b["variants"].erase("streaming");
    b["variants"]["vinyl"] = a["variants"]["cd"];
    EXPECT_EQ(diffReports(a, b), (Lines{"lacquer_version: \"0.1.0\" → \"0.2.0\"",
                                        "cd: check \"track 4 (Monolith) true peak under ceiling\": ok: false → true",
                                        "streaming: variant removed (only in the first report)",
                                        "vinyl: variant added (only in the second report)"}));
}

TEST(ReportDiff, SummarisesLongNumericArraysInOneLine) {
    json a = test::fullReport(), b = a;
    auto& v = b["variants"]["streaming"]["plots"]["short_term_lufs"]["values"];
    v[10] = v[10].get<double>() + 1.25;
    v[20] = v[20].get<double>() - 0.5;
    EXPECT_EQ(diffReports(a, b), Lines{"streaming: plots: short_term_lufs: values: 2 of " + std::to_string(v.size()) +
                                       " values changed (largest +1.25 at index 10)"});
}

TEST(DiffCli, PrintsOneLinePerChangeExitsZeroAndThreeWhenUnreadable) {
    const auto dir = test::scratchDir();
    json a = test::fullReport(), b = a;
    b["chains"]["album"]["limiter"]["release_ms"] = 80;
    std::ofstream(dir / "a.json") << a.dump(2);
    std::ofstream(dir / "b.json") << b.dump(2);
    const std::string cli = test::cliPath().string();
    std::string out;
    EXPECT_EQ(test::runCommand(cli + " diff " + (dir / "a.json").string() + " " + (dir / "b.json").string(), &out), 0);
    EXPECT_EQ(out, "chains: album: limiter: release_ms: 60 → 80 (+20)\ndiff: 1 difference\n");
    EXPECT_EQ(test::runCommand(cli + " diff " + (dir / "a.json").string() + " " + (dir / "missing.json").string(), &out), 3);
    EXPECT_EQ(out, "error: " + (dir / "missing.json").string() + ": does not exist — pass the report.json of a render\n");
}

}  // namespace
}  // namespace lacquer
