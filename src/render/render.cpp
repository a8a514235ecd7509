// SPDX-License-Identifier: GPL-3.0-or-later
// The render from start to end (renderAlbum) and the track file names; the output folder's rules
// (its lock, what may be created, replaced or deleted) are output_folder.cpp's. The steps along the signal flow live beside it:
// track_chain.cpp (per track, shared by every variant), variant_master.cpp (per variant: loudness
// through the limiter, quantisation, the codec-headroom step), write_variant.cpp (files, checks,
// the variant's report section).
#include "lacquer/render/render.hpp"
#include "lacquer/render/budget.hpp"
#include "lacquer/render/job_key.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "lacquer/checks/files.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/progress.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/render/limits.hpp"
#include "lacquer/report/html.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/report/settings.hpp"
#include "render/output_folder.hpp"
#include "render/spectral.hpp"
#include "render/spill.hpp"
#include "render/stage_times.hpp"
#include "render/steps.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// CD metadata from the plan

delivery::CdDiscMeta cdDisc(const AlbumPlan& plan) {
    return {plan.album.title, plan.album.artist, "", plan.album.catalog};
}

std::vector<delivery::CdTrackMeta> cdTracks(const AlbumPlan& plan) {
    std::vector<delivery::CdTrackMeta> tracks;
    for (const auto& t : plan.tracks)
        tracks.push_back({t.title, t.artist.empty() ? plan.album.artist : t.artist, t.composer, t.isrc});
    return tracks;
}

// ---------------------------------------------------------------------------------------------
// Parallel work

