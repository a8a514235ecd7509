// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Every input lacquer reads (the manifest, mixes, impulse responses, the cover, report.json for
// diff and verify, a CUE sheet) is opened here: without blocking (O_NONBLOCK, so a FIFO or a
// device cannot hang open()), checked with fstat to be a regular file, and only then read. A
// FIFO, socket, device or folder is refused with one clear Error naming what it is.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lacquer {
enum class ErrorKind;
}

namespace lacquer::io {

// An open, regular, readable input file (the descriptor is closed with the object).
class InputFile {
public:
    // Opens `file` read-only. Throws Error(kind) naming the file: missing, a folder, a FIFO, a
    // socket, a device, or not readable (with the system's reason). `what` names the input in the
    // message's advice ("the mix", "the cover", "a report.json").
    InputFile(const std::filesystem::path& file, ErrorKind kind);
    ~InputFile();
    InputFile(InputFile&& other) noexcept;
    InputFile& operator=(InputFile&&) = delete;
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    int fd() const { return fd_; }
    std::uint64_t size() const { return size_; }
    // Hands the descriptor over (to libsndfile's sf_open_fd, which closes it).
    int release();

    // Reads the whole file, refusing one over `maxBytes` (Error(kind): "is N bytes, over the
    // limit of M"). Read errors carry the system's reason.
    std::string readAll(std::uint64_t maxBytes);

private:
    std::filesystem::path path_;
    ErrorKind kind_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

// What a non-regular file is, for messages: "a folder", "a FIFO (named pipe)", "a socket",
// "a character device", "a block device", "a symbolic link", or "" for a regular file.
std::string describeFileType(unsigned mode);

// InputFile(file, kind).readAll(maxBytes).
std::string readInputFile(const std::filesystem::path& file, ErrorKind kind, std::uint64_t maxBytes);

}  // namespace lacquer::io
