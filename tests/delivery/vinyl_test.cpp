// SPDX-License-Identifier: GPL-3.0-or-later
// Vinyl formats, side planning, cutting sheet and the measurements behind the cutting warnings.
#include "lacquer/delivery/vinyl.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "support/audio_files.hpp"

using namespace lacquer;
using namespace lacquer::delivery;

namespace {

std::vector<VinylTrack> evenTracks(int n, double seconds) {
    std::vector<VinylTrack> t;
    for (int i = 1; i <= n; ++i) t.push_back({i, "T" + std::to_string(i), seconds, -14.0, -20.0});
    return t;
}

bool anyContains(const std::vector<Diagnostic>& ds, const std::string& text) {
    return std::any_of(ds.begin(), ds.end(),
                       [&](const Diagnostic& d) { return d.line().find(text) != std::string::npos; });
}

AudioBuffer twoTone(double f1, double a1, double f2, double a2, double phase2, double seconds,
                    double rate = 44100) {
    AudioBuffer b(2, static_cast<std::size_t>(seconds * rate), rate);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const double t = static_cast<double>(i) / rate;
        b.samples[0][i] = static_cast<float>(a1 * std::sin(2 * std::numbers::pi * f1 * t));
        b.samples[1][i] = static_cast<float>(a2 * std::sin(2 * std::numbers::pi * f2 * t + phase2));
    }
    return b;
}

}  // namespace

TEST(VinylFormats, TableHoldsTheReferenceSideLengths) {
    const auto f = vinylFormat("12in-33");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->idealMaxS, 19 * 60 + 30);
    EXPECT_EQ(f->maxS, 22 * 60);
    EXPECT_EQ(vinylFormat("12in-45")->maxS, 14 * 60 + 30);
    EXPECT_EQ(vinylFormat("10in-33")->idealMaxS, 13 * 60 + 30);
    EXPECT_EQ(vinylFormat("7in-45")->idealMaxS, 5 * 60);
    EXPECT_FALSE(vinylFormat("8-track"));
}

