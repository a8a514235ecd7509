// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "lacquer/common/digest.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/report/summary.hpp"

namespace lacquer::report {
namespace fs = std::filesystem;
using nlohmann::json;

std::string formatNumber(const json& v, const char* format) {
    if (v.is_null()) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v.get<double>());
    return buf;
}

namespace {
std::string fmt(const json& v, const char* format = "%.2f") { return formatNumber(v, format); }
}  // namespace


FileMeasurement measureFile(const fs::path& file, std::unique_ptr<loudness::Meter>* meterOut) {
    FileMeasurement m;
    const io::FileSource source(file, io::Channels::Native);
    m.info = source.info();
    auto meter = std::make_unique<loudness::Meter>(source.channels(), source.sampleRateHz());
    // Block by block: memory stays at one block however long the file is. The meter's results do
    // not depend on how the audio is split.
    constexpr std::size_t kBlockFrames = 65536;
    AudioBuffer block(source.channels(), std::min(kBlockFrames, source.frames()), source.sampleRateHz());
    for (std::size_t from = 0; from < source.frames(); from += kBlockFrames) {
        const BlockView view = block.view().slice(0, std::min(kBlockFrames, source.frames() - from));
        source.read(from, view);
        meter->add(view);
    }
    m.loudness = meter->result();
    if (meterOut) *meterOut = std::move(meter);
    m.sha256 = sha256File(file);
    return m;
}

json numberOrNull(const std::optional<double>& v, int decimals) {
    if (!v || !std::isfinite(*v)) return nullptr;
    const double scale = std::pow(10.0, decimals);
    return std::round(*v * scale) / scale + 0.0;  // + 0.0 turns -0 into 0
}

std::string toMarkdown(const json& r) {
    std::string md = "# lacquer render report\n\n";
    md += "- manifest: " + text::forMarkdown(r.value("manifest", "")) + "\n";
    md += "- lacquer: " + r.value("lacquer_version", "") + "\n";
    md += "- device: " + r.value("device", "") + "\n\n";
    for (const auto& name : variantOrder(r)) {
        const auto& v = r["variants"][name];
        const auto& t = v["targets"];
        md += "## Variant `" + name + "`\n\n";
        md += "Targets: " + fmt(t["integrated_lufs"], "%.1f") + " LUFS (" + t.value("mode", "") + " mode), true peak ≤ " +
              fmt(t["true_peak_dbtp"], "%.1f") + " dBTP\n\n";
        const auto& a = v["album"];
        md += "Album: " + fmt(a["integrated_lufs"]) + " LUFS integrated, LRA " + fmt(a["loudness_range_lu"], "%.1f") +
              " LU, true peak " + fmt(a["true_peak_dbtp"]) + " dBTP, " + fmt(a["duration_s"], "%.1f") + " s\n\n";
        md += "| # | title | start s | length s | LUFS | LRA LU | dBTP | sample peak dBFS | gain dB | file |\n";
        md += "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
        for (const auto& tr : v["tracks"]) {
            md += "| " + std::to_string(tr["number"].get<int>()) + " | " + text::forMarkdown(tr["title"].get<std::string>()) + " | " +
                  fmt(tr["start_s"], "%.3f") + " | " + fmt(tr["duration_s"], "%.3f") + " | " + fmt(tr["integrated_lufs"]) +
                  " | " + fmt(tr["loudness_range_lu"], "%.1f") + " | " + fmt(tr["true_peak_dbtp"]) + " | " +
                  fmt(tr["sample_peak_dbfs"]) + " | " + fmt(tr["gain_db"]) + " | " + text::forMarkdown(tr["file"].get<std::string>()) + " |\n";
        }
        md += "\n| check | result | detail |\n|---|---|---|\n";
        for (const auto& c : v["checks"])
            md += "| " + text::forMarkdown(c["name"].get<std::string>()) + " | " + (!c["ok"].get<bool>() ? "**FAIL**" : c.value("severity", "") == "warn" ? "warning" : "ok") + " | " +
                  text::forMarkdown(c["detail"].get<std::string>()) + " |\n";
        md += "\n";
        if (v.contains("streaming")) md += "### Playback on streaming services\n\n" + v["streaming"].value("playback_markdown", "") + "\n";
        if (v.contains("streaming") && v["streaming"].contains("codec_markdown"))
            md += "### The codec each service streams\n\n" + v["streaming"].value("codec_markdown", "") + "\n";
        if (v.contains("cd")) {
            md += "### CD: PQ sheet\n\n" + v["cd"].value("pq_sheet_markdown", "") + "\n";
            // A fence longer than any run of backticks in the sheet, so it cannot close early.
            const std::string cue = v["cd"].value("cue", "");
            std::size_t run = 0, longest = 0;
            for (const char c : cue) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
            const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
            md += "### CD: CUE sheet\n\n" + fence + "\n" + cue + fence + "\n\n";
        }
        if (v.contains("vinyl")) md += "### Vinyl: cutting sheet\n\n" + v["vinyl"].value("cutting_sheet_markdown", "") + "\n";
    }
    return md;
}

}  // namespace lacquer::report
