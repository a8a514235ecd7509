// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/manifest: the spectral blocks of a chain (`match:`, `denoise:`), kept out of
// manifest.cpp so the resolver only calls them.
#include <optional>

#include "lacquer/denoise/denoise.hpp"
#include "lacquer/eq/match.hpp"
#include "manifest/checker.hpp"

namespace lacquer::manifest::detail {

// chain.match: { references: [files...], amount, smoothing_oct, max_boost_db, max_cut_db,
// low_hz, high_hz, scope: album | track }. Registers each reference as an input to probe.
std::optional<eq::MatchParams> readMatch(Checker& c, const Node& v);

// chain.denoise: { reduction_db, sensitivity_db, time_smoothing, profile: auto | { file,
// start_s, end_s } }. A profile file is registered as an input to probe.
std::optional<denoise::Params> readDenoise(Checker& c, const Node& v);

}  // namespace lacquer::manifest::detail
