// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 18 item 3: optional AAC deliverables, `export: { format: aac, bitrate_kbps }` (.m4a).
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

TEST(AacExport, ResolvesToFloatAtTheRateAndBitrateAsked) {
    const AlbumPlan p = manifest::parse(test::kMinimalManifest + R"(  promo: { export: { format: aac } }
  client: { preset: streaming, export: { format: aac, bitrate_kbps: 192, sample_rate: 48000 } }
)", "album.yaml", "/albums/night", CheckInputs::No);
    const auto& promo = variant(p, "promo").exportSpec;
    EXPECT_EQ(promo.format, ExportFormat::Aac);
    EXPECT_TRUE(promo.lossy());
    EXPECT_EQ(exportFormatName(promo.format), "aac");
    EXPECT_EQ(promo.sampleRateHz, 44100);
    EXPECT_EQ(promo.bitrateKbps, 256);  // the default: the stores' AAC rate
    EXPECT_EQ(promo.bitDepth, 32);      // encoded from the float master: no word length
    EXPECT_EQ(promo.dither, DitherKind::None);
    const auto& client = variant(p, "client");
    EXPECT_EQ(client.exportSpec.bitrateKbps, 192);
    EXPECT_EQ(client.exportSpec.sampleRateHz, 48000);
    EXPECT_EQ(client.maxDecodedDbtp, -1.0);  // the streaming preset's ceiling holds for the decoded AAC
    EXPECT_TRUE(client.lowerCeilingForCodecs);
}

TEST(AacExport, WrongKeysAndValuesAreOneErrorEach) {
    EXPECT_THAT(manifestErrors(test::kMinimalManifest + R"(  a: { export: { format: aac, bitrate_kbps: 96 } }
  b: { export: { format: wav, bitrate_kbps: 256 } }
  c: { export: { format: aac, bit_depth: 24, dither: tpdf } }
  d: { export: { format: aac, sample_rate: 88200 } }
  e: { preset: streaming, export: { format: aac }, codec_headroom: { mode: check } }
  f: { preset: vinyl, export: { format: aac } }
)"),
                ElementsAre("album.yaml:11:45: bitrate_kbps 96 is not an AAC bitrate lacquer writes — use 128, 160, "
                            "192, 224, 256 or 320",
                            "album.yaml:12:45: bitrate_kbps applies to mp3 and aac exports only; this one is wav — remove "
                            "bitrate_kbps, or set format: mp3 or aac",
                            "album.yaml:13:42: an aac export has no bit_depth (it is encoded from the float master) — "
                            "remove bit_depth",
                            "album.yaml:13:54: an aac export takes no dither (it is encoded from the float master) — "
                            "remove dither",
                            "album.yaml:14:44: an aac export is 44100 or 48000 Hz, not 88200 Hz — remove "
                            "sample_rate (44100) or set it to 48000",
                            "album.yaml:15:52: codec_headroom does not apply to an aac variant — remove it: an aac "
                            "variant's ceilings are always lowered until the decoded AAC is under the limiter's "
                            "ceiling",
                            "album.yaml:16:31: a vinyl premaster cannot be an aac export — use format: wav for the "
                            "plant (an aac is a promo or client copy)"));
}

}  // namespace
}  // namespace lacquer
