// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// AAC-LC in an MP4 (.m4a) container: FFmpeg's native "aac" encoder (libavcodec) muxed by
// libavformat's "ipod" muxer, tagged by TagLib::MP4 (iTunes-style atoms and a `covr` front cover),
// and the matching reader (libavformat demuxer + libavcodec decoder). libavformat, libavcodec and
// libavutil are dlopen()ed at first use (sonames of the headers built against), never linked: a
// missing library is an Error(Io) naming it and the Debian package.
//
// Encoder delay: the encoder's priming (AVCodecContext::initial_padding, 1024 samples) reaches the
// muxer as a negative first timestamp, and libavformat writes an `edts/elst` edit list whose
// media_time skips it and whose duration (movie timescale = the sample rate) is the frames
// written. decodeM4a returns exactly the frames written, aligned with the input; FFmpeg 5.1's own
// decoder trims the priming but keeps the last frame's padding (M4a.* measures both).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "lacquer/common/audio.hpp"
#include "lacquer/io/encode.hpp"

namespace lacquer::io {

// The largest cover M4aWriter embeds (as Mp3Writer's).
inline constexpr std::uint64_t kMaxM4aCoverBytes = 16u << 20;

// The fields M4aWriter stores for `tags`, under TagLib's property names (id3TextFields less
// PRODUCEDNOTICE: MP4 has no atom for the P line). TagLib::MP4 writes them as the iTunes atoms
// ©nam ©ART ©alb aART ©day ©gen ©wrt cprt, freeform ----:com.apple.iTunes:ISRC/LABEL/BARCODE,
// and trkn/disk integer pairs. `lacquer verify` compares an .m4a's properties with this list.
TextFields m4aTextFields(const Tags& t);

// The MPEG-4 sampling frequencies FFmpeg's AAC encoder takes (8-96 kHz).
bool m4aTakesRate(double rateHz);

// Writes through AtomicFile (nothing appears under `path` without commit()). 1 or 2 channels;
// bitrateKbps is the encoder's target (ABR: FFmpeg's AAC encoder has no strict CBR).
class M4aWriter {
public:
    M4aWriter(const std::filesystem::path& path, int channels, double sampleRateHz, int bitrateKbps, const Tags& tags);
    ~M4aWriter();
    M4aWriter(const M4aWriter&) = delete;
    M4aWriter& operator=(const M4aWriter&) = delete;

    void write(const BlockView& block);
    // Flushes the encoder, writes the moov (edit list included), tags it, commits.
    void commit();
    std::uint64_t framesWritten() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct M4aInfo {
    int sampleRateHz = 0;
    int channels = 0;
    std::uint64_t frames = 0;   // decoded frames after the edit list's trim
    std::int64_t bitRate = 0;   // the container's average, bits/s
};

// The header only: rate, channels, the edit list's length in frames (what decodeM4a returns).
M4aInfo probeM4a(const std::filesystem::path& path);

// Decodes an .m4a's first audio stream to planar float, block by block, honouring its edit list.
// Throws Error(Input) naming the file when it cannot be opened or decoded.
M4aInfo decodeM4a(const std::filesystem::path& path, const std::function<void(const BlockView&)>& sink);

}  // namespace lacquer::io
