// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input matrix, end to end through `lacquer render`: for every hostile manifest or input
// file, the exact one-line message, the exit code, and that nothing was written under a final
// name. Unit-level refusals (each YAML and schema error, each decoder error) are tested in
// tests/manifest and tests/io; here they are held to the CLI contract.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "hostile_support.hpp"

namespace lacquer::hostile {
namespace {

using nlohmann::json;
using test::runCommand;

json readReport(const fs::path& outDir) {
    std::ifstream in(outDir / "report.json");
    return json::parse(in);
}

// ---------------------------------------------------------------------------------------------
// Manifests

TEST(HostileManifest, OverOneMebibyteIsRefusedByRenderBeforeAnythingIsWritten) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    const std::string yaml =
        manifestText("  - { file: mixes/a.wav, title: A }\n") + "#" + std::string(1 << 20, 'x') + "\n";
    writeText(dir / "album.yaml", yaml);
    std::string out;
    EXPECT_EQ(render(dir, &out), 2);
    EXPECT_EQ(
        out,
        "error: " + (dir / "album.yaml").string() + ": the manifest is " + std::to_string(yaml.size()) +
            " bytes, over the 1048576 byte limit — a manifest is a short hand-written file; check that this "
            "is the right file\n");
    EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(HostileManifest, EveryKindOfBrokenManifestIsExitTwoWithLocatedLinesAndNoOutputFolder) {
    // One of each YAML-level and schema-level refusal, through the CLI. The messages themselves
    // are pinned in tests/manifest; here: exit 2, one "error: album.yaml:L:C:" line each, no --out.
    const std::string track = "  - { file: mixes/a.wav, title: A }\n";
    struct Case {
        const char* name;
        std::string yaml;
        std::string firstLine;  // the first line of the output, after "error: <manifest>"
    };
    const std::vector<Case> cases = {
        {"malformed", manifestText(track) + "album: [unclosed\n", ":9:1:"},
        {"duplicate key", manifestText(track) + "lacquer: 1\n",
         ":8:1: duplicate key 'lacquer' (first at line 1) — keep one of them\n"},
        {"anchor", manifestText("  - &t { file: mixes/a.wav, title: A }\n  - *t\n"), ":5:5:"},
        {"alias bomb",
         "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
             manifestText(track),
         ":1:1: unknown key 'a' at the top level"},
        {"deep nesting", manifestText(track) + "x: " + std::string(100, '[') + std::string(100, ']') + "\n",
         ":8:1: unknown key 'x'"},
        {"wrong type", manifestText("  - { file: mixes/a.wav, title: A, fade_in_s: [1] }\n"),
         ":5:47: fade_in_s: expected"},
        {"unknown key", manifestText("  - { file: mixes/a.wav, title: A, tempo: 120 }\n"),
         ":5:36: unknown key 'tempo'"},
        {"binary",
         std::string("\x7f"
                     "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
                     20),
         ":"},
    };
    const auto base = test::scratchDir();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        SCOPED_TRACE(c.name);
        const auto dir = base / std::to_string(i);
        writeMix(dir / "mixes/a.wav", 0.5);
        writeText(dir / "album.yaml", c.yaml);
        std::string out;
        EXPECT_EQ(render(dir, &out), 2) << out;
        const std::string prefix = "error: " + (dir / "album.yaml").string() + c.firstLine;
        EXPECT_EQ(out.rfind(prefix, 0), 0u) << out;
        // Every line is a diagnostic: "error: " then the manifest's path.
        std::size_t at = 0;
        while (at < out.size()) {
            EXPECT_EQ(out.compare(at, 7 + (dir / "album.yaml").string().size(),
                                  "error: " + (dir / "album.yaml").string()),
                      0)
                << out.substr(at);
            at = out.find('\n', at);
            if (at == std::string::npos) break;
            ++at;
        }
        EXPECT_FALSE(fs::exists(dir / "out")) << out;
    }
}

// ---------------------------------------------------------------------------------------------
// Input audio files

// Writes a two-track album whose second track is `bad` (a path relative to the album folder).
fs::path albumWithSecondTrack(const std::string& bad) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/good.wav", 2.0);
    writeText(
        dir / "album.yaml",
        manifestText("  - { file: mixes/good.wav, title: Good }\n  - { file: " + bad + ", title: Bad }\n"));
    return dir;
}

// The probe at manifest load refuses the file: exit 2, one line at the manifest line naming the
// file as written, and no output folder at all.
void expectRefusedAtLoad(const fs::path& dir, const std::string& file, const std::string& why) {
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    EXPECT_EQ(out, "error: " + (dir / "album.yaml").string() + ":6:13: file '" + file +
                       "' is not usable audio: " + why + "\n");
    EXPECT_FALSE(fs::exists(dir / "out")) << out;
}

