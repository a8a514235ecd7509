// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/checks/files.hpp"

#include "lacquer/checks/delivery_meta.hpp"
#include "lacquer/io/m4a.hpp"
#include "lacquer/io/wav_chunks.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string_view>

#include "lacquer/common/units.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/vinyl.hpp"

namespace lacquer::checks {

namespace {

// Tolerances for tags against a re-measurement. ReplayGain tags are printed as "%.2f dB" (gains)
// and "%.6f" (linear peaks): one unit of the last printed digit, so that a build whose
// floating-point order differs and lands on the other side of a rounding boundary still passes;
// the 1e-9 / 1e-12 absorb the binary representation of the printed decimal.
constexpr double kReplayGainToleranceDb = 0.01 + 1e-9;
constexpr double kReplayGainPeakTolerance = 1e-6 + 1e-12;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string joinValues(const std::vector<std::string>& values) {
    if (values.empty()) return "no tag";
    std::string s;
    for (const auto& v : values) s += (s.empty() ? "" : ", ") + quoted(v);
    return s;
}

std::string fmt6(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v + 0.0);
    return buf;
}

std::optional<double> parseLeadingNumber(const std::vector<std::string>& values) {
    if (values.size() != 1) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(values[0].c_str(), &end);
    if (end == values[0].c_str() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// A check that only verify words (the render writes these files by the same rule).
Check rule(const std::string& id, int track, bool ok, const std::string& failure, const std::string& expected,
           const std::string& found) {
    Check c = judged(id, track, failure, ok, "expected " + expected + ", found " + found);
    c.failure = failure;
    c.expected = expected;
    c.found = found;
    return c;
}

// A ReplayGain number tag against the value it should carry.
Check replayGainTag(const TagMap& found, const std::string& key, double want, double tolerance, bool isPeak,
                    const std::string& failure) {
    const auto it = found.find(key);
    const auto v = it == found.end() ? std::nullopt : parseLeadingNumber(it->second);
    return rule("tags.replaygain", 0, v && std::abs(*v - want) <= tolerance, failure, isPeak ? fmt6(want) : fmt2(want) + " dB",
                it == found.end() ? "no tag" : joinValues(it->second));
}

}  // namespace

std::string trackFileName(int number, const std::string& title, const std::string& extension) {
    std::string safe;
    for (unsigned char c : title) {
        if (c < 0x20 || c == 0x7f || std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) != std::string_view::npos)
            safe += '_';
        else
            safe += static_cast<char>(c);
    }
    // No leading dots or spaces (hidden files, "..") and no trailing dots or spaces (Windows).
    while (!safe.empty() && (safe.front() == '.' || safe.front() == ' ')) safe.erase(safe.begin());
    while (!safe.empty() && (safe.back() == '.' || safe.back() == ' ')) safe.pop_back();
    if (safe.size() > 120) {
        // Cut at 120 bytes, or earlier at the start of the UTF-8 sequence that byte 120 continues.
        std::size_t cut = 120;
        while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
        safe.resize(cut);
    }
    if (safe.empty()) safe = "Track";
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d - ", number);
    return prefix + safe + "." + extension;
}

std::string trackFileExtension(const ExportSpec& e) {
    return e.format == ExportFormat::Flac ? "flac" : e.format == ExportFormat::Mp3 ? "mp3" : e.format == ExportFormat::Aac ? "m4a" : "wav";
}

io::Tags trackTags(const AlbumPlan& plan, const TrackPlan& t) {
    io::Tags tags;
    tags.title = t.title;
    tags.artist = t.artist.empty() ? plan.album.artist : t.artist;
    tags.album = plan.album.title;
    tags.albumArtist = plan.album.artist;
    tags.date = plan.album.date;
    tags.genre = plan.album.genre;
    tags.composer = t.composer;
    tags.isrc = t.isrc;
    tags.catalog = plan.album.catalog;
    tags.trackNumber = t.number;
    tags.trackTotal = static_cast<int>(plan.tracks.size());
    tags.discNumber = plan.album.discNumber;
    tags.discTotal = plan.album.discTotal;
    tags.cover = plan.album.cover;
    addDeliveryMeta(plan, tags, 0);  // label, C/P lines, bext (the render sets the time reference)
    return tags;
}

std::vector<Check> checkExportFormat(const ExportSpec& e, const io::AudioInfo& info) {
    const std::string ext = trackFileExtension(e);
    if (e.lossy())  // no word length in a lossy file (libsndfile reads it as float)
        return {rule("file.format", 0, info.format == ext, "format differs from the manifest's export", ext, info.format),
                rule("file.sample_rate", 0, info.sampleRateHz == e.sampleRateHz, "sample rate differs from the manifest's export",
                     std::to_string(e.sampleRateHz) + " Hz", std::to_string(info.sampleRateHz) + " Hz")};
    return {rule("file.format", 0, info.format == ext, "format differs from the manifest's export", ext, info.format),
            rule("file.sample_rate", 0, info.sampleRateHz == e.sampleRateHz, "sample rate differs from the manifest's export",
                 std::to_string(e.sampleRateHz) + " Hz", std::to_string(info.sampleRateHz) + " Hz"),
            rule("file.bit_depth", 0, info.bitDepth == e.bitDepth, "bit depth differs from the manifest's export",
                 std::to_string(e.bitDepth) + " bit", std::to_string(info.bitDepth) + " bit")};
}

std::vector<Check> checkTrackTags(const AlbumPlan& plan, const TrackPlan& t, const std::string& format, const TagMap& found,
                                  const loudness::Measurement& measured) {
    std::vector<Check> out;
    const bool flac = format == "flac";
    const io::Tags tags = trackTags(plan, t);
    if (format == "mp3" || format == "m4a") {
        // The ID3v2.4 tag or the MP4 atoms (TagLib's property names for both).
        TagMap want;
        for (const auto& [k, v] : format == "mp3" ? io::id3TextFields(tags) : io::m4aTextFields(tags)) want[k] = {v};
        std::set<std::string> keys;
        for (const auto& [k, v] : want) keys.insert(k);
        for (const auto& k : {"TITLE", "ARTIST", "ALBUM", "ALBUMARTIST", "DATE", "GENRE", "COMPOSER", "ISRC", "LABEL",
                              "COPYRIGHT", "PRODUCEDNOTICE", "BARCODE", "TRACKNUMBER", "DISCNUMBER"})
            if (found.count(k)) keys.insert(k);
        for (const auto& k : keys) {
            const auto w = want.count(k) ? want.at(k) : std::vector<std::string>{};
            const auto f = found.count(k) ? found.at(k) : std::vector<std::string>{};
            out.push_back(rule("tags.text", t.number, w == f, "tag " + k + " differs from the manifest", joinValues(w), joinValues(f)));
        }
        return out;
    }
    // The text fields the writer stores (ReplayGain is judged below against the measurement;
    // SOFTWARE names the version that wrote the file).
    TagMap want;
    for (const auto& [k, v] : flac ? io::flacTextFields(tags) : io::wavTextFields(tags))
        if (k.rfind("REPLAYGAIN_", 0) != 0 && k != "SOFTWARE") want[k] = {v};
    if (!flac) {
        // The `id3 ` chunk (TagLib's property names, prefixed ID3:) and bext (BEXT:), as the
        // reader in verify/tags.cpp names them. bext text is ASCII and 256 bytes at most.
        for (const auto& [k, v] : io::id3TextFields(tags)) want["ID3:" + k] = {v};
        want["BEXT:DESCRIPTION"] = {io::bextText(tags.broadcast.description).substr(0, 256)};
        want["BEXT:ORIGINATOR"] = {io::bextText(tags.broadcast.originator).substr(0, 32)};
    }
    // Every field we write, and the same fields where the manifest leaves them empty (a tag that
    // appears out of nowhere is as wrong as one that changed).
    std::set<std::string> keys;
    for (const auto& [k, v] : want) keys.insert(k);
    const std::set<std::string> known = flac
        ? std::set<std::string>{"TITLE", "ARTIST", "ALBUM", "ALBUMARTIST", "DATE", "GENRE", "COMPOSER", "ISRC", "BARCODE",
                                "TRACKNUMBER", "TRACKTOTAL", "DISCNUMBER", "DISCTOTAL", "LABEL", "COPYRIGHT", "PRODUCEDNOTICE"}
        : std::set<std::string>{"TITLE", "ARTIST", "ALBUM", "DATE", "GENRE", "TRACKNUMBER", "COMMENT", "COPYRIGHT",
                                "ID3:TITLE", "ID3:ARTIST", "ID3:ALBUM", "ID3:ALBUMARTIST", "ID3:DATE", "ID3:GENRE",
                                "ID3:COMPOSER", "ID3:ISRC", "ID3:LABEL", "ID3:COPYRIGHT", "ID3:PRODUCEDNOTICE",
                                "ID3:BARCODE", "ID3:TRACKNUMBER", "ID3:DISCNUMBER", "BEXT:DESCRIPTION", "BEXT:ORIGINATOR"};
    for (const auto& k : known)
        if (found.count(k)) keys.insert(k);
    for (const auto& k : keys) {
        const auto w = want.count(k) ? want.at(k) : std::vector<std::string>{};
        const auto f = found.count(k) ? found.at(k) : std::vector<std::string>{};
        out.push_back(rule("tags.text", t.number, w == f, "tag " + k + " differs from the manifest", joinValues(w), joinValues(f)));
    }
    if (!flac) return out;

    // ReplayGain 2.0 (reference -18 LUFS) follows from the measured loudness and true peak.
    const auto gain = found.find("REPLAYGAIN_TRACK_GAIN");
    if (!measured.integratedLufs)
        out.push_back(rule("tags.replaygain", t.number, gain == found.end(), "tag REPLAYGAIN_TRACK_GAIN present for undefined loudness",
                           "no tag", gain == found.end() ? "no tag" : joinValues(gain->second)));
    else
        out.push_back(replayGainTag(found, "REPLAYGAIN_TRACK_GAIN", -18.0 - *measured.integratedLufs, kReplayGainToleranceDb, false,
                                    "tag REPLAYGAIN_TRACK_GAIN does not match the measured loudness"));
    if (measured.truePeakDbtp)
        out.push_back(replayGainTag(found, "REPLAYGAIN_TRACK_PEAK", dbToGain(*measured.truePeakDbtp), kReplayGainPeakTolerance, true,
                                    "tag REPLAYGAIN_TRACK_PEAK does not match the measured true peak"));
    for (auto& c : out) c.track = t.number;
    return out;
}

std::vector<Check> checkAlbumReplayGain(const TagMap& found, std::optional<double> albumLufs, std::optional<double> albumTruePeakDbtp) {
    std::vector<Check> out;
    if (albumLufs)
        out.push_back(replayGainTag(found, "REPLAYGAIN_ALBUM_GAIN", -18.0 - *albumLufs, kReplayGainToleranceDb, false,
                                    "tag REPLAYGAIN_ALBUM_GAIN does not match the album's measured loudness"));
    if (albumTruePeakDbtp)
        out.push_back(replayGainTag(found, "REPLAYGAIN_ALBUM_PEAK", dbToGain(*albumTruePeakDbtp), kReplayGainPeakTolerance, true,
                                    "tag REPLAYGAIN_ALBUM_PEAK does not match the album's measured true peak"));
    return out;
}

CueFacts parseCue(const std::string& text) {
    CueFacts cue;
    std::istringstream in(text);
    std::string line;
    int track = 0;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string word;
        ls >> word;
        if (word == "CATALOG") ls >> cue.catalog;
        if (word == "TRACK") ls >> track;
        if (word == "ISRC") ls >> cue.isrc[track];
        if (word == "INDEX") {
            int number = -1;
            std::string msf;
            ls >> number >> msf;
            const auto sector = delivery::parseMsf(msf);
            if (number == 1 && sector) cue.index01[track] = *sector;
        }
    }
    return cue;
}

