// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.json settings and curves of chain.compressor, chain.saturation and chain.trim.
#include <nlohmann/json.hpp>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::report {

// Settings of chain.compressor, chain.saturation and chain.trim into a chain's settings object
// (the render certificate; shown in the HTML report's settings tables).
void addToolSettings(const ChainParams& chain, nlohmann::json& settings);
// The compressor's static curve ("compressor_curve": in_db, out_db for a steady level) and the
// saturator's transfer curve ("saturation_curve": in, out as sample values) for the plots.
void addToolCurves(const ChainParams& chain, nlohmann::json& settings);

}  // namespace lacquer::report
