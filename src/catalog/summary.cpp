// SPDX-License-Identifier: GPL-3.0-or-later
// The catalogue report (DIR/report.json, DIR/report.html) and `catalog status`, both from the run
// file, the jobs' result records and the albums' own report.json — never from Slurm.
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include "catalog/paths.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/atomic_file.hpp"

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json readJson(const fs::path& f) {
    std::ifstream in(f);
    if (!in) return nullptr;
    try {
        return json::parse(in);
    } catch (const json::exception&) {
        return nullptr;
    }
}

// Per variant: loudness, true peak, checks held / made, warnings (checks with "severity": "warn").
json variantSummary(const json& v) {
    json s;
    const json album = v.value("album", json::object());
    s["integrated_lufs"] = album.value("integrated_lufs", json());
    s["true_peak_dbtp"] = album.value("true_peak_dbtp", json());
    s["loudness_range_lu"] = album.value("loudness_range_lu", json());
    s["duration_s"] = album.value("duration_s", json());
    int ok = 0, total = 0;
    json failed = json::array(), warnings = json::array();
    for (const auto& c : v.value("checks", json::array())) {
        const std::string name = c.value("name", "");
        if (c.value("severity", "") == "warn") {
            warnings.push_back(c.value("detail", name));
            continue;
        }
        ++total;
        if (c.value("ok", false)) ++ok;
        else failed.push_back(name + ": " + c.value("detail", ""));
    }
    s["checks_ok"] = ok;
    s["checks_total"] = total;
    s["failed_checks"] = failed;
    s["warnings"] = warnings;
    return s;
}

std::string esc(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string num(const json& v, const char* format) {
    if (!v.is_number()) return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v.get<double>());
    return buf;
}

// 'sha256-<base64>' for the page's Content-Security-Policy: the one inline script it runs.
std::string cspHash(const std::string& script) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(script.data(), script.size(), digest, &length, EVP_sha256(), nullptr);
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(length));
    return "'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n)) + "'";
}

// Sorts the table by a header's column when the header is clicked (again: the other way). Cells
// sort by data-v (numbers) when they carry one, else by text; empty cells sort last. The URL
// fragment #sort=<column>:<asc|desc> sorts on load (used by the browser test and for links).
const char* kSortScript = R"JS(
(function () {
  var table = document.getElementById('albums');
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(row, col) {
    var c = row.cells[col];
    if (!c) return null;
    if (c.hasAttribute('data-v')) { var v = parseFloat(c.getAttribute('data-v')); return isNaN(v) ? null : v; }
    var t = c.textContent.trim();
    return t === '' ? null : t.toLowerCase();
  }
  function sortBy(col, dir) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var r = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
      return dir === 'desc' ? -r : r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    heads[col].setAttribute('aria-sort', dir === 'desc' ? 'descending' : 'ascending');
    document.body.setAttribute('data-sorted', col + ':' + dir);
  }
  for (var i = 0; i < heads.length; i++) {
    (function (col) {
      heads[col].addEventListener('click', function () {
        sortBy(col, heads[col].getAttribute('aria-sort') === 'ascending' ? 'desc' : 'asc');
      });
    })(i);
  }
  var m = /^#sort=(\d+):(asc|desc)$/.exec(location.hash);
  if (m && +m[1] < heads.length) sortBy(+m[1], m[2]);
})();
)JS";

}  // namespace

