// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render certificate's settings: every setting of a chain that shapes the sound, and the
// designed EQ curves, as report.json carries them (`lacquer diff` compares them).
#include <nlohmann/json.hpp>
#include <vector>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::report {

// A chain's settings: eq bands, reverb, multiband, stereo, de-esser.
nlohmann::json settingsJson(const ChainParams& c);
// report.json's "chains": the album chain and each track's (settings listed only where they differ
// from the album's), each with its designed EQ curve at the processing rate.
nlohmann::json chainsJson(const AlbumPlan& plan);
// Per-band numbers (null for undefined), 0.01 resolution.
nlohmann::json bandsJson(const std::vector<double>& bands);

}  // namespace lacquer::report
