// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/manifest/input_files.hpp"

#include <set>

namespace lacquer::manifest {
namespace fs = std::filesystem;

std::vector<InputFile> planInputs(const AlbumPlan& plan) {
    std::vector<InputFile> inputs;
    for (const auto& t : plan.tracks) inputs.push_back({"track " + std::to_string(t.number), t.file, {}});
    std::set<fs::path> irs;
    auto addIr = [&](const ChainParams& c) {
        if (c.reverb && irs.insert(c.reverb->irPath).second) inputs.push_back({"reverb ir", c.reverb->irPath, {}});
    };
    addIr(plan.albumChain);
    for (const auto& t : plan.tracks) addIr(t.chain);
    for (const auto& v : plan.variants)
        for (const auto& c : v.trackChains) addIr(c);
    if (plan.album.cover) inputs.push_back({"cover", *plan.album.cover, {}});
    return inputs;
}

}  // namespace lacquer::manifest
