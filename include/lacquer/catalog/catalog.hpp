// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A catalogue: many albums mastered as independent, content-addressed jobs (docs/catalog.md).
//
//   load()      reads a catalogue: a folder of album folders (each with album.yaml), or a YAML
//               file listing manifests with optional shared settings (out, variants, device)
//   planRun()   validates every album (all of its errors at once) and computes its job key
//               (lacquer/render/job_key.hpp): render, skip (unchanged) or invalid
//   runJob()    renders one album into a private staging folder and publishes it with one rename,
//               writing its result record next to it (`DIR/<album>.result.json`)
//   engines     local child processes (local.cpp) or one Slurm job array (slurm.cpp)
//   summarize() the catalogue report: DIR/report.json and DIR/report.html
//
// Layout of an output folder DIR:
//   DIR/<album>/                 the album's render (report.json with its job key), whole or absent
//   DIR/<album>.result.json      the last job's result record for that album
//   DIR/report.json, report.html the catalogue report
//   DIR/.catalog/run.json        the run being executed (albums, actions, keys, options)
//   DIR/.catalog/staging/        renders in progress (<album>@<host>.<pid>/) and per-album locks
//   DIR/.catalog/logs/           one log per job
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/convolution/engine.hpp"

namespace lacquer::catalog {

// Shared settings a catalogue file may give; the command line overrides each.
struct Settings {
    std::optional<std::filesystem::path> outDir;  // absolute
    std::vector<std::string> variants;            // empty = every variant of each manifest
    std::optional<std::string> device;
};

struct AlbumEntry {
    std::string name;               // the album's folder under DIR: [A-Za-z0-9._-], no leading dot
    std::filesystem::path manifest;  // absolute
    std::string where;              // where the catalogue names it ("catalog.yaml:7:5" or the folder)
};

struct Catalog {
    std::filesystem::path source;  // absolute: the folder or the catalogue file
    Settings settings;
    std::vector<AlbumEntry> albums;
};

// Reads a catalogue. A folder: every subfolder holding album.yaml is an album named after the
// subfolder (hidden folders and folders without album.yaml are passed over). A file:
//   lacquer_catalog: 1
//   out: masters/                  # optional, relative to the file
//   variants: [streaming, cd]      # optional
//   device: cpu                    # optional
//   albums:
//     - night-drive/album.yaml                       # name: the manifest's folder name
//     - { manifest: b-sides/album.yaml, name: b-sides-2026 }
// Throws Error(Manifest) with every catalogue-level mistake at once (file:line:col).
Catalog load(const std::filesystem::path& source);

struct RunOptions {
    std::filesystem::path outDir;       // absolute
    std::vector<std::string> variants;  // empty = all
    std::string device = "auto";
};

enum class Action { Render, Skip, Invalid };
std::string toString(Action a);  // "render", "skip", "invalid"

struct PlannedAlbum {
    AlbumEntry entry;
    Action action = Action::Invalid;
    std::string reason;               // "new", "unchanged", "changed: track 3", "previous render failed", ...
    std::string key;                  // empty when invalid
    std::vector<std::string> errors;  // "error: ..." lines when invalid
};

struct Plan {
    std::string runId;                  // unique per planRun()
    std::filesystem::path catalogSource;
    RunOptions options;
    std::string engine = "local";       // the engine the run uses (records carry it)
    std::vector<PlannedAlbum> albums;
    std::size_t count(Action a) const;
};

// Validates and keys every album (in parallel; each manifest loaded with its inputs checked, every
// input hashed), and compares each key with DIR/<album>/report.json.
Plan planRun(const Catalog& catalog, const RunOptions& options);

// The plan as a table, one line per album, and the totals (what `catalog plan` prints).
std::string planText(const Plan& plan);

std::filesystem::path runFile(const std::filesystem::path& outDir);     // DIR/.catalog/run.json
std::filesystem::path recordFile(const std::filesystem::path& outDir, const std::string& album);
nlohmann::json toJson(const Plan& plan);
Plan planFromJson(const nlohmann::json& j);
// Writes DIR/.catalog/runs/<run id>.json (what the run's jobs read) and DIR/.catalog/run.json
// (the current run), atomically; creates DIR/.catalog.
void writeRunFile(const Plan& plan);
// An output folder's current run, or a run file. Throws Error(Io) when missing or broken.
Plan readRunFile(const std::filesystem::path& outDirOrRunFile);

// Records the outcome of the albums that need no job (skip, invalid) for this run.
void recordPlannedOutcomes(const Plan& plan);

// The job of one album (plan.albums[index], which must be Action::Render when planned; the job
// plans it again itself, so a job that runs late or twice still does the right thing):
// takes the album's lock, clears what a killed job left, skips if DIR/<album> already holds a
// render with its key, else renders into staging and publishes with one rename (an existing folder
// is swapped out atomically). Writes the result record. Returns the process exit code
// (0 rendered or skipped with every check holding, 1 a check failed, 2 invalid, 3 I/O or device,
// 130 interrupted). `device` is plan.options.device parsed (app::parseDevice).
int runJob(const Plan& plan, std::size_t index, const convolution::DeviceRequest& device);

// Local engine: up to `jobs` albums at once, each a child process (`lacquer catalog job`).
// Returns the catalogue's exit code (see summaryExitCode).
unsigned defaultLocalJobs();  // min(cores, available memory / the render's album budget), at least 1
int runLocal(const Plan& plan, unsigned jobs, const std::filesystem::path& lacquerExe);

struct SlurmOptions {
    unsigned throttle = 0;            // %K: at most K tasks at once (0 = Slurm's own limit)
    bool gpu = false;                 // --gres=gpu:1 per task
    std::string partition, account;
    std::vector<std::string> extra;   // more sbatch options, passed through verbatim
    std::size_t memMiB = 0;           // 0 = the render's album budget
    unsigned cpusPerTask = 0;         // 0 = Slurm's default
    bool wait = false;                // block until the summary job ends
    double pollS = 0.25;              // --wait's squeue interval (a few cheap RPCs per second)
};
std::size_t defaultSlurmMemMiB();
// Submits one array per MaxArraySize albums and a summary job depending on all of them
// (afterany). Returns 0 once submitted (without wait), else the catalogue's exit code.
int runSlurm(const Plan& plan, const SlurmOptions& options, const std::filesystem::path& lacquerExe);

// The catalogue report from run.json, the records and each album's report.json; written to
// DIR/report.json and DIR/report.html. Returns it.
nlohmann::json summarize(const std::filesystem::path& outDir);
std::string toHtml(const nlohmann::json& catalogReport);
// 0: every album rendered or skipped and every check held; 1 otherwise.
int summaryExitCode(const nlohmann::json& catalogReport);
std::string summaryLine(const nlohmann::json& catalogReport);

// `catalog status`: per album, this run's state (rendered, skipped, failed, cancelled from its
// record; running while its lock is held; pending otherwise), and the totals.
nlohmann::json status(const std::filesystem::path& outDir);
std::string statusText(const nlohmann::json& status);

}  // namespace lacquer::catalog
