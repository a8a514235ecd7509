// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/output_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "io/fault_injection.hpp"
#include "lacquer/common/error.hpp"

namespace lacquer::io::detail {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
}

OutputStream::OutputStream(const std::filesystem::path& file, std::filesystem::path display)
    : display_(std::move(display)) {
    fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0)
        throw Error(ErrorKind::Io, display_.string(), std::string("cannot create: ") + std::strerror(errno),
                    "check the output folder");
    buffer_.resize(kBufferBytes);
}

OutputStream::~OutputStream() {
    if (fd_ >= 0) ::close(fd_);
}

bool OutputStream::fail(const char* operation, int errnoValue) noexcept {
    if (failedOp_ == nullptr) {
        failedOp_ = operation;
        failedErrno_ = errnoValue;
    }
    return false;
}

bool OutputStream::flush() noexcept {
    if (failed()) return false;
    std::size_t done = 0;
    while (done < bufferUsed_) {
        if (const int e = injectedError(testing::Op::Write)) return fail("write", e);
        const ssize_t n = ::pwrite(fd_, buffer_.data() + done, bufferUsed_ - done,
                                   static_cast<off_t>(bufferStart_ + static_cast<std::int64_t>(done)));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write", errno);
        }
        if (n == 0) return fail("write", EIO);
        done += static_cast<std::size_t>(n);
    }
    bufferStart_ += static_cast<std::int64_t>(bufferUsed_);
    bufferUsed_ = 0;
    return true;
}

bool OutputStream::write(const void* data, std::size_t bytes) noexcept {
    if (failed()) return false;
    if (bufferUsed_ > 0 && pos_ != bufferStart_ + static_cast<std::int64_t>(bufferUsed_) && !flush())
        return false;
    if (bufferUsed_ == 0) bufferStart_ = pos_;
    const char* src = static_cast<const char*>(data);
    while (bytes > 0) {
        const std::size_t n = std::min(bytes, buffer_.size() - bufferUsed_);
        std::memcpy(buffer_.data() + bufferUsed_, src, n);
        bufferUsed_ += n;
        src += n;
        bytes -= n;
        pos_ += static_cast<std::int64_t>(n);
        length_ = std::max(length_, pos_);
        if (bufferUsed_ == buffer_.size() && !flush()) return false;
    }
    return true;
}

bool OutputStream::seek(std::int64_t offset) noexcept {
    if (failed()) return false;
    if (offset < 0) return fail("seek", EINVAL);
    pos_ = offset;
    return true;
}

std::size_t OutputStream::read(void* data, std::size_t bytes) noexcept {
    if (!flush()) return 0;
    std::size_t done = 0;
    while (done < bytes) {
        const ssize_t n = ::pread(fd_, static_cast<char*>(data) + done, bytes - done,
                                  static_cast<off_t>(pos_ + static_cast<std::int64_t>(done)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            fail("read", errno);
            break;
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    pos_ += static_cast<std::int64_t>(done);
    return done;
}

void OutputStream::close() {
    flush();
    if (fd_ >= 0) {
        const int injected = injectedError(testing::Op::Close);
        const int rc = ::close(fd_);  // Linux: the descriptor is gone whatever close() returns
        const int err = errno;
        fd_ = -1;
        if (injected != 0)
            fail("close", injected);
        else if (rc != 0)
            fail("close", err);
    }
    throwIfFailed();
}

void OutputStream::abandon() noexcept {
    fail("write", ECANCELED);
}

void OutputStream::throwIfFailed() const {
    if (!failed()) return;
    throw Error(ErrorKind::Io, display_.string(),
                std::string(failedOp_) + " failed: " + std::strerror(failedErrno_),
                "check free space and permissions on the output disk");
}

}  // namespace lacquer::io::detail
