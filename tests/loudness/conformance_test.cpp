// SPDX-License-Identifier: GPL-3.0-or-later
// EBU Tech 3341 (V4) and Tech 3342 conformance, measured through lacquer's own decode and meter
// path: each signal is synthesised here from the spec's tables, written as a WAV with libsndfile,
// decoded with io::decode(Channels::Native) and measured with loudness::Meter / loudness::measure.
//
// Facts copied from the specs (nothing is read from outside the repository at test time):
// - Signals are 48 kHz stereo, a 1 kHz sine in phase in both channels, levels per channel in dBFS
//   (peak), unless a case says otherwise.
// - Calibration (BS.1770-4): a 1 kHz sine in both channels at L dBFS peak per channel reads L LUFS.
// - Momentary 0.4 s, short-term 3 s (ungated); integrated gated at -70 LUFS absolute and -10 LU
//   relative, 400 ms blocks with 75 % overlap.
// - LRA (Tech 3342): 3 s windows, absolute gate -70 LUFS, relative gate -20 LU, 95th minus 10th
//   percentile of the gated short-term distribution.
// - Tolerances (Tech 3341/3342, as libebur128's own tests use them): M, S, I ±0.1 LU; LRA ±1 LU;
//   true peak +0.2/-0.4 dB.
// - FFS = full scale (1.0). A sine of amplitude A at fs/4 with phase φ has samples A·sin(φ + nπ/2):
//   at 45° they sit at 0.707·A while the true peak is A.
// - Reference readings of the official files for cases 15-23 (libebur128 1.2.6 and ffmpeg 5.1 on
//   Debian 12): -6.00, -6.03, -5.99, -6.00, +2.98, -0.13, -0.09, -0.18, -0.09 dBTP.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string>

#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "signals.hpp"
#include "support/paths.hpp"

