// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/render/render.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/dither/quantiser.hpp"
#include "lacquer/dynamics/apply.hpp"
#include "lacquer/eq/design.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/resample/resample.hpp"
#include "render/loudness_solve.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// File names

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
        safe.resize(120);
        // Do not cut a UTF-8 sequence in half.
        while (!safe.empty() && (static_cast<unsigned char>(safe.back()) & 0xC0) == 0x80) safe.pop_back();
        if (!safe.empty() && (static_cast<unsigned char>(safe.back()) & 0x80)) safe.pop_back();
    }
    if (safe.empty()) safe = "Track";
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d - ", number);
    return prefix + safe + "." + extension;
}

// ---------------------------------------------------------------------------------------------
// The per-track chain (shared by every variant)

convolution::DeviceRequest parseDevice(const std::string& text) {
    convolution::DeviceRequest r;
    if (text == "auto") return r;
    if (text == "cpu") {
        r.mode = convolution::DeviceRequest::Mode::Cpu;
        return r;
    }
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 6) {
        r.mode = convolution::DeviceRequest::Mode::Vulkan;
        r.vulkanIndex = std::stoi(text);
        return r;
    }
    throw Error(ErrorKind::Usage, "--device " + text, "not a device", "use auto, cpu, or an index from `lacquer devices`");
}

IrCache loadImpulseResponses(const AlbumPlan& plan) {
    IrCache irs;
    for (const auto& t : plan.tracks)
        if (t.chain.reverb && !irs.count(t.chain.reverb->irPath))
            irs.emplace(t.chain.reverb->irPath, io::decode(t.chain.reverb->irPath, io::Channels::Native));
    return irs;
}

ProcessedTrack processTrack(const AlbumPlan& plan, const TrackPlan& track, convolution::Engine& engine, const IrCache& irs) {
    ProcessedTrack out;
    AudioBuffer source = io::decode(track.file, io::Channels::Stereo);
    out.sourceDurationS = source.durationS();
    out.sourceRateHz = static_cast<int>(source.sampleRateHz);
    throwIfCancelled();
    out.audio = resample(source, plan.processingRateHz);
    source = AudioBuffer();
    throwIfCancelled();
    const auto& chain = track.chain;
    // EQ ⊛ (dry + wet·IR) in one convolution; the reverb tail lengthens the track.
    const reverb::Params* rv = chain.reverb ? &*chain.reverb : nullptr;
    const AudioBuffer* ir = rv ? &irs.at(rv->irPath) : nullptr;
    if (!eq::isFlat(chain.eq) || (rv && rv->mix > 0)) out.audio = engine.process(out.audio, chain.eq, rv, ir);
    throwIfCancelled();
    if (chain.deesser || chain.multiband || chain.stereo) {
        const dynamics::ChainReport rep = dynamics::applyInPlace(out.audio, {chain.deesser, chain.multiband, chain.stereo});
        out.deesserMaxReductionDb = rep.deesserMaxReductionDb;
        out.multibandMaxReductionDb = rep.bandMaxReductionDb;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The per-variant album pass

namespace {

std::vector<sequence::TrackPlacement> placementsFor(const AlbumPlan& plan) {
    std::vector<sequence::TrackPlacement> p;
    for (const auto& t : plan.tracks) {
        sequence::TrackPlacement tp;
        tp.fadeInS = t.fadeInS;
        tp.fadeOutS = t.fadeOutS;
        tp.fadeInCurve = t.fadeInCurve;
        tp.fadeOutCurve = t.fadeOutCurve;
        tp.crossfadeS = t.crossfadeS;
        tp.crossfadeCurve = t.crossfadeCurve;
        tp.gapAfterS = t.gapAfterS.value_or(plan.sequence.gapS);
        p.push_back(tp);
    }
    return p;
}

}  // namespace

VariantMaster masterVariant(const AlbumPlan& plan, const VariantPlan& variant, const std::vector<ProcessedTrack>& tracks) {
    const double rate = variant.exportSpec.sampleRateHz;
    std::vector<AudioBuffer> delivery(tracks.size());
    parallelFor(tracks.size(), [&](std::size_t i) {
        throwIfCancelled();
        delivery[i] = resample(tracks[i].audio, rate);
        // Variant delta: mono below monoBassHz (vinyl), at the delivery rate.
        if (variant.monoBassHz > 0) {
            dynamics::StereoParams mono;
            mono.monoBelowHz = variant.monoBassHz;
            dynamics::applyInPlace(delivery[i], {std::nullopt, std::nullopt, mono});
        }
    });
    std::vector<const AudioBuffer*> ptrs;
    for (const auto& d : delivery) ptrs.push_back(&d);

    std::vector<double> offsets;
    for (const auto& t : plan.tracks) offsets.push_back(t.loudnessOffsetLu);
    SolveResult solved = solveLoudness(ptrs, placementsFor(plan), offsets, variant.loudness, variant.limiter);

    VariantMaster m;
    m.timeline = std::move(solved.timeline);
    m.gainsDb = solved.gainsDb;
    m.limiterMaxGrDb = solved.limiterMaxGrDb;
    m.solveIterations = solved.iterations;
    dither::quantise(m.timeline.audio, variant.exportSpec.bitDepth, variant.exportSpec.dither, dither::seedFromName(variant.name));
    return m;
}

// ---------------------------------------------------------------------------------------------
// Writing and measuring

namespace {

// Holds an exclusive lock on DIR/.lacquer.lock for the render's lifetime: a second render into
// the same folder refuses instead of interleaving files.
class OutputLock {
public:
    explicit OutputLock(const fs::path& dir) {
        const auto path = dir / ".lacquer.lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error(ErrorKind::Io, dir.string(), "cannot create the lock file", "check permissions on the output folder");
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw Error(ErrorKind::Usage, dir.string(), "another lacquer render is writing into this folder",
                        "wait for it to finish or choose another --out");
        }
    }
    ~OutputLock() { ::close(fd_); }
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    int fd_ = -1;
};

void prepareOutputFolder(const fs::path& dir, bool force) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error(ErrorKind::Usage, dir.string(), "exists and is not a folder", "choose another --out");
    if (fs::exists(dir, ec) && !force && !fs::exists(dir / "report.json", ec)) {
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.path().filename() == ".lacquer.lock") continue;
            throw Error(ErrorKind::Usage, dir.string(), "the output folder holds files lacquer did not write",
                        "choose an empty or new folder with --out, or pass --force");
        }
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot create the output folder: " + ec.message(), "check the path and permissions");
}

