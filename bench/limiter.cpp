// SPDX-License-Identifier: GPL-3.0-or-later
// Limiter throughput: x-realtime on one core at 96 kHz stereo, beside `ffmpeg -af alimiter` on
// the same file. Run it under `nice`. Usage:
//   bench_limiter [seconds=60] [scratch dir=/tmp]   the table: CPU seconds of each row
//   bench_limiter --write FILE [seconds=60]         write the bench file (24-bit WAV) and exit
//   bench_limiter --only-ours FILE [--hash]         read FILE (libsndfile), limit it and exit: the
//                                                   twin of the ffmpeg command for `hyperfine`
//                                                   (--hash: also print a hash of the output):
//   hyperfine -w 2 'bench_limiter --only-ours F'
//             'ffmpeg -v error -threads 1 -i F -af alimiter=limit=0.891:attack=5:release=60 -f null -'
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "lacquer/limiter/true_peak_limiter.hpp"

using namespace lacquer;

namespace {

const limiter::Params kParams{-1.0, 5.0, 60.0};
constexpr std::size_t kBlock = 4096;

// +6 dB drive, like a loud master into a -1 dBTP ceiling. The WAV holds the same drive, clipped
// by 24-bit PCM at 0 dBFS.
AudioBuffer driven(double seconds) {
    AudioBuffer music = bench::musicLike(seconds, 96000);
    for (auto& ch : music.samples)
        for (float& v : ch) v *= 2.0f;
    return music;
}

// Limits `work` in place in blocks of kBlock; returns the largest gain reduction (dB).
double limitInPlace(AudioBuffer& work) {
    limiter::TruePeakLimiter lim({work.sampleRateHz, work.channels(), kBlock}, kParams);
    BlockView v = work.view();
    for (std::size_t s = 0; s < v.frames; s += kBlock)
        lim.process(v.slice(s, std::min(kBlock, v.frames - s)));
    return lim.maxGainReductionDb();
}

// Streams FILE through the limiter in blocks of kBlock (read, deinterleave, limit), like ffmpeg
// streams it through its filter; prints the CPU time of the limiter calls alone as well.
int onlyOurs(const char* path, bool withHash) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path, SFM_READ, &info);
    if (!f) {
        std::fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    const std::size_t nc = static_cast<std::size_t>(info.channels);
    limiter::TruePeakLimiter lim({static_cast<double>(info.samplerate), info.channels, kBlock}, kParams);
    AudioBuffer block(info.channels, kBlock, info.samplerate);
    std::vector<float> inter(kBlock * nc);
    double limiterCpu = 0;
    std::size_t total = 0;
    std::uint64_t hash = 1469598103934665603ull;  // FNV-1a over the output samples' bits
    for (;;) {
        const std::size_t got =
            static_cast<std::size_t>(sf_readf_float(f, inter.data(), static_cast<sf_count_t>(kBlock)));
        if (got == 0) break;
        for (std::size_t c = 0; c < nc; ++c) {
            float* d = block.samples[c].data();
            for (std::size_t i = 0; i < got; ++i) d[i] = inter[i * nc + c];
        }
        const double t0 = bench::processCpuSeconds();
        lim.process(block.view().slice(0, got));
        limiterCpu += bench::processCpuSeconds() - t0;
        total += got;
        for (std::size_t c = 0; c < nc && withHash; ++c)
            for (std::size_t i = 0; i < got; ++i) {
                std::uint32_t bits;
                std::memcpy(&bits, &block.samples[c][i], sizeof bits);
                hash = (hash ^ bits) * 1099511628211ull;
            }
    }
    sf_close(f);
    const double audioS = static_cast<double>(total) / info.samplerate;
    std::printf("limiter %.3f CPU s for %.1f s of audio (%.1f x realtime), max gain reduction %.2f dB",
                limiterCpu, audioS, audioS / limiterCpu, lim.maxGainReductionDb());
    if (withHash) std::printf(", output hash %016llx", static_cast<unsigned long long>(hash));
    std::printf("\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 && std::strcmp(argv[1], "--only-ours") == 0)
        return onlyOurs(argv[2], argc > 3 && std::strcmp(argv[3], "--hash") == 0);
    if (argc > 2 && std::strcmp(argv[1], "--write") == 0) {
        const AudioBuffer music = driven(argc > 3 ? std::atof(argv[3]) : 60.0);
        if (!bench::writeWav24(argv[2], music)) {
            std::fprintf(stderr, "cannot write %s\n", argv[2]);
            return 1;
        }
        return 0;
    }
    const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
    const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp";
    const AudioBuffer music = driven(seconds);
    const auto wav = dir / "lacquer-bench-limiter.wav";
    if (!bench::writeWav24(wav, music)) {
        std::fprintf(stderr, "cannot write %s\n", wav.c_str());
        return 1;
    }
    double gr = 0;
    std::vector<AudioBuffer> copies(3, music);  // copied outside the timing
    std::size_t run = 0;
    const double ours = bench::bestOf(3, [&] { gr = limitInPlace(copies[run++]); });
    const double aligned = bench::bestOf(3, [&] { (void)limiter::applyAligned(music, kParams); });
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
