// SPDX-License-Identifier: GPL-3.0-or-later
// One album's job: lock, clear leftovers, skip or render into staging, publish with one rename,
// record the outcome. Both engines run exactly this (as `lacquer catalog job`), so an album's bytes
// do not depend on the engine.
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include "catalog/paths.hpp"
#include "lacquer/catalog/catalog.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/job_key.hpp"
#include "lacquer/render/render.hpp"

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

PlannedAlbum planAlbum(const AlbumEntry& entry, const RunOptions& options);  // catalog.cpp

namespace {

void fsyncDir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Moves the finished render `staging` to `final` in one step. An existing `final` (an older render
// of the album) is exchanged with it atomically (renameat2 RENAME_EXCHANGE), so at every instant
// `final` is one whole render; the old one, now under the staging name, is removed after.
void publish(const fs::path& staging, const fs::path& final) {
    std::error_code ec;
    if (!fs::exists(final, ec)) {
        if (::rename(staging.c_str(), final.c_str()) != 0)
            throw Error(ErrorKind::Io, final.string(), std::string("cannot be published: ") + std::strerror(errno), "check the output folder");
    } else if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, final.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(staging, ec);
    } else if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
        // A file system without RENAME_EXCHANGE (NFS, some FUSE): two renames. Between them the
        // album is absent, never partial; a job killed there leaves the old render under the
        // staging name, which the album's next job clears before rendering it again.
        const fs::path old = staging.string() + ".old";
        if (::rename(final.c_str(), old.c_str()) != 0 || ::rename(staging.c_str(), final.c_str()) != 0)
            throw Error(ErrorKind::Io, final.string(), std::string("cannot be replaced: ") + std::strerror(errno), "check the output folder");
        fs::remove_all(old, ec);
    } else {
        throw Error(ErrorKind::Io, final.string(), std::string("cannot be replaced: ") + std::strerror(errno), "check the output folder");
    }
    fsyncDir(final.parent_path());
}

// Staging folders a killed job of this album left (<album>@<host>.<pid>, '@' being no album name's
// character); the caller holds the album's lock, so none of them belongs to a live job.
void clearLeftovers(const fs::path& outDir, const std::string& album) {
    std::error_code ec;
    const std::string prefix = album + "@";
    for (const auto& e : fs::directory_iterator(stagingDir(outDir), ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind(prefix, 0) == 0 && e.is_directory()) {
            log::info("catalog: " + album + ": removing what an interrupted job left (" + n + ")");
            fs::remove_all(e.path(), ec);
        }
    }
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

}  // namespace

int runJob(const Plan& plan, std::size_t index, const convolution::DeviceRequest& device) {
    const auto& planned = plan.albums.at(index);
    const fs::path outDir = plan.options.outDir;
    const std::string& name = planned.entry.name;
    const auto t0 = std::chrono::steady_clock::now();
    json record = baseRecord(plan, name);
    record["started_at"] = nowUtc();
    auto finish = [&](const std::string& status, int exitCode) {
        rusage ru{};
        ::getrusage(RUSAGE_SELF, &ru);
        record["status"] = status;
        record["exit_code"] = exitCode;
        record["finished_at"] = nowUtc();
        record["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        record["cpu_s"] = seconds(ru.ru_utime) + seconds(ru.ru_stime);
        record["max_rss_mib"] = static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
        writeRecord(outDir, name, record);
        return exitCode;
    };

    fs::path staging;
    try {
        AlbumLock lock(outDir, name, AlbumLock::Wait::UntilFree);
        clearLeftovers(outDir, name);
        // Planned again here: the job may run long after the plan (a queue), or twice (a requeue).
        const PlannedAlbum now = planAlbum(planned.entry, plan.options);
        record["key"] = now.key;
        record["reason"] = now.reason;
        if (now.action == Action::Invalid) {
            record["error"] = now.errors.empty() ? std::string("error: invalid") : now.errors.front();
            record["errors"] = now.errors;
            return finish("failed", 2);
        }
        if (now.action == Action::Skip) return finish("skipped", 0);
        std::error_code ec;
        if (fs::exists(outDir / name, ec) && !fs::exists(outDir / name / "report.json", ec))
            throw Error(ErrorKind::Io, (outDir / name).string(), "exists and holds no lacquer render (no report.json)",
                        "move it away or choose another --out");

        staging = stagingDir(outDir) / (name + "@" + hostName() + "." + std::to_string(::getpid()));
        const AlbumPlan album = manifest::load(planned.entry.manifest, manifest::CheckInputs::Yes);
        render::RenderOptions options;
        options.outDir = staging;
        options.variants = plan.options.variants;
        options.device = device;
        const int rc = render::renderAlbum(album, options).checksPassed ? 0 : 1;
        // The key the render recorded is the one it rendered (the manifest or a mix may have
        // changed since we planned): the record says that one.
        std::ifstream in(staging / "report.json");
        record["key"] = json::parse(in).at("job").at("key");
        throwIfCancelled();
        publish(staging, outDir / name);
        staging.clear();
        return finish("rendered", rc);
    } catch (const Error& e) {
        std::error_code ec;
        if (!staging.empty()) fs::remove_all(staging, ec);
        for (const auto& d : e.diagnostics()) std::fprintf(stderr, "error: %s\n", d.line().c_str());
        json lines = json::array();
        for (const auto& d : e.diagnostics()) lines.push_back("error: " + d.line());
        record["error"] = lines.empty() ? json("error: unknown") : lines[0];
        record["errors"] = lines;
        return finish(e.kind() == ErrorKind::Interrupted ? "cancelled" : "failed", exitCodeFor(e.kind()));
    } catch (const std::exception& e) {
        std::error_code ec;
        if (!staging.empty()) fs::remove_all(staging, ec);
        std::fprintf(stderr, "error: internal: %s — please report this as a bug\n", e.what());
        record["error"] = std::string("error: internal: ") + e.what();
        record["errors"] = json::array({record["error"]});
        return finish("failed", 3);
    }
}

}  // namespace lacquer::catalog
