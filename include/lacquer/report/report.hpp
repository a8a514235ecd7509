// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Measuring written files and presenting the results (report.json per DESIGN.md, report.md).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/meter.hpp"

namespace lacquer::report {

std::string sha256File(const std::filesystem::path& file);
std::string sha256Text(const std::string& text);

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

// report.md: per-variant tables of targets, album and tracks, and the checks.
std::string toMarkdown(const nlohmann::json& report);

}  // namespace lacquer::report
