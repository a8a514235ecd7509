// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog_fixtures.hpp"

#include <sndfile.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "lacquer/common/digest.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer::test {
namespace fs = std::filesystem;

void makeAlbum(const fs::path& dir, const std::string& name, double seconds, unsigned seed) {
    const fs::path a = dir / name;
    fs::create_directories(a / "mixes");
    writeAudio(a / "mixes/one.wav", musicNoise(seconds, 44100, 2, seed), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    writeAudio(a / "mixes/two.wav", musicNoise(seconds, 44100, 2, seed + 1000), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    std::ofstream(a / "album.yaml") << "lacquer: 1\n"
                                       "album: { title: Album "
                                    << name
                                    << ", artist: Tester }\n"
                                       "processing: { sample_rate: 48000 }\n"
                                       "loudness: { mode: album, target_lufs: -16 }\n"
                                       "sequence: { gap_s: 0.5 }\n"
                                       "tracks:\n"
                                       "  - { file: mixes/one.wav, title: One }\n"
                                       "  - { file: mixes/two.wav, title: Two }\n"
                                       "variants:\n"
                                       "  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";
}

std::vector<std::string> makeCatalogue(const fs::path& dir, int count, double seconds) {
    for (int i = 1; i <= count; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "a%02d", i);
        makeAlbum(dir, name, seconds, static_cast<unsigned>(i));
    }
    // a07: two mistakes, so "all errors at once" can be seen.
    std::ofstream(dir / "a07/album.yaml") << "lacquer: 1\n"
                                             "album: { title: Broken, artist: Tester, colour: blue }\n"
                                             "loudness: { mode: album, target_lufs: 5 }\n"
                                             "tracks:\n"
                                             "  - { file: mixes/one.wav, title: One }\n"
                                             "variants:\n"
                                             "  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";
    fs::remove(dir / "a12/mixes/two.wav");
    return {"a07", "a12"};
}

void changeMix(const fs::path& albumDir, unsigned seed, double seconds) {
    writeAudio(albumDir / "mixes/one.wav", musicNoise(seconds, 44100, 2, seed), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

int lacquer(const std::string& args, std::string* out) { return runCommand(cliPath().string() + " " + args, out); }

nlohmann::json readJson(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return nullptr;
    return nlohmann::json::parse(in, nullptr, false);
}

std::vector<std::pair<std::string, std::string>> treeHashes(const fs::path& dir) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const auto rel = fs::relative(e.path(), dir).generic_string();
        if (rel == "report.json") {
            // report.json's "timing" (wall and CPU seconds per stage, issue 13) is the one part of a
            // render that differs between runs; everything else must be byte for byte the same.
            auto j = readJson(e.path());
            if (j.is_object()) j.erase("timing");
            out.emplace_back(rel, j.dump());
        } else {
            out.emplace_back(rel, sha256File(e.path()));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

unsigned long inodeOf(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return 0;
    return static_cast<unsigned long>(st.st_ino);
}

}  // namespace lacquer::test
