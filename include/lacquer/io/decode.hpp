// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Decoding of anything libsndfile reads (WAV incl. EXTENSIBLE, AIFF, FLAC, Ogg; 8/16/24/32-bit
// integer, 32/64-bit float). io/ is the only code that touches files.
#include <cstdint>
#include <filesystem>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::io {

struct AudioInfo {
    int sampleRateHz = 0;
    int channels = 0;
    std::int64_t frames = 0;
    std::string format;    // "wav", "flac", "aiff", "ogg", ...
    std::string encoding;  // "pcm16", "pcm24", "pcm32", "float32", "float64", "pcm8", "vorbis", ...
    int bitDepth = 0;      // 0 for lossy
    double durationS() const { return sampleRateHz ? static_cast<double>(frames) / sampleRateHz : 0; }
};

enum class Channels {
    Stereo,  // mono becomes dual mono; more than 2 channels is an error (mastering input)
    Native,  // as stored (analysis)
};

// Opens the header only. Throws Error(ErrorKind::Input) naming the file: missing, unreadable,
// not audio, zero frames, unsupported.
AudioInfo probe(const std::filesystem::path& file);

// Reads the whole file as float32 planar. Throws Error(ErrorKind::Input) naming the file and the
// time for: a short read (truncated/corrupt: frames read vs. header, sf_error after every read),
// NaN or Inf samples, more than 2 channels with Channels::Stereo.
AudioBuffer decode(const std::filesystem::path& file, Channels channels = Channels::Stereo);

}  // namespace lacquer::io
