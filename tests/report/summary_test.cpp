// SPDX-License-Identifier: GPL-3.0-or-later
// The render summary: full titles, variants in manifest order, the same as JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lacquer/common/progress.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/report/summary.hpp"

namespace lacquer {
namespace {

using nlohmann::json;

json twoVariantReport() {
    auto variant = [](double lufs) {
        return json{{"targets", {{"integrated_lufs", lufs}, {"true_peak_dbtp", -1.0}, {"mode", "album"}}},
                    {"album", {{"integrated_lufs", lufs}, {"true_peak_dbtp", -1.2}}},
                    {"tracks", json::array({{{"number", 1}, {"title", "A Title Far Longer Than Twenty-Eight Characters — Reprise"},
                                             {"file", "x/01.flac"}, {"integrated_lufs", lufs}, {"true_peak_dbtp", -1.2},
                                             {"gain_db", 2.0}, {"duration_s", 61.5}},
                                            {{"number", 2}, {"title", "Café"}, {"file", "x/02.flac"}, {"integrated_lufs", lufs},
                                             {"true_peak_dbtp", -1.3}, {"gain_db", 1.0}, {"duration_s", 30.0}}})},
                    {"checks", json::array({{{"name", "loudness"}, {"ok", true}, {"detail", ""}},
                                            {{"name", "true peak"}, {"ok", false}, {"detail", "over"}}})}};
    };
    return json{{"variants", {{"streaming", variant(-14)}, {"cd", variant(-10)}, {"archive", variant(-18)}}},
                {"variant_order", {"streaming", "cd", "archive"}}};
}

TEST(Summary, VariantsFollowTheRecordedOrderNotTheAlphabet) {
    const json r = twoVariantReport();
    EXPECT_EQ(report::variantOrder(r), (std::vector<std::string>{"streaming", "cd", "archive"}));
    const std::string t = report::summaryTable(r);
    EXPECT_LT(t.find("streaming:"), t.find("cd:")) << t;
    EXPECT_LT(t.find("cd:"), t.find("archive:")) << t;
    // Without the order (an older report.json) the keys' order, and nothing is lost.
    json old = r;
    old.erase("variant_order");
    EXPECT_EQ(report::variantOrder(old), (std::vector<std::string>{"archive", "cd", "streaming"}));
}

TEST(Summary, TitlesAreNotCutAndColumnsStayAligned) {
    const std::string t = report::summaryTable(twoVariantReport());
    EXPECT_NE(t.find("A Title Far Longer Than Twenty-Eight Characters — Reprise"), std::string::npos) << t;
    // The LUFS column starts at the same terminal column on both rows ("Café" is 4 columns, 5 bytes).
    const auto row1 = t.find("  1  A Title");
    const auto row2 = t.find("  2  Café");
    ASSERT_NE(row1, std::string::npos);
    ASSERT_NE(row2, std::string::npos);
    const auto col = [&](std::size_t row) {
        const auto line = t.substr(row, t.find('\n', row) - row);
        return report::displayWidth(line.substr(0, line.find("-14.00")));
    };
    EXPECT_EQ(col(row1), col(row2)) << t;
    EXPECT_EQ(report::displayWidth("Café — x"), 8u);
}

TEST(Summary, JsonHasEveryVariantInOrderWithFailedChecks) {
    const json s = report::summaryJson(twoVariantReport(), "out/report.json", 1);
    EXPECT_EQ(s["exit_code"], 1);
    EXPECT_FALSE(s["ok"].get<bool>());
    ASSERT_EQ(s["variants"].size(), 3u);
    EXPECT_EQ(s["variants"][0]["name"], "streaming");
    EXPECT_EQ(s["variants"][2]["name"], "archive");
    EXPECT_EQ(s["variants"][0]["tracks"][0]["title"], "A Title Far Longer Than Twenty-Eight Characters — Reprise");
    EXPECT_EQ(s["variants"][0]["checks"]["total"], 2);
    EXPECT_EQ(s["variants"][0]["checks"]["failed"], 1);
    EXPECT_EQ(s["variants"][0]["failed_checks"][0]["name"], "true peak");
}

TEST(Progress, LineShowsPercentAndTimeLeftOnceTheRateMeansSomething) {
    using log::ProgressMeter;
    EXPECT_EQ(ProgressMeter::line(0.0, 0.0, "processing tracks 0/6"), "[  0%] processing tracks 0/6");
    // 1 % done after 5 s: under the 3 % floor, no estimate yet.
    EXPECT_EQ(ProgressMeter::line(0.01, 5.0, "x"), "[  1%] x");
    // 25 % in 30 s: 90 s left.
    EXPECT_EQ(ProgressMeter::line(0.25, 30.0, "variant cd: mastered"), "[ 25%] variant cd: mastered — about 1 min 30 s left");
    EXPECT_EQ(ProgressMeter::line(1.0, 100.0, "done"), "[100%] done");
    EXPECT_EQ(ProgressMeter::duration(45.4), "45 s");
    EXPECT_EQ(ProgressMeter::duration(3725), "1 h 02 min");
    ProgressMeter m(4);
    m.advance(1, "a");
    m.advance(2, "b");
    EXPECT_DOUBLE_EQ(m.fraction(), 0.75);
}

}  // namespace
}  // namespace lacquer