std::string extensionFor(const ExportSpec& e) { return e.format == ExportFormat::Flac ? "flac" : "wav"; }

json check(const std::string& name, bool ok, const std::string& detail) {
    return json{{"name", name}, {"ok", ok}, {"detail", detail}};
}

std::string fmt2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v + 0.0);
    if (std::string(buf) == "-0.00") return "0.00";
    return buf;
}

AudioBuffer segment(const AudioBuffer& a, std::size_t from, std::size_t to) {
    AudioBuffer s(a.channels(), to - from, a.sampleRateHz);
    for (int c = 0; c < a.channels(); ++c)
        std::copy(a.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(from),
                  a.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(to),
                  s.samples[static_cast<std::size_t>(c)].begin());
    return s;
}

// The designed EQ curves (what the convolution realises), for plots: the album chain and each
// track's resolved chain, at the processing rate.
json chainsJson(const AlbumPlan& plan) {
    auto curve = [&](const eq::Bands& bands) {
        json f = json::array(), db = json::array();
        for (const auto& p : eq::designLinearPhase(bands, plan.processingRateHz).predictedCurve(128)) {
            f.push_back(report::numberOrNull(p.freqHz, 1));
            db.push_back(report::numberOrNull(p.gainDb, 3));
        }
        return json{{"freqs_hz", f}, {"db", db}};
    };
    json tracks = json::array();
    for (const auto& t : plan.tracks) tracks.push_back({{"number", t.number}, {"eq_curve", curve(t.chain.eq)}});
    return json{{"album", {{"eq_curve", curve(plan.albumChain.eq)}}}, {"tracks", tracks}};
}

json bandsJson(const std::vector<double>& bands) {
    json a = json::array();
    for (double b : bands) a.push_back(report::numberOrNull(b));
    return a;
}

