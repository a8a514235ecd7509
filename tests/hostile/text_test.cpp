// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, text that reaches a terminal, Markdown, a tag or a file name: made safe in one place
// per destination (lacquer/common/text.hpp, render::trackFileName), and titles a tag cannot hold
// or that say nothing (only white space) refused by the manifest.
#include <gtest/gtest.h>

#include "hostile_support.hpp"
#include "lacquer/common/text.hpp"

namespace lacquer::hostile {
namespace {

using test::runCommand;
using text::forHtml;
using text::forMarkdown;
using text::forTerminal;

TEST(HostileText, ForTerminalEscapesEveryControlSequence) {
    EXPECT_EQ(forTerminal("plain — Ünïcödé 日本語"), "plain — Ünïcödé 日本語");
    EXPECT_EQ(forTerminal("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(forTerminal("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
    EXPECT_EQ(forTerminal("a\nb\tc\rd"), "a\\nb\\tc\\x0dd");
    EXPECT_EQ(forTerminal(std::string("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(forTerminal("\xc2\x9b" "2J"), "\\xc2\\x9b2J");  // C1 CSI
    EXPECT_EQ(forTerminal("bad \xff\xfe utf8 \xe2\x82"), "bad \\xff\\xfe utf8 \\xe2\\x82");
    EXPECT_EQ(forTerminal("del\x7f"), "del\\x7f");
    EXPECT_EQ(forTerminal("two\nlines\x1b", text::Newlines::Keep), "two\nlines\\x1b");
    EXPECT_EQ(forTerminal(forTerminal("\x1b[1m")), forTerminal("\x1b[1m"));  // idempotent
}

TEST(HostileText, ForMarkdownMakesOnePlainTableCell) {
    EXPECT_EQ(forMarkdown("a | b"), "a \\| b");
    EXPECT_EQ(forMarkdown("**bold** _it_ `code` [link](x) <b>"), "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[link\\]\\(x\\) \\<b\\>");
    EXPECT_EQ(forMarkdown("# head\nnext"), "\\# head\\\\nnext");  // the escape's backslash escaped
    EXPECT_EQ(forMarkdown("Ünïcödé — ok."), "Ünïcödé — ok.");
}

// The one HTML escaper of report.html, its plots and the catalogue report: safe in element text and
// in single- or double-quoted attributes.
TEST(HostileText, ForHtmlEscapesAllFiveSpecialCharacters) {
    EXPECT_EQ(forHtml("<a href=\"x\" title='y'>&amp;</a>"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    EXPECT_EQ(forHtml("Ünïcödé — ok."), "Ünïcödé — ok.");
}

TEST(HostileText, TagProblemAndBlankText) {
    EXPECT_EQ(text::tagProblem("fine"), "");
    EXPECT_NE(text::tagProblem(std::string("a\0b", 3)).find("NUL"), std::string::npos);
    EXPECT_TRUE(text::isBlank(""));
    EXPECT_TRUE(text::isBlank(" \t\n\r"));
    EXPECT_TRUE(text::isBlank("\xc2\xa0\xe3\x80\x80\xe2\x80\x8b"));  // no-break, ideographic, zero-width space
    EXPECT_FALSE(text::isBlank(" a "));
    EXPECT_FALSE(text::isBlank("\xe2\x80\x94"));  // an em dash is text
}

fs::path albumTitled(const std::string& titleYaml) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: " + titleYaml + " }\n"));
    return dir;
}

TEST(HostileText, BlankTitlesAndTitlesWithNulAreRefused) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\"   \"", ":5:33: title is only white space — write the text or remove the key"},
        {"\"\\t\\n \"", ":5:33: title is only white space"},
        {"\"\\u3000\\u00a0\"", ":5:33: title is only white space"},
        {"\"Side\\0B\"", ":5:33: title contains a NUL character, which tags, CUE sheets and CD-TEXT cannot hold"},
        {"\"\\x00\"", ":5:33: title contains a NUL character"},
    };
    for (const auto& [yaml, want] : cases) {
        SCOPED_TRACE(yaml);
        const auto dir = albumTitled(yaml);
        const auto before = snapshot(dir);
        std::string out;
        EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 2) << out;
        EXPECT_EQ(lines(out).size(), 1u) << out;
        EXPECT_EQ(out.rfind("error: " + (dir / "album.yaml").string() + want, 0), 0u) << out;
        EXPECT_EQ(render(dir, &out), 2) << out;
        EXPECT_FALSE(fs::exists(dir / "out"));
        EXPECT_EQ(snapshot(dir), before);
    }
    // A blank album title too.
    const auto dir = test::scratchDir() / "album";
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", "lacquer: 1\nalbum: { title: \" \", artist: Tester }\nprocessing: { sample_rate: 48000 }\n"
                                  "tracks:\n  - { file: mixes/a.wav, title: A }\nvariants:\n  s: { export: { format: flac } }\n");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 2) << out;
    EXPECT_NE(out.find(":2:17: title is only white space"), std::string::npos) << out;
}

TEST(HostileText, EscapeSequencesInTitlesReachNeitherTheTerminalNorReportMdRaw) {
    // ESC [2J clears the screen; ESC ] 0 ; … BEL sets the window title; a '|' would split a
    // Markdown cell and a newline the row.
    const auto dir = albumTitled(R"("\e[2J\e]0;owned\a|cell\nrow")");
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(out.find('\x07'), std::string::npos) << out;
    // The summary prints titles in full (issue 18), escaped.
    EXPECT_NE(out.find("  1  \\x1b[2J\\x1b]0;owned\\x07|cell\\nrow "), std::string::npos) << out;
    std::ifstream md(dir / "out/report.md");
    const std::string report(std::istreambuf_iterator<char>(md), {});
    EXPECT_EQ(report.find('\x1b'), std::string::npos);
    EXPECT_NE(report.find("| 1 | \\\\x1b\\[2J\\\\x1b\\]0;owned\\\\x07\\|cell\\\\nrow | "), std::string::npos) << report;
    // The tag keeps the title as written (a tag is not a terminal), byte for byte.
    std::string tag;
    ASSERT_EQ(runCommand("metaflac --show-tag=TITLE " + q(dir / "out/streaming/01 - _[2J_]0;owned__cell_row.flac"), &tag), 0)
        << tag;
    EXPECT_EQ(tag, "TITLE=\x1b[2J\x1b]0;owned\x07|cell\nrow\n");
}

TEST(HostileText, ValidateAndAnalyzeEchoHostileFileNamesEscaped) {
    const auto dir = test::scratchDir();
    const std::string name = "mix\x1b[31m.wav";
    writeMix(dir / name, 1.0);
    std::string out;
    EXPECT_EQ(runCommand(cli() + " analyze " + q(dir / name), &out), 0) << out;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_NE(out.find("mix\\x1b[31m.wav"), std::string::npos) << out;
    EXPECT_EQ(runCommand(cli() + " analyze " + q(dir / "nope\x1b[2J.wav"), &out), 3) << out;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(lines(out).size(), 1u) << out;
}

}  // namespace
}  // namespace lacquer::hostile
