// SPDX-License-Identifier: GPL-3.0-or-later
// CD layout, CUE text, Latin-1 conversion and Red Book checks (pure functions).
#include "lacquer/delivery/cd.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lacquer;
using namespace lacquer::delivery;

namespace {

bool anyContains(const std::vector<Diagnostic>& ds, const std::string& text) {
    return std::any_of(ds.begin(), ds.end(),
                       [&](const Diagnostic& d) { return d.line().find(text) != std::string::npos; });
}

std::string allLines(const std::vector<Diagnostic>& ds) {
    std::string s;
    for (const auto& d : ds) s += d.line() + "\n";
    return s;
}

constexpr std::size_t kLeadFrames = 150 * 588;  // 2 s at 44.1 kHz

}  // namespace

TEST(CdFrames, SectorIs588FramesAnd75PerSecond) {
    EXPECT_EQ(kFramesPerSector * kSectorsPerSecond, 44100);
    EXPECT_EQ(kBytesPerSector, 588 * 2 * 2);
}

TEST(CdFrames, MsfFormatsMinutesSecondsAndSectors) {
    EXPECT_EQ(msf(0), "00:00:00");
    EXPECT_EQ(msf(150), "00:02:00");
    EXPECT_EQ(msf(74), "00:00:74");
    EXPECT_EQ(msf(75), "00:01:00");
    EXPECT_EQ(msf((79 * 60 + 57) * 75 + 74), "79:57:74");
    EXPECT_EQ(msf(100 * 60 * 75), "100:00:00");
}

TEST(CdFrames, ParseMsfInvertsMsfAndRejectsBadFields) {
    for (std::int64_t s : {0LL, 1LL, 74LL, 75LL, 4499LL, 359774LL}) EXPECT_EQ(parseMsf(msf(s)), s) << s;
    EXPECT_FALSE(parseMsf("00:60:00"));
    EXPECT_FALSE(parseMsf("00:00:75"));
    EXPECT_FALSE(parseMsf("00:00"));
    EXPECT_FALSE(parseMsf("0a:00:00"));
    EXPECT_FALSE(parseMsf("00::00"));
}

TEST(CdFrames, BoundariesRoundTheRightWay) {
    EXPECT_EQ(sectorAtOrBefore(587), 0);
    EXPECT_EQ(sectorAtOrBefore(588), 1);
    EXPECT_EQ(sectorAtOrAfter(1), 1);
    EXPECT_EQ(sectorAtOrAfter(588), 1);
    EXPECT_EQ(sectorAtOrAfter(589), 2);
}

TEST(CdLayout, TrackOneHasTheTwoSecondLeadIn) {
    const CdLayout l = cdLayout({0}, {44100 * 10}, 44100 * 10);
    ASSERT_EQ(l.tracks.size(), 1u);
    EXPECT_EQ(l.tracks[0].index00, 0);
    EXPECT_EQ(l.tracks[0].index01, 150);
    EXPECT_EQ(l.leadOutSector, 150 + 750);
    EXPECT_EQ(l.padFrames, 0u);
}

TEST(CdLayout, StartsRoundDownSoNoTrackLosesAudio) {
    // Track 2 starts at an arbitrary frame after a 1.5 s gap; track 3 at the start of a crossfade.
    const std::size_t len1 = 44100 * 5 + 123, gap = 66150, len2 = 44100 * 6 + 7, xfade = 44100;
    const std::size_t m2 = len1 + gap, m3 = m2 + len2 - xfade, len3 = 44100 * 5 + 300;
    const std::size_t total = m3 + len3;
    const CdLayout l = cdLayout({0, m2, m3}, {len1, len2, len3}, total);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& t = l.tracks[i];
        const std::size_t first = kLeadFrames + std::vector<std::size_t>{0, m2, m3}[i];
        EXPECT_LE(t.fileStartFrame(), first) << "track " << i + 1 << " would lose its first frames";
        // shifted by less than one sector (588 frames), by the rule
        EXPECT_LT(first - t.fileStartFrame(), 588u) << "track " << i + 1;
        EXPECT_EQ(static_cast<std::int64_t>(first - t.fileStartFrame()), t.shiftFrames);
    }
    // The gap before track 2 becomes its pregap, starting at or after the end of track 1's audio.
    ASSERT_TRUE(l.tracks[1].index00);
    EXPECT_GE(*l.tracks[1].index00 * 588, static_cast<std::int64_t>(kLeadFrames + len1));
    EXPECT_LT(*l.tracks[1].index00, l.tracks[1].index01);
    // A crossfade has no pregap.
    EXPECT_FALSE(l.tracks[2].index00);
    // The programme ends on a sector boundary with the timeline padded, never cut.
    EXPECT_EQ(l.programmeFrames() % 588, 0u);
    EXPECT_EQ(l.programmeFrames(), kLeadFrames + total + l.padFrames);
    EXPECT_LT(l.padFrames, 588u);
    EXPECT_EQ(l.tracks[2].endSector, l.leadOutSector);
}

