// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, messages that misled: each now says what happened, where, and the system's reason.
#include <gtest/gtest.h>

#include "hostile_support.hpp"

namespace lacquer::hostile {
namespace {

using test::runCommand;

TEST(HostileMessages, AnUnknownCommandIsNamed) {
    for (const std::string word : {"rendr", "verfy", "x"}) {
        std::string out;
        EXPECT_EQ(runCommand(cli() + " " + word + " album.yaml", &out), 2) << out;
        EXPECT_EQ(out, "error: command line: unknown command '" + word +
                           "' — use one of render, validate, analyze, devices, verify, diff, catalog (lacquer --help)\n");
    }
    std::string out;
    EXPECT_EQ(runCommand(cli() + " $'ren\\x1b[2Jder'", &out), 2) << out;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(runCommand(cli(), &out), 2) << out;  // no command at all: CLI11's own message
    EXPECT_EQ(lines(out).size(), 1u) << out;
}

TEST(HostileMessages, AFullScratchDiskNamesTheScratchFolderNotTheOutputFolder) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 20.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha }\n"));
    fs::create_directories(dir / "scratch");
    std::string out;
    // RLIMIT_FSIZE (256 KiB) stands for the full disk: the scratch files meet it first.
    EXPECT_EQ(runCommand("bash -c \"ulimit -f 256; exec " + cli() + " render " + q(dir / "album.yaml") + " --out " +
                             q(dir / "out") + " --scratch " + q(dir / "scratch") + "\"",
                         &out),
              3)
        << out;
    EXPECT_EQ(lines(out).size(), 1u) << out;
    EXPECT_NE(out.find(": cannot write the scratch file: File too large — free disk space on the disk holding " +
                       (dir / "scratch").string() + " (the render's scratch files need"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("output folder"), std::string::npos) << out;
}

TEST(HostileMessages, FolderAndFileErrorsCarryTheSystemsReason) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha }\n"));
    writeText(dir / "file", "a file");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "file/out"), &out), 3) << out;
    EXPECT_EQ(out, "error: " + (dir / "file/out").string() + ": cannot create the output folder: Not a directory — check the path "
                                                             "and permissions\n");
    EXPECT_EQ(runCommand(cli() + " analyze " + q(dir / "file/x.wav"), &out), 3) << out;
    EXPECT_EQ(out, "error: " + (dir / "file/x.wav").string() + ": cannot be opened: Not a directory — check the file\n");
}

TEST(HostileMessages, ATruncatedWavIsDescribedInWordsNotLibsndfilesLog) {
    const auto dir = test::scratchDir();
    writeMix(dir / "cut.wav", 1.0);
    fs::resize_file(dir / "cut.wav", fs::file_size(dir / "cut.wav") - 1000);
    std::string out;
    EXPECT_EQ(runCommand(cli() + " analyze " + q(dir / "cut.wav"), &out), 3) << out;
    // 1 s × 44100 × 4 bytes promised, 1000 fewer there.
    EXPECT_EQ(out, "error: " + (dir / "cut.wav").string() +
                       ": truncated or corrupt: its header promises 176400 bytes of audio data, the file holds 175400 — "
                       "re-export or re-copy the file\n");
    EXPECT_EQ(out.find("should be"), std::string::npos);
}

TEST(HostileMessages, NoJsonLibraryTextReachesTheUser) {
    const auto dir = test::scratchDir();
    writeText(dir / "a.json", "{\"lacquer_version\": 1}");
    writeText(dir / "b.json", "nul");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " diff " + q(dir / "a.json") + " " + q(dir / "b.json"), &out), 3) << out;
    EXPECT_EQ(out.find("json.exception"), std::string::npos) << out;
    EXPECT_EQ(out, "error: " + (dir / "a.json").string() +
                       ": is not a lacquer report: lacquer_version is missing or not text — pass the report.json of a render\n");
    // analyze --json with a file name that is not UTF-8: printed, not an internal error.
    const std::string name = "m\xff.wav";
    writeMix(dir / name, 1.0);
    EXPECT_EQ(runCommand(cli() + " analyze --json " + q(dir / name), &out), 0) << out;
    EXPECT_EQ(out.find("internal"), std::string::npos) << out;
}

}  // namespace
}  // namespace lacquer::hostile
