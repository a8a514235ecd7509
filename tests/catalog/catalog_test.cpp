// SPDX-License-Identifier: GPL-3.0-or-later
// The catalogue: reading, planning, job keys, the local engine end to end, the report.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "catalog_fixtures.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/job_key.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::lacquer;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::vector<std::string> errorLines(const Error& e) {
    std::vector<std::string> v;
    for (const auto& d : e.diagnostics()) v.push_back(d.line());
    return v;
}

// ---------------------------------------------------------------------------------------------
// Reading a catalogue

TEST(CatalogFile, ReadsManifestsAndSharedSettings) {
    const auto dir = test::scratchDir();
    std::ofstream(dir / "catalog.yaml") << "lacquer_catalog: 1\n"
                                           "# shared settings\n"
                                           "out: masters\n"
                                           "variants: [streaming]\n"
                                           "device: cpu\n"
                                           "albums:\n"
                                           "  - first/album.yaml\n"
                                           "  - { manifest: second/album.yaml, name: second-2026 }\n";
    const auto c = catalog::load(dir / "catalog.yaml");
    ASSERT_EQ(c.albums.size(), 2u);
    EXPECT_EQ(c.albums[0].name, "first");
    EXPECT_EQ(c.albums[0].manifest, dir / "first/album.yaml");
    EXPECT_EQ(c.albums[1].name, "second-2026");
    EXPECT_EQ(c.settings.outDir, dir / "masters");
    EXPECT_EQ(c.settings.variants, std::vector<std::string>{"streaming"});
    EXPECT_EQ(c.settings.device, "cpu");
}

TEST(CatalogFile, ReportsEveryMistakeAtOnceWithLineAndColumn) {
    const auto dir = test::scratchDir();
    std::ofstream(dir / "catalog.yaml") << "lacquer_catalog: 1\n"
                                           "outt: masters\n"
                                           "albums:\n"
                                           "  - a/album.yaml\n"
                                           "  - b/a/album.yaml\n"
                                           "  - { manifest: c/album.yaml, name: ../evil }\n";
    try {
        catalog::load(dir / "catalog.yaml");
        FAIL() << "a broken catalogue was accepted";
    } catch (const Error& e) {
        const auto lines = errorLines(e);
        ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
        EXPECT_NE(lines[0].find("catalog.yaml:2:1: unknown key 'outt'"), std::string::npos) << lines[0];
        EXPECT_NE(lines[1].find("catalog.yaml:5:5: album name \"a\" is used twice"), std::string::npos) << lines[1];
        EXPECT_NE(lines[2].find("catalog.yaml:6:5: album name \"../evil\""), std::string::npos) << lines[2];
    }
}

TEST(CatalogFolder, EachSubfolderWithAnAlbumIsAnAlbum) {
    const auto dir = test::scratchDir();
    test::makeAlbum(dir, "beta", 1.0, 2);
    test::makeAlbum(dir, "alpha", 1.0, 1);
    fs::create_directories(dir / "not-an-album");
    fs::create_directories(dir / ".hidden");
    const auto c = catalog::load(dir);
    ASSERT_EQ(c.albums.size(), 2u);
    EXPECT_EQ(c.albums[0].name, "alpha");
    EXPECT_EQ(c.albums[1].name, "beta");
}

// ---------------------------------------------------------------------------------------------
// Job keys

std::string keyOf(const fs::path& manifest, const std::vector<std::string>& variants = {}, const std::string& device = "cpu") {
    return render::jobIdentity(manifest::load(manifest), variants, device).key;
}

TEST(JobKey, LayoutAndCommentsDoNotCountButEveryValueDoes) {
    const auto dir = test::scratchDir();
    test::makeAlbum(dir, "x", 1.0, 1);
    const fs::path m = dir / "x/album.yaml";
    const std::string before = keyOf(m);
    std::ifstream in(m);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Reordered keys, a comment, other spacing and quoting: the same content.
    std::string relaid = text;
    relaid.replace(relaid.find("sequence: { gap_s: 0.5 }\n"), 25, "# breathing room\nsequence:\n    gap_s: \"0.5\"\n");
    std::ofstream(m) << relaid;
    EXPECT_EQ(keyOf(m), before);
    std::string changed = text;
    changed.replace(changed.find("gap_s: 0.5"), 10, "gap_s: 0.6");
    std::ofstream(m) << changed;
    EXPECT_NE(keyOf(m), before);
}

