// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark of the convolution stage (not a test): 96 kHz stereo, a 3 s stereo IR, a 4-band EQ.
// Prints x-realtime and peak RSS for one 4-minute track and for twelve, per backend present, and
// the same job through `ffmpeg -af afir` (the combined kernel as its IR) for the ratio.
// Each measurement runs in a child process so its peak RSS is its own. Usage: see kUsage.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include <sndfile.h>

#include "lacquer/common/error.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/gpu/device.hpp"

using namespace lacquer;

namespace {

constexpr const char* kUsage =
    "bench_convolution [--minutes M] [--no-afir] [--no-vulkan] [--fft N]\n"
    "    every backend present (1 and 12 tracks) and ffmpeg afir (1 track): the issue's table\n"
    "bench_convolution --backend cpu|vulkan|vulkan:N [--tracks T] [--minutes M] [--fft N]\n"
    "    one row (what the table runs in a child process)\n"
    "bench_convolution --backend cpu|vulkan [--minutes M] --repeat R\n"
    "    the stage alone R times on one generated track: median wall and CPU seconds\n"
    "bench_convolution --afir [--tracks T] [--minutes M]\n"
    "    the ffmpeg afir row\n"
    "bench_convolution [--minutes M] --write-inputs DIR\n"
    "    writes DIR/track.wav, DIR/kernel.wav, DIR/kernel.txt and prints the afir command on them\n"
    "bench_convolution --stage-once DIR [--fft N]\n"
    "    reads DIR's track and kernel, runs the CPU backend once, exits (stage time on stderr);\n"
    "    for hyperfine side by side with the printed afir command\n";

constexpr double kRate = 96000.0;
std::size_t gFftFrames = 0;  // --fft N: force the FFT size (0: automatic)
int gRepeat = 0;             // --repeat R: R timed runs of the stage on one track (stage figures only)

eq::Bands fourBands() {
    eq::Bands b(4);
    b[0] = {eq::BandType::Highpass, 25.0, 0.0, 0.707, 24.0};
    b[1] = {eq::BandType::LowShelf, 90.0, 1.5, 0.707, 12.0};
    b[2] = {eq::BandType::Bell, 3200.0, -1.0, 1.4, 12.0};
    b[3] = {eq::BandType::HighShelf, 12000.0, 1.0, 0.707, 12.0};
    return b;
}

AudioBuffer makeIr() {
    AudioBuffer ir(2, static_cast<std::size_t>(3.0 * kRate), kRate);
    std::mt19937 rng(7);
    std::normal_distribution<double> n(0.0, 1.0);
    for (auto& ch : ir.samples)
        for (std::size_t i = 0; i < ch.size(); ++i)
            ch[i] = static_cast<float>(0.2 * n(rng) * std::pow(10.0, -3.0 * static_cast<double>(i) / (2.5 * kRate)));
    return ir;
}

AudioBuffer makeTrack(double minutes, unsigned seed) {
    AudioBuffer t(2, static_cast<std::size_t>(minutes * 60.0 * kRate), kRate);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.3f, 0.3f);
    for (auto& ch : t.samples) {
        float s = 0;
        for (float& v : ch) v = s = 0.9f * s + u(rng);
    }
    return t;
}

reverb::Params reverbParams() {
    reverb::Params p;
    p.mix = 0.1;
    p.predelayMs = 10.0;
    return p;
}

// User + system CPU seconds of this process (all threads) or of its waited-for children: a
// figure that moves less than wall time when other jobs share the cores.
double cpuSeconds(int who) {
    rusage r{};
    getrusage(who, &r);
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

double peakRssMiB() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return static_cast<double>(r.ru_maxrss) / 1024.0;
}

