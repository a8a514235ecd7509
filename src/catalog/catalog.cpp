// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a catalogue, planning a run (validation and job keys), the run file.
#include "lacquer/catalog/catalog.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "catalog/paths.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/manifest/catalog_file.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/job_key.hpp"
#include "lacquer/render/limits.hpp"

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Catalog loadFolder(const fs::path& dir) {
    Catalog c;
    c.source = dir;
    std::vector<fs::path> subs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory() && e.path().filename().string()[0] != '.') subs.push_back(e.path());
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot be listed: " + ec.message(), "check the catalogue folder");
    std::sort(subs.begin(), subs.end());
    std::vector<Diagnostic> errors;
    std::set<std::string> names;
    for (const auto& s : subs) {
        if (!fs::exists(s / "album.yaml")) continue;
        AlbumEntry a{manifest::albumNameFromFolder(s.filename().string()), s / "album.yaml", s.string()};
        if (!manifest::validAlbumName(a.name) || !names.insert(a.name).second)
            errors.push_back({s.string(), "folder name does not make a distinct album name (\"" + a.name + "\")",
                              "rename the folder to letters, digits, '.', '_' or '-'"});
        c.albums.push_back(std::move(a));
    }
    if (!errors.empty()) throw Error(ErrorKind::Manifest, errors);
    if (c.albums.empty())
        throw Error(ErrorKind::Manifest, dir.string(), "holds no album (no subfolder with an album.yaml)",
                    "give a folder of album folders, or a catalogue file listing manifests");
    return c;
}

Catalog loadFile(const fs::path& file) {
    const manifest::CatalogFile f = manifest::loadCatalogFile(file);
    Catalog c;
    c.source = file;
    c.settings.outDir = f.outDir;
    c.settings.variants = f.variants;
    c.settings.device = f.device;
    for (const auto& a : f.albums) c.albums.push_back({a.name, a.manifest, a.where});
    return c;
}

// Why an album with this key must render again, from DIR/<album>/report.json (empty: unchanged).
std::string changeReason(const fs::path& albumDir, const render::JobIdentity& id) {
    std::ifstream in(albumDir / "report.json");
    if (!in) {
        std::error_code ec;
        return fs::exists(albumDir, ec) ? "not rendered by lacquer (no report.json)" : "new";
    }
    json r;
    try {
        r = json::parse(in);
    } catch (const json::exception&) {
        return "report.json unreadable";
    }
    const json job = r.value("job", json::object());
    if (job.value("key", std::string()) == id.key) return {};
    if (!job.is_object() || !job.contains("key")) return "changed: rendered without a job key";
    std::vector<std::string> what;
    if (job.value("manifest_canonical_sha256", std::string()) != id.manifestCanonicalSha256) what.push_back("manifest");
    std::map<std::string, std::string> before;
    for (const auto& i : job.value("inputs", json::array())) before[i.value("role", "")] = i.value("sha256", "");
    for (const auto& i : id.inputs)
        if (auto it = before.find(i.role); it == before.end() || it->second != i.sha256) what.push_back(i.role);
    if (job.value("lacquer_build", std::string()) != LACQUER_BUILD || job.value("lacquer_version", std::string()) != LACQUER_VERSION)
        what.push_back("lacquer build");
    if (job.value("options", json()) != id.options) what.push_back("options");
    std::string s = "changed:";
    for (std::size_t i = 0; i < what.size(); ++i) s += (i ? ", " : " ") + what[i];
    return what.empty() ? "changed" : s;
}

std::string newRunId() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    return std::string(buf) + "-" + std::to_string(::getpid()) + "-" + std::to_string(us);
}

}  // namespace

std::string toString(Action a) {
    switch (a) {
        case Action::Render: return "render";
        case Action::Skip: return "skip";
        case Action::Invalid: return "invalid";
    }
    return "invalid";
}

std::size_t Plan::count(Action a) const {
    return static_cast<std::size_t>(std::count_if(albums.begin(), albums.end(), [&](const auto& p) { return p.action == a; }));
}

