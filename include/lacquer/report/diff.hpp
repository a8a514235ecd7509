// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `lacquer diff`: what changed between two renders' report.json, as readable lines, so an engineer
// sees what a manifest edit did.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lacquer::report {

// One line per changed leaf, "<where>: <field>: <A> → <B> (<B−A>)", for example
//   streaming: track 3 (Glass Garden): integrated_lufs: -14.02 → -13.50 (+0.52)
//   chains: album: eq #2 (lowshelf): gain_db: 1 → 1.5 (+0.5)
//   streaming: file streaming/01 - First Light.flac: sha256: 3fa2c1d0e9f1… → 77b04c2a11de…
// The whole document is compared generically, so any setting under "chains", "settings" or a key
// added later shows up without code here. Variants are matched by name, tracks and timeline
// entries by "number", files by "path", checks by "name" (not by position), so a reordered or
// inserted track does not make every later line differ. Long numeric arrays (plots, curves) are
// summarised in one line: how many values changed and the largest change. An empty result means
// the reports agree. Never throws for well-formed JSON of any shape.
std::vector<std::string> diffReports(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace lacquer::report