int runOne(const std::string& backend, int tracks, double minutes) {
    convolution::DeviceRequest req;
    if (backend == "cpu") req.mode = convolution::DeviceRequest::Mode::Cpu;
    else if (backend.rfind("vulkan", 0) == 0) {
        req.mode = convolution::DeviceRequest::Mode::Vulkan;
        if (backend.size() > 7) req.vulkanIndex = std::atoi(backend.c_str() + 7);
    }
    convolution::EngineOptions options;
    options.fftFrames = gFftFrames;
    auto engine = convolution::Engine::create(req, options);
    const AudioBuffer ir = makeIr();
    const auto params = reverbParams();
    // Warm-up on a short track: makes the FFT plans (VkFFT compiles its shaders) once, as a render
    // of an album does before its first track.
    {
        const AudioBuffer warm = makeTrack(0.2, 99);
        engine->process(warm, fourBands(), &params, &ir);
    }
    if (gRepeat > 0) {
        // The stage alone, R times on one track generated once: medians of wall and CPU seconds.
        const AudioBuffer in = makeTrack(minutes, 1);
        std::vector<double> wall, cpuS;
        for (int r = 0; r < gRepeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = cpuSeconds(RUSAGE_SELF);
            const AudioBuffer out = engine->process(in, fourBands(), &params, &ir);
            cpuS.push_back(cpuSeconds(RUSAGE_SELF) - cpuStart);
            wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            if (out.frames() <= in.frames()) return 1;
        }
        std::sort(wall.begin(), wall.end());
        std::sort(cpuS.begin(), cpuS.end());
        const double audioS = static_cast<double>(in.frames()) / kRate;
        std::printf("%s, 1 x %.0f min, %d runs: wall median %.3f s (min %.3f, max %.3f), CPU median %.3f s, "
                    "%.1fx realtime, peak RSS %.0f MiB\n",
                    engine->deviceName().c_str(), minutes, gRepeat, wall[wall.size() / 2], wall.front(), wall.back(),
                    cpuS[cpuS.size() / 2], audioS / wall[wall.size() / 2], peakRssMiB());
        return 0;
    }
    double seconds = 0, cpu = 0;
    std::size_t frames = 0;
    for (int t = 0; t < tracks; ++t) {
        const AudioBuffer in = makeTrack(minutes, static_cast<unsigned>(t + 1));
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = cpuSeconds(RUSAGE_SELF);
        const AudioBuffer out = engine->process(in, fourBands(), &params, &ir);
        cpu += cpuSeconds(RUSAGE_SELF) - cpuStart;
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        frames += in.frames();
        if (out.frames() <= in.frames()) return 1;
    }
    const double audioS = static_cast<double>(frames) / kRate;
    std::printf("| %-46s | %2d x %.0f min | %8.2f s | %8.2f s | %8.1fx | %8.0f MiB |\n",
                (engine->backendName() + " (" + engine->deviceName() + ")").c_str(), tracks, minutes, seconds, cpu,
                audioS / seconds, peakRssMiB());
    std::fflush(stdout);
    return 0;
}

void writeWav(const std::filesystem::path& path, const AudioBuffer& b) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(b.sampleRateHz);
    info.channels = b.channels();
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    std::vector<float> interleaved(b.frames() * static_cast<std::size_t>(b.channels()));
    for (std::size_t i = 0; i < b.frames(); ++i)
        for (int c = 0; c < b.channels(); ++c)
            interleaved[i * static_cast<std::size_t>(b.channels()) + static_cast<std::size_t>(c)] =
                b.samples[static_cast<std::size_t>(c)][i];
    sf_writef_float(f, interleaved.data(), static_cast<sf_count_t>(b.frames()));
    sf_close(f);
}

