// SPDX-License-Identifier: GPL-3.0-or-later
// bench_spectral: x-realtime of the spectral stages (issue 17) on every backend present, beside
// ffmpeg's afftdn, in one go: rounds alternate the jobs so every row sees the same machine state;
// the table gives medians over the rounds (wall and CPU seconds of the stage).
//   match, measure   eq::SpectrumMeter over the track (what the render streams before the chain)
//   match, apply     the EQ kernel with the match curve through convolution::Engine (FFTW, Vulkan)
//   denoise          denoise::Stream (FFTW float, Vulkan); setup (context, VkFFT plans) timed apart
//   ffmpeg afftdn    `ffmpeg -i track.wav -af afftdn=nr=15:nf=-50 -f null -` (decoding included)
// Not a test: prints figures.
#include <chrono>
#include <cstring>
#include <map>
#include <vector>

#include "bench_common.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/denoise/denoise.hpp"
#include "lacquer/eq/match.hpp"
#include "lacquer/gpu/device.hpp"

using namespace lacquer;

namespace {

double wallNow() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Sample {
    double wall = 0, cpu = 0;
};

template <class Fn>
Sample timed(Fn&& fn) {
    const double w0 = wallNow(), c0 = bench::processCpuSeconds();
    fn();
    return {wallNow() - w0, bench::processCpuSeconds() - c0};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 60, rate = 48000;
    int rounds = 5;
    bool vulkan = true, ffmpeg = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--rate") && i + 1 < argc) rate = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-vulkan")) vulkan = false;
        else if (!std::strcmp(argv[i], "--no-ffmpeg")) ffmpeg = false;
        else {
            std::fprintf(stderr, "bench_spectral [--seconds S] [--rate HZ] [--rounds N] [--no-vulkan] [--no-ffmpeg]\n");
            return 2;
        }
    }
    // The music with steady hiss at −50 dBFS RMS.
    AudioBuffer track = bench::musicLike(seconds, rate);
    std::mt19937 rng(7);
    std::normal_distribution<double> nd(0, std::pow(10.0, -50.0 / 20.0));
    for (auto& ch : track.samples)
        for (float& v : ch) v += static_cast<float>(nd(rng));
    const auto dir = std::filesystem::temp_directory_path() / ("bench_spectral_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto wav = dir / "track.wav";
    if (!bench::writeWav24(wav, track)) return 3;

    // The match curve: this track against a reference 3 dB/octave brighter (around 1 kHz).
    eq::SpectrumMeter meter(rate);
    meter.add(track.view());
    const eq::LogSpectrum source = meter.spectrum();
    eq::LogSpectrum reference = source;
    const auto& grid = eq::matchGridHz();
    for (std::size_t i = 0; i < grid.size(); ++i) reference.densityDb[i] += 3.0 * std::log2(grid[i] / 1000.0);
    const eq::MagnitudeCurve curve = eq::designMatch(source, reference, eq::MatchParams{}).curve();

    std::vector<std::pair<std::string, std::unique_ptr<convolution::Engine>>> engines;
    engines.emplace_back("cpu-fftw-float", convolution::Engine::create({convolution::DeviceRequest::Mode::Cpu, -1}));
    std::string vkName;
    if (vulkan) {
        try {
            const auto devices = gpu::listDevices();
            if (!devices.empty()) {
                vkName = devices[static_cast<std::size_t>(gpu::defaultVulkanIndex(devices))].name;
                engines.emplace_back("vulkan (" + vkName + ")", convolution::Engine::create({convolution::DeviceRequest::Mode::Vulkan, -1}));
            }
        } catch (const Error&) {
        }
    }
    const convolution::Kernel kernel = engines[0].second->kernelFor(rate, 2, {}, nullptr, nullptr, &curve);
    for (auto& [name, e] : engines) e->process(track, kernel);  // warm: plans, kernel spectra

    denoise::Params params;
    params.reductionDb = 15;
    const denoise::NoiseProfile profile = denoise::measureProfile(track, denoise::NoiseMeter::Mode::Quietest);
    std::map<std::string, std::vector<double>> wall, cpu;
    auto record = [&](const std::string& row, Sample s) {
        wall[row].push_back(s.wall);
        cpu[row].push_back(s.cpu);
    };
    std::vector<std::string> order;
    auto row = [&](const std::string& r) {
        if (std::find(order.begin(), order.end(), r) == order.end()) order.push_back(r);
        return r;
    };
    for (int round = 0; round < rounds; ++round) {
        record(row("match, measure (SpectrumMeter, CPU)"), timed([&] {
                   eq::SpectrumMeter m(rate);
                   m.add(track.view());
                   (void)m.spectrum();
               }));
        for (auto& [name, e] : engines) record(row("match, apply (EQ kernel) on " + name), timed([&] { (void)e->process(track, kernel); }));
        record(row("denoise on cpu-fftw-float"), timed([&] { (void)denoise::process(denoise::Backend::CpuFloat, track, params, profile); }));
        if (!vkName.empty()) {
            std::unique_ptr<denoise::Stream> s;
            record(row("denoise setup on vulkan (" + vkName + ")"), timed([&] {
                       s = std::make_unique<denoise::Stream>(denoise::Backend::Vulkan, params, profile, 2, rate, track.frames());
                   }));
            record(row("denoise on vulkan (" + vkName + ")"), timed([&] {
                       std::size_t at = 0;
                       auto sink = [&](const BlockView& b) { at += b.frames; };
                       for (std::size_t i = 0; i < track.frames(); i += 65536)
                           s->push(track.view().slice(i, std::min<std::size_t>(65536, track.frames() - i)), sink);
                       s->finish(sink);
                   }));
        }
        if (ffmpeg) {
            const double w0 = wallNow(), c0 = bench::childrenCpuSeconds();
            const int rc = std::system(("ffmpeg -nostdin -v error -i '" + wav.string() + "' -af afftdn=nr=15:nf=-50 -f null - >/dev/null 2>&1").c_str());
            if (rc == 0) record(row("ffmpeg -af afftdn=nr=15:nf=-50 (decode included)"), {wallNow() - w0, bench::childrenCpuSeconds() - c0});
        }
    }
    std::filesystem::remove_all(dir);
    std::printf("%.0f s stereo at %.0f Hz, %d rounds, medians\n", seconds, rate, rounds);
    std::printf("| stage | wall (s) | CPU (s) | x-realtime (wall) |\n|---|---|---|---|\n");
    for (const auto& r : order) {
        const double w = median(wall[r]), c = median(cpu[r]);
        std::printf("| %s | %.3f | %.3f | %.0fx |\n", r.c_str(), w, c, seconds / w);
    }
    return 0;
}