json summarize(const fs::path& outDir) {
    const Plan plan = readRunFile(outDir);
    json rep;
    rep["lacquer_catalog_report"] = 1;
    rep["run_id"] = plan.runId;
    rep["catalog"] = plan.catalogSource.string();
    rep["out"] = outDir.string();
    rep["engine"] = plan.engine;
    rep["lacquer_version"] = LACQUER_VERSION;
    rep["generated_at"] = nowUtc();
    rep["albums"] = json::array();
    std::set<std::string> variantNames;
    json totals = {{"albums", plan.albums.size()}, {"rendered", 0}, {"skipped", 0}, {"failed", 0}, {"cancelled", 0}, {"pending", 0},
                   {"checks_failed", 0}, {"warnings", 0}, {"job_wall_s", 0.0}, {"cpu_s", 0.0}, {"audio_s", 0.0}, {"max_rss_mib", 0.0}};
    std::string firstStart, lastEnd;
    for (const auto& a : plan.albums) {
        json row;
        row["name"] = a.entry.name;
        row["manifest"] = a.entry.manifest.string();
        row["reason"] = a.reason;
        const json rec = readRecord(outDir, a.entry.name);
        const bool thisRun = rec.is_object() && rec.value("run_id", "") == plan.runId;
        std::string st = thisRun ? rec.value("status", "failed") : std::string("pending");
        row["status"] = st;
        row["key"] = thisRun ? rec.value("key", json(a.key)) : json(a.key);
        for (const char* k : {"error", "exit_code", "wall_s", "cpu_s", "max_rss_mib", "host", "started_at", "finished_at", "slurm_job_id",
                              "slurm_array_job_id", "slurm_array_task_id"})
            if (thisRun && rec.contains(k)) row[k] = rec[k];
        if (thisRun) {
            totals["job_wall_s"] = totals["job_wall_s"].get<double>() + rec.value("wall_s", 0.0);
            totals["cpu_s"] = totals["cpu_s"].get<double>() + rec.value("cpu_s", 0.0);
            totals["max_rss_mib"] = std::max(totals["max_rss_mib"].get<double>(), rec.value("max_rss_mib", 0.0));
            if (rec.contains("started_at") && (firstStart.empty() || rec["started_at"].get<std::string>() < firstStart))
                firstStart = rec["started_at"];
            if (rec.contains("finished_at") && rec["finished_at"].get<std::string>() > lastEnd) lastEnd = rec["finished_at"];
        }
        row["variants"] = json::object();
        if (st == "rendered" || st == "skipped") {
            const json r = readJson(outDir / a.entry.name / "report.json");
            if (!r.is_object() || r.value("job", json::object()).value("key", "") != row["key"]) {
                // The record says done but the folder does not hold that render: not done.
                st = "failed";
                row["status"] = st;
                row["error"] = "error: " + (outDir / a.entry.name).string() + ": holds no render with the job's key — run the catalogue again";
            } else {
                int failedChecks = 0, warnings = 0;
                double audio = 0;
                const json rv = r.contains("variants") && r["variants"].is_object() ? r["variants"] : json::object();
                for (const auto& [vn, v] : rv.items()) {
                    json vs = variantSummary(v);
                    failedChecks += vs["checks_total"].get<int>() - vs["checks_ok"].get<int>();
                    warnings += static_cast<int>(vs["warnings"].size());
                    if (vs["duration_s"].is_number()) audio = std::max(audio, vs["duration_s"].get<double>());
                    variantNames.insert(vn);
                    row["variants"][vn] = std::move(vs);
                }
                row["checks_failed"] = failedChecks;
                row["warnings"] = warnings;
                row["duration_s"] = audio;
                totals["checks_failed"] = totals["checks_failed"].get<int>() + failedChecks;
                totals["warnings"] = totals["warnings"].get<int>() + warnings;
                totals["audio_s"] = totals["audio_s"].get<double>() + audio;
            }
        }
        if (totals.contains(st)) totals[st] = totals[st].get<int>() + 1;
        rep["albums"].push_back(std::move(row));
    }
    rep["variants"] = variantNames;
    totals["first_started_at"] = firstStart;
    totals["last_finished_at"] = lastEnd;
    rep["totals"] = totals;
    io::writeTextFile(outDir / "report.json", rep.dump(2) + "\n");
    io::writeTextFile(outDir / "report.html", toHtml(rep));
    return rep;
}

int summaryExitCode(const json& rep) {
    const json t = rep.value("totals", json::object());
    const bool ok = t.value("failed", 1) == 0 && t.value("cancelled", 1) == 0 && t.value("pending", 1) == 0 && t.value("checks_failed", 1) == 0;
    return ok ? 0 : 1;
}

