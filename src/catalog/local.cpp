// SPDX-License-Identifier: GPL-3.0-or-later
// The local engine: albums as child processes of the lacquer binary, a few at once.
//
// Child processes rather than threads in this process: an album's render already spreads over
// every core (tracks in parallel, FFTW and lavapipe threads), holds a Vulkan device and process-
// wide state (the cancellation flag, FFTW's planner lock), and can die of its own input; a process
// per album isolates all of that, gives each album its own peak memory and CPU time (getrusage),
// and is exactly what a Slurm task runs, so the bytes are the engine's business and not the
// album's.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "catalog/paths.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/render/budget.hpp"

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

unsigned defaultLocalJobs() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    // MemAvailable (kernel's estimate of what can be allocated without swapping), in KiB.
    double availableBytes = 0;
    std::ifstream mem("/proc/meminfo");
    std::string key;
    double kib = 0;
    std::string unit;
    while (mem >> key >> kib >> unit)
        if (key == "MemAvailable:") availableBytes = kib * 1024.0;
    const unsigned byMemory = availableBytes > 0 ? static_cast<unsigned>(availableBytes / render::kAlbumMemoryBudgetBytes) : cores;
    return std::max(1u, std::min(cores, byMemory));
}

int runLocal(const Plan& plan, unsigned jobs, const fs::path& lacquerExe) {
    const fs::path outDir = plan.options.outDir;
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < plan.albums.size(); ++i)
        if (plan.albums[i].action == Action::Render) todo.push_back(i);
    jobs = std::max(1u, jobs);
    log::info("catalog: " + std::to_string(todo.size()) + " albums to render, " + std::to_string(jobs) + " at a time (local)");

    std::map<pid_t, std::size_t> running;
    std::size_t next = 0, done = 0;
    bool cancelling = false;
    while (next < todo.size() || !running.empty()) {
        while (!cancelling && next < todo.size() && running.size() < jobs) {
            const std::size_t i = todo[next++];
            const auto& name = plan.albums[i].entry.name;
            const fs::path runPath = outDir / ".catalog" / "runs" / (plan.runId + ".json");
            const pid_t pid = spawnLogged({lacquerExe.string(), "catalog", "job", runPath.string(), "--index", std::to_string(i)},
                                          logDir(outDir) / (name + ".log"));
            running[pid] = i;
        }
        if (cancelRequested() && !cancelling) {
            cancelling = true;  // SIGINT/SIGTERM: pass it on to each child by its pid, then wait for them
            for (const auto& [pid, i] : running) ::kill(pid, SIGTERM);
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0 && running.count(pid)) {
            const std::size_t i = running[pid];
            running.erase(pid);
            ++done;
            const auto record = readRecord(outDir, plan.albums[i].entry.name);
            const std::string st = record.is_object() ? record.value("status", "?") : std::string("no record");
            log::info("catalog: [" + std::to_string(done) + "/" + std::to_string(todo.size()) + "] " + plan.albums[i].entry.name + ": " + st +
                      (record.is_object() && record.contains("error") ? "  " + record["error"].get<std::string>() : ""));
            if (!record.is_object() || record.value("run_id", "") != plan.runId) {
                // The child died before writing its record (killed): record that, for the report.
                json r = baseRecord(plan, plan.albums[i].entry.name);
                r["status"] = "failed";
                r["exit_code"] = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
                r["error"] = "error: " + plan.albums[i].entry.name + ": the job ended without a result (exit status " +
                             std::to_string(r["exit_code"].get<int>()) + ") — see " + (logDir(outDir) / (plan.albums[i].entry.name + ".log")).string();
                writeRecord(outDir, plan.albums[i].entry.name, r);
            }
            continue;
        }
        if (pid < 0 && errno == ECHILD) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto report = summarize(outDir);
    log::info(summaryLine(report));
    if (cancelling) throwIfCancelled();
    return summaryExitCode(report);
}

}  // namespace lacquer::catalog
