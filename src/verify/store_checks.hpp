// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What `lacquer verify` checks of a WAV beyond its audio: the store rules on the header (format
// code, metadata before `data`) and the tags of the `id3 ` and `bext` chunks.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "lacquer/manifest/plan.hpp"
#include "verify/tags.hpp"

namespace lacquer::verify {

struct RuleResult {
    bool holds = true;
    std::string what, expected, found;
};

// Format code: 0x0001 for integer PCM ≤ 24 bits and ≤ 2 channels, 0x0003 for float, 0xFFFE only
// above 2 channels (io::requiredWavFormatTag); no chunk after `data`. Throws Error(Io) when the
// file is not a readable WAV.
std::vector<RuleResult> wavStoreRules(const std::filesystem::path& file);

// Adds the ID3: and BEXT: fields the render writes for track `t` to `m`.
void addExpectedWavStoreTags(const AlbumPlan& plan, const TrackPlan& t, TagMap& m);

// Every WAV tag key verify compares (INFO, ID3:, BEXT:).
std::set<std::string> wavTagKeys();

}  // namespace lacquer::verify
