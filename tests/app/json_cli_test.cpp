// SPDX-License-Identifier: GPL-3.0-or-later
// `--json` on every command (schemas in docs/cli.md), and a failure under --json.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string cli() { return test::cliPath().string(); }

// runCommand joins stderr to stdout: a subshell sends the command's own stderr away first.
int runCommand(const std::string& command, std::string* out) {
    const std::string bare = " 2>/dev/null";
    if (command.size() > bare.size() && command.compare(command.size() - bare.size(), bare.size(), bare) == 0)
        return test::runCommand("(" + command + ")", out);
    return test::runCommand(command, out);
}

const char* kLongTitle = "A Title Far Longer Than Twenty-Eight Characters";

// Two 3 s tracks, two variants named against the alphabet (zeta before alpha).
fs::path album() {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/a.wav", test::musicNoise(3.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    test::writeAudio(dir / "mixes/b.wav", test::musicNoise(3.0, 48000, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    std::ofstream(dir / "album.yaml") << "lacquer: 1\n"
                                         "album: { title: Small, artist: Tester, label: Test Records, copyright: 2026 Test Records,"
                                         " phonographic_copyright: 2026 Tester }\n"
                                         "processing: { sample_rate: 48000 }\n"
                                         "loudness: { mode: album, target_lufs: -16 }\n"
                                         "sequence: { gap_s: 0.5 }\n"
                                         "tracks:\n"
                                         "  - { file: mixes/a.wav, title: " << kLongTitle << " }\n"
                                         "  - { file: mixes/b.wav, title: Beta }\n"
                                         "variants:\n"
                                         "  zeta: { export: { format: wav, sample_rate: 48000, bit_depth: 24 } }\n"
                                         "  alpha: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";
    return dir;
}

json parsed(const std::string& out) {
    try {
        return json::parse(out);
    } catch (const json::exception& e) {
        ADD_FAILURE() << "not JSON: " << e.what() << "\n" << out;
        return json();
    }
}

TEST(JsonCli, ValidateSaysOkWithTracksAndVariantsInManifestOrder) {
    const auto dir = album();
    std::string out;
    ASSERT_EQ(runCommand(cli() + " validate --json " + (dir / "album.yaml").string() + " 2>/dev/null", &out), 0) << out;
    const json j = parsed(out);
    EXPECT_TRUE(j["ok"].get<bool>());
    EXPECT_EQ(j["tracks"], 2);
    EXPECT_EQ(j["variants"], json({"zeta", "alpha"}));
    EXPECT_TRUE(j["warnings"].is_array());
}

TEST(JsonCli, AFailureIsJsonOnStdoutAndOneErrorLineOnStderr) {
    const auto dir = album();
    std::ofstream(dir / "bad.yaml") << "lacquer: 1\nalbum: { title: X, artist: Y, copyright: Test Records }\n"
                                       "tracks:\n  - { file: mixes/a.wav, title: A }\n"
                                       "variants:\n  s: { export: { format: flac } }\n";
    std::string out, err;
    // runCommand joins stderr to stdout; the subshell sends stderr away first.
    EXPECT_EQ(runCommand("(" + cli() + " validate --json " + (dir / "bad.yaml").string() + " 2>/dev/null)", &out), 2) << out;
    const json j = parsed(out);
    EXPECT_FALSE(j["ok"].get<bool>());
    EXPECT_EQ(j["exit_code"], 2);
    ASSERT_EQ(j["errors"].size(), 1u) << out;
    const std::string where = j["errors"][0]["where"];
    EXPECT_EQ(where.substr(where.size() - 13), "bad.yaml:2:42") << out;
    EXPECT_EQ(runCommand("(" + cli() + " validate --json " + (dir / "bad.yaml").string() + " >/dev/null)", &err), 2);
    EXPECT_EQ(err.rfind("error: ", 0), 0u) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(JsonCli, DevicesListsEveryDeviceAndTheAutoChoice) {
    std::string out;
    ASSERT_EQ(runCommand(cli() + " devices --json 2>/dev/null", &out), 0) << out;
    const json j = parsed(out);
    ASSERT_TRUE(j["devices"].is_array());
    EXPECT_TRUE(j["auto"].is_number_integer() || j["auto"] == "cpu") << out;
    for (const auto& d : j["devices"]) {
        EXPECT_TRUE(d["index"].is_number_integer());
        EXPECT_TRUE(d["name"].is_string());
        EXPECT_TRUE(d["software"].is_boolean());
    }
}

// One render serves render --json, verify --json and diff --json.
TEST(JsonCli, RenderVerifyAndDiffSpeakJson) {
    const auto dir = album();
    const auto out1 = dir / "out";
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render --json --device cpu " + (dir / "album.yaml").string() + " --out " + out1.string() +
                             " 2>/dev/null", &out), 0) << out;
    const json r = parsed(out);
    EXPECT_TRUE(r["ok"].get<bool>());
    ASSERT_EQ(r["variants"].size(), 2u) << out;
    EXPECT_EQ(r["variants"][0]["name"], "zeta");  // manifest order, not alphabetical
    EXPECT_EQ(r["variants"][1]["name"], "alpha");
    EXPECT_EQ(r["variants"][0]["tracks"][0]["title"], kLongTitle);
    EXPECT_EQ(r["variants"][0]["checks"]["failed"], 0) << out;

    ASSERT_EQ(runCommand(cli() + " verify --json " + (dir / "album.yaml").string() + " --out " + out1.string() + " 2>/dev/null", &out), 0)
        << out;
    const json v = parsed(out);
    EXPECT_TRUE(v["ok"].get<bool>()) << out;
    EXPECT_EQ(v["variants"], 2);
    EXPECT_GT(v["checks"].get<int>(), 0);
    EXPECT_TRUE(v["violations"].empty());

    // A tampered copy of the report: diff reports it; the text summary keeps order and full titles.
    std::ifstream in(out1 / "report.json");
    json rep = json::parse(in);
    rep["variants"]["zeta"]["tracks"][1]["integrated_lufs"] = -3.0;
    std::ofstream(dir / "b.json") << rep.dump(2);
    ASSERT_EQ(runCommand(cli() + " diff --json " + (out1 / "report.json").string() + " " + (dir / "b.json").string() + " 2>/dev/null", &out), 0)
        << out;
    const json d = parsed(out);
    EXPECT_GE(d["count"].get<int>(), 1) << out;
    EXPECT_EQ(d["count"].get<std::size_t>(), d["differences"].size());

    ASSERT_EQ(runCommand(cli() + " render --device cpu --force " + (dir / "album.yaml").string() + " --out " + (dir / "out2").string() +
                             " 2>/dev/null", &out), 0) << out;
    EXPECT_NE(out.find(kLongTitle), std::string::npos) << out;
    EXPECT_LT(out.find("zeta:"), out.find("alpha:")) << out;
}

}  // namespace
}  // namespace lacquer
