// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Manifest rules that come from what stores and distributors publish: the C and P lines.
#include <string>
#include <string_view>

#include "manifest/checker.hpp"

namespace lacquer::manifest::detail {

// A copyright (C) or phonographic copyright (P) line: "YYYY owner". ID3v2.4 (TCOP, TPRO) says
// the string "must begin with a year and a space character"; distributors ask for the same
// "year + owner" line. Reports a manifest error at the value otherwise.
void readCopyrightLine(Checker& c, MapView& m, std::string_view key, std::string& out);

}  // namespace lacquer::manifest::detail
