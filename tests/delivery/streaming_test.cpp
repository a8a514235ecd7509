// SPDX-License-Identifier: GPL-3.0-or-later
// Playback simulation and album gain, against hand-computed values. Tolerance 1e-9 dB: the
// expectations are exact sums and differences of the inputs (floating-point rounding only).
#include "lacquer/delivery/streaming.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lacquer::delivery;
using Dir = PlaybackTrack::Direction;

namespace {
constexpr double kEps = 1e-9;  // exact arithmetic on the inputs, rounding only

// A: loud master (-10 LUFS, -0.5 dBTP); B: quiet with headroom (-20 LUFS, -8 dBTP);
// C: silence (undefined); D: quiet but peaky (-20 LUFS, -3 dBTP).
const std::vector<TrackLevels> kTracks = {
    {-10.0, -0.5}, {-20.0, -8.0}, {std::nullopt, std::nullopt}, {-20.0, -3.0}};
}  // namespace

TEST(Streaming, SpotifyShuffleRaisesOnlyUpToMinusOneDbtp) {
    const auto p = simulatePlayback(Service::SpotifyShuffle, kTracks, -12.0);
    EXPECT_NEAR(p[0].gainDb, -4.0, kEps);  // -14 - (-10)
    EXPECT_EQ(p[0].direction, Dir::Down);
    EXPECT_NEAR(*p[0].heardLufs, -14.0, kEps);
    EXPECT_NEAR(p[1].gainDb, 6.0, kEps);  // wants +6, room to -1 dBTP is 7
    EXPECT_EQ(p[1].direction, Dir::Up);
    EXPECT_FALSE(p[1].raiseLimitedByPeak);
    EXPECT_EQ(p[2].gainDb, 0.0);  // undefined loudness: no gain
    EXPECT_EQ(p[2].direction, Dir::None);
    EXPECT_FALSE(p[2].heardLufs);
    EXPECT_NEAR(p[3].gainDb, 2.0, kEps);  // wants +6, room -1 - (-3) = 2
    EXPECT_TRUE(p[3].raiseLimitedByPeak);
    EXPECT_NEAR(*p[3].heardLufs, -18.0, kEps);
    EXPECT_NEAR(*p[3].peakAfterDbtp, -1.0, kEps);
}

TEST(Streaming, SpotifyAlbumAppliesOneGainFromTheAlbumLoudness) {
    const auto p = simulatePlayback(Service::SpotifyAlbum, kTracks, -12.0);
    for (const auto& t : p) EXPECT_NEAR(t.gainDb, -2.0, kEps);  // -14 - (-12)
    EXPECT_NEAR(*p[1].heardLufs, -22.0, kEps);                  // the quiet song stays quiet
    // a quiet album is raised only as far as its highest peak allows: max peak -3 -> +2
    const auto q = simulatePlayback(Service::SpotifyAlbum, {{-22.0, -9.0}, {-19.0, -3.0}}, -20.0);
    EXPECT_NEAR(q[0].gainDb, 2.0, kEps);
    EXPECT_TRUE(q[0].raiseLimitedByPeak);
    EXPECT_EQ(q[1].direction, Dir::Up);
}

TEST(Streaming, AppleSoundCheckGoesBothWaysAndReportsOvers) {
    const auto p = simulatePlayback(Service::AppleMusic, kTracks, -12.0);
    EXPECT_NEAR(p[0].gainDb, -6.0, kEps);  // -16 - (-10)
    EXPECT_NEAR(p[1].gainDb, 4.0, kEps);
    EXPECT_NEAR(p[3].gainDb, 4.0, kEps);
    EXPECT_NEAR(*p[3].peakAfterDbtp, 1.0, kEps);  // -3 + 4: over 0 dBTP, shown not hidden
}

TEST(Streaming, TurnDownOnlyServicesNeverRaise) {
    for (Service s : {Service::YouTube, Service::Tidal, Service::AmazonMusic, Service::Deezer}) {
        const auto p = simulatePlayback(s, kTracks, -12.0);
        const double ref = serviceRule(s).referenceLufs;
        EXPECT_NEAR(p[0].gainDb, ref + 10.0, kEps) << serviceName(s);
        EXPECT_EQ(p[0].direction, Dir::Down) << serviceName(s);
        EXPECT_EQ(p[1].gainDb, 0.0) << serviceName(s);
        EXPECT_EQ(p[1].direction, Dir::None) << serviceName(s);
        EXPECT_NEAR(*p[1].heardLufs, -20.0, kEps) << serviceName(s);
    }
    EXPECT_NEAR(simulatePlayback(Service::Deezer, kTracks, -12.0)[0].gainDb, -5.0, kEps);  // -15 - (-10)
}

TEST(Streaming, ReferenceLevelsFollowTheServices) {
    EXPECT_EQ(serviceRule(Service::SpotifyAlbum).referenceLufs, -14.0);
    EXPECT_EQ(serviceRule(Service::AppleMusic).referenceLufs, -16.0);
    EXPECT_EQ(serviceRule(Service::YouTube).referenceLufs, -14.0);
    EXPECT_EQ(serviceRule(Service::Tidal).referenceLufs, -14.0);
    EXPECT_EQ(serviceRule(Service::AmazonMusic).referenceLufs, -14.0);
    EXPECT_EQ(serviceRule(Service::Deezer).referenceLufs, -15.0);
    EXPECT_EQ(allServices().size(), 7u);
}

TEST(Streaming, PeakGuidanceDependsOnServiceAndLoudness) {
    // A: -10 LUFS at -1.5 dBTP: within -1 dBTP, but Spotify asks -2 dBTP of masters louder than
    // -14 LUFS and Amazon asks -2 dBTP of everything
    const std::vector<TrackLevels> t = {{-10.0, -1.5}, {-16.0, -1.5}};
    const auto spotify = simulatePlayback(Service::SpotifyShuffle, t, -12.0);
    EXPECT_TRUE(spotify[0].overPeakGuidance);
    EXPECT_FALSE(spotify[1].overPeakGuidance);
    EXPECT_FALSE(simulatePlayback(Service::YouTube, t, -12.0)[0].overPeakGuidance);
    EXPECT_TRUE(simulatePlayback(Service::AmazonMusic, t, -12.0)[1].overPeakGuidance);
}

TEST(Streaming, MarkdownTableHasARowPerServiceAndTrack) {
    const std::string md = playbackMarkdown({"Loud", "Quiet"}, {{-10.0, -0.5}, {-20.0, -8.0}}, -12.0);
    EXPECT_EQ(std::count(md.begin(), md.end(), '\n'), 2 + 7 * 2);
    EXPECT_NE(md.find("| Spotify (shuffle) | 2 | Quiet | -20.0 | -8.0 | +6.0 | up | -14.0 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| YouTube | 1 | Loud | -10.0 | -0.5 | -4.0 | down | -14.0 |"), std::string::npos)
        << md;
}
