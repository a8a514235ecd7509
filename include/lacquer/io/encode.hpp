// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Encoders for delivery files. Input audio must already be quantised to the target word length
// (values k / 2^(bits-1)); the encoders convert exactly and never dither or clip on their own
// (libsndfile clipping is on as a last guard). Every file is written through AtomicFile.
#include <filesystem>
#include <optional>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::io {

struct Tags {
    std::string title, artist, album, albumArtist, date, genre, composer, isrc, catalog;
    int trackNumber = 0, trackTotal = 0, discNumber = 0, discTotal = 0;
    // ReplayGain 2.0 (reference -18 LUFS); written when set.
    std::optional<double> trackGainDb, trackPeak, albumGainDb, albumPeak;
    std::optional<std::filesystem::path> cover;  // front cover, PNG or JPEG
};

enum class WavSampleFormat { Pcm16, Pcm24, Float32 };

// FLAC through libFLAC (verify on, MD5 and total samples in STREAMINFO, SEEKTABLE every 10 s,
// 8 KiB PADDING), then tagged through TagLib (Vorbis comments + front-cover PICTURE).
// bitsPerSample: 16 or 24.
void writeFlac(const std::filesystem::path& path, const AudioBuffer& audio, int bitsPerSample, const Tags& tags);

// WAV through libsndfile: WAVE_FORMAT_PCM for 16-bit stereo, EXTENSIBLE above 16 bits, RF64 when
// the data passes 4 GiB; LIST/INFO tags (title, artist, album, date, genre, track number).
void writeWav(const std::filesystem::path& path, const AudioBuffer& audio, WavSampleFormat format, const Tags& tags);

}  // namespace lacquer::io
