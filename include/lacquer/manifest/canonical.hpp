// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A manifest's content independent of how it is written: its YAML tree as JSON, mapping keys
// sorted, scalars as their text. Comments, indentation, key order, flow or block style and quoting
// do not change it; any value or key does. Used for the job key (lacquer/render/job_key.hpp).
#include <filesystem>
#include <string>

namespace lacquer::manifest {

struct CanonicalManifest {
    std::string json;   // compact JSON text of the tree
    std::string bytes;  // the file as read (its SHA-256 matches AlbumPlan::manifestSha256 if unchanged)
};

// Reads and parses `manifestPath`. Throws Error(Manifest) with the parse diagnostics (a manifest
// that manifest::load accepted always parses), Error(Io) when it cannot be read.
CanonicalManifest canonicalManifest(const std::filesystem::path& manifestPath);

}  // namespace lacquer::manifest
