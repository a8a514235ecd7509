// SPDX-License-Identifier: GPL-3.0-or-later
// Schema errors: every class of mistake, each message asserted in full with its line and column.
#include <gtest/gtest.h>

#include "manifest_helpers.hpp"

namespace lacquer {
namespace {

using test::manifestErrors;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// kMinimalManifest with `extra` appended (its 10 lines come first, so `extra` starts at line 11).
std::string minimalPlus(const std::string& extra) {
    return test::kMinimalManifest + extra;
}

TEST(ManifestSchema, MinimalManifestIsValid) {
    EXPECT_THAT(manifestErrors(test::kMinimalManifest), IsEmpty());
}

TEST(ManifestSchema, UnknownKeySuggestsTheClosestValidKey) {
    const std::string yaml = R"(lacquer: 1
album:
  title: Night Drive
  artist: The Demo Band
tracks:
  - file: mixes/01.wav
    title: Intro
    fade_ins: 2
    Composer: X
    fadeOutS: 1
variants:
  streaming: { export: { format: flac } }
)";
    EXPECT_THAT(manifestErrors(yaml),
                ElementsAre("album.yaml:8:5: unknown key 'fade_ins' in track — did you mean 'fade_in_s'?",
                            "album.yaml:9:5: unknown key 'Composer' in track — did you mean 'composer'?",
                            "album.yaml:10:5: unknown key 'fadeOutS' in track — did you mean 'fade_out_s'?"));
}

TEST(ManifestSchema, UnknownKeyFarFromAnyListsTheValidKeys) {
    EXPECT_THAT(manifestErrors(minimalPlus("sequence: { pause: 2 }\n")),
                ElementsAre("album.yaml:11:13: unknown key 'pause' in sequence — valid keys here: gap_s"));
    EXPECT_THAT(
        manifestErrors(minimalPlus("mastering: {}\n")),
        ElementsAre("album.yaml:11:1: unknown key 'mastering' at the top level — valid keys here: lacquer, "
                    "album, processing, chain, loudness, sequence, checks, tracks, variants"));
}

TEST(ManifestSchema, WrongTypeSaysWhatWasExpectedAndWhatCame) {
    EXPECT_THAT(
        manifestErrors(minimalPlus("loudness: { target_lufs: abc }\n")),
        ElementsAre("album.yaml:11:26: target_lufs: expected a number, got 'abc' — use a value from -40 to 0 "
                    "LUFS"));
    // An empty value is located where it should have been (at the closing brace).
    EXPECT_THAT(
        manifestErrors(minimalPlus("sequence: { gap_s: }\n")),
        ElementsAre("album.yaml:11:20: gap_s: expected a number, got nothing — use a value from 0 to 10 s"));
    EXPECT_THAT(
        manifestErrors(minimalPlus("sequence: [1, 2]\n")),
        ElementsAre("album.yaml:11:11: sequence: expected a mapping (key: value lines), got a list — write "
                    "its settings as 'key: value' lines indented under it, or as { key: value }"));
    EXPECT_THAT(
        manifestErrors(minimalPlus("processing: { sample_rate: 44.1 }\n")),
        ElementsAre("album.yaml:11:28: sample_rate: expected a whole number, got '44.1' — use a whole number "
                    "from 1 to 1000000 Hz"));
}

TEST(ManifestSchema, OutOfRangeValueGivesTheRange) {
    EXPECT_THAT(
        manifestErrors(minimalPlus("loudness: { target_lufs: -50, max_limiting_db: 21 }\n")),
        ElementsAre(
            "album.yaml:11:26: target_lufs is -50, outside -40..0 LUFS — use a value from -40 to 0 "
            "LUFS",
            "album.yaml:11:48: max_limiting_db is 21, outside 0..20 dB — use a value from 0 to 20 dB"));
    EXPECT_THAT(
        manifestErrors(minimalPlus("chain: { stereo: { mono_below_hz: 10 } }\n")),
        ElementsAre("album.yaml:11:35: mono_below_hz is 10, outside 20..500 Hz (or 0 = off) — use 0 (off) or "
                    "a value from 20 to 500 Hz"));
}

TEST(ManifestSchema, ChoiceSuggestsTheClosestWord) {
    EXPECT_THAT(
        manifestErrors(minimalPlus("chain:\n  eq:\n    - { type: bel, freq_hz: 100, gain_db: 1 }\n")),
        ElementsAre(
            "album.yaml:13:15: type 'bel' is not one of highpass, lowpass, lowshelf, highshelf, bell, "
            "notch or tilt — did you mean 'bell'?"));
    EXPECT_THAT(
        manifestErrors(minimalPlus("loudness: { mode: everything }\n")),
        ElementsAre("album.yaml:11:19: mode 'everything' is not one of album or track — use one of those"));
}

TEST(ManifestSchema, MissingRequiredKeysAreReportedAtTheParentMapping) {
    const std::string yaml = R"(lacquer: 1
album:
  artist: The Demo Band
tracks:
  - file: mixes/01.wav
  - title: Two
variants:
  streaming: { loudness: { target_lufs: -14 } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:3:3: missing required key 'title' in album — add 'title: ...'",
                    "album.yaml:5:5: missing required key 'title' in track — add 'title: ...'",
                    "album.yaml:6:5: missing required key 'file' in track — add 'file: ...'",
                    "album.yaml:8:14: missing required key 'export' in variant 'streaming' — add 'export: { "
                    "format: flac }' (flac, wav or cd)"));
    EXPECT_THAT(
        manifestErrors("album: { title: A, artist: B }\n"),
        ElementsAre(
            "album.yaml:1:1: missing required key 'lacquer' at the top level — add 'lacquer: 1' as the "
            "first line (the manifest format version)",
            "album.yaml:1:1: missing required key 'tracks' at the top level — add a tracks: list with "
            "one '- file: ..., title: ...' entry per track",
            "album.yaml:1:1: missing required key 'variants' at the top level — add a variants: block, "
            "e.g. streaming: { export: { format: flac } }"));
}

