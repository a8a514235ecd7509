// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/commands.hpp"
#include "app/render_cli.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/gpu/device.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/limits.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/report/summary.hpp"

namespace lacquer::app {
using nlohmann::json;
namespace fs = std::filesystem;

int runRender(const RenderArgs& args) {
    const AlbumPlan plan = manifest::load(args.manifest, manifest::CheckInputs::Yes);
    render::RenderOptions options;
    options.outDir = args.outDir;
    options.variants = args.variants;
    options.device = parseDevice(args.device);
    options.force = args.force;
    options.strict = args.strict;
    if (!args.scratchDir.empty()) options.scratchDir = args.scratchDir;
    options.spillMemoryBytes = args.spillMemoryMib << 20;
    if (args.json) log::setLevel(log::Level::Quiet);  // no progress or table on stdout under --json
    const render::RenderResult result = render::renderAlbum(plan, options);
    const int rc = renderExitCode(result.checksPassed);
    if (args.json) {
        // The summary from the report just written.
        const fs::path reportPath = fs::path(args.outDir) / "report.json";
        printJson(report::summaryJson(result.report, reportPath.string(), rc));
        return rc;
    }
    log::info(summaryTable(result.report));
    return rc;
}

std::string errorJson(const Error& e) {
    json errors = json::array();
    for (const auto& d : e.diagnostics()) errors.push_back({{"where", d.where}, {"what", d.what}, {"todo", d.todo}});
    return jsonText(json{{"ok", false}, {"exit_code", exitCodeFor(e.kind())}, {"errors", errors}});
}

std::string jsonText(const json& j) {
    // Bytes that are not UTF-8 (a file name, a title from the wild) become U+FFFD instead of an
    // exception: the JSON stays valid and the command still answers.
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

void printJson(const json& j) { std::printf("%s\n", jsonText(j).c_str()); }

int runValidate(const std::string& manifestPath, bool asJson) {
    std::vector<std::string> warnings;
    if (asJson) log::captureWarnings(&warnings);
    const AlbumPlan plan = manifest::load(manifestPath, manifest::CheckInputs::Yes);
    std::vector<const VariantPlan*> all;
    for (const auto& v : plan.variants) all.push_back(&v);
    render::checkLimits(plan, all);  // the limits render checks before it processes anything
    log::captureWarnings(nullptr);
    if (asJson) {
        json variants = json::array();
        for (const auto& v : plan.variants) variants.push_back(v.name);
        printJson(json{{"manifest", manifestPath}, {"ok", true}, {"tracks", plan.tracks.size()},
                       {"variants", variants}, {"warnings", warnings}});
        return 0;
    }
    std::printf("%s: ok — %zu tracks, %zu variants\n", text::forTerminal(manifestPath).c_str(), plan.tracks.size(), plan.variants.size());
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
        printJson(out);
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
                    text::forTerminal(files[i]).c_str());
    }
    return 0;
}

int runDevices(bool asJson) {
    const auto devices = gpu::listDevices();
    const int autoIndex = gpu::autoDeviceIndex(devices);
    if (asJson) {
        json list = json::array();
        for (const auto& d : devices)
            list.push_back({{"index", d.index}, {"name", d.name}, {"type", gpu::toString(d.type)}, {"software", d.software},
                            {"api_version", d.apiVersion}, {"driver_version", d.driverVersion}});
        printJson(json{{"devices", list}, {"auto", autoIndex < 0 ? json("cpu") : json(autoIndex)}});
        return 0;
    }
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