TEST(VinylPlan, BalancesAnLpOverTwoSides) {
    const auto plan = planSides(evenTracks(8, 240), *vinylFormat("12in-33"), SideOrder::KeepRunningOrder);
    ASSERT_EQ(plan.sides.size(), 2u);
    EXPECT_EQ(plan.sides[0].tracks, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(plan.sides[1].tracks, (std::vector<int>{5, 6, 7, 8}));
    EXPECT_EQ(plan.sides[0].durationS, 960.0);
    EXPECT_TRUE(plan.warnings.empty());
    EXPECT_TRUE(plan.errors.empty());
}

TEST(VinylPlan, WarnsWhenSidesRunOverTheIdeal) {
    // 40 minutes: two 20-minute sides fit the 22:00 maximum but not the 19:30 ideal
    const auto plan = planSides(evenTracks(10, 240), *vinylFormat("12in-33"));
    ASSERT_EQ(plan.sides.size(), 2u);
    EXPECT_EQ(plan.warnings.size(), 2u);
    EXPECT_TRUE(anyContains(plan.warnings, "side A: the side lasts 20:00.00, over the ideal 19:30.00"));
}

TEST(VinylPlan, NeedsAnEvenNumberOfSidesWhenOneDiscIsNotEnough) {
    // 54 minutes: 3 sides would do, a double LP has 4; 12 tracks split 3/3/3/3
    const auto plan = planSides(evenTracks(12, 270), *vinylFormat("12in-33"));
    ASSERT_EQ(plan.sides.size(), 4u);
    for (const auto& s : plan.sides) EXPECT_EQ(s.tracks.size(), 3u);
    EXPECT_EQ(plan.sides[3].name, "D");
}

TEST(VinylPlan, PutsLoudAndBrightTracksFirstOnASide) {
    std::vector<VinylTrack> t = {
        {1, "a", 200, -14, -20}, {2, "b", 200, -9, -25}, {3, "c", 200, -12, -20}, {4, "d", 200, -9, -15}};
    // demand = LUFS + 0.5 x brightness: -24, -21.5, -22, -16.5
    const auto plan = planSides(t, *vinylFormat("12in-45"), SideOrder::LoudBrightFirst);
    ASSERT_EQ(plan.sides.size(), 2u);
    EXPECT_EQ(plan.sides[0].tracks, (std::vector<int>{2, 1}));
    EXPECT_EQ(plan.sides[1].tracks, (std::vector<int>{4, 3}));
}

TEST(VinylPlan, KeepRunningOrderPlansTheSameSidesInAlbumOrder) {
    // The same four tracks as above, where loud-and-bright-first reorders both sides: with
    // KeepRunningOrder each side holds the same tracks in running order (manifest side_order: running).
    std::vector<VinylTrack> t = {
        {1, "a", 200, -14, -20}, {2, "b", 200, -9, -25}, {3, "c", 200, -12, -20}, {4, "d", 200, -9, -15}};
    const auto planned = planSides(t, *vinylFormat("12in-45"), SideOrder::LoudBrightFirst);
    const auto running = planSides(t, *vinylFormat("12in-45"), SideOrder::KeepRunningOrder);
    ASSERT_EQ(running.sides.size(), 2u);
    EXPECT_EQ(running.sides[0].tracks, (std::vector<int>{1, 2}));
    EXPECT_EQ(running.sides[1].tracks, (std::vector<int>{3, 4}));
    for (std::size_t s = 0; s < 2; ++s) {
        EXPECT_NE(running.sides[s].tracks, planned.sides[s].tracks);  // the order does differ here
        EXPECT_EQ(running.sides[s].durationS, planned.sides[s].durationS);
    }
}

TEST(VinylPlan, ATrackLongerThanASideIsAnError) {
    const auto plan = planSides({{1, "Epic", 360, -14, -20}}, *vinylFormat("7in-45"));
    EXPECT_TRUE(anyContains(plan.errors,
                            "track 1 \"Epic\": the track lasts 6:00.00, longer than a whole 7\" 45 side"));
    EXPECT_TRUE(anyContains(plan.warnings, "over the 5:00.00"));
}

TEST(VinylPlan, ManualSidesAreKeptAndChecked) {
    const auto tracks = evenTracks(4, 300);
    const auto ok = manualSides(tracks, {{"A", {2, 1}}, {"B", {3, 4}}}, *vinylFormat("12in-45"));
    EXPECT_TRUE(ok.errors.empty());
    EXPECT_EQ(ok.sides[0].tracks, (std::vector<int>{2, 1}));  // the given order stands
    EXPECT_TRUE(ok.warnings.empty());                         // 10:00 per side, within 12:00
    const auto bad = manualSides(tracks, {{"A", {1, 2, 3, 1}}, {"B", {7}}}, *vinylFormat("12in-45"));
    EXPECT_TRUE(anyContains(bad.errors, "side A: track 1 is already on side A"));
    EXPECT_TRUE(anyContains(bad.errors, "side B: track 7 is not on the album"));
    EXPECT_TRUE(anyContains(bad.errors, "track 4 \"T4\": the track is on no side"));
    EXPECT_TRUE(anyContains(bad.warnings, "side A: the side lasts 15:00.00, over the 14:30.00"));
}

TEST(VinylCorrelation, InPhaseAntiPhaseAndQuadratureBass) {
    // Pearson correlation of two sines: cos(phase difference). Tolerance 0.01: the 1 s windows
    // hold whole numbers of 60 Hz cycles, so the residue is the filter's start-up transient.
    EXPECT_NEAR(*lowFrequencyCorrelation(twoTone(60, 0.5, 60, 0.5, 0.0, 4)).overall, 1.0, 0.01);
    EXPECT_NEAR(*lowFrequencyCorrelation(twoTone(60, 0.5, 60, 0.5, std::numbers::pi, 4)).overall, -1.0, 0.01);
    EXPECT_NEAR(*lowFrequencyCorrelation(twoTone(60, 0.5, 60, 0.5, std::numbers::pi / 2, 4)).overall, 0.0,
                0.01);
    EXPECT_FALSE(lowFrequencyCorrelation(AudioBuffer(2, 44100, 44100)).overall);  // silence: undefined
}

TEST(VinylCorrelation, OnlyTheLowBandCounts) {
    // in-phase 60 Hz plus anti-phase 3 kHz: the 250 Hz low-pass (4th order, about -86 dB at
    // 3 kHz) leaves the 60 Hz; tolerance 0.01 as above
    AudioBuffer b = twoTone(60, 0.3, 60, 0.3, 0.0, 4);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const float hf = static_cast<float>(
            0.3 * std::sin(2 * std::numbers::pi * 3000.0 * static_cast<double>(i) / 44100.0));
        b.samples[0][i] += hf;
        b.samples[1][i] -= hf;
    }
    EXPECT_NEAR(*lowFrequencyCorrelation(b).overall, 1.0, 0.01);
}

