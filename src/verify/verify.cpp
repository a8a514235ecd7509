// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/verify/verify.hpp"

#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/vinyl.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "lacquer/checks/files.hpp"
#include "lacquer/checks/targets.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/output_names.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/input_file.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/report/read_report.hpp"
#include "lacquer/report/report.hpp"
#include "verify/store_checks.hpp"
#include "verify/inputs.hpp"
#include "verify/tags.hpp"

namespace lacquer::verify {
namespace fs = std::filesystem;
using nlohmann::json;

// Tolerances for comparing a re-measurement with report.json. report.json prints loudness, peaks
// and gains to 0.01 (report::numberOrNull's default) and durations to 1e-6 s. Re-measuring the same
// bytes with the same libebur128 reproduces the printed number exactly; one unit of the last
// printed digit is allowed so that a build or machine whose floating-point order differs and lands
// on the other side of a rounding boundary still passes. The 1e-9 absorbs the binary
// representation of the printed decimal.
constexpr double kLevelTolerance = 0.01 + 1e-9;
constexpr double kDurationToleranceS = 1e-6 + 1e-12;
// The targets, formats, tags and CD/vinyl rules are src/checks/'s, the same the render judges by.

std::string Violation::line() const {
    std::string s = "verify: " + where + ": " + what;
    if (!expected.empty() || !found.empty()) s += " — expected " + expected + " vs found " + found;
    return s;
}

std::string Result::summaryLine() const {
    std::string s = "verify: " + std::to_string(files) + (files == 1 ? " file" : " files") + " in " +
                    std::to_string(variants) + (variants == 1 ? " variant" : " variants") + ", " +
                    std::to_string(checks) + " checks: ";
    if (violations.empty()) return s + "all hold";
    return s + std::to_string(violations.size()) + (violations.size() == 1 ? " violation" : " violations");
}

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers for a report.json that may have been edited or be from another version: every
// access tolerates a missing member or a wrong type.

const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::optional<double> number(const json* j) {
    if (j && j->is_number()) return j->get<double>();
    return std::nullopt;
}

std::string text(const json* j) { return j && j->is_string() ? j->get<std::string>() : std::string(); }

const json& arrayOrEmpty(const json* j) {
    static const json empty = json::array();
    return j && j->is_array() ? *j : empty;
}

std::string fmtValue(std::optional<double> v, int decimals, const std::string& unit) {
    if (!v) return "undefined (null)";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, *v + 0.0);
    return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }


// Collects violations and counts comparisons for one unit of work (one file, or one variant).
struct Sink {
    std::vector<Violation> violations;
    int checks = 0;

    void fail(const std::string& where, const std::string& what, const std::string& expected, const std::string& found) {
        violations.push_back({where, what, expected, found});
    }
    // Counts one comparison; records a violation when it does not hold.
    bool expect(bool holds, const std::string& where, const std::string& what, const std::string& expected,
                const std::string& found) {
        ++checks;
        if (!holds) fail(where, what, expected, found);
        return holds;
    }
    // A rule from src/checks/: counted, and a violation at `where` when it fails.
    void judge(const checks::Check& c, const std::string& where) {
        expect(c.ok(), where, c.failure, c.expected, c.found);
    }
    // A measured number against report.json's: both null, or both numbers within `tolerance`.
    void sameNumber(const std::string& where, const std::string& what, const json* reported, std::optional<double> measured,
                    double tolerance, int decimals, const std::string& unit) {
        const auto r = number(reported);
        const bool holds = (!r && !measured) || (r && measured && std::abs(*r - *measured) <= tolerance);
        expect(holds, where, what + " differs from report.json", fmtValue(r, decimals, unit), fmtValue(measured, decimals, unit));
    }
};

// ---------------------------------------------------------------------------------------------
// One listed file

// A path report.json gives, as a file inside the output folder: relative, without "..", and not
// leading out through a link. nullopt otherwise (verify then reads nothing there).
std::optional<fs::path> insideOutput(const fs::path& outDir, const std::string& rel) {
    if (!output_names::isInsideRelativePath(rel)) return std::nullopt;
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(outDir, ec);
    const fs::path real = fs::weakly_canonical(outDir / rel, ec);
    const fs::path up = real.lexically_relative(base);
    if (ec || up.empty() || *up.begin() == "..") return std::nullopt;
    return outDir / rel;
}


