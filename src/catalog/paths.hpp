// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internals shared by the catalogue's files: result records, the per-album lock, child processes.
#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lacquer/catalog/catalog.hpp"

namespace lacquer::catalog {

std::string nowUtc();         // "2026-12-04T20:31:07Z"
std::string hostName();

// A result record's common fields: album, run_id, engine, host, pid, the Slurm job ids if any.
nlohmann::json baseRecord(const Plan& plan, const std::string& album);
// Writes DIR/<album>.result.json atomically (temporary name, fsync, rename).
void writeRecord(const std::filesystem::path& outDir, const std::string& album, const nlohmann::json& record);
// The record, or null when there is none (or it is unreadable).
nlohmann::json readRecord(const std::filesystem::path& outDir, const std::string& album);

std::filesystem::path stagingDir(const std::filesystem::path& outDir);  // DIR/.catalog/staging
std::filesystem::path logDir(const std::filesystem::path& outDir);      // DIR/.catalog/logs

// An exclusive flock on DIR/.catalog/staging/<album>.lock, held for the object's lifetime; the
// kernel drops it when the process dies however it dies, so a killed job never blocks the album.
class AlbumLock {
public:
    enum class Wait { No, UntilFree };
    AlbumLock(const std::filesystem::path& outDir, const std::string& album, Wait wait);
    ~AlbumLock();
    AlbumLock(const AlbumLock&) = delete;
    AlbumLock& operator=(const AlbumLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// Runs argv (searched in PATH) to completion; stdout and stderr captured. Throws Error(Io) when it
// cannot be started.
struct ProcessResult {
    int exitCode = -1;  // 128 + signal when killed
    std::string out, err;
};
ProcessResult runCapture(const std::vector<std::string>& argv);

// Starts argv with stdout and stderr appended to `logFile`; returns its pid.
pid_t spawnLogged(const std::vector<std::string>& argv, const std::filesystem::path& logFile);

}  // namespace lacquer::catalog
