// SPDX-License-Identifier: GPL-3.0-or-later
// What a render may and may not do to the output folder: file names made from hostile track
// titles stay inside the variant folder; Unicode titles reach the FLAC tags as UTF-8; a folder
// holding someone else's files is refused without --force; a folder another render holds is
// refused (lock file).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "hostile_support.hpp"
#include "lacquer/render/render.hpp"

namespace lacquer::hostile {
namespace {

using nlohmann::json;
using render::trackFileName;
using test::runCommand;

TEST(HostileNames, TrackFileNamesAreOneSafePathComponent) {
    EXPECT_EQ(trackFileName(1, "..", "flac"), "01 - Track.flac");
    EXPECT_EQ(trackFileName(2, "../../etc/passwd", "flac"), "02 - _.._etc_passwd.flac");
    EXPECT_EQ(trackFileName(3, "/abs/path", "wav"), "03 - _abs_path.wav");
    EXPECT_EQ(trackFileName(4, "C:\\Windows\\x", "wav"), "04 - C__Windows_x.wav");
    EXPECT_EQ(trackFileName(5,
                            std::string("a\tb\nc\x01"
                                        "d\x7f"
                                        "e",
                                        9),
                            "flac"),
              "05 - a_b_c_d_e.flac");
    EXPECT_EQ(trackFileName(6, "what? <really> \"yes\" | * :", "flac"),
              "06 - what_ _really_ _yes_ _ _ _.flac");
    EXPECT_EQ(trackFileName(7, " .hidden. ", "flac"), "07 - hidden.flac");
    // Windows reserves CON, NUL, COM1… only as a whole stem (with any extension): "NN - " makes
    // every stem longer, so these names are already safe and are kept as written.
    EXPECT_EQ(trackFileName(8, "CON", "flac"), "08 - CON.flac");
    EXPECT_EQ(trackFileName(9, "nul.txt", "flac"), "09 - nul.txt.flac");
    EXPECT_EQ(trackFileName(10, "Ünïcödé — 日本語", "flac"), "10 - Ünïcödé — 日本語.flac");
    // 120 bytes at most, never cutting a UTF-8 sequence: 100 × "é" is 200 bytes → 60 characters.
    std::string longTitle;
    for (int i = 0; i < 100; ++i) longTitle += "é";
    std::string sixty;
    for (int i = 0; i < 60; ++i) sixty += "é";
    EXPECT_EQ(trackFileName(11, longTitle, "flac"), "11 - " + sixty + ".flac");
    // "a" + 59 × "é" is 119 bytes; the 60th "é" would end at byte 121 and is dropped whole.
    EXPECT_EQ(trackFileName(12, "a" + longTitle, "flac"), "12 - a" + sixty.substr(0, 118) + ".flac");
}

TEST(HostileNames, RenderedFilesFromHostileTitlesStayInTheVariantFolderAndKeepUtf8Tags) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    // YAML double-quoted strings: \t and \x01 are control characters in the title.
    const std::vector<std::pair<std::string, std::string>> titles = {
        {R"("..")", "01 - Track.flac"},
        {R"("../../escape")", "02 - _.._escape.flac"},
        {R"("/tmp/absolute")", "03 - _tmp_absolute.flac"},
        {R"("tab\there\x01")", "04 - tab_here_.flac"},
        {R"("CON")", "05 - CON.flac"},
        {R"("COM1")", "06 - COM1.flac"},
        {R"("Ünïcödé — 日本語")", "07 - Ünïcödé — 日本語.flac"},
    };
    std::string tracks;
    for (const auto& t : titles) tracks += "  - { file: mixes/a.wav, title: " + t.first + " }\n";
    writeText(dir / "album.yaml", manifestText(tracks, "loudness: { mode: track, target_lufs: -16 }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;

    std::vector<std::string> want = {"report.html", "report.json", "report.md"};
    for (const auto& t : titles) want.push_back("streaming/" + t.second);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(leftoverFiles(dir / "out"), want);
    // Nothing appeared beside the album folder or under /tmp.
    EXPECT_EQ(std::set<std::string>({"album.yaml", "mixes", "out"}), [&] {
        std::set<std::string> s;
        for (const auto& e : fs::directory_iterator(dir)) s.insert(e.path().filename().string());
        return s;
    }());
    EXPECT_FALSE(fs::exists("/tmp/absolute.flac"));

    // The title tag is the title as written, in UTF-8 (metaflac prints the raw bytes).
    std::string tag;
    ASSERT_EQ(
        runCommand("metaflac --show-tag=TITLE " + q(dir / "out/streaming/07 - Ünïcödé — 日本語.flac"), &tag),
        0)
        << tag;
    EXPECT_EQ(tag, "TITLE=Ünïcödé — 日本語\n");
    ASSERT_EQ(runCommand("metaflac --show-tag=TITLE " + q(dir / "out/streaming/02 - _.._escape.flac"), &tag),
              0)
        << tag;
    EXPECT_EQ(tag, "TITLE=../../escape\n");
    // report.json names the file as written, relative to --out.
    std::ifstream in(dir / "out/report.json");
    const json r = json::parse(in);
    EXPECT_EQ(r["variants"]["streaming"]["tracks"][6]["title"], "Ünïcödé — 日本語");
    EXPECT_EQ(r["variants"]["streaming"]["tracks"][6]["file"], "streaming/07 - Ünïcödé — 日本語.flac");
}

// A finished one-track album in DIR.
fs::path oneTrackAlbum(double seconds = 1.0) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", seconds);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha }\n"));
    return dir;
}

