// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 18 item 3: an MP3 deliverable (export: { format: mp3, bitrate_kbps }) is measured back on
// the written file — by lacquer (libsndfile/mpg123) and through FFmpeg's own MP3 decoder — on
// target and under its ceiling, with its ID3v2.4 tags and cover, and `lacquer verify` holds.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "lacquer/common/error.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/limits.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/report/report.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// A valid 8x8 RGB PNG (ffprobe decodes it; verify compares its bytes).
void writeCover(const fs::path& file) {
    static const unsigned char kPng[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00, 0x00, 0x00,
        0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa0, 0xa0, 0x80, 0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00,
        0x2a, 0x3f, 0x40, 0x01, 0x05, 0x09, 0x4a, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
        0x60, 0x82};
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(kPng), sizeof kPng);
}

struct Rendered {
    fs::path dir;
    json variant;
};

// Two loud tracks (track mode -11 LUFS under -1 dBTP: dense enough that a 128 kb/s MP3 both
// loses loudness and overshoots its ceiling), one MP3 variant at 128 kb/s, 48 kHz.
const Rendered& rendered() {
    static const Rendered r = [] {
        Rendered out;
        out.dir = test::scratchDir();
        const fs::path& dir = out.dir;
        test::writeAudio(dir / "a.wav", test::musicNoise(6.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
        test::writeAudio(dir / "b.wav", test::musicNoise(6.0, 48000, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
        writeCover(dir / "cover.png");
        std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Loud, artist: Tester, date: "2026", cover: cover.png, label: Test Label, copyright: 2026 Test Label, phonographic_copyright: 2026 Tester }
processing: { sample_rate: 48000 }
loudness: { mode: track, target_lufs: -11, max_limiting_db: 20 }
chain: { limiter: { ceiling_dbtp: -1 } }
tracks:
  - { file: a.wav, title: A, isrc: USAAA2600001 }
  - { file: b.wav, title: B }
variants:
  promo: { loudness: { target_lufs: -11 }, export: { format: mp3, bitrate_kbps: 128, sample_rate: 48000 } }
)";
        const auto plan = manifest::load(dir / "album.yaml");
        render::RenderOptions options;
        options.outDir = dir / "out";
        render::renderAlbum(plan, options);
        std::ifstream in(dir / "out/report.json");
        out.variant = json::parse(in)["variants"]["promo"];
        return out;
    }();
    return r;
}

TEST(Mp3Render, TheWrittenMp3IsOnTargetAndUnderItsCeiling) {
    const json& v = rendered().variant;
    ASSERT_EQ(v["tracks"].size(), 2u) << v.dump();
    EXPECT_EQ(v["export"]["bitrate_kbps"], 128);
    bool anyLowered = false;
    for (const auto& t : v["tracks"]) {
        // The premises: LAME at 128 kb/s takes loudness out of dense material (the makeup gain
        // is positive) and overshoots a -1 dBTP ceiling (at least one ceiling came down).
        EXPECT_GT(t["lossy_gain_db"].get<double>(), 0.0) << t.dump();
        anyLowered = anyLowered || t["ceiling_dbtp"].get<double>() < -1.0;
        // Measured on the written file: ±0.1 LU is EBU Tech 3341's tolerance; the ceiling is the
        // manifest's -1 dBTP.
        EXPECT_NEAR(t["integrated_lufs"].get<double>(), -11.0, 0.1) << t.dump();
        EXPECT_LE(t["true_peak_dbtp"].get<double>(), -1.0) << t.dump();
    }
    EXPECT_TRUE(anyLowered) << v["tracks"].dump();
    for (const auto& c : v["checks"]) EXPECT_TRUE(c["ok"]) << c.dump();
    for (const auto& f : v["files"]) {
        EXPECT_EQ(f["format"], "mp3");
        EXPECT_EQ(f["sample_rate"], 48000);
    }
}

TEST(Mp3Render, FfmpegsDecoderReadsTheSameLevelsAndLength) {
    const auto& r = rendered();
    for (const auto& t : r.variant["tracks"]) {
        const fs::path mp3 = r.dir / "out" / t["file"].get<std::string>();
        const fs::path wav = r.dir / ("ffmpeg-" + std::to_string(t["number"].get<int>()) + ".wav");
        std::string log;
        ASSERT_EQ(test::runCommand("ffmpeg -v error -y -i " + q(mp3) + " -c:a pcm_f32le " + q(wav), &log), 0) << log;
        const auto m = report::measureFile(wav);
        // FFmpeg trims LAME's encoder delay and padding from the info frame: the track's length
        // to the frame.
        EXPECT_EQ(m.info.frames, static_cast<std::int64_t>(std::llround(t["duration_s"].get<double>() * 48000)));
        // Two MP3 decoders (mpg123, FFmpeg's mp3float) agree far inside these: 0.02 LU / dB is two
        // units of the report's rounding.
        EXPECT_NEAR(*m.loudness.integratedLufs, t["integrated_lufs"].get<double>(), 0.02);
        EXPECT_NEAR(*m.loudness.truePeakDbtp, t["true_peak_dbtp"].get<double>(), 0.02);
    }
}

TEST(Mp3Render, FfprobeReadsCbrId3TagsAndTheCover) {
    const auto& r = rendered();
    const fs::path mp3 = r.dir / "out" / r.variant["tracks"][0]["file"].get<std::string>();
    std::string out;
    ASSERT_EQ(test::runCommand("ffprobe -v error -print_format json -show_streams -show_format " + q(mp3), &out), 0) << out;
    const json p = json::parse(out);
    ASSERT_EQ(p["streams"].size(), 2u) << out;  // the audio and the attached picture
    EXPECT_EQ(p["streams"][0]["codec_name"], "mp3");
    EXPECT_EQ(p["streams"][0]["bit_rate"], "128000");
    EXPECT_EQ(p["streams"][0]["sample_rate"], "48000");
    EXPECT_EQ(p["streams"][1]["disposition"]["attached_pic"], 1);
    const json& tags = p["format"]["tags"];
    EXPECT_EQ(tags["title"], "A");
    EXPECT_EQ(tags["TSRC"], "USAAA2600001");
    EXPECT_EQ(tags["publisher"], "Test Label");   // TPUB
    EXPECT_EQ(tags["copyright"], "2026 Test Label");  // TCOP
    EXPECT_EQ(tags["TPRO"], "2026 Tester");
    EXPECT_EQ(tags["track"], "1/2");
}

TEST(Mp3Render, VerifyHoldsAndCatchesAChangedTag) {
    const auto& r = rendered();
    std::string out;
    EXPECT_EQ(test::runCommand(q(test::cliPath()) + " verify " + q(r.dir / "album.yaml") + " --out " + q(r.dir / "out"), &out), 0)
        << out;
    // A copy of the render with one track's title changed (TagLib's own command-line tool is not
    // packaged; ffmpeg rewrites the tag without touching the audio frames).
    const fs::path copy = r.dir / "copy";
    fs::remove_all(copy);
    fs::copy(r.dir / "out", copy, fs::copy_options::recursive);
    const fs::path mp3 = copy / r.variant["tracks"][1]["file"].get<std::string>();
    const fs::path tmp = r.dir / "retagged.mp3";
    ASSERT_EQ(test::runCommand("ffmpeg -v error -y -i " + q(mp3) + " -map 0 -c copy -id3v2_version 4 -metadata title=Other " +
                                   q(tmp),
                               &out),
              0)
        << out;
    fs::rename(tmp, mp3);
    EXPECT_EQ(test::runCommand(q(test::cliPath()) + " verify " + q(r.dir / "album.yaml") + " --out " + q(copy), &out), 1) << out;
    EXPECT_NE(out.find("tag TITLE differs from the manifest"), std::string::npos) << out;
}

// A cover the MP3 writer would refuse is refused before any audio, by validate and render alike.
TEST(Mp3Render, ACoverOverTheMp3LimitIsRefusedBeforeProcessing) {
    const auto dir = test::scratchDir();
    writeCover(dir / "cover.png");
    fs::resize_file(dir / "cover.png", io::kMaxMp3CoverBytes + 1);  // sparse: no disk used
    const auto plan = manifest::parse(R"(lacquer: 1
album: { title: T, artist: A, cover: cover.png }
tracks: [ { file: a.wav, title: A } ]
variants:
  promo: { export: { format: mp3 } }
  master: { export: { format: wav } }
)", "album.yaml", dir, manifest::CheckInputs::No);
    try {
        render::checkLimits(plan, {&plan.variants[0]});
        FAIL() << "no error";
    } catch (const Error& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_NE(e.diagnostics()[0].what.find("an MP3 or AAC copy embeds a cover of at most 16777216 bytes"), std::string::npos)
            << e.diagnostics()[0].line();
    }
    EXPECT_NO_THROW(render::checkLimits(plan, {&plan.variants[1]}));  // a WAV embeds no cover
}

}  // namespace
}  // namespace lacquer
