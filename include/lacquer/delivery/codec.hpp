// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Codec headroom: encode a master to Ogg Vorbis or Opus through libsndfile, decode it back and
// measure the decoded true peak. Lossy coding changes the waveform, so a master limited to a
// true-peak ceiling can decode with higher peaks; Spotify and Apple both warn that loud masters
// clip after encoding.
//
// The round trip streams: the source is read in blocks, metered, resampled (Opus) and encoded
// into a temporary file, which is then decoded in blocks and metered; the decoded audio is never
// held. Memory is libvorbis/libopus/libsoxr state and a few blocks however long the track (a
// 3-hour track at 96 kHz no longer needs five copies of itself, ~40 GB). The one thing that grows
// is libebur128's list of gating blocks in the two meters, a few bytes per 100 ms.
//
// Opus runs at 48 kHz (libsndfile accepts only 8/12/16/24/48 kHz for Opus): other rates are
// resampled to 48 kHz (libsoxr, very high quality) before encoding, and the decoded audio stays
// at 48 kHz. Likewise MP3 above 48 kHz (MPEG-1 Layer III takes 32/44.1/48 kHz) and AAC above
// 96 kHz or at a rate outside its table go to 48 kHz. Vorbis encodes at the source rate. Decoded floats are read as they come, without
// clipping, so overs above 0 dBFS are measured.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::delivery {

// Vorbis and Opus through libsndfile (libvorbis, libopus); MP3 through libsndfile's MPEG
// support (LAME to encode, mpg123 to decode); AAC-LC through FFmpeg's libavcodec (its native
// encoder and decoder; packets go from one to the other, no file).
enum class Codec { Vorbis, Opus, Aac, Mp3 };
std::string codecName(Codec c);  // "Ogg Vorbis", "Opus", "AAC", "MP3"

struct CodecOptions {
    // libsndfile's SFC_SET_COMPRESSION_LEVEL, 0 (best quality, most bits) to 1 (fewest bits).
    // The defaults land near what the services stream: measured 162 kb/s for Vorbis at 0.5
    // (Spotify's "high" is 160 kb/s) and about 130 kb/s for Opus at 0.77 (YouTube's music streams
    // are near 128-160 kb/s) on dense stereo noise at 44.1 kHz (libsndfile 1.2.0); the bit rate
    // actually produced is reported in CodecResult.
    double vorbisCompressionLevel = 0.5;
    double opusCompressionLevel = 0.77;
    // AAC-LC at 256 kb/s: Apple Music's AAC stream (Apple Digital Masters) and the rate YouTube
    // Music Premium and Spotify's web player stream AAC at.
    int aacBitrateKbps = 256;
    // MP3 CBR through LAME; libsndfile maps level 0 to 320 kb/s (measured), the rate of promo
    // and download MP3s and of Deezer's premium MP3 stream.
    double mp3CompressionLevel = 0.0;  // io::mp3CompressionLevel(kbps) for another CBR rate
};

struct CodecResult {
    Codec codec = Codec::Vorbis;
    std::size_t encodedBytes = 0;
    double bitrateKbps = 0.0;                   // encodedBytes * 8 / duration
    // Only from the AudioBuffer form below (the streaming form leaves it empty): at the source
    // rate (Vorbis) or 48 kHz (Opus).
    AudioBuffer decoded;
    std::optional<double> sourceTruePeakDbtp;   // true peak of the source (as loudness::measure)
    std::optional<double> decodedTruePeakDbtp;  // true peak of the decoded audio (as loudness::measure)
    std::optional<double> sourceIntegratedLufs;   // integrated loudness of the source and of the
    std::optional<double> decodedIntegratedLufs;  // decoded audio (BS.1770; undefined under 400 ms)
    // decoded - source true peak (dB); nullopt when either is undefined.
    std::optional<double> overshootDb() const {
        if (!sourceTruePeakDbtp || !decodedTruePeakDbtp) return std::nullopt;
        return *decodedTruePeakDbtp - *sourceTruePeakDbtp;
    }
};

// Encodes and decodes frames [from, to) of `source` (1 or 2 channels) and measures both true
// peaks, in blocks. The encoded stream goes to a temporary file in `tempDir` (a unique name,
// unlinked as soon as it is open, so nothing is left behind on any exit path, a killed process
// included); its size is encodedBytes. Throws Error(ErrorKind::Io) naming tempDir when the file
// cannot be made or written, naming the codec and libsndfile's message when libsndfile refuses,
// and passes on what source.read() throws. `source` may be read from several threads at once
// (AudioSource::read is const), so round trips of distinct ranges may run in parallel.
CodecResult codecRoundTrip(const AudioSource& source, std::size_t from, std::size_t to, Codec codec,
                           const std::filesystem::path& tempDir, const CodecOptions& options = {});

// The same round trip of a buffer in memory (tests, short programmes): the encoded stream stays
// in memory and the decoded audio is returned in CodecResult::decoded. Every figure equals the
// streaming form's for the same audio (same blocks into the same encoder; tested).
CodecResult codecRoundTrip(const AudioBuffer& source, Codec codec, const CodecOptions& options = {});

// How much a track's limiter ceiling must come down so the decoded true peak meets targetDbtp
// (0 when it already does; nullopt when the decoded peak is undefined). A first estimate: the
// codec's overshoot scales with level only approximately, so re-check after lowering.
std::optional<double> ceilingReductionDb(const CodecResult& result, double targetDbtp);

}  // namespace lacquer::delivery
