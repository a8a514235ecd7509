// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fuzz target body for the decode front end (io::probe, then io::decode as a render and as
// analyze read a file), shared by fuzz_decode.cpp and replay_test.cpp. The input is written to a
// file first: libsndfile reads files. Any input must end in audio or a lacquer::Error of kind
// Input; anything else (another exception, a crash, a sanitizer report, a non-finite sample in
// decoded audio) is a finding.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"

namespace lacquer::fuzz {

inline const std::filesystem::path& decodeScratchFile() {
    static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                              ("lacquer-fuzz-decode-" + std::to_string(::getpid()) + ".bin");
    return path;
}

inline int decodeOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& path = decodeScratchFile();
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) std::abort();
        if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
        std::fclose(f);
    }
    for (const io::Channels channels : {io::Channels::Stereo, io::Channels::Native}) {
        try {
            const io::AudioInfo info = io::probe(path);
            if (info.frames <= 0 || info.channels < 1) std::abort();  // probe refuses these
            const AudioBuffer audio = io::decode(path, channels);
            if (static_cast<std::int64_t>(audio.frames()) != info.frames) std::abort();
            for (const auto& ch : audio.samples)
                for (const float v : ch)
                    if (!std::isfinite(v)) std::abort();  // decode refuses NaN/Inf
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Input) std::abort();
        }
    }
    std::remove(path.c_str());
    return 0;
}

}  // namespace lacquer::fuzz