TEST(CdLayout, GapShorterThanASectorGetsNoIndex00) {
    // 300-frame gap: rounding the pregap start up reaches the rounded-down start.
    const std::size_t len1 = 44100 * 5, m2 = len1 + 300;
    const CdLayout l = cdLayout({0, m2}, {len1, 44100 * 5}, m2 + 44100 * 5);
    EXPECT_FALSE(l.tracks[1].index00);
}

TEST(CdLayout, ProgrammeAndSplitReassembleTheTimeline) {
    AudioBuffer tl(2, 44100 * 9 + 17, 44100);
    for (std::size_t i = 0; i < tl.frames(); ++i) {
        tl.samples[0][i] = static_cast<float>(i % 1000) / 1000.0f;
        tl.samples[1][i] = -static_cast<float>(i % 777) / 777.0f;
    }
    const CdLayout l = cdLayout({0, 44100 * 4 + 5}, {44100 * 4, 44100 * 5 + 12}, tl.frames());
    const AudioBuffer prog = cdProgramme(tl, l);
    ASSERT_EQ(prog.frames(), l.programmeFrames());
    for (std::size_t i = 0; i < kLeadFrames; ++i) ASSERT_EQ(prog.samples[0][i], 0.0f);
    for (std::size_t i = 0; i < tl.frames(); ++i)
        ASSERT_EQ(prog.samples[1][kLeadFrames + i], tl.samples[1][i]);
    for (std::size_t i = kLeadFrames + tl.frames(); i < prog.frames(); ++i)
        ASSERT_EQ(prog.samples[0][i], 0.0f);
    const auto files = splitCdProgramme(prog, l);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].frames() + files[1].frames() + kLeadFrames, prog.frames());
    EXPECT_EQ(files[1].samples[0].front(), prog.samples[0][l.tracks[1].fileStartFrame()]);
    EXPECT_EQ(files[1].samples[1].back(), prog.samples[1].back());
}

TEST(Latin1, KeepsLatin1AndReplacesTheRestWithAWarningList) {
    const Latin1Text a = toLatin1(
        "Caf\xc3\xa9 \xc3\x9c"
        "ber");  // Café Über
    EXPECT_EQ(a.bytes,
              "Caf\xe9 \xdc"
              "ber");
    EXPECT_TRUE(a.replaced.empty());
    // “Hi” — ΩΩ…
    const Latin1Text b = toLatin1("\xe2\x80\x9cHi\xe2\x80\x9d \xe2\x80\x94 \xce\xa9\xce\xa9\xe2\x80\xa6");
    EXPECT_EQ(b.bytes, "\"Hi\" - ??...");
    EXPECT_EQ(b.replaced.size(), 5u);  // “ ” — Ω …, the second Ω not listed again
    EXPECT_EQ(latin1ToUtf8(a.bytes),
              "Caf\xc3\xa9 \xc3\x9c"
              "ber");
    const Latin1Text c = toLatin1("bad\xff");
    EXPECT_TRUE(c.invalidUtf8);
    EXPECT_EQ(c.bytes, "bad?");
    EXPECT_EQ(toLatin1("a\tb").bytes, "a b");
}

