// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by bench/dynamics.cpp and bench/limiter.cpp: a synthetic music-like 96 kHz stereo
// signal (kick, bass, pad chords, hats, noise swells; peaks near 0 dBFS), a WAV writer, timing
// helpers and a runner for external commands. Not a test: prints figures.
#include <sndfile.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <numbers>
#include <random>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::bench {

inline AudioBuffer musicLike(double seconds, double rateHz) {
    const std::size_t n = static_cast<std::size_t>(seconds * rateHz);
    AudioBuffer b(2, n, rateHz);
    std::mt19937 rng(42);
    std::normal_distribution<double> nd(0, 1);
    const double chord[] = {220.0, 277.18, 329.63, 415.3};
    double lp = 0, lp2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = i / rateHz;
        const double beat = std::fmod(t, 0.5);
        const double kick = 0.9 * std::exp(-beat * 18) * std::sin(2 * std::numbers::pi * (45 + 180 * std::exp(-beat * 50)) * beat);
        const double bass = 0.35 * std::sin(2 * std::numbers::pi * 55 * (1 + (std::fmod(t, 4.0) > 2 ? 0.5 : 0)) * t);
        double pad = 0;
        for (double f : chord) pad += 0.06 * std::sin(2 * std::numbers::pi * f * t + f);
        const double w = nd(rng);
        lp += 0.2 * (w - lp);
        lp2 += 0.02 * (w - lp2);
        const double hat = (std::fmod(t + 0.25, 0.25) < 0.03 ? 0.35 : 0.02) * (w - lp);
        const double swell = 0.15 * (0.5 + 0.5 * std::sin(2 * std::numbers::pi * 0.1 * t)) * lp2 * 5;
        b.samples[0][i] = static_cast<float>(kick + bass + pad + hat + swell);
        b.samples[1][i] = static_cast<float>(kick + bass * 0.95 + pad * 0.9 - hat + swell * 0.8);
    }
    float peak = 0;
    for (auto& ch : b.samples)
        for (float v : ch) peak = std::max(peak, std::abs(v));
    for (auto& ch : b.samples)
        for (float& v : ch) v *= 0.98f / peak;
    return b;
}

inline bool writeWav24(const std::filesystem::path& path, const AudioBuffer& b) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(b.sampleRateHz);
    info.channels = b.channels();
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    std::vector<float> inter(b.frames() * 2);
    for (std::size_t i = 0; i < b.frames(); ++i)
        for (int c = 0; c < 2; ++c) inter[2 * i + static_cast<std::size_t>(c)] = b.samples[static_cast<std::size_t>(c)][i];
    const bool ok = sf_writef_float(f, inter.data(), static_cast<sf_count_t>(b.frames())) == static_cast<sf_count_t>(b.frames());
    sf_close(f);
    return ok;
}

// CPU seconds (user + system) rather than wall time: the machine is shared, and "x-realtime per
// core" is audio seconds per CPU second.
inline double processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

inline double childrenCpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

// Best of `repeats` runs of fn, in CPU seconds of this process.
inline double bestOf(int repeats, const std::function<void()>& fn) {
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = processCpuSeconds();
        fn();
        best = std::min(best, processCpuSeconds() - t0);
    }
    return best;
}

// Best of `repeats` runs of an external command (output discarded), in CPU seconds of the
// command and its children (the shell adds about 1 ms); negative if it fails.
inline double timeCommand(const std::string& cmd, int repeats) {
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = childrenCpuSeconds();
        if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) return -1;
        best = std::min(best, childrenCpuSeconds() - t0);
    }
    return best;
}

inline void printRow(const char* what, double seconds, double audioSeconds) {
    if (seconds < 0)
        std::printf("%-58s %10s %12s\n", what, "failed", "-");
    else
        std::printf("%-58s %10.3f %12.1f\n", what, seconds, audioSeconds / seconds);
}

}  // namespace lacquer::bench
