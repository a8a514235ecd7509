// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `lacquer verify`: re-reads a finished render from disk and re-checks it against report.json and
// against the manifest, independently of the render's in-memory state (it can run on another
// machine, later). It decodes every file report.json lists, recomputes its SHA-256, loudness, true
// peak, sample peak, loudness range, duration, format and tags, and compares all of it with
// report.json and with the manifest's targets. docs/report.md lists every check and tolerance.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lacquer/checks/check.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::verify {

// One thing that does not hold.
struct Violation {
    std::string where;     // a file relative to the output folder, a variant name, or "report.json"
    std::string what;      // what was checked, e.g. "SHA-256 differs from report.json"
    std::string expected;  // what report.json or the manifest says (with unit)
    std::string found;     // what is on disk (with unit)
    // "verify: <where>: <what> — expected <expected> vs found <found>"
    std::string line() const;
};

struct Result {
    std::vector<Violation> violations;  // in a stable order: report-level, then per variant, per file
    int variants = 0;                   // variants checked
    int files = 0;                      // files decoded or hashed
    int checks = 0;                     // individual comparisons made
    // Per variant, the target checks verify judged from the files (src/checks/targets: the same
    // ids and names as the render's entries in report.json's "checks"), pass or fail.
    std::map<std::string, std::vector<checks::Check>> targetChecks;
    bool ok() const { return violations.empty(); }
    // "verify: 12 files in 2 variants, 340 checks: all hold" or "...: 3 violations"
    std::string summaryLine() const;
};

// Verifies the render in `outDir` (which holds report.json) against `plan`. Violations are
// returned, never thrown. Throws lacquer::Error(ErrorKind::Io) only when report.json is missing or
// is not JSON, since then nothing can be verified.
Result verifyRender(const AlbumPlan& plan, const std::filesystem::path& outDir);

}  // namespace lacquer::verify
