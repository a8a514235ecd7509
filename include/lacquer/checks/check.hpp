// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One judged rule: what `render` records in report.json's "checks" and what `lacquer verify`
// re-judges from the files. Every rule is stated once, in src/checks/, as a function from
// measurements (structs filled from the written files) to Checks; render and verify both call it.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lacquer::checks {

// Pass and Warn keep the render's exit code at 0 (report.json: "ok": true); Fail makes it 1.
enum class Status { Pass, Warn, Fail };

// "pass", "warn", "fail".
std::string_view statusName(Status s);

struct Check {
    // The rule, stable across versions and the same in render and verify ("track.loudness",
    // "track.true_peak", "album.loudness", ...): tests and tools match on it, never on `name`.
    std::string id;
    int track = 0;             // the track number the check judges; 0 = the variant as a whole
    std::string name;          // report.json's "name": "track 2 (Beta) true peak under ceiling"
    Status status = Status::Pass;
    std::string detail;        // report.json's "detail": the measurement against the target
    // How `lacquer verify` words a failure: "<failure> — expected <expected> vs found <found>".
    std::string failure, expected, found;

    bool ok() const { return status != Status::Fail; }
};

// A check that passes when `ok`, else fails.
Check judged(std::string id, int track, std::string name, bool ok, std::string detail);
// A finding that never fails the render (report.json: ok true, "severity": "warn").
Check warning(std::string id, int track, std::string name, std::string detail);

// report.json's entry: {"name", "ok", "detail"}, plus "severity": "warn" for a warning (entries
// written before severities existed read as pass/fail from "ok").
nlohmann::json toJson(const Check& c);
nlohmann::json toJson(const std::vector<Check>& cs);

// "%.2f" with -0.00 printed as 0.00: the numbers in check details.
std::string fmt2(double v);

}  // namespace lacquer::checks