std::vector<Check> checkCdImage(const AlbumPlan& plan, const CueFacts& cue, const std::vector<CdTrackFile>& files) {
    std::vector<Check> out;
    if (!plan.album.catalog.empty())
        out.push_back(rule("cd.catalog", 0, cue.catalog == plan.album.catalog, "CATALOG differs from the manifest", plan.album.catalog,
                           cue.catalog));
    std::int64_t expectedStart = delivery::kLeadInSectors;
    for (const auto& f : files) {
        const int n = f.number;
        out.push_back(rule("cd.sectors", n, f.frames % delivery::kFramesPerSector == 0, "track file is not a whole number of CD sectors",
                           "a multiple of 588 frames", std::to_string(f.frames) + " frames"));
        const auto at = cue.index01.find(n);
        out.push_back(rule("cd.index01", n, at != cue.index01.end() && at->second == expectedStart,
                           "CUE INDEX 01 is not where the track files put it", delivery::msf(expectedStart),
                           at != cue.index01.end() ? delivery::msf(at->second) : "missing"));
        out.push_back(rule("cd.track_length", n, f.frames >= delivery::kMinTrackSectors * delivery::kFramesPerSector,
                           "track shorter than Red Book's 4 s", ">= 4 s",
                           std::to_string(static_cast<double>(f.frames) / delivery::kCdRateHz) + " s"));
        if (n >= 1 && static_cast<std::size_t>(n) <= plan.tracks.size()) {
            const auto& tp = plan.tracks[static_cast<std::size_t>(n - 1)];
            const auto isrc = cue.isrc.count(n) ? cue.isrc.at(n) : std::string();
            if (!tp.isrc.empty()) out.push_back(rule("cd.isrc", n, isrc == tp.isrc, "CUE ISRC differs from the manifest", tp.isrc, isrc));
        }
        expectedStart += f.frames / delivery::kFramesPerSector;
    }
    out.push_back(rule("cd.track_count", 0, cue.index01.size() == files.size(), "CUE track count differs from report.json",
                       std::to_string(files.size()), std::to_string(cue.index01.size())));
    out.push_back(rule("cd.capacity", 0, expectedStart <= delivery::kMaxCapacitySectors, "programme longer than a CD holds",
                       "<= 79:57:00", delivery::msf(expectedStart)));
    return out;
}

