// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared helpers of the hostile-input and fault tests: small albums written into a scratch folder,
// the CLI run on them, and the listing of what a render left in its output folder.
#include <sndfile.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/audio_files.hpp"
#include "lacquer/common/digest.hpp"
#include "support/paths.hpp"

namespace lacquer::hostile {

namespace fs = std::filesystem;

inline std::string cli() {
    return test::cliPath().string();
}

// Single-quoted for sh: the scratch folders are named after tests and hold no quote.
inline std::string q(const fs::path& p) {
    return "'" + p.string() + "'";
}

// A manifest around `tracksYaml` (the list items under `tracks:`) and `variantsYaml`.
inline std::string manifestText(
    const std::string& tracksYaml, const std::string& extraTop = "",
    const std::string& variantsYaml =
        "  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n") {
    return "lacquer: 1\nalbum: { title: Hostile, artist: Tester }\nprocessing: { sample_rate: 48000 }\n" +
           extraTop + "tracks:\n" + tracksYaml + "variants:\n" + variantsYaml;
}

inline void writeText(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// `seconds` of music-like noise at 44.1 kHz, 16-bit WAV.
inline void writeMix(const fs::path& file, double seconds, unsigned seed = 1) {
    fs::create_directories(file.parent_path());
    test::writeAudio(file, test::musicNoise(seconds, 44100, 2, seed), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

// Runs `lacquer render DIR/album.yaml --out DIR/out <extra>`; stdout+stderr into `out`.
inline int render(const fs::path& dir, std::string* out, const std::string& extra = "") {
    return test::runCommand(
        cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out") + " " + extra, out);
}

// Every entry under `outDir` (relative, generic form, sorted), the lock file left out: what a
// user would find there.
inline std::vector<std::string> leftovers(const fs::path& outDir) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::exists(outDir, ec)) return names;
    for (const auto& e : fs::recursive_directory_iterator(outDir)) {
        if (e.path().filename() == ".lacquer.lock") continue;
        names.push_back(fs::relative(e.path(), outDir).generic_string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Only regular files, no folders.
inline std::vector<std::string> leftoverFiles(const fs::path& outDir) {
    std::vector<std::string> names;
    for (const auto& n : leftovers(outDir))
        if (fs::is_regular_file(outDir / n)) names.push_back(n);
    return names;
}

// Every regular file under `dir` (recursively, links not followed), relative path → SHA-256: the
// state of the album folder, its inputs and its output folder, to compare before and after.
inline std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && !e.is_symlink())
            files[fs::relative(e.path(), dir).generic_string()] = sha256File(e.path());
    return files;
}

// The lines of `out` (without their '\n').
inline std::vector<std::string> lines(const std::string& out) {
    std::vector<std::string> v;
    std::size_t at = 0;
    while (at < out.size()) {
        const std::size_t eol = std::min(out.find('\n', at), out.size());
        v.push_back(out.substr(at, eol - at));
        at = eol + 1;
    }
    return v;
}

}  // namespace lacquer::hostile
