// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/summary.hpp"

#include <algorithm>

namespace lacquer::report {
using nlohmann::json;

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
