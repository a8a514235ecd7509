// SPDX-License-Identifier: GPL-3.0-or-later
// The CD files checked by tools we did not write: flac's CUE linter, cuetools' cueconvert with
// cdrdao's toc-info, shntool's splitter, and md5sum for the DDP checksums.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>

#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/ddp.hpp"
#include "lacquer/dither/quantiser.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/sequence/timeline.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

using namespace lacquer;
using namespace lacquer::delivery;
namespace fs = std::filesystem;

namespace {

struct Album {
    sequence::Timeline timeline;
    std::vector<std::size_t> trackFrames;
    CdLayout layout;
    AudioBuffer programme;  // quantised to 16 bits
    CdDiscMeta disc;
    std::vector<CdTrackMeta> tracks;
};

// Three tracks at 44.1 kHz: a 1.37 s gap after track 1, a 0.8 s crossfade from track 2 into 3,
// lengths chosen so no mark falls on a sector boundary.
Album makeAlbum() {
    Album a;
    const AudioBuffer t1 = test::musicNoise(5.3, 44100, 2, 11);
    const AudioBuffer t2 = test::musicNoise(6.1, 44100, 2, 12);
    const AudioBuffer t3 = test::musicNoise(4.9, 44100, 2, 13);
    std::vector<sequence::TrackPlacement> p(3);
    p[0].gapAfterS = 1.37;
    p[0].fadeOutS = 0.2;
    p[1].crossfadeS = 0.8;
    p[2].fadeOutS = 0.5;
    a.timeline = sequence::render({&t1, &t2, &t3}, p);
    a.trackFrames = {t1.frames(), t2.frames(), t3.frames()};
    a.layout = cdLayout(a.timeline.marks, a.trackFrames, a.timeline.audio.frames());
    a.programme = cdProgramme(a.timeline.audio, a.layout);
    dither::quantise(a.programme, 16, DitherKind::Tpdf, dither::seedFromName("cd-tools-test"));
    a.disc = {"Night Drive", "The Demo Band", "A. Writer", "0123456789012"};
    a.tracks = {{"Intro", "The Demo Band", "A. Writer", "GBAYE2600001"},
                {"Caf\xc3\xa9 \"Night\"", "The Demo Band", "", "GBAYE2600002"},
                {"Outro", "Guest", "B. Writer", "GBAYE2600003"}};
    return a;
}

void writeText(const fs::path& p, const std::string& s) {
    std::ofstream(p, std::ios::binary) << s;
}

}  // namespace

TEST(CdTools, TheAlbumLayoutHasAGapPregapAndACrossfade) {
    const Album a = makeAlbum();
    ASSERT_TRUE(checkRedBook(a.layout, a.disc, a.tracks).ok());
    EXPECT_TRUE(a.layout.tracks[1].index00);   // the gap before track 2
    EXPECT_FALSE(a.layout.tracks[2].index00);  // the crossfade into track 3
    EXPECT_GT(a.layout.tracks[1].shiftFrames, 0);
    EXPECT_GT(a.layout.tracks[2].shiftFrames, 0);
    EXPECT_TRUE(checkCdAudio(a.programme).empty());
}