namespace lacquer::test {
namespace {

// Tech 3341: momentary, short-term and integrated loudness within ±0.1 LU of the expected value.
constexpr double kLoudnessToleranceLu = 0.1;
// Tech 3342: loudness range within ±1 LU.
constexpr double kLraToleranceLu = 1.0;
// Tech 3341: true peak may read 0.2 dB over or 0.4 dB under the expected value (an oversampling
// meter under-reads inter-sample peaks slightly; it must not over-read by much).
constexpr double kTruePeakOverDb = 0.2;
constexpr double kTruePeakUnderDb = 0.4;

// What our decode + meter path reads from a WAV written from `audio`.
struct FileReading {
    loudness::Measurement measurement;
    std::optional<double> momentaryLufs;  // at the end of the programme
    std::optional<double> shortTermLufs;  // at the end of the programme
};

FileReading measureThroughFile(const AudioBuffer& audio, const std::string& name,
                               WavSample sample = WavSample::Float32) {
    const auto file = scratchDir() / (name + ".wav");
    writeWav(file, audio, sample);
    const AudioBuffer decoded = io::decode(file, io::Channels::Native);
    EXPECT_EQ(decoded.channels(), audio.channels());
    EXPECT_EQ(decoded.frames(), audio.frames());
    EXPECT_EQ(decoded.sampleRateHz, audio.sampleRateHz);
    loudness::Meter meter(decoded.channels(), decoded.sampleRateHz);
    AudioBuffer copy = decoded;
    meter.add(copy.view());
    FileReading r{meter.result(), meter.momentaryLufs(), meter.shortTermLufs()};
    std::filesystem::remove(file);  // keeps the scratch folder small (case 4 is 38 MB)
    return r;
}

void expectNear(const std::optional<double>& actual, double expected, double tolerance, const char* what) {
    ASSERT_TRUE(actual.has_value()) << what << ": expected " << expected << ", got null";
    EXPECT_NEAR(*actual, expected, tolerance) << what;
}

void expectTruePeak(const std::optional<double>& actual, double expectedDbtp) {
    ASSERT_TRUE(actual.has_value()) << "true peak: expected " << expectedDbtp << " dBTP, got null";
    EXPECT_LE(*actual, expectedDbtp + kTruePeakOverDb) << "true peak over-reads";
    EXPECT_GE(*actual, expectedDbtp - kTruePeakUnderDb) << "true peak under-reads";
}

// ---- Tech 3341 cases 1-5: loudness ----

TEST(Tech3341, Case1SineAtMinus23ReadsMinus23) {
    // 1 kHz, -23 dBFS, 20 s: M, S, I = -23.0 ±0.1 LUFS.
    const auto r = measureThroughFile(sineSegments({{-23, 20}}), "case1");
    expectNear(r.momentaryLufs, -23.0, kLoudnessToleranceLu, "M");
    expectNear(r.shortTermLufs, -23.0, kLoudnessToleranceLu, "S");
    expectNear(r.measurement.integratedLufs, -23.0, kLoudnessToleranceLu, "I");
}

TEST(Tech3341, Case2SineAtMinus33ReadsMinus33) {
    // 1 kHz, -33 dBFS, 20 s: M, S, I = -33.0 ±0.1 LUFS.
    const auto r = measureThroughFile(sineSegments({{-33, 20}}), "case2");
    expectNear(r.momentaryLufs, -33.0, kLoudnessToleranceLu, "M");
    expectNear(r.shortTermLufs, -33.0, kLoudnessToleranceLu, "S");
    expectNear(r.measurement.integratedLufs, -33.0, kLoudnessToleranceLu, "I");
}

TEST(Tech3341, Case3RelativeGateRemovesQuietEnds) {
    // 10 s at -36, 60 s at -23, 10 s at -36: I = -23.0 ±0.1 (the -36 parts fall under the
    // relative gate).
    const auto r = measureThroughFile(sineSegments({{-36, 10}, {-23, 60}, {-36, 10}}), "case3");
    expectNear(r.measurement.integratedLufs, -23.0, kLoudnessToleranceLu, "I");
}

TEST(Tech3341, Case4AbsoluteAndRelativeGates) {
    // 10 s -72, 10 s -36, 60 s -23, 10 s -36, 10 s -72: I = -23.0 ±0.1.
    const auto r = measureThroughFile(sineSegments({{-72, 10}, {-36, 10}, {-23, 60}, {-36, 10}, {-72, 10}}),
                                      "case4");
    expectNear(r.measurement.integratedLufs, -23.0, kLoudnessToleranceLu, "I");
}

TEST(Tech3341, Case5LouderMiddleGatesCorrectly) {
    // 20 s -26, 20.1 s -20, 20 s -26: I = -23.0 ±0.1.
    const auto r = measureThroughFile(sineSegments({{-26, 20}, {-20, 20.1}, {-26, 20}}), "case5");
    expectNear(r.measurement.integratedLufs, -23.0, kLoudnessToleranceLu, "I");
}

TEST(Tech3341, Case1ReadsTheSameFromA24BitWavex) {
    // The same signal as case 1 through the 24-bit integer decode path (WAVEX); 24-bit
    // quantisation moves the reading by far less than the spec's ±0.1 LU.
    const auto r = measureThroughFile(sineSegments({{-23, 20}}), "case1-pcm24", WavSample::Pcm24);
    expectNear(r.measurement.integratedLufs, -23.0, kLoudnessToleranceLu, "I");
}

// ---- Tech 3341 cases 15-23: true peak ----

struct TruePeakCase {
    int number;
    double amplitudeFfs;
    double periodSamples;  // fs / frequency
    double phaseDeg;
    double expectedDbtp;
};

class Tech3341TruePeak : public ::testing::TestWithParam<TruePeakCase> {};

TEST_P(Tech3341TruePeak, ReadsWithinSpecTolerance) {
    const TruePeakCase& c = GetParam();
    // 2 s with 10 ms linear fades at both ends (the spec's files fade in and out over 10 ms).
    const AudioBuffer audio = sinePeriodic(c.amplitudeFfs, c.periodSamples, c.phaseDeg, 2.0, 0.010);
    const auto r = measureThroughFile(audio, "case" + std::to_string(c.number));
    if (r.measurement.truePeakDbtp) std::printf("[ reading  ] Tech 3341 case %d: %.2f dBTP\n", c.number, *r.measurement.truePeakDbtp);
    expectTruePeak(r.measurement.truePeakDbtp, c.expectedDbtp);
    // The sample peak sits where the sine's samples land: amplitude * max |sin(phase + 2πn/period)|.
    double samplePeak = 0;
    for (int n = 0; n < 64; ++n)
        samplePeak = std::max(samplePeak, std::abs(std::sin(c.phaseDeg * std::numbers::pi / 180.0 +
                                                            2.0 * std::numbers::pi * n / c.periodSamples)));
    ASSERT_TRUE(r.measurement.samplePeakDbfs.has_value());
    // 0.01 dB: the samples are float32, far finer than that.
    EXPECT_NEAR(*r.measurement.samplePeakDbfs, 20.0 * std::log10(c.amplitudeFfs * samplePeak), 0.01);
}

// 20·log10(0.5) = -6.02, 20·log10(1.41) = +2.98; the spec rounds to -6.0 and +3.0.
INSTANTIATE_TEST_SUITE_P(Cases15To19, Tech3341TruePeak,
                         ::testing::Values(TruePeakCase{15, 0.50, 4, 0.0, -6.0},    // fs/4, 0°
                                           TruePeakCase{16, 0.50, 4, 45.0, -6.0},   // fs/4, 45°
                                           TruePeakCase{17, 0.50, 6, 60.0, -6.0},   // fs/6, 60°
                                           TruePeakCase{18, 0.50, 8, 67.5, -6.0},   // fs/8, 67.5°
                                           TruePeakCase{19, 1.41, 4, 45.0, 3.0}),   // fs/4, 45°
                         [](const auto& info) { return "Case" + std::to_string(info.param.number); });

// Cases 20-23: fs/6 at 0.50 FFS with one fs/4 period at 1.00 FFS, made at 4·fs and decimated at
// offset 0/1/2/3; expected 0.0 +0.2/-0.4 dBTP.
AudioBuffer burstDecimated(int offset) {
    constexpr double kRate = 48000;
    constexpr int kUp = 4;                   // generated at 4·fs = 192 kHz
    constexpr int kBasePeriod = 6 * kUp;     // fs/6 at 192 kHz: 24 samples per period
    constexpr int kBurstPeriod = 4 * kUp;    // fs/4 at 192 kHz: 16 samples, one period
    constexpr int kHighFrames = 2 * 192000;  // 2 s at 192 kHz
    // The burst starts at a zero crossing of the base sine (a whole number of its periods) and
    // lasts one whole period of its own, so both sines join at phase 0.
    constexpr int kBurstStart = kBasePeriod * 4000;  // 0.5 s in
    std::vector<double> high(kHighFrames);
    for (int n = 0; n < kHighFrames; ++n) {
        if (n >= kBurstStart && n < kBurstStart + kBurstPeriod)
            high[n] = 1.00 * std::sin(2.0 * std::numbers::pi * (n - kBurstStart) / kBurstPeriod);
        else {
            const int t = n < kBurstStart ? n : n - kBurstPeriod;  // the base sine pauses for the burst
            high[n] = 0.50 * std::sin(2.0 * std::numbers::pi * t / kBasePeriod);
        }
    }
    const std::size_t frames = (kHighFrames - offset + kUp - 1) / kUp;
    AudioBuffer audio(2, frames, kRate);
    const double fade = 0.010 * kRate;  // 10 ms fades, as for cases 15-19
    for (std::size_t i = 0; i < frames; ++i) {
        const double fromEnd = static_cast<double>(frames - 1 - i);
        const double gain = std::min({1.0, static_cast<double>(i) / fade, fromEnd / fade});
        const auto v = static_cast<float>(gain * high[i * kUp + static_cast<std::size_t>(offset)]);
        audio.samples[0][i] = v;
        audio.samples[1][i] = v;
    }
    return audio;
}

class Tech3341Burst : public ::testing::TestWithParam<int> {};

TEST_P(Tech3341Burst, TruePeakReadsZeroDbtp) {
    const int offset = GetParam();
    const auto r = measureThroughFile(burstDecimated(offset), "case" + std::to_string(20 + offset));
    if (r.measurement.truePeakDbtp) std::printf("[ reading  ] Tech 3341 case %d: %.2f dBTP\n", 20 + offset, *r.measurement.truePeakDbtp);
    expectTruePeak(r.measurement.truePeakDbtp, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Cases20To23, Tech3341Burst, ::testing::Values(0, 1, 2, 3),
                         [](const auto& info) { return "Case" + std::to_string(20 + info.param); });

// ---- Tech 3342 cases 1-4: loudness range ----

struct LraCase {
    int number;
    std::vector<double> levelsDbfs;  // 20 s segments
    double expectedLu;
};

class Tech3342 : public ::testing::TestWithParam<LraCase> {};

TEST_P(Tech3342, LoudnessRangeWithinOneLu) {
    const LraCase& c = GetParam();
    std::vector<Segment> segments;
    for (double level : c.levelsDbfs) segments.push_back({level, 20.0});
    const auto r = measureThroughFile(sineSegments(segments), "lra" + std::to_string(c.number));
    if (r.measurement.loudnessRangeLu) std::printf("[ reading  ] Tech 3342 case %d: %.2f LU\n", c.number, *r.measurement.loudnessRangeLu);
    expectNear(r.measurement.loudnessRangeLu, c.expectedLu, kLraToleranceLu, "LRA");
}

INSTANTIATE_TEST_SUITE_P(Cases1To4, Tech3342,
                         ::testing::Values(LraCase{1, {-20, -30}, 10}, LraCase{2, {-20, -15}, 5},
                                           LraCase{3, {-40, -20}, 20},
                                           LraCase{4, {-50, -35, -20, -35, -50}, 15}),
                         [](const auto& info) { return "Case" + std::to_string(info.param.number); });

}  // namespace
}  // namespace lacquer::test