std::string summaryLine(const json& rep) {
    const json t = rep.value("totals", json::object());
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "catalog: %d albums: %d rendered, %d skipped (unchanged), %d failed, %d cancelled, %d pending; %d checks failed, "
                  "%d warnings; jobs %.1f s wall, %.1f s CPU → %s",
                  t.value("albums", 0), t.value("rendered", 0), t.value("skipped", 0), t.value("failed", 0), t.value("cancelled", 0),
                  t.value("pending", 0), t.value("checks_failed", 0), t.value("warnings", 0), t.value("job_wall_s", 0.0), t.value("cpu_s", 0.0),
                  (rep.value("out", std::string()) + "/report.html").c_str());
    return buf;
}

std::string toHtml(const json& rep) {
    const std::vector<std::string> variants = rep.value("variants", std::vector<std::string>{});
    const json t = rep.value("totals", json::object());
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src " +
         cspHash(kSortScript) + "\">\n";
    h += "<title>lacquer catalogue report</title>\n<style>\n"
         "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
         "table{border-collapse:collapse}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\n"
         "th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}th[aria-sort=ascending]::after{content:' \\25B2'}"
         "th[aria-sort=descending]::after{content:' \\25BC'}\n"
         "td.l,th.l{text-align:left}td.err{white-space:normal;color:#a00;max-width:40em}\n"
         ".rendered{color:#070}.skipped{color:#555}.failed,.cancelled{color:#a00;font-weight:bold}.pending{color:#a60}\n"
         "</style></head><body>\n";
    h += "<h1>Catalogue report</h1>\n<p>" + esc(rep.value("catalog", "")) + " → " + esc(rep.value("out", "")) + " (engine " +
         esc(rep.value("engine", "")) + ", run " + esc(rep.value("run_id", "")) + ", lacquer " + esc(rep.value("lacquer_version", "")) + ")</p>\n";
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "<p id=\"totals\">%d albums: %d rendered, %d skipped (unchanged), %d failed, %d cancelled, %d pending · %d checks failed · "
                  "%d warnings · %.1f min of audio · jobs %.1f s wall, %.1f s CPU · peak %.0f MiB</p>\n",
                  t.value("albums", 0), t.value("rendered", 0), t.value("skipped", 0), t.value("failed", 0), t.value("cancelled", 0),
                  t.value("pending", 0), t.value("checks_failed", 0), t.value("warnings", 0), t.value("audio_s", 0.0) / 60.0,
                  t.value("job_wall_s", 0.0), t.value("cpu_s", 0.0), t.value("max_rss_mib", 0.0));
    h += buf;
    h += "<p>Click a column to sort.</p>\n<table id=\"albums\"><thead><tr><th class=\"l\">Album</th><th class=\"l\">Status</th>";
    for (const auto& v : variants) h += "<th>" + esc(v) + " LUFS</th><th>" + esc(v) + " dBTP</th><th>" + esc(v) + " checks</th>";
    h += "<th>Warnings</th><th>Length s</th><th>Wall s</th><th>CPU s</th><th>Peak MiB</th><th class=\"l\">Error / reason</th></tr></thead><tbody>\n";
    for (const auto& a : rep.value("albums", json::array())) {
        const std::string st = a.value("status", "");
        h += "<tr><td class=\"l\">" + esc(a.value("name", "")) + "</td><td class=\"l " + esc(st) + "\">" + esc(st) + "</td>";
        const json vs = a.value("variants", json::object());
        for (const auto& v : variants) {
            if (!vs.contains(v)) {
                h += "<td></td><td></td><td></td>";
                continue;
            }
            const json& s = vs[v];
            auto cell = [&](const json& x, const char* f) {
                return x.is_number() ? "<td data-v=\"" + num(x, "%.4f") + "\">" + num(x, f) + "</td>" : std::string("<td></td>");
            };
            h += cell(s.value("integrated_lufs", json()), "%.2f") + cell(s.value("true_peak_dbtp", json()), "%.2f");
            const int ok = s.value("checks_ok", 0), total = s.value("checks_total", 0);
            std::string title;
            for (const auto& f : s.value("failed_checks", json::array())) title += f.get<std::string>() + "\n";
            for (const auto& w : s.value("warnings", json::array())) title += "warning: " + w.get<std::string>() + "\n";
            h += "<td data-v=\"" + std::to_string(total - ok) + "\" title=\"" + esc(title) + "\">" + std::to_string(ok) + "/" + std::to_string(total) + "</td>";
        }
        auto numCell = [&](const char* k, const char* f) {
            return a.contains(k) && a[k].is_number() ? "<td data-v=\"" + num(a[k], "%.4f") + "\">" + num(a[k], f) + "</td>" : std::string("<td></td>");
        };
        h += numCell("warnings", "%.0f") + numCell("duration_s", "%.1f") + numCell("wall_s", "%.2f") + numCell("cpu_s", "%.2f") +
             numCell("max_rss_mib", "%.0f");
        const std::string err = a.value("error", std::string());
        h += "<td class=\"l" + std::string(err.empty() ? "" : " err") + "\">" + esc(err.empty() ? a.value("reason", std::string()) : err) + "</td></tr>\n";
    }
    h += "</tbody></table>\n<script>" + std::string(kSortScript) + "</script>\n</body></html>\n";
    return h;
}

