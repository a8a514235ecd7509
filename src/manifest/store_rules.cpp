// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/store_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest::detail {

void readCopyrightLine(Checker& c, MapView& m, std::string_view key, std::string& out) {
    const Node* v = m.get(key);
    if (!v) return;
    const auto t = c.text(*v, key, false);
    if (!t) return;
    const std::string& s = *t;
    const bool yearFirst = s.size() > 5 && std::all_of(s.begin(), s.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                           s[4] == ' ' && s[5] != ' ';
    if (!yearFirst) {
        c.error(*v, fmt::format("{} '{}' does not begin with a year and a space", key, printable(s)),
                fmt::format("write it as \"{}\" (ID3v2.4 {} and store metadata want the year, then the owner)",
                            key == "copyright" ? "2026 Label Name" : "2026 Rights Owner", key == "copyright" ? "TCOP" : "TPRO"));
        return;
    }
    out = s;
}

}  // namespace lacquer::manifest::detail