Catalog load(const fs::path& source) {
    const fs::path abs = fs::absolute(source).lexically_normal();
    std::error_code ec;
    if (fs::is_directory(abs, ec)) return loadFolder(abs);
    if (!fs::exists(abs, ec))
        throw Error(ErrorKind::Usage, source.string(), "no such catalogue", "give a folder of album folders or a catalogue YAML file");
    return loadFile(abs);
}

PlannedAlbum planAlbum(const AlbumEntry& entry, const RunOptions& options) {
    PlannedAlbum p;
    p.entry = entry;
    try {
        const AlbumPlan album = manifest::load(entry.manifest, manifest::CheckInputs::Yes);
        std::vector<Diagnostic> errors;
        for (const auto& want : options.variants)
            if (std::none_of(album.variants.begin(), album.variants.end(), [&](const auto& v) { return v.name == want; })) {
                std::string names;
                for (const auto& v : album.variants) names += (names.empty() ? "" : ", ") + v.name;
                errors.push_back({entry.manifest.string(), "no variant '" + want + "' (asked for by the catalogue)",
                                  "the manifest has: " + names});
            }
        if (!errors.empty()) throw Error(ErrorKind::Manifest, errors);
        // The limits `validate` and `render` check before any audio (CD Red Book timeline, cover
        // size), on the variants this catalogue renders: one code path (render/limits).
        std::vector<const VariantPlan*> variants;
        for (const auto& v : album.variants)
            if (options.variants.empty() || std::find(options.variants.begin(), options.variants.end(), v.name) != options.variants.end())
                variants.push_back(&v);
        render::checkLimits(album, variants);
        const auto id = render::jobIdentity(album, options.variants, options.device);
        p.key = id.key;
        const std::string why = changeReason(options.outDir / entry.name, id);
        p.action = why.empty() ? Action::Skip : Action::Render;
        p.reason = why.empty() ? "unchanged" : why;
    } catch (const Error& e) {
        p.action = Action::Invalid;
        p.reason = "invalid";
        for (const auto& d : e.diagnostics()) p.errors.push_back("error: " + d.line());
    }
    return p;
}

Plan planRun(const Catalog& catalog, const RunOptions& options) {
    Plan plan;
    plan.runId = newRunId();
    plan.catalogSource = catalog.source;
    plan.options = options;
    plan.albums.resize(catalog.albums.size());
    // Hashing is I/O: a few albums at once keep the disk busy without thrashing it.
    parallelFor(catalog.albums.size(), [&](std::size_t i) { plan.albums[i] = planAlbum(catalog.albums[i], options); }, 4);
    // A previous job of this album that failed leaves a record; say so (the key alone cannot).
    for (auto& p : plan.albums) {
        if (p.action != Action::Render || p.reason != "new") continue;
        std::ifstream in(recordFile(options.outDir, p.entry.name));
        if (!in) continue;
        try {
            const json r = json::parse(in);
            if (r.value("status", "") != "rendered" && r.value("status", "") != "skipped")
                p.reason = "previous job " + r.value("status", std::string("?"));
        } catch (const json::exception&) {
        }
    }
    return plan;
}

std::string planText(const Plan& plan) {
    std::string out;
    std::size_t width = 5;
    for (const auto& a : plan.albums) width = std::max(width, a.entry.name.size());
    char buf[512];
    for (const auto& a : plan.albums) {
        std::snprintf(buf, sizeof buf, "%-7s %-*s  %s%s%s\n", toString(a.action).c_str(), static_cast<int>(width), a.entry.name.c_str(),
                      a.reason.c_str(), a.key.empty() ? "" : "  key ", a.key.substr(0, 12).c_str());
        out += buf;
        for (const auto& e : a.errors) out += "        " + e + "\n";
    }
    std::snprintf(buf, sizeof buf, "catalog: %zu albums: %zu to render, %zu unchanged, %zu invalid → %s\n", plan.albums.size(),
                  plan.count(Action::Render), plan.count(Action::Skip), plan.count(Action::Invalid), plan.options.outDir.c_str());
    out += buf;
    return out;
}

