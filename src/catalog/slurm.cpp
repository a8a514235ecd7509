// SPDX-License-Identifier: GPL-3.0-or-later
// The Slurm engine: one job array per MaxArraySize albums to render (`lacquer catalog job` per
// task) and a summary job that runs when every array has ended (afterany), whatever their tasks'
// exit codes. Jobs write their own result records, so nothing here needs Slurm's accounting.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "catalog/paths.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/render/budget.hpp"

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

std::size_t defaultSlurmMemMiB() {
    return static_cast<std::size_t>(std::ceil(render::kAlbumMemoryBudgetBytes / (1024.0 * 1024.0)));
}

namespace {

// Single quotes for sh (sbatch --wrap runs its text with /bin/sh).
std::string shQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// MaxArraySize from `scontrol show config` (1001 when it cannot be read: Slurm's default). The
// largest array index is MaxArraySize - 1, so one array holds at most MaxArraySize tasks.
std::size_t maxArraySize() {
    try {
        const auto r = runCapture({"scontrol", "show", "config"});
        std::smatch m;
        static const std::regex re(R"(MaxArraySize\s*=\s*(\d+))");
        if (r.exitCode == 0 && std::regex_search(r.out, m, re)) return std::max<std::size_t>(1, std::stoul(m[1].str()));
    } catch (const Error&) {
    }
    return 1001;
}

std::string submit(std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"sbatch", "--parsable"});
    const auto r = runCapture(argv);
    if (r.exitCode != 0) {
        std::string msg = r.err.empty() ? r.out : r.err;
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
        throw Error(ErrorKind::Io, "sbatch", "refused the job: " + msg, "check the partition, account and sbatch options");
    }
    std::string id = r.out.substr(0, r.out.find_first_of(";\n"));  // "jobid" or "jobid;cluster"
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw Error(ErrorKind::Io, "sbatch", "printed no job id (\"" + r.out + "\")", "check the Slurm installation");
    return id;
}

// Job ids still known to the controller (pending, running, completing).
std::size_t liveJobs(const std::vector<std::string>& ids) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ",") + id;
    const auto r = runCapture({"squeue", "-h", "-o", "%i", "-j", list});
    if (r.exitCode != 0) return 0;  // every id already purged: "Invalid job id specified"
    std::size_t n = 0;
    for (char c : r.out) n += c == '\n';
    return n;
}

}  // namespace

int runSlurm(const Plan& plan, const SlurmOptions& o, const fs::path& lacquerExe) {
    const fs::path outDir = plan.options.outDir;
    const fs::path runPath = outDir / ".catalog" / "runs" / (plan.runId + ".json");
    const std::size_t todo = plan.count(Action::Render);
    const std::size_t chunk = maxArraySize();
    const std::size_t memMiB = o.memMiB ? o.memMiB : defaultSlurmMemMiB();
    std::vector<std::string> common;
    if (!o.partition.empty()) common.push_back("--partition=" + o.partition);
    if (!o.account.empty()) common.push_back("--account=" + o.account);

    std::vector<std::string> arrays;
    for (std::size_t offset = 0; offset < todo; offset += chunk) {
        const std::size_t n = std::min(chunk, todo - offset);
        std::vector<std::string> argv = common;
        std::string array = "--array=0-" + std::to_string(n - 1);
        if (o.throttle) array += "%" + std::to_string(o.throttle);
        argv.push_back(array);
        argv.push_back("--job-name=lacquer-catalog");
        argv.push_back("--output=" + (logDir(outDir) / "slurm-%A_%a.log").string());
        argv.push_back("--mem=" + std::to_string(memMiB) + "M");
        if (o.cpusPerTask) argv.push_back("--cpus-per-task=" + std::to_string(o.cpusPerTask));
        if (o.gpu) argv.push_back("--gres=gpu:1");
        for (const auto& e : o.extra) argv.push_back(e);
        argv.push_back("--wrap=exec " + shQuote(lacquerExe.string()) + " catalog job " + shQuote(runPath.string()) + " --task-offset " +
                       std::to_string(offset));
        arrays.push_back(submit(argv));
        log::info("catalog: submitted job array " + arrays.back() + " (" + std::to_string(n) + " albums" +
                  (o.throttle ? ", at most " + std::to_string(o.throttle) + " at once" : "") + ")");
    }
    std::vector<std::string> argv = common;
    argv.push_back("--job-name=lacquer-catalog-summary");
    argv.push_back("--output=" + (logDir(outDir) / "slurm-summary-%j.log").string());
    argv.push_back("--mem=1024M");
    if (!arrays.empty()) {
        std::string dep = "--dependency=afterany";
        for (const auto& id : arrays) dep += ":" + id;
        argv.push_back(dep);
    }
    argv.push_back("--wrap=exec " + shQuote(lacquerExe.string()) + " catalog summarize " + shQuote(outDir.string()));
    const std::string summaryJob = submit(argv);
    log::info("catalog: submitted summary job " + summaryJob + " (after the arrays end)");
    io::writeTextFile(outDir / ".catalog" / "slurm.json",
                      json{{"run_id", plan.runId}, {"arrays", arrays}, {"summary_job", summaryJob}, {"submitted_at", nowUtc()},
                           {"mem_mib", memMiB}, {"max_array_size", chunk}}
                              .dump(2) + "\n");
    if (!o.wait) {
        std::printf("catalog: submitted; follow it with `lacquer catalog status %s`\n", outDir.c_str());
        return 0;
    }

    std::vector<std::string> ids = arrays;
    ids.push_back(summaryJob);
    std::size_t shown = static_cast<std::size_t>(-1);
    for (long poll = 0; liveJobs(ids) > 0; ++poll) {
        throwIfCancelled();
        if (poll % 8 == 0) {  // progress from the records (a read per album): every few seconds only
            const auto st = catalog::status(outDir);
            const std::size_t finished = st.value("finished", std::size_t{0});
            if (finished != shown) {
                log::progress("catalog: " + std::to_string(finished) + "/" + std::to_string(plan.albums.size()) + " albums finished");
                shown = finished;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(o.pollS * 1000)));
    }
    log::endProgress();
    // The summary job wrote the report; if it did not run (cancelled), make it here.
    json report;
    std::ifstream in(outDir / "report.json");
    try {
        if (in) report = json::parse(in);
    } catch (const json::exception&) {
    }
    if (!report.is_object() || report.value("run_id", "") != plan.runId) {
        log::warning("catalog", "the summary job wrote no report for this run; writing it here");
        report = summarize(outDir);
    }
    log::info(summaryLine(report));
    return summaryExitCode(report);
}

}  // namespace lacquer::catalog