// Writes one variant's files and returns its report section.
json writeVariant(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                  const std::vector<ProcessedTrack>& processed, const fs::path& outDir) {
    const fs::path dir = outDir / variant.name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot create the variant folder: " + ec.message(), "check permissions");
    const auto& tl = master.timeline;
    const double rate = tl.audio.sampleRateHz;
    const std::size_t n = plan.tracks.size();
    const auto& ex = variant.exportSpec;

    // ReplayGain 2.0 values come from the quantised audio in memory, which is what gets written.
    std::vector<loudness::Meter> meters;
    std::vector<loudness::Measurement> inMemory(n);
    for (std::size_t i = 0; i < n; ++i) {
        meters.emplace_back(tl.audio.channels(), rate);
        auto view = const_cast<AudioBuffer&>(tl.audio).view().slice(tl.marks[i], tl.fileEnd(i) - tl.marks[i]);
        meters.back().add(view);
        inMemory[i] = meters.back().result();
    }
    std::vector<const loudness::Meter*> meterPtrs;
    for (const auto& m : meters) meterPtrs.push_back(&m);
    const auto albumLufs = loudness::Meter::combinedIntegratedLufs(meterPtrs);
    double albumPeak = 0;
    for (const auto& m : inMemory)
        if (m.truePeakDbtp) albumPeak = std::max(albumPeak, dbToGain(*m.truePeakDbtp));

    std::vector<fs::path> files(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const auto& t = plan.tracks[i];
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
        tags.trackTotal = static_cast<int>(n);
        tags.discNumber = plan.album.discNumber;
        tags.discTotal = plan.album.discTotal;
        tags.cover = plan.album.cover;
        if (inMemory[i].integratedLufs) tags.trackGainDb = -18.0 - *inMemory[i].integratedLufs;
        if (inMemory[i].truePeakDbtp) tags.trackPeak = dbToGain(*inMemory[i].truePeakDbtp);
        if (albumLufs) tags.albumGainDb = -18.0 - *albumLufs;
        if (albumPeak > 0) tags.albumPeak = albumPeak;
        files[i] = dir / trackFileName(t.number, t.title, extensionFor(ex));
        const AudioBuffer part = segment(tl.audio, tl.marks[i], tl.fileEnd(i));
        if (ex.format == ExportFormat::Flac) {
            io::writeFlac(files[i], part, ex.bitDepth, tags);
        } else {
            const auto wf = ex.bitDepth == 16 ? io::WavSampleFormat::Pcm16 : ex.bitDepth == 24 ? io::WavSampleFormat::Pcm24 : io::WavSampleFormat::Float32;
            io::writeWav(files[i], part, wf, tags);
        }
    });

    // Measure what was written, from the files.
    std::vector<report::FileMeasurement> measured(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        measured[i] = report::measureFile(files[i]);
    });
    std::vector<loudness::Meter> fileMeters;
    for (std::size_t i = 0; i < n; ++i) {
        AudioBuffer back = io::decode(files[i], io::Channels::Native);
        fileMeters.emplace_back(back.channels(), back.sampleRateHz);
        fileMeters.back().add(back.view());
    }
    std::vector<const loudness::Meter*> filePtrs;
    for (const auto& m : fileMeters) filePtrs.push_back(&m);

    json v;
    const double ceiling = variant.limiter ? variant.limiter->ceilingDbtp : 0.0;
    v["targets"] = {{"integrated_lufs", variant.loudness.targetLufs},
                    {"true_peak_dbtp", variant.limiter ? json(variant.limiter->ceilingDbtp) : json(nullptr)},
                    {"mode", variant.loudness.mode == LoudnessMode::Album ? "album" : "track"}};
    json tracks = json::array(), filesJson = json::array(), checks = json::array();
    std::optional<double> albumTp;
    std::optional<double> albumLra = loudness::Meter::combinedLoudnessRangeLu(filePtrs);
    double totalS = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = plan.tracks[i];
        const auto& m = measured[i];
        const auto rel = fs::relative(files[i], outDir).generic_string();
        if (m.loudness.truePeakDbtp) albumTp = std::max(albumTp.value_or(-1e9), *m.loudness.truePeakDbtp);
        totalS += m.info.durationS();
        tracks.push_back({{"number", t.number},
                          {"title", t.title},
                          {"file", rel},
                          {"sha256", m.sha256},
                          {"start_s", report::numberOrNull(static_cast<double>(tl.marks[i]) / rate, 6)},
                          {"duration_s", report::numberOrNull(m.info.durationS(), 6)},
                          {"integrated_lufs", report::numberOrNull(m.loudness.integratedLufs)},
                          {"loudness_range_lu", report::numberOrNull(m.loudness.loudnessRangeLu)},
                          {"true_peak_dbtp", report::numberOrNull(m.loudness.truePeakDbtp)},
                          {"sample_peak_dbfs", report::numberOrNull(m.loudness.samplePeakDbfs)},
                          {"gain_db", report::numberOrNull(master.gainsDb[i])},
                          {"limiter_max_gain_reduction_db", report::numberOrNull(master.limiterMaxGrDb[i])},
                          {"multiband_max_gain_reduction_db", bandsJson(processed[i].multibandMaxReductionDb)},
                          {"deesser_max_reduction_db", report::numberOrNull(processed[i].deesserMaxReductionDb)},
                          {"loudness_offset_lu", t.loudnessOffsetLu}});
        filesJson.push_back({{"path", rel},
                             {"sha256", m.sha256},
                             {"format", m.info.format},
                             {"sample_rate", m.info.sampleRateHz},
                             {"bit_depth", m.info.bitDepth},
                             {"channels", m.info.channels},
                             {"frames", m.info.frames}});

        const std::string who = "track " + std::to_string(t.number) + " (" + t.title + ")";
        const bool lengthOk = static_cast<std::size_t>(m.info.frames) == tl.fileEnd(i) - tl.marks[i];
        checks.push_back(check(who + " file complete", lengthOk,
                               std::to_string(m.info.frames) + " frames written of " + std::to_string(tl.fileEnd(i) - tl.marks[i])));
        if (!m.loudness.integratedLufs) {
            checks.push_back(check(who + " loudness", true, "undefined (silence or under 400 ms): no gain applied"));
        } else if (variant.loudness.mode == LoudnessMode::Track) {
            const double want = variant.loudness.targetLufs + t.loudnessOffsetLu;
            const double err = *m.loudness.integratedLufs - want;
            // ±0.1 LU: EBU Tech 3341's tolerance for integrated loudness.
            checks.push_back(check(who + " loudness on target", std::abs(err) <= 0.1,
                                   fmt2(*m.loudness.integratedLufs) + " LUFS vs target " + fmt2(want) + " (" + fmt2(err) + " LU)"));
        }
        if (m.loudness.truePeakDbtp) {
            if (variant.limiter) {
                checks.push_back(check(who + " true peak under ceiling", *m.loudness.truePeakDbtp <= ceiling,
                                       fmt2(*m.loudness.truePeakDbtp) + " dBTP vs ceiling " + fmt2(ceiling) + " dBTP"));
            } else if (m.loudness.samplePeakDbfs) {
                checks.push_back(check(who + " no clipping", *m.loudness.samplePeakDbfs < 0.0,
                                       "sample peak " + fmt2(*m.loudness.samplePeakDbfs) + " dBFS"));
            }
        }
        if (variant.limiter && master.limiterMaxGrDb[i] > variant.loudness.maxLimitingDb)
            checks.push_back(check(who + " limiting within bounds", false,
                                   "needs " + fmt2(master.limiterMaxGrDb[i]) + " dB of limiting to reach the target under " +
                                       fmt2(ceiling) + " dBTP; the limit is " + fmt2(variant.loudness.maxLimitingDb) +
                                       " dB (max_limiting_db) — lower the target or raise the limit"));
    }
    const auto fileAlbumLufs = loudness::Meter::combinedIntegratedLufs(filePtrs);
    if (variant.loudness.mode == LoudnessMode::Album) {
        if (fileAlbumLufs) {
            const double err = *fileAlbumLufs - variant.loudness.targetLufs;
            // ±0.1 LU: EBU Tech 3341's tolerance for integrated loudness.
            checks.push_back(check("album loudness on target", std::abs(err) <= 0.1,
                                   fmt2(*fileAlbumLufs) + " LUFS vs target " + fmt2(variant.loudness.targetLufs) + " (" + fmt2(err) + " LU)"));
        } else {
            checks.push_back(check("album loudness on target", false, "album loudness is undefined (all silence)"));
        }
    }
    v["album"] = {{"integrated_lufs", report::numberOrNull(fileAlbumLufs)},
                  {"loudness_range_lu", report::numberOrNull(albumLra)},
                  {"true_peak_dbtp", report::numberOrNull(albumTp)},
                  {"duration_s", report::numberOrNull(totalS, 6)}};
    v["tracks"] = tracks;
    v["files"] = filesJson;
    v["checks"] = checks;
    v["export"] = {{"format", ex.format == ExportFormat::Flac ? "flac" : ex.format == ExportFormat::Wav ? "wav" : "cd"},
                   {"sample_rate", ex.sampleRateHz},
                   {"bit_depth", ex.bitDepth},
                   {"dither", ex.bitDepth == 16 ? (ex.dither == DitherKind::None ? "none" : "tpdf") : "none"}};
    v["loudness_solve_iterations"] = master.solveIterations;
    return v;
}

}  // namespace

