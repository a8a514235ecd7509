// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14, the output folder's rules (src/render/output_folder.hpp): lacquer's own names cannot
// be variants; an input is never written over, --force or not; only files an earlier render
// recorded are replaced; a re-render leaves exactly its own files, removing what the previous
// render recorded and no longer makes, and nothing else. Each case checks the exit code, the one
// error line, the output folder and the hashes of every input afterwards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostile_support.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "render/output_folder.hpp"

namespace lacquer::hostile {
namespace {

using nlohmann::json;
using test::runCommand;

const std::string kStreaming = "  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";

fs::path twoTrackAlbum() {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0, 1);
    writeMix(dir / "mixes/b.wav", 1.0, 2);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha }\n  - { file: mixes/b.wav, title: Beta }\n"));
    return dir;
}

std::string verifyOut(const fs::path& dir, int* rc) {
    std::string out;
    *rc = runCommand(cli() + " verify " + q(dir / "album.yaml") + " --out " + q(dir / "out"), &out);
    return out;
}

// ---- lacquer's own names -------------------------------------------------------------------

TEST(HostileOutputFolder, LacquersOwnNamesAreRefusedAsVariantNamesByValidate) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"report.json", "is the name of lacquer's own report.json in the output folder"},
        {"Report.MD", "is the name of lacquer's own report.md in the output folder"},
        {"report.html", "is the name of lacquer's own report.html in the output folder"},
        {".lacquer.lock", "is the name of lacquer's own lock file in the output folder"},
        {".lacquer-scratch", "is the name of lacquer's own scratch folder in the output folder"},
        {".hidden", "starts with '.': lacquer keeps its own files in the output folder under hidden names"},
    };
    for (const auto& [name, why] : cases) {
        SCOPED_TRACE(name);
        const auto dir = test::scratchDir() / name;
        writeMix(dir / "mixes/a.wav", 1.0);
        writeText(dir / "album.yaml",
                  manifestText("  - { file: mixes/a.wav, title: A }\n", "", "  " + name + ": { export: { format: flac } }\n"));
        const auto before = snapshot(dir);
        std::string out;
        EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 2);
        EXPECT_EQ(out, "error: " + (dir / "album.yaml").string() + ":7:3: variant name '" + name + "' " + why +
                           " — rename the variant (it names its folder in the output folder)\n");
        EXPECT_EQ(snapshot(dir), before);
    }
}

TEST(HostileOutputFolder, AVariantNamedLikeTheScratchFolderIsRefusedByRenderBeforeAnythingIsWritten) {
    // The issue's worst case: the render's clean-up removed the scratch folder, which was the
    // variant's folder, after report.json had listed its master.
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: A }\n", "",
                                               kStreaming + "  .lacquer-scratch: { export: { format: wav } }\n"));
    const auto before = snapshot(dir);
    std::string out;
    EXPECT_EQ(render(dir, &out), 2);
    EXPECT_EQ(lines(out).size(), 1u) << out;
    EXPECT_NE(out.find(":8:3: variant name '.lacquer-scratch' is the name of lacquer's own scratch folder"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(dir / "out"));
    EXPECT_EQ(snapshot(dir), before);
}

// ---- inputs are never written -------------------------------------------------------------