json status(const fs::path& outDir) {
    const Plan plan = readRunFile(outDir);
    json st;
    st["run_id"] = plan.runId;
    st["engine"] = plan.engine;
    st["out"] = outDir.string();
    st["albums"] = json::array();
    json counts = {{"rendered", 0}, {"skipped", 0}, {"failed", 0}, {"cancelled", 0}, {"running", 0}, {"pending", 0}};
    std::size_t finished = 0;
    for (const auto& a : plan.albums) {
        const json rec = readRecord(outDir, a.entry.name);
        std::string s;
        json row = {{"name", a.entry.name}};
        if (rec.is_object() && rec.value("run_id", "") == plan.runId) {
            s = rec.value("status", "failed");
            if (rec.contains("error")) row["error"] = rec["error"];
            ++finished;
        } else {
            // A job holds the album's lock while it works (the kernel drops it if the job dies).
            AlbumLock probe(outDir, a.entry.name, AlbumLock::Wait::No);
            s = probe.held() ? "pending" : "running";
        }
        row["status"] = s;
        if (counts.contains(s)) counts[s] = counts[s].get<int>() + 1;
        st["albums"].push_back(std::move(row));
    }
    st["counts"] = counts;
    st["finished"] = finished;
    st["total"] = plan.albums.size();
    const json slurm = readJson(outDir / ".catalog" / "slurm.json");
    if (slurm.is_object() && slurm.value("run_id", "") == plan.runId) st["slurm"] = slurm;
    return st;
}

std::string statusText(const json& st) {
    std::string out;
    for (const auto& a : st.value("albums", json::array())) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%-9s %s", a.value("status", "").c_str(), a.value("name", "").c_str());
        out += buf;
        if (a.contains("error")) out += "  " + a["error"].get<std::string>();
        out += "\n";
    }
    const json c = st.value("counts", json::object());
    char buf[512];
    std::snprintf(buf, sizeof buf, "catalog: %zu/%zu finished: %d rendered, %d skipped, %d failed, %d cancelled, %d running, %d pending",
                  st.value("finished", std::size_t{0}), st.value("total", std::size_t{0}), c.value("rendered", 0), c.value("skipped", 0),
                  c.value("failed", 0), c.value("cancelled", 0), c.value("running", 0), c.value("pending", 0));
    out += buf;
    if (st.contains("slurm")) {
        std::string ids;
        for (const auto& id : st["slurm"].value("arrays", json::array())) ids += (ids.empty() ? "" : ",") + id.get<std::string>();
        out += " (Slurm arrays " + ids + ", summary " + st["slurm"].value("summary_job", "") + ")";
    }
    return out + "\n";
}

}  // namespace lacquer::catalog
