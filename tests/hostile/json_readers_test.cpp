// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, readers of our own JSON (report/read_report.hpp): `diff` and `verify` read a
// report.json as hostile input — bounded nesting, a schema, a folder or a non-JSON file refused in
// one line without the JSON library's text; `verify` reads nothing outside the output folder and
// reports hidden extra files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostile_support.hpp"
#include "lacquer/report/diff.hpp"
#include "lacquer/report/read_report.hpp"

namespace lacquer::hostile {
namespace {

using nlohmann::json;
using test::runCommand;

const std::string kMinimal = R"({"lacquer_version": "0.1.0", "manifest_sha256": "ab", "variants": {}})";

std::string parseError(const std::string& text) {
    try {
        report::parseReport(text, "r.json", ErrorKind::Io, "todo");
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().size(), 1u);
        return e.diagnostics().front().line();
    }
    return "parsed";
}

TEST(HostileJson, ParseReportBoundsDepthAndChecksTheSchema) {
    EXPECT_EQ(parseError(kMinimal), "parsed");
    EXPECT_EQ(parseError(std::string(100000, '[') + std::string(100000, ']')),
              "r.json: is nested deeper than 32 levels; a lacquer report.json is not — todo");
    EXPECT_EQ(parseError(std::string(40, '[') + std::string(40, ']')),
              "r.json: is nested deeper than 32 levels; a lacquer report.json is not — todo");
    EXPECT_EQ(parseError(std::string(30, '[') + std::string(30, ']')),  // within the bound: the schema refuses it
              "r.json: is not a lacquer report: the top level is a list, not an object — todo");
    EXPECT_EQ(parseError("[1, 2]"), "r.json: is not a lacquer report: the top level is a list, not an object — todo");
    EXPECT_EQ(parseError("\"text\""), "r.json: is not a lacquer report: the top level is text, not an object — todo");
    EXPECT_EQ(parseError("{}"), "r.json: is not a lacquer report: lacquer_version is missing or not text — todo");
    EXPECT_EQ(parseError(R"({"lacquer_version": "1", "manifest_sha256": "ab", "variants": []})"),
              "r.json: is not a lacquer report: variants is missing or not an object — todo");
    EXPECT_EQ(parseError(R"({"lacquer_version": "1", "manifest_sha256": "ab", "variants": {"v": {"files": [{"path": 3}]}}})"),
              "r.json: is not a lacquer report: variants.v.files[0].path is missing or not text — todo");
    EXPECT_EQ(parseError(R"({"lacquer_version": "1", "manifest_sha256": "ab", "variants": {"v": {"checks": [{"name": "x", "ok": 1}]}}})"),
              "r.json: is not a lacquer report: variants.v.checks[0].ok is missing or not true/false — todo");
    EXPECT_EQ(parseError(R"({"lacquer_version": "1", "manifest_sha256": "ab", "variants": {"\u001b[31m": 5}})"),
              "r.json: is not a lacquer report: variants.\\x1b[31m is a number, not an object — todo");
    // Malformed JSON: the position, never the library's text (which quotes the raw bytes).
    EXPECT_EQ(parseError("{\n  \"a\": \x1b[2J}"), "r.json: is not valid JSON: syntax error at line 2, column 8 — todo");
    EXPECT_EQ(parseError(""), "r.json: is empty, not JSON — todo");
    EXPECT_EQ(parseError("{\"a\": \"\xff\xfe\"}"), "r.json: is not valid JSON: syntax error at line 1, column 8 — todo");
}

TEST(HostileJson, DiffRefusesDeepForeignAndFolderReportsInOneLine) {
    const auto dir = test::scratchDir();
    writeText(dir / "good.json", kMinimal);
    writeText(dir / "deep.json", std::string(200000, '[') + std::string(200000, ']'));
    writeText(dir / "array.json", "[]");
    writeText(dir / "bad.json", "{\"x\": tru\x1b[0m}");
    fs::create_directories(dir / "folder");
    const auto before = snapshot(dir);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"deep.json", "is nested deeper than 32 levels; a lacquer report.json is not — pass the report.json of a render"},
        {"array.json", "is not a lacquer report: the top level is a list, not an object — pass the report.json of a render"},
        {"bad.json", "is not valid JSON: syntax error at line 1, column 10 — pass the report.json of a render"},
        {"folder", "is a folder, not a report — pass " + (dir / "folder/report.json").string()},
    };
    for (const auto& [file, what] : cases) {
        SCOPED_TRACE(file);
        for (const bool first : {true, false}) {
            std::string out;
            const std::string args = first ? q(dir / file) + " " + q(dir / "good.json") : q(dir / "good.json") + " " + q(dir / file);
            EXPECT_EQ(runCommand(cli() + " diff " + args, &out), 3) << out;
            EXPECT_EQ(out, "error: " + (dir / file).string() + ": " + what + "\n");
        }
    }
    std::string out;
    EXPECT_EQ(runCommand(cli() + " diff " + q(dir / "good.json") + " " + q(dir / "good.json"), &out), 0) << out;
    EXPECT_EQ(out, "diff: 0 differences\n");
    EXPECT_EQ(snapshot(dir), before);
}

