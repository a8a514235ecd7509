// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Manifest rules that come from what stores and distributors publish: the C and P lines, and
// the store guards checked when inputs are probed (cover art, upsampled delivery rates).
// docs/delivery.md, *Store guards*, lists each rule with its source.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "lacquer/manifest/plan.hpp"
#include "manifest/checker.hpp"

namespace lacquer::manifest::detail {

// A copyright (C) or phonographic copyright (P) line: "YYYY owner". ID3v2.4 (TCOP, TPRO) says
// the string "must begin with a year and a space character"; distributors ask for the same
// "year + owner" line. Reports a manifest error at the value otherwise.
void readCopyrightLine(Checker& c, MapView& m, std::string_view key, std::string& out);

// Published minimum cover size (Ditto Music, DistroKid's recommendation, other distributors).
constexpr int kMinCoverPixels = 3000;

// The cover's store warnings (size, square, colour model), one message each. `at` is the cover's
// manifest position. (A cover over a FLAC picture block's limit is an error of
// render::checkLimits, which validate and render both call: render/limits.hpp.)
void checkCoverForStores(Checker& c, const Node& at, const std::string& written,
                         const std::filesystem::path& path);

// Warns for each variant delivered at a hi-res rate (above 48 kHz) higher than every mix's
// rate: upsampled, not hi-res. (44.1 kHz mixes at a 48 kHz streaming rate are a rate
// conversion, not a hi-res claim; the CD's 44.1 kHz is fixed by the Red Book.)
void warnUpsampledVariants(const AlbumPlan& plan, int highestSourceRateHz);

// The guards above hold their warnings until the manifest has proved valid (an error path prints
// only its errors); this prints them through log::warning when `emit`, and clears them either
// way. Not thread-safe: manifests are loaded by one thread.
void emitStoreWarnings(bool emit);

}  // namespace lacquer::manifest::detail
