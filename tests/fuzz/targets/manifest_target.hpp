// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fuzz target body for the manifest parser, shared by the libFuzzer driver (fuzz_manifest.cpp)
// and the corpus replay test (replay_test.cpp). Any input must end in an AlbumPlan or a
// lacquer::Error whose diagnostics are one line each; anything else (another exception, a crash,
// a sanitizer report, a multi-line diagnostic) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/manifest/manifest.hpp"

namespace lacquer::fuzz {

inline int manifestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)manifest::parse(text, "album.yaml", "/nonexistent-lacquer-fuzz", manifest::CheckInputs::No);
    } catch (const Error& e) {
        if (e.diagnostics().empty()) std::abort();
        // One printable line per diagnostic: no control character may reach the terminal.
        for (const auto& d : e.diagnostics())
            for (const char c : d.line())
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
    }
    return 0;
}

}  // namespace lacquer::fuzz
