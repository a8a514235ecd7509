// SPDX-License-Identifier: GPL-3.0-or-later
// Long-album benchmark (issue #7): synthesises an album of N tracks totalling H hours at 96 kHz
// (24-bit stereo WAV mixes, RF64 over 4 GiB, written block by block), renders it with the `lacquer` CLI next to
// this program (album EQ, 4-band multiband, limiter in the loudness loop, one FLAC variant and
// optionally a 96 kHz WAV variant), and prints the render's wall time, x-realtime and peak RSS
// (the child process's ru_maxrss, from wait4). Not a test: prints figures.
//
//   bench_long_album [--hours 3] [--tracks 24] [--dir /tmp/lacquer-long-album] [--wav]
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A music-like mix written in blocks (memory stays one block): kick, bass, a chord pad, hats and
// filtered-noise swells, different per track, peaks under full scale.
bool writeMix(const fs::path& path, double seconds, double rate, int seed) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(rate);
    info.channels = 2;
    // A plain WAV cannot hold over 4 GiB (its sizes are 32-bit; lacquer refuses such a file):
    // longer mixes are RF64, as a DAW exports them.
    const bool big = seconds * rate * 6 > 4.0e9;
    info.format = (big ? SF_FORMAT_RF64 : SF_FORMAT_WAV) | SF_FORMAT_PCM_24;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::normal_distribution<double> nd(0, 1);
    const double root = 110.0 * std::pow(2.0, (seed % 7) / 12.0);
    const double tempo = 0.45 + 0.05 * (seed % 4);
    double lp = 0, lp2 = 0;
    const auto total = static_cast<std::size_t>(seconds * rate);
    std::vector<float> block(2 * 65536);
    bool ok = true;
    for (std::size_t at = 0; at < total && ok; at += 65536) {
        const std::size_t n = std::min<std::size_t>(65536, total - at);
        for (std::size_t k = 0; k < n; ++k) {
            const double t = static_cast<double>(at + k) / rate;
            const double beat = std::fmod(t, tempo);
            const double kick = 0.5 * std::exp(-beat * 18) * std::sin(2 * std::numbers::pi * (45 + 180 * std::exp(-beat * 50)) * beat);
            const double bass = 0.2 * std::sin(2 * std::numbers::pi * root / 2 * t);
            const double pad = 0.05 * (std::sin(2 * std::numbers::pi * root * 2 * t) + std::sin(2 * std::numbers::pi * root * 2.52 * t) +
                                       std::sin(2 * std::numbers::pi * root * 3 * t));
            const double w = nd(rng);
            lp += 0.2 * (w - lp);
            lp2 += 0.02 * (w - lp2);
            const double hat = (std::fmod(t + tempo / 2, tempo / 2) < 0.03 ? 0.2 : 0.015) * (w - lp);
            const double swell = 0.4 * (0.5 + 0.5 * std::sin(2 * std::numbers::pi * 0.07 * t)) * lp2;
            block[2 * k] = static_cast<float>(kick + bass + pad + hat + swell);
            block[2 * k + 1] = static_cast<float>(kick + 0.95 * bass + 0.9 * pad - hat + 0.8 * swell);
        }
        ok = sf_writef_float(f, block.data(), static_cast<sf_count_t>(n)) == static_cast<sf_count_t>(n);
    }
    sf_close(f);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    double hours = 3.0;
    int tracks = 24;
    bool wav = false;
    fs::path dir = "/tmp/lacquer-long-album";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--hours" && i + 1 < argc) hours = std::atof(argv[++i]);
        else if (a == "--tracks" && i + 1 < argc) tracks = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--wav") wav = true;
        else {
            std::fprintf(stderr, "usage: %s [--hours H] [--tracks N] [--dir DIR] [--wav]\n", argv[0]);
            return 2;
        }
    }
    const fs::path cli = fs::absolute(fs::path(argv[0])).parent_path() / "lacquer";
    const double rate = 96000.0;
    const double trackS = hours * 3600.0 / tracks;
    fs::create_directories(dir / "mixes");
    // The mixes are kept between runs (same parameters, same files).
    const std::string stamp = std::to_string(hours) + " " + std::to_string(tracks) +
                              (hours * 3600.0 / tracks * rate * 6 > 4.0e9 ? " rf64" : "");
    std::string old;
    std::getline(std::ifstream(dir / "mixes/params"), old);
    std::string manifest = "lacquer: 1\nalbum: { title: Long Album, artist: Bench }\nprocessing: { sample_rate: 96000 }\n"
                           "chain:\n"
                           "  eq: [ { type: highpass, freq_hz: 25, slope_db_oct: 24 }, { type: lowshelf, freq_hz: 120, gain_db: 1.5 },\n"
                           "        { type: bell, freq_hz: 3000, gain_db: -1.5, q: 1.2 }, { type: highshelf, freq_hz: 10000, gain_db: 2 } ]\n"
                           "  multiband:\n"
                           "    crossovers_hz: [120, 1000, 6000]\n"
                           "    bands:\n"
                           "      - { threshold_db: -20, ratio: 2, attack_ms: 20, release_ms: 200 }\n"
                           "      - { threshold_db: -22, ratio: 1.8, attack_ms: 10, release_ms: 150 }\n"
                           "      - { threshold_db: -24, ratio: 1.6, attack_ms: 5, release_ms: 100 }\n"
                           "      - { threshold_db: -26, ratio: 1.5, attack_ms: 2, release_ms: 80 }\n"
                           "  limiter: { ceiling_dbtp: -1 }\n"
                           "loudness: { mode: album, target_lufs: -16 }\n"
                           "tracks:\n";
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < tracks; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "mix%02d.wav", i + 1);
        if (old != stamp && !writeMix(dir / "mixes" / name, trackS, rate, i + 1)) {
            std::fprintf(stderr, "cannot write %s\n", (dir / "mixes" / name).c_str());
            return 1;
        }
        manifest += "  - { file: mixes/" + std::string(name) + ", title: Track " + std::to_string(i + 1) + " }\n";
    }
    std::ofstream(dir / "mixes/params") << stamp << "\n";
    manifest += "variants:\n  streaming: { preset: streaming, loudness: { target_lufs: -16 } }\n";
    if (wav) manifest += "  studio: { preset: hires, export: { format: wav, sample_rate: 96000, bit_depth: 24 } }\n";
    std::ofstream(dir / "album.yaml") << manifest;
    const double synthS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("album: %d tracks x %.1f s = %.2f h at 96 kHz (mixes %s in %.1f s)\n", tracks, trackS, hours,
                old == stamp ? "reused" : "written", synthS);

    fs::remove_all(dir / "out");
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string manifestPath = (dir / "album.yaml").string(), out = (dir / "out").string();
        execl(cli.c_str(), cli.c_str(), "render", manifestPath.c_str(), "--out", out.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    const double wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpuS = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    const double audioS = hours * 3600.0;
    std::printf("render exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    std::printf("%-28s %10s %12s %12s %14s\n", "render", "wall s", "x-realtime", "CPU s", "peak RSS MiB");
    std::printf("%-28s %10.1f %12.1f %12.1f %14.0f\n", wav ? "streaming FLAC + 96k WAV" : "streaming FLAC (48k/24)", wallS,
                audioS / wallS, cpuS, static_cast<double>(ru.ru_maxrss) / 1024.0);
    return WIFEXITED(status) && WEXITSTATUS(status) <= 1 ? 0 : 1;
}