TEST(ManifestSchema, OnlyFormatVersionOneIsRead) {
    std::string yaml = test::kMinimalManifest;
    yaml.replace(0, 10, "lacquer: 2");
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:1:10: manifest format version 2 is not supported — this lacquer reads version "
            "1; write 'lacquer: 1'"));
}

TEST(ManifestSchema, CatalogCheckDigitIsVerified) {
    const std::string yaml = R"(lacquer: 1
album:
  title: Night Drive
  catalog: "0123456789013"
  artist: The Demo Band
tracks: [ { file: a.wav, title: A } ]
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:4:12: catalog '0123456789013' fails the EAN-13 check digit (expected 2) — "
                    "check the barcode (EAN-13 or UPC-A) against the label's paperwork"));
    std::string upc = yaml;
    upc.replace(upc.find("\"0123456789013\""), 15, "036000291453");
    EXPECT_THAT(
        manifestErrors(upc),
        ElementsAre(
            "album.yaml:4:12: catalog '036000291453' fails the UPC-A check digit (expected 2) — check "
            "the barcode (EAN-13 or UPC-A) against the label's paperwork"));
    std::string shortOne = yaml;
    shortOne.replace(shortOne.find("\"0123456789013\""), 15, "12345");
    EXPECT_THAT(
        manifestErrors(shortOne),
        ElementsAre(
            "album.yaml:4:12: catalog '12345' is malformed: it has 5 digits; an EAN-13 has 13, a UPC-A "
            "12 — check the barcode (EAN-13 or UPC-A) against the label's paperwork"));
}

TEST(ManifestSchema, MalformedIsrcSaysWhichPartIsWrong) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks:
  - { file: a.wav, title: A, isrc: GB-AYE-26-0001 }
  - { file: b.wav, title: B, isrc: 12AYE2600001 }
  - { file: c.wav, title: C, isrc: GBAYE26000X1 }
variants: { streaming: { export: { format: flac } } }
)";
    const std::string todo = " — copy the ISRC exactly as issued (CC-XXX-YY-NNNNN, e.g. GB-AYE-26-00001)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:4:36: isrc 'GB-AYE-26-0001' is malformed: it has 11 characters, an ISRC has "
            "12 (CC-XXX-YY-NNNNN)" +
                todo,
            "album.yaml:5:36: isrc '12AYE2600001' is malformed: the first 2 characters (country code) "
            "must be letters" +
                todo,
            "album.yaml:6:36: isrc 'GBAYE26000X1' is malformed: the last 7 characters (year and "
            "designation code) must be digits" +
                todo));
}

TEST(ManifestSchema, DuplicateIsrcAcrossTracksIsRefused) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks:
  - { file: a.wav, title: A, isrc: GBAYE2600001 }
  - { file: b.wav, title: B, isrc: gb-aye-26-00001 }
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:5:36: isrc GBAYE2600001 is also track 1's (line 4) — every track needs its own "
            "ISRC"));
}

TEST(ManifestSchema, CrossfadeOnTheLastTrackIsRefused) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks:
  - { file: a.wav, title: A, crossfade_s: 2 }
  - { file: b.wav, title: B, crossfade_s: 3 }
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:5:43: crossfade_s is set on the last track, which has no next track — remove "
                    "it; use fade_out_s to end the album"));
}

TEST(ManifestSchema, GapAfterAndCrossfadeOnOneTrackConflict) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks:
  - { file: a.wav, title: A, crossfade_s: 2, gap_after_s: 1 }
  - { file: b.wav, title: B }
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:4:46: gap_after_s and crossfade_s are both set; a crossfade has no gap — "
                    "remove one of them"));
}

