// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/glue_compressor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include "lacquer/dynamics/biquad.hpp"
#include "lacquer/dynamics/compressor.hpp"
#include "test_signals.hpp"

namespace lacquer::dynamics {
namespace {

using test::db;

// Every processing rate the manifest allows (processing.sample_rate).
constexpr double kRates[] = {44100, 48000, 88200, 96000, 176400, 192000};

using Channels = std::vector<std::vector<double>>;

Channels constant(int channels, std::size_t frames, double value) {
    return Channels(static_cast<std::size_t>(channels), std::vector<double>(frames, value));
}

// Runs the double twin over `x` in blocks of 300 frames; returns the gain (dB) of group 0 after
// every frame when `gains` is given (then frame by frame).
void run(GlueCompressorTwin& comp, Channels& x, std::vector<double>* gains = nullptr) {
    const std::size_t n = x[0].size();
    const std::size_t step = gains ? 1 : 300;
    for (std::size_t at = 0; at < n; at += step) {
        double* ptr[kMaxChannels];
        for (std::size_t c = 0; c < x.size(); ++c) ptr[c] = x[c].data() + at;
        comp.process(ptr, std::min(step, n - at));
        if (gains) gains->push_back(comp.gainDb(0));
    }
}

GlueCompressorParams peakParams() {
    GlueCompressorParams p;
    p.detector = Detector::Peak;  // level = 20·log10|x| exactly on DC: no detector ripple
    return p;
}

// DC at a known level through the twin: the settled output level against staticOutputDb (the
// analytic curve: Compressor::gainComputerDb plus makeup, through the mix), soft and hard knees.
TEST(GlueCompressor, StaticCurveMatchesTheAnalyticCurveAtEveryRate) {
    for (double fs : kRates) {
        for (double knee : {0.0, 6.0, 12.0}) {
            GlueCompressorParams p = peakParams();
            p.thresholdDb = -20;
            p.ratio = 4;
            p.kneeDb = knee;
            p.attackMs = 1;
            p.makeupDb = 3;
            for (double levelDb = -40; levelDb <= 0; levelDb += 2.5) {
                GlueCompressorTwin comp({fs, 2, 300}, p);
                Channels x = constant(2, static_cast<std::size_t>(0.04 * fs), std::pow(10, levelDb / 20));
                run(comp, x);
                const double out = db(x[0].back());
                // 40 attack time constants: e^-40 of the step remains (1e-16 dB); the rest is
                // double rounding.
                EXPECT_NEAR(out, GlueCompressorTwin::staticOutputDb(levelDb, p), 1e-9)
                    << fs << " Hz, knee " << knee << ", level " << levelDb;
            }
        }
    }
    // The knee's own shape, by the formula written out (threshold -20, ratio 4, knee 12): half
    // way into the knee (level -20) the reduction is (1/4 - 1)·6²/24 = -1.125 dB.
    GlueCompressorParams p;
    p.thresholdDb = -20, p.ratio = 4, p.kneeDb = 12, p.makeupDb = 0;
    EXPECT_NEAR(GlueCompressorTwin::staticOutputDb(-20, p), -21.125, 1e-12);
    EXPECT_NEAR(GlueCompressorTwin::staticOutputDb(-26, p), -26, 1e-12);            // knee start
    EXPECT_NEAR(GlueCompressorTwin::staticOutputDb(-14, p), -20 + 6.0 / 4, 1e-12);  // knee end
}

// First frame (1-based, counted from the step) at which the gain trajectory crossed `level`.
std::size_t crossing(const std::vector<double>& g, std::size_t from, double level, bool downwards) {
    for (std::size_t i = from; i < g.size(); ++i)
        if (downwards ? g[i] <= level : g[i] >= level) return i - from + 1;
    return 0;
}

// A DC step from -40 dBFS (below threshold) to -6 dBFS (24 dB over, ratio 4, hard knee: target
// -18 dB) and back: the gain reaches 1 - 1/e of the change after the attack time constant and
// 1/e of the reduction after the release time constant.
TEST(GlueCompressor, AttackAndReleaseTimeConstantsAtEveryRate) {
    for (double fs : kRates) {
        GlueCompressorParams p = peakParams();
        p.thresholdDb = -30, p.ratio = 4, p.kneeDb = 0, p.attackMs = 10, p.releaseMs = 100;
        GlueCompressorTwin comp({fs, 1, 1}, p);
        const auto on = static_cast<std::size_t>(0.01 * fs), len = static_cast<std::size_t>(0.2 * fs);
        Channels x = constant(1, on + len + len, std::pow(10, -40 / 20.0));
        for (std::size_t i = on; i < on + len; ++i) x[0][i] = std::pow(10, -6 / 20.0);
        std::vector<double> g;
        run(comp, x, &g);
        const double target = -18;
        // One-pole in discrete time: g[n] = target·(1 - a^n), a = exp(-1/(tau·fs)), so the first
        // frame at or past 1 - 1/e is ceil(tau·fs): exact to the frame (tolerance 1 frame for the
        // rounding of a^n at the crossing).
        const std::size_t attack = crossing(g, on, target * (1 - std::exp(-1.0)), true);
        EXPECT_NEAR(static_cast<double>(attack), std::ceil(0.010 * fs), 1.0) << fs << " Hz attack";
        EXPECT_NEAR(g[on + len - 1], target, 1e-6) << fs;  // 20 time constants: settled
        const std::size_t release = crossing(g, on + len, target * std::exp(-1.0), false);
        EXPECT_NEAR(static_cast<double>(release), std::ceil(0.100 * fs), 1.0) << fs << " Hz release";
        std::printf("%6.0f Hz: attack 1-1/e after %zu frames = %.4f ms (10 ms), release 1/e after %zu frames = %.4f ms (100 ms)\n", fs,
                    attack, attack * 1e3 / fs, release, release * 1e3 / fs);
    }
}

// Auto release: after a 10 ms burst the reduction falls to 1/e in the fast constant (50 ms: the
// slow follower holds only 1 % of it); after 3 s of sustained reduction the slow follower holds
// 1 - e^-3 of it and the recovery to 1/e takes tau_s·(1 + ln(1 - e^-3)) = 950 ms.
TEST(GlueCompressor, AutoReleaseIsFastAfterTransientsAndSlowAfterSustainedReduction) {
    for (double fs : {48000.0, 96000.0}) {
        for (double burstS : {0.01, 3.0}) {
            GlueCompressorParams p = peakParams();
            p.thresholdDb = -30, p.ratio = 4, p.kneeDb = 0, p.attackMs = 1, p.autoRelease = true;
            GlueCompressorTwin comp({fs, 1, 1}, p);
            const auto len = static_cast<std::size_t>(burstS * fs);
            Channels x = constant(1, len + static_cast<std::size_t>(3 * fs), 1e-3);
            for (std::size_t i = 0; i < len; ++i) x[0][i] = std::pow(10, -6 / 20.0);
            std::vector<double> g;
            run(comp, x, &g);
            const double start = g[len - 1];
            const double t = static_cast<double>(crossing(g, len, start * std::exp(-1.0), false)) / fs;
            const double tauF = GlueCompressorParams::kAutoFastMs * 1e-3, tauS = GlueCompressorParams::kAutoSlowMs * 1e-3;
            // Predicted from the two followers at the end of the burst (attack 1 ms: the fast one
            // is at the target; the slow one at 1 - e^(-T/tau_s) of it).
            const double slowShare = (1 - std::exp(-burstS / tauS)) * (-18) / start;
            const double expected = std::max(tauF, tauS * (1 + std::log(slowShare)));
            // 1 %: the fast follower's own residue at the crossing moves it by under 0.5 %.
            EXPECT_NEAR(t, expected, 0.01 * expected) << fs << " Hz, burst " << burstS << " s";
            std::printf("auto release, %6.0f Hz, %.2f s burst: 1/e recovery in %.1f ms (predicted %.1f ms)\n", fs, burstS, t * 1e3,
                        expected * 1e3);
        }
    }
}

// Parallel compression: out = x·((1 - mix) + mix·10^((g + makeup)/20)); mix 0 is the input
// exactly.
TEST(GlueCompressor, ParallelMixFollowsTheDryWetSum) {
    for (double fs : kRates) {
        for (double mix : {0.0, 0.25, 0.5, 1.0}) {
            GlueCompressorParams p = peakParams();
            p.thresholdDb = -30, p.ratio = 10, p.kneeDb = 0, p.attackMs = 1, p.makeupDb = 6, p.mix = mix;
            GlueCompressorTwin comp({fs, 2, 300}, p);
            const double a = std::pow(10, -10 / 20.0);
            Channels x = constant(2, static_cast<std::size_t>(0.05 * fs), a);
            run(comp, x);
            const double g = -20 * 0.9 + 6;  // 20 dB over at ratio 10, plus makeup
            const double expected = a * ((1 - mix) + mix * std::pow(10, g / 20));
            // Settled (50 time constants); double rounding.
            EXPECT_NEAR(x[1].back() / expected, 1.0, 1e-12) << fs << " Hz, mix " << mix;
        }
    }
    GlueCompressorParams p;
    p.mix = 0;
    GlueCompressor comp({48000, 2, 4096}, p);
    AudioBuffer in = test::noiseBuffer(2, 4096, 48000, 0.5, 3);
    AudioBuffer out = in;
    comp.process(out.view());
    EXPECT_EQ(out.samples, in.samples);
}

// The side-chain high-pass: a 40 Hz tone reads |H(40 Hz)| lower in the detector, so the
// reduction is the curve at that level (RMS detector: a sine of peak A reads A/sqrt 2).
TEST(GlueCompressor, SidechainHighPassLowersTheDetectedLevelByItsResponse) {
    for (double fs : kRates) {
        for (double hpf : {0.0, 60.0, 120.0}) {
            GlueCompressorParams p;
            p.detector = Detector::Rms;
            p.rmsWindowMs = 200;
            p.thresholdDb = -30, p.ratio = 4, p.kneeDb = 0, p.attackMs = 5, p.releaseMs = 5;
            p.sidechainHpfHz = hpf;
            GlueCompressorTwin comp({fs, 1, 1}, p);
            const double amp = std::pow(10, -6 / 20.0), f0 = 40;
            const auto n = static_cast<std::size_t>(2.0 * fs);
            Channels x(1, std::vector<double>(n));
            for (std::size_t i = 0; i < n; ++i) x[0][i] = amp * std::sin(2 * std::numbers::pi * f0 * i / fs);
            std::vector<double> g;
            run(comp, x, &g);
            // Mean gain over the last 10 periods.
            const auto period = static_cast<std::size_t>(10 * fs / f0);
            double mean = 0;
            for (std::size_t i = n - period; i < n; ++i) mean += g[i];
            mean /= static_cast<double>(period);
            double h = 1.0;
            if (hpf > 0) {
                const Complex r = biquadResponse(butterworthHighpass(hpf, fs), f0, fs);
                h = std::hypot(r.re, r.im);
            }
            const double level = db(amp * h / std::sqrt(2.0));
            CompressorParams c;
            c.thresholdDb = -30, c.ratio = 4, c.kneeDb = 0;
            const double expected = Compressor::gainComputerDb(level, c);
            // The 200 ms mean square of a 40 Hz sine ripples by 1/(2π·80 Hz·0.2 s) = 1 % (0.04 dB
            // of level, 0.03 dB of gain at slope 0.75), and the 5 ms gain follower passes about
            // a fifth of that: 0.05 dB covers the ripple's bias with room.
            EXPECT_NEAR(mean, expected, 0.05) << fs << " Hz, hpf " << hpf;
            if (fs == 48000)
                std::printf("40 Hz tone at -6 dBFS, SC HPF %3.0f Hz: mean gain %.3f dB (curve at the filtered level %.3f dB)\n", hpf, mean,
                            expected);
        }
    }
}

// Lookahead: latency round(ms·fs); an impulse emerges there; a step's reduction has progressed
// for the lookahead's frames by the time the step reaches the output.
TEST(GlueCompressor, LookaheadDelaysTheAudioAndNotTheDetector) {
    for (double fs : kRates) {
        GlueCompressorParams p = peakParams();
        p.thresholdDb = -30, p.ratio = 4, p.kneeDb = 0, p.attackMs = 2, p.lookaheadMs = 2;
        GlueCompressorTwin comp({fs, 1, 1}, p);
        const auto la = static_cast<std::size_t>(std::lround(0.002 * fs));
        ASSERT_EQ(comp.latencyFrames(), static_cast<int>(la));
        const auto on = static_cast<std::size_t>(0.01 * fs);
        Channels x = constant(1, on + 4 * la, 0.0);
        const double a = std::pow(10, -6 / 20.0);
        for (std::size_t i = on; i < x[0].size(); ++i) x[0][i] = a;
        run(comp, x);
        EXPECT_EQ(x[0][on + la - 1], 0.0) << fs;
        // At the step's arrival the gain has followed for la + 1 frames (the step frame too).
        const double g = -18 * (1 - std::pow(std::exp(-1 / (0.002 * fs)), static_cast<double>(la + 1)));
        EXPECT_NEAR(db(x[0][on + la] / a), g, 1e-9) << fs;  // double rounding
    }
}

// Mid/side: a pure side signal over the threshold leaves the mid gain at 0 dB.
TEST(GlueCompressor, MidSideCompressesMidAndSideApart) {
    GlueCompressorParams p = peakParams();
    p.stereoMode = StereoMode::MidSide;
    p.thresholdDb = -30, p.ratio = 4, p.kneeDb = 0, p.attackMs = 1;
    GlueCompressorTwin comp({48000, 2, 300}, p);
    Channels x = constant(2, 4800, 0.0);
    for (std::size_t i = 0; i < 4800; ++i) {
        const double m = 0.01, s = 0.5 * std::sin(2 * std::numbers::pi * 1000 * i / 48000.0);
        x[0][i] = m + s, x[1][i] = m - s;
    }
    run(comp, x);
    EXPECT_EQ(comp.gainDb(0), 0.0);  // mid at -40 dBFS: under the threshold
    EXPECT_LT(comp.gainDb(1), -1.0);
}

// The float stage against its double twin on noise with every option on; reset() restores the
// constructed state; blocks of any size give the same output.
TEST(GlueCompressor, FloatStageNullsAgainstTheDoubleTwinAndIsBlockInvariant) {
    GlueCompressorParams p;
    p.thresholdDb = -24, p.ratio = 3, p.kneeDb = 6, p.attackMs = 3, p.autoRelease = true, p.sidechainHpfHz = 90;
    p.mix = 0.7, p.makeupDb = 2, p.lookaheadMs = 1.5;
    for (StereoMode mode : {StereoMode::LeftRight, StereoMode::MidSide}) {
        p.stereoMode = mode;
        const double fs = 96000;
        AudioBuffer in = test::noiseBuffer(2, 48000, fs, 0.2, 7);
        GlueCompressor comp({fs, 2, 48000}, p);
        AudioBuffer out = in;
        comp.process(out.view());
        GlueCompressorTwin twin({fs, 2, 48000}, p);
        Channels ref(2);
        for (int c = 0; c < 2; ++c) ref[static_cast<std::size_t>(c)].assign(in.samples[static_cast<std::size_t>(c)].begin(), in.samples[static_cast<std::size_t>(c)].end());
        run(twin, ref);
        double e = 0, r = 0;
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < 48000; ++i) {
                const double d = out.samples[static_cast<std::size_t>(c)][i] - ref[static_cast<std::size_t>(c)][i];
                e += d * d;
                r += ref[static_cast<std::size_t>(c)][i] * ref[static_cast<std::size_t>(c)][i];
            }
        // The float stage differs from the twin only by rounding its output to float (relative
        // 2^-24 = -144 dB rms at most): -130 dB leaves room.
        EXPECT_LT(10 * std::log10(e / r), -130);
        // Random block sizes, then reset and again: bit-identical.
        comp.reset();
        AudioBuffer split = in;
        std::mt19937 rng(11);
        for (std::size_t at = 0; at < 48000;) {
            const std::size_t n = std::min<std::size_t>(48000 - at, 1 + rng() % 700);
            comp.process(split.view().slice(at, n));
            at += n;
        }
        EXPECT_EQ(split.samples, out.samples);
    }
}

}  // namespace
}  // namespace lacquer::dynamics