// Streams the file through a 64k-frame interleaved buffer into a planar AudioBuffer (as a decoder
// would; one whole-file interleaved copy would fault in another 184 MB for a 4-minute track).
AudioBuffer readWav(const std::filesystem::path& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) throw Error(ErrorKind::Io, "bench", "cannot read " + path.string());
    AudioBuffer b(info.channels, static_cast<std::size_t>(info.frames), info.samplerate);
    const auto channels = static_cast<std::size_t>(info.channels);
    constexpr std::size_t chunk = 65536;
    std::vector<float> interleaved(chunk * channels);
    std::size_t done = 0;
    while (done < b.frames()) {
        const sf_count_t got = sf_readf_float(f, interleaved.data(), static_cast<sf_count_t>(chunk));
        if (got <= 0) break;
        for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i)
            for (std::size_t c = 0; c < channels; ++c) b.samples[c][done + i] = interleaved[i * channels + c];
        done += static_cast<std::size_t>(got);
    }
    sf_close(f);
    b.resize(done);
    return b;
}

// The afir job's files: DIR/track.wav (one track, float WAV), DIR/kernel.wav (the combined kernel
// EQ ⊛ (dry + wet·IR) as float) and DIR/kernel.txt (its latency and tail in frames).
void writeInputs(const std::filesystem::path& dir, double minutes) {
    std::filesystem::create_directories(dir);
    auto engine = convolution::Engine::create({convolution::DeviceRequest::Mode::CpuDouble, -1});
    const AudioBuffer ir = makeIr();
    const auto params = reverbParams();
    const auto kernel = engine->makeKernel(kRate, 2, fourBands(), &params, &ir);
    AudioBuffer k(2, kernel.lengthFrames(), kRate);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < kernel.lengthFrames(); ++i)
            k.samples[static_cast<std::size_t>(c)][i] = static_cast<float>(kernel.taps[static_cast<std::size_t>(c)][i]);
    writeWav(dir / "kernel.wav", k);
    writeWav(dir / "track.wav", makeTrack(minutes, 1));
    std::FILE* f = std::fopen((dir / "kernel.txt").c_str(), "w");
    if (f == nullptr) throw Error(ErrorKind::Io, "bench", "cannot write " + (dir / "kernel.txt").string());
    std::fprintf(f, "%zu %zu\n", kernel.latencyFrames, kernel.tailFrames);
    std::fclose(f);
}

std::string afirCommand(const std::filesystem::path& dir) {
    return "ffmpeg -v error -nostdin -i " + (dir / "track.wav").string() + " -i " + (dir / "kernel.wav").string() +
           " -filter_complex '[0:a][1:a]afir=gtype=none:irfmt=input:maxir=10' -f null -";
}

// One process, one job, as afir does it: read DIR/track.wav and the kernel, convolve on the CPU
// backend, exit. For hyperfine next to afirCommand(DIR); prints the stage's own time to stderr.
int stageOnce(const std::filesystem::path& dir) {
    const AudioBuffer in = readWav(dir / "track.wav");
    const AudioBuffer taps = readWav(dir / "kernel.wav");
    convolution::Kernel kernel;
    std::FILE* f = std::fopen((dir / "kernel.txt").c_str(), "r");
    if (f == nullptr || std::fscanf(f, "%zu %zu", &kernel.latencyFrames, &kernel.tailFrames) != 2)
        throw Error(ErrorKind::Io, "bench", "cannot read " + (dir / "kernel.txt").string());
    std::fclose(f);
    for (const auto& ch : taps.samples) kernel.taps.emplace_back(ch.begin(), ch.end());
    convolution::EngineOptions options;
    options.fftFrames = gFftFrames;
    auto engine = convolution::Engine::create({convolution::DeviceRequest::Mode::Cpu, -1}, options);
    const auto start = std::chrono::steady_clock::now();
    const AudioBuffer out = engine->process(in, kernel);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%s: stage %.3f s for %.1f s of audio (FFT %zu)\n", engine->deviceName().c_str(), seconds,
                 in.durationS(), engine->fftFramesFor(kernel));
    return out.frames() > in.frames() ? 0 : 1;
}

