// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI as a user meets it: exit codes, one-line errors, analyze output.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "lacquer/io/decode.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::runCommand;

std::string cli() { return test::cliPath().string(); }

void writeManifest(const fs::path& dir, const std::string& text) { std::ofstream(dir / "album.yaml") << text; }

// A small valid album: two tracks of `seconds` each.
fs::path smallAlbum(double seconds = 5.0) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/a.wav", test::musicNoise(seconds, 44100, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    test::writeAudio(dir / "mixes/b.flac", test::musicNoise(seconds, 48000, 2, 2), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    writeManifest(dir, R"(lacquer: 1
album: { title: Small, artist: Tester }
processing: { sample_rate: 48000 }
loudness: { mode: album, target_lufs: -16 }
sequence: { gap_s: 1.0 }
tracks:
  - { file: mixes/a.wav, title: Alpha, loudness_offset_lu: -2 }
  - { file: mixes/b.flac, title: Beta }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
)");
    return dir;
}

TEST(Cli, AnalyzeJsonReportsNullLoudnessForSilence) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "tone.wav", test::sine(1000, std::pow(10.0, -23.0 / 20.0), 5.0, 48000), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "silence.wav", AudioBuffer(2, 48000, 48000), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    std::string out;
    ASSERT_EQ(runCommand(cli() + " analyze --json " + (dir / "tone.wav").string() + " " + (dir / "silence.wav").string() + " 2>/dev/null", &out), 0) << out;
    const json j = json::parse(out);
    ASSERT_EQ(j.size(), 2u);
    // A -23 dBFS 1 kHz stereo sine reads -23 LUFS (BS.1770 calibration), ±0.1 LU (Tech 3341).
    EXPECT_NEAR(j[0]["integrated_lufs"].get<double>(), -23.0, 0.1);
    EXPECT_EQ(j[0]["sample_rate"], 48000);
    EXPECT_EQ(j[0]["channels"], 2);
    EXPECT_TRUE(j[1]["integrated_lufs"].is_null());
    EXPECT_TRUE(j[1]["true_peak_dbtp"].is_null());
}

TEST(Cli, AnalyzeOfAMissingFileIsExitThreeWithOneLine) {
    std::string out;
    EXPECT_EQ(runCommand(cli() + " analyze /nonexistent/x.wav", &out), 3);
    EXPECT_EQ(out, "error: /nonexistent/x.wav: file not found — check the path (relative paths resolve against the manifest's folder)\n");
}

TEST(Cli, UsageErrorsAreExitTwo) {
    std::string out;
    EXPECT_EQ(runCommand(cli() + " frobnicate", &out), 2);
    EXPECT_EQ(out.rfind("error: command line:", 0), 0u) << out;
    EXPECT_EQ(runCommand(cli() + " render", &out), 2);
}

TEST(Cli, RenderPutsTheAlbumOnTargetWithTheOffsetHonoured) {
    const auto dir = smallAlbum();
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 0) << out;
    EXPECT_TRUE(fs::exists(dir / "out/streaming/01 - Alpha.flac"));
    EXPECT_TRUE(fs::exists(dir / "out/streaming/02 - Beta.flac"));
    EXPECT_TRUE(fs::exists(dir / "out/report.md"));
    std::ifstream in(dir / "out/report.json");
    const json r = json::parse(in);
    const auto& v = r["variants"]["streaming"];
    // ±0.1 LU: EBU Tech 3341 integrated-loudness tolerance, measured on the written files.
    EXPECT_NEAR(v["album"]["integrated_lufs"].get<double>(), -16.0, 0.1) << v.dump();
    // One album gain for both, plus Alpha's -2 LU offset: the gains differ by exactly 2 dB.
    EXPECT_NEAR(v["tracks"][0]["gain_db"].get<double>() - v["tracks"][1]["gain_db"].get<double>(), -2.0, 0.01);  // report rounds to 0.01
    // Nothing temporary is left behind.
    for (const auto& e : fs::recursive_directory_iterator(dir / "out"))
        EXPECT_EQ(e.path().filename().string().find(".part-"), std::string::npos) << e.path();
}

