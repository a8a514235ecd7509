// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::manifest {

enum class CheckInputs { No, Yes };

// Reads, validates and resolves a manifest. Throws lacquer::Error(ErrorKind::Manifest) carrying
// one Diagnostic per problem found (all of them, not only the first), each located
// "album.yaml:LINE:COL". With CheckInputs::Yes, every input file (mixes, IRs, cover) is also
// opened and probed, and unreadable or unsupported ones are reported at the line that names them.
AlbumPlan load(const std::filesystem::path& manifestPath, CheckInputs checkInputs = CheckInputs::Yes);

// Same, from text already in memory (tests); `displayName` is used in locations and relative
// paths resolve against `baseDir`.
AlbumPlan parse(const std::string& yamlText, const std::string& displayName,
                const std::filesystem::path& baseDir, CheckInputs checkInputs = CheckInputs::Yes);

}  // namespace lacquer::manifest
