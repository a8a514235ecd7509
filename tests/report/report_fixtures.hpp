// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Hand-built report.json documents for the report tests: one with only the fields render writes
// today (DESIGN.md's schema) and one with every optional field docs/report.md describes.
#include <nlohmann/json.hpp>

namespace lacquer::test {

// Two variants ("streaming": album mode with a limiter; "cd": track mode), five tracks, checks
// with one failure in "cd". No plots, timeline, chains or playback simulation.
nlohmann::json minimalReport();

// minimalReport() plus "album", "chains" (album EQ curve and a track override), and per variant
// "timeline" (a crossfade into track 2, CD index marks), "plots" (short-term loudness, limiter and
// multiband gain reduction, spectrum before/after), "settings" and "playback_simulation".
nlohmann::json fullReport();

}  // namespace lacquer::test
