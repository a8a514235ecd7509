// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// AlbumPlan: the validated, immutable result of reading a manifest. Every user mistake is caught
// while building it, before any audio is read or written; stages only assert.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lacquer/manifest/checks_config.hpp"
#include "lacquer/denoise/denoise.hpp"
#include "lacquer/dither/kind.hpp"
#include "lacquer/dynamics/params.hpp"
#include "lacquer/eq/match.hpp"
#include "lacquer/eq/params.hpp"
#include "lacquer/limiter/params.hpp"
#include "lacquer/reverb/params.hpp"
#include "lacquer/sequence/fade.hpp"
#include "lacquer/sequence/trim_params.hpp"

namespace lacquer {

// Where something was written in the manifest, 1-based, for messages "album.yaml:12:7".
struct SourceLoc {
    std::string file;  // as the user named it (display form)
    int line = 0;
    int column = 0;
    std::string str() const;  // "file:line:col" (or just file when line is 0)
};

// The processing chain. Album-wide in `chain:`, overridden block by block by a variant's
// `chain:` and then by a track's `chain:` (`eq:` replaces the whole band list;
// `reverb:`/`multiband:`/... replace their whole block).
struct ChainParams {
    std::optional<denoise::Params> denoise;             // noise reduction, before the EQ kernel
    eq::Bands eq;                                       // empty = no EQ
    std::optional<eq::MatchParams> match;               // reference match, joins the EQ kernel
    std::optional<reverb::Params> reverb;
    std::optional<dynamics::MultibandParams> multiband;
    std::optional<dynamics::StereoParams> stereo;
    std::optional<dynamics::DeesserParams> deesser;
    std::optional<dynamics::GlueCompressorParams> compressor;
    std::optional<dynamics::SaturationParams> saturation;
    std::optional<sequence::TrimParams> trim;  // album chain and track chains only (changes the length)

    // Member by member, so the render can run the shared stage once per distinct chain.
    bool operator==(const ChainParams&) const = default;
};

enum class LoudnessMode { Album, Track };
// Album mode: what lands on the target. Average: the album's integrated loudness (all tracks'
// gating blocks together). LoudestTrack: the loudest track (AES TD1008), so a soft album with
// one loud song does not play that song too loud.
enum class AlbumAnchor { Average, LoudestTrack };

struct LoudnessParams {
    LoudnessMode mode = LoudnessMode::Album;
    AlbumAnchor anchor = AlbumAnchor::Average;
    double targetLufs = -14.0;
    // Most gain reduction the limiter may apply to meet the target; past it the render finishes
    // and report.json's checks say which track missed and by how much.
    double maxLimitingDb = 6.0;
};


// Mp3: a lossy deliverable (promo and client copies), MPEG-1 Layer III CBR through LAME.
// Aac: the same, AAC-LC in an .m4a (MP4) through FFmpeg's native encoder (io/m4a.hpp).
enum class ExportFormat { Flac, Wav, Cd, Mp3, Aac };

// "flac", "wav", "cd", "mp3", "aac": the manifest's word for a format (report.json's export format too).
std::string_view exportFormatName(ExportFormat f);

struct ExportSpec {
    ExportFormat format = ExportFormat::Flac;
    int sampleRateHz = 48000;
    int bitDepth = 24;           // 16, 24, or 32 (32 = float, WAV only; an MP3 is encoded from float: 32)
    DitherKind dither = DitherKind::Tpdf;  // applied only when bitDepth == 16
    int bitrateKbps = 0;         // MP3: the CBR bitrate (an MPEG-1 Layer III rate, 128-320); AAC: the target (128-320)
    bool lossy() const { return format == ExportFormat::Mp3 || format == ExportFormat::Aac; }
};

struct TrackPlan {
    int number = 0;                   // 1-based position in the running order
    std::filesystem::path file;       // absolute
    std::string title;
    std::string artist;               // defaults to the album artist
    std::string composer;             // optional (CD-TEXT SONGWRITER, COMPOSER tag)
    std::string isrc;                 // optional, validated CCOOOYYNNNNN, stored without dashes
    double fadeInS = 0.0;
    double fadeOutS = 0.0;
    FadeCurve fadeInCurve = FadeCurve::EqualPower;
    FadeCurve fadeOutCurve = FadeCurve::EqualPower;
    double loudnessOffsetLu = 0.0;    // relative to the album/track target
    double crossfadeS = 0.0;          // into the next track (0 = none, then the gap applies)
    FadeCurve crossfadeCurve = FadeCurve::EqualPower;
    std::optional<double> gapAfterS;  // overrides sequence.gap_s after this track
    ChainParams chain;                // resolved: album chain merged with this track's overrides
    SourceLoc loc;                    // where the track's entry starts in the manifest
};

struct SequenceParams {
    double gapS = 2.0;                // silence between tracks without a crossfade
};

// How a vinyl variant's automatically planned sides play (manual `sides:` play as written).
enum class VinylSideOrder {
    Planned,  // loud and bright tracks first on each side (delivery::SideOrder::LoudBrightFirst)
    Running,  // the album's running order on each side (delivery::SideOrder::KeepRunningOrder)
};

// A delivery variant: a delta on the album settings plus its export. Precedence for every key a
// built-in preset supplies: the variant's own key > the preset > the album level > the default.
struct VariantPlan {
    std::string name;                 // folder name under the output folder
    LoudnessParams loudness;          // resolved (album loudness merged with the variant's)
    std::optional<limiter::Params> limiter;  // resolved; nullopt = no limiter (e.g. vinyl without brickwall)
    double monoBassHz = 0.0;          // 0 = off
    std::optional<dynamics::StereoParams> stereo;    // variant delta: width / mono below X Hz
    std::optional<dynamics::DeesserParams> deesser;  // variant delta: de-esser
    ExportSpec exportSpec;
    std::map<std::string, std::vector<int>> sides;  // vinyl sides: name → track numbers
    std::string vinylDisc;            // "12in-33", "12in-45", "10in-33", "7in-45", "7in-33"; empty = not vinyl
    SourceLoc loc;

