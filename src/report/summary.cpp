// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/summary.hpp"

#include <algorithm>
#include <cstdio>

#include "lacquer/common/text.hpp"

namespace lacquer::report {
using nlohmann::json;

namespace {
std::string fmt(const json& v, const char* format = "%.2f") {
    if (v.is_null()) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v.get<double>());
    return buf;
}
}  // namespace

std::vector<std::string> variantOrder(const json& r) {
    std::vector<std::string> names;
    const auto vs = r.find("variants");
    if (vs == r.end() || !vs->is_object()) return names;
    const auto order = r.find("variant_order");
    if (order != r.end() && order->is_array())
        for (const auto& n : *order)
            if (n.is_string() && vs->contains(n.get<std::string>()) &&
                std::find(names.begin(), names.end(), n.get<std::string>()) == names.end())
                names.push_back(n.get<std::string>());
    for (const auto& [name, v] : vs->items())
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    return names;
}

std::size_t displayWidth(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) == 0x80) continue;  // continuation byte
        if (c == 0xCC || (c == 0xCD && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xB0))
            continue;  // U+0300..U+036F combining diacritics
        ++w;
    }
    return w;
}

std::string summaryTable(const json& r) {
    std::string out;
    char line[256];
    for (const auto& name : variantOrder(r)) {
        const auto& v = r["variants"][name];
        const auto& t = v["targets"];
        std::snprintf(line, sizeof line, "%s: target %s LUFS (%s), ceiling %s dBTP\n", name.c_str(),
                      fmt(t["integrated_lufs"], "%.1f").c_str(), t.value("mode", "").c_str(), fmt(t["true_peak_dbtp"], "%.1f").c_str());
        out += line;
        // Titles in full: the column is as wide as the longest (in terminal columns, not bytes).
        std::size_t width = 5;
        // Titles reach the terminal through text::forTerminal (no control character or escape).
        auto title = [](const json& tr) { return text::forTerminal(tr.value("title", "")); };
        for (const auto& tr : v["tracks"]) width = std::max(width, displayWidth(title(tr)));
        auto padded = [&](const std::string& s) { return s + std::string(width - displayWidth(s), ' '); };
        std::snprintf(line, sizeof line, "  %3s  ", "#");
        out += line + padded("title");
        std::snprintf(line, sizeof line, " %8s %7s %8s %8s\n", "LUFS", "dBTP", "gain dB", "length");
        out += line;
        for (const auto& tr : v["tracks"]) {
            std::snprintf(line, sizeof line, "  %3d  ", tr["number"].get<int>());
            out += line + padded(title(tr));
            std::snprintf(line, sizeof line, " %8s %7s %8s %7ss\n", fmt(tr["integrated_lufs"]).c_str(),
                          fmt(tr["true_peak_dbtp"]).c_str(), fmt(tr["gain_db"]).c_str(), fmt(tr["duration_s"], "%.1f").c_str());
            out += line;
        }
        const auto& a = v["album"];
        std::snprintf(line, sizeof line, "  album %s LUFS, true peak %s dBTP\n", fmt(a["integrated_lufs"]).c_str(),
                      fmt(a["true_peak_dbtp"]).c_str());
        out += line;
        int failed = 0, warned = 0;
        for (const auto& c : v["checks"])
            if (!c["ok"].get<bool>()) {
                ++failed;
                out += "  FAIL " + text::forTerminal(c["name"].get<std::string>()) + ": " +
                       text::forTerminal(c["detail"].get<std::string>()) + "\n";
            }
        // Warnings: passed checks an engineer must hear about (quality, vinyl, codec, Red Book).
        for (const auto& c : v["checks"])
            if (c["ok"].get<bool>() && c.value("severity", "") == "warn") {
                ++warned;
                out += "  WARN " + text::forTerminal(c["name"].get<std::string>()) + ": " +
                       text::forTerminal(c["detail"].get<std::string>()) + "\n";
            }
        const std::string total = std::to_string(v["checks"].size());
        const std::string warnings = std::to_string(warned) + (warned == 1 ? " warning" : " warnings");
        if (failed)
            out += "  " + std::to_string(failed) + " of " + total + " checks failed" + (warned ? ", " + warnings : std::string()) + "\n";
        else if (warned)
            out += "  passed with " + warnings + " (" + total + " checks)\n";
        else
            out += "  all " + total + " checks passed\n";
    }
    return out;
}

json summaryJson(const json& r, const std::string& reportPath, int exitCode) {
    json out = {{"report", reportPath}, {"exit_code", exitCode}, {"ok", exitCode == 0}, {"variants", json::array()}};
    for (const auto& name : variantOrder(r)) {
        const json& v = r["variants"][name];
        json tracks = json::array();
        for (const auto& t : v.value("tracks", json::array()))
            tracks.push_back({{"number", t.value("number", json())},
                              {"title", t.value("title", json())},
                              {"file", t.value("file", json())},
                              {"integrated_lufs", t.value("integrated_lufs", json())},
                              {"true_peak_dbtp", t.value("true_peak_dbtp", json())},
                              {"gain_db", t.value("gain_db", json())},
                              {"duration_s", t.value("duration_s", json())}});
        json failed = json::array();
        int total = 0;
        for (const auto& c : v.value("checks", json::array())) {
            ++total;
            if (!c.value("ok", false)) failed.push_back({{"name", c.value("name", "")}, {"detail", c.value("detail", "")}});
        }
        out["variants"].push_back({{"name", name},
                                   {"targets", v.value("targets", json::object())},
                                   {"album", v.value("album", json::object())},
                                   {"tracks", tracks},
                                   {"checks", {{"total", total}, {"failed", failed.size()}}},
                                   {"failed_checks", failed}});
    }
    return out;
}

}  // namespace lacquer::report
