// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.json for chain.trim and the clean-up scan: what was cut, and the warnings as checks.
#include <nlohmann/json.hpp>
#include <string>

#include "lacquer/render/render.hpp"

namespace lacquer::render {

// Adds "trim" to the track's entry (when trimmed) and one passing "clean-up warning" check per
// warning to `checks`.
void addTrimJson(const ProcessedTrack& processed, const std::string& who, nlohmann::json& track, nlohmann::json& checks);

}  // namespace lacquer::render
