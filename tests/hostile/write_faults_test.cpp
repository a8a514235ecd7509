// SPDX-License-Identifier: GPL-3.0-or-later
// Faults while a file is written, at the writer level: the file-size limit and a full disk for real
// (in a child process), and failures of write, the flush at commit, close, fsync and rename through
// the fault seam (lacquer/io/fault_injection.hpp) where they cannot be provoked for real. For
// WavWriter, FlacWriter and writeTextFile alike: one Error(Io) naming the file and the operation,
// no temporary left, nothing new under the final name, and a previous file of that name untouched.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

#include "lacquer/common/error.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/io/fault_injection.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using io::testing::Op;

enum class Target { Wav, Flac, Text };
// Where a writer is when it throws. writeTextFile is one call: it counts as Commit.
enum class Stage { Open, Write, Commit };

const char* nameOf(Target t) {
    return t == Target::Wav ? "out.wav" : t == Target::Flac ? "out.flac" : "out.txt";
}
const char* nameOf(Stage s) {
    return s == Stage::Open ? "open" : s == Stage::Write ? "write" : "commit";
}

std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `seconds` of 24-bit stereo noise (or as many bytes of text, 300 KB a second) to
// dir/nameOf(t), in 1 s blocks, calling `before(stage)` before each stage. Returns "ok", or
// "<stage>: <the error's line>" for the Error(Io) it threw ("<stage>: kind <n>: …" for another kind).
std::string attempt(
    Target t, const fs::path& dir, double seconds, const std::function<void(Stage)>& before = [](Stage) {}) {
    const fs::path file = dir / nameOf(t);
    Stage stage = Stage::Open;
    try {
        before(stage);
        if (t == Target::Text) {
            stage = Stage::Commit;
            before(stage);
            io::writeTextFile(file, std::string(static_cast<std::size_t>(seconds * 300000), 'x'));
            return "ok";
        }
        AudioBuffer a = test::musicNoise(seconds, 48000, 2, 3);
        const auto frames = a.frames();
        auto run = [&](auto& w) {
            stage = Stage::Write;
            before(stage);
            for (std::size_t at = 0; at < frames; at += 48000)
                w.write(a.view().slice(at, std::min<std::size_t>(48000, frames - at)));
            stage = Stage::Commit;
            before(stage);
            w.commit();
        };
        if (t == Target::Wav) {
            io::WavWriter w(file, 2, 48000, io::WavSampleFormat::Pcm24, {}, frames);
            run(w);
        } else {
            io::FlacWriter w(file, 2, 48000, 24, {}, frames);
            run(w);
        }
        return "ok";
    } catch (const Error& e) {
        const std::string kind =
            e.kind() == ErrorKind::Io ? "" : "kind " + std::to_string(static_cast<int>(e.kind())) + ": ";
        return std::string(nameOf(stage)) + ": " + kind + e.diagnostics().front().line();
    }
}

std::string expected(Target t, const fs::path& dir, Stage stage, const std::string& what,
                     const std::string& todo = "check free space and permissions on the output disk") {
    return std::string(nameOf(stage)) + ": " + (dir / nameOf(t)).string() + ": " + what + " — " + todo;
}

// The folder holds exactly the previous file, unchanged.
void expectOnlyThePreviousFile(Target t, const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{nameOf(t)}) << nameOf(t);
    EXPECT_EQ(bytesOf(dir / nameOf(t)), "previous") << nameOf(t);
}

fs::path folderWithAPreviousFile(Target t, const std::string& sub) {
    const auto dir = test::scratchDir() / sub;
    fs::create_directories(dir);
    std::ofstream(dir / nameOf(t)) << "previous";
    return dir;
}

constexpr Target kTargets[] = {Target::Wav, Target::Flac, Target::Text};

// ---------------------------------------------------------------------------------------------
// Real faults in a child process: what the child's `body` returns comes back through a pipe.

struct ChildResult {
    int status = -1;  // exit status, or 128 + signal
    std::string report;
};