namespace {

// Working memory the shared chain's streams may hold at once (see perJob in renderAlbum): tracks
// run in parallel only while their estimated working sets fit.
constexpr double kTrackMemoryBudgetBytes = 1.25 * 1024 * 1024 * 1024;

unsigned workersFor(double bytesPerJob) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const double fit = std::floor(kTrackMemoryBudgetBytes / std::max(bytesPerJob, 1.0));
    return static_cast<unsigned>(std::clamp(fit, 1.0, static_cast<double>(hw)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The render

RenderResult renderAlbum(const AlbumPlan& plan, const RenderOptions& options, RenderStats* stats) {
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

    // The job key and every input's SHA-256, hashed before anything is written (report.json "job").
    const JobIdentity identity = jobIdentity(plan, options.variants, deviceText(options.device));

    // What the manifest already decides is checked before anything is processed or written; the
    // output folder's rules (output_folder.hpp) before the folder is touched.
    checkLimits(plan, variants);
    OutputFolder folder(options.outDir, options.force, inputsOf(plan), plannedOutputs(plan, variants));

    // Scratch files of the album pass, inside the locked output folder; removed on every exit.
    // Up to options.spillMemoryBytes of them stay in memory (src/render/spill.hpp).
    Scratch scratch(options.scratchDir.empty() ? folder.scratchDir()
                                               : options.scratchDir / ("lacquer-" + std::to_string(::getpid())),
                    options.spillMemoryBytes);

    // One engine for the whole render: FFT plans and kernels are made once and reused.
    const auto engine = convolution::Engine::create(options.device);
    const IrCache irs = loadImpulseResponses(plan);

    // Shared stages, once per track and distinct chain (a variant's own `chain:` makes another),
    // all in parallel.
    StageTimes times;  // report.json "timing": wall and CPU seconds per stage
    std::optional<StageTimes::Scope> stage;
    stage.emplace(times, "decode and shared chain");
    const std::size_t n = plan.tracks.size();
    std::vector<TrackPlan> jobs;                           // a track with the chain to run
    std::vector<std::vector<std::size_t>> jobOf(variants.size(), std::vector<std::size_t>(n));
    for (std::size_t k = 0; k < variants.size(); ++k)
        for (std::size_t i = 0; i < n; ++i) {
            const auto& v = *variants[k];
            const ChainParams& chain = v.trackChains.size() == n ? v.trackChains[i] : plan.tracks[i].chain;
            std::size_t j = 0;
            while (j < jobs.size() && !(jobs[j].number == plan.tracks[i].number && jobs[j].chain == chain)) ++j;
            if (j == jobs.size()) {
                jobs.push_back(plan.tracks[i]);
                jobs.back().chain = chain;
            }
            jobOf[k][i] = j;
        }
    std::vector<ProcessedTrack> done(jobs.size());
    std::atomic<int> finished{0};
    // Work units for the percentage: a track through the shared chain, a track mastered (per
    // variant), half a track written (per variant).
    log::ProgressMeter meter(static_cast<double>(jobs.size()) + 1.5 * static_cast<double>(variants.size() * n));
    meter.show("processing tracks 0/" + std::to_string(jobs.size()));
    // A worker streams its track: the most it holds is a convolution segment's input window and
    // output (on a real GPU two batches of the engine's 128 MiB budget each, with the window's
    // growth; on the CPU a few MiB to ~250 MiB for long reverbs on many cores), libsoxr's state
    // and a few blocks — not the track.
    constexpr double perJob = 384.0 * 1024 * 1024;
    const std::vector<SpectralJob> spectral = prepareSpectral(jobs);  // src/render/spectral.cpp
    parallelFor(jobs.size(), [&](std::size_t j) {
        throwIfCancelled();
        done[j] = processTrack(plan, jobs[j], *engine, irs, &scratch, spectralInputs(spectral[j], *engine, options.device));
        meter.advance(1, "processing tracks " + std::to_string(++finished) + "/" + std::to_string(jobs.size()) + "  " + jobs[j].title);
    }, workersFor(perJob));
    if (stats) {
        stats->sharedChainRuns += static_cast<int>(jobs.size());
        for (const auto& p : done) stats->convolutionRuns += p.convolutionRuns;
    }
    auto processedFor = [&](std::size_t k) {
        std::vector<ProcessedTrack> p;
        for (std::size_t i = 0; i < n; ++i) p.push_back(done[jobOf[k][i]]);
        return p;
    };

    json report;
    report["manifest"] = plan.manifestPath.string();
    report["manifest_sha256"] = plan.manifestSha256;
    report["lacquer_version"] = LACQUER_VERSION;
    report["lacquer_build"] = LACQUER_BUILD;  // commit as of the last configure
    report["job"] = identity.toJson(plan.manifestPath.parent_path());
    report["album"] = report::albumMetaJson(plan.album);
    report["device"] = engine->deviceName();
    report["backend"] = engine->backendName();
    report["chains"] = report::chainsJson(plan);
    report["spectral"] = spectralJson(jobs, spectral, [&] {
        std::vector<SpectralResults> r;
        for (const auto& p : done) r.push_back({p.matchedSpectrum, p.noiseBefore, p.noiseAfter, p.denoiseBackend});
        return r;
    }());
    report["variants"] = json::object();  // a JSON object sorts its keys: the order is kept beside it
    report["variant_order"] = json::array();
    for (const auto* v : variants) report["variant_order"].push_back(v->name);
    bool allOk = true;
    // Every variant is mastered before anything is written, so the Red Book checks of a CD
    // variant (they need the final track lengths) can stop the render with nothing written.
    std::vector<VariantMaster> masters(variants.size());
    std::vector<Diagnostic> cdErrors;
    std::vector<json> cdWarnings(variants.size(), json::array());
    stage.reset();
    stage.emplace(times, "master");
    // Variants master in parallel: each streams through spill files (its working set is a few
    // blocks and the limiter's state), so two at once cost little memory. Each variant's result
    // depends only on its own inputs: the bytes do not depend on the schedule.
    parallelFor(variants.size(), [&](std::size_t k) {
        const auto* v = variants[k];
        meter.show("variant " + v->name + ": loudness and limiting");
        masters[k] = masterVariant(plan, *v, processedFor(k), &scratch);
        if (v->exportSpec.lossy() ||
            (v->lowerCeilingForCodecs && v->limiter && v->exportSpec.format == ExportFormat::Flac))
            masters[k] = masterForCodecs(plan, *v, processedFor(k), scratch, std::move(masters[k]));
        meter.advance(static_cast<double>(n), "variant " + v->name + ": mastered");
    });
    for (std::size_t k = 0; k < variants.size(); ++k) {
        const auto* v = variants[k];
        if (v->exportSpec.format != ExportFormat::Cd) continue;
        const auto& tl = masters[k].timeline;
        const auto layout = delivery::cdLayout(masters[k].marks, masters[k].trackFrames, tl->frames());
        auto rb = delivery::checkRedBook(layout, cdDisc(plan), cdTracks(plan));
        for (auto& d : rb.errors) {
            d.where = v->name + (d.where.empty() ? "" : ": " + d.where);
            cdErrors.push_back(d);
        }
        for (const auto& d : rb.warnings) {
            log::warning(v->name, d.line());
            cdWarnings[k].push_back(checks::toJson(checks::fromDiagnostic("cd.red_book", "Red Book warning", d, checks::Status::Warn)));
        }
    }
    if (!cdErrors.empty()) throw Error(ErrorKind::Manifest, cdErrors);
    for (auto& p : done) p.audio.reset();  // every variant's timeline holds what it needs
    stage.reset();
    stage.emplace(times, "write and measure");
    // Variants write in parallel too (each its own folder and files; the report is assembled in
    // variant order afterwards).
    std::vector<json> sections(variants.size());
    parallelFor(variants.size(), [&](std::size_t k) {
        const auto* v = variants[k];
        meter.show("variant " + v->name + ": writing " + std::to_string(plan.tracks.size()) + " files");
        sections[k] = writeVariant(plan, *v, masters[k], processedFor(k), options.outDir, scratch.dir());
        meter.advance(0.5 * static_cast<double>(n), "variant " + v->name + ": written");
    });
    for (std::size_t k = 0; k < variants.size(); ++k) {
        const auto* v = variants[k];
        json section = std::move(sections[k]);
        for (const auto& w : cdWarnings[k]) section["checks"].push_back(w);
        // --strict: a warning (report.json "severity": "warn") fails the render too.
        for (const auto& c : section["checks"])
            allOk = allOk && c["ok"].get<bool>() && !(options.strict && c.value("severity", "") == "warn");
        report["variants"][v->name] = std::move(section);
    }
    log::endProgress();
    stage.reset();
    report["timing"] = times.toJson();
    io::writeTextFile(options.outDir / "report.json", report.dump(2) + "\n");
    io::writeTextFile(options.outDir / "report.md", report::toMarkdown(report));
    io::writeTextFile(options.outDir / "report.html", report::toHtml(report));
    folder.finish(writtenFiles(report));  // the previous render's files this one did not write
    return {std::move(report), allOk};
}

}  // namespace lacquer::render