TEST(HostileOutputFolder, AMixWhereAMasterWouldBeWrittenIsRefusedEvenWithForce) {
    const auto dir = test::scratchDir();
    // The mix is a FLAC at exactly the path of track 1's master.
    fs::create_directories(dir / "out/streaming");
    test::writeAudio(dir / "out/streaming/01 - Alpha.flac", test::musicNoise(1.0, 44100, 2, 1), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    writeText(dir / "album.yaml", manifestText("  - { file: out/streaming/01 - Alpha.flac, title: Alpha }\n"));
    const auto before = snapshot(dir);
    for (const std::string extra : {"", "--force"}) {
        SCOPED_TRACE(extra);
        std::string out;
        EXPECT_EQ(render(dir, &out, extra), 2);
        const std::string want =
            extra.empty()
                ? "error: " + (dir / "out").string() +
                      ": the output folder holds files lacquer did not write — choose an empty or new folder with --out, or pass --force\n"
                : "error: " + (dir / "out/streaming/01 - Alpha.flac").string() +
                      ": is the mix of track 1, where this render would write its output; lacquer never writes over its "
                      "inputs — move the input out of the output folder, or choose another --out\n";
        EXPECT_EQ(out, want);
        EXPECT_EQ(snapshot(dir), before);
        EXPECT_FALSE(fs::exists(dir / "out/.lacquer.lock"));
    }
}

TEST(HostileOutputFolder, AnInputBehindALinkOrAHardLinkAtAMastersPathIsRefused) {
    for (const bool hard : {false, true}) {
        SCOPED_TRACE(hard ? "hard link" : "symbolic link");
        const auto dir = test::scratchDir() / (hard ? "hard" : "soft");
        fs::create_directories(dir / "out/streaming");
        test::writeAudio(dir / "mix.flac", test::musicNoise(1.0, 44100, 2, 3), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
        writeText(dir / "album.yaml", manifestText("  - { file: mix.flac, title: Alpha }\n"));
        if (hard)
            fs::create_hard_link(dir / "mix.flac", dir / "out/streaming/01 - Alpha.flac");
        else
            fs::create_symlink(dir / "mix.flac", dir / "out/streaming/01 - Alpha.flac");
        const auto before = snapshot(dir);
        std::string out;
        EXPECT_EQ(render(dir, &out, "--force"), 2);
        EXPECT_EQ(out, "error: " + (dir / "out/streaming/01 - Alpha.flac").string() +
                           ": is the mix of track 1, where this render would write its output; lacquer never writes over "
                           "its inputs — move the input out of the output folder, or choose another --out\n");
        EXPECT_EQ(snapshot(dir), before);
        EXPECT_TRUE(fs::is_symlink(dir / "out/streaming/01 - Alpha.flac") != hard);
    }
}

TEST(HostileOutputFolder, TheManifestOrAnImpulseResponseWhereLacquerWritesIsRefused) {
    {
        // The manifest is out/report.md; the folder is lacquer's (an earlier render's report.json).
        const auto dir = test::scratchDir() / "manifest";
        writeMix(dir / "mixes/a.wav", 1.0);
        writeText(dir / "out/report.md", manifestText("  - { file: ../mixes/a.wav, title: A }\n"));
        writeText(dir / "out/report.json", R"({"lacquer_version": "0", "manifest_sha256": "", "variants": {}})");
        const auto before = snapshot(dir);
        std::string out;
        EXPECT_EQ(runCommand(cli() + " render " + q(dir / "out/report.md") + " --out " + q(dir / "out") + " --force", &out), 2);
        EXPECT_EQ(out, "error: " + (dir / "out/report.md").string() +
                           ": is the manifest, where this render would write its output; lacquer never writes over its "
                           "inputs — move the input out of the output folder, or choose another --out\n");
        EXPECT_EQ(snapshot(dir), before);
    }
    {
        const auto dir = test::scratchDir() / "ir";
        writeMix(dir / "mixes/a.wav", 1.0);
        fs::create_directories(dir / "out/streaming");
        test::writeAudio(dir / "out/streaming/01 - A.flac", test::musicNoise(0.5, 48000, 2, 4), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
        writeText(dir / "album.yaml",
                  manifestText("  - { file: mixes/a.wav, title: A, chain: { reverb: { ir: 'out/streaming/01 - A.flac', mix: 0.1 } } }\n"));
        const auto before = snapshot(dir);
        std::string out;
        EXPECT_EQ(render(dir, &out, "--force"), 2);
        EXPECT_EQ(out, "error: " + (dir / "out/streaming/01 - A.flac").string() +
                           ": is the impulse response of track 1, where this render would write its output; lacquer never "
                           "writes over its inputs — move the input out of the output folder, or choose another --out\n");
        EXPECT_EQ(snapshot(dir), before);
    }
}

// ---- only what lacquer recorded is replaced ------------------------------------------------

TEST(HostileOutputFolder, AForeignFileWhereAMasterWouldGoIsRefusedWithForceAndLeftAlone) {
    const auto dir = twoTrackAlbum();
    writeText(dir / "out/streaming/02 - Beta.flac", "the user's own file");
    writeText(dir / "out/notes.txt", "notes");
    const auto before = snapshot(dir);
    std::string out;
    EXPECT_EQ(render(dir, &out, "--force"), 2);
    EXPECT_EQ(out, "error: " + (dir / "out/streaming/02 - Beta.flac").string() +
                       ": is a file lacquer did not write, where this render would write one of its files — move it away "
                       "or choose another --out (--force never replaces files lacquer did not write)\n");
    EXPECT_EQ(snapshot(dir), before);
    // A user's report.md in a folder lacquer never rendered into is refused the same way.
    fs::remove(dir / "out/streaming/02 - Beta.flac");
    writeText(dir / "out/report.md", "my own report");
    const auto before2 = snapshot(dir);
    EXPECT_EQ(render(dir, &out, "--force"), 2);
    EXPECT_NE(out.find("report.md: is a file lacquer did not write"), std::string::npos) << out;
    EXPECT_EQ(snapshot(dir), before2);
}

TEST(HostileOutputFolder, AFolderOrAFileInTheWayOfAVariantFolderIsRefused) {
    const auto dir = twoTrackAlbum();
    writeText(dir / "out/streaming", "a file named like the variant");
    const auto before = snapshot(dir);
    std::string out;
    EXPECT_EQ(render(dir, &out, "--force"), 2);
    EXPECT_EQ(out, "error: " + (dir / "out/streaming").string() +
                       ": is a file where this render needs a folder — move it away or choose another --out (lacquer "
                       "replaces only files it wrote)\n");
    EXPECT_EQ(snapshot(dir), before);
    fs::remove(dir / "out/streaming");
    fs::create_directories(dir / "out/streaming/01 - Alpha.flac");
    EXPECT_EQ(render(dir, &out, "--force"), 2);
    EXPECT_EQ(out, "error: " + (dir / "out/streaming/01 - Alpha.flac").string() +
                       ": is a folder where this render would write a file — move it away or choose another --out\n");
}

TEST(HostileOutputFolder, FilesAnUnfinishedRenderJournaledAreLacquersAndAreReplaced) {
    // A render killed after writing a master leaves it with no report.json to record it; the lock
    // file's journal does. Here the journal is written as the render writes it.
    const auto dir = twoTrackAlbum();
    writeText(dir / "out/.lacquer.lock", "lacquer render journal 1\nreport.html\nreport.json\nreport.md\nold/01 - Gone.flac\n"
                                         "streaming/01 - Alpha.flac\nstreaming/02 - Beta.flac\n");
    writeText(dir / "out/streaming/01 - Alpha.flac", "half a render");
    writeText(dir / "out/old/01 - Gone.flac", "a master of a variant since removed");
    // What SIGKILL leaves: AtomicFile's temporary beside the file it was to become. A hidden file
    // of the user's, named otherwise, stays.
    writeText(dir / "out/streaming/.02 - Beta.flac.part-99999-0", "a killed render's temporary");
    writeText(dir / "out/streaming/.user-notes", "the user's");
    const auto inputs = snapshot(dir / "mixes");
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"),
              (std::vector<std::string>{"report.html", "report.json", "report.md", "streaming/.user-notes",
                                        "streaming/01 - Alpha.flac", "streaming/02 - Beta.flac"}));
    EXPECT_FALSE(fs::exists(dir / "out/old"));  // emptied by the clean-up, then removed
    std::ifstream lock(dir / "out/.lacquer.lock");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(lock), {}), "");  // the journal is cleared
    EXPECT_EQ(snapshot(dir / "mixes"), inputs);
}

