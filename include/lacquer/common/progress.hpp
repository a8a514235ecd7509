// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Progress with a percentage and the time left, on the terminal line log::progress owns.
// The work is counted in units the caller weighs (the render: one per track through the shared
// chain, one per track and variant mastered, a half per track and variant written); the time
// left is the elapsed time scaled by the work still to do, shown once 3 % is done and 1 s has
// passed (before that the rate says nothing). Thread-safe: workers may advance it concurrently.
#include <chrono>
#include <mutex>
#include <string>

namespace lacquer::log {

class ProgressMeter {
public:
    explicit ProgressMeter(double totalUnits);
    // Adds `units` of finished work and shows `stage` with the new percentage.
    void advance(double units, const std::string& stage);
    // Shows `stage` at the current percentage (a stage starting).
    void show(const std::string& stage);
    double fraction() const;

    // "[ 42%] stage — about 1 min 20 s left" (pure; what show() prints).
    static std::string line(double fraction, double elapsedS, const std::string& stage);
    // "45 s", "3 min 05 s", "1 h 02 min".
    static std::string duration(double seconds);

private:
    mutable std::mutex mutex_;
    double total_;
    double done_ = 0;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace lacquer::log
