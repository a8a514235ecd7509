// SPDX-License-Identifier: GPL-3.0-or-later
// The Slurm engine against a real one-node Slurm cluster (slurmctld, slurmd, munge), which
// tools/test starts before the tests (tools/slurm-local start) and stops after. Not a mock of
// sbatch: real arrays, dependencies, scancel. Outside CI the tests skip when no cluster answers;
// in CI (CI=true) they fail instead.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "catalog_fixtures.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::lacquer;
using test::runCommand;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

bool slurmRunning() {
    std::string out;
    return runCommand("sinfo -h -o %T", &out) == 0 && (out.find("idle") != std::string::npos || out.find("mix") != std::string::npos ||
                                                       out.find("alloc") != std::string::npos);
}

#define REQUIRE_SLURM()                                                                                             \
    if (!slurmRunning()) {                                                                                          \
        const char* ci = std::getenv("CI");                                                                         \
        if (ci && std::string(ci) == "true") FAIL() << "no Slurm cluster answers (tools/test starts one with tools/slurm-local start)"; \
        GTEST_SKIP() << "Slurm is not running: start the one-node cluster with `tools/slurm-local start` (as root), "   \
                        "or run tools/test, which starts and stops it";                                             \
    }

// Waits until no job of `ids` (comma-separated) is known to squeue.
void waitForJobs(const std::string& ids, double timeoutS) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    while (std::chrono::steady_clock::now() < until) {
        std::string out;
        if (runCommand("squeue -h -o %i -j " + ids, &out) != 0 || out.find_first_not_of(" \n") == std::string::npos) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "jobs " << ids << " did not end within " << timeoutS << " s";
}

constexpr int kAlbums = 20;
constexpr double kSeconds = 2.0;  // a few seconds of audio per album: the tests stay fast

// About 20 small albums with one broken manifest and one missing input; then a changed mix; and
// every album byte for byte the same as the local engine renders it.
TEST(CatalogSlurm, RendersACatalogueAsAJobArrayLikeTheLocalEngine) {
    REQUIRE_SLURM();
    const auto dir = test::scratchDir();
    test::makeCatalogue(dir / "cat", kAlbums, kSeconds);
    const std::string slurmRun = "catalog run " + q(dir / "cat") + " --out " + q(dir / "slurm") + " --device cpu --engine slurm --wait --throttle 4";
    std::string out;
    EXPECT_EQ(lacquer(slurmRun, &out), 1) << out;  // two albums failed
    EXPECT_NE(out.find("submitted job array"), std::string::npos) << out;
    const json slurm = test::readJson(dir / "slurm/.catalog/slurm.json");
    ASSERT_TRUE(slurm.is_object()) << out;
    // One array per MaxArraySize albums: tools/slurm-local sets MaxArraySize=8, so 18 albums to
    // render are three arrays (8 + 8 + 2), and the summary job depends on all three.
    EXPECT_EQ(slurm["max_array_size"], 8) << "tools/slurm-local sets MaxArraySize=8";
    EXPECT_EQ(slurm["arrays"].size(), (18 + slurm["max_array_size"].get<std::size_t>() - 1) / slurm["max_array_size"].get<std::size_t>());
    EXPECT_EQ(slurm["mem_mib"], 1792);  // render::kAlbumMemoryBudgetBytes: 1.25 GiB + 512 MiB
    const json rep = test::readJson(dir / "slurm/report.json");
    ASSERT_TRUE(rep.is_object()) << out;
    EXPECT_EQ(rep["engine"], "slurm");
    EXPECT_EQ(rep["totals"]["rendered"], 18) << rep.dump(2);
    EXPECT_EQ(rep["totals"]["failed"], 2);
    for (const auto& a : rep["albums"]) {
        const std::string name = a["name"];
        if (name == "a07" || name == "a12") {
            EXPECT_EQ(a["status"], "failed") << name;
            EXPECT_EQ(a["error"].get<std::string>().rfind("error: ", 0), 0u) << a.dump();
        } else {
            EXPECT_EQ(a["status"], "rendered") << name;
            // Written by the task itself, with its Slurm ids: status needs no Slurm accounting.
            EXPECT_TRUE(a.contains("slurm_array_job_id")) << a.dump();
        }
    }
    // The summary job (afterany) wrote the report, not the waiting command.
    EXPECT_FALSE(fs::is_empty(dir / "slurm/.catalog/logs")) << out;
    bool summaryLog = false;
    for (const auto& e : fs::directory_iterator(dir / "slurm/.catalog/logs"))
        summaryLog = summaryLog || e.path().filename().string().rfind("slurm-summary-", 0) == 0;
    EXPECT_TRUE(summaryLog);

    // Identical bytes whichever engine rendered an album (report.json included).
    EXPECT_EQ(lacquer("catalog run " + q(dir / "cat") + " --out " + q(dir / "local") + " --device cpu -j 2", &out), 1) << out;
    for (const char* name : {"a01", "a10", "a20"}) EXPECT_EQ(test::treeHashes(dir / "slurm" / name), test::treeHashes(dir / "local" / name)) << name;

    // A mix changed after the run: exactly that album renders again.
    const auto inode = test::inodeOf(dir / "slurm/a03/report.json");
    test::changeMix(dir / "cat/a09", 909, kSeconds);
    EXPECT_EQ(lacquer(slurmRun, &out), 1) << out;
    const json again = test::readJson(dir / "slurm/report.json");
    EXPECT_EQ(again["totals"]["rendered"], 1) << again.dump(2);
    EXPECT_EQ(again["totals"]["skipped"], 17);
    for (const auto& a : again["albums"]) {
        if (a["status"] == "rendered") {
            EXPECT_EQ(a["name"], "a09");
        }
    }
    EXPECT_EQ(test::inodeOf(dir / "slurm/a03/report.json"), inode) << "an unchanged album was rewritten";
    EXPECT_EQ(lacquer("verify " + q(dir / "cat/a09/album.yaml") + " --out " + q(dir / "slurm/a09"), &out), 0) << out;
    EXPECT_EQ(lacquer("catalog status " + q(dir / "slurm"), &out), 0) << out;
    EXPECT_NE(out.find("catalog: 20/20 finished: 1 rendered, 17 skipped, 2 failed"), std::string::npos) << out;
}

