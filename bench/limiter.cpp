// SPDX-License-Identifier: GPL-3.0-or-later
// Limiter throughput: x-realtime on one core at 96 kHz stereo, beside `ffmpeg -af alimiter` on
// the same file. Usage: bench_limiter [seconds=60] [scratch dir=/tmp]. Run it under `nice`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_common.hpp"
#include "lacquer/limiter/true_peak_limiter.hpp"

using namespace lacquer;

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
    const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp";
    const double fs = 96000;
    AudioBuffer music = bench::musicLike(seconds, fs);
    // Drive the limiter like a loud master: +6 dB into a -1 dBTP ceiling.
    for (auto& ch : music.samples)
        for (float& v : ch) v *= 2.0f;
    const auto wav = dir / "lacquer-bench-limiter.wav";
    AudioBuffer file = music;  // the WAV holds the same drive, clipped by 24-bit PCM at 0 dBFS
    if (!bench::writeWav24(wav, file)) {
        std::fprintf(stderr, "cannot write %s\n", wav.c_str());
        return 1;
    }
    const limiter::Params params{-1.0, 5.0, 60.0};
    constexpr std::size_t kBlock = 4096;
    double gr = 0;
    const double ours = bench::bestOf(3, [&] {
        AudioBuffer work = music;
        limiter::TruePeakLimiter lim({fs, 2, kBlock}, params);
        BlockView v = work.view();
        for (std::size_t s = 0; s < v.frames; s += kBlock) lim.process(v.slice(s, std::min(kBlock, v.frames - s)));
        gr = lim.maxGainReductionDb();
    });
    const double aligned = bench::bestOf(3, [&] { (void)limiter::applyAligned(music, params); });
    std::printf("limiter, %.0f s of 96 kHz stereo music-like signal, +6 dB drive, ceiling -1 dBTP, lookahead 5 ms\n", seconds);
    std::printf("%-58s %10s %12s\n", "", "CPU s", "x-realtime");
    bench::printRow("lacquer TruePeakLimiter (4x true-peak detection), 1 core", ours, seconds);
    bench::printRow("lacquer limiter::applyAligned (copy + flush), 1 core", aligned, seconds);
    const std::string ff = "ffmpeg -hide_banner -nostats -threads 1 -i '" + wav.string() +
                           "' -af alimiter=limit=0.891:attack=5:release=60 -f null -";
    bench::printRow("ffmpeg -af alimiter (sample peak only; incl. WAV decode)", bench::timeCommand(ff, 3), seconds);
    const std::string ffDecode = "ffmpeg -hide_banner -nostats -threads 1 -i '" + wav.string() + "' -f null -";
    bench::printRow("ffmpeg decode only (-f null, no filter)", bench::timeCommand(ffDecode, 3), seconds);
    std::printf("max gain reduction: %.2f dB\n", gr);
    std::filesystem::remove(wav);
    return 0;
}
