// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/render_cli.hpp"

#include <cstdio>

#include "lacquer/common/error.hpp"
#include "lacquer/report/report.hpp"

namespace lacquer::app {
using nlohmann::json;

namespace {
std::string fmt(const json& v, const char* format = "%.2f") { return report::formatNumber(v, format); }
}  // namespace

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

std::string summaryTable(const json& r) {
    std::string out;
    char line[256];
    for (const auto& [name, v] : r["variants"].items()) {
        const auto& t = v["targets"];
        std::snprintf(line, sizeof line, "%s: target %s LUFS (%s), ceiling %s dBTP\n", name.c_str(),
                      fmt(t["integrated_lufs"], "%.1f").c_str(), t.value("mode", "").c_str(), fmt(t["true_peak_dbtp"], "%.1f").c_str());
        out += line;
        std::snprintf(line, sizeof line, "  %3s  %-28s %8s %7s %8s %8s\n", "#", "title", "LUFS", "dBTP", "gain dB", "length");
        out += line;
        for (const auto& tr : v["tracks"]) {
            std::snprintf(line, sizeof line, "  %3d  %-28.28s %8s %7s %8s %7ss\n", tr["number"].get<int>(),
                          tr["title"].get<std::string>().c_str(), fmt(tr["integrated_lufs"]).c_str(),
                          fmt(tr["true_peak_dbtp"]).c_str(), fmt(tr["gain_db"]).c_str(), fmt(tr["duration_s"], "%.1f").c_str());
            out += line;
        }
        const auto& a = v["album"];
        std::snprintf(line, sizeof line, "  album %s LUFS, true peak %s dBTP\n", fmt(a["integrated_lufs"]).c_str(),
                      fmt(a["true_peak_dbtp"]).c_str());
        out += line;
        int failed = 0;
        for (const auto& c : v["checks"])
            if (!c["ok"].get<bool>()) {
                ++failed;
                out += "  FAIL " + c["name"].get<std::string>() + ": " + c["detail"].get<std::string>() + "\n";
            }
        out += failed ? "" : "  all " + std::to_string(v["checks"].size()) + " checks passed\n";
    }
    return out;
}

}  // namespace lacquer::app
