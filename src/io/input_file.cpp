// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lacquer/common/error.hpp"

namespace lacquer::io {
namespace fs = std::filesystem;

std::string describeFileType(unsigned mode) {
    if (S_ISREG(mode)) return "";
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

InputFile::InputFile(const fs::path& file, ErrorKind kind) : path_(file), kind_(kind) {
    // O_NONBLOCK: opening a FIFO with no writer, or a device, returns at once instead of waiting
    // (where SIGINT and SIGTERM could not end the wait: the handler only sets a flag).
    fd_ = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) {
        const int err = errno;
        if (err == ENOENT)
            throw Error(kind, file.string(), "does not exist", "check the path");
        // A socket cannot be opened at all (ENXIO): say what it is rather than the errno's words.
        struct stat st{};
        if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            throw Error(kind, file.string(), "is " + describeFileType(st.st_mode) + ", not a regular file",
                        "name a regular file (save the stream to a file first)");
        throw Error(kind, file.string(), std::string("cannot be opened: ") + std::strerror(err),
                    err == EACCES || err == EPERM ? "check its permissions" : "check the file");
    }
    struct stat st{};
    if (::fstat(fd_, &st) != 0) {
        const int err = errno;
        ::close(fd_);
        throw Error(kind, file.string(), std::string("cannot be examined: ") + std::strerror(err), "check the file");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw Error(kind, file.string(), "is " + describeFileType(st.st_mode) + ", not a regular file",
                    S_ISDIR(st.st_mode) ? "name a file inside it" : "name a regular file (save the stream to a file first)");
    }
    // A regular file: reads never block, but libraries expect an ordinary descriptor.
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
    size_ = static_cast<std::uint64_t>(st.st_size);
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)), kind_(other.kind_), fd_(other.fd_), size_(other.size_) {
    other.fd_ = -1;
}

int InputFile::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

std::string InputFile::readAll(std::uint64_t maxBytes) {
    if (size_ > maxBytes)
        throw Error(kind_, path_.string(),
                    "is " + std::to_string(size_) + " bytes, over the limit of " + std::to_string(maxBytes) + " bytes",
                    "check that this is the right file");
    // Read at most one byte past the limit: the file may have grown since it was measured.
    std::string text(static_cast<std::size_t>(std::min<std::uint64_t>(maxBytes + 1, size_ + 1)), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd_, text.data() + got, text.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(kind_, path_.string(), std::string("cannot be read: ") + std::strerror(errno), "check the file");
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
        if (got == text.size() && got <= maxBytes) text.resize(std::min<std::size_t>(maxBytes + 1, text.size() * 2));
    }
    text.resize(got);
    if (got > maxBytes)
        throw Error(kind_, path_.string(), "is over the limit of " + std::to_string(maxBytes) + " bytes",
                    "check that this is the right file");
    return text;
}

std::string readInputFile(const fs::path& file, ErrorKind kind, std::uint64_t maxBytes) {
    return InputFile(file, kind).readAll(maxBytes);
}

}  // namespace lacquer::io