// The staging folder of the task rendering `album`, once it exists.
bool waitForStaging(const fs::path& outDir, const std::string& album, double timeoutS) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    do {  // at least one look, also with no time to wait
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(outDir / ".catalog/staging", ec))
            if (e.is_directory() && e.path().filename().string().rfind(album + "@", 0) == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

bool stagingLeft(const fs::path& outDir, const std::string& album) { return waitForStaging(outDir, album, 0); }

// scancel of a task mid-render (SIGTERM, then SIGKILL after KillWait) and of another with SIGKILL
// at once: neither leaves a partial album; a resubmission finishes exactly those two.
TEST(CatalogSlurm, CancelledTasksLeaveNothingPartialAndAResubmissionFinishesThem) {
    REQUIRE_SLURM();
    const auto dir = test::scratchDir();
    // 30 s mixes: a few seconds of rendering even on an idle machine with issue 13's faster chain
    // (12 s mixes once finished inside the 300 ms below), long enough to cancel the task while it
    // renders.
    test::makeAlbum(dir / "cat", "a-term", 30.0, 1);
    test::makeAlbum(dir / "cat", "b-kill", 30.0, 2);
    test::makeAlbum(dir / "cat", "c-short", kSeconds, 3);
    const std::string run = "catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu --engine slurm";
    std::string out;
    ASSERT_EQ(lacquer(run, &out), 0) << out;  // submitted, not waited for
    const json slurm = test::readJson(dir / "out/.catalog/slurm.json");
    ASSERT_TRUE(slurm.is_object()) << out;
    const std::string array = slurm["arrays"][0];
    ASSERT_TRUE(waitForStaging(dir / "out", "a-term", 60)) << "task 0 never started rendering";
    ASSERT_TRUE(waitForStaging(dir / "out", "b-kill", 60)) << "task 1 never started rendering";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the render proper
    // Tasks follow the plan's order of albums to render: a-term 0, b-kill 1, c-short 2.
    EXPECT_EQ(runCommand("scancel " + array + "_0", &out), 0) << out;
    EXPECT_EQ(runCommand("scancel --batch --signal=KILL " + array + "_1", &out), 0) << out;
    waitForJobs(array + "," + slurm["summary_job"].get<std::string>(), 120);

    EXPECT_FALSE(fs::exists(dir / "out/a-term")) << "a cancelled task published an album";
    EXPECT_FALSE(fs::exists(dir / "out/b-kill")) << "a killed task published an album";
    EXPECT_TRUE(fs::exists(dir / "out/c-short/report.json"));
    EXPECT_EQ(test::readJson(dir / "out/a-term.result.json")["status"], "cancelled") << "SIGTERM: the task records it";
    EXPECT_FALSE(stagingLeft(dir / "out", "a-term")) << "SIGTERM: the task removes its staging folder";
    EXPECT_TRUE(stagingLeft(dir / "out", "b-kill")) << "SIGKILL: nothing runs, the staging folder stays (hidden)";
    const json rep = test::readJson(dir / "out/report.json");  // the summary job ran after the array
    ASSERT_TRUE(rep.is_object());
    EXPECT_EQ(rep["totals"]["rendered"], 1) << rep.dump(2);
    EXPECT_EQ(rep["totals"]["cancelled"], 1);
    EXPECT_EQ(rep["totals"]["pending"], 1) << "the killed task wrote no record";
    EXPECT_EQ(lacquer("catalog status " + q(dir / "out"), &out), 0) << out;
    EXPECT_NE(out.find("cancelled a-term"), std::string::npos) << out;
    EXPECT_NE(out.find("pending   b-kill"), std::string::npos) << out;

    // The resubmission: only the two unfinished albums render; the killed one's leftovers go.
    EXPECT_EQ(lacquer(run + " --wait", &out), 0) << out;
    const json done = test::readJson(dir / "out/report.json");
    EXPECT_EQ(done["totals"]["rendered"], 2) << done.dump(2);
    EXPECT_EQ(done["totals"]["skipped"], 1);
    EXPECT_FALSE(stagingLeft(dir / "out", "b-kill"));
    for (const char* name : {"a-term", "b-kill"})
        EXPECT_EQ(lacquer("verify " + q(dir / "cat" / name / "album.yaml") + " --out " + q(dir / "out" / name), &out), 0) << out;
}

// `catalog run --engine slurm` returns once it has submitted; its jobs are still the output root's
// until they leave the queue: a second run (either engine) is refused, naming them. The jobs are
// submitted held (--hold), so they stay queued for as long as the test needs, with no timing.
TEST(CatalogSlurm, ARunIsRefusedWhileAnEarlierRunsJobsAreQueued) {
    REQUIRE_SLURM();
    const auto dir = test::scratchDir();
    test::makeAlbum(dir / "cat", "one", 1.0, 1);
    const std::string run = "catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --device cpu";
    std::string out;
    ASSERT_EQ(lacquer(run + " --engine slurm --sbatch-arg=--hold", &out), 0) << out;
    const json submitted = test::readJson(dir / "out/.catalog/slurm.json");
    ASSERT_TRUE(submitted.is_object()) << out;
    const std::string array = submitted["arrays"][0], summary = submitted["summary_job"];
    const std::string runId = submitted["run_id"];
    for (const std::string engine : {"local", "slurm"}) {
        EXPECT_EQ(lacquer(run + " --engine " + engine, &out), 2) << out;
        EXPECT_EQ(out, "error: " + (dir / "out").string() + ": the Slurm jobs of catalogue run " + runId + " (" + array + " " + summary +
                           ") are still queued or running in this output folder — wait for them (`lacquer catalog status " +
                           (dir / "out").string() + "`), cancel them (`scancel " + array + " " + summary + "`) or choose another --out\n");
    }
    EXPECT_EQ(test::readJson(dir / "out/.catalog/run.json")["run_id"], runId) << "the refused run replaced the run file";
    EXPECT_EQ(runCommand("scancel " + array + " " + summary), 0);
    waitForJobs(array + "," + summary, 60);
    EXPECT_EQ(lacquer(run, &out), 0) << out;
}

TEST(CatalogSlurm, SbatchOptionsArePassedThroughAndARefusalIsOneErrorLine) {
    REQUIRE_SLURM();
    const auto dir = test::scratchDir();
    test::makeAlbum(dir / "cat", "one", 1.0, 1);
    std::string out;
    EXPECT_EQ(lacquer("catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --engine slurm --partition no-such-partition", &out), 3)
        << out;
    EXPECT_NE(out.find("error: sbatch: refused the job: "), std::string::npos) << out;
    EXPECT_NE(out.find("invalid partition"), std::string::npos) << out;
    // An extra option reaches sbatch verbatim (here one it refuses, to see that it got there).
    EXPECT_EQ(lacquer("catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --engine slurm --sbatch-arg=--time=bogus", &out), 3)
        << out;
    EXPECT_NE(out.find("error: sbatch: refused the job: "), std::string::npos) << out;
    // --gpu asks for --gres=gpu:1; this cluster declares no GPUs (no GresTypes), so Slurm refuses it.
    EXPECT_EQ(lacquer("catalog run " + q(dir / "cat") + " --out " + q(dir / "out") + " --engine slurm --gpu", &out), 3) << out;
    EXPECT_NE(out.find("error: sbatch: refused the job: "), std::string::npos) << out;
    EXPECT_NE(out.find("generic resource"), std::string::npos) << out;
}

}  // namespace
}  // namespace lacquer
