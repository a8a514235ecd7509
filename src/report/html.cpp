// SPDX-License-Identifier: GPL-3.0-or-later
// report.html: inline CSS and inline SVG, no script, nothing fetched. Every plot is drawn from
// report.json alone; the fields each one reads are listed in docs/report.md.
#include "lacquer/report/html.hpp"
#include "report/chain_effect_html.hpp"
#include "lacquer/report/spectral_html.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "report/html_plots.hpp"
#include "report/html_svg.hpp"

namespace lacquer::report {
using nlohmann::json;


namespace {
using namespace html;

// chain.compressor's static curve and chain.saturation's transfer curve (chains.*.compressor_curve,
// saturation_curve): the album's, and each track's that differs from it. Empty when neither is set.
std::string toolCurvePlots(const json& chains) {
    auto collect = [&](const char* key) {
        std::vector<std::pair<std::string, const json*>> curves;
        const json& album = at(at(chains, "album"), key);
        if (album.is_object()) curves.emplace_back("album", &album);
        if (at(chains, "tracks").is_array())
            for (const auto& t : at(chains, "tracks"))
                if (at(t, key).is_object() && at(t, key) != album) curves.emplace_back("track " + str(at(t, "number")), &at(t, key));
        return curves;
    };
    auto plot = [&](const char* key, const char* xKey, const char* yKey, const std::string& id, double lo, double hi,
                    const std::string& xName, const std::string& yName, const std::string& title) -> std::string {
        const auto curves = collect(key);
        if (curves.empty()) return "";
        Plot p(id, 1000, 296, 58, 18, 34);
        p.xLinear(lo, hi);
        p.yLinear(lo, hi);
        const int dec = hi - lo > 10 ? 0 : 1;
        p.axes(niceTicks(lo, hi, 7), [&](double v) { return fixed(v, dec); }, niceTicks(lo, hi, 6), [&](double v) { return fixed(v, dec); },
               xName, yName);
        p.line({{lo, lo}, {hi, hi}}, "#9aa5b1", 1.0, " stroke-dasharray=\"2 3\"");  // unity
        std::vector<std::pair<std::string, std::string>> legend;
        for (std::size_t i = 0; i < curves.size(); ++i) {
            const auto x = numbers(at(*curves[i].second, xKey)), y = numbers(at(*curves[i].second, yKey));
            if (x.size() < 2 || x.size() != y.size()) continue;
            std::vector<std::pair<double, std::optional<double>>> pts;
            for (std::size_t k = 0; k < x.size(); ++k) pts.emplace_back(x[k], std::clamp(y[k], lo, hi));
            const std::string c = i == 0 ? "#3b6ea8" : colour(i + 1);
            p.line(pts, c, i == 0 ? 2.2 : 1.4, i == 0 ? "" : " stroke-dasharray=\"5 3\"");
            legend.emplace_back(c, curves[i].first);
        }
        p.legend(legend);
        return figure(title, p.svg(title));
    };
    return plot("compressor_curve", "in_db", "out_db", "compressor-curve", -60, 0, "input level (dBFS)", "output level (dBFS)",
                "Glue compressor static curve (steady level, with makeup and mix)") +
           plot("saturation_curve", "in", "out", "saturation-curve", -2, 2, "input (full scale = 1)", "output",
                "Saturation transfer curve (with drive, output gain and mix)");
}

// ---------------------------------------------------------------------------------------------
// Tables

std::string cell(const json& v) {
    if (v.is_null()) return "—";
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) return fixed(v.get<double>(), 2);
    if (v.is_string()) return text::forHtml(v.get<std::string>());
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_primitive(); })) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : ", ") + cell(e);
        return s;
    }
    if (v.is_array()) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : "<br>") + cell(e);
        return s;
    }
    // An object: "type, key value, key value" (an EQ band reads "bell  freq_hz 3000, gain_db -0.80").
    std::string s;
    if (v.contains("type") && v["type"].is_string()) s = "<b>" + text::forHtml(v["type"].get<std::string>()) + "</b>";
    for (const auto& [k, e] : v.items()) {
        if (k == "type" && e.is_string()) continue;
        s += (s.empty() ? "" : s.back() == '>' && s.compare(s.size() - 4, 4, "</b>") == 0 ? " " : ", ") +
             std::string("<span class=\"k\">") + text::forHtml(k) + "</span> " + cell(e);
    }
    return s;
}

