// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Encoders for delivery files. Input audio must already be quantised to the target word length
// (values k / 2^(bits-1)); the encoders convert exactly and never dither or clip on their own
// (libsndfile clipping is on as a last guard). Every file is written through AtomicFile.
//
// Streaming: WavWriter and FlacWriter take the audio block by block, so a file of any length is
// written in bounded memory; writeWav/writeFlac are wrappers that feed a whole buffer through them
// (the same bytes however the audio is split into blocks). Every failure (open, write, the flush
// at commit, close, fsync, rename) throws Error(ErrorKind::Io) naming the final file and the
// operation ("write failed: No space left on device"); cancellation (throwIfCancelled) is checked
// between chunks of a write(). Without a successful commit() the destructor removes the temporary:
// nothing ever appears under the final name, and a previous file of that name stays untouched.
// Not thread-safe: one writer is used by one thread at a time (different writers are independent).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <utility>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::io {

// Broadcast Wave `bext` (EBU Tech 3285 v1), WAV only: written when `originator` is not empty.
struct BroadcastInfo {
    std::string description;          // at most 256 bytes
    std::string originator;           // at most 32
    std::string originatorReference;  // at most 32
    std::string date;                 // "yyyy-mm-dd"
    std::string time;                 // "hh:mm:ss"
    std::uint64_t timeReferenceFrames = 0;  // first frame's position, in frames since the reference
};

struct Tags {
    std::string title, artist, album, albumArtist, date, genre, composer, isrc, catalog;
    // Label, copyright (C line) and phonographic copyright (P line); the lines as written,
    // "YYYY owner" (the ID3v2.4 TCOP/TPRO form).
    std::string label, copyright, phonographicCopyright;
    BroadcastInfo broadcast;
    int trackNumber = 0, trackTotal = 0, discNumber = 0, discTotal = 0;
    // ReplayGain 2.0 (reference -18 LUFS); written when set.
    std::optional<double> trackGainDb, trackPeak, albumGainDb, albumPeak;
    std::optional<std::filesystem::path> cover;  // front cover, PNG or JPEG
};

// The text fields each writer stores for `tags`, in the order it writes them, under the names
// they read back as (FLAC: Vorbis comment names; WAV: the LIST/INFO strings as libsndfile names
// them). Empty values are left out. `lacquer verify` compares a file's tags with the same lists.
using TextFields = std::vector<std::pair<std::string, std::string>>;
TextFields flacTextFields(const Tags& t);  // ReplayGain fields included; the cover is not text
TextFields wavTextFields(const Tags& t);   // LIST/INFO: TITLE ARTIST ALBUM DATE GENRE SOFTWARE TRACKNUMBER COMMENT COPYRIGHT
// The WAV `id3 ` chunk's fields under TagLib's property names (TRCK/TPOS as "n/N"): TITLE ARTIST
// ALBUM ALBUMARTIST DATE GENRE COMPOSER ISRC LABEL COPYRIGHT PRODUCEDNOTICE BARCODE TRACKNUMBER
// DISCNUMBER.
TextFields id3TextFields(const Tags& t);

enum class WavSampleFormat { Pcm16, Pcm24, Float32 };

// WAV through libsndfile: format code WAVE_FORMAT_PCM (0x0001) for 16- and 24-bit PCM and
// WAVE_FORMAT_IEEE_FLOAT (0x0003) for float up to 2 channels (stores refuse 0xFFFE there),
// EXTENSIBLE only above 2 channels, RF64 when expectedFrames' data passes 4 GiB (decided up front:
// the container is chosen before the first byte). Every metadata chunk precedes `data` (stores
// take only audio after its start): LIST/INFO (title, artist, album, date, genre, track number,
// copyright, software, ISRC as comment), `bext` when tags.broadcast.originator is set, and an
// `id3 ` chunk (ID3v2.4: the same fields plus ISRC in TSRC, label TPUB, C line TCOP, P line TPRO,
// barcode), in RF64 too (whose fmt libsndfile writes as EXTENSIBLE: RF64 is past the stores'
// WAV rules, which cover RIFF files under 4 GiB).
// channels 1..kMaxChannels.
// Frame count: the header carries the frames actually written (libsndfile rewrites it at commit),
// so fewer or more frames than expectedFrames are fine, except that a plain (non-RF64) WAV cannot
// pass 4 GiB: a write() that would is refused with Error(Io).
class WavWriter {
public:
    // Creates the temporary and writes the header. Throws Error(Io) naming `path`.
    WavWriter(const std::filesystem::path& path, int channels, double sampleRateHz, WavSampleFormat format,
              const Tags& tags, std::uint64_t expectedFrames);
    ~WavWriter();  // without commit(): the temporary is removed, nothing under the final name
    WavWriter(const WavWriter&) = delete;
    WavWriter& operator=(const WavWriter&) = delete;

