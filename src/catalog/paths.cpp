// SPDX-License-Identifier: GPL-3.0-or-later
#include "catalog/paths.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/atomic_file.hpp"

extern char** environ;

namespace lacquer::catalog {
namespace fs = std::filesystem;
using nlohmann::json;

std::string nowUtc() {
    const auto t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hostName() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

json baseRecord(const Plan& plan, const std::string& album) {
    json r;
    r["album"] = album;
    r["run_id"] = plan.runId;
    r["engine"] = plan.engine;
    r["host"] = hostName();
    r["pid"] = static_cast<long>(::getpid());
    r["lacquer_version"] = LACQUER_VERSION;
    for (const char* var : {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"})
        if (const char* v = std::getenv(var)) {
            std::string key = var;
            for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r[key] = v;
        }
    return r;
}

void writeRecord(const fs::path& outDir, const std::string& album, const json& record) {
    io::writeTextFile(recordFile(outDir, album), record.dump(2) + "\n");
}

json readRecord(const fs::path& outDir, const std::string& album) {
    std::ifstream in(recordFile(outDir, album));
    if (!in) return nullptr;
    try {
        return json::parse(in);
    } catch (const json::exception&) {
        return nullptr;
    }
}

fs::path stagingDir(const fs::path& outDir) { return outDir / ".catalog" / "staging"; }
fs::path logDir(const fs::path& outDir) { return outDir / ".catalog" / "logs"; }

AlbumLock::AlbumLock(const fs::path& outDir, const std::string& album, Wait wait) {
    std::error_code ec;
    fs::create_directories(stagingDir(outDir), ec);
    const fs::path path = stagingDir(outDir) / (album + ".lock");
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ErrorKind::Io, path.string(), std::string("cannot be opened: ") + std::strerror(errno), "check the output folder");
    // Polled rather than blocking, so that SIGTERM (a cancelled task) is noticed while waiting.
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (wait == Wait::No || cancelRequested()) {
            ::close(fd_);
            fd_ = -1;
            if (wait == Wait::UntilFree) throwIfCancelled();
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

AlbumLock::~AlbumLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

namespace {

std::vector<char*> argvOf(const std::vector<std::string>& argv) {
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    return a;
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

ProcessResult runCapture(const std::vector<std::string>& argv) {
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw Error(ErrorKind::Io, argv.at(0), "cannot make a pipe", std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, outPipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errPipe[1], 2);
    pid_t pid = -1;
    auto a = argvOf(argv);
    const int rc = ::posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (rc != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        throw Error(ErrorKind::Io, argv.at(0), std::string("cannot be started: ") + std::strerror(rc), "is it installed and on PATH?");
    }
    ProcessResult r;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* dest[2] = {&r.out, &r.err};
    int open = 2;
    char buf[4096];
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                dest[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exitCode = decodeStatus(status);
    return r;
}

pid_t spawnLogged(const std::vector<std::string>& argv, const fs::path& logFile) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    auto a = argvOf(argv);
    const int rc = ::posix_spawn(&pid, a[0], &fa, nullptr, a.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw Error(ErrorKind::Io, argv.at(0), std::string("cannot be started: ") + std::strerror(rc), "check the lacquer binary");
    return pid;
}

}  // namespace lacquer::catalog