// ---- a folder rendered twice -----------------------------------------------------------------

TEST(HostileOutputFolder, ARerenderAfterATrackIsRemovedOrRenamedHoldsExactlyTheNewRender) {
    const auto dir = twoTrackAlbum();
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    writeText(dir / "out/streaming/liner notes.txt", "the user's");  // not lacquer's: must stay
    // Track 2 removed, track 1 renamed.
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha Prime }\n"));
    const auto inputs = snapshot(dir / "mixes");
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"), (std::vector<std::string>{"report.html", "report.json", "report.md",
                                                                    "streaming/01 - Alpha Prime.flac", "streaming/liner notes.txt"}));
    EXPECT_EQ(snapshot(dir / "mixes"), inputs);
    int rc = 0;
    const std::string v = verifyOut(dir, &rc);
    EXPECT_EQ(rc, 1) << v;  // only the user's file is extra
    EXPECT_EQ(lines(v).size(), 2u) << v;
    EXPECT_NE(v.find("verify: streaming/liner notes.txt: extra file not listed in report.json"), std::string::npos) << v;
    fs::remove(dir / "out/streaming/liner notes.txt");
    EXPECT_EQ(lines(verifyOut(dir, &rc)).size(), 1u);
    EXPECT_EQ(rc, 0);
}