struct FileJob {
    // inputs
    const VariantPlan* variant = nullptr;
    std::string rel;                   // path relative to the output folder, as report.json has it
    const json* fileEntry = nullptr;   // from the variant's "files"
    const json* trackEntry = nullptr;  // from the variant's "tracks", when the file is a track
    const TrackPlan* track = nullptr;  // the manifest's track, when the file is a track
    // outputs
    Sink sink;
    bool readable = false;
    std::optional<loudness::Meter> meter;  // kept for the album's combined loudness
    loudness::Measurement measured;
    checks::TrackReading reading;          // what the target checks judged (tracks only)
    std::vector<checks::Check> targetChecks;
};

void checkTags(const AlbumPlan& plan, FileJob& job, const std::string& format, const fs::path& file) {
    if (!job.track) return;
    const checks::TagMap found = readTags(file, format);
    // The cover as the manifest names it: a regular file opened without blocking (it may not
    // travel with a render verified elsewhere; then it is not compared).
    std::optional<std::string> coverBytes;
    if (plan.album.cover && (format == "flac" || format == "mp3" || format == "m4a")) {
        try {
            coverBytes = io::readInputFile(*plan.album.cover, ErrorKind::Io, 64u << 20);
        } catch (const Error&) {
        }
    }
    for (const auto& c : checks::checkTrackTags(plan, *job.track, format, found, job.measured))
        job.sink.judge(c, job.rel);
    if (coverBytes) {
        const auto cover = format == "mp3"   ? readMp3FrontCover(file)
                           : format == "m4a" ? readM4aFrontCover(file)
                                             : readFlacFrontCover(file);
        const std::vector<char> wantBytes(coverBytes->begin(), coverBytes->end());
        job.sink.expect(cover == wantBytes, job.rel, "front cover differs from the manifest's cover",
                        std::to_string(wantBytes.size()) + " bytes of " + plan.album.cover->filename().string(),
                        cover.empty() ? "no front cover" : std::to_string(cover.size()) + " bytes");
    }
}

