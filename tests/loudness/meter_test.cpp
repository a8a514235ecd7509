// SPDX-License-Identifier: GPL-3.0-or-later
// loudness::Meter behaviour beyond the EBU conformance cases: undefined values are null, NaN never
// becomes a number, block splitting does not matter, album loudness is gated over all tracks,
// mono channel weighting, the 100 ms history.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <tuple>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/ebur128_meter.hpp"
#include "lacquer/loudness/meter.hpp"
#include "signals.hpp"
#include "support/paths.hpp"

namespace lacquer::test {
namespace {

// Tech 3341's tolerance for M, S and I readings of steady sines.
constexpr double kLoudnessToleranceLu = 0.1;

TEST(LoudnessMeter, SilenceHasNoLoudnessAndNoPeak) {
    AudioBuffer silence(2, 5 * 48000, 48000);
    const auto m = loudness::measure(silence);
    EXPECT_FALSE(m.integratedLufs.has_value());
    EXPECT_FALSE(m.loudnessRangeLu.has_value());
    EXPECT_FALSE(m.truePeakDbtp.has_value());
    EXPECT_FALSE(m.samplePeakDbfs.has_value());
    // Exact: 240000 frames at 48 kHz.
    EXPECT_DOUBLE_EQ(m.durationS, 5.0);
}

TEST(LoudnessMeter, ProgrammeUnder400MsHasNoIntegratedLoudness) {
    // BS.1770's first gating block is 400 ms long; a 300 ms tone has none.
    const auto m = loudness::measure(sineSegments({{-20, 0.3}}));
    EXPECT_FALSE(m.integratedLufs.has_value());
    EXPECT_FALSE(m.loudnessRangeLu.has_value());
    // Its peaks are still defined: 0.05 dB covers the interpolator's ripple at 1 kHz (±0.02 dB by
    // design, bs1770.hpp).
    ASSERT_TRUE(m.truePeakDbtp.has_value());
    EXPECT_NEAR(*m.truePeakDbtp, -20.0, 0.05);
}

TEST(LoudnessMeter, EmptyMeterHasNoLoudness) {
    loudness::Meter meter(2, 48000);
    const auto m = meter.result();
    EXPECT_FALSE(m.integratedLufs.has_value());
    EXPECT_FALSE(m.truePeakDbtp.has_value());
    EXPECT_FALSE(meter.momentaryLufs().has_value());
    EXPECT_FALSE(meter.shortTermLufs().has_value());
    EXPECT_EQ(m.durationS, 0.0);
}

TEST(LoudnessMeter, NanOrInfInputNeverBecomesANumber) {
    // libebur128 1.2.6 does not flag such input reliably (a NaN 1 s into a 5 s tone just drops the
    // gating blocks it touches: integrated -19.99 LUFS, true peak -20 dBTP, measured), so the
    // wrapper must turn every reading into null itself, wherever the bad sample sits.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (const auto& [frame, channel, value] :
         {std::tuple{0u, 0, nan}, std::tuple{48000u, 1, nan}, std::tuple{239999u, 0, nan},
          std::tuple{100000u, 1, -inf}}) {
        SCOPED_TRACE("frame " + std::to_string(frame) + " channel " + std::to_string(channel));
        AudioBuffer audio = sineSegments({{-20, 5}});
        audio.samples[static_cast<std::size_t>(channel)][frame] = value;
        loudness::Meter meter(2, 48000, {.history = loudness::History::Every100Ms});
        meter.add(audio.view());
        const auto m = meter.result();
        EXPECT_TRUE(m.nonFiniteInput);
        EXPECT_FALSE(m.integratedLufs.has_value());
        EXPECT_FALSE(m.loudnessRangeLu.has_value());
        EXPECT_FALSE(m.truePeakDbtp.has_value());
        EXPECT_FALSE(m.samplePeakDbfs.has_value());
        EXPECT_FALSE(m.maxShortTermLufs.has_value());
        EXPECT_FALSE(meter.momentaryLufs().has_value());
        EXPECT_FALSE(meter.shortTermLufs().has_value());
        EXPECT_FALSE(loudness::Meter::combinedIntegratedLufs({&meter}).has_value());
        // History before the bad sample's 100 ms period stays valid, none after it.
        const std::size_t badPeriod = frame / 4800;
        ASSERT_EQ(m.shortTermHistoryLufs.size(), 50u);
        for (std::size_t i = 0; i < m.shortTermHistoryLufs.size(); ++i) {
            EXPECT_EQ(m.shortTermHistoryLufs[i].has_value(), i < badPeriod) << "period " << i;
            if (m.shortTermHistoryLufs[i]) {
                EXPECT_TRUE(std::isfinite(*m.shortTermHistoryLufs[i]));
            }
        }
    }
}

TEST(LoudnessMeter, DecodeRefusesNanBeforeItReachesTheMeter) {
    AudioBuffer audio = sineSegments({{-20, 1}});
    audio.samples[1][100] = std::numeric_limits<float>::quiet_NaN();
    const auto file = scratchDir() / "nan.wav";
    writeWav(file, audio, WavSample::Float32);
    EXPECT_THROW(io::decode(file, io::Channels::Native), Error);
}

TEST(LoudnessMeter, ResultDoesNotDependOnBlockSplits) {
    // Pink-ish noise with a level change so that every reading moves.
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    AudioBuffer audio(2, 6 * 44100 + 123, 44100);
    float lp0 = 0, lp1 = 0;
    for (std::size_t n = 0; n < audio.frames(); ++n) {
        const float g = n < audio.frames() / 2 ? 1.0f : 0.3f;
        lp0 = 0.9f * lp0 + noise(rng);
        lp1 = 0.9f * lp1 + noise(rng);
        audio.samples[0][n] = g * lp0 * 0.2f;
        audio.samples[1][n] = g * lp1 * 0.2f;
    }
    const loudness::MeterOptions options{.history = loudness::History::Every100Ms};
    const auto whole = loudness::measure(audio, options);

    loudness::Meter meter(2, 44100, options);
    std::mt19937 splits(11);
    std::uniform_int_distribution<std::size_t> size(1, 9000);
    BlockView view = audio.view();
    for (std::size_t at = 0; at < audio.frames();) {
        const std::size_t n = std::min(size(splits), audio.frames() - at);
        meter.add(view.slice(at, n));
        at += n;
    }
    const auto split = meter.result();
    // Exact: the meter filters and sums sample by sample on a 100 ms grid counted from the first
    // frame, so the split cannot change any value.
    EXPECT_EQ(whole.integratedLufs, split.integratedLufs);
    EXPECT_EQ(whole.loudnessRangeLu, split.loudnessRangeLu);
    EXPECT_EQ(whole.truePeakDbtp, split.truePeakDbtp);
    EXPECT_EQ(whole.samplePeakDbfs, split.samplePeakDbfs);
    EXPECT_EQ(whole.shortTermHistoryLufs, split.shortTermHistoryLufs);
    EXPECT_EQ(whole.momentaryHistoryLufs, split.momentaryHistoryLufs);
    // 6 s + 123 frames: 60 complete 100 ms periods.
    EXPECT_EQ(split.shortTermHistoryLufs.size(), 60u);
}

TEST(LoudnessMeter, HistoryAgreesWithLibebur128Windows) {
    // 10 s at -30 then 10 s at -20: the history's last entries must equal the meter's own
    // momentary and short-term readings, and libebur128's (the programme ends on a 100 ms
    // boundary, so both read the same 400 ms and 3 s of audio).
    AudioBuffer audio = sineSegments({{-30, 10}, {-20, 10}});
    loudness::Meter meter(2, 48000, {.history = loudness::History::Every100Ms});
    meter.add(audio.view());
    loudness::Ebur128Meter reference(2, 48000);
    reference.add(audio.view());
    const auto m = meter.result();
    ASSERT_EQ(m.shortTermHistoryLufs.size(), 200u);
    ASSERT_TRUE(m.shortTermHistoryLufs.back() && meter.shortTermLufs());
    ASSERT_TRUE(m.momentaryHistoryLufs.back() && meter.momentaryLufs());
    // 1e-9 LU: the same energies summed in a different order.
    EXPECT_NEAR(*m.shortTermHistoryLufs.back(), *meter.shortTermLufs(), 1e-9);
    EXPECT_NEAR(*m.momentaryHistoryLufs.back(), *meter.momentaryLufs(), 1e-9);
    // 1e-6 LU: both K-weight in double (we in two biquads, libebur128 in one fourth-order
    // section) and sum the same samples; what is left is rounding.
    ASSERT_TRUE(reference.shortTermLufs() && reference.momentaryLufs());
    EXPECT_NEAR(*meter.shortTermLufs(), *reference.shortTermLufs(), 1e-6);
    EXPECT_NEAR(*meter.momentaryLufs(), *reference.momentaryLufs(), 1e-6);
    // After 3 s at -30 the short-term window holds only -30 audio (Tech 3341 tolerance).
    ASSERT_TRUE(m.shortTermHistoryLufs[49].has_value());
    EXPECT_NEAR(*m.shortTermHistoryLufs[49], -30.0, kLoudnessToleranceLu);
    ASSERT_TRUE(m.maxShortTermLufs && m.maxMomentaryLufs);
    EXPECT_NEAR(*m.maxShortTermLufs, -20.0, kLoudnessToleranceLu);
    EXPECT_NEAR(*m.maxMomentaryLufs, -20.0, kLoudnessToleranceLu);
    // Without the option no history is kept.
    EXPECT_TRUE(loudness::measure(audio).shortTermHistoryLufs.empty());
}

TEST(LoudnessMeter, AlbumLoudnessIsGatedOverAllTracksNotAnAverage) {
    // 20 s at -23 and 20 s at -33 (stereo, 1 kHz): all blocks pass both gates, so the album reads
    // the mean energy, -23 + 10·log10((1 + 0.1) / 2) = -25.60 LUFS; an average of the two track
    // readings would say -28.
    loudness::Meter a(2, 48000), b(2, 44100);
    AudioBuffer loud = sineSegments({{-23, 20}});
    AudioBuffer quiet = sineSegments({{-33, 20}}, 44100);
    a.add(loud.view());
    b.add(quiet.view());
    const auto album = loudness::Meter::combinedIntegratedLufs({&a, &b});
    ASSERT_TRUE(album.has_value());
    EXPECT_NEAR(*album, -23.0 + 10.0 * std::log10(0.55), kLoudnessToleranceLu);
    // Two steady levels 10 LU apart: LRA as Tech 3342 case 1 (±1 LU).
    const auto lra = loudness::Meter::combinedLoudnessRangeLu({&a, &b});
    ASSERT_TRUE(lra.has_value());
    EXPECT_NEAR(*lra, 10.0, 1.0);
    EXPECT_FALSE(loudness::Meter::combinedIntegratedLufs({}).has_value());
}

TEST(LoudnessMeter, AlbumLoudnessUnderPerTrackGainsNeedsNoSecondPass) {
    // Album loudness as if track a were 4 dB louder and b 7 dB quieter, from the unscaled
    // meters, against meters fed the scaled audio: 1e-5 LU (float scaling of the samples and
    // double scaling of the energies round differently, about 1e-7 relative).
    AudioBuffer a = sineSegments({{-20, 6}, {-30, 6}});
    AudioBuffer b = sineSegments({{-25, 8}}, 44100);
    loudness::Meter ma(2, 48000), mb(2, 44100), sa(2, 48000), sb(2, 44100);
    ma.add(a.view());
    mb.add(b.view());
    for (auto& ch : a.samples)
        for (float& v : ch) v *= static_cast<float>(std::pow(10.0, 4.0 / 20.0));
    for (auto& ch : b.samples)
        for (float& v : ch) v *= static_cast<float>(std::pow(10.0, -7.0 / 20.0));
    sa.add(a.view());
    sb.add(b.view());
    const auto fromGains = loudness::Meter::combinedIntegratedLufs({&ma, &mb}, {4.0, -7.0});
    const auto fromAudio = loudness::Meter::combinedIntegratedLufs({&sa, &sb});
    ASSERT_TRUE(fromGains && fromAudio);
    EXPECT_NEAR(*fromGains, *fromAudio, 1e-5);
    // The gains matter: they move the tracks' blocks against each other and against the gates.
    EXPECT_NE(*loudness::Meter::combinedIntegratedLufs({&ma, &mb}), *fromGains);
}

TEST(LoudnessMeter, AlbumOfSilenceHasNoLoudness) {
    loudness::Meter a(2, 48000);
    AudioBuffer silence(2, 48000 * 2, 48000);
    a.add(silence.view());
    EXPECT_FALSE(loudness::Meter::combinedIntegratedLufs({&a}).has_value());
    EXPECT_FALSE(loudness::Meter::combinedLoudnessRangeLu({&a}).has_value());
}

TEST(LoudnessMeter, MonoIsOneFrontChannelUnlessDualMono) {
    // BS.1770 weights each front channel 1.0: one channel carrying a -23 dBFS sine has half the
    // power of two, so it reads -23 - 3.01 LUFS; as dual mono it reads -23 (Tech 3341 tolerance).
    const AudioBuffer mono = sineSegments({{-23, 10}}, 48000, 1);
    const auto single = loudness::measure(mono);
    const auto dual = loudness::measure(mono, {.mono = loudness::MonoMode::DualMono});
    ASSERT_TRUE(single.integratedLufs && dual.integratedLufs);
    EXPECT_NEAR(*single.integratedLufs, -23.0 - 10.0 * std::log10(2.0), kLoudnessToleranceLu);
    EXPECT_NEAR(*dual.integratedLufs, -23.0, kLoudnessToleranceLu);
}

TEST(LoudnessMeter, TruePeakOffLeavesLoudnessUnchanged) {
    const AudioBuffer audio = sineSegments({{-18, 4}, {-28, 4}});
    const auto on = loudness::measure(audio);
    const auto off = loudness::measure(audio, {.truePeak = loudness::TruePeak::Off});
    EXPECT_FALSE(off.truePeakDbtp.has_value());
    EXPECT_TRUE(on.truePeakDbtp.has_value());
    // Exact: the true-peak interpolator is a separate path; gating and peaks do not share it.
    EXPECT_EQ(on.integratedLufs, off.integratedLufs);
    EXPECT_EQ(on.loudnessRangeLu, off.loudnessRangeLu);
    EXPECT_EQ(on.samplePeakDbfs, off.samplePeakDbfs);
}

TEST(LoudnessMeter, MovedMeterKeepsItsState) {
    AudioBuffer audio = sineSegments({{-23, 5}});
    loudness::Meter first(2, 48000);
    first.add(audio.view());
    loudness::Meter second = std::move(first);
    const auto m = second.result();
    ASSERT_TRUE(m.integratedLufs.has_value());
    EXPECT_NEAR(*m.integratedLufs, -23.0, kLoudnessToleranceLu);  // Tech 3341 tolerance
    EXPECT_EQ(second.framesAdded(), audio.frames());
}

TEST(LoudnessMeter, RefusedParametersThrowIoErrorNamingTheMeter) {
    try {
        loudness::Meter meter(0, 48000);
        FAIL() << "0 channels accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Io);
        EXPECT_NE(std::string(e.what()).find("loudness::Meter"), std::string::npos) << e.what();
    }
    try {
        loudness::Meter meter(2, 1.0);  // the K-weighting design needs rates from 8 kHz up
        FAIL() << "1 Hz accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Io);
        EXPECT_NE(std::string(e.what()).find("loudness::Meter"), std::string::npos) << e.what();
    }
    try {
        loudness::Ebur128Meter meter(0, 48000);
        FAIL() << "0 channels accepted by the reference";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("ebur128_init"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace lacquer::test
