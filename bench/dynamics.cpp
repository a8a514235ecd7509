// SPDX-License-Identifier: GPL-3.0-or-later
// Dynamics throughput: x-realtime on one core at 96 kHz stereo for a 4-band multiband beside
// `sox mcompand`, the glue compressor beside `ffmpeg acompressor`, the saturator beside `ffmpeg
// asoftclip` (8x oversampled tanh), and the trim analysis beside `ffmpeg silenceremove`, all on
// the same files in the same run. Usage: bench_dynamics [seconds=60] [dir=/tmp]. Run it under
// `nice`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_common.hpp"
#include "lacquer/dynamics/glue_compressor.hpp"
#include "lacquer/dynamics/multiband.hpp"
#include "lacquer/dynamics/saturator.hpp"
#include "lacquer/sequence/trim.hpp"

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

    // Glue compressor: -18 dB, 2:1, 6 dB knee, 10 ms / 200 ms, RMS, linked, mix 0.8.
    auto runStage = [&](auto make) {
        return bench::bestOf(3, [&] {
            AudioBuffer work = music;
            auto stage = make();
            BlockView v = work.view();
            for (std::size_t s = 0; s < v.frames; s += kBlock) stage.process(v.slice(s, std::min(kBlock, v.frames - s)));
        });
    };
    dynamics::GlueCompressorParams g;
    g.thresholdDb = -18, g.ratio = 2, g.kneeDb = 6, g.attackMs = 10, g.releaseMs = 200, g.mix = 0.8;
    const double glue = runStage([&] { return dynamics::GlueCompressor({fs, 2, kBlock}, g); });
    g.sidechainHpfHz = 90, g.autoRelease = true, g.lookaheadMs = 2;
    const double glueAll = runStage([&] { return dynamics::GlueCompressor({fs, 2, kBlock}, g); });
    dynamics::SaturationParams sp;
    sp.driveDb = 6;
    const double soft = runStage([&] { return dynamics::Saturator({fs, 2, kBlock}, sp); });
    sp.type = dynamics::SaturationType::Tube;
    const double tube = runStage([&] { return dynamics::Saturator({fs, 2, kBlock}, sp); });
    // Trim: the same music with 2 s of silence before and 3 s after (DC removal: two passes).
    AudioBuffer padded(2, music.frames() + static_cast<std::size_t>(5 * fs), fs);
    for (int c = 0; c < 2; ++c)
        std::copy(music.samples[static_cast<std::size_t>(c)].begin(), music.samples[static_cast<std::size_t>(c)].end(),
                  padded.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(2 * fs));
    const auto padWav = dir / "lacquer-bench-trim.wav";
    bench::writeWav24(padWav, padded);
    sequence::TrimParams tp;
    tp.removeDc = true;
    const double trim = bench::bestOf(3, [&] {
        const BufferSource src(padded);
        const sequence::TrimmedSource t(src, sequence::analyseTrim(src, tp, "bench"));
        AudioBuffer out(2, kBlock, fs);
        for (std::size_t s = 0; s < t.frames(); s += kBlock) t.read(s, out.view().slice(0, std::min(kBlock, t.frames() - s)));
    });
    const double padS = seconds + 5;
    std::printf("\n%-58s %10s %12s\n", "glue compressor, saturation, trim (same file)", "CPU s", "x-realtime");
    bench::printRow("lacquer GlueCompressor, RMS, 2:1, mix 0.8", glue, seconds);
    bench::printRow("lacquer GlueCompressor + SC HPF, auto release, 2 ms lookahead", glueAll, seconds);
    const std::string ff = "ffmpeg -v error -threads 1 -i '" + wav.string() + "' ";
    bench::printRow("ffmpeg acompressor (incl. WAV decode)",
                    bench::timeCommand(ff + "-af acompressor=threshold=0.125893:ratio=2:knee=2:attack=10:release=200:"
                                            "detection=rms:link=maximum:mix=0.8 -f null -", 3),
                    seconds);
    bench::printRow("lacquer Saturator soft (tanh), 4x at 96 kHz, drive 6 dB", soft, seconds);
    bench::printRow("lacquer Saturator tube, 4x at 96 kHz, drive 6 dB", tube, seconds);
    bench::printRow("ffmpeg asoftclip tanh, oversample 4 (incl. decode)",
                    bench::timeCommand(ff + "-af asoftclip=type=tanh:oversample=4 -f null -", 3), seconds);
    bench::printRow("ffmpeg asoftclip tanh, no oversampling (incl. decode)",
                    bench::timeCommand(ff + "-af asoftclip=type=tanh -f null -", 3), seconds);
    bench::printRow("ffmpeg decode only", bench::timeCommand(ff + "-f null -", 3), seconds);
    bench::printRow("lacquer trim: DC mean + scan + trimmed read (memory)", trim, padS);
    const std::string fp = "ffmpeg -v error -threads 1 -i '" + padWav.string() + "' ";
    bench::printRow("ffmpeg silenceremove head+tail (incl. decode)",
                    bench::timeCommand(fp + "-af silenceremove=start_periods=1:start_threshold=-60dB:stop_periods=-1:"
                                            "stop_threshold=-60dB:stop_duration=1 -f null -", 3),
                    padS);
    bench::printRow("ffmpeg decode only (padded file)", bench::timeCommand(fp + "-f null -", 3), padS);
    std::filesystem::remove(padWav);
    std::filesystem::remove(wav);
    return 0;
}