// Replaces the variants of the small album's manifest with `variants` (YAML text).
void setVariants(const fs::path& dir, const std::string& variants) {
    std::ifstream in(dir / "album.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = text.substr(0, text.find("variants:")) + "variants:\n" + variants;
    writeManifest(dir, text);
}

TEST(Cli, LoudTargetsAreMetThroughTheLimiterUnderTheCeiling) {
    const auto dir = smallAlbum();
    // -12 LUFS from noise with a 13 dB crest factor needs several dB of limiting at -1 dBTP.
    setVariants(dir, "  loud: { loudness: { target_lufs: -12, max_limiting_db: 12 }, limiter: { ceiling_dbtp: -1.0 },\n"
                     "          export: { format: flac, sample_rate: 44100, bit_depth: 16 } }\n");
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 0) << out;
    std::ifstream in(dir / "out/report.json");
    const json v = json::parse(in)["variants"]["loud"];
    // ±0.1 LU: EBU Tech 3341's integrated-loudness tolerance, on the written files.
    EXPECT_NEAR(v["album"]["integrated_lufs"].get<double>(), -12.0, 0.1) << v.dump();
    for (const auto& t : v["tracks"]) {
        EXPECT_LE(t["true_peak_dbtp"].get<double>(), -1.0) << t.dump();  // the ceiling, no tolerance
        EXPECT_GT(t["limiter_max_gain_reduction_db"].get<double>(), 1.0) << t.dump();  // it really limited
    }
}

TEST(Cli, AnUnreachableTargetStillRendersAndTheReportSaysWhichTrackAndWhy) {
    const auto dir = smallAlbum();
    setVariants(dir, "  crushed: { loudness: { target_lufs: -4, max_limiting_db: 3 }, limiter: { ceiling_dbtp: -1.0 },\n"
                     "             export: { format: wav, sample_rate: 44100, bit_depth: 16 } }\n");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 1) << out;
    EXPECT_TRUE(fs::exists(dir / "out/crushed/01 - Alpha.wav"));
    std::ifstream in(dir / "out/report.json");
    const json v = json::parse(in)["variants"]["crushed"];
    bool named = false;
    for (const auto& c : v["checks"])
        if (c["name"] == "track 2 (Beta) limiting within bounds") {
            named = true;
            EXPECT_FALSE(c["ok"].get<bool>());
            EXPECT_NE(c["detail"].get<std::string>().find("dB of limiting to reach the target under -1.00 dBTP; the limit is 3.00 dB"),
                      std::string::npos) << c.dump();
        }
    EXPECT_TRUE(named) << v["checks"].dump(1);
    EXPECT_NE(out.find("FAIL track 2 (Beta) limiting within bounds"), std::string::npos) << out;
}

TEST(Cli, VulkanAndCpuBackendsRenderTheSameMasters) {
    // The same album through the Vulkan device (lavapipe here) and the CPU FFTW backend.
    const auto dir = smallAlbum(3.0);
    // A chain with EQ and a short reverb so the convolution stage really runs.
    std::ifstream in(dir / "album.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto ir = test::musicNoise(0.3, 48000, 2, 9);  // a small room: noise decaying by 60 dB in 0.3 s
    for (auto& ch : ir.samples)
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] *= static_cast<float>(0.05 * std::pow(10.0, -3.0 * static_cast<double>(i) / ch.size()));
    test::writeAudio(dir / "ir.wav", ir, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    text.replace(text.find("loudness:"), 0, "chain: { eq: [ { type: bell, freq_hz: 800, gain_db: 3, q: 1 } ], reverb: { ir: ir.wav, mix: 0.1 } }\n");
    writeManifest(dir, text);
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --device cpu --out " + (dir / "cpu").string(), &out), 0) << out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --device 0 --out " + (dir / "vk").string(), &out), 0) << out;
    std::ifstream a(dir / "cpu/report.json"), b(dir / "vk/report.json");
    const json ra = json::parse(a), rb = json::parse(b);
    EXPECT_EQ(ra["backend"], "cpu-fftw-float");
    EXPECT_EQ(rb["backend"], "vulkan");
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& ta = ra["variants"]["streaming"]["tracks"][i];
        const auto& tb = rb["variants"]["streaming"]["tracks"][i];
        const auto fa = io::decode(dir / "cpu" / ta["file"].get<std::string>()), fb = io::decode(dir / "vk" / tb["file"].get<std::string>());
        ASSERT_EQ(fa.frames(), fb.frames());
        // The convolution stages null at -128 dB (tests/convolution); after the limiter and 24-bit
        // rounding the written files still null far below audibility: -100 dB.
        EXPECT_LT(test::nullDb(fb.samples[0], fa.samples[0]), -100.0) << i;
        // Reported loudness agrees to the report's 0.01 LU rounding.
        EXPECT_NEAR(ta["integrated_lufs"].get<double>(), tb["integrated_lufs"].get<double>(), 0.011);
    }
}