TEST(ManifestSchema, EqBandChecksApplyPerType) {
    const std::string yaml = minimalPlus(R"(processing: { sample_rate: 44100 }
chain:
  eq:
    - { type: highpass, freq_hz: 20, slope_db_oct: 20, gain_db: 3 }
    - { type: bell, freq_hz: 1000 }
    - { type: lowpass, freq_hz: 23000 }
    - { type: tilt, freq_hz: 5, gain_db: 1, q: 2 }
)");
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:14:52: slope_db_oct 20 is not a multiple of 6 — use 6, 12, 18, 24, 30, 36, 42 or 48 "
            "dB/oct",
            "album.yaml:14:56: gain_db does not apply to a highpass band — remove it; a pass filter only "
            "cuts",
            "album.yaml:15:7: missing required key 'gain_db' in eq band — a bell band needs 'gain_db:' "
            "(-24..24 "
            "dB)",
            "album.yaml:16:33: freq_hz 23000 Hz is not below 22050 Hz, the Nyquist frequency of the "
            "processing "
            "rate 44100 Hz — lower it, or raise processing.sample_rate",
            "album.yaml:17:30: freq_hz is 5, outside 10..24000 Hz — use a value from 10 to 24000 Hz",
            "album.yaml:17:45: q does not apply to a tilt band — remove it"));
}

TEST(ManifestSchema, MultibandNeedsOneBandMoreThanCrossoversInAscendingOrder) {
    const std::string yaml = minimalPlus(R"(chain:
  multiband:
    crossovers_hz: [1000, 120]
    bands: [ {}, { ratio: 30 } ]
  reverb: { ir: room.wav, mix: 0.1, wet_lowcut_hz: 5000, wet_highcut_hz: 300 }
)");
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:13:27: crossovers_hz must ascend: 120 follows 1000 — list the crossover "
            "frequencies from low to high",
            "album.yaml:14:27: ratio is 30, outside 1..20 — use a value from 1 to 20",
            "album.yaml:15:74: wet_highcut_hz 300 Hz is not above wet_lowcut_hz 5000 Hz — the wet band "
            "runs from the low cut up to the high cut; swap or fix them"));
    const std::string counted = minimalPlus(R"(chain:
  multiband: { crossovers_hz: [120, 1000], bands: [ {}, {} ] }
)");
    EXPECT_THAT(
        manifestErrors(counted),
        ElementsAre(
            "album.yaml:12:51: multiband has 2 crossovers, so bands needs 3 entries, got 2 — give one "
            "band per frequency range (crossovers + 1)"));
}

TEST(ManifestSchema, LimiterCannotBeSetPerTrack) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks:
  - file: a.wav
    title: A
    chain: { limiter: { ceiling_dbtp: -2 } }
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:6:14: the limiter cannot be set per track — it runs over the whole album "
                    "timeline: set it in the album chain or in a variant"));
}

TEST(ManifestSchema, VariantNamesMustBeFolderNames) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks: [ { file: a.wav, title: A } ]
variants:
  "..": { export: { format: flac } }
  hi/res: { export: { format: flac } }
  CD: { export: { format: cd } }
  cd: { export: { format: cd } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:5:3: variant name '..' cannot be a folder name — use only letters, digits, "
            "'.', '_' and '-' (it names the output folder)",
            "album.yaml:6:3: variant name 'hi/res' cannot be a folder name — use only letters, digits, "
            "'.', '_' and '-' (it names the output folder)",
            "album.yaml:8:3: variant 'cd' differs from 'CD' (line 7) only in case — rename one: both "
            "would write the same folder on case-insensitive file systems"));
    EXPECT_THAT(
        manifestErrors(R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks: [ { file: a.wav, title: A } ]
variants: {}
)"),
        ElementsAre(
            "album.yaml:4:11: variants is empty — add at least one variant, e.g. streaming: { export: "
            "{ format: flac } }"));
}

TEST(ManifestSchema, SidesNameEachExistingTrackAtMostOnce) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks: [ { file: a.wav, title: A }, { file: b.wav, title: B }, { file: c.wav, title: C } ]
variants:
  vinyl:
    sides: { A: [1, 2], B: [2, 3, 4] }
    export: { format: wav }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:6:29: track 2 is already on side A (line 6) — put each track on one side only",
            "album.yaml:6:35: side B: there is no track 4 (the album has 3) — use the track numbers of "
            "the running order, from 1"));
}

TEST(ManifestSchema, ExportFormatsAndTheirLimits) {
    const std::string yaml = R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band }
