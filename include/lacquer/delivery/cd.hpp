// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Red Book CD delivery: sector arithmetic, the disc layout built from the album timeline's marks,
// the CUE sheet, CD-TEXT text conversion and the Red Book checks run before rendering.
//
// Units. lacquer's "frame" is one sample of every channel (a stereo frame at 44.1 kHz). A CD
// "frame" in CUE language (the FF of MM:SS:FF) is a *sector*: 1/75 s = 588 stereo frames at
// 44.1 kHz = 2352 bytes of 16-bit stereo. To keep the two apart, this header says "sector" for the
// CD unit and "frame" for lacquer's.
//
// Facts (Red Book, as summarised in the project's delivery reference):
//   2 channels, 16-bit PCM, 44.1 kHz; 75 sectors per second, 588 frames per sector; CUE times are
//   MM:SS:FF with FF 00-74; every track and index offset is a whole number of sectors; 1 to 99
//   tracks, each at least 4 s; track 1 starts after a pregap of at least 2 s (150 sectors);
//   capacity 74:00 nominal, about 79:57 on 80-minute media; ISRC CCOOOYYNNNNN; CATALOG = EAN-13
//   (a UPC-A gets a leading 0); CD-TEXT TITLE/PERFORMER/SONGWRITER at disc and track level, at
//   most 80 characters, Latin-1.
//
// The programme. The album WAV of a CD variant (and IMAGE.DAT of the DDP) is the "programme":
//   [150 sectors of digital silence][the album timeline at 44.1 kHz][digital silence up to the
//   next sector boundary]
// so programme time equals disc time (A-time): track 1 has INDEX 00 at 00:00:00 and INDEX 01 at
// 00:02:00, and the CUE's times, the DDP's PQ times and the sectors of IMAGE.DAT all agree.
//
// Frame-alignment rule (the timeline's marks are arbitrary frames; the disc needs whole sectors):
//   * INDEX 01 (a track's start) is rounded DOWN to the sector boundary at or before the track's
//     first frame: the track gains fewer than 588 frames (13.3 ms) of whatever precedes it (the
//     gap's silence, or the previous track's tail) and never loses any of its own audio.
//   * INDEX 00 (start of the gap before a track) is rounded UP to the sector boundary at or after
//     the end of the previous track's audio, so the pregap holds only gap audio. When that lands
//     on or after INDEX 01 (gap shorter than one sector) the track has no INDEX 00.
//   * Crossfades: the next track's mark is the start of the crossfade. Rounding down moves the
//     split up to 587 frames earlier, into the previous track's audio just before the crossfade;
//     those frames play at the start of the next track's file. Nothing is cut or repeated, since
//     the files are consecutive pieces of one continuous programme; a crossfade has no INDEX 00.
//   * The programme end is padded with digital silence to a whole sector (added to the last
//     track's file), as a disc cannot end mid-sector.
// Per-track files are programme[INDEX 01 of track i, INDEX 01 of track i+1) (the last one runs to
// the end), so a gap belongs to the track before it, as on the album timeline, and a CUE splitter
// that cuts at INDEX 01 (shntool split) reproduces them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/common/error.hpp"