TEST(Cli, AlbumModeCanAnchorOnTheLoudestTrack) {
    const auto dir = smallAlbum(4.0);
    setVariants(dir, "  td1008: { loudness: { anchor: loudest }, export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n");
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 0) << out;
    std::ifstream in(dir / "out/report.json");
    const json v = json::parse(in)["variants"]["td1008"];
    const double a = v["tracks"][0]["integrated_lufs"].get<double>(), b = v["tracks"][1]["integrated_lufs"].get<double>();
    // The loudest track sits on the -16 LUFS target (±0.1 LU, Tech 3341); Alpha keeps its -2 LU offset below it.
    EXPECT_NEAR(std::max(a, b), -16.0, 0.1);
    EXPECT_NEAR(v["tracks"][0]["gain_db"].get<double>() - v["tracks"][1]["gain_db"].get<double>(), -2.0, 0.01);
    EXPECT_LT(v["album"]["integrated_lufs"].get<double>(), -16.0);  // the average then sits under the target
}

TEST(Cli, AVariantCanCarryItsOwnStereoTools) {
    const auto dir = smallAlbum(3.0);
    setVariants(dir, "  wide: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n"
                     "  mono: { stereo: { width: 0 }, export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n");
    std::string out;
    ASSERT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 0) << out;
    const auto wide = io::decode(dir / "out/wide/01 - Alpha.flac"), mono = io::decode(dir / "out/mono/01 - Alpha.flac");
    EXPECT_NE(wide.samples[0], wide.samples[1]);
    EXPECT_EQ(mono.samples[0], mono.samples[1]);  // width 0: the side signal is gone, bit for bit
}

TEST(Cli, RenderRefusesAFolderHoldingOtherFilesAndAnUnknownVariant) {
    const auto dir = smallAlbum();
    fs::create_directories(dir / "busy");
    std::ofstream(dir / "busy/thesis.docx") << "precious";
    std::string out;
    EXPECT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "busy").string(), &out), 2);
    EXPECT_EQ(out, "error: " + (dir / "busy").string() +
                       ": the output folder holds files lacquer did not write — choose an empty or new folder with --out, or pass --force\n");
    EXPECT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "o2").string() + " --variant vinyl", &out), 2);
    EXPECT_EQ(out, "error: --variant vinyl: no such variant in the manifest — choose one of: streaming\n");
    EXPECT_FALSE(fs::exists(dir / "o2/streaming"));
}

TEST(Cli, ValidateReportsEveryErrorOneLineEachAndWritesNothing) {
    const auto dir = test::scratchDir();
    writeManifest(dir, R"(lacquer: 1
album: { title: X, artist: Y, catalog: "4006381333932" }
tracks:
  - { file: missing.wav, title: A, fade_ins: 2 }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
)");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + (dir / "album.yaml").string(), &out), 2);
    // Three problems, three lines, each starting with error: and a file:line:col location.
    int lines = 0;
    for (std::size_t p = 0; (p = out.find('\n', p)) != std::string::npos; ++p) ++lines;
    EXPECT_EQ(lines, 3) << out;
    EXPECT_NE(out.find("album.yaml:2:"), std::string::npos) << out;
    EXPECT_NE(out.find("album.yaml:4:"), std::string::npos) << out;
    EXPECT_NE(out.find("did you mean 'fade_in_s'?"), std::string::npos) << out;
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // only album.yaml
}

