// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A catalogue file: a small YAML list of album manifests with optional shared settings (read with
// the manifest's own YAML tree: marks, no anchors or aliases, no duplicate keys). `lacquer catalog`
// (lacquer/catalog/catalog.hpp) uses it; docs/catalog.md shows the format.
//   lacquer_catalog: 1
//   out: masters/                  # optional, relative to the file
//   variants: [streaming, cd]      # optional
//   device: cpu                    # optional
//   albums:
//     - night-drive/album.yaml                       # name: the manifest's folder name
//     - { manifest: b-sides/album.yaml, name: b-sides-2026 }
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lacquer::manifest {

struct CatalogFileAlbum {
    std::string name;                // an album folder name (validAlbumName)
    std::filesystem::path manifest;  // absolute
    std::string where;               // "catalog.yaml:7:5"
};

struct CatalogFile {
    std::optional<std::filesystem::path> outDir;  // absolute
    std::vector<std::string> variants;
    std::optional<std::string> device;
    std::vector<CatalogFileAlbum> albums;
};

// Throws Error(Io) when the file cannot be read, Error(Manifest) with every mistake at once
// (file:line:col): unknown keys, a wrong version, malformed entries, invalid or repeated names.
CatalogFile loadCatalogFile(const std::filesystem::path& file);

// Letters, digits, '.', '_', '-'; not empty, not starting with '.', at most 120 bytes.
bool validAlbumName(const std::string& name);
// A folder name as an album name: other characters become '_', leading dots are dropped.
std::string albumNameFromFolder(const std::string& folder);

}  // namespace lacquer::manifest
