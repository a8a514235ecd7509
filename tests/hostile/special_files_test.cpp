// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, special files: a FIFO, a device, a socket or a folder given where lacquer reads a file
// (a mix, an impulse response, the cover, the manifest, a report, a file to analyze) is refused at
// once with one line naming what it is — never a blocked open() or read. Every command runs under
// `timeout`, so a regression fails the test instead of hanging it. After each case the album
// folder (inputs included) is byte-for-byte what it was, and no output folder was made.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hostile_support.hpp"

namespace lacquer::hostile {
namespace {

using test::runCommand;

// 60 s: far beyond any of these commands' run time (milliseconds); a blocked open() is killed.
const std::string kTimeout = "timeout -s KILL 60 ";

fs::path albumWith(const std::string& tracks, const std::string& extraTop = "") {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText(tracks, extraTop));
    return dir;
}

void makeFifo(const fs::path& p) {
    fs::create_directories(p.parent_path());
    ASSERT_EQ(::mkfifo(p.c_str(), 0644), 0) << p;
}

// Exit code, exactly one line that starts `error: <head>` and holds `what`, nothing changed in DIR
// and no output folder.
void expectRefused(const fs::path& dir, const std::string& command, int code, const std::string& head,
                   const std::string& what) {
    const auto before = snapshot(dir);
    std::string out;
    EXPECT_EQ(runCommand(kTimeout + command, &out), code) << out;
    const auto l = lines(out);
    ASSERT_EQ(l.size(), 1u) << out;
    EXPECT_EQ(l[0].rfind("error: " + head, 0), 0u) << out;
    EXPECT_NE(l[0].find(what), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(dir / "out")) << out;
    EXPECT_EQ(snapshot(dir), before);
}

TEST(HostileSpecialFiles, AFifoAsAMixIsRefusedByRenderValidateAndAnalyze) {
    const auto dir = albumWith("  - { file: mixes/a.wav, title: A }\n  - { file: mixes/pipe.wav, title: B }\n");
    makeFifo(dir / "mixes/pipe.wav");
    const std::string manifest = (dir / "album.yaml").string();
    const std::string what = "file 'mixes/pipe.wav' is a FIFO (named pipe), not a regular file — name a regular file";
    expectRefused(dir, cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out"), 2, manifest + ":6:", what);
    expectRefused(dir, cli() + " validate " + q(dir / "album.yaml"), 2, manifest + ":6:", what);
    expectRefused(dir, cli() + " analyze " + q(dir / "mixes/pipe.wav"), 3, (dir / "mixes/pipe.wav").string() + ": ",
                  "is a FIFO (named pipe), not a regular file — name a regular file");
}

TEST(HostileSpecialFiles, AFifoAsAnImpulseResponseOrCoverIsRefused) {
    {
        const auto dir = albumWith("  - { file: mixes/a.wav, title: A, chain: { reverb: { ir: ir/hall.wav, mix: 0.2 } } }\n");
        makeFifo(dir / "ir/hall.wav");
        expectRefused(dir, cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out"), 2,
                      (dir / "album.yaml").string() + ":5:", "ir 'ir/hall.wav' is a FIFO (named pipe), not a regular file");
    }
    {
        const auto dir = test::scratchDir();
        writeMix(dir / "mixes/a.wav", 1.0);
        writeText(dir / "album.yaml", "lacquer: 1\nalbum: { title: Hostile, artist: Tester, cover: art/front.png }\n"
                                      "processing: { sample_rate: 48000 }\ntracks:\n  - { file: mixes/a.wav, title: A }\n"
                                      "variants:\n  streaming: { export: { format: flac } }\n");
        makeFifo(dir / "art/front.png");
        expectRefused(dir, cli() + " validate " + q(dir / "album.yaml"), 2, (dir / "album.yaml").string() + ":2:",
                      "cover 'art/front.png' is a FIFO (named pipe), not a regular file");
        expectRefused(dir, cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out"), 2,
                      (dir / "album.yaml").string() + ":2:", "cover 'art/front.png' is a FIFO (named pipe)");
    }
}

TEST(HostileSpecialFiles, AFifoBehindALinkAndAManifestThatIsAFifoAreRefused) {
    const auto dir = albumWith("  - { file: mixes/link.wav, title: A }\n");
    makeFifo(dir / "fifo");
    fs::create_symlink(dir / "fifo", dir / "mixes/link.wav");
    expectRefused(dir, cli() + " validate " + q(dir / "album.yaml"), 2, (dir / "album.yaml").string() + ":5:",
                  "file 'mixes/link.wav' is a FIFO (named pipe), not a regular file");
    makeFifo(dir / "pipe.yaml");
    expectRefused(dir, cli() + " render " + q(dir / "pipe.yaml") + " --out " + q(dir / "out"), 2,
                  (dir / "pipe.yaml").string() + ": ", "the manifest is not a regular file — name the YAML file itself");
}

TEST(HostileSpecialFiles, DevicesSocketsAndFoldersAreRefusedByAnalyze) {
    const auto dir = test::scratchDir();
    writeMix(dir / "a.wav", 1.0);
    expectRefused(dir, cli() + " analyze /dev/zero", 3, "/dev/zero: ", "is a character device, not a regular file");
    expectRefused(dir, cli() + " analyze " + q(dir / "a.wav") + " /dev/null", 3, "/dev/null: ", "is a character device");
    // A UNIX socket (bound, then left in a folder). sun_path holds 108 bytes, and the scratch folder's
    // path grows with the checkout's (CI's is longer than ours), so the socket lives in a short
    // folder of its own under /tmp.
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(s, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    char tmpl[] = "/tmp/lacquer-sock-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const fs::path sockDir = tmpl;
    const std::string sock = (sockDir / "s.wav").string();
    ASSERT_LT(sock.size(), sizeof addr.sun_path);
    std::copy(sock.begin(), sock.end(), addr.sun_path);
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    expectRefused(dir, cli() + " analyze " + q(sockDir / "s.wav"), 3, sock + ": ", "is a socket, not a regular file");
    ::close(s);
    fs::remove_all(sockDir);
    fs::create_directories(dir / "folder.wav");
    expectRefused(dir, cli() + " analyze " + q(dir / "folder.wav"), 3, (dir / "folder.wav").string() + ": ",
                  "is a folder, not an audio file");
}

TEST(HostileSpecialFiles, AFifoAsAReportForDiffOrVerifyIsRefused) {
    const auto dir = test::scratchDir();
    makeFifo(dir / "a.json");
    writeText(dir / "b.json", "{}");
    expectRefused(dir, cli() + " diff " + q(dir / "a.json") + " " + q(dir / "b.json"), 3, (dir / "a.json").string() + ": ",
                  "is a FIFO (named pipe), not a regular file — pass the report.json of a render");
    const auto album = albumWith("  - { file: mixes/a.wav, title: A }\n");
    makeFifo(album / "rendered/report.json");
    const auto before = snapshot(album);
    std::string out;
    EXPECT_EQ(runCommand(kTimeout + cli() + " verify " + q(album / "album.yaml") + " --out " + q(album / "rendered"), &out), 3);
    EXPECT_EQ(out, "error: " + (album / "rendered/report.json").string() +
                       ": is a FIFO (named pipe), not a regular file — render again to rewrite it\n");
    EXPECT_EQ(snapshot(album), before);
}

TEST(HostileSpecialFiles, SigtermEndsAnalyzeAtOnce) {
    // Commands other than render write nothing: a signal ends them at once (the default action).
    // Forty copies of a 60 s mix keep analyze busy for seconds; the signal comes 0.3 s after the start.
    const auto dir = test::scratchDir();
    writeMix(dir / "long.wav", 60.0);
    std::string files;
    for (int i = 0; i < 40; ++i) files += " " + (dir / "long.wav").string();
    std::string out;
    const int rc = runCommand(kTimeout + "bash -c '" + cli() + " analyze" + files +
                                  " >/dev/null & pid=$!; sleep 0.3; kill -TERM $pid; wait $pid; echo rc=$?'",
                              &out);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("rc=143"), std::string::npos) << out;  // 128 + SIGTERM: ended by the signal
}

}  // namespace
}  // namespace lacquer::hostile