TEST(Cli, ValidateAndRenderRefuseAnImpossibleCdTimeline) {
    // A 3 s track on a CD: Red Book wants at least 4 s per track.
    const auto dir = smallAlbum(3.0);
    setVariants(dir, "  cd: { export: { format: cd } }\n");
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + (dir / "album.yaml").string(), &out), 2);
    EXPECT_NE(out.find("error: cd: "), std::string::npos) << out;
    EXPECT_NE(out.find("4 s"), std::string::npos) << out;
    const std::string validateOut = out;
    EXPECT_EQ(runCommand(cli() + " render " + (dir / "album.yaml").string() + " --out " + (dir / "out").string(), &out), 2);
    EXPECT_NE(out.find("error: cd: "), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(dir / "out/cd"));  // nothing written
}

// chain.trim shortens tracks: validate's Red Book precheck measures the trimmed length. A 6 s
// file with 3 s of silence before 3 s of music passes untrimmed and fails trimmed (3.1 s < 4 s).
TEST(Cli, ValidateChecksTheCdTimelineWithTrimmedLengths) {
    const auto dir = test::scratchDir();
    AudioBuffer x(2, 6 * 44100, 44100);
    const AudioBuffer music = test::musicNoise(3.0, 44100, 2, 3);
    for (int c = 0; c < 2; ++c)
        std::copy(music.samples[static_cast<std::size_t>(c)].begin(), music.samples[static_cast<std::size_t>(c)].end(),
                  x.samples[static_cast<std::size_t>(c)].begin() + 3 * 44100);
    test::writeAudio(dir / "a.wav", x, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    const std::string head = R"(lacquer: 1
album: { title: X, artist: Y }
tracks:
  - { file: a.wav, title: A }
variants:
  cd: { export: { format: cd } }
)";
    writeManifest(dir, head);
    std::string out;
    EXPECT_EQ(runCommand(cli() + " validate " + (dir / "album.yaml").string(), &out), 0) << out;
    writeManifest(dir, head + "chain: { trim: { head: auto, tail: auto } }\n");
    EXPECT_EQ(runCommand(cli() + " validate " + (dir / "album.yaml").string(), &out), 2);
    EXPECT_NE(out.find("error: cd: "), std::string::npos) << out;
    EXPECT_NE(out.find("4 s"), std::string::npos) << out;
}

TEST(Cli, InterruptedRenderLeavesNoPartialFileUnderAFinalName) {
    const auto dir = smallAlbum(60.0);  // long enough that the signal lands mid-render
    const auto outDir = dir / "out";
    // Start a render, interrupt it with SIGINT once it is under way. A background job starts with
    // SIGINT ignored until lacquer installs its handler, so wait for the output lock (taken after
    // that) rather than a fixed 0.3 s, which a loaded machine or a slow dynamic load can outlast.
    const std::string lock = (outDir / ".lacquer.lock").string();
    const std::string cmd = cli() + " render " + (dir / "album.yaml").string() + " --out " + outDir.string() +
                            " & pid=$!; for i in $(seq 600); do [ -e \"" + lock + "\" ] && break; sleep 0.05; done; "
                            "sleep 0.3; kill -INT $pid; wait $pid";
    std::string out;
    const int rc = runCommand("bash -c '" + cmd + "'", &out);
    EXPECT_EQ(rc, 130) << out;
    EXPECT_EQ(out, "error: render: interrupted by SIGINT — no file was left half-written; run the render again\n");
    if (fs::exists(outDir))
        for (const auto& e : fs::recursive_directory_iterator(outDir)) {
            const auto name = e.path().filename().string();
            EXPECT_EQ(name.find(".part-"), std::string::npos) << e.path();
            if (e.path().extension() == ".flac") {
                std::string t;
                EXPECT_EQ(runCommand("flac -s -t \"" + e.path().string() + "\"", &t), 0) << t;
            }
        }
}

}  // namespace
}  // namespace lacquer
