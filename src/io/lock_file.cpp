// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"

namespace lacquer::io {

LockFile::LockFile(const std::filesystem::path& path, Wait wait) : path_(path) {
    // O_NONBLOCK: a FIFO planted under the lock's name must not block the open.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0) {
        const int err = errno;
        throw Error(ErrorKind::Io, path.string(), std::string("cannot create the lock file: ") + std::strerror(err),
                    "check permissions on the output folder");
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::Usage, path.string(), "is not a regular file", "remove it; lacquer keeps its lock there");
    }
    // Polled rather than blocking, so that SIGTERM (a cancelled task) is noticed while waiting.
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (wait == Wait::No) {
            ::close(fd);
            return;
        }
        if (cancelRequested()) {
            ::close(fd);
            throwIfCancelled();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    fd_ = fd;
}

LockFile::~LockFile() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

void LockFile::describe(const std::string& text) {
    auto fail = [&] {
        throw Error(ErrorKind::Io, path_.string(), std::string("cannot write the lock file: ") + std::strerror(errno),
                    "check the output folder's disk");
    };
    if (fd_ < 0 || ::ftruncate(fd_, 0) != 0) fail();
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail();
        done += static_cast<std::size_t>(n);
    }
}

std::string LockFile::holderOf(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return {};
    std::string text(4096, '\0');
    struct stat st{};
    ssize_t got = -1;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) got = ::pread(fd, text.data(), text.size(), 0);
    ::close(fd);
    text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    return text;
}

}  // namespace lacquer::io
