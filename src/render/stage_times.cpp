// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/stage_times.hpp"

#include <time.h>

#include <cmath>

namespace lacquer::render {

double StageTimes::processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

StageTimes::Scope::Scope(StageTimes& times, std::string stage)
    : times_(times), stage_(std::move(stage)), wall0_(std::chrono::steady_clock::now()), cpu0_(processCpuSeconds()) {}

StageTimes::Scope::~Scope() {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
    times_.add(stage_, wall, processCpuSeconds() - cpu0_);
}

void StageTimes::add(const std::string& stage, double wallS, double cpuS) {
    std::lock_guard lock(mutex_);
    for (auto& e : entries_)
        if (e.stage == stage) {
            e.wallS += wallS;
            e.cpuS += cpuS;
            return;
        }
    entries_.push_back({stage, wallS, cpuS});
}

namespace {
// Milliseconds are plenty for "where did the time go", and keep report.json readable.
double ms(double s) { return std::round(s * 1000.0) / 1000.0; }
nlohmann::json row(double wall, double cpu) {
    return {{"wall_s", ms(wall)}, {"cpu_s", ms(cpu)}, {"cores", wall > 0 ? std::round(cpu / wall * 100.0) / 100.0 : 0.0}};
}
}  // namespace

nlohmann::json StageTimes::toJson() const {
    std::lock_guard lock(mutex_);
    nlohmann::json stages = nlohmann::json::array();
    double wall = 0, cpu = 0;
    for (const auto& e : entries_) {
        nlohmann::json r = row(e.wallS, e.cpuS);
        r["stage"] = e.stage;
        stages.push_back(std::move(r));
        wall += e.wallS;
        cpu += e.cpuS;
    }
    return {{"stages", stages}, {"total", row(wall, cpu)}};
}

}  // namespace lacquer::render
