// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Measuring written files and presenting the results (report.json per DESIGN.md, report.md).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "lacquer/common/digest.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::report {


struct FileMeasurement {
    io::AudioInfo info;
    loudness::Measurement loudness;
    std::string sha256;
};

// Decodes `file` back (as stored: native channels) and measures it, reading it in blocks (memory
// bounded by the block, not the file's length); throws io::FileSource's errors.
// With `meterOut`, the meter that measured it is handed back (album loudness over several files).
FileMeasurement measureFile(const std::filesystem::path& file, std::unique_ptr<loudness::Meter>* meterOut = nullptr);

// A number or null: undefined loudness is null, never -inf.
nlohmann::json numberOrNull(const std::optional<double>& v, int decimals = 2);

// A report.json number printed with `format` (printf, default "%.2f"); "—" for null.
std::string formatNumber(const nlohmann::json& v, const char* format = "%.2f");

// report.md: per-variant tables of targets, album and tracks, and the checks.
std::string toMarkdown(const nlohmann::json& report);

}  // namespace lacquer::report
