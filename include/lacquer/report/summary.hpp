// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render summary (printed after a render) as text and as JSON (`lacquer render --json`;
// schema in docs/cli.md), with the variants in manifest order.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lacquer::report {

// The variants of a report.json in the order the render took them (the manifest's, or the
// --variant order): report.json's "variant_order" when present, else the "variants" keys (which
// a JSON object keeps alphabetical), and any variant the order misses at the end.
std::vector<std::string> variantOrder(const nlohmann::json& report);

// Display width of UTF-8 text in terminal columns (one per code point; combining marks zero).
std::size_t displayWidth(const std::string& utf8);

// The text summary printed after a render: per variant (in order) the targets, one row per track
// with its full title (the column as wide as the longest, in terminal columns), the album line
// and the failed checks.
std::string summaryTable(const nlohmann::json& report);

// { "report": <path>, "exit_code": N, "ok": bool, "variants": [ { "name", "targets", "album",
//   "tracks": [ {number, title, file, integrated_lufs, true_peak_dbtp, gain_db, duration_s} ],
//   "checks": { "total", "failed" }, "failed_checks": [ {name, detail} ] } ] }
nlohmann::json summaryJson(const nlohmann::json& report, const std::string& reportPath, int exitCode);

}  // namespace lacquer::report
