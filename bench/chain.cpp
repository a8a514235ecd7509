// SPDX-License-Identifier: GPL-3.0-or-later
// The chain benchmark of issue 13: one 96 kHz stereo track through a 4-band linear-phase EQ, a
// 3 s stereo convolution reverb (5 % send), a 4-band multiband, a true-peak limiter and loudness
// to -14 LUFS, written as a 24-bit WAV; rendered by the `lacquer` CLI next to this program and
// the same work through
//   ffmpeg: firequalizer (linear phase; as many taps as lacquer's EQ kernel up to the 0.17 s delay
//           ffmpeg accepts, a quarter of lacquer's 1.4 s kernel at 96 kHz), afir reverb send,
//           acrossover + 4 acompressor, alimiter, two-pass loudnorm (analysis pass, then
//           linear=true with the measured values), 24-bit WAV;
//   sox:    fir (lacquer's own EQ kernel as coefficients), reverb (algorithmic, sox has no
//           convolution), mcompand (4 bands), compand (a limiter-like curve), gain -n (peak
//           normalisation: sox has no loudness measure).
// Rounds alternate the three (the order rotates each round). Prints each tool's median wall
// seconds, x-realtime, median CPU seconds, peak RSS (the child's ru_maxrss, from wait4; for
// ffmpeg the larger pass) and the per-round ratios peer / lacquer with their median, of wall
// time (what the targets are stated in) and of CPU time (steadier on a shared machine).
//
// --album renders instead the 12-track, three-variant album (streaming FLAC 48/24, CD, vinyl
// WAV 96/24) with lacquer alone and prints wall, x-realtime, CPU, cores and peak RSS per round.
//
//   bench_chain [--minutes 0.5] [--rounds 3] [--album] [--tracks 12] [--dir /tmp/lacquer-bench-chain]
//               [--keep-going] [--baseline PATH]
// --baseline PATH alternates another lacquer binary (e.g. main's build) with this one, in the
// same rounds, for before/after figures from one go.
// Default runs are short (30 s of audio); the figures use --minutes 4. Run it under nice.
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "lacquer/eq/design.hpp"

namespace fs = std::filesystem;
using namespace lacquer;

