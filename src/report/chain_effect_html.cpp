// SPDX-License-Identifier: GPL-3.0-or-later
#include "report/chain_effect_html.hpp"

#include <cmath>
#include <cstdio>
#include <optional>

namespace lacquer::report {
using nlohmann::json;

namespace {

const json& get(const json& j, const char* key) {
    static const json null;
    if (!j.is_object()) return null;
    auto it = j.find(key);
    return it == j.end() ? null : *it;
}

std::string escHtml(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string num(const json& v, int decimals) {
    if (!v.is_number()) return "—";
    char b[48];
    std::snprintf(b, sizeof b, "%.*f", decimals, v.get<double>() + 0.0);
    return b;
}

// "source → master" in one cell.
std::string pair(const json& effect, const char* key, int decimals) {
    return num(get(get(effect, "source"), key), decimals) + " → " + num(get(get(effect, "master"), key), decimals);
}

std::string text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    return {};
}

}  // namespace

std::string chainEffectPanel(const json& variant) {
    const json& tracks = get(variant, "tracks");
    bool any = false;
    if (tracks.is_array())
        for (const auto& t : tracks) any = any || get(t, "chain_effect").is_object();
    std::string s = "<h3>What the chain did: source → master</h3>";
    if (!any) return s + "<p class=\"note\">Per-track measurements of source and master appear here once report.json carries <code>chain_effect</code>.</p>";
    s += "<table class=\"data chain-effect\"><thead><tr><th class=\"num\">#</th><th>title</th><th class=\"num\">LUFS</th>"
         "<th class=\"num\">LRA&#8239;LU</th><th class=\"num\">PLR&#8239;dB</th><th class=\"num\">side/mid&#8239;dB</th>"
         "<th class=\"num\">correlation</th><th class=\"num\">mono loss&#8239;dB</th><th class=\"num\">L/R&#8239;dB</th>"
         "<th class=\"num\">limiter GR max / mean</th><th class=\"num\">reverb wet/dry</th></tr></thead><tbody>";
    for (const auto& t : tracks) {
        const json& e = get(t, "chain_effect");
        if (!e.is_object()) continue;
        const json& lim = get(e, "limiter");
        const json& rv = get(e, "reverb");
        s += "<tr><td class=\"num\">" + escHtml(text(get(t, "number"))) + "</td><td>" + escHtml(text(get(t, "title"))) +
             "</td><td class=\"num\">" + pair(e, "integrated_lufs", 1) + "</td><td class=\"num\">" + pair(e, "loudness_range_lu", 1) +
             "</td><td class=\"num\">" + pair(e, "plr_db", 1) + "</td><td class=\"num\">" + pair(e, "side_to_mid_db", 1) +
             "</td><td class=\"num\">" + pair(e, "correlation", 2) + "</td><td class=\"num\">" + pair(e, "mono_fold_loss_db", 2) +
             "</td><td class=\"num\">" + pair(e, "balance_db", 2) + "</td><td class=\"num\">" +
             num(get(lim, "max_gain_reduction_db"), 1) + " / " + num(get(lim, "mean_gain_reduction_db"), 1) +
             "</td><td class=\"num\">" + (rv.is_object() ? num(get(rv, "wet_to_dry_realised_db"), 1) + "&#8239;dB" : "—") + "</td></tr>";
    }
    s += "</tbody></table><p class=\"legend-text\">Each cell: source → master, measured as the audio streamed (source at the "
         "processing rate, master as written). PLR: true peak minus integrated loudness. Side/mid: energy of (L−R)/2 against "
         "(L+R)/2 (— for a mono source). Mono loss: loudness lost when folded to mono. L/R: energy balance. Reverb: the wet "
         "level relative to dry for this track's spectrum.</p>";

    // Octave bands: what changed, what the EQ asked for, and the difference (the unasked shift).
    const json* centres = nullptr;
    for (const auto& t : tracks)
        if (get(get(t, "chain_effect"), "octave_centres_hz").is_array()) centres = &get(get(t, "chain_effect"), "octave_centres_hz");
    if (!centres) return s;
    s += "<table class=\"data chain-octaves\"><thead><tr><th class=\"num\">#</th><th>octave band, Hz</th>";
    for (const auto& c : *centres) s += "<th class=\"num\">" + num(c, 0) + "</th>";
    s += "</tr></thead><tbody>";
    for (const auto& t : tracks) {
        const json& e = get(t, "chain_effect");
        if (!e.is_object()) continue;
        for (const auto& [key, label] : {std::pair<const char*, const char*>{"octave_change_db", "change"},
                                         {"eq_requested_octave_db", "EQ asked"},
                                         {"unasked_octave_shift_db", "unasked"}}) {
            s += "<tr><td class=\"num\">" + escHtml(text(get(t, "number"))) + "</td><td>" + label + "</td>";
            const json& row = get(e, key);
            for (std::size_t k = 0; k < centres->size(); ++k) {
                const json& v = row.is_array() && k < row.size() ? row[k] : json();
                // 3 dB: the tonal_shift check's threshold (checks/quality.hpp).
                const bool bad = std::string(key) == "unasked_octave_shift_db" && v.is_number() && std::abs(v.get<double>()) > 3.0;
                s += std::string("<td class=\"num") + (bad ? " bad" : "") + "\">" + num(v, 1) + "</td>";
            }
            s += "</tr>";
        }
    }
    return s + "</tbody></table><p class=\"legend-text\">Change: master minus source level per octave band (dB, including the "
               "loudness gain). EQ asked: the EQ's requested curve, averaged over the band. Unasked: the change beyond what the "
               "EQ asked for, both curves taken relative to their mean.</p>";
}

}  // namespace lacquer::report