void checkFile(const AlbumPlan& plan, const fs::path& outDir, FileJob& job) {
    const auto inside = insideOutput(outDir, job.rel);
    if (!job.sink.expect(inside.has_value(), job.rel, "path in report.json leads outside the output folder",
                         "a file inside " + outDir.string(), "not read"))
        return;
    const fs::path file = *inside;
    std::error_code ec;
    if (!job.sink.expect(fs::is_regular_file(file, ec), job.rel, "file missing", "the file report.json lists", "no such file"))
        return;
    try {
        const std::string sha = sha256File(file);
        job.sink.expect(sha == text(member(*job.fileEntry, "sha256")), job.rel, "SHA-256 differs from report.json",
                        text(member(*job.fileEntry, "sha256")), sha);
        // report.json names the hash twice (files[] and tracks[]); the two must agree.
        if (job.trackEntry && member(*job.trackEntry, "sha256"))
            job.sink.expect(text(member(*job.trackEntry, "sha256")) == text(member(*job.fileEntry, "sha256")), job.rel,
                            "report.json's track and file entries disagree on the SHA-256",
                            text(member(*job.fileEntry, "sha256")), text(member(*job.trackEntry, "sha256")));
        if (!member(*job.fileEntry, "sample_rate")) return;  // not audio (e.g. a CUE sheet): the hash is the check

        // Read and measured block by block: memory stays at one block however long the file is.
        const io::FileSource source(file, io::Channels::Native);
        const io::AudioInfo info = source.info();
        job.meter.emplace(source.channels(), source.sampleRateHz());
        constexpr std::size_t kBlockFrames = 65536;
        AudioBuffer block(source.channels(), std::min(kBlockFrames, source.frames()), source.sampleRateHz());
        for (std::size_t from = 0; from < source.frames(); from += kBlockFrames) {
            const BlockView view = block.view().slice(0, std::min(kBlockFrames, source.frames() - from));
            source.read(from, view);
            job.meter->add(view);
        }
        job.readable = true;
        job.measured = job.meter->result();

        auto sameInt = [&](const char* key, std::int64_t found, const char* unit) {
            const json* r = member(*job.fileEntry, key);
            const bool holds = r && r->is_number_integer() && r->get<std::int64_t>() == found;
            job.sink.expect(holds, job.rel, std::string(key) + " differs from report.json",
                            r ? r->dump() + unit : std::string("no value"), std::to_string(found) + unit);
        };
        job.sink.expect(info.format == text(member(*job.fileEntry, "format")), job.rel, "format differs from report.json",
                        text(member(*job.fileEntry, "format")), info.format);
        sameInt("sample_rate", info.sampleRateHz, " Hz");
        sameInt("bit_depth", info.bitDepth, " bit");
        sameInt("channels", info.channels, "");
        sameInt("frames", info.frames, "");
        // Against the manifest's export settings.
        for (const auto& c : checks::checkExportFormat(job.variant->exportSpec, info)) job.sink.judge(c, job.rel);
        // The stores' WAV rules: format code, nothing after `data` (verify/store_checks.cpp).
        if (info.format == "wav")
            for (const auto& r : wavStoreRules(file)) job.sink.expect(r.holds, job.rel, r.what, r.expected, r.found);

        if (job.trackEntry) {
            const auto& t = *job.trackEntry;
            job.sink.sameNumber(job.rel, "duration", member(t, "duration_s"), info.durationS(), kDurationToleranceS, 6, "s");
            job.sink.sameNumber(job.rel, "integrated loudness", member(t, "integrated_lufs"), job.measured.integratedLufs,
                                kLevelTolerance, 2, "LUFS");
            job.sink.sameNumber(job.rel, "loudness range", member(t, "loudness_range_lu"), job.measured.loudnessRangeLu,
                                kLevelTolerance, 2, "LU");
            job.sink.sameNumber(job.rel, "true peak", member(t, "true_peak_dbtp"), job.measured.truePeakDbtp, kLevelTolerance,
                                2, "dBTP");
            job.sink.sameNumber(job.rel, "sample peak", member(t, "sample_peak_dbfs"), job.measured.samplePeakDbfs,
                                kLevelTolerance, 2, "dBFS");
        }
        // Against the manifest's targets: the render's own checks (src/checks/targets), on this
        // file's measurement and report.json's render-time facts (the frames it wrote, whether the
        // track's own audio had a loudness, the limiting the solve needed).
        auto& r = job.reading;
        r.file = file;
        r.frames = info.frames;
        r.expectedFrames = info.frames;
        if (const json* f = member(*job.fileEntry, "frames"); f && f->is_number_integer()) r.expectedFrames = f->get<std::int64_t>();
        r.loudness = job.measured;
        if (job.track) {
            r.number = job.track->number;
            r.title = job.track->title;
            r.loudnessOffsetLu = job.track->loudnessOffsetLu;
            if (job.trackEntry) {
                const json* defined = member(*job.trackEntry, "loudness_defined");
                r.loudnessDefined = !(defined && defined->is_boolean() && !defined->get<bool>());
                r.limiterMaxGrDb = number(member(*job.trackEntry, "limiter_max_gain_reduction_db"));
            }
            job.targetChecks = checks::checkTrack(*job.variant, r).checks;
        } else {
            r.title = job.rel;  // album.wav, a vinyl side: the peak rule only
            job.targetChecks = checks::checkPeak(*job.variant, r).checks;
        }
        for (const auto& c : job.targetChecks) job.sink.judge(c, job.rel);
        checkTags(plan, job, info.format, file);
    } catch (const Error& e) {
        std::string why;
        for (const auto& d : e.diagnostics()) why += (why.empty() ? "" : "; ") + d.what;
        job.sink.fail(job.rel, "cannot be read back", "a readable file", why);
    }
}

// ---------------------------------------------------------------------------------------------
// One variant

