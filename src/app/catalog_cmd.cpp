// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer catalog plan|run|status` (and the internal `job` and `summarize` that the engines run).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "app/commands.hpp"
#include "app/render_cli.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"

namespace lacquer::app {
namespace fs = std::filesystem;

namespace {

struct CatalogArgs {
    std::string catalog;
    std::string outDir;
    std::vector<std::string> variants;
    std::string device;
    std::string engine = "local";
    unsigned jobs = 0;
    catalog::SlurmOptions slurm;
    bool json = false;
    // internal
    std::string runFile;
    long index = -1;
    long taskOffset = -1;
};

CatalogArgs args;
CLI::App *planCmd, *runCmd, *statusCmd, *jobCmd, *summarizeCmd;

// The lacquer binary the jobs run: this one (on a cluster it must sit on a shared path).
fs::path selfExe() {
    std::error_code ec;
    const auto p = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw Error(ErrorKind::Io, "/proc/self/exe", "cannot be read: " + ec.message(), "run lacquer on Linux");
    return p;
}

catalog::Plan makePlan(const std::string& engine) {
    const catalog::Catalog c = catalog::load(args.catalog);
    catalog::RunOptions o;
    // The command line wins over the catalogue's shared settings; ./out is the default as for render.
    o.outDir = fs::absolute(!args.outDir.empty() ? fs::path(args.outDir) : c.settings.outDir.value_or("out")).lexically_normal();
    o.variants = !args.variants.empty() ? args.variants : c.settings.variants;
    o.device = !args.device.empty() ? args.device : c.settings.device.value_or("auto");
    parseDevice(o.device);  // a usage error now, not one per album later
    auto plan = catalog::planRun(c, o);
    plan.engine = engine;
    return plan;
}

int runPlan() {
    const auto plan = makePlan("local");
    std::fputs(catalog::planText(plan).c_str(), stdout);
    return plan.count(catalog::Action::Invalid) ? 2 : 0;
}

int runRun() {
    if (args.engine != "local" && args.engine != "slurm")
        throw Error(ErrorKind::Usage, "--engine " + args.engine, "no such engine", "use local or slurm");
    const auto plan = makePlan(args.engine);
    std::fputs(catalog::planText(plan).c_str(), stderr);
    catalog::writeRunFile(plan);
    catalog::recordPlannedOutcomes(plan);
    if (args.engine == "local") return catalog::runLocal(plan, args.jobs ? args.jobs : catalog::defaultLocalJobs(), selfExe());
    return catalog::runSlurm(plan, args.slurm, selfExe());
}

int runStatus() {
    const auto st = catalog::status(fs::absolute(args.outDir.empty() ? "out" : args.outDir));
    std::fputs(args.json ? (st.dump(2) + "\n").c_str() : catalog::statusText(st).c_str(), stdout);
    return 0;
}

int runJobCmd() {
    const auto plan = catalog::readRunFile(args.runFile);
    std::size_t index = 0;
    if (args.taskOffset >= 0) {
        // A Slurm array task: the (offset + SLURM_ARRAY_TASK_ID)-th album to render.
        const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
        if (!task) throw Error(ErrorKind::Usage, "--task-offset", "needs SLURM_ARRAY_TASK_ID", "run it as a Slurm array task");
        std::size_t n = static_cast<std::size_t>(args.taskOffset) + std::stoul(task);
        std::size_t i = 0;
        for (; i < plan.albums.size(); ++i)
            if (plan.albums[i].action == catalog::Action::Render && n-- == 0) break;
        if (i == plan.albums.size()) throw Error(ErrorKind::Usage, "task " + std::string(task), "is past the run's albums", "resubmit the catalogue");
        index = i;
    } else {
        if (args.index < 0 || static_cast<std::size_t>(args.index) >= plan.albums.size())
            throw Error(ErrorKind::Usage, "--index", "out of range", "give an album index of the run file");
        index = static_cast<std::size_t>(args.index);
    }
    return catalog::runJob(plan, index, parseDevice(plan.options.device));
}

int runSummarize() {
    const auto rep = catalog::summarize(fs::absolute(args.runFile));
    std::printf("%s\n", catalog::summaryLine(rep).c_str());
    return catalog::summaryExitCode(rep);
}

}  // namespace

CLI::App* addCatalogCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("catalog", "Master a whole catalogue: many albums as independent, content-addressed jobs");
    cmd->require_subcommand(1);
    auto common = [](CLI::App* c) {
        c->add_option("catalog", args.catalog, "a folder of album folders (each with album.yaml) or a catalogue YAML file")->required();
        c->add_option("--out,-o", args.outDir, "output root: each album renders into OUT/<album>/ (default: the catalogue's `out`, else ./out)");
        c->add_option("--variant", args.variants, "render only this variant (repeatable; default: the catalogue's `variants`, else all)");
        c->add_option("--device", args.device, "convolution device: auto, cpu or a Vulkan index (default: the catalogue's `device`, else auto)");
    };
    planCmd = cmd->add_subcommand("plan", "Validate every album (all errors at once) and print what a run would do");
    common(planCmd);
    runCmd = cmd->add_subcommand("run", "Render every album that is new or changed; skip unchanged ones");
    common(runCmd);
    runCmd->add_option("--engine", args.engine, "local (child processes here) or slurm (one job array)")->capture_default_str();
    runCmd->add_option("-j,--jobs", args.jobs, "local: albums at once (default: from cores and the render's memory budget)");
    runCmd->add_option("--throttle", args.slurm.throttle, "slurm: at most K array tasks at once (%K)");
    runCmd->add_flag("--gpu", args.slurm.gpu, "slurm: ask for one GPU per task (--gres=gpu:1)");
    runCmd->add_option("--partition", args.slurm.partition, "slurm: partition");
    runCmd->add_option("--account", args.slurm.account, "slurm: account");
    runCmd->add_option("--mem", args.slurm.memMiB, "slurm: MiB per task (default: the render's album budget)");
    runCmd->add_option("--cpus-per-task", args.slurm.cpusPerTask, "slurm: CPUs per task");
    runCmd->add_option("--sbatch-arg", args.slurm.extra, "slurm: one more sbatch option, passed through (repeatable), e.g. --sbatch-arg=--time=30");
    runCmd->add_flag("--wait", args.slurm.wait, "slurm: block until the catalogue is done (exit code as for the local engine)");
    statusCmd = cmd->add_subcommand("status", "Show a run's progress from the jobs' result records");
    statusCmd->add_option("out", args.outDir, "the run's output root (default: ./out)");
    statusCmd->add_flag("--json", args.json, "print JSON");
    jobCmd = cmd->add_subcommand("job", "(internal) render one album of a run");
    jobCmd->group("");
    jobCmd->add_option("run", args.runFile, "run file or output root")->required();
    jobCmd->add_option("--index", args.index, "album index in the run");
    jobCmd->add_option("--task-offset", args.taskOffset, "Slurm: the offset of this array's first album to render");
    summarizeCmd = cmd->add_subcommand("summarize", "(internal) write the catalogue report of a run");
    summarizeCmd->group("");
    summarizeCmd->add_option("out", args.runFile, "the run's output root")->required();
    return cmd;
}

int runCatalog() {
    if (*planCmd) return runPlan();
    if (*runCmd) return runRun();
    if (*statusCmd) return runStatus();
    if (*jobCmd) return runJobCmd();
    if (*summarizeCmd) return runSummarize();
    return 2;
}

}  // namespace lacquer::app
