// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace lacquer::report {
using nlohmann::json;

namespace {

// Numeric arrays longer than this (plots, curves, spectra) are summarised in one line.
constexpr std::size_t kLongArray = 16;

// Keys shown first, in this order, so a variant reads targets → album → tracks → files → checks
// and a track reads loudness → peaks → gain → position → hash; other keys follow alphabetically.
const std::vector<std::string> kPreferredOrder = {
    "manifest",        "manifest_sha256",   "lacquer_version",  "lacquer_build",   "device",     "backend",
    "chains",          "targets",           "export",           "settings",        "album",      "tracks",
    "files",           "checks",            "timeline",         "plots",           "variants",   "integrated_lufs",
    "loudness_range_lu", "true_peak_dbtp",  "sample_peak_dbfs", "gain_db",         "start_s",    "duration_s",
    "file",            "path",              "sha256"};

int decimalsOf(const json& v) {
    if (!v.is_number_float()) return 0;
    const std::string s = v.dump();
    const auto dot = s.find('.');
    if (dot == std::string::npos || s.find('e') != std::string::npos) return 2;
    return std::min<int>(6, static_cast<int>(s.size() - dot - 1));
}

std::string show(const json& v, const std::string& key) {
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (key == "sha256" && s.size() > 12) return s.substr(0, 12) + "…";
        return "\"" + s + "\"";
    }
    if (v.is_null()) return "null";
    const std::string s = v.dump();
    return s.size() > 120 ? s.substr(0, 117) + "…" : s;
}

std::string signedNumber(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.*f", decimals, v + 0.0);
    return buf;
}

bool isNumericArray(const json& v) {
    if (!v.is_array()) return false;
    return std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number() || e.is_null(); });
}

// The member that identifies an element of an array of objects, if every element has it.
std::optional<std::string> matchKey(const std::string& arrayKey, const json& a, const json& b) {
    std::vector<std::string> candidates;
    if (arrayKey == "files") candidates = {"path"};
    else if (arrayKey == "checks") candidates = {"name"};
    else candidates = {"number", "name", "path", "service", "id"};
    for (const auto& k : candidates) {
        auto all = [&](const json& arr) {
            return std::all_of(arr.begin(), arr.end(), [&](const json& e) { return e.is_object() && e.contains(k); });
        };
        if (!a.empty() || !b.empty())
            if (all(a) && all(b)) return k;
    }
    return std::nullopt;
}

std::string elementLabel(const std::string& arrayKey, const std::string& key, const json& id, const json& element) {
    const std::string idText = id.is_string() ? id.get<std::string>() : id.dump();
    if (arrayKey == "tracks" && key == "number") {
        std::string s = "track " + idText;
        if (element.contains("title") && element["title"].is_string()) s += " (" + element["title"].get<std::string>() + ")";
        return s;
    }
    if (arrayKey == "timeline" && key == "number") return "timeline track " + idText;
    if (arrayKey == "files") return "file " + idText;
    if (arrayKey == "checks") return "check \"" + idText + "\"";
    return arrayKey + " " + idText;
}

std::string join(const std::string& where, const std::string& label) { return where.empty() ? label : where + ": " + label; }

class Differ {
public:
    std::vector<std::string> lines;

    void node(const json* a, const json* b, const std::string& where, const std::string& key) {
        if (a && b && *a == *b) return;
        if (!a) {
            lines.push_back(join(where, key.empty() ? "" : key) + (key.empty() ? "" : ": ") + "added " + show(*b, key));
            return;
        }
        if (!b) {
            lines.push_back(join(where, key.empty() ? "" : key) + (key.empty() ? "" : ": ") + "removed (was " + show(*a, key) + ")");
            return;
        }
        if (a->is_object() && b->is_object()) {
            object(*a, *b, key.empty() ? where : join(where, key), key);
            return;
        }
        if (a->is_array() && b->is_array()) {
            array(*a, *b, where, key);
            return;
        }
        leaf(*a, *b, where, key);
    }

private:
    void leaf(const json& a, const json& b, const std::string& where, const std::string& key) {
        std::string line = join(where, key) + ": " + show(a, key) + " → " + show(b, key);
        if (a.is_number() && b.is_number()) {
            const int d = std::max(decimalsOf(a), decimalsOf(b));
            line += " (" + signedNumber(b.get<double>() - a.get<double>(), d) + ")";
        }
        lines.push_back(line);
    }

