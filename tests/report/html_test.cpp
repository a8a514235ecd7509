// SPDX-License-Identifier: GPL-3.0-or-later
// report.html: self-contained, every plot present when its data is, a note when it is not, and a
// real browser (headless Chromium) renders it without a console message.
#include "lacquer/report/html.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "report_fixtures.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}

bool hasId(const std::string& html, const std::string& id) { return html.find("id=\"" + id + "\"") != std::string::npos; }

// Every plot of the full report: the album's timeline and EQ curve, and four per variant.
const std::vector<std::string> kPlotIds = {"timeline",          "eq-curve",          "loudness-streaming", "levels-streaming",
                                           "gain-reduction-streaming", "spectrum-streaming", "loudness-cd",  "levels-cd",
                                           "gain-reduction-cd",        "spectrum-cd"};

TEST(ReportHtml, IsSelfContainedAndDeterministic) {
    const std::string html = report::toHtml(test::fullReport());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    // Nothing to fetch and nothing to run: no script, no external reference of any kind, and a
    // Content-Security-Policy that would block one anyway.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
    EXPECT_EQ(html, report::toHtml(test::fullReport()));
}

TEST(ReportHtml, DrawsEveryPlotWhenItsDataIsPresent) {
    const std::string html = report::toHtml(test::fullReport());
    for (const auto& id : kPlotIds) EXPECT_TRUE(hasId(html, id)) << id;
    EXPECT_EQ(count(html, "<svg"), kPlotIds.size());
    // The one note: the cd variant has no playback simulation (only streaming variants get one).
    EXPECT_EQ(count(html, "class=\"note\""), 1u) << "a plot fell back to its note although its data is present";
    EXPECT_EQ(count(html, "once report.json carries <code>playback_simulation</code>"), 1u);
    // Headline facts are on the page.
    for (const std::string s : {"First Light", "The Lacquer Demo Band", "NVIDIA H100 80GB HBM3", "Playback simulation", "Spotify",
                                "heard_lufs", "Track 2 overrides", "What the chain did: source → master", "-21.0 → ",
                                "class=\"data chain-effect\"", "class=\"data chain-octaves\"", "unasked"})
        EXPECT_NE(html.find(s), std::string::npos) << s;
}

TEST(ReportHtml, ShowsANoteInsteadOfAPlotWhoseDataIsAbsent) {
    const std::string html = report::toHtml(test::minimalReport());
    // Drawn from the fields render writes today: the timeline (from tracks[].start_s) and the
    // per-track levels.
    for (const std::string id : {"timeline", "levels-streaming", "levels-cd"}) EXPECT_TRUE(hasId(html, id)) << id;
    EXPECT_EQ(count(html, "<svg"), 3u);
    for (const std::string id : {"eq-curve", "loudness-streaming", "gain-reduction-cd", "spectrum-cd"}) EXPECT_FALSE(hasId(html, id)) << id;
    EXPECT_NE(html.find("once report.json carries <code>plots.short_term_lufs</code>"), std::string::npos);
    EXPECT_NE(html.find("once report.json carries <code>chains.album.eq_curve</code>"), std::string::npos);
    EXPECT_NE(html.find("appear here once report.json carries them in <code>chains.album</code>"), std::string::npos);
    EXPECT_NE(html.find("once report.json carries <code>playback_simulation</code>"), std::string::npos);
}

TEST(ReportHtml, DrawsOnlyTrackCurvesThatDifferFromTheAlbums) {
    // Render lists every track's resolved curve; one equal to the album's adds nothing.
    json r = test::fullReport();
    const json albumCurve = r["chains"]["album"]["eq_curve"];
    r["chains"]["tracks"].push_back({{"number", 1}, {"eq_curve", albumCurve}});
    r["chains"]["tracks"].push_back({{"number", 3}, {"eq_curve", albumCurve}});
    const std::string html = report::toHtml(r);
    const auto eq = html.substr(html.find("<svg id=\"eq-curve\""));
    const std::string svg = eq.substr(0, eq.find("</svg>"));
    EXPECT_NE(svg.find(">track 2</text>"), std::string::npos);
    EXPECT_EQ(svg.find(">track 1</text>"), std::string::npos);
    EXPECT_EQ(svg.find(">track 3</text>"), std::string::npos);
    EXPECT_EQ(count(svg, "<path d="), 2u);  // the album's curve and track 2's
    // Tracks 1 and 3 carry only a curve: no settings heading for them.
    EXPECT_EQ(html.find("Track 1 overrides"), std::string::npos);
    EXPECT_NE(html.find("Track 2 overrides"), std::string::npos);
}

TEST(ReportHtml, MarksFailedChecksAndOverCeilingPeaks) {
    const std::string html = report::toHtml(test::minimalReport());
    // cd's track 4 is at 0.12 dBTP over a -0.30 dBTP ceiling: one failed check, shown first.
    EXPECT_NE(html.find("<span class=\"pill fail\">1 failed</span>"), std::string::npos);
    EXPECT_TRUE(std::regex_search(html, std::regex("<tr class=\"fail\"><td><span class=\"pill fail\">FAIL</span></td><td>track 4 "
                                                   "\\(Monolith\\) true peak under ceiling</td>")));
    EXPECT_NE(html.find("<td class=\"num bad\">0.12</td>"), std::string::npos);
    EXPECT_EQ(count(html, "class=\"tp over\""), 1u);
}

TEST(ReportHtml, EscapesEveryTextFromTheReport) {
    json r = test::minimalReport();
    r["variants"]["streaming"]["tracks"][0]["title"] = "<script>alert(1)</script> & \"quotes\"";
    r["variants"]["x\"><b>y"] = r["variants"]["cd"];
    const std::string html = report::toHtml(r);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"), std::string::npos);
    EXPECT_EQ(html.find("<b>y"), std::string::npos);
}

