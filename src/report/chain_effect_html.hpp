// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.html's "What the chain did" panel for one variant: each track's source and master side
// by side (loudness, LRA, PLR, width, correlation, mono fold-down, balance), the octave-band
// change against the EQ's request, gain reduction and the reverb's wet level, from the tracks'
// "chain_effect" (render/quality_pass). Pure; a variant without the data gets a short note.
#include <nlohmann/json.hpp>
#include <string>

namespace lacquer::report {

std::string chainEffectPanel(const nlohmann::json& variant);

}  // namespace lacquer::report