namespace {

constexpr double kRate = 96000.0;
// The longest firequalizer ffmpeg 5.1 accepts at 96 kHz (measured: 0.17 s works, 0.34 s fails).
constexpr double kFirequalizerMaxDelayS = 0.17;

struct Run {
    double wallS = 0;
    double cpuS = 0;
    double rssMiB = 0;
    int exitCode = 0;
    std::string output;  // stdout + stderr (kept for ffmpeg's loudnorm analysis)
};

// Runs `sh -c cmd` with output captured to a file; wall from fork to exit, CPU and peak RSS from
// wait4 (the shell's children included: it execs the command, so the RSS is the command's).
Run run(const std::string& cmd, const fs::path& log) {
    Run r;
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string full = "exec " + cmd + " >'" + log.string() + "' 2>&1";
        execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpuS = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    r.rssMiB = static_cast<double>(ru.ru_maxrss) / 1024.0;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    r.output = ss.str();
    return r;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// A 3 s stereo room: exponentially decaying noise (RT60 about 2 s), decorrelated channels.
bool writeIr(const fs::path& path) {
    const auto n = static_cast<std::size_t>(3.0 * kRate);
    AudioBuffer ir(2, n, kRate);
    std::mt19937 rng(5);
    std::normal_distribution<double> nd(0, 1);
    for (std::size_t i = 0; i < n; ++i)
        for (auto& ch : ir.samples)
            ch[i] = static_cast<float>(0.3 * nd(rng) * std::exp(-6.9 * static_cast<double>(i) / (2.0 * kRate)));
    return bench::writeWav24(path, ir);
}

const char* kEqYaml =
    "  eq:\n"
    "    - { type: highpass, freq_hz: 25, slope_db_oct: 24 }\n"
    "    - { type: lowshelf, freq_hz: 90, gain_db: 1.5 }\n"
    "    - { type: bell, freq_hz: 3200, gain_db: -1.0, q: 1.4 }\n"
    "    - { type: highshelf, freq_hz: 12000, gain_db: 1.0 }\n";

eq::Bands eqBands() {
    eq::Bands b(4);
    b[0].type = eq::BandType::Highpass, b[0].freqHz = 25, b[0].slopeDbOct = 24;
    b[1].type = eq::BandType::LowShelf, b[1].freqHz = 90, b[1].gainDb = 1.5;
    b[2].type = eq::BandType::Bell, b[2].freqHz = 3200, b[2].gainDb = -1.0, b[2].q = 1.4;
    b[3].type = eq::BandType::HighShelf, b[3].freqHz = 12000, b[3].gainDb = 1.0;
    return b;
}

const char* kChainYaml =
    "  reverb: { ir: ir.wav, mix: 0.05 }\n"
    "  multiband:\n"
    "    crossovers_hz: [120, 1000, 6000]\n"
    "    bands:\n"
    "      - { threshold_db: -24, ratio: 2, attack_ms: 30, release_ms: 250 }\n"
    "      - { threshold_db: -22, ratio: 1.8, attack_ms: 10, release_ms: 150 }\n"
    "      - { threshold_db: -24, ratio: 1.6, attack_ms: 5, release_ms: 100 }\n"
    "      - { threshold_db: -26, ratio: 1.5, attack_ms: 2, release_ms: 80 }\n"
    "  limiter: { ceiling_dbtp: -1 }\n";

std::string jsonField(const std::string& text, const std::string& key) {
    const auto at = text.find("\"" + key + "\"");
    if (at == std::string::npos) return {};
    const auto q1 = text.find('"', text.find(':', at) + 1);
    const auto q2 = text.find('"', q1 + 1);
    return text.substr(q1 + 1, q2 - q1 - 1);
}

}  // namespace

int main(int argc, char** argv) {
    double minutes = 0.5;
    int rounds = 3, tracks = 12;
    bool album = false, keepGoing = false;
    fs::path dir = "/tmp/lacquer-bench-chain";
    std::string baseline;  // another lacquer binary (an older build) to alternate with
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--minutes" && i + 1 < argc) minutes = std::atof(argv[++i]);
        else if (a == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (a == "--tracks" && i + 1 < argc) tracks = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--album") album = true;
        else if (a == "--keep-going") keepGoing = true;
        else if (a == "--baseline" && i + 1 < argc) baseline = fs::absolute(argv[++i]).string();
        else {
            std::fprintf(stderr, "usage: %s [--minutes M] [--rounds R] [--album] [--tracks N] [--dir DIR] [--keep-going]\n", argv[0]);
            return 2;
        }
    }
    const fs::path cli = fs::absolute(fs::path(argv[0])).parent_path() / "lacquer";
    fs::create_directories(dir);
    const double trackS = minutes * 60.0;
    if (!writeIr(dir / "ir.wav")) return std::fprintf(stderr, "cannot write the IR\n"), 1;

    if (album) {
        std::string manifest = "lacquer: 1\nalbum: { title: Chain Album, artist: Bench }\nprocessing: { sample_rate: 96000 }\nchain:\n";
        manifest += kEqYaml;
        manifest += kChainYaml;
        manifest += "loudness: { mode: album, target_lufs: -14 }\ntracks:\n";
        for (int t = 0; t < tracks; ++t) {
            char name[32];
            std::snprintf(name, sizeof name, "mix%02d.wav", t + 1);
            AudioBuffer mix = bench::musicLike(trackS, kRate);
            // Different tracks: a level and a polarity per track (the same synthesis otherwise).
            const float g = 0.5f + 0.04f * static_cast<float>(t);
            for (auto& ch : mix.samples)
                for (float& v : ch) v *= (t % 2 ? -g : g);
            if (!bench::writeWav24(dir / name, mix)) return std::fprintf(stderr, "cannot write %s\n", name), 1;
            manifest += "  - { file: " + std::string(name) + ", title: Track " + std::to_string(t + 1) + " }\n";
        }
        manifest += "variants:\n  streaming: { preset: streaming }\n  cd: { preset: cd }\n  vinyl: { preset: vinyl }\n";
        std::ofstream(dir / "album.yaml") << manifest;
        const double audioS = trackS * tracks;
        std::printf("album: %d tracks x %.2f min at 96 kHz, variants streaming (FLAC 48/24), cd, vinyl (WAV 96/24)\n",
                    tracks, minutes);
        std::printf("%-8s %-10s %10s %12s %10s %8s %14s\n", "round", "binary", "wall s", "x-realtime", "CPU s", "cores",
                    "peak RSS MiB");
        std::vector<std::string> bins = {cli.string()};
        if (!baseline.empty()) bins.push_back(baseline);
        std::vector<std::vector<double>> walls(bins.size()), cpus(bins.size());
        std::vector<double> ratios;
        for (int r = 0; r < rounds; ++r) {
            std::vector<double> wallThisRound(bins.size());
            for (std::size_t k = 0; k < bins.size(); ++k) {
                const std::size_t b = (k + static_cast<std::size_t>(r)) % bins.size();
                fs::remove_all(dir / "out");
                const Run x = run("'" + bins[b] + "' render '" + (dir / "album.yaml").string() + "' --out '" +
                                      (dir / "out").string() + "' --force",
                                  dir / "lacquer.log");
                if (x.exitCode > 1) return std::fprintf(stderr, "lacquer failed (%d):\n%s\n", x.exitCode, x.output.c_str()), 1;
                walls[b].push_back(x.wallS);
                cpus[b].push_back(x.cpuS);
                wallThisRound[b] = x.wallS;
                std::printf("%-8d %-10s %10.2f %12.1f %10.2f %8.2f %14.0f\n", r + 1, b == 0 ? "this" : "baseline", x.wallS,
                            audioS / x.wallS, x.cpuS, x.cpuS / x.wallS, x.rssMiB);
            }
            if (bins.size() > 1) ratios.push_back(wallThisRound[1] / wallThisRound[0]);
        }
        for (std::size_t b = 0; b < bins.size(); ++b)
            std::printf("%-8s %-10s %10.2f %12.1f %10.2f %8.2f\n", "median", b == 0 ? "this" : "baseline", median(walls[b]),
                        audioS / median(walls[b]), median(cpus[b]), median(cpus[b]) / median(walls[b]));
        if (!ratios.empty()) std::printf("median per-round ratio baseline / this (wall): %.2fx\n", median(ratios));
        return 0;
    }

    // One track.
    AudioBuffer mix = bench::musicLike(trackS, kRate);
    if (!bench::writeWav24(dir / "mix.wav", mix)) return std::fprintf(stderr, "cannot write the mix\n"), 1;
    mix = AudioBuffer();
    const eq::Design eqDesign = eq::designLinearPhase(eqBands(), kRate);
    {
        std::ofstream coeffs(dir / "eq-coeffs.txt");
        coeffs.precision(9);
        for (double t : eqDesign.taps()) coeffs << t << "\n";
    }
    std::string manifest = "lacquer: 1\nalbum: { title: Chain, artist: Bench }\nprocessing: { sample_rate: 96000 }\nchain:\n";
    manifest += kEqYaml;
    manifest += kChainYaml;
    manifest += "loudness: { mode: track, target_lufs: -14 }\ntracks:\n  - { file: mix.wav, title: Chain }\n"
                "variants:\n  master: { export: { format: wav, sample_rate: 96000, bit_depth: 24 } }\n";
    std::ofstream(dir / "chain.yaml") << manifest;

    const std::string in = "'" + (dir / "mix.wav").string() + "'", ir = "'" + (dir / "ir.wav").string() + "'";
    // ffmpeg: firequalizer as long as lacquer's kernel (delay = half its length) or as long as it
    // accepts (ffmpeg 5.1 refuses delays over about 0.17 s: "too large delay"; its FFT is at most
    // 2^16 points), the same four bands as gain entries; a 5 % afir send; acrossover at the same frequencies, one
    // acompressor per band; alimiter at -1 dBFS.
    char fireq[512];
    std::snprintf(fireq, sizeof fireq,
                  "firequalizer=delay=%.6f:gain_entry='entry(0,-60);entry(12,-24);entry(25,-3);entry(50,0.5);"
                  "entry(90,0.75);entry(200,0);entry(2200,0);entry(3200,-1);entry(4600,0);entry(8000,0.2);"
                  "entry(12000,0.5);entry(20000,1);entry(48000,1)'",
                  std::min(static_cast<double>(eqDesign.latencyFrames()) / kRate, kFirequalizerMaxDelayS));
    const std::string graph =
        std::string("[0:a]") + fireq +
        ",asplit=2[dry][send];[send][1:a]afir[wet];[dry][wet]amix=inputs=2:weights='0.95 0.05':normalize=0,"
        "acrossover=split='120 1000 6000'[b0][b1][b2][b3];"
        "[b0]acompressor=threshold=-24dB:ratio=2:attack=30:release=250[c0];"
        "[b1]acompressor=threshold=-22dB:ratio=1.8:attack=10:release=150[c1];"
        "[b2]acompressor=threshold=-24dB:ratio=1.6:attack=5:release=100[c2];"
        "[b3]acompressor=threshold=-26dB:ratio=1.5:attack=2:release=80[c3];"
        "[c0][c1][c2][c3]amix=inputs=4:normalize=0,alimiter=limit=0.891:level=disabled";
    const std::string ffmpeg = "ffmpeg -hide_banner -nostdin -y -i " + in + " -i " + ir + " -filter_complex ";
    // sox: the same EQ kernel, an algorithmic reverb (wet -10 dB, the lowest sox accepts), 4-band
    // mcompand at the same crossovers, a hard-knee compand as the limiter, gain -n -1.
    const std::string band = [](const char* attackRelease, int threshold) {
        return std::string("\"") + attackRelease + " 6:-70,-70," + std::to_string(threshold) + "," +
               std::to_string(threshold) + ",0," + std::to_string(threshold / 2) + "\"";
    }("0.03,0.25", -24);
    const std::string sox = "sox " + in + " -b 24 '" + (dir / "sox-out.wav").string() + "' fir '" +
                            (dir / "eq-coeffs.txt").string() + "' reverb 50 50 100 100 0 -10 mcompand " + band +
                            " 120 " + band + " 1000 " + band + " 6000 " + band +
                            " compand 0.001,0.06 6:-70,-70,-1,-1,0,-1 gain -n -1";
    const std::string lacquer = "'" + cli.string() + "' render '" + (dir / "chain.yaml").string() + "' --out '" +
                                (dir / "out").string() + "' --force";

    const double audioS = trackS;
    std::printf("chain: one %.2f-minute 96 kHz stereo track; %d rounds, order rotating\n", minutes, rounds);
    std::map<std::string, std::vector<Run>> runs;
    std::vector<double> ffRatio, soxRatio, ffCpuRatio, soxCpuRatio;  // peer / lacquer, per round
    std::vector<std::string> tools = {"lacquer", "ffmpeg", "sox"};
    if (!baseline.empty()) tools.push_back("baseline");
    std::vector<double> baseRatio;
    for (int r = 0; r < rounds; ++r) {
        std::map<std::string, Run> got;
        for (std::size_t k = 0; k < tools.size(); ++k) {
            const std::string& tool = tools[(k + static_cast<std::size_t>(r)) % tools.size()];
            Run x;
            if (tool == "lacquer") {
                fs::remove_all(dir / "out");
                x = run(lacquer, dir / "lacquer.log");
            } else if (tool == "baseline") {
                fs::remove_all(dir / "out");
                x = run("'" + baseline + "'" + lacquer.substr(lacquer.find(' ')), dir / "baseline.log");
            } else if (tool == "ffmpeg") {
                const Run pass1 = run(ffmpeg + "\"" + graph + ",loudnorm=I=-14:TP=-1:LRA=20:print_format=json\" -f null -",
                                      dir / "ffmpeg-1.log");
                const auto& o = pass1.output;
                const std::string measured = ":measured_I=" + jsonField(o, "input_i") + ":measured_TP=" +
                                             jsonField(o, "input_tp") + ":measured_LRA=" + jsonField(o, "input_lra") +
                                             ":measured_thresh=" + jsonField(o, "input_thresh") +
                                             ":offset=" + jsonField(o, "target_offset");
                const Run pass2 = run(ffmpeg + "\"" + graph + ",loudnorm=I=-14:TP=-1:LRA=20" + measured +
                                          ":linear=true:print_format=none,aresample=96000\" -c:a pcm_s24le '" +
                                          (dir / "ffmpeg-out.wav").string() + "'",
                                      dir / "ffmpeg-2.log");
                x.wallS = pass1.wallS + pass2.wallS;
                x.cpuS = pass1.cpuS + pass2.cpuS;
                x.rssMiB = std::max(pass1.rssMiB, pass2.rssMiB);
                x.exitCode = pass1.exitCode ? pass1.exitCode : pass2.exitCode;
                x.output = pass1.exitCode ? pass1.output : pass2.output;
            } else {
                x = run(sox, dir / "sox.log");
            }
            if (x.exitCode != 0 && !((tool == "lacquer" || tool == "baseline") && x.exitCode == 1)) {
                std::fprintf(stderr, "%s failed (exit %d):\n%s\n", tool.c_str(), x.exitCode,
                             x.output.substr(x.output.size() > 3000 ? x.output.size() - 3000 : 0).c_str());
                if (!keepGoing) return 1;
            }
            got[tool] = x;
            runs[tool].push_back(x);
        }
        ffRatio.push_back(got["ffmpeg"].wallS / got["lacquer"].wallS);
        soxRatio.push_back(got["sox"].wallS / got["lacquer"].wallS);
        if (!baseline.empty()) baseRatio.push_back(got["baseline"].wallS / got["lacquer"].wallS);
        ffCpuRatio.push_back(got["ffmpeg"].cpuS / got["lacquer"].cpuS);
        soxCpuRatio.push_back(got["sox"].cpuS / got["lacquer"].cpuS);
        std::printf("round %d: wall lacquer %.2f s, ffmpeg %.2f s (%.2fx), sox %.2f s (%.2fx); CPU lacquer %.2f s, "
                    "ffmpeg %.2f s (%.2fx), sox %.2f s (%.2fx)\n",
                    r + 1, got["lacquer"].wallS, got["ffmpeg"].wallS, ffRatio.back(), got["sox"].wallS, soxRatio.back(),
                    got["lacquer"].cpuS, got["ffmpeg"].cpuS, ffCpuRatio.back(), got["sox"].cpuS, soxCpuRatio.back());
    }
    std::printf("\n%-10s %12s %12s %12s %8s %14s %14s %14s\n", "tool", "median wall", "x-realtime", "median CPU", "cores",
                "peak RSS MiB", "wall ratio", "CPU ratio");
    for (const auto& tool : tools) {
        std::vector<double> w, c;
        double rss = 0;
        for (const auto& x : runs[tool]) {
            w.push_back(x.wallS);
            c.push_back(x.cpuS);
            rss = std::max(rss, x.rssMiB);
        }
        const double ratio = tool == "ffmpeg"     ? median(ffRatio)
                             : tool == "sox"      ? median(soxRatio)
                             : tool == "baseline" ? median(baseRatio)
                                                  : 1.0;
        const double cpuRatio = tool == "ffmpeg" ? median(ffCpuRatio) : tool == "sox" ? median(soxCpuRatio) : 1.0;
        if (tool == "baseline") {  // before/after: the wall ratio baseline / this
            std::printf("%-10s %12.2f %12.1f %12.2f %8.2f %14.0f %13.2fx %14s\n", tool.c_str(), median(w), audioS / median(w),
                        median(c), median(c) / median(w), rss, ratio, "-");
            continue;
        }
        std::printf("%-10s %12.2f %12.1f %12.2f %8.2f %14.0f %13.2fx %13.2fx\n", tool.c_str(), median(w),
                    audioS / median(w), median(c), median(c) / median(w), rss, ratio, cpuRatio);
    }
    return 0;
}