TEST(JobKey, ChangesWithEveryInputAndOptionAndNotWithTheFolder) {
    const auto dir = test::scratchDir();
    test::makeAlbum(dir, "x", 1.0, 1);
    const fs::path m = dir / "x/album.yaml";
    const std::string base = keyOf(m);
    EXPECT_EQ(keyOf(m), base);                             // deterministic
    EXPECT_EQ(keyOf(m, {"streaming"}), base);              // all variants = the one variant named
    EXPECT_NE(keyOf(m, {}, "auto"), base);                 // the device request
    fs::rename(dir / "x", dir / "moved");                  // content-addressed: the place does not count
    EXPECT_EQ(keyOf(dir / "moved/album.yaml"), base);
    test::changeMix(dir / "moved", 99, 1.0);               // a mix's bytes do
    EXPECT_NE(keyOf(dir / "moved/album.yaml"), base);
}

// ---------------------------------------------------------------------------------------------
// The local engine end to end

// Twenty albums of 2 s mixes (a render is mostly start-up at that length: seconds in all).
constexpr int kAlbums = 20;
constexpr double kSeconds = 2.0;

TEST(CatalogLocal, PlanListsEveryAlbumAndEveryErrorOfEachBadOne) {
    const auto dir = test::scratchDir();
    test::makeCatalogue(dir / "cat", kAlbums, kSeconds);
    std::string out;
    EXPECT_EQ(lacquer("catalog plan " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu", &out), 2) << out;
    // Both of a07's mistakes, at once, each with its line and column.
    EXPECT_NE(out.find("a07/album.yaml:2:41: unknown key 'colour'"), std::string::npos) << out;
    EXPECT_NE(out.find("a07/album.yaml:3:39: target_lufs is 5, outside -40..0 LUFS"), std::string::npos) << out;
    EXPECT_NE(out.find("a12/album.yaml:8:13: file 'mixes/two.wav' does not exist"), std::string::npos) << out;
    EXPECT_NE(out.find("catalog: 20 albums: 18 to render, 0 unchanged, 2 invalid"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(dir / "out")) << "plan wrote something";
}

TEST(CatalogLocal, RendersSkipsUnchangedAndReRendersExactlyTheChangedAlbum) {
    const auto dir = test::scratchDir();
    test::makeCatalogue(dir / "cat", kAlbums, kSeconds);
    const std::string run = "catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu -j 2";
    std::string out;
    EXPECT_EQ(lacquer(run, &out), 1) << out;  // two albums failed
    const json rep = test::readJson(dir / "out/report.json");
    ASSERT_TRUE(rep.is_object()) << out;
    EXPECT_EQ(rep["totals"]["rendered"], 18) << rep.dump(2);
    EXPECT_EQ(rep["totals"]["failed"], 2);
    EXPECT_EQ(rep["totals"]["checks_failed"], 0);
    for (const auto& a : rep["albums"]) {
        const std::string name = a["name"];
        if (name == "a07" || name == "a12") {
            EXPECT_EQ(a["status"], "failed") << name;
            EXPECT_EQ(a["error"].get<std::string>().rfind("error: ", 0), 0u) << a.dump();
            EXPECT_FALSE(fs::exists(dir / "out" / name)) << name;
            continue;
        }
        EXPECT_EQ(a["status"], "rendered") << name;
        // Loudness lands on the manifest's -16 LUFS within EBU Tech 3341's ±0.1 LU (the render's own check).
        EXPECT_NEAR(a["variants"]["streaming"]["integrated_lufs"].get<double>(), -16.0, 0.1) << name;
        EXPECT_GT(a["cpu_s"].get<double>(), 0.0) << name;
        // The result record sits next to the album, and the album's report.json carries the key.
        const json rec = test::readJson(dir / "out" / (name + ".result.json"));
        EXPECT_EQ(rec["status"], "rendered");
        EXPECT_EQ(test::readJson(dir / "out" / name / "report.json")["job"]["key"], rec["key"]);
    }
    EXPECT_TRUE(fs::is_empty(dir / "out/.catalog/staging") ||
                std::all_of(fs::directory_iterator(dir / "out/.catalog/staging"), fs::directory_iterator(),
                            [](const auto& e) { return e.path().extension() == ".lock"; }))
        << "a staging folder was left behind";
    EXPECT_EQ(lacquer("verify " + q(dir / "cat/a03/album.yaml") + " --out " + q(dir / "out/a03"), &out), 0) << out;

    // Unchanged: nothing renders, nothing is rewritten.
    const auto inode = test::inodeOf(dir / "out/a03/streaming/01 - One.flac");
    EXPECT_EQ(lacquer(run, &out), 1) << out;
    EXPECT_EQ(test::readJson(dir / "out/report.json")["totals"]["skipped"], 18) << out;
    EXPECT_EQ(test::inodeOf(dir / "out/a03/streaming/01 - One.flac"), inode);

    // One mix changed: exactly that album renders again; verify of the old render notices it first.
    test::changeMix(dir / "cat/a05", 555, kSeconds);
    EXPECT_EQ(lacquer("verify " + q(dir / "cat/a05/album.yaml") + " --out " + q(dir / "out/a05"), &out), 1) << out;
    EXPECT_NE(out.find("mixes/one.wav (track 1): input changed since the render (SHA-256)"), std::string::npos) << out;
    EXPECT_EQ(lacquer("catalog plan " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu", &out), 2) << out;
    const auto line = out.substr(out.find("a05"), out.find('\n', out.find("a05")) - out.find("a05"));
    EXPECT_NE(out.find("render  a05"), std::string::npos) << out;
    EXPECT_NE(line.find("changed: track 1  key"), std::string::npos) << line;
    EXPECT_EQ(lacquer(run, &out), 1) << out;
    const json again = test::readJson(dir / "out/report.json");
    EXPECT_EQ(again["totals"]["rendered"], 1) << again.dump(2);
    EXPECT_EQ(again["totals"]["skipped"], 17);
    for (const auto& a : again["albums"]) {
        if (a["status"] == "rendered") {
            EXPECT_EQ(a["name"], "a05");
        }
    }
    EXPECT_EQ(test::inodeOf(dir / "out/a03/streaming/01 - One.flac"), inode);
    EXPECT_EQ(lacquer("verify " + q(dir / "cat/a05/album.yaml") + " --out " + q(dir / "out/a05"), &out), 0) << out;

    // Fixing the two bad albums: a rerun finishes only them.
    test::makeAlbum(dir / "cat", "a07", kSeconds, 7);
    test::makeAlbum(dir / "cat", "a12", kSeconds, 12);
    EXPECT_EQ(lacquer(run, &out), 0) << out;
    const json fixed = test::readJson(dir / "out/report.json");
    EXPECT_EQ(fixed["totals"]["rendered"], 2) << fixed.dump(2);
    EXPECT_EQ(fixed["totals"]["skipped"], 18);
}

// The process `lacquer catalog job` rendering `album`, found by its staging folder
// (<album>@<host>.<pid>); 0 when it did not appear within `timeoutS`.
pid_t waitForStagingPid(const fs::path& outDir, const std::string& album, double timeoutS) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    do {  // at least one look, also with no time to wait
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(outDir / ".catalog/staging", ec)) {
            const std::string n = e.path().filename().string();
            if (e.is_directory() && n.rfind(album + "@", 0) == 0) return static_cast<pid_t>(std::stol(n.substr(n.rfind('.') + 1)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return 0;
}

// A job killed mid-render (SIGTERM: it cleans up; SIGKILL: it cannot) never leaves a partial
// album, and the next run finishes exactly the albums that are missing.
TEST(CatalogLocal, KilledJobsLeaveNothingPartialAndARerunFinishesThem) {
    const auto dir = test::scratchDir();
    // Two long albums (12 s mixes: seconds of rendering, time to kill them) and one short.
    test::makeAlbum(dir / "cat", "long-term", 12.0, 1);
    test::makeAlbum(dir / "cat", "long-kill", 12.0, 2);
    test::makeAlbum(dir / "cat", "short", kSeconds, 3);
    const std::string run = "catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu -j 3";
    std::string out;
    std::thread runner([&] { lacquer(run, &out); });
    const pid_t term = waitForStagingPid(dir / "out", "long-term", 60);
    const pid_t kill = waitForStagingPid(dir / "out", "long-kill", 60);
    ASSERT_GT(term, 0);
    ASSERT_GT(kill, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the render proper
    ::kill(term, SIGTERM);
    ::kill(kill, SIGKILL);
    runner.join();
    EXPECT_FALSE(fs::exists(dir / "out/long-term")) << out;
    EXPECT_FALSE(fs::exists(dir / "out/long-kill")) << out;
    EXPECT_TRUE(fs::exists(dir / "out/short/report.json")) << out;
    EXPECT_EQ(test::readJson(dir / "out/long-term.result.json")["status"], "cancelled") << out;
    EXPECT_EQ(test::readJson(dir / "out/long-kill.result.json")["status"], "failed") << out;
    EXPECT_EQ(waitForStagingPid(dir / "out", "long-term", 0.1), 0) << "SIGTERM left its staging folder";
    EXPECT_NE(waitForStagingPid(dir / "out", "long-kill", 0.1), 0) << "SIGKILL cannot clean up: its staging folder stays";

    EXPECT_EQ(lacquer(run, &out), 0) << out;
    const json rep = test::readJson(dir / "out/report.json");
    EXPECT_EQ(rep["totals"]["rendered"], 2) << rep.dump(2);
    EXPECT_EQ(rep["totals"]["skipped"], 1);
    EXPECT_EQ(waitForStagingPid(dir / "out", "long-kill", 0.1), 0) << "the rerun did not clear the killed job's staging";
    EXPECT_EQ(lacquer("verify " + q(dir / "cat/long-kill/album.yaml") + " --out " + q(dir / "out/long-kill"), &out), 0) << out;
}

TEST(CatalogLocal, ACatalogueFileSuppliesOutVariantsAndDevice) {
    const auto dir = test::scratchDir();
    test::makeAlbum(dir, "one", 1.0, 1);
    std::ofstream(dir / "catalog.yaml") << "lacquer_catalog: 1\nout: masters\nvariants: [streaming]\ndevice: cpu\nalbums:\n"
                                           "  - { manifest: one/album.yaml, name: first }\n";
    std::string out;
    EXPECT_EQ(lacquer("catalog run " + q(dir / "catalog.yaml"), &out), 0) << out;
    const json r = test::readJson(dir / "masters/first/report.json");
    ASSERT_TRUE(r.is_object()) << out;
    EXPECT_EQ(r["job"]["options"]["device"], "cpu");
    EXPECT_EQ(lacquer("catalog status " + q(dir / "masters"), &out), 0) << out;
    EXPECT_NE(out.find("rendered  first"), std::string::npos) << out;
    EXPECT_NE(out.find("catalog: 1/1 finished: 1 rendered"), std::string::npos) << out;
}

TEST(CatalogLocal, AVariantTheManifestLacksIsAnErrorOfThatAlbum) {
    const auto dir = test::scratchDir();
    test::makeAlbum(dir / "cat", "one", 1.0, 1);
    std::string out;
    EXPECT_EQ(lacquer("catalog plan " + q(dir / "cat") + " --variant vinyl", &out), 2) << out;
    EXPECT_NE(out.find("no variant 'vinyl' (asked for by the catalogue) — the manifest has: streaming"), std::string::npos) << out;
}

TEST(CatalogLocal, DefaultJobsFitCoresAndMemory) {
    const unsigned j = catalog::defaultLocalJobs();
    EXPECT_GE(j, 1u);
    EXPECT_LE(j, std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace lacquer
