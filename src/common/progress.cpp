// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lacquer/common/log.hpp"

namespace lacquer::log {

ProgressMeter::ProgressMeter(double totalUnits) : total_(std::max(totalUnits, 1e-9)), start_(std::chrono::steady_clock::now()) {}

double ProgressMeter::fraction() const {
    std::lock_guard lock(mutex_);
    return std::clamp(done_ / total_, 0.0, 1.0);
}

void ProgressMeter::advance(double units, const std::string& stage) {
    {
        std::lock_guard lock(mutex_);
        done_ += units;
    }
    show(stage);
}

void ProgressMeter::show(const std::string& stage) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    progress(line(fraction(), elapsed, stage));
}

std::string ProgressMeter::duration(double s) {
    char buf[48];
    const long total = std::lround(std::max(s, 0.0));
    if (total < 60) std::snprintf(buf, sizeof buf, "%ld s", total);
    else if (total < 3600) std::snprintf(buf, sizeof buf, "%ld min %02ld s", total / 60, total % 60);
    else std::snprintf(buf, sizeof buf, "%ld h %02ld min", total / 3600, (total % 3600) / 60);
    return buf;
}

std::string ProgressMeter::line(double fraction, double elapsedS, const std::string& stage) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    char pct[16];
    std::snprintf(pct, sizeof pct, "[%3d%%] ", static_cast<int>(std::floor(fraction * 100.0)));
    std::string out = pct + stage;
    if (fraction >= 0.03 && elapsedS >= 1.0 && fraction < 1.0)
        out += " — about " + duration(elapsedS * (1.0 - fraction) / fraction) + " left";
    return out;
}

}  // namespace lacquer::log
