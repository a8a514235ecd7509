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

// Settings of chain.compressor, chain.saturation and chain.trim into a chain's settings object
// (the render certificate; shown in the HTML report's settings tables).
void addToolSettings(const ChainParams& chain, nlohmann::json& settings);
// The compressor's static curve ("compressor_curve": in_db, out_db for a steady level) and the
// saturator's transfer curve ("saturation_curve": in, out as sample values) for the plots.
void addToolCurves(const ChainParams& chain, nlohmann::json& settings);

}  // namespace lacquer::render
