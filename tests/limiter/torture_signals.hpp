// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Torture signals for the true-peak limiter, synthesised (no downloads). EBU Tech 3341 V4
// true-peak cases 15-23 per /work/shared/reference/loudness-conformance.md (copied facts: 48 kHz,
// stereo, 10 ms fades on 15-19), plus square waves, clipped noise, impulses, DC steps, near-
// Nyquist tones and +6 dBFS float material.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::test {

struct TortureCase {
    std::string name;
    std::function<AudioBuffer()> make;
    double expectedTruePeakDbtp = NAN;  // Tech 3341 expectation where one exists
};

inline constexpr double kTortureRate = 48000;

// Sine of amplitude amp at freqHz with phase (degrees), fades of fadeS at both ends.
inline AudioBuffer tortureSine(double seconds, double freqHz, double amp, double phaseDeg, double fadeS = 0.01,
                               double rate = kTortureRate) {
    const std::size_t n = static_cast<std::size_t>(seconds * rate);
    AudioBuffer b(2, n, rate);
    const std::size_t fade = static_cast<std::size_t>(fadeS * rate);
    for (std::size_t i = 0; i < n; ++i) {
        double g = 1.0;
        if (fade > 0) g = std::min({1.0, double(i) / fade, double(n - 1 - i) / fade});
        const double v = amp * g * std::sin(phaseDeg * std::numbers::pi / 180 + 2 * std::numbers::pi * freqHz * i / rate);
        b.samples[0][i] = b.samples[1][i] = static_cast<float>(v);
    }
    return b;
}

// Tech 3341 cases 20-23: fs/6 at 0.5 FFS with one fs/4 period at 1.0 FFS, made at 4·fs, then
// decimated (every 4th sample) at offset 0..3. The spec does not give the splice; here the fs/6
// tone pauses at an upward zero crossing for the burst and resumes after it (continuous).
inline AudioBuffer ebu3341Burst(int offset, double seconds = 0.25) {
    const double hi = 4 * kTortureRate;
    const std::size_t n4 = static_cast<std::size_t>(seconds * hi);
    const std::size_t period6 = 24, burstLen = 16;  // fs/6 and fs/4 periods at 4·fs
    const std::size_t burstStart = (n4 / 2 / period6) * period6;
    std::vector<double> s(n4);
    for (std::size_t i = 0; i < n4; ++i) {
        if (i >= burstStart && i < burstStart + burstLen) {
            s[i] = std::sin(2 * std::numbers::pi * static_cast<double>(i - burstStart) / burstLen);
        } else {
            const std::size_t j = i < burstStart ? i : i - burstLen;
            s[i] = 0.5 * std::sin(2 * std::numbers::pi * static_cast<double>(j) / period6);
        }
    }
    const std::size_t n = n4 / 4 - 1;
    AudioBuffer b(2, n, kTortureRate);
    for (std::size_t i = 0; i < n; ++i) b.samples[0][i] = b.samples[1][i] = static_cast<float>(s[4 * i + static_cast<std::size_t>(offset)]);
    return b;
}

inline AudioBuffer scaled(AudioBuffer b, double gainDb) {
    const float g = static_cast<float>(std::pow(10, gainDb / 20));
    for (auto& ch : b.samples)
        for (auto& v : ch) v *= g;
    return b;
}

inline AudioBuffer squareWave(double seconds, double periodFrames, double amp) {
    const std::size_t n = static_cast<std::size_t>(seconds * kTortureRate);
    AudioBuffer b(2, n, kTortureRate);
    for (std::size_t i = 0; i < n; ++i) {
        const double ph = std::fmod(i / periodFrames, 1.0);
        b.samples[0][i] = static_cast<float>(ph < 0.5 ? amp : -amp);
        b.samples[1][i] = static_cast<float>(ph < 0.5 ? -amp : amp);  // opposite polarity
    }
    return b;
}

inline AudioBuffer clippedNoise(double seconds, double drive, unsigned seed) {
    const std::size_t n = static_cast<std::size_t>(seconds * kTortureRate);
    AudioBuffer b(2, n, kTortureRate);
    std::mt19937 rng(seed);
    std::normal_distribution<double> nd(0, drive);
    for (auto& ch : b.samples)
        for (auto& v : ch) v = static_cast<float>(std::clamp(nd(rng), -1.0, 1.0));
    return b;
}

// Isolated impulses of both polarities, pairs and alternating triplets (inter-sample peaks).
inline AudioBuffer impulses(double amp) {
    AudioBuffer b(2, 24000, kTortureRate);
    const std::vector<std::vector<float>> shapes = {{1}, {-1}, {1, 1}, {1, -1}, {1, -1, 1}, {1, 1, -1, -1}, {-1, 1, 1, -1}};
    std::size_t at = 1000;
    for (const auto& s : shapes) {
        for (std::size_t k = 0; k < s.size(); ++k) {
            b.samples[0][at + k] = static_cast<float>(amp) * s[k];
            b.samples[1][at + 300 + k] = static_cast<float>(amp) * s[k];
        }
        at += 2900;
    }
    return b;
}

