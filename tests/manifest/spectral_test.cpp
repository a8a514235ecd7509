// SPDX-License-Identifier: GPL-3.0-or-later
// chain.match and chain.denoise: what they resolve to, and their mistakes with line and column.
#include <gtest/gtest.h>

#include "lacquer/manifest/manifest.hpp"
#include "manifest_helpers.hpp"

namespace lacquer {
namespace {

using test::manifestErrors;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string withChain(const std::string& chain) { return test::kMinimalManifest + "chain:\n" + chain; }

TEST(ManifestSpectral, MatchAndDenoiseResolveWithDefaults) {
    const AlbumPlan plan = manifest::parse(withChain("  match: { references: [refs/a.flac, /refs/b.wav], amount: 0.5 }\n"
                                                     "  denoise: { reduction_db: 10, profile: { start_s: 0, end_s: 1.5 } }\n"),
                                           "album.yaml", "/albums/night", manifest::CheckInputs::No);
    const auto& c = plan.tracks[0].chain;
    ASSERT_TRUE(c.match);
    EXPECT_EQ(c.match->references, (std::vector<std::filesystem::path>{"/albums/night/refs/a.flac", "/refs/b.wav"}));
    EXPECT_EQ(c.match->amount, 0.5);
    EXPECT_EQ(c.match->maxBoostDb, 6.0);
    EXPECT_EQ(c.match->scope, eq::MatchScope::Album);
    ASSERT_TRUE(c.denoise);
    EXPECT_EQ(c.denoise->reductionDb, 10.0);
    EXPECT_FALSE(c.denoise->autoProfile);
    EXPECT_TRUE(c.denoise->profileFile.empty());  // the track's own file
    EXPECT_EQ(c.denoise->profileEndS, 1.5);
}

TEST(ManifestSpectral, MistakesAreReportedWhereWritten) {
    EXPECT_THAT(manifestErrors(withChain("  match: { amount: 2 }\n")),
                ElementsAre("album.yaml:12:10: missing required key 'references' in match — add 'references: [master.flac, ...]' (the "
                            "masters to match)",
                            "album.yaml:12:20: amount is 2, outside 0..1 — use a value from 0 to 1"));
    EXPECT_THAT(manifestErrors(withChain("  match: { references: [r.wav], low_hz: 5000, high_hz: 8000 }\n")),
                ElementsAre("album.yaml:12:56: the match range 5000..8000 Hz is under an octave wide — match over at "
                            "least an octave: lower low_hz or raise high_hz (defaults 30 and 16000)"));
    EXPECT_THAT(manifestErrors(withChain("  denoise: { profile: quiet }\n")),
                ElementsAre("album.yaml:12:23: profile 'quiet' is not 'auto' or a region — write 'profile: auto' or "
                            "'profile: { file: noise.wav, start_s: 0, end_s: 2 }'"));
    EXPECT_THAT(manifestErrors(withChain("  denoise: { profile: { start_s: 1, end_s: 1.1 } }\n")),
                ElementsAre("album.yaml:12:44: the profile region 1..1.1 s is shorter than 0.25 s — state a passage of "
                            "noise alone at least a quarter of a second long"));
    EXPECT_THAT(manifestErrors(withChain("  denoise: { reduction_db: 0 }\n")),
                ElementsAre("album.yaml:12:28: reduction_db is 0, outside 1..40 dB — use a value from 1 to 40 dB"));
    EXPECT_THAT(manifestErrors(withChain("  denoise: off\n  match: off\n")), IsEmpty());
}

}  // namespace
}  // namespace lacquer