// The CD image: album.cue re-read from disk against the track files and the Red Book rules
// (every INDEX 01 where the track files say, sector-aligned files, tracks >= 4 s, the disc under
// 79:57, ISRCs and CATALOG as the manifest gives them).
void checkCdImage(const AlbumPlan& plan, const VariantPlan& variant, const json& section, const fs::path& outDir, Sink& sink) {
    const std::string where = variant.name + "/album.cue";
    std::string cueText;
    try {  // a regular file, opened without blocking
        cueText = io::readInputFile(outDir / variant.name / "album.cue", ErrorKind::Io, 1u << 20);
    } catch (const Error& e) {
        const std::string& why = e.diagnostics().front().what;
        sink.expect(false, where, "CUE sheet missing", "album.cue", why == "does not exist" ? "no file" : why);
        return;
    }
    std::vector<checks::CdTrackFile> files;
    for (const auto& t : arrayOrEmpty(member(section, "tracks"))) {
        const auto file = insideOutput(outDir, text(member(t, "file")));
        std::error_code ec;
        if (!file || !fs::is_regular_file(*file, ec)) continue;  // reported by the file checks
        files.push_back({static_cast<int>(number(member(t, "number")).value_or(0)), io::probe(*file).frames});
    }
    for (const auto& c : checks::checkCdImage(plan, checks::parseCue(cueText), files))
        sink.judge(c, c.track > 0 ? variant.name + " track " + std::to_string(c.track) : where);
}
// Vinyl sides: each side file is its tracks' files between the lead-in and lead-out, and no side
// is longer than the disc's maximum.
void checkVinylSides(const VariantPlan& variant, const json& section, const fs::path& outDir, Sink& sink) {
    const json* vinyl = member(section, "vinyl");
    if (!vinyl) return;
    const double leadS = number(member(*vinyl, "lead_in_s")).value_or(0.0);
    const auto& tracks = arrayOrEmpty(member(section, "tracks"));
    for (const auto& side : arrayOrEmpty(member(*vinyl, "sides"))) {
        const std::string where = variant.name + " side " + text(member(side, "side"));
        const auto inside = insideOutput(outDir, text(member(side, "file")));
        if (!sink.expect(inside.has_value(), where, "path in report.json leads outside the output folder",
                         "a file inside " + outDir.string(), "not read"))
            continue;
        const fs::path file = *inside;
        std::error_code ec;
        if (!sink.expect(fs::is_regular_file(file, ec), where, "side file missing", file.filename().string(), "no file")) continue;
        const auto info = io::probe(file);
        std::int64_t frames = 0;
        for (const auto& n : arrayOrEmpty(member(side, "tracks")))
            for (const auto& t : tracks)
                if (member(t, "number") && *member(t, "number") == n)
                    if (const auto track = insideOutput(outDir, text(member(t, "file"))); track && fs::is_regular_file(*track, ec))
                        frames += io::probe(*track).frames;
        const checks::VinylSideFile sf{text(member(side, "side")), info.frames, static_cast<double>(info.sampleRateHz), frames, leadS};
        for (const auto& c : checks::checkVinylSide(variant, sf)) sink.judge(c, where);
    }
}

