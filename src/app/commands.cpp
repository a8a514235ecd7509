// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/commands.hpp"
#include "app/render_cli.hpp"

#include <cmath>
#include <cstdio>
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

namespace lacquer::app {
using nlohmann::json;

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
    const render::RenderResult result = render::renderAlbum(plan, options);
    log::info(summaryTable(result.report));
    return renderExitCode(result.checksPassed);
}

int runValidate(const std::string& manifestPath) {
    const AlbumPlan plan = manifest::load(manifestPath, manifest::CheckInputs::Yes);
    std::vector<const VariantPlan*> all;
    for (const auto& v : plan.variants) all.push_back(&v);
    render::checkLimits(plan, all);  // the limits render checks before it processes anything
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
        std::printf("%s\n", out.dump(2, ' ', false, json::error_handler_t::replace).c_str());
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
