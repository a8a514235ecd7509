// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lacquer/common/error.hpp"
#include "lacquer/manifest/manifest.hpp"

namespace lacquer::test {

// Parses `yaml` as "album.yaml" in `baseDir` and returns every diagnostic line
// ("album.yaml:L:C: what — todo"), or nothing when the manifest is valid.
inline std::vector<std::string> manifestErrors(const std::string& yaml,
                                               manifest::CheckInputs check = manifest::CheckInputs::No,
                                               const std::filesystem::path& baseDir = "/albums/night") {
    try {
        manifest::parse(yaml, "album.yaml", baseDir, check);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Manifest);
        std::vector<std::string> lines;
        for (const auto& d : e.diagnostics()) lines.push_back(d.line());
        return lines;
    }
    return {};
}

// The smallest valid manifest; tests append to it or replace lines in it.
inline const std::string kMinimalManifest = R"(lacquer: 1
album:
  title: Night Drive
  artist: The Demo Band
tracks:
  - file: mixes/01.wav
    title: Intro
variants:
  streaming:
    export: { format: flac }
)";

}  // namespace lacquer::test