TEST(HostileJson, DiffPrintsControlCharactersFromReportsEscaped) {
    const auto dir = test::scratchDir();
    json a = json::parse(kMinimal), b = a;
    b["device"] = "evil\x1b]0;title\x07\x1b[2J";
    writeText(dir / "a.json", a.dump());
    writeText(dir / "b.json", b.dump());
    std::string out;
    EXPECT_EQ(runCommand(cli() + " diff " + q(dir / "a.json") + " " + q(dir / "b.json"), &out), 0) << out;
    EXPECT_EQ(out, "device: added \"evil\\x1b]0;title\\x07\\x1b[2J\"\ndiff: 1 difference\n");
}

// A rendered album for the verify cases.
fs::path renderedAlbum() {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: A }\n"));
    std::string out;
    EXPECT_EQ(render(dir, &out), 0) << out;
    return dir;
}

int verify(const fs::path& dir, std::string* out) {
    return runCommand(cli() + " verify " + q(dir / "album.yaml") + " --out " + q(dir / "out"), out);
}

TEST(HostileJson, VerifyReadsNothingOutsideTheOutputFolder) {
    const auto dir = renderedAlbum();
    writeText(dir / "secret.flac", "outside");
    fs::create_symlink(dir / "secret.flac", dir / "out/streaming/link.flac");
    std::ifstream in(dir / "out/report.json");
    json r = json::parse(in);
    in.close();
    const std::vector<std::string> outside = {"../secret.flac", (dir / "secret.flac").string(), "streaming/link.flac",
                                              "streaming/./x.flac"};
    for (const auto& p : outside)
        r["variants"]["streaming"]["files"].push_back({{"path", p}, {"sha256", "00"}});
    writeText(dir / "out/report.json", r.dump(2));
    const auto before = snapshot(dir);
    std::string out;
    EXPECT_EQ(verify(dir, &out), 1) << out;
    for (const auto& p : outside)
        EXPECT_NE(out.find("verify: " + p + ": path in report.json leads outside the output folder — expected a file inside " +
                           (dir / "out").string() + " vs found not read\n"),
                  std::string::npos)
            << p << "\n" << out;
    EXPECT_EQ(snapshot(dir), before);
}

TEST(HostileJson, VerifyReportsHiddenFilesAndFoldersAndRefusesADeepReport) {
    const auto dir = renderedAlbum();
    writeText(dir / "out/streaming/.hidden/x.flac", "hidden in a hidden folder");
    writeText(dir / "out/streaming/.DS_Store", "junk");
    std::string out;
    EXPECT_EQ(verify(dir, &out), 1) << out;
    EXPECT_NE(out.find("verify: streaming/.DS_Store: extra file not listed in report.json — expected no such file vs found 4 bytes"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("verify: streaming/.hidden/x.flac: extra file not listed in report.json"), std::string::npos) << out;
    writeText(dir / "out/report.json", std::string(5000, '[') + std::string(5000, ']'));
    EXPECT_EQ(verify(dir, &out), 3) << out;
    EXPECT_EQ(out, "error: " + (dir / "out/report.json").string() +
                       ": is nested deeper than 32 levels; a lacquer report.json is not — render again to rewrite it\n");
    fs::remove(dir / "out/report.json");
    fs::create_directories(dir / "out/report.json");
    EXPECT_EQ(verify(dir, &out), 3) << out;
    EXPECT_EQ(out, "error: " + (dir / "out/report.json").string() + ": is a folder, not a report — pass " +
                       (dir / "out/report.json/report.json").string() + "\n");
}

}  // namespace
}  // namespace lacquer::hostile
