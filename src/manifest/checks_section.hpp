// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The manifest's `checks:` section: one key per quality check (checks::checkKeys()), each `off`,
// `warn` (the default) or `fail`.
#include "lacquer/manifest/checks_config.hpp"
#include "manifest/checker.hpp"

namespace lacquer::manifest::detail {

// Reads the section (absent: every check warns); mistakes are recorded on the checker.
checks::Config readChecksSection(Checker& checker, const Node* node);

}  // namespace lacquer::manifest::detail