ChildResult inChild(const std::function<std::string()>& body) {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::string report;
        try {
            report = body();
        } catch (const std::exception& e) {
            report = std::string("exception: ") + e.what();
        }
        const char* p = report.data();
        std::size_t left = report.size();
        while (left > 0) {
            const ssize_t n = ::write(fds[1], p, left);
            if (n <= 0) break;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    ChildResult r;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.report.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// In the child: writes past RLIMIT_FSIZE fail with EFBIG instead of killing it (as lacquer's main()
// arranges), the same errno path as a full disk.
void limitFileSize(std::uint64_t bytes) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{bytes, bytes};
    ::setrlimit(RLIMIT_FSIZE, &lim);
}

// The size of the temporary being written in `dir` (the writer's ".<name>.part-…").
std::uint64_t temporarySize(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".part-") != std::string::npos) return fs::file_size(e.path());
    return 0;
}

TEST(WriteFaults, FileSizeLimitDuringWriteIsAnIoErrorFromWrite) {
    for (const Target t : {Target::Wav, Target::Flac}) {
        const auto dir = folderWithAPreviousFile(t, nameOf(t));
        // 20 s of 24-bit noise: 5.8 MB as WAV, about 3 MB as FLAC; both pass the 1 MiB write
        // buffer and the 256 KiB limit well before commit.
        const auto r = inChild([&] {
            limitFileSize(256 << 10);
            return attempt(t, dir, 20.0);
        });
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.report, expected(t, dir, Stage::Write, "write failed: File too large"));
        expectOnlyThePreviousFile(t, dir);
    }
}

TEST(WriteFaults, FileSizeLimitReachedByTheFlushAtCommitIsAnIoErrorFromCommit) {
    for (const Target t : kTargets) {
        const auto dir = folderWithAPreviousFile(t, nameOf(t));
        const auto r = inChild([&] {
            // Just before commit, the limit is set to what is on disk so far: whatever the writer
            // still holds (its buffer, libFLAC's last frame, the WAV header rewrite) fails.
            // 1.5 s of WAV is 432 KB, all of it still in the writer's 1 MiB buffer. Text: the
            // limit is 64 KiB, under the 450 KB text.
            return attempt(t, dir, 1.5, [&](Stage s) {
                if (s == Stage::Commit)
                    limitFileSize(t == Target::Text ? 64 << 10
                                                    : std::max<std::uint64_t>(temporarySize(dir), 1));
            });
        });
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.report, expected(t, dir, Stage::Commit, "write failed: File too large")) << nameOf(t);
        expectOnlyThePreviousFile(t, dir);
    }
}

// A 1 MiB tmpfs in a private mount namespace: root can make one; elsewhere a user namespace may
// allow it. Returns "" once mounted on `dir`, or why not.
std::string mountTinyTmpfs(const fs::path& dir) {
    if (::unshare(CLONE_NEWNS) != 0) {
        const uid_t uid = ::getuid();
        const gid_t gid = ::getgid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return std::string("unshare(CLONE_NEWNS) and a user namespace are refused: ") +
                   std::strerror(errno);
        std::ofstream("/proc/self/setgroups") << "deny";
        std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
        std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
    }
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("cannot make the mount namespace private: ") + std::strerror(errno);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0)
        return std::string("cannot mount a tmpfs: ") + std::strerror(errno);
    return "";
}

