// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A file written under a temporary name in its final folder and renamed into place only when
// complete (after fsync), so nothing half-written ever carries a final name. If commit() is not
// reached (error, cancellation), the destructor removes the temporary.
#include <filesystem>
#include <string>

namespace lacquer::io {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path finalPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::filesystem::path& tempPath() const { return temp_; }
    const std::filesystem::path& finalPath() const { return final_; }
    // fsyncs the temporary, renames it over the final name, fsyncs the folder.
    // Throws Error(ErrorKind::Io) naming the file.
    void commit();

private:
    std::filesystem::path final_;
    std::filesystem::path temp_;
    bool committed_ = false;
};

// Writes a whole text file atomically.
void writeTextFile(const std::filesystem::path& path, const std::string& text);

}  // namespace lacquer::io
