// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/fault_injection.hpp"
#include "io/output_stream.hpp"
#include "lacquer/common/error.hpp"

namespace lacquer::io {
namespace fs = std::filesystem;

namespace {
std::atomic<unsigned> gCounter{0};

// Errors name `display`: the final name the user asked for, not the hidden temporary.
void fsyncPath(const fs::path& p, const fs::path& display, bool directory) {
    const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw Error(ErrorKind::Io, display.string(), std::string("cannot open for fsync: ") + std::strerror(errno), "check the output folder");
    const int injected = directory ? 0 : detail::injectedError(testing::Op::Fsync);
    const int rc = injected != 0 ? -1 : ::fsync(fd);
    const int err = injected != 0 ? injected : errno;
    ::close(fd);
    if (rc != 0 && !directory)
        throw Error(ErrorKind::Io, display.string(), std::string("fsync failed: ") + std::strerror(err), "check free space on the output disk");
}
}  // namespace

AtomicFile::AtomicFile(fs::path finalPath) : final_(std::move(finalPath)) {
    // Hidden, same folder (rename stays atomic), unique per process and object.
    temp_ = final_.parent_path() /
            ("." + final_.filename().string() + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(gCounter++));
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void AtomicFile::commit() {
    fsyncPath(temp_, final_, false);
    std::error_code ec;
    if (const int injected = detail::injectedError(testing::Op::Rename)) ec.assign(injected, std::generic_category());
    else fs::rename(temp_, final_, ec);
    if (ec) throw Error(ErrorKind::Io, final_.string(), "cannot rename the finished file into place: " + ec.message(), "check the output folder");
    committed_ = true;
    const fs::path folder = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
    fsyncPath(folder, folder, true);
}

void writeTextFile(const fs::path& path, const std::string& text) {
    AtomicFile file(path);
    {
        detail::OutputStream out(file.tempPath(), path);
        out.write(text.data(), text.size());
        out.close();  // flushes; throws "write failed" / "close failed" naming `path`
    }
    file.commit();
}

}  // namespace lacquer::io
