// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "lacquer/common/error.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;

OutputLock::OutputLock(const fs::path& dir) {
    const auto path = dir / ".lacquer.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ErrorKind::Io, dir.string(), "cannot create the lock file", "check permissions on the output folder");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        throw Error(ErrorKind::Usage, dir.string(), "another lacquer render is writing into this folder",
                    "wait for it to finish or choose another --out");
    }
}

OutputLock::~OutputLock() { ::close(fd_); }

void prepareOutputFolder(const fs::path& dir, bool force) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error(ErrorKind::Usage, dir.string(), "exists and is not a folder", "choose another --out");
    // report.json or the lock file: a folder lacquer rendered into, finished or interrupted.
    if (fs::exists(dir, ec) && !force && !fs::exists(dir / "report.json", ec) && !fs::exists(dir / ".lacquer.lock", ec)) {
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.path().filename() == ".lacquer.lock") continue;
            throw Error(ErrorKind::Usage, dir.string(), "the output folder holds files lacquer did not write",
                        "choose an empty or new folder with --out, or pass --force");
        }
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot create the output folder: " + ec.message(), "check the path and permissions");
}

}  // namespace lacquer::render
