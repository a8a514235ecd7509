// SPDX-License-Identifier: GPL-3.0-or-later
// The catalogue report page: every album with its status, numbers and error, sortable in a real
// browser (headless Chromium, as tests/report does for report.html).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "lacquer/catalog/catalog.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json album(const std::string& name, const std::string& status, double lufs, double wallS, const std::string& error = {}) {
    json a = {{"name", name}, {"status", status}, {"reason", "new"}, {"variants", json::object()}};
    if (status == "rendered" || status == "skipped") {
        a["variants"]["streaming"] = {{"integrated_lufs", lufs}, {"true_peak_dbtp", -1.2}, {"checks_ok", 7}, {"checks_total", 7},
                                      {"failed_checks", json::array()}, {"warnings", json::array({"a warning"})}};
        a["warnings"] = 1;
        a["duration_s"] = 10.0;
    }
    if (status != "skipped") {
        a["wall_s"] = wallS;
        a["cpu_s"] = wallS / 2;
        a["max_rss_mib"] = 40.0;
    }
    if (!error.empty()) a["error"] = error;
    return a;
}

json sampleReport() {
    json r = {{"catalog", "/music/catalogue"}, {"out", "/masters"}, {"engine", "slurm"}, {"run_id", "r1"}, {"lacquer_version", "0.1.0"}};
    r["variants"] = {"streaming"};
    r["albums"] = {album("beta", "rendered", -14.2, 3.0), album("alpha", "rendered", -13.9, 1.0),
                   album("gamma", "failed", 0, 0.5, "error: gamma/album.yaml:3:7: unknown key 'colour' <b>"),
                   album("delta", "skipped", -14.05, 0)};
    r["totals"] = {{"albums", 4}, {"rendered", 2}, {"skipped", 1}, {"failed", 1}, {"cancelled", 0}, {"pending", 0}, {"checks_failed", 0},
                   {"warnings", 3}, {"job_wall_s", 4.5}, {"cpu_s", 2.25}, {"audio_s", 30.0}, {"max_rss_mib", 40.0}};
    return r;
}

TEST(CatalogReportHtml, ListsEveryAlbumWithItsStatusAndEscapedError) {
    const std::string html = catalog::toHtml(sampleReport());
    for (const char* name : {"alpha", "beta", "gamma", "delta"}) EXPECT_NE(html.find(">" + std::string(name) + "<"), std::string::npos) << name;
    EXPECT_NE(html.find("unknown key 'colour' &lt;b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos) << "an error line reached the page unescaped";
    EXPECT_NE(html.find("-13.90"), std::string::npos);
    EXPECT_NE(html.find("4 albums: 2 rendered, 1 skipped (unchanged), 1 failed"), std::string::npos);
    // The one inline script is allowed by its hash, nothing else.
    EXPECT_NE(html.find("script-src 'sha256-"), std::string::npos);
}

std::string chromium() {
    std::string out;
    if (test::runCommand("command -v chromium", &out) == 0 && !out.empty()) return "chromium";
    return {};
}

// Album names in table order, from the DOM Chromium dumps after the page's script ran.
std::vector<std::string> rowOrder(const std::string& dom) {
    std::vector<std::string> names;
    static const std::regex row(R"(<tr><td class="l">([a-z]+)</td>)");
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator(); ++it) names.push_back((*it)[1]);
    return names;
}

TEST(CatalogReportBrowser, SortsByAColumnWithoutConsoleMessages) {
    const std::string browser = chromium();
    if (browser.empty()) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL() << "chromium is not installed (run tools/setup)";
        GTEST_SKIP() << "chromium is not installed (run tools/setup)";
    }
    const auto dir = test::scratchDir();
    std::ofstream(dir / "report.html") << catalog::toHtml(sampleReport());
    // Columns: 0 album, 1 status, 2 streaming LUFS, 3 dBTP, 4 checks, 5 warnings, 6 length, 7 wall s, ...
    struct Case {
        std::string fragment;
        std::vector<std::string> order;
    };
    const std::vector<Case> cases = {
        {"", {"beta", "alpha", "gamma", "delta"}},                    // as written: no sorting
        {"#sort=0:asc", {"alpha", "beta", "delta", "gamma"}},          // text
        {"#sort=2:desc", {"alpha", "delta", "beta", "gamma"}},         // numbers (LUFS), empty cells last
        {"#sort=7:asc", {"gamma", "alpha", "beta", "delta"}},          // wall time; skipped has none: last
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.fragment);
        std::string out;
        // --enable-logging=stderr --v=0: every console message (a CSP violation, a script error)
        // appears as an "INFO:CONSOLE" line.
        const int rc = test::runCommand(browser + " --headless --no-sandbox --disable-gpu --user-data-dir='" + (dir / "profile").string() +
                                            "' --enable-logging=stderr --v=0 --dump-dom 'file://" + (dir / "report.html").string() + c.fragment + "'",
                                        &out);
        ASSERT_EQ(rc, 0) << out;
        EXPECT_EQ(out.find(":CONSOLE"), std::string::npos) << out;
        EXPECT_EQ(rowOrder(out), c.order) << out;
        if (!c.fragment.empty()) {
            EXPECT_NE(out.find("data-sorted=\"" + c.fragment.substr(6) + "\""), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace lacquer
