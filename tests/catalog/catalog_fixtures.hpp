// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small generated catalogues for the catalogue tests (local and Slurm engines).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lacquer::test {

// One album folder `dir/name` with album.yaml and two synthesised mixes of `seconds` each
// (44.1 kHz 16-bit WAV, seeded by `seed` so every album sounds different), one FLAC variant.
void makeAlbum(const std::filesystem::path& dir, const std::string& name, double seconds, unsigned seed);

// `count` albums named a01, a02, ... under dir; album a07 gets a manifest with two mistakes
// (an unknown key and an out-of-range target) and a12 names a mix that does not exist.
// Returns the names of the two bad albums.
std::vector<std::string> makeCatalogue(const std::filesystem::path& dir, int count, double seconds);

// Rewrites one mix of an album with other audio (a changed mix).
void changeMix(const std::filesystem::path& albumDir, unsigned seed, double seconds);

// Runs the lacquer CLI with `args`; returns the exit status, output in `out`.
int lacquer(const std::string& args, std::string* out = nullptr);

nlohmann::json readJson(const std::filesystem::path& file);

// Every file under `dir` (relative path → SHA-256), for byte-for-byte comparisons.
std::vector<std::pair<std::string, std::string>> treeHashes(const std::filesystem::path& dir);

// The inode of a file (a file rewritten atomically gets a new one; a skipped album keeps it).
unsigned long inodeOf(const std::filesystem::path& file);

}  // namespace lacquer::test
