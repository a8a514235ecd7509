// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/output_folder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lacquer/common/error.hpp"
#include "lacquer/common/digest.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/output_names.hpp"
#include "lacquer/delivery/ddp.hpp"
#include "lacquer/delivery/vinyl.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/report/read_report.hpp"
#include "lacquer/report/report.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using output_names::isInsideRelativePath;

namespace {

constexpr std::string_view kJournalHeader = "lacquer render journal 1\n";
constexpr std::uint64_t kMaxJournalBytes = 16u << 20;

std::string sys(int err) { return std::strerror(err); }

bool isReportName(const std::string& rel) {
    return std::find(output_names::kReports.begin(), output_names::kReports.end(), rel) != output_names::kReports.end();
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> idOf(const fs::path& p) {
    struct stat st{};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    return std::make_pair(static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
}

void addChainInputs(const ChainParams& c, const std::string& role, std::vector<InputFileRef>& out) {
    if (c.reverb && !c.reverb->irPath.empty()) out.push_back({c.reverb->irPath, role});
}

}  // namespace

std::vector<InputFileRef> inputsOf(const AlbumPlan& plan) {
    std::vector<InputFileRef> in;
    if (!plan.manifestPath.empty()) in.push_back({plan.manifestPath, "the manifest"});
    for (const auto& t : plan.tracks) {
        in.push_back({t.file, "the mix of track " + std::to_string(t.number)});
        addChainInputs(t.chain, "the impulse response of track " + std::to_string(t.number), in);
    }
    addChainInputs(plan.albumChain, "the album's impulse response", in);
    for (const auto& v : plan.variants)
        for (const auto& c : v.trackChains) addChainInputs(c, "an impulse response of variant " + v.name, in);
    if (plan.album.cover) in.push_back({*plan.album.cover, "the cover"});
    return in;
}

std::vector<std::string> plannedOutputs(const AlbumPlan& plan, const std::vector<const VariantPlan*>& variants) {
    std::vector<std::string> out;
    for (const auto r : output_names::kReports) out.emplace_back(r);
    for (const VariantPlan* v : variants) {
        const std::string dir = v->name + "/";
        const auto& ex = v->exportSpec;
        const std::string ext = checks::trackFileExtension(ex);
        for (const auto& t : plan.tracks) out.push_back(dir + trackFileName(t.number, t.title, ext));
        if (ex.format == ExportFormat::Cd) {
            out.push_back(dir + "album.wav");
            out.push_back(dir + "album.cue");
            for (const char* f : delivery::kDdpFileNames) out.push_back(dir + "ddp/" + f);
        }
        if (!v->vinylDisc.empty()) {
            if (!v->sides.empty()) {
                for (const auto& [name, tracks] : v->sides) out.push_back(dir + "Side " + name + ".wav");
            } else {
                for (std::size_t i = 0; i < std::max<std::size_t>(plan.tracks.size(), 2); ++i)
                    out.push_back(dir + "Side " + delivery::vinylSideName(i) + ".wav");
            }
        }
    }
    return out;
}

std::vector<std::string> writtenFiles(const nlohmann::json& report) {
    std::vector<std::string> out;
    for (const auto r : output_names::kReports) out.emplace_back(r);
    for (const auto& [name, v] : report["variants"].items())
        for (const auto& f : v["files"]) out.push_back(f["path"].get<std::string>());
    return out;
}

OutputFolder::OutputFolder(const fs::path& dir, bool force, const std::vector<InputFileRef>& inputs,
                           const std::vector<std::string>& planned)
    : dir_(dir), inputs_(inputs), planned_(planned.begin(), planned.end()) {
    std::error_code ec;
    const auto status = fs::status(dir_, ec);
    const bool existed = fs::exists(status);
    if (existed && !fs::is_directory(status))
        throw Error(ErrorKind::Usage, dir_.string(), "exists and is not a folder", "choose another --out");
    if (const InputFileRef* in = inputAt(dir_))
        throw Error(ErrorKind::Usage, dir_.string(), "is " + in->role + ", an input of this render", "choose another --out");

    const fs::path lockPath = dir_ / output_names::kLock;
    // A render already running in the folder refuses us on its lock before its files look foreign.
    const bool hadLock = existed && fs::exists(fs::symlink_status(lockPath, ec));
    if (hadLock) lock();

    // What earlier renders recorded: report.json's files (with their hashes), and the journal of a
    // render that did not finish.
    const fs::path reportPath = dir_ / "report.json";
    const bool hadReport = existed && fs::is_regular_file(fs::symlink_status(reportPath, ec));
    if (hadReport) {
        try {
            const auto report = report::readReportFile(reportPath, ErrorKind::Io, "");
            for (const auto& [name, section] : report["variants"].items()) {
                if (!section.is_object() || !section.contains("files")) continue;
                for (const auto& f : section["files"]) {
                    const std::string rel = f["path"].get<std::string>();
                    const auto sha = f.find("sha256");
                    if (isInsideRelativePath(rel))
                        recorded_[rel] = sha != f.end() && sha->is_string() ? sha->get<std::string>() : "";
                }
            }
        } catch (const Error& e) {
            // An unreadable previous report records nothing: its files are then left alone.
            log::warning(reportPath.string(), "the previous render's report cannot be read (" + e.diagnostics().front().what +
                                                  "): its files will not be replaced or removed");
        }
    }
    if (lockFd() >= 0) {
        struct stat st{};
        if (::fstat(lockFd(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) <= kMaxJournalBytes) {
            std::string text(static_cast<std::size_t>(st.st_size), '\0');
            const ssize_t got = ::pread(lockFd(), text.data(), text.size(), 0);
            text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
            if (text.rfind(kJournalHeader, 0) == 0) {
                std::size_t at = kJournalHeader.size();
                while (at < text.size()) {
                    const std::size_t eol = std::min(text.find('\n', at), text.size());
                    const std::string rel = text.substr(at, eol - at);
                    if (isInsideRelativePath(rel)) journal_.insert(rel);
                    at = eol + 1;
                }
            }
        }
    }
    const bool lacquers = hadReport || hadLock;

    // A folder lacquer did not render into must be empty, unless --force.
    if (existed && !lacquers && !force) {
        for (const auto& e : fs::directory_iterator(dir_, ec)) {
            (void)e;
            throw Error(ErrorKind::Usage, dir_.string(), "the output folder holds files lacquer did not write",
                        "choose an empty or new folder with --out, or pass --force");
        }
    }

    // Inputs inside the scratch folder would be removed with it.
    const fs::path scratch = fs::weakly_canonical(scratchDir(), ec);
    for (const auto& in : inputs_) {
        const fs::path p = fs::weakly_canonical(in.path, ec);
        const auto rel = p.lexically_relative(scratch);
        if (!rel.empty() && *rel.begin() != "..")
            throw Error(ErrorKind::Usage, in.path.string(),
                        "is " + in.role + ", inside lacquer's scratch folder " + scratchDir().string() +
                            ", which every render empties",
                        "move it out of the output folder");
    }

    // Every path the render will write: never an input, and replaced only when lacquer wrote it.
    for (const auto& rel : planned_) {
        const fs::path file = dir_ / rel;
        if (const InputFileRef* in = inputAt(file))
            throw Error(ErrorKind::Usage, file.string(),
                        "is " + in->role + ", where this render would write its output; lacquer never writes over its inputs",
                        "move the input out of the output folder, or choose another --out");
        for (fs::path parent = file.parent_path(); parent != dir_ && parent.has_relative_path(); parent = parent.parent_path()) {
            const auto ps = fs::symlink_status(parent, ec);
            if (fs::exists(ps) && !fs::is_directory(ps))
                throw Error(ErrorKind::Usage, parent.string(), "is a file where this render needs a folder",
                            "move it away or choose another --out (lacquer replaces only files it wrote)");
        }
        const auto st = fs::symlink_status(file, ec);
        if (!fs::exists(st)) continue;
        if (fs::is_directory(st))
            throw Error(ErrorKind::Usage, file.string(), "is a folder where this render would write a file",
                        "move it away or choose another --out");
        const bool mine = recorded_.count(rel) || journal_.count(rel) || (isReportName(rel) && lacquers);
        if (!mine)
            throw Error(ErrorKind::Usage, file.string(),
                        "is a file lacquer did not write, where this render would write one of its files",
                        "move it away or choose another --out (--force never replaces files lacquer did not write)");
    }

    fs::create_directories(dir_, ec);
    if (ec) throw Error(ErrorKind::Io, dir_.string(), "cannot create the output folder: " + ec.message(), "check the path and permissions");
    if (lockFd() < 0) lock();
    std::set<std::string> claims = journal_;
    claims.insert(planned_.begin(), planned_.end());
    writeJournal(claims);
}

OutputFolder::~OutputFolder() = default;

fs::path OutputFolder::scratchDir() const { return dir_ / output_names::kScratch; }

void OutputFolder::lock() {
    lock_.emplace(dir_ / output_names::kLock, io::LockFile::Wait::No);
    if (!lock_->held()) {
        lock_.reset();
        throw Error(ErrorKind::Usage, dir_.string(), "another lacquer render is writing into this folder",
                    "wait for it to finish or choose another --out");
    }
}

void OutputFolder::writeJournal(const std::set<std::string>& paths) {
    std::string text;
    if (!paths.empty()) {
        text = kJournalHeader;
        for (const auto& p : paths) text += p + "\n";
    }
    const auto path = (dir_ / output_names::kLock).string();
    if (::ftruncate(lockFd(), 0) != 0)
        throw Error(ErrorKind::Io, path, "cannot write the lock file's journal: " + sys(errno), "check the output folder's disk");
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::pwrite(lockFd(), text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw Error(ErrorKind::Io, path, "cannot write the lock file's journal: " + sys(errno),
                        "free disk space in the output folder and render again");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(lockFd()) != 0)
        throw Error(ErrorKind::Io, path, "cannot write the lock file's journal: " + sys(errno), "check the output folder's disk");
}

const InputFileRef* OutputFolder::inputAt(const fs::path& file) const {
    if (auto id = idOf(file))
        for (const auto& in : inputs_)
            if (const auto inId = idOf(in.path); inId && *inId == *id) return &in;
    std::error_code ec;
    const fs::path want = fs::weakly_canonical(file, ec);
    for (const auto& in : inputs_)
        if (fs::weakly_canonical(in.path, ec) == want) return &in;
    return nullptr;
}

std::vector<std::string> OutputFolder::finish(const std::vector<std::string>& written) {
    const std::set<std::string> wrote(written.begin(), written.end());
    std::set<std::string> candidates = journal_;
    for (const auto& [rel, sha] : recorded_) candidates.insert(rel);
    std::vector<std::string> removed;
    std::set<fs::path> folders;
    for (const auto& rel : candidates) {
        if (wrote.count(rel) || isReportName(rel) || !isInsideRelativePath(rel)) continue;
        const fs::path file = dir_ / rel;
        std::error_code ec;
        // Not through a link: the folders on the way and the file itself must be real.
        bool real = true;
        for (fs::path p = file; p != dir_ && p.has_relative_path(); p = p.parent_path())
            if (fs::is_symlink(fs::symlink_status(p, ec))) real = false;
        if (!real || !fs::is_regular_file(fs::symlink_status(file, ec))) continue;
        if (inputAt(file)) continue;  // never an input, whatever a report says
        const auto sha = recorded_.find(rel);
        if (sha != recorded_.end() && !sha->second.empty()) {
            std::string now;
            try {
                now = sha256File(file);
            } catch (const Error&) {
                continue;
            }
            if (now != sha->second) {
                log::warning(file.string(), "left in place: the previous render wrote it, but it has changed since");
                continue;
            }
        }
        if (!fs::remove(file, ec) || ec) {
            log::warning(file.string(), "the previous render's file could not be removed: " + ec.message());
            continue;
        }
        removed.push_back(rel);
        for (fs::path p = file.parent_path(); p != dir_ && p.has_relative_path(); p = p.parent_path()) folders.insert(p);
    }
    // Temporaries a killed render left beside the files this one wrote: AtomicFile names them
    // ".<name>.part-<pid>-<n>" after the file they were to become.
    std::map<fs::path, std::set<std::string>> namesIn;
    for (const auto& rel : wrote)
        if (isInsideRelativePath(rel)) namesIn[(dir_ / rel).parent_path()].insert(fs::path(rel).filename().string());
    for (const auto& [folder, names] : namesIn) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(folder, ec)) {
            const std::string n = e.path().filename().string();
            const auto part = n.rfind(".part-");
            if (n.size() < 2 || n[0] != '.' || part == std::string::npos || !names.count(n.substr(1, part - 1))) continue;
            if (!fs::is_regular_file(fs::symlink_status(e.path(), ec)) || inputAt(e.path())) continue;
            if (fs::remove(e.path(), ec)) removed.push_back(fs::relative(e.path(), dir_, ec).generic_string());
        }
    }
    // Folders the removals left empty, deepest first (fs::remove deletes only an empty folder).
    std::vector<fs::path> byDepth(folders.begin(), folders.end());
    std::sort(byDepth.begin(), byDepth.end(), [](const fs::path& a, const fs::path& b) {
        return std::distance(a.begin(), a.end()) > std::distance(b.begin(), b.end());
    });
    for (const auto& f : byDepth) {
        std::error_code ec;
        if (fs::is_directory(fs::symlink_status(f, ec)) && fs::is_empty(f, ec)) fs::remove(f, ec);
    }
    writeJournal({});
    return removed;
}

}  // namespace lacquer::render