// A table of an array of objects (columns: the union of keys, known ones first), or of an object
// of such arrays (one captioned table each). Used for the playback simulation, cutting sheet,
// PQ sheet and anything of that shape.
std::string genericTable(const json& rows, const std::string& caption) {
    if (rows.is_object()) {
        std::string out;
        for (const auto& [k, v] : rows.items()) {
            if (v.is_array() && !v.empty() && v[0].is_object()) out += genericTable(v, caption.empty() ? k : caption + " — " + k);
            else out += "<p><span class=\"k\">" + text::forHtml(k) + "</span> " + cell(v) + "</p>";
        }
        return out;
    }
    if (!rows.is_array() || rows.empty()) return note("Empty.");
    if (!rows[0].is_object()) return "<ul>" + [&] {
        std::string li;
        for (const auto& r : rows) li += "<li>" + cell(r) + "</li>";
        return li;
    }() + "</ul>";
    static const std::vector<std::string> first = {"service", "platform", "mode", "side", "number", "track", "title", "name"};
    std::vector<std::string> cols;
    for (const auto& k : first)
        for (const auto& r : rows)
            if (r.is_object() && r.contains(k)) {
                cols.push_back(k);
                break;
            }
    for (const auto& r : rows)
        if (r.is_object())
            for (const auto& [k, v] : r.items())
                if (std::find(cols.begin(), cols.end(), k) == cols.end()) cols.push_back(k);
    std::string t = "<table class=\"data\">";
    if (!caption.empty()) t += "<caption>" + text::forHtml(caption) + "</caption>";
    t += "<thead><tr>";
    for (const auto& c : cols) {
        // Numeric columns are right-aligned, their headers too.
        const bool numeric = std::any_of(rows.begin(), rows.end(), [&](const json& r) { return at(r, c.c_str()).is_number(); });
        t += std::string(numeric ? "<th class=\"num\">" : "<th>") + text::forHtml(c) + "</th>";
    }
    t += "</tr></thead><tbody>";
    for (const auto& r : rows) {
        t += "<tr>";
        for (const auto& c : cols) {
            const json& v = at(r, c.c_str());
            t += std::string(v.is_number() ? "<td class=\"num\">" : "<td>") + cell(v) + "</td>";
        }
        t += "</tr>";
    }
    return t + "</tbody></table>";
}

// A chain's settings as key/value rows; curves (plotted above) are left out.
std::string settingsTable(const json& chain) {
    std::string t = "<table class=\"settings\"><tbody>";
    for (const auto& [k, v] : chain.items()) {
        if (k.size() > 6 && k.compare(k.size() - 6, 6, "_curve") == 0) continue;
        t += "<tr><th>" + text::forHtml(k) + "</th><td>" + cell(v) + "</td></tr>";
    }
    return t + "</tbody></table>";
}