void checkVariant(const AlbumPlan& plan, const VariantPlan& variant, const json& section, const fs::path& outDir,
                  Result& result) {
    Sink head;  // variant-level findings before the files'
    const std::string& vname = variant.name;

    // report.json's targets and export must be the manifest's.
    const json* targets = member(section, "targets");
    const json empty = json::object();
    const json& tg = targets ? *targets : empty;
    const auto reportedTarget = number(member(tg, "integrated_lufs"));
    head.expect(reportedTarget && *reportedTarget == variant.loudness.targetLufs, vname,
                "report.json's loudness target differs from the manifest", fmtValue(variant.loudness.targetLufs, 2, "LUFS"),
                fmtValue(reportedTarget, 2, "LUFS"));
    const std::string mode = variant.loudness.mode == LoudnessMode::Album ? "album" : "track";
    head.expect(text(member(tg, "mode")) == mode, vname, "report.json's loudness mode differs from the manifest", mode,
                text(member(tg, "mode")));
    const std::optional<double> ceiling =
        variant.limiter ? std::optional<double>(variant.limiter->ceilingDbtp) : std::nullopt;
    const auto reportedCeiling = number(member(tg, "true_peak_dbtp"));
    head.expect(reportedCeiling == ceiling, vname, "report.json's true-peak ceiling differs from the manifest",
                fmtValue(ceiling, 2, "dBTP"), fmtValue(reportedCeiling, 2, "dBTP"));
    if (const json* ex = member(section, "export")) {
        const auto& e = variant.exportSpec;
        head.expect(text(member(*ex, "format")) == std::string(exportFormatName(e.format)), vname,
                    "report.json's export format differs from the manifest", std::string(exportFormatName(e.format)), text(member(*ex, "format")));
        const auto rate = number(member(*ex, "sample_rate"));
        head.expect(rate && *rate == e.sampleRateHz, vname, "report.json's export rate differs from the manifest",
                    std::to_string(e.sampleRateHz) + " Hz", fmtValue(rate, 0, "Hz"));
        if (e.lossy()) {
            const auto kbps = number(member(*ex, "bitrate_kbps"));
            head.expect(kbps && *kbps == e.bitrateKbps, vname, "report.json's export bitrate differs from the manifest",
                        std::to_string(e.bitrateKbps) + " kb/s", fmtValue(kbps, 0, "kb/s"));
        } else {
            const auto bits = number(member(*ex, "bit_depth"));
            head.expect(bits && *bits == e.bitDepth, vname, "report.json's export bit depth differs from the manifest",
                        std::to_string(e.bitDepth) + " bit", fmtValue(bits, 0, "bit"));
        }
    }

    // The files: every track of the manifest, under the name the render gives it, listed once.
    const json& tracks = arrayOrEmpty(member(section, "tracks"));
    const json& files = arrayOrEmpty(member(section, "files"));
    head.expect(tracks.size() == plan.tracks.size(), vname, "number of tracks in report.json differs from the manifest",
                std::to_string(plan.tracks.size()), std::to_string(tracks.size()));
    std::vector<FileJob> jobs;
    std::set<std::string> listed;
    for (const auto& f : files) {
        const std::string rel = text(member(f, "path"));
        if (rel.empty() || !listed.insert(rel).second) {
            head.fail(vname, "report.json lists a file without a path or twice", "one entry per file", rel.empty() ? "no path" : rel);
            continue;
        }
        FileJob job;
        job.variant = &variant;
        job.rel = rel;
        job.fileEntry = &f;
        jobs.push_back(std::move(job));
    }
    for (const auto& t : plan.tracks) {
        const std::string want = vname + "/" + checks::trackFileName(t.number, t.title, checks::trackFileExtension(variant.exportSpec));
        const json* entry = nullptr;
        for (const auto& tr : tracks)
            if (number(member(tr, "number")) == static_cast<double>(t.number)) entry = &tr;
        const std::string named = entry ? text(member(*entry, "file")) : std::string();
        if (!head.expect(entry != nullptr, vname, "track " + std::to_string(t.number) + " missing from report.json",
                         quoted(want), "no entry"))
            continue;
        head.expect(named == want, vname, "track " + std::to_string(t.number) + "'s file name differs from the manifest's title",
                    quoted(want), quoted(named));
        auto job = std::find_if(jobs.begin(), jobs.end(), [&](const FileJob& j) { return j.rel == named; });
        if (!head.expect(job != jobs.end(), vname, "track " + std::to_string(t.number) + "'s file is not in report.json's files",
                         quoted(named), "no entry"))
            continue;
        job->trackEntry = entry;
        job->track = &t;
    }

    parallelFor(jobs.size(), [&](std::size_t i) { checkFile(plan, outDir, jobs[i]); });

    // The album as a whole, from the files.
    Sink album;
    std::vector<checks::Check> albumChecks;
    std::vector<const loudness::Meter*> meters;
    bool allTracksRead = true;
    std::optional<double> albumTp;
    double totalS = 0;
    for (const auto& j : jobs) {
        if (!j.track) continue;
        if (!j.readable) {
            allTracksRead = false;
            continue;
        }
        meters.push_back(&*j.meter);
        if (j.measured.truePeakDbtp) albumTp = std::max(albumTp.value_or(-1e9), *j.measured.truePeakDbtp);
        totalS += static_cast<double>(j.meter->framesAdded()) / j.meter->sampleRateHz();
    }
    if (allTracksRead && !meters.empty()) {
        const auto albumLufs = loudness::Meter::combinedIntegratedLufs(meters);
        const json* a = member(section, "album");
        const json& ar = a ? *a : empty;
        album.sameNumber(vname, "album integrated loudness", member(ar, "integrated_lufs"), albumLufs, kLevelTolerance, 2, "LUFS");
        album.sameNumber(vname, "album loudness range", member(ar, "loudness_range_lu"),
                         loudness::Meter::combinedLoudnessRangeLu(meters), kLevelTolerance, 2, "LU");
        album.sameNumber(vname, "album true peak", member(ar, "true_peak_dbtp"), albumTp, kLevelTolerance, 2, "dBTP");
        album.sameNumber(vname, "album duration", member(ar, "duration_s"), totalS, kDurationToleranceS, 6, "s");
        std::vector<checks::TrackReading> readings;
        for (const auto& j : jobs)
            if (j.track) readings.push_back(j.reading);
        if (auto c = checks::checkAlbumLoudness(variant, albumLufs, readings)) {
            album.judge(*c, vname);
            albumChecks.push_back(*c);
        }
        // REPLAYGAIN_ALBUM_* in every FLAC follow from the album's measurement.
        for (auto& j : jobs) {
            if (!j.track || !j.readable || j.fileEntry == nullptr || text(member(*j.fileEntry, "format")) != "flac") continue;
            try {
                for (const auto& c : checks::checkAlbumReplayGain(readTags(outDir / j.rel, "flac"), albumLufs, albumTp))
                    album.judge(c, j.rel);
            } catch (const Error&) {
                // Already reported by the file's own tag check.
            }
        }
    }

    // Anything in the variant's folder that report.json does not list, hidden files included
    // (AtomicFile's ".name.part-*" are gone when a render finishes).
    Sink extra;
    const fs::path dir = outDir / vname;
    std::error_code ec;
    if (fs::is_directory(dir, ec)) {
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            // Hidden files too: a finished render leaves none in a variant's folder.
            if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
            const std::string rel = fs::relative(it->path(), outDir, ec).generic_string();
            if (!listed.count(rel)) found.push_back(rel);
        }
        std::sort(found.begin(), found.end());
        for (const auto& rel : found) {
            const auto size = fs::file_size(outDir / rel, ec);
            extra.fail(rel, "extra file not listed in report.json", "no such file",
                       ec ? std::string("a file") : std::to_string(size) + " bytes");
        }
    }
    ++extra.checks;

    // The render's own checks, as report.json recorded them.
    for (const auto& c : arrayOrEmpty(member(section, "checks"))) {
        const json* ok = member(c, "ok");
        extra.expect(ok && ok->is_boolean() && ok->get<bool>(), vname, "render check failed: " + text(member(c, "name")), "ok",
                     "FAIL (" + text(member(c, "detail")) + ")");
    }

    if (variant.exportSpec.format == ExportFormat::Cd) checkCdImage(plan, variant, section, outDir, extra);
    checkVinylSides(variant, section, outDir, extra);

    auto take = [&](Sink& s) {
        result.checks += s.checks;
        for (auto& v : s.violations) result.violations.push_back(std::move(v));
    };
    take(head);
    for (auto& j : jobs) take(j.sink);
    take(album);
    take(extra);
    result.files += static_cast<int>(jobs.size());
    auto& judged = result.targetChecks[vname];
    for (const auto& j : jobs)
        if (j.track) judged.insert(judged.end(), j.targetChecks.begin(), j.targetChecks.end());
    judged.insert(judged.end(), albumChecks.begin(), albumChecks.end());
    ++result.variants;
}

}  // namespace

