// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/commands.hpp"
#include "app/render_cli.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/sequence/timeline.hpp"
#include "lacquer/sequence/trim.hpp"
#include "lacquer/gpu/device.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/report/report.hpp"

namespace lacquer::app {
using nlohmann::json;

int runRender(const RenderArgs& args) {
    const AlbumPlan plan = manifest::load(args.manifest, manifest::CheckInputs::Yes);
    render::RenderOptions options;
    options.outDir = args.outDir;
    options.variants = args.variants;
    options.device = parseDevice(args.device);
    options.force = args.force;
    if (!args.scratchDir.empty()) options.scratchDir = args.scratchDir;
    const render::RenderResult result = render::renderAlbum(plan, options);
    log::info(summaryTable(result.report));
    return renderExitCode(result.checksPassed);
}

// Red Book rules for the CD variants, on the timeline the sources make (the reverb tail can only
// lengthen tracks; render re-checks the final lengths before writing).
void precheckCd(const AlbumPlan& plan) {
    std::vector<Diagnostic> errors;
    for (const auto& v : plan.variants) {
        if (v.exportSpec.format != ExportFormat::Cd) continue;
        std::vector<std::size_t> frames;
        std::vector<sequence::TrackPlacement> placements;
        for (const auto& t : plan.tracks) {
            // chain.trim shortens the track: its cut decided on the audio, as the render will.
            double seconds = io::probe(t.file).durationS();
            if (t.chain.trim) {
                const io::FileSource file(t.file, io::Channels::Stereo);
                seconds = sequence::analyseTrim(file, *t.chain.trim, "track " + std::to_string(t.number) + " (" + t.title + ")").keptS();
            }
            frames.push_back(static_cast<std::size_t>(std::llround(seconds * delivery::kCdRateHz)));
            sequence::TrackPlacement p;
            p.crossfadeS = t.crossfadeS;
            p.gapAfterS = t.gapAfterS.value_or(plan.sequence.gapS);
            placements.push_back(p);
        }
        std::size_t total = 0;
        const auto marks = sequence::layoutMarks(frames, placements, delivery::kCdRateHz, &total);
        const auto rb = delivery::checkRedBook(delivery::cdLayout(marks, frames, total), render::cdDisc(plan), render::cdTracks(plan));
        for (auto d : rb.errors) {
            d.where = v.name + (d.where.empty() ? "" : ": " + d.where);
            errors.push_back(d);
        }
        for (const auto& d : rb.warnings) log::warning(v.name, d.line());
    }
    if (!errors.empty()) throw Error(ErrorKind::Manifest, errors);
}

int runValidate(const std::string& manifestPath) {
    const AlbumPlan plan = manifest::load(manifestPath, manifest::CheckInputs::Yes);
    precheckCd(plan);
    std::printf("%s: ok — %zu tracks, %zu variants\n", manifestPath.c_str(), plan.tracks.size(), plan.variants.size());
    return 0;
}

int runAnalyze(const std::vector<std::string>& files, bool asJson) {
    std::vector<report::FileMeasurement> results(files.size());
    try {
        parallelFor(files.size(), [&](std::size_t i) { results[i] = report::measureFile(files[i]); });
    } catch (const Error& e) {
        throw Error(ErrorKind::Io, e.diagnostics());  // analyze: an unreadable file is exit 3
    }
    if (asJson) {
        json out = json::array();
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto& m = results[i];
            out.push_back({{"file", files[i]},
                           {"integrated_lufs", report::numberOrNull(m.loudness.integratedLufs)},
                           {"loudness_range_lu", report::numberOrNull(m.loudness.loudnessRangeLu)},
                           {"true_peak_dbtp", report::numberOrNull(m.loudness.truePeakDbtp)},
                           {"sample_peak_dbfs", report::numberOrNull(m.loudness.samplePeakDbfs)},
                           {"duration_s", report::numberOrNull(m.info.durationS(), 6)},
                           {"sample_rate", m.info.sampleRateHz},
                           {"channels", m.info.channels}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    auto f = [](const std::optional<double>& v, const char* format) {
        if (!v) return std::string("—");
        char buf[32];
        std::snprintf(buf, sizeof buf, format, *v);
        return std::string(buf);
    };
    std::printf("%8s %7s %8s %9s %9s %7s %3s  %s\n", "LUFS", "LRA LU", "dBTP", "peak dBFS", "length s", "rate", "ch", "file");
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& m = results[i];
        std::printf("%8s %7s %8s %9s %9.3f %7d %3d  %s\n", f(m.loudness.integratedLufs, "%.2f").c_str(),
                    f(m.loudness.loudnessRangeLu, "%.1f").c_str(), f(m.loudness.truePeakDbtp, "%.2f").c_str(),
                    f(m.loudness.samplePeakDbfs, "%.2f").c_str(), m.info.durationS(), m.info.sampleRateHz, m.info.channels,
                    files[i].c_str());
    }
    return 0;
}

int runDevices() {
    const auto devices = gpu::listDevices();
    const int autoIndex = gpu::autoDeviceIndex(devices);
    if (devices.empty()) std::printf("no Vulkan devices found\n");
    for (const auto& d : devices)
        std::printf("%2d  %-44s %-10s %s  Vulkan %s%s\n", d.index, d.name.c_str(), gpu::toString(d.type),
                    d.software ? "software" : "hardware", d.apiVersion.c_str(), d.index == autoIndex ? "  ← auto" : "");
    if (autoIndex < 0)
        std::printf("auto: CPU (FFTW) — no hardware GPU; a software Vulkan device is slower than FFTW on the CPU "
                    "(choose it with --device N)\n");
    return 0;
}

}  // namespace lacquer::app