    void object(const json& a, const json& b, const std::string& where, const std::string& parentKey) {
        std::vector<std::string> keys;
        for (const auto& k : kPreferredOrder)
            if (a.contains(k) || b.contains(k)) keys.push_back(k);
        auto addRest = [&](const json& o) {
            for (const auto& [k, v] : o.items())
                if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        };
        addRest(a);
        addRest(b);
        for (const auto& k : keys) {
            const json* av = a.contains(k) ? &a[k] : nullptr;
            const json* bv = b.contains(k) ? &b[k] : nullptr;
            // The variants object is only a container: its members read as the variant's name.
            if (parentKey.empty() && where.empty() && k == "variants" && av && bv && av->is_object() && bv->is_object()) {
                variants(*av, *bv);
                continue;
            }
            node(av, bv, where, k);
        }
    }

    void variants(const json& a, const json& b) {
        for (const auto& [name, v] : a.items()) {
            if (!b.contains(name)) {
                lines.push_back(name + ": variant removed (only in the first report)");
                continue;
            }
            if (v.is_object() && b[name].is_object()) object(v, b[name], name, name);
            else node(&v, &b[name], "", name);
        }
        for (const auto& [name, v] : b.items())
            if (!a.contains(name)) lines.push_back(name + ": variant added (only in the second report)");
    }

    void array(const json& a, const json& b, const std::string& where, const std::string& key) {
        if (isNumericArray(a) && isNumericArray(b) && std::max(a.size(), b.size()) > kLongArray) {
            longNumeric(a, b, where, key);
            return;
        }
        if (const auto mk = matchKey(key, a, b)) {
            auto find = [&](const json& arr, const json& id) -> const json* {
                for (const auto& e : arr)
                    if (e[*mk] == id) return &e;
                return nullptr;
            };
            for (const auto& ea : a) {
                const json* eb = find(b, ea[*mk]);
                const std::string label = elementLabel(key, *mk, ea[*mk], ea);
                if (!eb) {
                    lines.push_back(join(where, label) + ": removed");
                    continue;
                }
                if (ea == *eb) continue;
                object(ea, *eb, join(where, label), label);
            }
            for (const auto& eb : b)
                if (!find(a, eb[*mk])) lines.push_back(join(where, elementLabel(key, *mk, eb[*mk], eb)) + ": added " + show(eb, key));
            return;
        }
        // By position, 1-based as a manifest lists them; an object with a "type" names it.
        const std::size_t n = std::max(a.size(), b.size());
        for (std::size_t i = 0; i < n; ++i) {
            const json* ea = i < a.size() ? &a[i] : nullptr;
            const json* eb = i < b.size() ? &b[i] : nullptr;
            std::string label = key + " #" + std::to_string(i + 1);
            const json* named = ea ? ea : eb;
            if (named->is_object() && named->contains("type") && (*named)["type"].is_string())
                label += " (" + (*named)["type"].get<std::string>() + ")";
            if (ea && eb && ea->is_object() && eb->is_object()) {
                if (*ea != *eb) object(*ea, *eb, join(where, label), label);
            } else {
                node(ea, eb, where, label);
            }
        }
    }

    void longNumeric(const json& a, const json& b, const std::string& where, const std::string& key) {
        std::string line = join(where, key) + ": ";
        if (a.size() != b.size()) line += std::to_string(a.size()) + " → " + std::to_string(b.size()) + " values; ";
        std::size_t changed = 0, worstAt = 0;
        double worst = 0;
        int decimals = 0;
        for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
            if (a[i] == b[i]) continue;
            ++changed;
            if (a[i].is_number() && b[i].is_number()) {
                decimals = std::max({decimals, decimalsOf(a[i]), decimalsOf(b[i])});
                const double d = b[i].get<double>() - a[i].get<double>();
                if (std::abs(d) > std::abs(worst)) {
                    worst = d;
                    worstAt = i;
                }
            }
        }
        line += std::to_string(changed) + " of " + std::to_string(std::min(a.size(), b.size())) + " values changed";
        if (worst != 0) line += " (largest " + signedNumber(worst, decimals) + " at index " + std::to_string(worstAt) + ")";
        lines.push_back(line);
    }
};

}  // namespace

std::vector<std::string> diffReports(const json& a, const json& b) {
    Differ d;
    // "timing" (wall and CPU seconds per stage) differs on every render: not a difference in what
    // was rendered.
    json ca = a, cb = b;
    if (ca.is_object()) ca.erase("timing");
    if (cb.is_object()) cb.erase("timing");
    d.node(&ca, &cb, "", "");
    return d.lines;
}

}  // namespace lacquer::report