// The same job through ffmpeg's afir: the combined kernel (EQ ⊛ (dry + wet·IR)) as its IR.
void runAfir(double minutes, int tracks) {
    const auto dir = std::filesystem::temp_directory_path() / ("lacquer-bench-" + std::to_string(getpid()));
    writeInputs(dir, minutes);
    const std::string cmd = afirCommand(dir) + " 2>&1";
    double seconds = 0;
    const double cpuStart = cpuSeconds(RUSAGE_CHILDREN);
    for (int t = 0; t < tracks; ++t) {
        const auto start = std::chrono::steady_clock::now();
        const int rc = std::system(cmd.c_str());
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (rc != 0) {
            std::printf("| ffmpeg afir failed (%d)\n", rc);
            break;
        }
    }
    rusage r{};
    getrusage(RUSAGE_CHILDREN, &r);
    std::printf("| %-46s | %2d x %.0f min | %8.2f s | %8.2f s | %8.1fx | %8.0f MiB |\n",
                "ffmpeg -af afir (incl. WAV decode)", tracks, minutes, seconds, cpuSeconds(RUSAGE_CHILDREN) - cpuStart,
                tracks * minutes * 60.0 / seconds, static_cast<double>(r.ru_maxrss) / 1024.0);
    std::fflush(stdout);
    std::filesystem::remove_all(dir);
}

int child(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) try {
    std::string backend;
    int tracks = 1;
    double minutes = 4.0;
    bool afir = true, vulkan = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--backend" && i + 1 < argc) backend = argv[++i];
        else if (a == "--tracks" && i + 1 < argc) tracks = std::atoi(argv[++i]);
        else if (a == "--minutes" && i + 1 < argc) minutes = std::atof(argv[++i]);
        else if (a == "--no-afir") afir = false;
        else if (a == "--fft" && i + 1 < argc) gFftFrames = static_cast<std::size_t>(std::atol(argv[++i]));
        else if (a == "--afir") backend = "afir";
        else if (a == "--repeat" && i + 1 < argc) gRepeat = std::atoi(argv[++i]);
        else if (a == "--write-inputs" && i + 1 < argc) {
            writeInputs(argv[i + 1], minutes);
            std::printf("%s\n", afirCommand(argv[i + 1]).c_str());
            return 0;
        } else if (a == "--stage-once" && i + 1 < argc) {
            for (int j = i + 2; j + 1 < argc; ++j)
                if (std::string(argv[j]) == "--fft") gFftFrames = static_cast<std::size_t>(std::atol(argv[j + 1]));
            return stageOnce(argv[i + 1]);
        } else if (a == "--help" || a == "-h") {
            std::printf("%s", kUsage);
            return 0;
        }
        else if (a == "--no-vulkan") vulkan = false;
    }
    if (backend == "afir") {
        runAfir(minutes, tracks);
        return 0;
    }
    if (!backend.empty()) return runOne(backend, tracks, minutes);

    std::printf("convolution stage: 96 kHz stereo, 3 s stereo IR, 4-band EQ; %u hardware threads\n",
                std::thread::hardware_concurrency());
    std::printf("| %-46s | %-11s | %-10s | %-10s | %-9s | %-12s |\n", "backend (device)", "job", "wall", "CPU",
                "realtime", "peak RSS");
    std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(48, '-').c_str(), std::string(13, '-').c_str(),
                std::string(12, '-').c_str(), std::string(12, '-').c_str(), std::string(11, '-').c_str(),
                std::string(14, '-').c_str());
    std::fflush(stdout);
    std::vector<std::string> backends{"cpu"};
    if (vulkan) {
        try {
            for (const auto& d : gpu::listDevices()) backends.push_back("vulkan:" + std::to_string(d.index));
        } catch (const Error&) {
        }
    }
    const std::string m = std::to_string(minutes);
    for (const auto& b : backends)
        for (int t : {1, 12}) child({argv[0], "--backend", b, "--tracks", std::to_string(t), "--minutes", m});
    if (afir) child({argv[0], "--afir", "--tracks", "1", "--minutes", m});
    return 0;
} catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
}