TEST(HostileOutput, ForeignFilesAreRefusedWithoutForceAndKeptWithIt) {
    const auto dir = oneTrackAlbum();
    writeText(dir / "out/notes/thesis.docx", "precious");
    std::string out;
    EXPECT_EQ(render(dir, &out), 2);
    EXPECT_EQ(out, "error: " + (dir / "out").string() +
                       ": the output folder holds files lacquer did not write — choose an empty or new "
                       "folder with --out, or "
                       "pass --force\n");
    EXPECT_EQ(leftovers(dir / "out"), (std::vector<std::string>{"notes", "notes/thesis.docx"}));
    ASSERT_EQ(render(dir, &out, "--force"), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"),
              (std::vector<std::string>{"notes/thesis.docx", "report.html", "report.json", "report.md",
                                        "streaming/01 - Alpha.flac"}));
    std::ifstream in(dir / "out/notes/thesis.docx");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious");
}

TEST(HostileOutput, AFolderLacquerRenderedIntoIsRenderedIntoAgainWithoutForce) {
    const auto dir = oneTrackAlbum();
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"), (std::vector<std::string>{"report.html", "report.json", "report.md",
                                                                    "streaming/01 - Alpha.flac"}));
}

TEST(HostileOutput, AnOutPathThatIsAFileIsRefused) {
    const auto dir = oneTrackAlbum();
    writeText(dir / "out", "a file, not a folder");
    std::string out;
    EXPECT_EQ(render(dir, &out), 2);
    EXPECT_EQ(out,
              "error: " + (dir / "out").string() + ": exists and is not a folder — choose another --out\n");
    std::ifstream in(dir / "out");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "a file, not a folder");
}

TEST(HostileOutput, ASecondRenderIntoAFolderBeingRenderedRefusesOnTheLock) {
    // The first render is long enough to still hold the lock when the second starts; the test
    // waits for the lock to be held rather than for a time.
    const auto dir = oneTrackAlbum(90.0);
    const auto lockPath = dir / "out/.lacquer.lock";
    const std::string first = cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out");
    FILE* running = popen((first + " >/dev/null 2>&1; echo $?").c_str(), "r");
    ASSERT_NE(running, nullptr);
    bool held = false;
    for (int i = 0; i < 6000 && !held; ++i) {  // up to 10 minutes of 0.1 s polls: any machine
        const int fd = ::open(lockPath.c_str(), O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
            ::close(fd);  // releases our lock if we got it (then the first render has not locked yet)
        }
        if (!held) ::usleep(100000);
    }
    std::string out;
    int second = -1;
    if (held) second = render(dir, &out);
    char status[16] = {};
    const bool read = fgets(status, sizeof status, running) != nullptr;
    pclose(running);
    ASSERT_TRUE(held) << "the first render never held the lock";
    EXPECT_EQ(second, 2) << out;
    EXPECT_EQ(out, "error: " + (dir / "out").string() +
                       ": another lacquer render is writing into this folder — wait for it to finish or "
                       "choose another --out\n");
    // The first render was not disturbed.
    ASSERT_TRUE(read);
    EXPECT_EQ(std::string(status), "0\n");
    EXPECT_EQ(leftoverFiles(dir / "out"), (std::vector<std::string>{"report.html", "report.json", "report.md",
                                                                    "streaming/01 - Alpha.flac"}));
    std::string t;
    EXPECT_EQ(runCommand("flac -s -t " + q(dir / "out/streaming/01 - Alpha.flac"), &t), 0) << t;
}

}  // namespace
}  // namespace lacquer::hostile
