// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Decoding of anything libsndfile reads (WAV incl. EXTENSIBLE, AIFF, FLAC, Ogg; 8/16/24/32-bit
// integer, 32/64-bit float). io/ is the only code that touches files.
#include <cstdint>
#include <filesystem>
#include <memory>
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

// A file read in blocks: memory stays bounded by the block size, not by the length of the file
// (a 3-hour track at 96 kHz is 8 GB as float stereo).
//
// The constructor opens the file and makes every check decode() makes before reading audio
// (missing, a folder, 0 bytes, unreadable, not audio, truncated per libsndfile's log, header only,
// no length in the header, sample rate outside 8..768 kHz, no channels, more than kMaxChannels
// channels, or more than 2 with Channels::Stereo), throwing the same Error(ErrorKind::Input).
//
// read(from, dst) fills dst (dst.channels == channels()) with frames [from, from + dst.frames) as
// float32 in [-1, 1) (integer formats scaled, float stored as is); frames at or past frames() read
// as zeros. Every read is checked as decode() checks: a short read or a libsndfile error throws
// "truncated or corrupt: audio ends at M:SS.mmm but the header promises ..."; a NaN or infinite
// sample throws "NaN sample in channel C at M:SS.mmm", the time being the sample's frame in the
// file. Only the frames a read asks for are read and checked, so a bad sample later in the file is
// reported when its block is read, not before. After a throw the source may still be read again.
// With Channels::Stereo a mono file reads as dual mono.
//
// read() may be called from several threads: one mutex guards the file, so reads are serialised.
// A read that starts where the previous one ended does not seek (libsndfile's seek re-syncs a FLAC
// stream, which costs far more than reading on); reads anywhere else seek first.
class FileSource final : public AudioSource {
public:
    explicit FileSource(const std::filesystem::path& file, Channels channels = Channels::Stereo);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    int channels() const override;         // 2 with Channels::Stereo, else as stored
    double sampleRateHz() const override;
    std::size_t frames() const override;   // as the header says (checked as it is read)
    void read(std::size_t from, const BlockView& dst) const override;

    const AudioInfo& info() const;         // the file as stored (its own channel count)
    const std::filesystem::path& path() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Reads the whole file as float32 planar. Throws Error(ErrorKind::Input) naming the file and the
// time for: a short read (truncated/corrupt: frames read vs. header, sf_error after every read),
// NaN or Inf samples, more than 2 channels with Channels::Stereo.
AudioBuffer decode(const std::filesystem::path& file, Channels channels = Channels::Stereo);

}  // namespace lacquer::io
