// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The rules for what a written file is: its export format, its tags (the manifest's metadata and
// ReplayGain 2.0 from its own measurement), the CD image's CUE sheet against its track files and
// Red Book, and the vinyl side files against their tracks. The render writes by these rules (the
// tags come from trackTags), `lacquer verify` re-reads the files and judges them here.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/checks/check.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::checks {

// "NN - Title.ext" made safe as one path component: no separators, control characters,
// Windows-reserved characters or names, leading dots; at most 120 bytes of title. The render
// names a variant's track files so, and verify expects them so.
std::string trackFileName(int number, const std::string& title, const std::string& extension);

// "flac" or "wav": the extension and the decoder's format name of a variant's track files.
std::string trackFileExtension(const ExportSpec& e);

// The tags a track file carries (ReplayGain left unset: it comes from the written audio).
io::Tags trackTags(const AlbumPlan& plan, const TrackPlan& t);

// The file's container, rate and word length against the variant's export.
std::vector<Check> checkExportFormat(const ExportSpec& e, const io::AudioInfo& info);

// Upper-case field name → every value stored under it (a field may repeat).
using TagMap = std::map<std::string, std::vector<std::string>>;

// Every text field the render writes for the track (and any of those fields present though the
// manifest leaves it empty), then for FLAC ReplayGain 2.0 (reference -18 LUFS) against the file's
// own `measured` loudness and true peak. (The front cover is compared by `lacquer verify`.)
std::vector<Check> checkTrackTags(const AlbumPlan& plan, const TrackPlan& t, const std::string& format, const TagMap& found,
                                  const loudness::Measurement& measured);

// REPLAYGAIN_ALBUM_GAIN / _PEAK of a FLAC against the album's measurement (each when defined).
std::vector<Check> checkAlbumReplayGain(const TagMap& found, std::optional<double> albumLufs, std::optional<double> albumTruePeakDbtp);

// What album.cue says (read back from disk).
struct CueFacts {
    std::string catalog;
    std::map<int, std::int64_t> index01;  // track → sector of INDEX 01
    std::map<int, std::string> isrc;      // track → ISRC
};
CueFacts parseCue(const std::string& text);

// One track file of the CD image, as probed on disk.
struct CdTrackFile {
    int number = 0;
    std::int64_t frames = 0;
};

// The CD image: CATALOG and ISRCs as the manifest gives them, every track file whole sectors and
// at least 4 s, every INDEX 01 where the track files put it, the programme within a disc.
std::vector<Check> checkCdImage(const AlbumPlan& plan, const CueFacts& cue, const std::vector<CdTrackFile>& files);

// A vinyl side file: its tracks' files between lead-in and lead-out, within the disc's side length.
struct VinylSideFile {
    std::string side;
    std::int64_t frames = 0;           // in the side file
    double sampleRateHz = 0;
    std::int64_t trackFrames = 0;      // the side's track files together
    double leadS = 0;                  // lead-in (and lead-out) silence
};
std::vector<Check> checkVinylSide(const VariantPlan& variant, const VinylSideFile& side);

// Red Book and vinyl planning findings as checks: errors fail, warnings warn.
Check fromDiagnostic(const std::string& id, const std::string& name, const Diagnostic& d, Status status);

// codec_headroom: the worst decoded true peak after the Ogg Vorbis/Opus round trips of a track.
// With `mode: lower` a miss fails (the ceiling was lowered for it), otherwise it warns.
Check checkLossyHeadroom(const VariantPlan& variant, int number, const std::string& title, double worstDecodedDbtp,
                         double ceilingDbtp);

}  // namespace lacquer::checks