TEST(VinylCorrelation, AShortAntiPhaseBurstIsFoundAndWarned) {
    // 10 s of in-phase bass with 2 s (from 4 s) of anti-phase bass
    AudioBuffer b = twoTone(60, 0.5, 60, 0.5, 0.0, 10);
    for (std::size_t i = 4 * 44100; i < 6 * 44100; ++i) b.samples[1][i] = -b.samples[1][i];
    const auto c = lowFrequencyCorrelation(b);
    EXPECT_GT(*c.overall, 0.5);  // (8 - 2) / 10 = 0.6 energy-weighted
    EXPECT_LT(*c.minimum, -0.9);
    EXPECT_NEAR(c.minimumAtS, 4.0, 0.51);  // windows start every 0.5 s
    const auto w = cuttingWarnings("track 1", c, {});
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(anyContains(w, "falls to -1.00"));
}

// The per-window reading is judged against the loudest passage (CorrelationReading::minimum):
// 8 s of in-phase 60 Hz at 0.5, then 2 s of a quadrature (uncorrelated: own correlation 0) pair at
// `amp`. The quadrature windows' side energy is half their energy, so they read 1 - (amp/0.5)^2:
// 0.99 at -20 dB (a wide pad in a quiet outro), 0 at the loud level. Tolerance 0.02: the
// 1 s windows straddling the change mix the two parts, and the 250 Hz filter's start.
AudioBuffer inPhaseThenQuadrature(double amp) {
    AudioBuffer b = twoTone(60, 0.5, 60, 0.5, 0.0, 10);
    for (std::size_t i = 8 * 44100; i < b.frames(); ++i) {
        const double t = static_cast<double>(i) / 44100.0;
        b.samples[0][i] = static_cast<float>(amp * std::sin(2 * std::numbers::pi * 60.0 * t));
        b.samples[1][i] = static_cast<float>(amp * std::cos(2 * std::numbers::pi * 60.0 * t));
    }
    return b;
}

TEST(VinylCorrelation, AWideQuietPassageDoesNotWarnButAWideLoudOneDoes) {
    const auto quiet = lowFrequencyCorrelation(inPhaseThenQuadrature(0.05));
    EXPECT_NEAR(*quiet.minimum, 0.99, 0.02);
    EXPECT_TRUE(cuttingWarnings("t", quiet, {}).empty());
    const auto loud = lowFrequencyCorrelation(inPhaseThenQuadrature(0.5));
    EXPECT_GT(*loud.overall, 0.5);  // 8 s in phase, 2 s uncorrelated: about 0.8 energy-weighted
    EXPECT_NEAR(*loud.minimum, 0.0, 0.02);
    // One of the windows wholly inside the quadrature part (8.0, 8.5 or 9.0 s: they tie).
    EXPECT_GE(loud.minimumAtS, 8.0);
    EXPECT_LE(loud.minimumAtS, 9.0);
    EXPECT_TRUE(anyContains(cuttingWarnings("t", loud, {}), "falls to"));
}

