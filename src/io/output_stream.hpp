// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/io: the byte sink under every encoder. libsndfile (virtual I/O) and libFLAC
// (stream callbacks) write through it, so lacquer, not the library, sees each write, seek and
// close and the errno of the first failure. Calls made from those C callbacks are noexcept and
// return success; the first failure is kept (operation + errno), every later call fails at once,
// and the owner turns it into one Error(ErrorKind::Io) with throwIfFailed() after each library
// call (exceptions must not cross the C libraries' frames).
//
// Writes are gathered in a 1 MiB buffer (libsndfile hands over 8 KiB at a time, libFLAC one frame),
// flushed with pwrite when full, before a seek or a read, and at close(). So a failing write may
// surface at a later call, at the latest at close().
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace lacquer::io::detail {

class OutputStream {
public:
    // Creates (truncates) `file`; errors name `display` (the final name the user asked for).
    // Throws Error(Io) "cannot create: <reason>".
    OutputStream(const std::filesystem::path& file, std::filesystem::path display);
    // Closes without reporting: a stream not close()d is being abandoned (AtomicFile removes it).
    ~OutputStream();
    OutputStream(const OutputStream&) = delete;
    OutputStream& operator=(const OutputStream&) = delete;

    bool write(const void* data, std::size_t bytes) noexcept;
    bool seek(std::int64_t offset) noexcept;  // absolute; may pass the end (a later write fills)
    std::int64_t tell() const noexcept { return pos_; }
    std::int64_t length() const noexcept { return length_; }
    // Reads at the current position; returns the bytes read (0 at the end or after a failure).
    std::size_t read(void* data, std::size_t bytes) noexcept;

    // Flushes and closes; throws Error(Io) "<operation> failed: <reason>" on this or any earlier
    // failure.
    void close();
    // From now on every call fails at once (the owner is being destroyed without commit()).
    void abandon() noexcept;

    bool failed() const noexcept { return failedOp_ != nullptr; }
    // Throws Error(Io, display, "<operation> failed: <strerror>") if a call has failed.
    void throwIfFailed() const;
    const std::filesystem::path& display() const { return display_; }

private:
    bool flush() noexcept;
    bool fail(const char* operation, int errnoValue) noexcept;

    std::filesystem::path display_;
    int fd_ = -1;
    std::vector<char> buffer_;
    std::int64_t bufferStart_ = 0;  // file offset of buffer_[0]
    std::size_t bufferUsed_ = 0;
    std::int64_t pos_ = 0;     // where the next write goes
    std::int64_t length_ = 0;  // file length including what is still buffered
    const char* failedOp_ = nullptr;
    int failedErrno_ = 0;
};

}  // namespace lacquer::io::detail
