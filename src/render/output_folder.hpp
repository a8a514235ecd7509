// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The output folder's rules, in one place: which paths a render may create, replace or delete
// there.
//
// - lacquer's own names (output_names.hpp: the lock file, the scratch folder, the reports) are
//   never a variant's folder: the manifest refuses such variant names.
// - An input of the render (the manifest, a mix, an impulse response, the cover) is never
//   written over, with or without --force: a path the render would write that is an input (the
//   same file, also through a link) is refused before anything is processed.
// - A file may be replaced only when an earlier lacquer render recorded it: report.json's
//   `files`, or the journal of a render that did not finish (the lock file holds the paths a
//   render is about to write until its report.json records them). Any other file in the way is
//   refused, --force or not; --force only lets the render write beside files it did not write.
// - When a render has written its report, what the previous render recorded and this one did not
//   write is deleted — only while it still holds the bytes recorded for it (its SHA-256), and
//   never an input. Folders that this leaves empty go too, and the hidden temporaries
//   (".<name>.part-<pid>-<n>") a killed render left beside a file this render wrote. Nothing else
//   is touched. A render of some variants (--variant) holds those variants only when it is done,
//   as its report.json says.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lacquer/manifest/plan.hpp"

namespace lacquer::render {

// An input file of the render, named for messages ("the mix of track 2 (Title)").
struct InputFileRef {
    std::filesystem::path path;
    std::string role;
};

// Every input a render of `plan` reads: the manifest, each mix, each impulse response, the cover.
std::vector<InputFileRef> inputsOf(const AlbumPlan& plan);

// Every file (relative to the output folder, '/'-separated) a render of `variants` writes: the
// reports and each variant's files. A vinyl variant whose sides are planned gets a name for every
// side it could have (at most one per track).
std::vector<std::string> plannedOutputs(const AlbumPlan& plan, const std::vector<const VariantPlan*>& variants);

// What a render's report records as written: the reports and every variant's files[].path.
std::vector<std::string> writtenFiles(const nlohmann::json& report);

class OutputFolder {
public:
    // Checks the folder against the rules above for `planned` (nothing is created when a check
    // fails), then creates the folder, takes its lock (.lacquer.lock, flock: a second render
    // refuses) and records `planned` in the journal. Throws Error(Usage) for a folder or a file
    // in the way (exit 2) and Error(Io) with the system's reason.
    OutputFolder(const std::filesystem::path& dir, bool force, const std::vector<InputFileRef>& inputs,
                 const std::vector<std::string>& planned);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // DIR/.lacquer-scratch.
    std::filesystem::path scratchDir() const;

    // After the render wrote `written` (relative paths; report.json last): deletes what the
    // previous render recorded and this one did not write (see above), and clears the journal.
    // Returns the paths deleted. A file it must leave is named in a warning.
    std::vector<std::string> finish(const std::vector<std::string>& written);

private:
    void lock();
    void writeJournal(const std::set<std::string>& paths);
    const InputFileRef* inputAt(const std::filesystem::path& file) const;

    std::filesystem::path dir_;
    std::vector<InputFileRef> inputs_;
    std::map<std::string, std::string> recorded_;                  // previous report.json: path → sha256
    std::set<std::string> journal_;                                // an unfinished render's claims
    std::set<std::string> planned_;
    // The lock's descriptor, closed (and the lock released) also when the constructor throws.
    struct LockFd {
        int fd = -1;
        LockFd() = default;
        LockFd(const LockFd&) = delete;
        LockFd& operator=(const LockFd&) = delete;
        ~LockFd();
    } lock_;
    int& lockFd_ = lock_.fd;
};

}  // namespace lacquer::render
