// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// verify's check of the render's inputs: report.json's "job" section against the inputs the
// manifest names today (lacquer/render/job_key.hpp).
#include <nlohmann/json.hpp>
#include <vector>

#include "lacquer/manifest/plan.hpp"
#include "lacquer/verify/verify.hpp"

namespace lacquer::verify {

// Each input the manifest names must be listed in report.json with the same role and path; one
// that is on disk must hash to the recorded SHA-256 (one that is absent is not checked: verify may
// run where only the outputs are). Appends violations; returns the number of comparisons made.
int checkInputs(const AlbumPlan& plan, const nlohmann::json& report, std::vector<Violation>& violations);

}  // namespace lacquer::verify
