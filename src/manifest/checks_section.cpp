// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/checks_section.hpp"

namespace lacquer::checks {
namespace {
constexpr std::string_view kKeys[kCheckCount] = {
    "mono_compatibility", "width_grown", "mono_source_off_centre", "heavy_compression", "tonal_shift",
    "album_level",        "dc_offset",   "clipped_source",         "clicks",            "lossy_true_peak"};

}  // namespace

std::string_view checkKey(Quality c) { return kKeys[static_cast<std::size_t>(c)]; }

std::optional<Quality> checkFromKey(std::string_view key) {
    for (std::size_t i = 0; i < kCheckCount; ++i)
        if (kKeys[i] == key) return static_cast<Quality>(i);
    return std::nullopt;
}

std::vector<std::string_view> checkKeys() { return {std::begin(kKeys), std::end(kKeys)}; }

}  // namespace lacquer::checks

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