Result verifyRender(const AlbumPlan& plan, const fs::path& outDir) {
    const fs::path reportPath = outDir / "report.json";
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(reportPath, ec)))
        throw Error(ErrorKind::Io, reportPath.string(), "does not exist", "render first, or pass --out with the render's folder");
    const json report = report::readReportFile(reportPath, ErrorKind::Io, "render again to rewrite it");

    Result result;
    Sink top;
    top.expect(text(member(report, "manifest_sha256")) == plan.manifestSha256, "report.json",
               "manifest changed since the render (SHA-256)", text(member(report, "manifest_sha256")), plan.manifestSha256);
    const json* variants = member(report, "variants");
    for (const auto& v : plan.variants)
        top.expect(variants && variants->contains(v.name), v.name, "variant of the manifest not in report.json", "rendered",
                   "not rendered");
    if (variants && variants->is_object())
        for (const auto& [name, section] : variants->items())
            top.expect(std::any_of(plan.variants.begin(), plan.variants.end(), [&](const auto& v) { return v.name == name; }),
                       name, "variant in report.json is not in the manifest", "no such variant", "rendered");
    result.checks += top.checks;
    result.violations = std::move(top.violations);
    result.checks += checkInputs(plan, report, result.violations);  // verify/inputs.hpp

    for (const auto& v : plan.variants)
        if (variants && variants->contains(v.name)) checkVariant(plan, v, (*variants)[v.name], outDir, result);
    return result;
}

}  // namespace lacquer::verify
