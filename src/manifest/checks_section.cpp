// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/checks_section.hpp"

namespace lacquer::manifest::detail {

checks::Config readChecksSection(Checker& checker, const Node* node) {
    checks::Config config;
    const auto keys = checks::checkKeys();
    MapView m(checker, node, "checks", keys, "in checks");
    if (!m.valid()) return config;
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (auto level = m.choice(keys[i], {"off", "warn", "fail"}))
            config.level[i] = static_cast<checks::Level>(*level);
    return config;
}

}  // namespace lacquer::manifest::detail
