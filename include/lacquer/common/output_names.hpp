// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The names lacquer itself keeps in an output folder, in one list: the manifest refuses a variant
// named like one of them (validate and render alike), and the output folder's rules
// (src/render/output_folder.cpp) treat them as lacquer's.
#include <array>
#include <string>
#include <string_view>

namespace lacquer::output_names {

inline constexpr std::string_view kLock = ".lacquer.lock";        // the render's lock and journal
inline constexpr std::string_view kScratch = ".lacquer-scratch";  // the album pass's scratch folder
inline constexpr std::array<std::string_view, 3> kReports = {"report.json", "report.md", "report.html"};

// Why `name` cannot be a variant's folder in the output folder, or "" when it can. Compared
// without regard to case (the folder may be on a case-insensitive file system): a report's name,
// and every name starting with '.' (lacquer's lock, scratch folder and temporaries are hidden
// names, and a hidden variant folder would be missed by a user).
std::string reservedBecause(std::string_view name);

// True when `rel` names a path inside a folder: relative, '/'-separated, no empty, "." or ".."
// component, no NUL or backslash. A path read from a report.json or the lock file's journal must
// pass before anything is done with it.
bool isInsideRelativePath(const std::string& rel);

}  // namespace lacquer::output_names