tracks: [ { file: a.wav, title: A } ]
variants:
  cd: { export: { format: cd, sample_rate: 48000, bit_depth: 24 } }
  hires: { export: { format: flac, sample_rate: 44000, bit_depth: 32 } }
  lossy: { preset: streaming, export: { format: ogg, dither: tpfd } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:5:44: a cd export is 44100 Hz, not 48000 Hz — remove sample_rate or set it to "
            "44100 (Red Book)",
            "album.yaml:5:62: a cd export is 16 bit, not 24 — remove bit_depth or set it to 16 (Red "
            "Book)",
            "album.yaml:6:49: sample_rate 44000 Hz is not supported — use 44100, 48000, 88200, 96000, "
            "176400 or 192000",
            "album.yaml:6:67: bit_depth 32 (float) is only available for wav — use 16 or 24, or format: "
            "wav",
            "album.yaml:7:49: format 'ogg' is not one of flac, wav, cd, mp3 or aac — use one of those",
            "album.yaml:7:62: dither 'tpfd' is not one of none, tpdf or shaped — did you mean 'tpdf'?"));
}

TEST(ManifestSchema, AlbumFieldsAreChecked) {
    const std::string yaml = R"(lacquer: 1
album:
  title: ""
  artist: The Demo Band
  date: 14.03.2026
  cover: cover.bmp
  disc_number: 3
  disc_total: 2
tracks: [ { file: a.wav, title: A } ]
variants: { streaming: { export: { format: flac } } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:3:10: title is empty — write the text or remove the key",
            "album.yaml:5:9: date '14.03.2026' is not YYYY, YYYY-MM or YYYY-MM-DD — write the release "
            "date like \"2026\" or \"2026-03-14\"",
            "album.yaml:6:10: cover 'cover.bmp' is not a PNG or JPEG file — use a .png, .jpg or .jpeg "
            "image (players show only these as front covers)",
            "album.yaml:7:16: disc_number 3 is greater than disc_total 2 — set disc_total to the number "
            "of discs in the release"));
}

TEST(ManifestSchema, TrackCountIsOneToNinetyNine) {
    std::string yaml = "lacquer: 1\nalbum: { title: A, artist: B }\ntracks:\n";
    for (int i = 0; i < 100; ++i) yaml += "  - { file: a.wav, title: A }\n";
    yaml += "variants: { s: { export: { format: flac } } }\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:4:3: tracks has 100 entries, more than the 99 an album can hold — split the "
                    "release into several manifests (discs)"));
    EXPECT_THAT(manifestErrors("lacquer: 1\nalbum: { title: A, artist: B }\ntracks: []\n"
                               "variants: { s: { export: { format: flac } } }\n"),
                ElementsAre("album.yaml:3:9: tracks is empty — add at least one track"));
}

TEST(ManifestSchema, EveryErrorIsReportedTogetherInFileOrder) {
    const std::string yaml = R"(lacquer: 1
album:
  title: Night Drive
  artst: The Demo Band
loudness: { target_lufs: loud }
tracks:
  - file: mixes/01.wav
    title: Intro
    isrc: XX
    fade_in_s: -1
variants:
  streaming: { export: { format: flac, bit_depth: 20 } }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:3:3: missing required key 'artist' in album — add 'artist: ...'",
                    "album.yaml:4:3: unknown key 'artst' in album — did you mean 'artist'?",
                    "album.yaml:5:26: target_lufs: expected a number, got 'loud' — use a value from -40 to 0 "
                    "LUFS",
                    "album.yaml:9:11: isrc 'XX' is malformed: it has 2 characters, an ISRC has 12 "
                    "(CC-XXX-YY-NNNNN) — copy the ISRC exactly as issued (CC-XXX-YY-NNNNN, e.g. "
                    "GB-AYE-26-00001)",
                    "album.yaml:10:16: fade_in_s is -1, outside 0..300 s — use a value from 0 to 300 s",
                    "album.yaml:12:51: bit_depth 20 is not supported — use 16, 24 or 32 (32 = float WAV)"));
}

TEST(ManifestSchema, NonUtf8TextIsRefused) {
    std::string yaml = test::kMinimalManifest;
    yaml.replace(yaml.find("Intro"), 5, "Intr\xe9");  // Latin-1 é
    EXPECT_THAT(manifestErrors(yaml),
                ElementsAre("album.yaml:7:12: title is not valid UTF-8 — save the manifest as UTF-8"));
}

TEST(ManifestSchema, ControlCharactersInMessagesAreEscaped) {
    // Diagnostics are one line each: a newline inside a quoted key must not break that.
    EXPECT_THAT(
        manifestErrors(minimalPlus("\"bad\\nkey\": 1\n")),
        ElementsAre("album.yaml:11:1: unknown key 'bad\\nkey' at the top level — valid keys here: lacquer, "
                    "album, processing, chain, loudness, sequence, checks, tracks, variants"));
}

}  // namespace
}  // namespace lacquer