TEST(CdTools, FlacAcceptsTheCueSheet) {
    const Album a = makeAlbum();
    const fs::path dir = test::scratchDir();
    test::writeAudio(dir / "album.wav", a.programme, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    const std::string cue =
        cueSheet(a.layout, a.disc, a.tracks, {"album.wav", CueEncoding::Latin1, "lacquer test"});
    writeText(dir / "album.cue", cue);
    std::string out;
    // flac's --cuesheet parser checks CD-DA rules: catalog, ISRC, 588-frame alignment, index order
    const int rc = test::runCommand(
        "cd '" + dir.string() + "' && flac -s -f -w --cuesheet=album.cue -o album.flac album.wav", &out);
    ASSERT_EQ(rc, 0) << out;
    // the linter is strict: the same sheet with a short ISRC is refused
    std::string bad = cue;
    bad.replace(bad.find("GBAYE2600002"), 12, "GBAYE26002");
    writeText(dir / "bad.cue", bad);
    std::string badOut;
    EXPECT_NE(
        test::runCommand(
            "cd '" + dir.string() + "' && flac -s -f -w --cuesheet=bad.cue -o bad.flac album.wav", &badOut),
        0);
    EXPECT_NE(badOut.find("invalid ISRC"), std::string::npos) << badOut;
    out.clear();
    ASSERT_EQ(
        test::runCommand("metaflac --export-cuesheet-to=- '" + (dir / "album.flac").string() + "'", &out), 0)
        << out;
    EXPECT_NE(out.find("CATALOG 0123456789012"), std::string::npos) << out;
    EXPECT_NE(out.find("ISRC GBAYE2600002"), std::string::npos) << out;
    EXPECT_NE(out.find("INDEX 01 00:02:00"), std::string::npos) << out;
    EXPECT_NE(out.find("INDEX 01 " + msf(a.layout.tracks[2].index01)), std::string::npos) << out;
}

TEST(CdTools, CueconvertTocPassesCdrdaoTocInfo) {
    const Album a = makeAlbum();
    const fs::path dir = test::scratchDir();
    test::writeAudio(dir / "album.wav", a.programme, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    writeText(dir / "album.cue", cueSheet(a.layout, a.disc, a.tracks));
    std::string out;
    ASSERT_EQ(
        test::runCommand("cd '" + dir.string() + "' && cueconvert -i cue -o toc album.cue album.toc", &out),
        0)
        << out;
    out.clear();
    const int rc = test::runCommand("cd '" + dir.string() + "' && cdrdao toc-info album.toc", &out);
    ASSERT_EQ(rc, 0) << out;
    // cdrdao sums the tracks it read from the TOC: three tracks, the whole programme's sectors
    EXPECT_NE(out.find("album.toc: 3 tracks, length " + msf(a.layout.leadOutSector) + ", " +
                       std::to_string(a.layout.leadOutSector) + " blocks"),
              std::string::npos)
        << out;
}

TEST(CdTools, ShntoolSplitReproducesOurTrackFilesBitForBit) {
    const Album a = makeAlbum();
    const fs::path dir = test::scratchDir();
    test::writeAudio(dir / "album.wav", a.programme, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    writeText(dir / "album.cue", cueSheet(a.layout, a.disc, a.tracks));
    std::string out;
    const int rc =
        test::runCommand("cd '" + dir.string() +
                             "' && mkdir -p split && shntool split -q -f album.cue -d split -o wav album.wav",
                         &out);
    ASSERT_EQ(rc, 0) << out;
    const auto ours = splitCdProgramme(a.programme, a.layout);
    for (std::size_t i = 0; i < ours.size(); ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "split-track%02zu.wav", i + 1);
        ASSERT_TRUE(fs::exists(dir / "split" / name)) << name;
        const AudioBuffer theirs = io::decode(dir / "split" / name);
        ASSERT_EQ(theirs.frames(), ours[i].frames()) << name;
        for (int c = 0; c < 2; ++c)
            ASSERT_TRUE(theirs.samples[static_cast<std::size_t>(c)] ==
                        ours[i].samples[static_cast<std::size_t>(c)])
                << name << " channel " << c << " differs";
    }
}

TEST(CdTools, DdpChecksumsVerifyWithMd5sum) {
    const Album a = makeAlbum();
    const fs::path dir = test::scratchDir() / "DDP";
    const DdpFileset set = writeDdp(dir, a.programme, a.layout, a.disc, a.tracks, {"LACQUER-TEST", true});
    EXPECT_EQ(set.files.back(), "CHECKSUM.MD5");
    std::string out;
    ASSERT_EQ(test::runCommand("cd '" + dir.string() + "' && md5sum -c CHECKSUM.MD5", &out), 0) << out;
    for (const char* f : {"DDPID: OK", "DDPMS: OK", "CDTEXT.BIN: OK", "PQDESCR: OK", "IMAGE.DAT: OK"})
        EXPECT_NE(out.find(f), std::string::npos) << out;
    // a changed byte is caught
    {
        std::fstream f(dir / "IMAGE.DAT", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(100000);
        f.put('\x55');
    }
    out.clear();
    EXPECT_NE(test::runCommand("cd '" + dir.string() + "' && md5sum -c --quiet CHECKSUM.MD5", &out), 0)
        << out;
}