// The decoder refuses the file mid-render: exit 2, one line naming the file, and no audio file,
// report or temporary in the output folder.
void expectRefusedAtDecode(const fs::path& dir, const std::string& file, const std::string& why) {
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    EXPECT_EQ(out, "error: " + (dir / file).string() + ": " + why + "\n");
    EXPECT_EQ(leftovers(dir / "out"), std::vector<std::string>{}) << out;
}

TEST(HostileInput, MissingFileIsRefusedAtLoad) {
    const auto dir = albumWithSecondTrack("mixes/none.wav");
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    EXPECT_EQ(out, "error: " + (dir / "album.yaml").string() +
                       ":6:13: file 'mixes/none.wav' does not exist (looked for " +
                       (dir / "mixes/none.wav").string() +
                       ") — check the path; relative paths start at the manifest's folder\n");
    EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(HostileInput, ZeroByteWavAndFlacAreRefusedAtLoad) {
    for (const std::string name : {"mixes/empty.wav", "mixes/empty.flac"}) {
        SCOPED_TRACE(name);
        const auto dir = albumWithSecondTrack(name);
        writeText(dir / name, "");
        expectRefusedAtLoad(dir, name, "file is empty (0 bytes) — re-export the audio file");
    }
}

TEST(HostileInput, HeaderOnlyWavIsRefusedAtLoad) {
    const auto dir = albumWithSecondTrack("mixes/header.wav");
    test::writeAudio(dir / "mixes/header.wav", AudioBuffer(2, 0, 44100), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    expectRefusedAtLoad(dir, "mixes/header.wav",
                        "holds no audio frames (header only) — re-export the audio file");
}

TEST(HostileInput, HeaderOnlyFlacIsRefusedWhenDecodedAndNothingIsWritten) {
    // "fLaC" and a STREAMINFO block promising 2 s, marked as the last metadata block, no frames.
    const auto dir = albumWithSecondTrack("mixes/header.flac");
    const auto full = dir / "full.flac";
    test::writeAudio(full, test::musicNoise(2.0, 44100), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    std::string bytes(42, '\0');
    std::ifstream(full, std::ios::binary).read(bytes.data(), 42);
    fs::remove(full);
    bytes[4] = static_cast<char>(bytes[4] | 0x80);  // last-metadata-block flag
    writeText(dir / "mixes/header.flac", bytes);
    expectRefusedAtDecode(
        dir, "mixes/header.flac",
        "truncated or corrupt: audio ends at 0:00.000 but the header promises 0:02.000 — re-export or "
        "re-copy the file");
}

TEST(HostileInput, GarbageUnderAnAudioNameIsRefusedAtLoad) {
    for (const std::string name : {"mixes/text.wav", "mixes/text.flac"}) {
        SCOPED_TRACE(name);
        const auto dir = albumWithSecondTrack(name);
        writeText(dir / name, "RIFF\x10\0\0\0WAVEjunk that is not a chunk, not audio at all");
        expectRefusedAtLoad(
            dir, name,
            "not a readable audio file (libsndfile: Format not recognised.) — use WAV, AIFF, FLAC or Ogg");
    }
}

TEST(HostileInput, FlacWithoutALengthInItsHeaderIsRefusedAtLoad) {
    // A FLAC encoded from a pipe has "total samples: 0 (unknown)" in STREAMINFO; libsndfile then
    // reports SF_COUNT_MAX frames, which decode once tried to allocate (fuzz finding).
    const auto dir = albumWithSecondTrack("mixes/streamed.flac");
    test::writeAudio(dir / "raw.wav", test::musicNoise(1.0, 44100), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    std::string out;
    // Raw PCM on stdin, FLAC on stdout: flac never learns the length. (Redirections inside the
    // braces: runCommand appends 2>&1 to the whole line, and flac warns about the MD5.)
    ASSERT_EQ(runCommand("{ tail -c +45 " + q(dir / "raw.wav") +
                             " | flac -s --force-raw-format --endian=little --sign=signed "
                             "--channels=2 --bps=16 --sample-rate=44100 -c - 2>/dev/null > " +
                             q(dir / "mixes/streamed.flac") + "; }",
                         &out),
              0)
        << out;
    expectRefusedAtLoad(
        dir, "mixes/streamed.flac",
        "does not say how long it is (no length in its header) — re-encode it into a file, e.g. ffmpeg -i "
        "in.flac fixed.flac (an encoder that can seek back records the length)");
}

TEST(HostileInput, FlacHeaderPromisingDaysOfAudioIsRefusedWithoutAllocatingThem) {
    // STREAMINFO claims 2^36 - 1 frames (the field's maximum: 18 days at 44.1 kHz) and no frame
    // follows. Decode must neither allocate that nor overflow when it says where audio ended.
    const auto dir = albumWithSecondTrack("mixes/promise.flac");
    const auto full = dir / "full.flac";
    test::writeAudio(full, test::musicNoise(1.0, 44100), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    std::string bytes(42, '\0');
    std::ifstream(full, std::ios::binary).read(bytes.data(), 42);
    fs::remove(full);
    bytes[4] = static_cast<char>(bytes[4] | 0x80);  // last metadata block
    // STREAMINFO bytes 13..17 of the file: low 4 bits of byte 21, then bytes 22..25 = total samples.
    bytes[21] = static_cast<char>(bytes[21] | 0x0f);
    for (int i = 22; i < 26; ++i) bytes[static_cast<std::size_t>(i)] = '\xff';
    writeText(dir / "mixes/promise.flac", bytes);
    expectRefusedAtDecode(
        dir, "mixes/promise.flac",
        "truncated or corrupt: audio ends at 0:00.000 but the header promises 25971:04.779 — re-export "
        "or re-copy the file");
}

TEST(HostileManifest, YamlErrorsAboutControlCharactersStayOnePrintableLine) {
    // Fuzz findings: yaml-cpp quotes the offending character (here a carriage return) in its
    // message, and anchor names may hold NUL bytes; both are escaped.
    const auto dir = test::scratchDir();
    writeText(dir / "album.yaml", "a: \"\\\r\"\n");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 2);
    EXPECT_EQ(out,
              "error: " + (dir / "album.yaml").string() +
                  ":1:7: YAML syntax error: unknown escape character: \\x0d — fix the YAML at this position "
                  "(indentation, ':' after keys, matching brackets and quotes)\n");
    writeText(dir / "album.yaml", std::string("x: &a\0b [1]\n", 13));
    EXPECT_EQ(runCommand(cli() + " validate " + q(dir / "album.yaml"), &out), 2);
    EXPECT_NE(out.find(":1:4: YAML anchor '&a\\x00b' is not allowed"), std::string::npos) << out;
}

TEST(HostileInput, TruncatedWavIsRefusedAtLoad) {
    const auto dir = albumWithSecondTrack("mixes/cut.wav");
    writeMix(dir / "mixes/cut.wav", 2.0);
    fs::resize_file(dir / "mixes/cut.wav", fs::file_size(dir / "mixes/cut.wav") - 4000);
    // 2 s × 44100 × 4 bytes = 352800 bytes of data promised, 4000 fewer there.
    expectRefusedAtLoad(
        dir, "mixes/cut.wav",
        "truncated or corrupt: its header promises 352800 bytes of audio data, the file holds 348800 — "
        "re-export or re-copy the file");
}

TEST(HostileInput, AWavOverFourGibIsRefusedRatherThanReadAsItsWrappedLength) {
    // A WAV's sizes are 32-bit: a 6.2 GB mix (3 h at 96 kHz, 24-bit) written as plain WAV has a
    // header that wraps and promises 53 minutes, and libsndfile would read just those. The file
    // here is a 2 s WAV grown past 4 GiB by a sparse tail (no disk used): the same header facts.
    const auto dir = albumWithSecondTrack("mixes/big.wav");
    writeMix(dir / "mixes/big.wav", 2.0);
    fs::resize_file(dir / "mixes/big.wav", 4'500'000'000);
    expectRefusedAtLoad(dir, "mixes/big.wav",
                        "is a WAV file of 4.5 GB, over the 4 GiB its 32-bit header can describe: its header "
                        "promises only 0:02.000 of the audio that is there — re-export the mix as RF64, W64 or "
                        "FLAC");
}

TEST(HostileInput, TruncatedFlacIsRefusedWhenDecodedAndNothingIsWritten) {
    // A FLAC's header (STREAMINFO) survives truncation, so the probe passes; decoding finds it.
    const auto dir = albumWithSecondTrack("mixes/cut.flac");
    test::writeAudio(dir / "mixes/cut.flac", test::musicNoise(2.0, 44100), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    fs::resize_file(dir / "mixes/cut.flac", fs::file_size(dir / "mixes/cut.flac") / 2);
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    const std::string head =
        "error: " + (dir / "mixes/cut.flac").string() + ": truncated or corrupt: audio ends at 0:0";
    EXPECT_EQ(out.rfind(head, 0), 0u) << out;
    EXPECT_NE(out.find(" but the header promises 0:02.000"), std::string::npos) << out;
    EXPECT_NE(out.find(" — re-export or re-copy the file\n"), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_EQ(leftovers(dir / "out"), std::vector<std::string>{}) << out;
}

TEST(HostileInput, CorruptFlacFramesAreRefusedWhenDecodedAndNothingIsWritten) {
    const auto dir = albumWithSecondTrack("mixes/corrupt.flac");
    const auto file = dir / "mixes/corrupt.flac";
    test::writeAudio(file, test::musicNoise(2.0, 44100), SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    // Overwrite 16 KiB in the middle of the audio frames with a pattern that is no FLAC frame.
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
        const std::string junk(16384, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    const std::string head = "error: " + file.string() + ": truncated or corrupt: audio ends at 0:0";
    EXPECT_EQ(out.rfind(head, 0), 0u) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_EQ(leftovers(dir / "out"), std::vector<std::string>{}) << out;
}

TEST(HostileInput, NanAndInfFloatSamplesAreRefusedWhenDecoded) {
    const float bad[] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()};
    const std::string word[] = {"NaN", "infinite"};
    for (int k = 0; k < 2; ++k) {
        SCOPED_TRACE(word[k]);
        const auto dir = albumWithSecondTrack("mixes/float.wav");
        auto a = test::sine(440, 0.25, 2.0, 44100);
        a.samples[1][44100] = bad[k];  // 1.000 s into channel 2
        test::writeAudio(dir / "mixes/float.wav", a, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
        expectRefusedAtDecode(
            dir, "mixes/float.wav",
            word[k] +
                " sample in channel 2 at 0:01.000 — fix the mix export (a plug-in produced invalid samples)");
    }
}

TEST(HostileInput, MoreThanTwoChannelsIsRefusedAtLoad) {
    const auto dir = albumWithSecondTrack("mixes/surround.wav");
    test::writeAudio(dir / "mixes/surround.wav", test::sine(440, 0.25, 1.0, 44100, 6),
                     SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    EXPECT_EQ(out, "error: " + (dir / "album.yaml").string() +
                       ":6:13: file 'mixes/surround.wav' has 6 channels; lacquer takes mono or stereo — "
                       "export a stereo mix\n");
    EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(HostileInput, EightBitAndSixtyFourBitFloatInputsAreRendered) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/u8.wav", test::musicNoise(3.0, 22050, 2, 3),
                     SF_FORMAT_WAV | SF_FORMAT_PCM_U8);
    test::writeAudio(dir / "mixes/f64.wav", test::musicNoise(3.0, 96000, 1, 4),
                     SF_FORMAT_WAV | SF_FORMAT_DOUBLE);
    writeText(
        dir / "album.yaml",
        manifestText("  - { file: mixes/u8.wav, title: Eight }\n  - { file: mixes/f64.wav, title: Double }\n",
                     "loudness: { mode: track, target_lufs: -16 }\nsequence: { gap_s: 0 }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"),
              (std::vector<std::string>{"report.html", "report.json", "report.md",
                                        "streaming/01 - Eight.flac", "streaming/02 - Double.flac"}));
    const json r = readReport(dir / "out");
    for (const auto& t : r["variants"]["streaming"]["tracks"]) {
        // ±0.1 LU: EBU Tech 3341's integrated-loudness tolerance, on the written file.
        EXPECT_NEAR(t["integrated_lufs"].get<double>(), -16.0, 0.1) << t.dump();
        // 3 s of source at any rate is 3 s at the 48 kHz export rate (to the frame, 1/48000 s).
        EXPECT_NEAR(t["duration_s"].get<double>(), 3.0, 1.0 / 48000) << t.dump();
    }
}

TEST(HostileInput, SilenceAndASubFourHundredMillisecondTrackRenderWithNullLoudnessAndNoGain) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/silence.wav", AudioBuffer(2, 3 * 44100, 44100),
                     SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    test::writeAudio(dir / "mixes/blip.wav", test::sine(1000, 0.5, 0.3, 44100),
                     SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    writeMix(dir / "mixes/music.wav", 3.0);
    writeText(dir / "album.yaml",
              manifestText("  - { file: mixes/silence.wav, title: Silence }\n"
                           "  - { file: mixes/blip.wav, title: Blip }\n"
                           "  - { file: mixes/music.wav, title: Music }\n",
                           "loudness: { mode: track, target_lufs: -16 }\nsequence: { gap_s: 0 }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    const json r = readReport(dir / "out");
    const auto& tracks = r["variants"]["streaming"]["tracks"];
    ASSERT_EQ(tracks.size(), 3u);
    for (int i : {0, 1}) {
        SCOPED_TRACE(tracks[i].dump());
        EXPECT_TRUE(tracks[i]["integrated_lufs"].is_null());
        EXPECT_EQ(tracks[i]["gain_db"].get<double>(), 0.0);
    }
    // The silent track stays digital silence: no dither noise or gain was added to nothing.
    EXPECT_TRUE(tracks[0]["true_peak_dbtp"].is_null()) << tracks[0].dump();
    // The 0.3 s blip keeps its level: a -6.02 dBFS sine (0.5 peak) read back within 0.01 dB (report
    // rounding).
    EXPECT_NEAR(tracks[1]["sample_peak_dbfs"].get<double>(), 20 * std::log10(0.5), 0.01) << tracks[1].dump();
    // ±0.1 LU: EBU Tech 3341's integrated-loudness tolerance.
    EXPECT_NEAR(tracks[2]["integrated_lufs"].get<double>(), -16.0, 0.1);
    bool sawUndefined = false;
    for (const auto& c : r["variants"]["streaming"]["checks"])
        sawUndefined = sawUndefined || c["detail"] == "undefined (silence or under 400 ms): no gain applied";
    EXPECT_TRUE(sawUndefined) << r["variants"]["streaming"]["checks"].dump();
}

TEST(HostileInput, AShortStingFollowedByItsGapGetsNoGainAndNoFailedCheck) {
    // The 0.3 s sting has no loudness of its own, so it gets 0 dB; its file (sting + 2 s gap) does
    // measure (-9 LUFS). The render must not then fail it against the -16 LUFS target (it did).
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/sting.wav", test::sine(1000, 0.5, 0.3, 44100),
                     SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    writeMix(dir / "mixes/music.wav", 3.0);
    writeText(dir / "album.yaml",
              manifestText("  - { file: mixes/sting.wav, title: Sting }\n"
                           "  - { file: mixes/music.wav, title: Music }\n",
                           "loudness: { mode: track, target_lufs: -16 }\nsequence: { gap_s: 2 }\n"));
    std::string out;
    ASSERT_EQ(render(dir, &out), 0) << out;
    const json r = readReport(dir / "out");
    const auto& sting = r["variants"]["streaming"]["tracks"][0];
    EXPECT_EQ(sting["gain_db"].get<double>(), 0.0) << sting.dump();
    // 0.3 s of sting and 2 s of gap, at the 48 kHz export rate (to the frame).
    EXPECT_NEAR(sting["duration_s"].get<double>(), 2.3, 1.0 / 48000) << sting.dump();
    EXPECT_FALSE(sting["integrated_lufs"].is_null()) << sting.dump();  // the file does measure
    bool sawUndefined = false;
    for (const auto& c : r["variants"]["streaming"]["checks"]) {
        EXPECT_TRUE(c["ok"].get<bool>()) << c.dump();
        sawUndefined =
            sawUndefined || (c["name"] == "track 1 (Sting) loudness" &&
                             c["detail"] == "undefined (silence or under 400 ms): no gain applied");
    }
    EXPECT_TRUE(sawUndefined) << r["variants"]["streaming"]["checks"].dump();
}

// ---------------------------------------------------------------------------------------------
// ISRC and EAN

TEST(HostileCodes, InvalidIsrcAndEanAreRefusedByRenderBeforeAnythingIsWritten) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", 1.0);
    writeMix(dir / "mixes/b.wav", 1.0);
    std::string yaml = manifestText(
        "  - { file: mixes/a.wav, title: A, isrc: GB-AYE-26-0001 }\n"
        "  - { file: mixes/b.wav, title: B, isrc: GBAYE2600001 }\n");
    yaml.replace(yaml.find("artist: Tester"), 14, "artist: Tester, catalog: \"4006381333932\"");
    writeText(dir / "album.yaml", yaml);
    std::string out;
    EXPECT_EQ(render(dir, &out), 2) << out;
    const std::string m = "error: " + (dir / "album.yaml").string();
    EXPECT_EQ(
        out,
        m +
            ":2:51: catalog '4006381333932' fails the EAN-13 check digit (expected 1) — check the barcode "
            "(EAN-13 or UPC-A) against the label's paperwork\n" +
            m +
            ":5:42: isrc 'GB-AYE-26-0001' is malformed: it has 11 characters, an ISRC has 12 "
            "(CC-XXX-YY-NNNNN) — copy the ISRC exactly as issued (CC-XXX-YY-NNNNN, e.g. GB-AYE-26-00001)\n");
    EXPECT_FALSE(fs::exists(dir / "out"));
}

}  // namespace
}  // namespace lacquer::hostile
