// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Where a render's time went: wall and CPU seconds per named stage, for report.json's "timing"
// section. A stage is timed by a Scope around it; CPU seconds are the whole process's
// (CLOCK_PROCESS_CPUTIME_ID: user + system of every thread), so a stage that runs on two cores
// for one second reports wall 1, CPU 2. Scopes must not overlap in time (renderAlbum's top-level
// stages run one after another; work inside a stage may use any number of threads). Timing a
// stage twice under one name adds up. Thread-safe.
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lacquer::render {

class StageTimes {
public:
    class Scope {
    public:
        Scope(StageTimes& times, std::string stage);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        StageTimes& times_;
        std::string stage_;
        std::chrono::steady_clock::time_point wall0_;
        double cpu0_;
    };

    Scope time(std::string stage) { return Scope(*this, std::move(stage)); }
    void add(const std::string& stage, double wallS, double cpuS);

    // {"stages": [{"stage", "wall_s", "cpu_s", "cores"}...] in first-timed order,
    //  "total": {"wall_s", "cpu_s", "cores"}}; "cores" = cpu_s / wall_s (0 for no wall time).
    nlohmann::json toJson() const;

    // CPU seconds of the whole process so far.
    static double processCpuSeconds();

private:
    struct Entry {
        std::string stage;
        double wallS = 0;
        double cpuS = 0;
    };
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
};

}  // namespace lacquer::render
