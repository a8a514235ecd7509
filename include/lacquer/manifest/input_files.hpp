// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The input files a plan reads, by role: what a render's job key hashes and `verify` re-hashes
// (lacquer/render/job_key.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::manifest {

struct InputFile {
    std::string role;             // "track 3", "reverb ir", "cover"
    std::filesystem::path path;   // absolute
    std::string sha256;           // empty until hashed
};

// Every input file the plan reads, in a stable order: tracks, then distinct reverb IRs (album,
// variant and track chains), then the cover. Not hashed.
std::vector<InputFile> planInputs(const AlbumPlan& plan);

}  // namespace lacquer::manifest