TEST(CueSheet, HasEveryFieldInTheRedBookOrder) {
    const CdLayout l = cdLayout({0, 44100 * 6}, {44100 * 5, 44100 * 5}, 44100 * 11);
    CdDiscMeta disc{"Night \"Drive\"", "The Demo Band", "A. Writer", "012345678905"};
    std::vector<CdTrackMeta> tracks{{"Intro", "The Demo Band", "", "gb-aye-26-00001"},
                                    {"Caf\xc3\xa9", "Guest", "B. Writer", "GBAYE2600002"}};
    const std::string cue = cueSheet(l, disc, tracks, {"album.wav", CueEncoding::Latin1, "lacquer test"});
    const std::string expected =
        "REM COMMENT \"lacquer test\"\r\n"
        "CATALOG 0012345678905\r\n"
        "TITLE \"Night 'Drive'\"\r\n"
        "PERFORMER \"The Demo Band\"\r\n"
        "SONGWRITER \"A. Writer\"\r\n"
        "FILE \"album.wav\" WAVE\r\n"
        "  TRACK 01 AUDIO\r\n"
        "    TITLE \"Intro\"\r\n"
        "    PERFORMER \"The Demo Band\"\r\n"
        "    ISRC GBAYE2600001\r\n"
        "    INDEX 00 00:00:00\r\n"
        "    INDEX 01 00:02:00\r\n"
        "  TRACK 02 AUDIO\r\n"
        "    TITLE \"Caf\xe9\"\r\n"
        "    PERFORMER \"Guest\"\r\n"
        "    SONGWRITER \"B. Writer\"\r\n"
        "    ISRC GBAYE2600002\r\n"
        "    INDEX 00 00:07:00\r\n"
        "    INDEX 01 00:08:00\r\n";
    EXPECT_EQ(cue, expected);
    const std::string utf8 = cueSheet(l, disc, tracks, {"album.wav", CueEncoding::Utf8, ""});
    EXPECT_NE(utf8.find("TITLE \"Caf\xc3\xa9\""), std::string::npos);
}

TEST(RedBook, AValidDiscPasses) {
    const CdLayout l = cdLayout({0, 44100 * 6}, {44100 * 5, 44100 * 5}, 44100 * 11);
    const auto r = checkRedBook(l, {"T", "P", "", "0012345678905"},
                                {{"a", "P", "", "GBAYE2600001"}, {"b", "P", "", ""}});
    EXPECT_TRUE(r.ok()) << allLines(r.errors);
    EXPECT_TRUE(r.warnings.empty()) << allLines(r.warnings);
}

TEST(RedBook, NoTracksIsAnError) {
    const auto r = checkRedBook(cdLayout({}, {}, 0), {}, {});
    EXPECT_TRUE(anyContains(r.errors, "at least 1 track")) << allLines(r.errors);
}

TEST(RedBook, MoreThan99TracksIsAnError) {
    std::vector<std::size_t> marks, lens;
    for (int i = 0; i < 100; ++i) {
        marks.push_back(static_cast<std::size_t>(i) * 44100 * 5);
        lens.push_back(44100 * 5);
    }
    const auto r = checkRedBook(cdLayout(marks, lens, 100 * 44100 * 5), {}, std::vector<CdTrackMeta>(100));
    EXPECT_TRUE(anyContains(r.errors, "at most 99 tracks and this one has 100")) << allLines(r.errors);
}

TEST(RedBook, ATrackUnderFourSecondsIsAnError) {
    // Track 1 is 3.9 s, track 2 is 5 s; exactly 4 s (300 sectors) is allowed.
    const std::size_t l1 = static_cast<std::size_t>(44100 * 3.9);
    const auto r =
        checkRedBook(cdLayout({0, l1}, {l1, 44100 * 5}, l1 + 44100 * 5), {}, {{"Short", "", "", ""}, {}});
    ASSERT_EQ(r.errors.size(), 1u) << allLines(r.errors);
    EXPECT_TRUE(anyContains(r.errors, "track 1 \"Short\": the track lasts 00:03:67")) << allLines(r.errors);
    EXPECT_TRUE(anyContains(r.errors, "at least 4 s"));
    const auto ok = checkRedBook(cdLayout({0, 44100 * 4}, {44100 * 4, 44100 * 5}, 44100 * 9), {}, {{}, {}});
    EXPECT_TRUE(ok.ok()) << allLines(ok.errors);
}

TEST(RedBook, LengthOver7957IsAnErrorAndOver7400AWarning) {
    // 79:56 of timeline + 2 s lead-in = 79:58 > 79:57 -> error
    const std::size_t longFrames = static_cast<std::size_t>((79 * 60 + 56) * 44100);
    const auto e = checkRedBook(cdLayout({0}, {longFrames}, longFrames), {}, {{}});
    EXPECT_TRUE(anyContains(e.errors, "more than the 79:57")) << allLines(e.errors);
    // 75:00 -> warning only
    const std::size_t mid = static_cast<std::size_t>(75 * 60 * 44100);
    const auto w = checkRedBook(cdLayout({0}, {mid}, mid), {}, {{}});
    EXPECT_TRUE(w.ok()) << allLines(w.errors);
    EXPECT_TRUE(anyContains(w.warnings, "more than the nominal 74:00")) << allLines(w.warnings);
    // exactly 79:57:00 including the lead-in is still allowed
    const std::size_t edge = static_cast<std::size_t>((79 * 60 + 55) * 44100);
    EXPECT_TRUE(checkRedBook(cdLayout({0}, {edge}, edge), {}, {{}}).ok());
}

