// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What `lacquer verify` checks of a WAV's header beyond its audio: the store rules (format code,
// metadata before `data`). The `id3 ` and `bext` tags are judged with the other tags
// (checks::checkTrackTags).
#include <filesystem>
#include <string>
#include <vector>


namespace lacquer::verify {

struct RuleResult {
    bool holds = true;
    std::string what, expected, found;
};

// Format code: 0x0001 for integer PCM ≤ 24 bits and ≤ 2 channels, 0x0003 for float, 0xFFFE only
// above 2 channels (io::requiredWavFormatTag); no chunk after `data`. Throws Error(Io) when the
// file is not a readable WAV.
std::vector<RuleResult> wavStoreRules(const std::filesystem::path& file);

}  // namespace lacquer::verify