TEST(VinylHf, DarkProgrammeIsQuietAndBrightOneWarns) {
    // 200 Hz + 1 kHz with a 12 kHz tone 40 dB down: top-octave share about -43 dB
    AudioBuffer dark = twoTone(200, 0.3, 1000, 0.3, 0.0, 2);
    for (std::size_t i = 0; i < dark.frames(); ++i)
        dark.samples[0][i] += static_cast<float>(
            0.003 * std::sin(2 * std::numbers::pi * 12000.0 * static_cast<double>(i) / 44100.0));
    const auto d = hfEnergy(dark);
    EXPECT_LT(*d.topOctaveShareDb, -30.0);
    EXPECT_TRUE(cuttingWarnings("t", {}, d).empty());
    // white noise: 10-20 kHz is half of 20 Hz-20 kHz, about -3 dB, far above pink noise's -10 dB
    AudioBuffer white(2, 44100 * 2, 44100);
    unsigned s = 1;
    for (auto& ch : white.samples)
        for (auto& v : ch) {
            s = s * 1664525u + 1013904223u;
            v = static_cast<float>((s >> 8) * (1.0 / 16777216.0) - 0.5) * 0.5f;
        }
    const auto w = hfEnergy(white);
    EXPECT_NEAR(*w.topOctaveShareDb, -3.0, 1.0);  // band edges are 4th-order slopes: +/-1 dB
    EXPECT_TRUE(anyContains(cuttingWarnings("t", {}, w), "top octave"));
}

TEST(VinylHf, PinkNoiseSitsNearTheThreshold) {
    // the threshold's reference: pink noise has about -10 dB in its top octave; the test
    // signal's pink filter is an approximation, so +/-1.5 dB
    const auto p = hfEnergy(test::musicNoise(4.0, 44100, 2, 3));
    EXPECT_NEAR(*p.topOctaveShareDb, kTopOctaveWarnDb, 1.5);
}

TEST(VinylHf, SibilantBurstIsFoundAndWarned) {
    // 100 Hz bed at 0.1 with a 7 kHz burst at 0.3 from 1.0 s to 1.1 s
    AudioBuffer b = twoTone(100, 0.1, 100, 0.1, 0.0, 3);
    for (std::size_t i = 44100; i < 44100 + 4410; ++i)
        for (auto& ch : b.samples)
            ch[i] += static_cast<float>(
                0.3 * std::sin(2 * std::numbers::pi * 7000.0 * static_cast<double>(i) / 44100.0));
    const auto h = hfEnergy(b);
    EXPECT_GT(*h.sibilanceShareDb, -1.0);    // 7 kHz carries 90 % of the window's energy
    EXPECT_NEAR(h.sibilanceAtS, 1.0, 0.06);  // 50 ms windows
    EXPECT_TRUE(anyContains(cuttingWarnings("t", {}, h), "de-ess"));
    const auto bed = hfEnergy(twoTone(100, 0.1, 100, 0.1, 0.0, 3));
    EXPECT_LT(*bed.sibilanceShareDb, -60.0);
}

// Sibilance is judged against the loudest moment (HfReading): 2 s of a loud 100 Hz bed at 0.5,
// then 1 s of a 7 kHz tone alone at `level` dB under the bed. The tone's window is all 5-10 kHz
// (its own share 0 dB, which the old rule warned on whatever its level); against the bed's window
// it reads `level` dB, less the band filters' loss at 7 kHz (4th-order Butterworth edges at 5 and
// 10 kHz: about -0.5 dB). Cases 1.5 dB either side of the -10 dB threshold cover that loss.
AudioBuffer bedThenTone(double levelDb) {
    const double rate = 44100;
    AudioBuffer b(2, static_cast<std::size_t>(3 * rate), rate);
    const double tone = 0.5 * std::pow(10.0, levelDb / 20.0);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const double t = static_cast<double>(i) / rate;
        const double v = t < 2.0 ? 0.5 * std::sin(2 * std::numbers::pi * 100.0 * t)
                                 : tone * std::sin(2 * std::numbers::pi * 7000.0 * t);
        b.samples[0][i] = b.samples[1][i] = static_cast<float>(v);
    }
    return b;
}

