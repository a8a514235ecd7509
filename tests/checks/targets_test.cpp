// SPDX-License-Identifier: GPL-3.0-or-later
// The target rules of src/checks/targets on hand-made readings: every loudness mode and anchor,
// the offset, undefined loudness, the peak rules and the limiting bound.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>

#include "lacquer/checks/check.hpp"
#include "lacquer/checks/targets.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer::checks {
namespace {

VariantPlan variant(LoudnessMode mode, AlbumAnchor anchor, double targetLufs) {
    VariantPlan v;
    v.name = "v";
    v.loudness.mode = mode;
    v.loudness.anchor = anchor;
    v.loudness.targetLufs = targetLufs;
    v.limiter = limiter::Params{};
    v.limiter->ceilingDbtp = -1.0;
    return v;
}

TrackReading reading(int number, std::optional<double> lufs, std::optional<double> truePeakDbtp = -3.0) {
    TrackReading t;
    t.number = number;
    t.title = "T" + std::to_string(number);
    t.frames = t.expectedFrames = 48000;
    t.loudness.integratedLufs = lufs;
    t.loudness.truePeakDbtp = truePeakDbtp;
    t.loudness.samplePeakDbfs = truePeakDbtp;
    t.limiterMaxGrDb = 0.0;
    return t;
}

const Check* find(const std::vector<Check>& cs, const std::string& id) {
    for (const auto& c : cs)
        if (c.id == id) return &c;
    return nullptr;
}

TEST(AlbumLoudnessCheck, TheLoudestTrackAnchorKeepsTheLoudSongOnTarget) {
    // A soft album with one loud song (album -16.5 LUFS): anchored on the average it would miss
    // -14 by 2.5 LU; anchored on the loudest track (AES TD1008) the -14.02 LUFS song is on target.
    const std::vector<TrackReading> tracks = {reading(1, -20.0), reading(2, -19.0), reading(3, -14.02), reading(4, std::nullopt)};
    const auto avg = checkAlbumLoudness(variant(LoudnessMode::Album, AlbumAnchor::Average, -14.0), -16.5, tracks);
    const auto loud = checkAlbumLoudness(variant(LoudnessMode::Album, AlbumAnchor::LoudestTrack, -14.0), -16.5, tracks);
    ASSERT_TRUE(avg && loud);
    EXPECT_EQ(avg->id, "album.loudness");
    EXPECT_EQ(avg->status, Status::Fail);
    EXPECT_EQ(avg->name, "album loudness on target");
    EXPECT_EQ(loud->id, "album.loudest_track");
    EXPECT_EQ(loud->status, Status::Pass) << loud->detail;
    EXPECT_EQ(loud->detail, "-14.02 LUFS vs target -14.00 (-0.02 LU)");
    // Track mode judges no album anchor; an all-silent album fails the album anchor.
    EXPECT_FALSE(checkAlbumLoudness(variant(LoudnessMode::Track, AlbumAnchor::Average, -14.0), -16.5, tracks));
    const auto silent = checkAlbumLoudness(variant(LoudnessMode::Album, AlbumAnchor::LoudestTrack, -14.0), std::nullopt,
                                           {reading(1, std::nullopt)});
    ASSERT_TRUE(silent);
    EXPECT_EQ(silent->status, Status::Fail);
}

TEST(TrackCheck, TrackModeAddsTheOffsetAndAllowsATenthOfALu) {
    auto v = variant(LoudnessMode::Track, AlbumAnchor::Average, -14.0);
    TrackReading t = reading(2, -16.09);
    t.loudnessOffsetLu = -2.0;
    // ±0.1 LU: EBU Tech 3341's tolerance, the rule's own constant.
    EXPECT_EQ(find(checkTrack(v, t).checks, "track.loudness")->status, Status::Pass);
    t.loudness.integratedLufs = -16.11;
    const auto verdict = checkTrack(v, t);
    const Check* c = find(verdict.checks, "track.loudness");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, Status::Fail);
    EXPECT_EQ(c->name, "track 2 (T2) loudness on target");
    EXPECT_EQ(c->expected, "-16.00 LUFS");
}