inline AudioBuffer dcSteps(double amp) {
    AudioBuffer b(2, 19200, kTortureRate);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const std::size_t seg = i / 2400;
        const float v = static_cast<float>(amp) * (seg % 4 == 1 ? 1.0f : seg % 4 == 3 ? -1.0f : 0.0f);
        b.samples[0][i] = v;
        b.samples[1][i] = seg % 2 ? static_cast<float>(amp) : -static_cast<float>(amp);
    }
    return b;
}

// Music-like material at +6 dBFS sample peak: kick-like bursts, a bass line, noise bursts.
inline AudioBuffer hotMaterial(double peakDbfs, unsigned seed) {
    const std::size_t n = 24000;
    AudioBuffer b(2, n, kTortureRate);
    std::mt19937 rng(seed);
    std::normal_distribution<double> nd(0, 1);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = i / kTortureRate;
        const double beat = std::fmod(t, 0.125);
        const double kick = std::exp(-beat * 40) * std::sin(2 * std::numbers::pi * (50 + 200 * std::exp(-beat * 60)) * beat);
        const double hat = (std::fmod(t + 0.0625, 0.125) < 0.01 ? 0.6 : 0.05) * nd(rng);
        const double bass = 0.4 * std::sin(2 * std::numbers::pi * 55 * t);
        b.samples[0][i] = static_cast<float>(kick + hat + bass);
        b.samples[1][i] = static_cast<float>(kick - hat + bass * 0.9);
    }
    float peak = 0;
    for (auto& ch : b.samples)
        for (float v : ch) peak = std::max(peak, std::abs(v));
    return scaled(b, peakDbfs - 20 * std::log10(peak));
}

inline std::vector<TortureCase> tortureCases() {
    std::vector<TortureCase> c;
    // Tech 3341 15-19 as specified, and raised by 6 dB (so every one needs limiting at -1 dBTP).
    struct Tp { int id; double div, amp, phase, expect; };
    for (const Tp t : {Tp{15, 4, 0.5, 0, -6}, Tp{16, 4, 0.5, 45, -6}, Tp{17, 6, 0.5, 60, -6},
                       Tp{18, 8, 0.5, 67.5, -6}, Tp{19, 4, 1.41, 45, 3}}) {
        c.push_back({"Ebu3341Case" + std::to_string(t.id),
                     [t] { return tortureSine(0.25, kTortureRate / t.div, t.amp, t.phase); }, t.expect});
        c.push_back({"Ebu3341Case" + std::to_string(t.id) + "Plus6Db",
                     [t] { return scaled(tortureSine(0.25, kTortureRate / t.div, t.amp, t.phase), 6); }, NAN});
    }
    for (int k = 0; k < 4; ++k) {
        c.push_back({"Ebu3341Case" + std::to_string(20 + k), [k] { return ebu3341Burst(k); }, 0.0});
        c.push_back({"Ebu3341Case" + std::to_string(20 + k) + "Plus6Db", [k] { return scaled(ebu3341Burst(k), 6); }, NAN});
    }
    c.push_back({"QuarterRateSine45DegPlus6Dbfs", [] { return tortureSine(0.25, 12000, 2.0, 45); }, NAN});
    for (double period : {2.0, 3.0, 4.0, 7.0, 10.5, 64.0, 480.0})
        c.push_back({"FullScaleSquarePeriod" + std::to_string(static_cast<int>(period * 10)),
                     [period] { return squareWave(0.25, period, 1.0); }, NAN});
    c.push_back({"ClippedNoise", [] { return clippedNoise(0.3, 2.0, 1); }, NAN});
    c.push_back({"ClippedNoiseHard", [] { return clippedNoise(0.3, 8.0, 2); }, NAN});
    c.push_back({"ImpulsesFullScale", [] { return impulses(1.0); }, NAN});
    c.push_back({"ImpulsesPlus6Dbfs", [] { return impulses(2.0); }, NAN});
    c.push_back({"DcStepsFullScale", [] { return dcSteps(1.0); }, NAN});
    c.push_back({"DcStepsPlus6Dbfs", [] { return dcSteps(2.0); }, NAN});
    for (double f : {0.40, 0.45})
        for (double ph : {0.0, 30.0, 45.0, 90.0})
            c.push_back({"NearNyquist" + std::to_string(static_cast<int>(f * 100)) + "Phase" + std::to_string(static_cast<int>(ph)),
                         [f, ph] { return tortureSine(0.15, f * kTortureRate, 1.41, ph, 0.005); }, NAN});
    c.push_back({"HotMaterialPlus6Dbfs", [] { return hotMaterial(6.0, 3); }, NAN});
    return c;
}

}  // namespace lacquer::test