int renderAlbum(const AlbumPlan& plan, const RenderOptions& options, RenderStats* stats) {
    std::vector<const VariantPlan*> variants;
    for (const auto& want : options.variants) {
        auto it = std::find_if(plan.variants.begin(), plan.variants.end(), [&](const auto& v) { return v.name == want; });
        if (it == plan.variants.end()) {
            std::string names;
            for (const auto& v : plan.variants) names += (names.empty() ? "" : ", ") + v.name;
            throw Error(ErrorKind::Usage, "--variant " + want, "no such variant in the manifest", "choose one of: " + names);
        }
        variants.push_back(&*it);
    }
    if (options.variants.empty())
        for (const auto& v : plan.variants) variants.push_back(&v);

    prepareOutputFolder(options.outDir, options.force);
    OutputLock lock(options.outDir);

    // One engine for the whole render: FFT plans and kernels are made once and reused.
    const auto engine = convolution::Engine::create(options.device);
    const IrCache irs = loadImpulseResponses(plan);

    // Shared stages, once per track, tracks in parallel.
    std::vector<ProcessedTrack> processed(plan.tracks.size());
    std::atomic<int> done{0};
    log::progress("processing tracks 0/" + std::to_string(plan.tracks.size()));
    parallelFor(plan.tracks.size(), [&](std::size_t i) {
        throwIfCancelled();
        processed[i] = processTrack(plan, plan.tracks[i], *engine, irs);
        log::progress("processing tracks " + std::to_string(++done) + "/" + std::to_string(plan.tracks.size()) + "  " + plan.tracks[i].title);
    });
    if (stats) stats->sharedChainRuns += static_cast<int>(plan.tracks.size());

    json report;
    report["manifest"] = plan.manifestPath.string();
    report["manifest_sha256"] = plan.manifestSha256;
    report["lacquer_version"] = LACQUER_VERSION;
    report["device"] = engine->deviceName();
    report["backend"] = engine->backendName();
    report["chains"] = chainsJson(plan);
    report["variants"] = json::object();
    bool allOk = true;
    for (const auto* v : variants) {
        log::progress("variant " + v->name + ": loudness and limiting");
        const VariantMaster master = masterVariant(plan, *v, processed);
        log::progress("variant " + v->name + ": writing " + std::to_string(plan.tracks.size()) + " files");
        json section = writeVariant(plan, *v, master, processed, options.outDir);
        for (const auto& c : section["checks"]) allOk = allOk && c["ok"].get<bool>();
        report["variants"][v->name] = std::move(section);
    }
    log::endProgress();
    io::writeTextFile(options.outDir / "report.json", report.dump(2) + "\n");
    io::writeTextFile(options.outDir / "report.md", report::toMarkdown(report));
    log::info(report::summaryTable(report));
    return allOk ? 0 : 1;
}

}  // namespace lacquer::render