    std::string preset;               // the built-in preset it names ("streaming", ...); empty = none
    // The shared chain per track for this variant (index = track index): the album chain, then
    // the variant's `chain:` blocks, then the track's own `chain:` blocks. Equal to
    // AlbumPlan::tracks[i].chain wherever the variant's chain changes nothing.
    std::vector<ChainParams> trackChains;
    bool overridesChain = false;      // true when trackChains[i] != tracks[i].chain for some i
    // Codec headroom (FLAC variants only): the decoded true peak of a lossy encode (Opus, Vorbis)
    // should stay at or under maxDecodedDbtp. false = measure and report only (`mode: check`,
    // the default); true = lower the limiter ceiling until it does (`mode: lower`; needs a
    // limiter). For FLAC variants maxDecodedDbtp defaults to the limiter's ceiling (-1 without
    // a limiter); other variants keep the field defaults and get no codec check.
    bool lowerCeilingForCodecs = false;
    double maxDecodedDbtp = -1.0;
    // false = `codec_headroom: { mode: off }`: no Vorbis/Opus round trips at all (they are most of
    // a streaming variant's write time); the report's streaming section then has no codec rows.
    bool codecRoundTrips = true;
    VinylSideOrder sideOrder = VinylSideOrder::Planned;  // vinyl with planned sides only
};

struct AlbumMeta {
    std::string title;
    std::string artist;
    std::string date;
    std::string genre;
    std::string catalog;              // 13 digits (EAN-13) after validation; UPC-A gets a leading 0
    std::optional<std::filesystem::path> cover;  // absolute; PNG or JPEG
    // Label and the copyright (C) and phonographic copyright (P) lines, "YYYY owner" (the
    // ID3v2.4 TCOP/TPRO form); empty = not written.
    std::string label;
    std::string copyright;
    std::string phonographicCopyright;
    int discNumber = 1;
    int discTotal = 1;
};

struct AlbumPlan {
    std::filesystem::path manifestPath;  // absolute
    std::string manifestSha256;          // of the manifest's bytes
    AlbumMeta album;
    int processingRateHz = 96000;
    ChainParams albumChain;              // as written at album level (tracks hold resolved copies)
    std::optional<limiter::Params> albumLimiter;  // chain.limiter; variants inherit and override
    LoudnessParams loudness;
    SequenceParams sequence;
    checks::Config checks;               // the `checks:` section (every check warns by default)
    std::vector<TrackPlan> tracks;
    std::vector<VariantPlan> variants;
};

}  // namespace lacquer