std::vector<Check> checkVinylSide(const VariantPlan& variant, const VinylSideFile& side) {
    std::vector<Check> out;
    const std::int64_t want = 2 * static_cast<std::int64_t>(std::llround(side.leadS * side.sampleRateHz)) + side.trackFrames;
    out.push_back(rule("vinyl.side_file", 0, side.frames == want, "side file is not its tracks between lead-in and lead-out",
                       std::to_string(want) + " frames", std::to_string(side.frames) + " frames"));
    if (const auto format = delivery::vinylFormat(variant.vinylDisc)) {
        const double durationS = side.sampleRateHz > 0 ? static_cast<double>(side.frames) / side.sampleRateHz : 0.0;
        out.push_back(rule("vinyl.side_length", 0, durationS - 2 * side.leadS <= format->maxS, "side longer than the disc's maximum",
                           "<= " + std::to_string(static_cast<int>(format->maxS)) + " s", std::to_string(durationS) + " s"));
    }
    return out;
}

Check fromDiagnostic(const std::string& id, const std::string& name, const Diagnostic& d, Status status) {
    Check c = judged(id, 0, name, status != Status::Fail, d.line());
    c.status = status;
    c.failure = name;
    c.found = d.line();
    return c;
}

Check checkLossyHeadroom(const VariantPlan& variant, int number, const std::string& title, double worst, double ceilingDbtp) {
    const std::string who = "track " + std::to_string(number) + " (" + title + ") lossy headroom";
    const bool over = worst > variant.maxDecodedDbtp;
    if (variant.lowerCeilingForCodecs) {
        // codec_headroom mode lower: the ceiling was lowered for this; a miss is a failure.
        Check c = judged("track.lossy_headroom", number, who, !over,
                         "decoded true peak " + fmt2(worst) + " dBTP after Ogg Vorbis/Opus vs " + fmt2(variant.maxDecodedDbtp) +
                             " dBTP (max_decoded_dbtp), limiter ceiling " + fmt2(ceilingDbtp) + " dBTP" +
                             (over ? " — still over after lowering; lower max_decoded_dbtp's target ceiling or the loudness" : ""));
        c.failure = "decoded true peak after a lossy round trip over max_decoded_dbtp";
        c.expected = "≤ " + fmt2(variant.maxDecodedDbtp) + " dBTP";
        c.found = fmt2(worst) + " dBTP";
        return c;
    }
    // Not a failure: the file itself meets its ceiling; the services' encoders are what clip.
    // 0 dBTP after decoding is where audible clipping starts.
    const std::string detail = "decoded true peak " + fmt2(worst) + " dBTP after Ogg Vorbis/Opus" +
                               (over ? " — over " + fmt2(variant.maxDecodedDbtp) +
                                           " dBTP: set codec_headroom: { mode: lower } to lower this track's ceiling"
                                     : "");
    return over ? warning("track.lossy_headroom", number, who, detail) : judged("track.lossy_headroom", number, who, true, detail);
}

}  // namespace lacquer::checks
