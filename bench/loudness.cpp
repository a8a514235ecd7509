// SPDX-License-Identifier: GPL-3.0-or-later
// Loudness meter throughput: lacquer's loudness::Meter against libebur128 (loudness::Ebur128Meter)
// on the same music-like stereo signal, true peak on and off, at 48 and 96 kHz. Rounds alternate
// the two meters; prints the median CPU seconds of each, x-realtime on one core and the median of
// the per-round ratios (libebur128 / ours). Usage: bench_loudness [seconds=60] [rounds=5].
// Run it under `nice`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_common.hpp"
#include "lacquer/loudness/ebur128_meter.hpp"
#include "lacquer/loudness/meter.hpp"

using namespace lacquer;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <class M>
double timeMeter(AudioBuffer& audio, loudness::MeterOptions options, double* checksum) {
    const double t0 = bench::processCpuSeconds();
    M meter(audio.channels(), audio.sampleRateHz, options);
    constexpr std::size_t kBlock = 8192;  // the render path's block size order
    BlockView v = audio.view();
    for (std::size_t s = 0; s < v.frames; s += kBlock) meter.add(v.slice(s, std::min(kBlock, v.frames - s)));
    const auto r = meter.result();
    const double t = bench::processCpuSeconds() - t0;
    *checksum += r.integratedLufs.value_or(0) + r.truePeakDbtp.value_or(0);
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    std::printf("loudness meter, %.0f s of music-like stereo, %d alternating rounds, median CPU s\n", seconds, rounds);
    std::printf("%-44s %10s %12s %10s %12s %14s\n", "", "ours", "x-realtime", "libebur128", "x-realtime",
                "ratio (med.)");
    double checksum = 0;
    for (double rate : {48000.0, 96000.0}) {
        AudioBuffer audio = bench::musicLike(seconds, rate);
        for (auto tp : {loudness::TruePeak::On, loudness::TruePeak::Off}) {
            const loudness::MeterOptions options{.truePeak = tp};
            std::vector<double> ours, ref, ratio;
            for (int r = 0; r < rounds; ++r) {
                const double a = timeMeter<loudness::Meter>(audio, options, &checksum);
                const double b = timeMeter<loudness::Ebur128Meter>(audio, options, &checksum);
                ours.push_back(a);
                ref.push_back(b);
                ratio.push_back(b / a);
            }
            char what[64];
            std::snprintf(what, sizeof what, "%.0f kHz, true peak %s", rate / 1000, tp == loudness::TruePeak::On ? "on" : "off");
            std::printf("%-44s %10.3f %12.1f %10.3f %12.1f %13.1fx\n", what, median(ours), seconds / median(ours),
                        median(ref), seconds / median(ref), median(ratio));
        }
    }
    std::printf("(checksum %.3f)\n", checksum);
    return 0;
}
