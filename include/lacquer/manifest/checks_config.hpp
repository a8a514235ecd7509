// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The manifest's `checks:` section as the plan holds it: the level of each quality check
// (checks/quality.hpp judges them; the manifest only names them).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace lacquer::checks {

enum class Level { Off, Warn, Fail };

enum class Quality {
    MonoCompatibility,    // inter-channel correlation and mono fold-down loss of the master
    WidthGrown,           // side/mid energy grown over the source's
    MonoSourceOffCentre,  // a mono or dual-mono source no longer centred
    HeavyCompression,     // limiter or multiband gain reduction over a limit
    TonalShift,           // an octave band moved by more than the EQ asked
    AlbumLevel,           // album mode: a track far from the album's level, unexplained by its offset
    DcOffset,             // DC in the master
    ClippedSource,        // flat-topped runs at the source's peak: the mix arrived clipped
    Clicks,               // a jump at a track edge well above the music's own steps
    LossyTruePeak,        // true peak over the ceiling after an Ogg Vorbis / Opus round trip
};
inline constexpr std::size_t kCheckCount = 10;

// The manifest key of a check (`checks: { mono_compatibility: warn }`), and back.
std::string_view checkKey(Quality c);
std::optional<Quality> checkFromKey(std::string_view key);
std::vector<std::string_view> checkKeys();

struct Config {
    std::array<Level, kCheckCount> level;
    Config() { level.fill(Level::Warn); }
    Level operator[](Quality c) const { return level[static_cast<std::size_t>(c)]; }
    bool operator==(const Config&) const = default;
};

}  // namespace lacquer::checks