std::string tracksTable(const json& variant) {
    const json& tracks = at(variant, "tracks");
    if (!tracks.is_array() || tracks.empty()) return note("No tracks in report.json.");
    const auto ceiling = num(at(at(variant, "targets"), "true_peak_dbtp"));
    const auto target = num(at(at(variant, "targets"), "integrated_lufs"));
    const bool trackMode = str(at(at(variant, "targets"), "mode")) == "track";
    std::string t =
        "<table class=\"data\"><thead><tr><th class=\"num\">#</th><th>title</th><th class=\"num\">start</th>"
        "<th class=\"num\">length</th><th class=\"num\">LUFS</th><th class=\"num\">LRA</th><th class=\"num\">true peak</th>"
        "<th class=\"num\">sample peak</th><th class=\"num\">gain</th><th class=\"num\">limiting</th><th>file</th></tr></thead>"
        "<tbody>";
    for (const auto& tr : tracks) {
        const auto tp = num(at(tr, "true_peak_dbtp"));
        const auto lufs = num(at(tr, "integrated_lufs"));
        const bool tpBad = tp && ceiling && *tp > *ceiling;
        // ±0.1 LU: EBU Tech 3341's tolerance, as the render's own check.
        const bool lufsBad = trackMode && lufs && target &&
                             std::abs(*lufs - (*target + num(at(tr, "loudness_offset_lu")).value_or(0))) > 0.1;
        const auto start = num(at(tr, "start_s"));
        const auto dur = num(at(tr, "duration_s"));
        t += "<tr><td class=\"num\">" + text::forHtml(str(at(tr, "number"))) + "</td><td>" + text::forHtml(str(at(tr, "title"))) + "</td><td class=\"num\">" +
             (start ? mmssTenths(*start) : "—") +
             "</td><td class=\"num\">" + (dur ? fixed(*dur, 2) + "&#8239;s" : "—") + "</td><td class=\"num" +
             (lufsBad ? " bad" : "") + "\">" + fmt(at(tr, "integrated_lufs"), 2) + "</td><td class=\"num\">" +
             fmt(at(tr, "loudness_range_lu"), 1) + "</td><td class=\"num" + (tpBad ? " bad" : "") + "\">" +
             fmt(at(tr, "true_peak_dbtp"), 2) + "</td><td class=\"num\">" + fmt(at(tr, "sample_peak_dbfs"), 2) +
             "</td><td class=\"num\">" + fmt(at(tr, "gain_db"), 2) + "</td><td class=\"num\">" +
             fmt(at(tr, "limiter_max_gain_reduction_db"), 2) + "</td><td class=\"file\">" + text::forHtml(str(at(tr, "file"))) + "</td></tr>";
    }
    return t + "</tbody></table><p class=\"legend-text\">LUFS: integrated loudness; LRA: loudness range (LU); true peak in dBTP, "
               "sample peak in dBFS; gain: the loudness gain applied (dB); limiting: the deepest limiter gain reduction (dB).</p>";
}

std::string checksTable(const json& variant, int* failedOut) {
    const json& checks = at(variant, "checks");
    if (!checks.is_array() || checks.empty()) return note("No checks in report.json.");
    std::vector<const json*> order;
    for (const auto& c : checks)
        if (!(at(c, "ok").is_boolean() && at(c, "ok").get<bool>())) order.push_back(&c);
    *failedOut = static_cast<int>(order.size());
    for (const auto& c : checks)
        if (at(c, "ok").is_boolean() && at(c, "ok").get<bool>()) order.push_back(&c);
    std::string t = "<table class=\"data checks\"><thead><tr><th>result</th><th>check</th><th>detail</th></tr></thead><tbody>";
    for (const json* c : order) {
        const bool ok = at(*c, "ok").is_boolean() && at(*c, "ok").get<bool>();
        const bool warn = ok && str(at(*c, "severity")) == "warn";
        t += std::string("<tr class=\"") + (ok ? "ok" : "fail") + "\"><td><span class=\"pill " +
             (warn ? "warn\">warning" : ok ? "ok\">ok" : "fail\">FAIL") +
             "</span></td><td>" + text::forHtml(str(at(*c, "name"))) + "</td><td>" + text::forHtml(str(at(*c, "detail"))) + "</td></tr>";
    }
    return t + "</tbody></table>";
}

