// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// An exclusive advisory lock on a file (flock): the one mechanism behind lacquer's locks:
//   DIR/.lacquer.lock                    a render's output folder (the file also holds its journal)
//   DIR/.catalog/run.lock                a catalogue run's output root (the file names its holder)
//   DIR/.catalog/staging/<album>.lock    one album's catalogue job
// The kernel drops the lock when the descriptor closes, however the process ends, so a killed
// holder never leaves a folder locked. On Linux flock also works between NFS clients (emulated with
// byte-range locks), so a catalogue's output root on a cluster file system is locked across nodes.
#include <filesystem>
#include <string>

namespace lacquer::io {

class LockFile {
public:
    enum class Wait {
        No,         // try once
        UntilFree,  // poll every 200 ms; cancellation (SIGINT/SIGTERM) ends the wait
    };
    // Opens `path` (created 0644 when missing, never through a link) and takes an exclusive flock.
    // held() says whether it was taken (Wait::No: not when another descriptor holds it).
    // Throws Error(Io) "cannot create the lock file: <reason>" when it cannot be opened,
    // Error(Usage) "is not a regular file" when it names anything else, and Error(Interrupted)
    // when a Wait::UntilFree wait is cancelled. Nothing is left open when it throws.
    LockFile(const std::filesystem::path& path, Wait wait);
    ~LockFile();
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;

    bool held() const { return fd_ >= 0; }
    // The open file while held (the render keeps its journal in it), else -1.
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }

    // Replaces the file's content with `text` (who holds the lock), for holderOf(). Requires held().
    // Throws Error(Io) naming the file.
    void describe(const std::string& text);
    // What the holder of the lock at `path` wrote with describe() (read without locking; at most
    // 4 KiB, the trailing newline dropped), or "" when nothing can be read.
    static std::string holderOf(const std::filesystem::path& path);

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace lacquer::io