    // block.channels must equal the writer's; values quantised as for writeWav. Throws Error(Io)
    // (or Error(Interrupted) on cancellation); after a throw the writer can only be destroyed.
    void write(const BlockView& block);
    // Finishes the header, closes, fsyncs and renames into place. Throws Error(Io).
    void commit();
    std::uint64_t framesWritten() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// FLAC through libFLAC's stream encoder fed block by block (verify on, compression 5, MD5 and total
// samples in STREAMINFO, SEEKTABLE every 10 s of expectedFrames, 8 KiB PADDING), then tagged through
// TagLib after the encoder finishes (Vorbis comments + front-cover PICTURE), then fsynced and
// renamed into place. bitsPerSample: 16 or 24; channels 1..8.
// Frame count: STREAMINFO's total samples and MD5 are rewritten at commit from the frames actually
// written (libFLAC does it when the stream can seek, as ours can), so a count other than
// expectedFrames still gives a correct file; only the seek points follow expectedFrames (points
// past the real end stay placeholders, which decoders skip; audio past expectedFrames has none).
class FlacWriter {
public:
    FlacWriter(const std::filesystem::path& path, int channels, double sampleRateHz, int bitsPerSample,
               const Tags& tags, std::uint64_t expectedFrames);
    ~FlacWriter();
    FlacWriter(const FlacWriter&) = delete;
    FlacWriter& operator=(const FlacWriter&) = delete;

    void write(const BlockView& block);
    void commit();
    std::uint64_t framesWritten() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// MP3 (MPEG-1 Layer III, constant bitrate) through libsndfile's LAME encoder, for promo and
// client copies: float input (no word length, no dither; the render lowers each track's ceiling
// until the decoded file meets it), a Xing/LAME info frame (encoder delay
// and padding, so decoders return exactly the frames written), then an ID3v2.4 tag through TagLib
// with the id3TextFields (TSRC, TPUB, TCOP, TPRO, TXXX:BARCODE, ...) and the cover as an APIC front
// cover; no ID3v1 trailer and no ReplayGain (its values would be the master's, not the decoded
// file's, and verify holds ReplayGain to 0.01 dB of the file). sampleRateHz: 32000, 44100 or
// 48000; bitrateKbps: an MPEG-1 Layer III rate from 32 to 320; channels 1 or 2.
// libsndfile's SFC_SET_COMPRESSION_LEVEL for LAME CBR at `bitrateKbps` (32-320): libsndfile maps
// level L to int(320 - L * 288) kb/s at 32-48 kHz (mpeg_l3_encode.c); the level aims a quarter kb/s
// above the rate so the truncation lands on it. Mp3Writer and delivery's MP3 round trip use it.
double mp3CompressionLevel(int bitrateKbps);

// The largest cover Mp3Writer embeds (ID3v2.4 frames hold 256 MiB; a copy's cover need not be
// larger than FLAC's 16 MiB picture block). render::checkLimits refuses a larger one up front.
inline constexpr std::uint64_t kMaxMp3CoverBytes = 16u << 20;

class Mp3Writer {
public:
    Mp3Writer(const std::filesystem::path& path, int channels, double sampleRateHz, int bitrateKbps, const Tags& tags);
    ~Mp3Writer();
    Mp3Writer(const Mp3Writer&) = delete;
    Mp3Writer& operator=(const Mp3Writer&) = delete;

    void write(const BlockView& block);
    void commit();
    std::uint64_t framesWritten() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The whole of `audio` through a FlacWriter (expectedFrames = audio.frames()).
void writeFlac(const std::filesystem::path& path, const AudioBuffer& audio, int bitsPerSample, const Tags& tags);

// The whole of `audio` through a WavWriter (expectedFrames = audio.frames()).
void writeWav(const std::filesystem::path& path, const AudioBuffer& audio, WavSampleFormat format, const Tags& tags);

}  // namespace lacquer::io
