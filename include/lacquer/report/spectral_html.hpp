// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The report page's "Spectral stages" section: for each reference-match curve, the source,
// reference and result spectra, the match curve, and the result's residual per octave band; for
// noise reduction, the noise profile and the reduction per track. Reads report.json's "spectral"
// member (docs/report.md); pure, never throws. Empty when the render ran no spectral stage.
#include <nlohmann/json.hpp>
#include <string>

namespace lacquer::report {

std::string spectralSection(const nlohmann::json& spectral);

}  // namespace lacquer::report
