// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Codec headroom: encode a master to Ogg Vorbis or Opus through libsndfile (in memory, virtual
// I/O), decode it back and measure the decoded true peak. Lossy coding changes the waveform, so
// a master limited to a true-peak ceiling can decode with higher peaks; Spotify and Apple both
// warn that loud masters clip after encoding.
//
// Opus runs at 48 kHz (libsndfile accepts only 8/12/16/24/48 kHz for Opus): other rates are
// resampled to 48 kHz (libsoxr, very high quality) before encoding, and the decoded audio stays
// at 48 kHz. Vorbis encodes at the source rate. Decoded floats are read as they come, without
// clipping, so overs above 0 dBFS are measured.
#include <cstddef>
#include <optional>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::delivery {

enum class Codec { Vorbis, Opus };
std::string codecName(Codec c);  // "Ogg Vorbis", "Opus"

struct CodecOptions {
    // libsndfile's SFC_SET_COMPRESSION_LEVEL, 0 (best quality, most bits) to 1 (fewest bits).
    // The defaults land near what the services stream: measured 162 kb/s for Vorbis at 0.5
    // (Spotify's "high" is 160 kb/s) and about 130 kb/s for Opus at 0.77 (YouTube's music streams
    // are near 128-160 kb/s) on dense stereo noise at 44.1 kHz (libsndfile 1.2.0); the bit rate
    // actually produced is reported in CodecResult.
    double vorbisCompressionLevel = 0.5;
    double opusCompressionLevel = 0.77;
};

struct CodecResult {
    Codec codec = Codec::Vorbis;
    std::size_t encodedBytes = 0;
    double bitrateKbps = 0.0;                   // encodedBytes * 8 / duration
    AudioBuffer decoded;                        // at the source rate (Vorbis) or 48 kHz (Opus)
    std::optional<double> sourceTruePeakDbtp;   // loudness::measure of the source
    std::optional<double> decodedTruePeakDbtp;  // loudness::measure of the decoded audio
    // decoded - source true peak (dB); nullopt when either is undefined.
    std::optional<double> overshootDb() const {
        if (!sourceTruePeakDbtp || !decodedTruePeakDbtp) return std::nullopt;
        return *decodedTruePeakDbtp - *sourceTruePeakDbtp;
    }
};

// Encodes and decodes `source` (1 or 2 channels) and measures both true peaks. Throws
// Error(ErrorKind::Io) naming the codec and libsndfile's message when libsndfile refuses.
CodecResult codecRoundTrip(const AudioBuffer& source, Codec codec, const CodecOptions& options = {});

// How much a track's limiter ceiling must come down so the decoded true peak meets targetDbtp
// (0 when it already does; nullopt when the decoded peak is undefined). A first estimate: the
// codec's overshoot scales with level only approximately, so re-check after lowering.
std::optional<double> ceilingReductionDb(const CodecResult& result, double targetDbtp);

}  // namespace lacquer::delivery