std::string filesTable(const json& variant) {
    const json& files = at(variant, "files");
    if (!files.is_array() || files.empty()) return "";
    std::string t = "<details><summary>Files and SHA-256 (" + std::to_string(files.size()) +
                    ")</summary><table class=\"data files\"><thead><tr><th>file</th><th>format</th><th>rate</th><th>bits</th>"
                    "<th>channels</th><th>SHA-256</th></tr></thead><tbody>";
    for (const auto& f : files)
        t += "<tr><td class=\"file\">" + text::forHtml(str(at(f, "path"))) + "</td><td>" + text::forHtml(str(at(f, "format"))) + "</td><td class=\"num\">" +
             text::forHtml(str(at(f, "sample_rate"))) + "</td><td class=\"num\">" + text::forHtml(str(at(f, "bit_depth"))) + "</td><td class=\"num\">" +
             text::forHtml(str(at(f, "channels"))) + "</td><td class=\"hash\">" + text::forHtml(str(at(f, "sha256"))) + "</td></tr>";
    return t + "</tbody></table></details>";
}

int countChecks(const json& variant, bool failed) {
    int n = 0;
    const json& checks = at(variant, "checks");
    if (checks.is_array())
        for (const auto& c : checks) n += (at(c, "ok").is_boolean() && at(c, "ok").get<bool>()) != failed;
    return n;
}

// ---------------------------------------------------------------------------------------------
// The page