TEST(TrackCheck, ATrackWithoutItsOwnLoudnessIsNotJudgedAgainstTheTarget) {
    auto v = variant(LoudnessMode::Track, AlbumAnchor::Average, -14.0);
    TrackReading t = reading(1, -9.0);
    t.loudnessDefined = false;
    const auto verdict = checkTrack(v, t);
    EXPECT_FALSE(find(verdict.checks, "track.loudness"));
    const Check* c = find(verdict.checks, "track.loudness_undefined");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->ok());
}

TEST(TrackCheck, PeaksFileLengthAndLimitingBound) {
    auto v = variant(LoudnessMode::Album, AlbumAnchor::Average, -14.0);
    TrackReading t = reading(1, -14.0, -1.0);  // exactly at the ceiling passes without a re-read
    t.frames = 47999;
    t.limiterMaxGrDb = 7.0;  // over the default max_limiting_db of 6
    const auto verdict = checkTrack(v, t);
    EXPECT_FALSE(verdict.reread8x);
    EXPECT_EQ(find(verdict.checks, "track.true_peak")->status, Status::Pass);
    EXPECT_EQ(find(verdict.checks, "track.file_complete")->status, Status::Fail);
    EXPECT_EQ(find(verdict.checks, "track.limiting")->status, Status::Fail);
    // Without a limiter the rule is no clipping on the samples.
    v.limiter.reset();
    t.loudness.samplePeakDbfs = 0.0;
    const auto open = checkTrack(v, t);
    EXPECT_FALSE(find(open.checks, "track.true_peak"));
    EXPECT_FALSE(find(open.checks, "track.limiting"));
    EXPECT_EQ(find(open.checks, "track.no_clipping")->status, Status::Fail);
}

TEST(TrackCheck, APeakOverTheCeilingIsReadAgainEightTimesOversampledBeforeItFails) {
    // A 1 kHz sine of peak 0.95 (-0.446 dBFS) in a float WAV. The reading handed in says the
    // 4x meter is over the ceiling; the rule reads the file again 8x oversampled and judges by that.
    const auto dir = test::scratchDir();
    const auto file = dir / "sine.wav";
    test::writeAudio(file, test::sine(1000, 0.95, 1.0, 48000), SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    const double peakDb = 20 * std::log10(0.95);
    auto v = variant(LoudnessMode::Album, AlbumAnchor::Average, -14.0);
    TrackReading t = reading(1, -14.0, -0.2);
    t.file = file;

    v.limiter->ceilingDbtp = -1.0;  // the file is over it either way: fails after the re-read
    const auto over = checkTrack(v, t);
    ASSERT_TRUE(over.reread8x);
    ASSERT_TRUE(over.truePeak8xDbtp);
    // ±0.05 dB: the margin tests/loudness/reference_peak_test.cpp gives the 8x grid on a 0.47 fs
    // tone; at 1 kHz the grid's miss is far smaller, and the margin also holds the reconstruction
    // ringing at this sine's abrupt start and end.
    EXPECT_NEAR(*over.truePeak8xDbtp, peakDb, 0.05);
    const Check* c = find(over.checks, "track.true_peak");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, Status::Fail);
    EXPECT_EQ(c->detail.rfind("8x oversampled ", 0), 0u) << c->detail;

    v.limiter->ceilingDbtp = -0.3;  // the 4x reading (-0.2) is over, the file's 8x peak is not
    const auto rescued = checkTrack(v, t);
    ASSERT_TRUE(rescued.reread8x);
    EXPECT_EQ(find(rescued.checks, "track.true_peak")->status, Status::Pass) << find(rescued.checks, "track.true_peak")->detail;
}

TEST(CheckJson, WarningsStayOkAndSaySo) {
    EXPECT_EQ(toJson(judged("x", 0, "name", false, "d")), (nlohmann::json{{"name", "name"}, {"ok", false}, {"detail", "d"}}));
    EXPECT_EQ(toJson(warning("x", 0, "name", "d")),
              (nlohmann::json{{"name", "name"}, {"ok", true}, {"detail", "d"}, {"severity", "warn"}}));
}

}  // namespace
}  // namespace lacquer::checks