fs::path runFile(const fs::path& outDir) { return outDir / ".catalog" / "run.json"; }
fs::path recordFile(const fs::path& outDir, const std::string& album) { return outDir / (album + ".result.json"); }

json toJson(const Plan& plan) {
    json j;
    j["run_id"] = plan.runId;
    j["catalog"] = plan.catalogSource.string();
    j["out"] = plan.options.outDir.string();
    j["variants"] = plan.options.variants;
    j["device"] = plan.options.device;
    j["engine"] = plan.engine;
    j["lacquer_version"] = LACQUER_VERSION;
    j["albums"] = json::array();
    for (const auto& a : plan.albums)
        j["albums"].push_back({{"name", a.entry.name},
                               {"manifest", a.entry.manifest.string()},
                               {"where", a.entry.where},
                               {"action", toString(a.action)},
                               {"reason", a.reason},
                               {"key", a.key},
                               {"errors", a.errors}});
    return j;
}

Plan planFromJson(const json& j) {
    Plan p;
    p.runId = j.at("run_id").get<std::string>();
    p.catalogSource = j.at("catalog").get<std::string>();
    p.options.outDir = j.at("out").get<std::string>();
    p.options.variants = j.at("variants").get<std::vector<std::string>>();
    p.options.device = j.at("device").get<std::string>();
    p.engine = j.value("engine", "local");
    for (const auto& a : j.at("albums")) {
        PlannedAlbum pa;
        pa.entry = {a.at("name").get<std::string>(), a.at("manifest").get<std::string>(), a.value("where", "")};
        const std::string act = a.at("action").get<std::string>();
        pa.action = act == "render" ? Action::Render : act == "skip" ? Action::Skip : Action::Invalid;
        pa.reason = a.value("reason", "");
        pa.key = a.value("key", "");
        pa.errors = a.value("errors", std::vector<std::string>{});
        p.albums.push_back(std::move(pa));
    }
    return p;
}

void writeRunFile(const Plan& plan) {
    std::error_code ec;
    fs::create_directories(plan.options.outDir / ".catalog" / "logs", ec);
    fs::create_directories(plan.options.outDir / ".catalog" / "staging", ec);
    if (ec) throw Error(ErrorKind::Io, (plan.options.outDir / ".catalog").string(), "cannot be created: " + ec.message(), "check the output folder");
    // The run's own copy (jobs name it: a later run does not change what a queued task does) and
    // the current run (status and summary read it).
    fs::create_directories(plan.options.outDir / ".catalog" / "runs", ec);
    io::writeTextFile(plan.options.outDir / ".catalog" / "runs" / (plan.runId + ".json"), toJson(plan).dump(2) + "\n");
    io::writeTextFile(runFile(plan.options.outDir), toJson(plan).dump(2) + "\n");
}

Plan readRunFile(const fs::path& outDirOrFile) {
    std::error_code ec;
    const fs::path f = fs::is_directory(outDirOrFile, ec) ? runFile(outDirOrFile) : outDirOrFile;
    std::ifstream in(f);
    if (!in) throw Error(ErrorKind::Io, f.string(), "cannot be read", "run `lacquer catalog run` with this --out first");
    try {
        return planFromJson(json::parse(in));
    } catch (const json::exception& e) {
        throw Error(ErrorKind::Io, f.string(), std::string("is not a catalogue run file: ") + e.what(), "run `lacquer catalog run` again");
    }
}

void recordPlannedOutcomes(const Plan& plan) {
    for (const auto& a : plan.albums) {
        if (a.action == Action::Render) continue;
        json r = baseRecord(plan, a.entry.name);
        r["status"] = a.action == Action::Skip ? "skipped" : "failed";
        r["key"] = a.key;
        r["reason"] = a.reason;
        r["exit_code"] = a.action == Action::Skip ? 0 : 2;
        if (!a.errors.empty()) r["error"] = a.errors.front();
        r["errors"] = a.errors;
        writeRecord(plan.options.outDir, a.entry.name, r);
    }
}

}  // namespace lacquer::catalog