TEST(ReportHtml, SurvivesAReportOfTheWrongShape) {
    // Fields missing or of the wrong type show as "—" or a note; the page is still produced.
    for (const json& r : {json(nullptr), json::array(), json{{"variants", 3}},
                          json{{"variants", {{"v", {{"tracks", "x"}, {"plots", {{"short_term_lufs", {{"values", {1, "a", nullptr}}}}}}}}}}},
                          json{{"variants", {{"v", {{"tracks", {{{"number", "one"}, {"start_s", "0"}}}}}}}}}}) {
        const std::string html = report::toHtml(r);
        EXPECT_NE(html.find("</html>"), std::string::npos) << r.dump();
    }
}

// ---------------------------------------------------------------------------------------------
// In a real browser

// Headless Chromium (Debian's chromium package). Missing: the test fails under CI (CI=true),
// where tools/setup installs it, and is skipped elsewhere.
std::string chromium() {
    std::string out;
    if (test::runCommand("command -v chromium", &out) == 0 && !out.empty()) return "chromium";
    return {};
}

#define REQUIRE_CHROMIUM(browser)                                                                      \
    const std::string browser = chromium();                                                            \
    if (browser.empty()) {                                                                             \
        const char* ci = std::getenv("CI");                                                            \
        if (ci && std::string(ci) == "true") FAIL() << "chromium is not installed (run tools/setup)"; \
        GTEST_SKIP() << "chromium is not installed (run tools/setup)";                                 \
    }

struct BrowserRun {
    int exitCode = -1;
    std::string output;  // stdout + stderr
};

// --enable-logging=stderr --v=0 makes Chromium print every console message (errors, CSP
// violations, failed loads) as an "INFO:CONSOLE" line; its own D-Bus and GPU chatter never says
// CONSOLE. The profile lives in the scratch folder so runs do not share state.
BrowserRun runChromium(const std::string& browser, const fs::path& dir, const std::string& action, const fs::path& page) {
    BrowserRun r;
    r.exitCode = test::runCommand(browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir='" +
                                      (dir / "profile").string() + "' --enable-logging=stderr --v=0 " + action + " 'file://" +
                                      page.string() + "' 2>&1",
                                  &r.output);
    return r;
}

std::vector<std::string> consoleLines(const std::string& output) {
    std::vector<std::string> lines;
    std::size_t p = 0;
    while (p < output.size()) {
        const auto e = output.find('\n', p);
        const std::string line = output.substr(p, e == std::string::npos ? std::string::npos : e - p);
        if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
        p = e == std::string::npos ? output.size() : e + 1;
    }
    return lines;
}

// PNG width and height from the IHDR chunk (bytes 16..23, big-endian).
std::pair<unsigned, unsigned> pngSize(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    unsigned char h[24] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (!in || h[0] != 0x89 || h[1] != 'P' || h[2] != 'N' || h[3] != 'G') return {0, 0};
    auto be = [&](int o) { return (unsigned{h[o]} << 24) | (unsigned{h[o + 1]} << 16) | (unsigned{h[o + 2]} << 8) | unsigned{h[o + 3]}; };
    return {be(16), be(20)};
}

TEST(ReportHtmlBrowser, ConsoleCheckCatchesABrokenPage) {
    REQUIRE_CHROMIUM(browser);
    // The detector below must see a page that does break: a blocked image and a blocked script.
    const auto dir = test::scratchDir();
    std::ofstream(dir / "broken.html") << "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                                          "content=\"default-src 'none'\"></head><body><img src=\"https://example.invalid/x.png\">"
                                          "<script>console.error('boom')</script></body></html>";
    const auto run = runChromium(browser, dir, "--dump-dom", dir / "broken.html");
    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_GE(consoleLines(run.output).size(), 1u) << run.output;
}

TEST(ReportHtmlBrowser, RendersEveryPlotWithoutConsoleMessages) {
    REQUIRE_CHROMIUM(browser);
    const auto dir = test::scratchDir();
    for (const auto& [name, report] : {std::pair<std::string, json>{"full", test::fullReport()}, {"minimal", test::minimalReport()}}) {
        SCOPED_TRACE(name);
        const auto page = dir / (name + ".html");
        std::ofstream(page) << report::toHtml(report);

        // The DOM as Chromium parsed it: the SVG plots are elements of the page.
        const auto dom = runChromium(browser, dir, "--dump-dom", page);
        ASSERT_EQ(dom.exitCode, 0) << dom.output;
        EXPECT_TRUE(consoleLines(dom.output).empty()) << dom.output;
        const std::size_t svgs = count(dom.output, "<svg id=\"");
        if (name == "full") {
            EXPECT_EQ(svgs, kPlotIds.size()) << dom.output;
            for (const auto& id : kPlotIds) EXPECT_NE(dom.output.find("<svg id=\"" + id + "\""), std::string::npos) << id;
        } else {
            EXPECT_EQ(svgs, 3u) << dom.output;
        }

        // A screenshot at 1200x3000 CSS pixels.
        const auto png = dir / (name + ".png");
        const auto shot = runChromium(browser, dir, "--window-size=1200,3000 --screenshot='" + png.string() + "'", page);
        ASSERT_EQ(shot.exitCode, 0) << shot.output;
        EXPECT_TRUE(consoleLines(shot.output).empty()) << shot.output;
        EXPECT_EQ(pngSize(png), std::make_pair(1200u, 3000u)) << png;
        // A blank 1200x3000 page compresses to under 20 KB (measured: 17 KB for a near-empty
        // page); this page's text, tables and plots take far more.
        EXPECT_GT(fs::file_size(png), 100u * 1024u) << png;
    }
}

}  // namespace
}  // namespace lacquer
