// SPDX-License-Identifier: GPL-3.0-or-later
// codec_headroom: a loud streaming master whose tracks decode over max_decoded_dbtp after Ogg
// Vorbis/Opus gets those tracks' limiter ceilings lowered until the decoded peaks fit (mode lower),
// or only a warning (mode check).
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {
using nlohmann::json;

json renderLoud(const std::string& mode) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(8.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "b.wav", test::musicNoise(8.0, 48000, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Loud, artist: Tester }
processing: { sample_rate: 48000 }
loudness: { mode: track, target_lufs: -11, max_limiting_db: 20 }
chain: { limiter: { ceiling_dbtp: -1 } }
tracks:
  - { file: a.wav, title: A }
  - { file: b.wav, title: B }
variants:
  streaming: { preset: streaming, loudness: { target_lufs: -11 }, codec_headroom: { mode: )" + mode + R"(, max_decoded_dbtp: -1 } }
)";
    const auto plan = manifest::load(dir / "album.yaml");
    render::RenderOptions options;
    options.outDir = dir / "out";
    render::renderAlbum(plan, options);
    std::ifstream in(dir / "out/report.json");
    return json::parse(in)["variants"]["streaming"];
}

double worstDecoded(const json& row) {
    return std::max(row["vorbis_true_peak_dbtp"].get<double>(), row["opus_true_peak_dbtp"].get<double>());
}

TEST(CodecHeadroomRender, CheckModeWarnsWhereALoudMasterDecodesOverTheLimit) {
    const json v = renderLoud("check");
    // The premise of the next test: at -11 LUFS under a -1 dBTP ceiling, lossy decoding overshoots.
    bool anyOver = false;
    for (const auto& row : v["streaming"]["codec"]) anyOver = anyOver || worstDecoded(row) > -1.0;
    ASSERT_TRUE(anyOver) << v["streaming"]["codec"].dump();
    for (const auto& c : v["checks"])
        if (c["name"].get<std::string>().find("lossy headroom") != std::string::npos) {
            EXPECT_TRUE(c["ok"]) << c.dump();
        }
    EXPECT_FALSE(v["streaming"]["codec"][0].contains("ceiling_dbtp"));
    // AAC and MP3 are measured too, at the rates asked for (AAC ABR within 25 % on 4 s tracks,
    // MP3 320 kb/s CBR within 5 %: frame headers and the padding of a short file).
    for (const auto& row : v["streaming"]["codec"]) {
        ASSERT_TRUE(row["aac_true_peak_dbtp"].is_number()) << row.dump();
        ASSERT_TRUE(row["mp3_true_peak_dbtp"].is_number()) << row.dump();
        EXPECT_NEAR(row["aac_kbps"].get<double>(), 256.0, 0.25 * 256.0) << row.dump();
        EXPECT_NEAR(row["mp3_kbps"].get<double>(), 320.0, 0.05 * 320.0) << row.dump();
    }
    // Each service names the codec it streams: Apple AAC, Spotify Vorbis, YouTube Opus, Deezer MP3.
    std::map<std::string, std::string> codecOf;
    for (const auto& sv : v["streaming"]["playback"]) codecOf[sv["service"]] = sv["codec"];
    EXPECT_EQ(codecOf["Apple Music"], "AAC");
    EXPECT_EQ(codecOf["Spotify (album)"], "Ogg Vorbis");
    EXPECT_EQ(codecOf["YouTube"], "Opus");
    EXPECT_EQ(codecOf["Deezer"], "MP3");
    EXPECT_NE(v["streaming"]["codec_markdown"].get<std::string>().find("| Apple Music | AAC |"), std::string::npos);
}

TEST(CodecHeadroomRender, LowerModeLowersEachTracksCeilingUntilTheDecodedPeaksFit) {
    const json v = renderLoud("lower");
    for (const auto& row : v["streaming"]["codec"]) {
        // The decoded peaks are measured again on the final master (as the report shows them):
        // at or under max_decoded_dbtp, exactly as the check requires.
        EXPECT_LE(worstDecoded(row), -1.0) << row.dump();
        ASSERT_TRUE(row.contains("ceiling_dbtp")) << row.dump();
        EXPECT_LT(row["ceiling_dbtp"].get<double>(), -1.0) << row.dump();  // lowered from -1
    }
    for (const auto& c : v["checks"]) EXPECT_TRUE(c["ok"]) << c.dump();
    // Lowering a ceiling must not cost the loudness target (track mode, ±0.1 LU: EBU Tech 3341).
    for (const auto& t : v["tracks"]) EXPECT_NEAR(t["integrated_lufs"].get<double>(), -11.0, 0.1) << t.dump();
}

TEST(CodecHeadroomRender, OffModeMakesNoRoundTripsAndNoHeadroomChecks) {
    const json v = renderLoud("off");
    EXPECT_TRUE(v["streaming"]["codec"].empty()) << v["streaming"]["codec"].dump();
    for (const auto& c : v["checks"])
        EXPECT_EQ(c["name"].get<std::string>().find("lossy headroom"), std::string::npos) << c.dump();
    // The master itself is unchanged by the switch: still on target (track mode, ±0.1 LU: Tech 3341).
    for (const auto& t : v["tracks"]) EXPECT_NEAR(t["integrated_lufs"].get<double>(), -11.0, 0.1) << t.dump();
}

}  // namespace
}  // namespace lacquer