const char* const kCss = R"CSS(
:root{--ink:#1d2330;--muted:#5d6473;--line:#dde1e8;--bg:#f5f6f8;--card:#fff;--ok:#1f7a3a;--okbg:#e3f4e8;--bad:#b3261e;--badbg:#fde7e5;--accent:#3b6ea8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{background:#1d2330;color:#fff;padding:28px 40px 24px}
header.top h1{margin:0;font-size:30px;font-weight:650;letter-spacing:-.01em}
header.top .artist{font-size:18px;color:#c9d3e3;margin-top:2px}
header.top dl{display:flex;flex-wrap:wrap;gap:6px 28px;margin:16px 0 0;font-size:13px;color:#aeb8c8}
header.top dt{display:inline;color:#7f8aa0}header.top dd{display:inline;margin:0 0 0 6px;color:#e6ebf3}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 22px}
h2{font-size:21px;margin:0 0 12px}h3{font-size:16px;margin:20px 0 8px;color:#2b3342}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:#fbfcfd;border-left:5px solid var(--ok)}
.card.failing{border-left-color:var(--bad)}
.card h3{margin:0 0 6px;font-size:17px}.card .big{font-size:24px;font-weight:650}.card .sub{color:var(--muted);font-size:13px}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650;letter-spacing:.02em}
.pill.ok{background:var(--okbg);color:var(--ok)}.pill.fail{background:var(--badbg);color:var(--bad)}.pill.warn{background:#fff4d6;color:#8a5a00}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 4px}
caption{text-align:left;font-weight:600;padding:6px 0}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f0f2f5;font-weight:600;color:#3a4252;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bad{color:var(--bad);font-weight:650;background:var(--badbg)}
tr.fail td{background:var(--badbg)}
td.file,td.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
table.settings th{width:160px;color:var(--muted);font-weight:500;background:none}
.k{color:var(--muted)}
.kv{display:flex;flex-wrap:wrap;gap:4px 26px;margin:4px 0 8px;font-size:14px}.kv b{font-weight:600}
figure{margin:14px 0 6px}figcaption{font-weight:600;font-size:14px;margin:0 0 4px;color:#2b3342}
svg.plot{width:100%;height:auto;display:block;background:#fff;font-size:12px}
svg .grid{stroke:#e8ebf0;stroke-width:1}svg .frame{fill:none;stroke:#c5cbd5}
svg .tick{fill:#5d6473;font-size:11.5px}svg .axis-title{fill:#3a4252;font-size:12px}
svg .mark{stroke:#b9c0cc;stroke-dasharray:2 3}svg .mark-label{fill:#8a92a0;font-size:10.5px}
svg .target{stroke:#2e933c;stroke-width:2;stroke-dasharray:7 4}svg .target-label{fill:#2e933c;font-size:12px;font-weight:600}
svg .target-faint{stroke:#2e933c;stroke-opacity:.35;stroke-dasharray:2 4}svg .target-faint-label{fill:#2e933c;font-size:11px}
svg .ceiling{stroke:#d1495b;stroke-width:1.6;stroke-dasharray:6 3}svg .ceiling-label{fill:#d1495b;font-size:12px;font-weight:600}
svg .album-level{stroke:#3b6ea8;stroke-opacity:.55;stroke-width:1.2}svg .album-level-label{fill:#3b6ea8;font-size:11px}
svg .zero{stroke:#9aa3b1}
svg .plr{fill:#c9d6e8}svg .lufs{fill:#3b6ea8;stroke:#fff;stroke-width:1.5}svg .tp{fill:#e09f3e}svg .tp.over{fill:#d1495b}
svg .value{fill:#3a4252;font-size:11px}
svg .halo,svg .value{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .legend text{fill:#3a4252;font-size:12px}
svg .block-label{fill:#fff;font-size:12px;font-weight:600}
svg .index-mark{stroke:#1d2330;stroke-width:1.5}
svg .side{fill:#eef1f5;stroke:#c5cbd5}svg .side-label{fill:#3a4252;font-size:12px;font-weight:600}
.note{color:var(--muted);font-size:13px;background:#f6f7f9;border:1px dashed #cfd5de;border-radius:8px;padding:8px 12px;margin:10px 0}
.legend-text{color:var(--muted);font-size:12px;margin:2px 0 0}
details{margin-top:12px}summary{cursor:pointer;color:var(--accent);font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#eef1f5;padding:0 4px;border-radius:4px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 28px}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
)CSS";

std::string variantSection(const std::string& name, const json& v) {
    const std::string id = idFor(name);
    const json& tg = at(v, "targets");
    const json& al = at(v, "album");
    const json& ex = at(v, "export");
    std::string s = "<section id=\"variant-" + id + "\"><h2>Variant <code>" + text::forHtml(name) + "</code></h2>";
    s += "<div class=\"kv\"><span><span class=\"k\">target</span> <b>" + fmt(at(tg, "integrated_lufs"), 1, "LUFS") + "</b> (" +
         text::forHtml(str(at(tg, "mode"))) + " mode)</span><span><span class=\"k\">true-peak ceiling</span> <b>" +
         (num(at(tg, "true_peak_dbtp")) ? fmt(at(tg, "true_peak_dbtp"), 1, "dBTP") : "none") + "</b></span>";
    if (ex.is_object())
        s += "<span><span class=\"k\">export</span> <b>" + text::forHtml(str(at(ex, "format"))) + "</b> " + text::forHtml(str(at(ex, "sample_rate"))) +
             "&#8239;Hz, " + (num(at(ex, "bitrate_kbps")) ? text::forHtml(str(at(ex, "bitrate_kbps"))) + "&#8239;kb/s"
                                                           : text::forHtml(str(at(ex, "bit_depth"))) + "&#8239;bit") +
             (str(at(ex, "dither")).empty() || str(at(ex, "dither")) == "none" ? "" : ", " + text::forHtml(str(at(ex, "dither"))) + " dither") +
             "</span>";
    s += "</div><div class=\"kv\"><span><span class=\"k\">album</span> <b>" + fmt(at(al, "integrated_lufs"), 2, "LUFS") +
         "</b></span><span><span class=\"k\">loudness range</span> <b>" + fmt(at(al, "loudness_range_lu"), 1, "LU") +
         "</b></span><span><span class=\"k\">true peak</span> <b>" + fmt(at(al, "true_peak_dbtp"), 2, "dBTP") +
         "</b></span><span><span class=\"k\">length</span> <b>" + (num(at(al, "duration_s")) ? mmss(*num(at(al, "duration_s"))) : "—") +
         "</b></span></div>";
    if (at(v, "settings").is_object()) s += "<h3>Settings</h3>" + settingsTable(at(v, "settings"));

    bool fromTimeline = false;
    const auto blocks = blocksOf(v, &fromTimeline);
    s += figure("Short-term loudness over time", loudnessPlot("loudness-" + id, v, blocks));
    s += figure("Integrated loudness and true peak per track", levelsPlot("levels-" + id, v));
    s += figure("Gain reduction over time", gainReductionPlot("gain-reduction-" + id, v));
    s += figure("Average spectrum before and after mastering", spectrumPlot("spectrum-" + id, v));
    s += "<h3>Tracks</h3>" + tracksTable(v);
    s += chainEffectPanel(v);
    int failed = 0;
    const std::string checks = checksTable(v, &failed);
    s += "<h3>Checks " + std::string(failed ? "<span class=\"pill fail\">" + std::to_string(failed) + " failed</span>"
                                            : "<span class=\"pill ok\">all passed</span>") +
         "</h3>" + checks;
    for (const auto& [key, title] : std::vector<std::pair<std::string, std::string>>{
             {"playback_simulation", "Playback simulation"}, {"cutting_sheet", "Cutting sheet"}, {"pq_sheet", "PQ sheet"},
             {"warnings", "Warnings"}})
        if (!at(v, key.c_str()).is_null()) s += "<h3>" + title + "</h3>" + genericTable(at(v, key.c_str()), "");
    if (at(v, "playback_simulation").is_null())
        s += "<h3>Playback simulation</h3>" +
             note("What streaming services will do to these files appears here once report.json carries "
                  "<code>playback_simulation</code>.");
    s += filesTable(v);
    return s + "</section>";
}

}  // namespace

std::string toHtml(const json& r) {
    const json& meta = at(r, "album");
    std::string manifest = str(at(r, "manifest"));
    // Without album metadata the page is named after the manifest's folder and file.
    auto slash = manifest.find_last_of('/');
    if (slash != std::string::npos && slash > 0) slash = manifest.find_last_of('/', slash - 1);
    const std::string manifestName = slash == std::string::npos ? manifest : manifest.substr(slash + 1);
    std::string title = str(at(meta, "title"));
    if (title.empty()) title = manifestName.empty() ? "lacquer render" : manifestName;
    const std::string artist = str(at(meta, "artist"));

    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<meta name=\"generator\" content=\"lacquer " + text::forHtml(str(at(r, "lacquer_version"))) + "\">"
                    "<title>" + text::forHtml(title) + (artist.empty() ? "" : " — " + text::forHtml(artist)) + " · lacquer report</title><style>" +
                    kCss + "</style></head><body>\n";

    h += "<header class=\"top\"><h1>" + text::forHtml(title) + "</h1>";
    if (!artist.empty()) h += "<div class=\"artist\">" + text::forHtml(artist) + "</div>";
    h += "<dl>";
    auto item = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) h += "<div><dt>" + k + "</dt><dd>" + v + "</dd></div>";
    };
    item("date", text::forHtml(str(at(meta, "date"))));
    item("catalog", text::forHtml(str(at(meta, "catalog"))));
    item("manifest", text::forHtml(manifest));
    const std::string sha = str(at(r, "manifest_sha256"));
    item("manifest SHA-256", "<span title=\"" + text::forHtml(sha) + "\">" + text::forHtml(sha.substr(0, 16)) + (sha.size() > 16 ? "…" : "") + "</span>");
    item("lacquer", text::forHtml(str(at(r, "lacquer_version"))) + (str(at(r, "lacquer_build")).empty() ? "" : " (" + text::forHtml(str(at(r, "lacquer_build"))) + ")"));
    item("device", text::forHtml(str(at(r, "device"))) + (str(at(r, "backend")).empty() ? "" : " · " + text::forHtml(str(at(r, "backend")))));
    h += "</dl></header>\n<main>";

    const json& variants = at(r, "variants");
    const json noVariants = json::object();
    const json& vs = variants.is_object() ? variants : noVariants;

    // Overview: one card per variant.
    h += "<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">";
    for (const auto& [name, v] : vs.items()) {
        const int failed = countChecks(v, true), passed = countChecks(v, false);
        const json& tg = at(v, "targets");
        h += std::string("<div class=\"card") + (failed ? " failing" : "") + "\"><h3>" + text::forHtml(name) + " " +
             (failed ? "<span class=\"pill fail\">" + std::to_string(failed) + " FAIL</span>" : "<span class=\"pill ok\">ok</span>") +
             "</h3><div class=\"big\">" + fmt(at(at(v, "album"), "integrated_lufs"), 2, "LUFS") + "</div><div class=\"sub\">target " +
             fmt(at(tg, "integrated_lufs"), 1, "LUFS") + " (" + text::forHtml(str(at(tg, "mode"))) + "), true peak " +
             fmt(at(at(v, "album"), "true_peak_dbtp"), 2, "dBTP") +
             (num(at(tg, "true_peak_dbtp")) ? " / ceiling " + fmt(at(tg, "true_peak_dbtp"), 1, "dBTP") : "") + "<br>" +
             std::to_string(passed) + " of " + std::to_string(passed + failed) + " checks passed · " +
             text::forHtml(str(at(at(v, "export"), "format"))) + " " + text::forHtml(str(at(at(v, "export"), "sample_rate"))) + "&#8239;Hz/" +
             (num(at(at(v, "export"), "bitrate_kbps")) ? text::forHtml(str(at(at(v, "export"), "bitrate_kbps"))) + "&#8239;kb/s"
                                                        : text::forHtml(str(at(at(v, "export"), "bit_depth"))) + "&#8239;bit") +
             "</div></div>";
    }
    if (vs.empty()) h += note("No variants in report.json.");
    h += "</div></section>\n";

    // The album's running order (the first variant that carries a timeline, else the first one).
    const json* layoutFrom = nullptr;
    for (const auto& [name, v] : vs.items())
        if (!layoutFrom || (at(v, "timeline").is_array() && !at(*layoutFrom, "timeline").is_array())) layoutFrom = &v;
    h += "<section id=\"album\"><h2>Album timeline</h2>";
    if (layoutFrom) {
        bool fromTimeline = false;
        const auto blocks = blocksOf(*layoutFrom, &fromTimeline);
        h += timelinePlot("timeline", blocks, fromTimeline);
    } else {
        h += note("No variants in report.json.");
    }
    h += "</section>\n";

    // The mastering chain.
    const json& chains = at(r, "chains");
    h += "<section id=\"chain\"><h2>Mastering chain</h2>" + figure("Designed EQ curve", eqPlot(chains)) + toolCurvePlots(chains);
    const json& albumChain = at(chains, "album");
    const bool albumSettings = albumChain.is_object() && albumChain.size() > (albumChain.contains("eq_curve") ? 1u : 0u);
    if (albumSettings) h += "<h3>Album chain</h3>" + settingsTable(albumChain);
    // A track's settings are shown when they say more than its number and curves.
    if (at(chains, "tracks").is_array())
        for (const auto& t : at(chains, "tracks"))
            if (t.is_object()) {
                json rest = t;
                rest.erase("number");
                bool settings = false;
                for (const auto& [k, v] : rest.items()) settings = settings || k.size() <= 6 || k.compare(k.size() - 6, 6, "_curve") != 0;
                if (settings) h += "<h3>Track " + text::forHtml(str(at(t, "number"))) + " overrides</h3>" + settingsTable(rest);
            }
    if (!albumSettings)
        h += note("The resolved chain settings (EQ bands, reverb, dynamics, limiter) appear here once report.json carries "
                  "them in <code>chains.album</code>.");
    h += "</section>\n";

    h += spectralSection(at(r, "spectral"));  // src/report/spectral_html.cpp
    for (const auto& [name, v] : vs.items()) h += variantSection(name, v) + "\n";
    h += "</main><footer>Generated by lacquer " + text::forHtml(str(at(r, "lacquer_version"))) +
         " from report.json. Every number on this page was measured from the written files.</footer></body></html>\n";
    return h;
}

}  // namespace lacquer::report
