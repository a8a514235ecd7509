// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 18 item 3: optional MP3 deliverables, `export: { format: mp3, bitrate_kbps }`.
#include <gtest/gtest.h>

#include "manifest_helpers.hpp"

namespace lacquer {
namespace {

using manifest::CheckInputs;
using test::manifestErrors;
using ::testing::ElementsAre;

const VariantPlan& variant(const AlbumPlan& p, const std::string& name) {
    for (const auto& v : p.variants)
        if (v.name == name) return v;
    throw std::runtime_error("no variant " + name);
}

TEST(Mp3Export, ResolvesToFloatCbrAtTheRateAndBitrateAsked) {
    const AlbumPlan p = manifest::parse(test::kMinimalManifest + R"(  promo: { export: { format: mp3 } }
  client: { preset: streaming, export: { format: mp3, bitrate_kbps: 192, sample_rate: 48000 } }
)", "album.yaml", "/albums/night", CheckInputs::No);
    const auto& promo = variant(p, "promo").exportSpec;
    EXPECT_EQ(promo.format, ExportFormat::Mp3);
    EXPECT_TRUE(promo.lossy());
    EXPECT_EQ(promo.sampleRateHz, 44100);  // the default: what players and stores' MP3s use
    EXPECT_EQ(promo.bitrateKbps, 320);
    EXPECT_EQ(promo.bitDepth, 32);  // encoded from the float master: no word length
    EXPECT_EQ(promo.dither, DitherKind::None);
    const auto& client = variant(p, "client");
    EXPECT_EQ(client.exportSpec.bitrateKbps, 192);
    EXPECT_EQ(client.exportSpec.sampleRateHz, 48000);
    EXPECT_EQ(client.maxDecodedDbtp, -1.0);  // the streaming preset's ceiling holds for the decoded MP3
    EXPECT_TRUE(client.lowerCeilingForCodecs);
    EXPECT_FALSE(variant(p, "streaming").exportSpec.lossy());
}

TEST(Mp3Export, WrongKeysAndValuesAreOneErrorEach) {
    EXPECT_THAT(manifestErrors(test::kMinimalManifest + R"(  a: { export: { format: mp3, bitrate_kbps: 300 } }
  b: { export: { format: flac, bitrate_kbps: 320 } }
  c: { export: { format: mp3, bit_depth: 16, dither: tpdf } }
  d: { export: { format: mp3, sample_rate: 96000 } }
  e: { preset: streaming, export: { format: mp3 }, codec_headroom: { mode: check } }
  f: { preset: vinyl, export: { format: mp3 } }
)"),
                ElementsAre("album.yaml:11:45: bitrate_kbps 300 is not an MP3 bitrate lacquer writes — use 128, 160, "
                            "192, 224, 256 or 320 (constant bitrate)",
                            "album.yaml:12:46: bitrate_kbps applies to mp3 and aac exports only; this one is flac — remove "
                            "bitrate_kbps, or set format: mp3 or aac",
                            "album.yaml:13:42: an mp3 export has no bit_depth (it is encoded from the float master) — "
                            "remove bit_depth",
                            "album.yaml:13:54: an mp3 export takes no dither (it is encoded from the float master) — "
                            "remove dither",
                            "album.yaml:14:44: an mp3 export is 32000, 44100 or 48000 Hz, not 96000 Hz — remove "
                            "sample_rate (44100) or set one of the MPEG-1 Layer III rates",
                            "album.yaml:15:52: codec_headroom does not apply to an mp3 variant — remove it: an mp3 "
                            "variant's ceilings are always lowered until the decoded MP3 is under the limiter's "
                            "ceiling",
                            "album.yaml:16:31: a vinyl premaster cannot be an mp3 export — use format: wav for the "
                            "plant (an mp3 is a promo or client copy)"));
}

}  // namespace
}  // namespace lacquer
