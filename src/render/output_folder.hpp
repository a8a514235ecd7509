// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The output folder's rules: the render's lock on it, and what a render may find there before it
// writes (a folder lacquer rendered into, an empty or new one, or foreign files with --force).
#include <filesystem>

namespace lacquer::render {

// Holds an exclusive lock on DIR/.lacquer.lock for the render's lifetime: a second render into
// the same folder refuses instead of interleaving files.
class OutputLock {
public:
    explicit OutputLock(const std::filesystem::path& dir);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    int fd_ = -1;
};

// Refuses a --out that is a file, or a folder holding files lacquer did not write (unless
// `force`); creates the folder. Throws Error(Usage) or Error(Io).
void prepareOutputFolder(const std::filesystem::path& dir, bool force);

}  // namespace lacquer::render
