// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one reader of lacquer's own report.json (diff, verify, and the render that replaces an
// earlier one). A report.json may come from anywhere, so it is read as hostile input: opened as
// a regular file without blocking (io::InputFile), at most kMaxReportBytes, parsed with nesting
// bounded to kMaxReportDepth (the parser and every recursive reader after it stay shallow), and
// checked against the report's schema. Every failure is one Error line, with a position for
// malformed JSON and never the JSON library's own text.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "lacquer/common/error.hpp"

namespace lacquer::report {

inline constexpr std::uint64_t kMaxReportBytes = 256ull << 20;  // a 3-hour, 24-track render's is ~10 MiB
inline constexpr int kMaxReportDepth = 32;                     // lacquer writes at most 7 levels

// Parses and schema-checks report text. `where` names it in messages. Throws Error(kind):
//   "<where>: is not valid JSON: syntax error at line L, column C — <todo>"
//   "<where>: is nested deeper than 32 levels; a lacquer report.json is not — <todo>"
//   "<where>: is not a lacquer report: <what> — <todo>"
nlohmann::json parseReport(const std::string& text, const std::string& where, ErrorKind kind, const std::string& todo);

// Reads `file` (a folder is refused, naming the report.json inside it) and parses it as above.
nlohmann::json readReportFile(const std::filesystem::path& file, ErrorKind kind, const std::string& todo);

// The schema check alone: "" when `report` has the shape of a lacquer report.json, else what is
// wrong ("variants.streaming.files[2].path is not text").
std::string reportSchemaProblem(const nlohmann::json& report);

}  // namespace lacquer::report