TEST(WriteFaults, AFullDiskIsAnIoErrorNamingTheFileWithNoTemporaryLeft) {
    const auto base = test::scratchDir();
    const auto dir = base / "tmpfs";
    fs::create_directories(dir);
    // Everything happens inside the child's namespace (the tmpfs vanishes with it); the child
    // reports one line per target: the attempt's result, then what the folder holds.
    const auto r = inChild([&]() -> std::string {
        if (const auto why = mountTinyTmpfs(dir); !why.empty()) return "SKIP " + why;
        std::string report;
        for (const Target t : kTargets) {
            std::ofstream(dir / nameOf(t)) << "previous";
            // 20 s: 5.8 MB of WAV, about 3 MB of FLAC, 6 MB of text, on a 1 MiB disk.
            report += attempt(t, dir, 20.0) + "\n";
            for (const auto& e : fs::directory_iterator(dir))
                report += "  " + e.path().filename().string() + " = " + bytesOf(e.path()) + "\n";
            fs::remove(dir / nameOf(t));
        }
        return report;
    });
    ASSERT_EQ(r.status, 0) << r.report;
    if (r.report.rfind("SKIP ", 0) == 0) GTEST_SKIP() << r.report.substr(5);
    const std::string full = "write failed: No space left on device";
    EXPECT_EQ(r.report, expected(Target::Wav, dir, Stage::Write, full) + "\n  out.wav = previous\n" +
                            expected(Target::Flac, dir, Stage::Write, full) + "\n  out.flac = previous\n" +
                            expected(Target::Text, dir, Stage::Commit, full) + "\n  out.txt = previous\n");
}

// ---------------------------------------------------------------------------------------------
// The fault seam: each operation failing in turn.

class InjectedFaults : public ::testing::Test {
protected:
    void TearDown() override { io::testing::clearFaults(); }
};

TEST_F(InjectedFaults, AFailingWriteIsReportedByWriteForAudioAndByTheCallForText) {
    for (const Target t : kTargets) {
        const auto dir = folderWithAPreviousFile(t, nameOf(t));
        // 20 s passes the 1 MiB buffer during write() (see the file-size test above).
        const auto r = attempt(t, dir, 20.0, [](Stage s) {
            if (s != Stage::Open) io::testing::failNext(Op::Write, ENOSPC);
        });
        EXPECT_EQ(r, expected(t, dir, t == Target::Text ? Stage::Commit : Stage::Write,
                              "write failed: No space left on device"));
        expectOnlyThePreviousFile(t, dir);
        io::testing::clearFaults();
    }
}

TEST_F(InjectedFaults, AWriteFailingOnlyAtCommitIsReportedByCommit) {
    for (const Target t : kTargets) {
        const auto dir = folderWithAPreviousFile(t, nameOf(t));
        const auto r = attempt(t, dir, 1.5, [](Stage s) {
            if (s == Stage::Commit) io::testing::failNext(Op::Write, EIO);
        });
        EXPECT_EQ(r, expected(t, dir, Stage::Commit, "write failed: Input/output error"));
        expectOnlyThePreviousFile(t, dir);
    }
}

TEST_F(InjectedFaults, CloseFsyncAndRenameFailuresAreReportedByCommitNamingTheOperation) {
    struct Case {
        Op op;
        int err;
        std::string what, todo;
    };
    const std::string space = "check free space and permissions on the output disk";
    const Case cases[] = {
        {Op::Close, EIO, "close failed: Input/output error", space},
        {Op::Fsync, EIO, "fsync failed: Input/output error", "check free space on the output disk"},
        {Op::Rename, EXDEV, "cannot rename the finished file into place: Invalid cross-device link",
         "check the output folder"},
    };
    for (const Target t : kTargets)
        for (const auto& c : cases) {
            const auto dir = folderWithAPreviousFile(
                t, std::string(nameOf(t)) + "-" + std::to_string(static_cast<int>(c.op)));
            const auto r = attempt(t, dir, 1.5, [&](Stage s) {
                if (s == Stage::Commit) io::testing::failNext(c.op, c.err);
            });
            EXPECT_EQ(r, expected(t, dir, Stage::Commit, c.what, c.todo));
            expectOnlyThePreviousFile(t, dir);
            io::testing::clearFaults();
        }
}

TEST_F(InjectedFaults, AnUnarmedSeamChangesNothingAndAnArmedOneIsConsumed) {
    for (const Target t : kTargets) {
        const auto dir = folderWithAPreviousFile(t, nameOf(t));
        EXPECT_EQ(attempt(t, dir, 0.5), "ok");
        io::testing::failNext(Op::Fsync, EIO);
        EXPECT_NE(attempt(t, dir, 0.5), "ok");
        EXPECT_EQ(attempt(t, dir, 0.5), "ok");  // the one armed failure was used up
    }
}

}  // namespace
}  // namespace lacquer