TEST(RedBook, InvalidIsrcAndCatalogAreErrors) {
    const CdLayout l = cdLayout({0}, {44100 * 5}, 44100 * 5);
    const auto r = checkRedBook(l, {"", "", "", "0012345678906"}, {{"X", "", "", "GBAYE260001"}});
    EXPECT_TRUE(anyContains(r.errors, "catalog \"0012345678906\" is not a valid EAN-13/UPC-A"))
        << allLines(r.errors);
    EXPECT_TRUE(anyContains(r.errors, "track 1 \"X\": ISRC \"GBAYE260001\" is not valid"))
        << allLines(r.errors);
}

TEST(RedBook, DuplicateIsrcIsAWarning) {
    const CdLayout l = cdLayout({0, 44100 * 5}, {44100 * 5, 44100 * 5}, 44100 * 10);
    const auto r = checkRedBook(l, {}, {{"a", "", "", "GBAYE2600001"}, {"b", "", "", "GB-AYE-26-00001"}});
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(anyContains(r.warnings, "also the ISRC of track 1")) << allLines(r.warnings);
}

TEST(RedBook, CdTextOver80CharactersIsAnErrorAndNonLatin1AWarning) {
    const CdLayout l = cdLayout({0}, {44100 * 5}, 44100 * 5);
    const std::string longTitle(81, 'x');
    const auto r = checkRedBook(l, {"Album \xce\xa9", "", "", ""}, {{longTitle, "", "", ""}});
    EXPECT_TRUE(anyContains(r.errors, "CD-TEXT TITLE has 81 characters and CD-TEXT allows at most 80"))
        << allLines(r.errors);
    EXPECT_TRUE(anyContains(r.warnings,
                            "album: CD-TEXT TITLE is not Latin-1: '\xce\xa9' replaced, it reads \"Album ?\""))
        << allLines(r.warnings);
    // 80 Latin-1 characters, some of them two UTF-8 bytes, are fine
    std::string eighty;
    for (int i = 0; i < 40; ++i) eighty += "a\xc3\xa9";
    EXPECT_TRUE(checkRedBook(l, {}, {{eighty, "", "", ""}}).ok());
}

TEST(RedBook, TooMuchCdTextForOneBlockIsAnError) {
    // 99 tracks x 3 fields x 80 characters = about 2000 packs, far over 256
    std::vector<std::size_t> marks, lens;
    std::vector<CdTrackMeta> meta;
    for (int i = 0; i < 99; ++i) {
        marks.push_back(static_cast<std::size_t>(i) * 44100 * 5);
        lens.push_back(44100 * 5);
        meta.push_back({std::string(80, 't'), std::string(80, 'p'), std::string(80, 's'), ""});
    }
    const auto r = checkRedBook(cdLayout(marks, lens, 99 * 44100 * 5), {}, meta);
    EXPECT_TRUE(anyContains(r.errors, "one block holds at most 256")) << allLines(r.errors);
}

TEST(RedBook, AudioMustBe44k1StereoSixteenBit) {
    AudioBuffer ok(2, 100, 44100);
    ok.samples[0][3] = 5.0f / 32768.0f;
    EXPECT_TRUE(checkCdAudio(ok).empty());
    AudioBuffer bad(1, 100, 48000);
    bad.samples[0][7] = 0.1234567f;
    const auto d = checkCdAudio(bad);
    EXPECT_TRUE(anyContains(d, "not 44100 Hz"));
    EXPECT_TRUE(anyContains(d, "not 2"));
    EXPECT_TRUE(anyContains(d, "sample 7 of channel 0 is not a 16-bit value"));
}

TEST(PqSheet, ListsLeadInIndexesAndLeadOut) {
    const CdLayout l = cdLayout({0, 44100 * 6}, {44100 * 5, 44100 * 5}, 44100 * 11);
    const auto rows = pqSheet(l, {{"One", "", "", "GBAYE2600001"}, {"Two", "", "", ""}});
    ASSERT_EQ(rows.size(), 6u);  // lead-in, 01/00, 01/01, 02/00, 02/01, lead-out
    EXPECT_EQ(rows[0].track, 0);
    EXPECT_EQ(rows[1].isrc, "GBAYE2600001");
    EXPECT_EQ(rows[2].msf, "00:02:00");
    EXPECT_EQ(rows[5].track, kLeadOutTrack);
    EXPECT_EQ(rows[5].sector, l.leadOutSector);
    const std::string md = pqSheetMarkdown(rows);
    EXPECT_NE(md.find("| AA | 01 | " + msf(l.leadOutSector)), std::string::npos) << md;
}
