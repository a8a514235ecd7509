// SPDX-License-Identifier: GPL-3.0-or-later
// Multiband throughput: x-realtime on one core at 96 kHz stereo for a 4-band multiband, beside
// `sox mcompand` with 4 bands on the same file. Usage: bench_dynamics [seconds=60] [dir=/tmp].
// Run it under `nice`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_common.hpp"
#include "lacquer/dynamics/multiband.hpp"

using namespace lacquer;

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
    const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp";
    const double fs = 96000;
    const AudioBuffer music = bench::musicLike(seconds, fs);
    const auto wav = dir / "lacquer-bench-dynamics.wav";
    if (!bench::writeWav24(wav, music)) {
        std::fprintf(stderr, "cannot write %s\n", wav.c_str());
        return 1;
    }
    dynamics::MultibandParams p;
    p.crossoversHz = {120, 1000, 6000};
    for (double t : {-24.0, -20.0, -22.0, -26.0}) {
        dynamics::CompressorParams c;
        c.thresholdDb = t;
        c.ratio = 3;
        c.kneeDb = 6;
        c.attackMs = 10;
        c.releaseMs = 120;
        p.bands.push_back(c);
    }
    constexpr std::size_t kBlock = 4096;
    auto runMb = [&](const dynamics::MultibandParams& params) {
        return bench::bestOf(3, [&] {
            AudioBuffer work = music;
            dynamics::Multiband mb({fs, 2, kBlock}, params);
            BlockView v = work.view();
            for (std::size_t s = 0; s < v.frames; s += kBlock) mb.process(v.slice(s, std::min(kBlock, v.frames - s)));
        });
    };
    const double rms = runMb(p);
    for (auto& b : p.bands) b.detector = dynamics::Detector::Peak;
    const double peak = runMb(p);
    std::printf("multiband, %.0f s of 96 kHz stereo music-like signal, 4 bands (120, 1000, 6000 Hz)\n", seconds);
    std::printf("%-58s %10s %12s\n", "", "CPU s", "x-realtime");
    bench::printRow("lacquer Multiband, RMS detectors, 1 core", rms, seconds);
    bench::printRow("lacquer Multiband, peak detectors, 1 core", peak, seconds);
    // sox: 4 bands, the same crossovers, a 3:1 curve above -24..-26 dB, 10 ms / 120 ms.
    const std::string band = "\"0.01,0.12 6:-70,-70,-24,-24,0,-16\"";
    const std::string sox = "sox '" + wav.string() + "' -n mcompand " + band + " 120 " + band + " 1000 " + band +
                            " 6000 " + band;
    bench::printRow("sox mcompand, 4 bands (incl. WAV decode)", bench::timeCommand(sox, 3), seconds);
    bench::printRow("sox decode only (-n)", bench::timeCommand("sox '" + wav.string() + "' -n", 3), seconds);
    std::filesystem::remove(wav);
    return 0;
}