TEST(HostileOutputFolder, ARerenderAfterAVariantIsRemovedRemovesItsFolder) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: A }\n", "",
                                               kStreaming + "  archive: { export: { format: wav, bit_depth: 32 } }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    ASSERT_TRUE(fs::exists(dir / "out/archive/01 - A.wav"));
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: A }\n"));
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftovers(dir / "out"),
              (std::vector<std::string>{"report.html", "report.json", "report.md", "streaming", "streaming/01 - A.flac"}));
}

TEST(HostileOutputFolder, AStaleMasterChangedSinceItWasWrittenIsLeftWithAWarning) {
    const auto dir = twoTrackAlbum();
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    writeText(dir / "out/streaming/02 - Beta.flac", "edited by hand after the render");
    writeText(dir / "album.yaml", manifestText("  - { file: mixes/a.wav, title: Alpha }\n"));
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_NE(out.find("warning: " + (dir / "out/streaming/02 - Beta.flac").string() +
                       ": left in place: the previous render wrote it, but it has changed since\n"),
              std::string::npos)
        << out;
    std::ifstream in(dir / "out/streaming/02 - Beta.flac");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "edited by hand after the render");
}

TEST(HostileOutputFolder, AReportListingPathsOutsideTheFolderDeletesNothingThere) {
    const auto dir = twoTrackAlbum();
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    writeText(dir / "victim.txt", "outside the output folder");
    fs::create_symlink(dir, dir / "out/link");
    // A doctored report.json: its files point out of the folder, directly and through a link.
    std::ifstream in(dir / "out/report.json");
    json r = json::parse(in);
    in.close();
    const std::string sha = sha256File(dir / "victim.txt");
    const std::vector<std::string> outside = {"../victim.txt", "link/victim.txt", (dir / "victim.txt").string(),
                                              "streaming/../../victim.txt"};
    for (const auto& p : outside)
        r["variants"]["streaming"]["files"].push_back({{"path", p}, {"sha256", sha}});
    writeText(dir / "out/report.json", r.dump(2));
    const auto before = snapshot(dir / "mixes");
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_TRUE(fs::exists(dir / "victim.txt"));
    EXPECT_EQ(snapshot(dir / "mixes"), before);
}

TEST(HostileOutputFolder, EveryFileARenderWritesWasCheckedBeforeTheRenderBegan) {
    // The rules are applied to plannedOutputs() before any audio is processed; a file written
    // outside that list would escape them. A FLAC, a CD and a vinyl variant write every kind of
    // file lacquer makes (tracks, album.wav/.cue, DDP, sides, reports).
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 4.5, 1);
    writeMix(dir / "mixes/b.wav", 4.5, 2);
    writeText(dir / "album.yaml",
              manifestText("  - { file: mixes/a.wav, title: Alpha }\n  - { file: mixes/b.wav, title: Beta }\n", "",
                           kStreaming + "  cd: { export: { format: cd } }\n  vinyl: { disc: 12in-33, export: { format: wav } }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    const AlbumPlan plan = manifest::load(dir / "album.yaml");
    std::vector<const VariantPlan*> variants;
    for (const auto& v : plan.variants) variants.push_back(&v);
    const auto planned = render::plannedOutputs(plan, variants);
    const std::set<std::string> plannedSet(planned.begin(), planned.end());
    std::ifstream in(dir / "out/report.json");
    const auto written = render::writtenFiles(json::parse(in));
    EXPECT_GE(written.size(), 3u + 2 + 2 + 2 + 5 + 2 + 1);  // reports, tracks ×3 variants, CD image, DDP, a side
    for (const auto& w : written) EXPECT_TRUE(plannedSet.count(w)) << w << " was written but not checked first";
    for (const auto& f : leftoverFiles(dir / "out")) EXPECT_TRUE(plannedSet.count(f)) << f;
}

}  // namespace
}  // namespace lacquer::hostile