TEST(VinylHf, ABrightMomentWarnsOnlyNearTheLoudPassagesLevel) {
    const auto quiet = hfEnergy(bedThenTone(-20.0));  // a hi-hat in a quiet break
    EXPECT_NEAR(*quiet.sibilanceShareDb, -20.0, 1.0);  // -0.5 dB band-filter loss, see above
    EXPECT_GE(quiet.sibilanceAtS, 1.95);  // one of the tone's windows (they tie; 50 ms windows)
    EXPECT_LT(quiet.sibilanceAtS, 3.0);
    EXPECT_TRUE(cuttingWarnings("t", {}, quiet).empty());
    EXPECT_TRUE(cuttingWarnings("t", {}, hfEnergy(bedThenTone(-11.5))).empty());  // just inside
    EXPECT_TRUE(anyContains(cuttingWarnings("t", {}, hfEnergy(bedThenTone(-8.5))), "de-ess"));
    EXPECT_TRUE(anyContains(cuttingWarnings("t", {}, hfEnergy(bedThenTone(0.0))), "loudest moment"));
}

TEST(CuttingSheet, StartsAccumulateAfterTheLeadIn) {
    VinylPlan plan;
    plan.sides = {{"A", {2, 1}, 0}, {"B", {3}, 0}};
    const std::vector<TrackFacts> facts = {{1, "One", 200.0, -1.5, -16.0},
                                           {2, "Two", 150.5, -2.0, -15.0},
                                           {3, "Three", 100.0, std::nullopt, std::nullopt}};
    const auto rows = cuttingSheet(plan, facts, 0.5);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].track, 2);
    EXPECT_EQ(rows[0].startS, 0.5);
    EXPECT_EQ(rows[1].track, 1);
    EXPECT_EQ(rows[1].startS, 151.0);
    EXPECT_EQ(rows[2].side, "B");
    EXPECT_EQ(rows[2].startS, 0.5);
    const std::string md = cuttingSheetMarkdown(rows);
    EXPECT_NE(md.find("| A | 1 | One | 2:31.00 | 3:20.00 | -1.5 | -16.0 |"), std::string::npos) << md;
}

TEST(VinylSide, SideFileIsLeadInTracksAndLeadOut) {
    const AudioBuffer a = test::musicNoise(1.0, 48000, 2, 1);
    const AudioBuffer b = test::musicNoise(1.5, 48000, 2, 2);
    const AudioBuffer side = assembleSide({&a, &b}, 0.25, 0.5);
    ASSERT_EQ(side.frames(), 12000 + a.frames() + b.frames() + 24000);
    for (int c = 0; c < 2; ++c) {
        const auto& s = side.samples[static_cast<std::size_t>(c)];
        EXPECT_TRUE(std::all_of(s.begin(), s.begin() + 12000, [](float v) { return v == 0.0f; }));
        EXPECT_TRUE(std::equal(a.samples[static_cast<std::size_t>(c)].begin(),
                               a.samples[static_cast<std::size_t>(c)].end(), s.begin() + 12000));
        EXPECT_TRUE(std::equal(b.samples[static_cast<std::size_t>(c)].begin(),
                               b.samples[static_cast<std::size_t>(c)].end(),
                               s.begin() + 12000 + static_cast<std::ptrdiff_t>(a.frames())));
        EXPECT_TRUE(std::all_of(s.end() - 24000, s.end(), [](float v) { return v == 0.0f; }));
    }
}
