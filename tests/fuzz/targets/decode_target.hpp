// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fuzz target body for the decode front end (io::probe, then io::decode as analyze reads a file,
// then io::FileSource read backwards, seeking on every read), shared by fuzz_decode.cpp and
// replay_test.cpp. The input is written to a file first: libsndfile reads files. Any input must end in audio or a lacquer::Error of kind
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
        AudioBuffer audio;
        try {
            const io::AudioInfo info = io::probe(path);
            if (info.frames <= 0 || info.channels < 1) std::abort();  // probe refuses these
            audio = io::decode(path, channels);
            if (static_cast<std::int64_t>(audio.frames()) != info.frames) std::abort();
            for (const auto& ch : audio.samples)
                for (const float v : ch)
                    if (!std::isfinite(v)) std::abort();  // decode refuses NaN/Inf
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Input) std::abort();
        }
        // The renderer reads through io::FileSource: read it backwards in blocks (every read
        // seeks), at most 32 of them. Each must give decode's samples (zeros past the end) or an
        // Input error.
        try {
            const io::FileSource source(path, channels);
            const std::size_t block = size % 4093 + 1;
            AudioBuffer buffer(source.channels(), block, source.sampleRateHz());
            std::size_t from = source.frames() > block ? source.frames() - block : 0;
            for (int k = 0; k < 32; ++k) {
                source.read(from, buffer.view());
                for (std::size_t c = 0; c < buffer.samples.size(); ++c)
                    for (std::size_t i = 0; i < block; ++i) {
                        const float v = buffer.samples[c][i];
                        if (!std::isfinite(v)) std::abort();
                        const bool known = c < audio.samples.size() && from + i < audio.frames();
                        if (known && v != audio.samples[c][from + i]) std::abort();
                        if (from + i >= source.frames() && v != 0.0f) std::abort();
                    }
                if (from == 0) break;
                from = from > block ? from - block : 0;
            }
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Input) std::abort();
        }
    }
    std::remove(path.c_str());
    return 0;
}

}  // namespace lacquer::fuzz