namespace lacquer::delivery {

inline constexpr int kCdRateHz = 44100;
inline constexpr int kCdChannels = 2;
inline constexpr std::int64_t kSectorsPerSecond = 75;
inline constexpr std::int64_t kFramesPerSector = 588;     // 44100 / 75
inline constexpr std::int64_t kBytesPerSector = 2352;     // 588 frames x 2 channels x 2 bytes
inline constexpr std::int64_t kLeadInSectors = 150;       // 2 s pregap before track 1
inline constexpr std::int64_t kMinTrackSectors = 4 * 75;  // 4 s
inline constexpr int kMaxTracks = 99;
inline constexpr std::int64_t kNominalCapacitySectors = 74 * 60 * 75;     // 74:00:00
inline constexpr std::int64_t kMaxCapacitySectors = (79 * 60 + 57) * 75;  // 79:57:00
inline constexpr std::size_t kCdTextMaxChars = 80;

// "MM:SS:FF" for a sector count (minutes get more digits past 99). sectors >= 0.
std::string msf(std::int64_t sectors);
// Parses "MM:SS:FF" (SS < 60, FF < 75); nullopt when malformed.
std::optional<std::int64_t> parseMsf(std::string_view text);

// The sector boundary at or before / at or after a frame position.
inline std::int64_t sectorAtOrBefore(std::int64_t frame) {
    return frame / kFramesPerSector;
}
inline std::int64_t sectorAtOrAfter(std::int64_t frame) {
    return (frame + kFramesPerSector - 1) / kFramesPerSector;
}

// ---------------------------------------------------------------------------------------------
// Metadata (UTF-8 as in the manifest; converted to Latin-1 for CD-TEXT and the CUE sheet).
struct CdDiscMeta {
    std::string title, performer, songwriter;
    std::string catalog;  // EAN-13/UPC-A as written (empty = none); normalised by the checks
};

struct CdTrackMeta {
    std::string title, performer, songwriter;
    std::string isrc;  // empty = none; dashes allowed, normalised by the checks
};

// ---------------------------------------------------------------------------------------------
// Layout. All sectors are disc (programme) sectors: sector 0 = 00:00:00.
struct CdTrackLayout {
    int number = 0;                       // 1-based
    std::optional<std::int64_t> index00;  // start of the pregap (gap audio before the track)
    std::int64_t index01 = 0;             // track start
    std::int64_t endSector = 0;           // next track's INDEX 01, or the lead-out
    std::int64_t shiftFrames = 0;         // how far INDEX 01 moved before the track's first frame
                                          // (0..587), by the alignment rule
    std::int64_t lengthSectors() const { return endSector - index01; }
    std::size_t fileStartFrame() const { return static_cast<std::size_t>(index01 * kFramesPerSector); }
    std::size_t fileEndFrame() const { return static_cast<std::size_t>(endSector * kFramesPerSector); }
};

struct CdLayout {
    std::vector<CdTrackLayout> tracks;
    std::int64_t leadOutSector = 0;  // = programme length in sectors
    std::size_t timelineFrames = 0;  // frames of the album timeline inside the programme
    std::size_t padFrames = 0;       // silence appended to reach a whole sector
    std::size_t programmeFrames() const { return static_cast<std::size_t>(leadOutSector * kFramesPerSector); }
};

// Builds the layout from the album timeline at 44.1 kHz: marks[i] = first frame of track i's file
// (sequence::Timeline::marks / sequence::layoutMarks), trackFrames[i] = length of track i's own
// audio (its end is marks[i] + trackFrames[i]; a gap follows when that is before marks[i+1]),
// timelineFrames = the timeline's total length. Preconditions (asserted): equal sizes, marks
// increasing, marks[0] == 0.
CdLayout cdLayout(const std::vector<std::size_t>& marks, const std::vector<std::size_t>& trackFrames,
                  std::size_t timelineFrames);

// The programme: 150 sectors of silence, the timeline, silence to the layout's sector end.
// The timeline must be 44.1 kHz stereo with layout.timelineFrames frames (asserted).
AudioBuffer cdProgramme(const AudioBuffer& timeline, const CdLayout& layout);

// Per-track pieces of a programme: [INDEX 01 of i, INDEX 01 of i+1), the last to the end.
std::vector<AudioBuffer> splitCdProgramme(const AudioBuffer& programme, const CdLayout& layout);

// ---------------------------------------------------------------------------------------------
// Latin-1 (ISO 8859-1) for CD-TEXT and the CUE sheet.
struct Latin1Text {
    std::string bytes;                  // ISO 8859-1, one byte per character
    std::vector<std::string> replaced;  // the UTF-8 characters that had to be replaced (each once)
    bool invalidUtf8 = false;           // malformed UTF-8 sequences were replaced by '?'
};

// Converts UTF-8 to Latin-1. Characters outside Latin-1 are replaced: typographic quotes and
// dashes by their ASCII forms (' " -), the ellipsis by "...", everything else by '?'; control
// characters (tab, newline) by a space. Each replaced character is listed once in `replaced`.
Latin1Text toLatin1(std::string_view utf8);
// Latin-1 bytes back to UTF-8 (for messages and tests).
std::string latin1ToUtf8(std::string_view latin1);

// ---------------------------------------------------------------------------------------------
// CUE sheet.
enum class CueEncoding {
    Latin1,  // bytes as CD-TEXT carries them (what burners such as cdrdao read); default
    Utf8,    // the same text after Latin-1 conversion, re-encoded as UTF-8
};

struct CueOptions {
    std::string wavFileName = "album.wav";
    CueEncoding encoding = CueEncoding::Latin1;
    std::string comment;  // written as REM COMMENT "<comment>" when not empty
};

// The CUE sheet of a programme WAV:
//   REM COMMENT, CATALOG, disc PERFORMER/TITLE/SONGWRITER, FILE "<wav>" WAVE, then per track
//   TRACK nn AUDIO, TITLE/PERFORMER/SONGWRITER, ISRC, INDEX 00 (when there is a pregap), INDEX 01.
// Empty fields are left out; a track PERFORMER equal to the disc's is still written (players
// show it per track). Text is converted to Latin-1 (see toLatin1) and, since the CUE format has
// no escape for it, a double quote inside a title becomes a single quote ('). Lines end in CRLF
// (the CDRWin convention every reader accepts). The catalog and ISRCs are written normalised
// when valid and left out when not (checkRedBook reports them).
std::string cueSheet(const CdLayout& layout, const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                     const CueOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Red Book checks.
struct CdCheckResult {
    std::vector<Diagnostic> errors;    // the disc cannot be made: render nothing for this variant
    std::vector<Diagnostic> warnings;  // the disc can be made; tell the user
    bool ok() const { return errors.empty(); }
};

// Checks, with one diagnostic per problem (where = "album" or "track N \"Title\""):
//   errors:   no tracks or more than 99; a track under 4 s (INDEX 01 to the next INDEX 01 or the
//             lead-out); a lead-out after 79:57:00; an ISRC or catalog that is not valid; a
//             CD-TEXT field over 80 characters (after Latin-1 conversion); more CD-TEXT than one
//             block of 256 packs holds.
//   warnings: a lead-out after 74:00:00 (does not fit 74-minute media); CD-TEXT characters
//             replaced in the Latin-1 conversion; the same ISRC on two tracks.
// `tracks` has one entry per layout track (asserted).
CdCheckResult checkRedBook(const CdLayout& layout, const CdDiscMeta& disc,
                           const std::vector<CdTrackMeta>& tracks);

// The audio itself: 44.1 kHz, 2 channels, every sample a multiple of 2^-15 (already quantised
// to 16 bits). Errors name the first offending property.
std::vector<Diagnostic> checkCdAudio(const AudioBuffer& programme);
// The same, reading the programme block by block.
std::vector<Diagnostic> checkCdAudio(const AudioSource& programme);

// ---------------------------------------------------------------------------------------------
// PQ sheet: the table a pressing plant checks the disc against (for the report).
struct PqRow {
    int track = 0;  // 0 = lead-in, kLeadOutTrack = lead-out
    int index = 0;
    std::int64_t sector = 0;
    std::string msf;                            // "MM:SS:FF" of sector
    std::string isrc;                           // on the track's first row
    std::string title;                          // UTF-8
    std::optional<std::int64_t> lengthSectors;  // INDEX 01 rows: the track's length
};
inline constexpr int kLeadOutTrack = 0xAA;
std::vector<PqRow> pqSheet(const CdLayout& layout, const std::vector<CdTrackMeta>& tracks);
// The same as a Markdown table (track, index, start, length, ISRC, title).
std::string pqSheetMarkdown(const std::vector<PqRow>& rows);

}  // namespace lacquer::delivery
