// SPDX-License-Identifier: GPL-3.0-or-later
// bench_catalog: a catalogue of small albums through the local engine and through Slurm (a real
// cluster; on one machine `tools/slurm-local start`), alternating, several rounds. Prints albums
// per minute (medians of the rounds and the Slurm/local ratio of the same round), the per-job
// overhead Slurm adds (from the catalogue runs and from an array of no-op tasks), and the jobs'
// own wall and CPU time and peak memory from their result records. Not a test: prints figures.
//
//   bench_catalog [--albums 20] [--seconds 10] [--rounds 3] [--dir /tmp/lacquer-bench-catalog]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// Wall seconds of a shell command; negative when it fails.
double wallOf(const std::string& cmd) {
    const auto t0 = Clock::now();
    const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    return rc == 0 ? s : -s;
}

std::string capture(const std::string& cmd) {
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
    }
    return out;
}

struct Jobs {
    std::vector<double> wallS, cpuS, rssMiB;
};

Jobs jobsOf(const fs::path& out) {
    Jobs j;
    std::ifstream in(out / "report.json");
    const json r = json::parse(in, nullptr, false);
    if (!r.is_object()) return j;
    for (const auto& a : r["albums"]) {
        if (a.value("status", "") != "rendered") continue;
        j.wallS.push_back(a.value("wall_s", 0.0));
        j.cpuS.push_back(a.value("cpu_s", 0.0));
        j.rssMiB.push_back(a.value("max_rss_mib", 0.0));
    }
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    int albums = 20, rounds = 3;
    double seconds = 10.0;
    fs::path dir = "/tmp/lacquer-bench-catalog";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--albums" && i + 1 < argc) albums = std::atoi(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--albums N] [--seconds S] [--rounds R] [--dir DIR]\n", argv[0]);
            return 2;
        }
    }
    const fs::path cli = fs::absolute(fs::path(argv[0])).parent_path() / "lacquer";
    if (capture("sinfo -h -o %T 2>/dev/null").find_first_of("aimx") == std::string::npos) {
        std::fprintf(stderr, "bench_catalog: no Slurm cluster answers; start one (as root): tools/slurm-local start\n");
        return 2;
    }
    // Tasks Slurm runs at once on this node: one CPU each (the default), so its CPU count.
    const int slots = std::max(1, std::atoi(capture("sinfo -h -o %c | head -1").c_str()));

    fs::remove_all(dir);
    const auto audio = lacquer::bench::musicLike(seconds, 48000.0);
    for (int i = 0; i < albums; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "album%02d", i + 1);
        const fs::path a = dir / "cat" / name;
        fs::create_directories(a / "mixes");
        // Same music, a different level per album: each album's bytes (and job key) differ.
        auto mix = audio;
        for (auto& ch : mix.samples)
            for (float& v : ch) v *= static_cast<float>(0.5 + 0.02 * i);
        lacquer::bench::writeWav24(a / "mixes/one.wav", mix);
        lacquer::bench::writeWav24(a / "mixes/two.wav", mix);
        std::ofstream(a / "album.yaml") << "lacquer: 1\nalbum: { title: Bench " << name
                                        << ", artist: Bench }\nprocessing: { sample_rate: 48000 }\n"
                                           "chain:\n  eq: [ { type: bell, freq_hz: 3000, gain_db: -1.5, q: 1.2 } ]\n"
                                           "loudness: { mode: album, target_lufs: -14 }\nsequence: { gap_s: 1.0 }\n"
                                           "tracks:\n  - { file: mixes/one.wav, title: One }\n  - { file: mixes/two.wav, title: Two }\n"
                                           "variants:\n  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n";
    }
    std::printf("catalog benchmark: %d albums of 2 tracks x %.0f s (48 kHz, EQ, FLAC), --device cpu, %d Slurm slots = local -j %d, "
                "%d rounds\n",
                albums, seconds, slots, slots, rounds);

    const std::string common = " catalog run '" + (dir / "cat").string() + "' --device cpu";
    std::vector<double> local, slurm, noop, ratio;
    Jobs localJobs, slurmJobs;
    for (int r = 0; r < rounds; ++r) {
        fs::remove_all(dir / "out-local");
        fs::remove_all(dir / "out-slurm");
        // Albums that fail would exit 1; the benchmark needs every album rendered.
        const double l = wallOf(cli.string() + common + " --out '" + (dir / "out-local").string() + "' --engine local -j " + std::to_string(slots));
        const double s = wallOf(cli.string() + common + " --out '" + (dir / "out-slurm").string() + "' --engine slurm --wait");
        // The same number of tasks doing nothing: Slurm's own cost per task (submit, schedule,
        // launch, end), without lacquer.
        // Polled like `catalog run --wait` polls (squeue), not with `sbatch --wait`, whose own
        // polling interval grows to seconds.
        double n = -1;
        {
            const auto t0 = Clock::now();
            std::string id = capture("sbatch --parsable --array=0-" + std::to_string(albums - 1) + " --output=/dev/null --wrap=true");
            id = id.substr(0, id.find_first_of(";\n"));
            if (!id.empty()) {
                while (capture("squeue -h -o %i -j " + id + " 2>/dev/null").find_first_not_of(" \n") != std::string::npos)
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                n = std::chrono::duration<double>(Clock::now() - t0).count();
            }
        }
        if (l < 0 || s < 0 || n < 0) {
            std::fprintf(stderr, "bench_catalog: a run failed (local %.1f s, slurm %.1f s, no-op %.1f s); see %s\n", l, s, n, dir.c_str());
            return 1;
        }
        local.push_back(l);
        slurm.push_back(s);
        noop.push_back(n);
        ratio.push_back(s / l);
        std::printf("  round %d: local %.2f s, slurm %.2f s (x%.2f), no-op array %.2f s\n", r + 1, l, s, s / l, n);
        const Jobs lj = jobsOf(dir / "out-local"), sj = jobsOf(dir / "out-slurm");
        localJobs.wallS.insert(localJobs.wallS.end(), lj.wallS.begin(), lj.wallS.end());
        localJobs.cpuS.insert(localJobs.cpuS.end(), lj.cpuS.begin(), lj.cpuS.end());
        localJobs.rssMiB.insert(localJobs.rssMiB.end(), lj.rssMiB.begin(), lj.rssMiB.end());
        slurmJobs.wallS.insert(slurmJobs.wallS.end(), sj.wallS.begin(), sj.wallS.end());
        slurmJobs.cpuS.insert(slurmJobs.cpuS.end(), sj.cpuS.begin(), sj.cpuS.end());
        slurmJobs.rssMiB.insert(slurmJobs.rssMiB.end(), sj.rssMiB.begin(), sj.rssMiB.end());
    }
    const double ml = median(local), ms = median(slurm), mn = median(noop);
    std::printf("\n%-44s %12s %12s\n", "", "median s", "albums/min");
    std::printf("%-44s %12.2f %12.1f\n", "local engine (whole catalogue)", ml, albums * 60.0 / ml);
    std::printf("%-44s %12.2f %12.1f\n", "slurm engine (submit .. summary, --wait)", ms, albums * 60.0 / ms);
    std::printf("%-44s %12.2f\n", "no-op array of the same size (submit .. gone)", mn);
    std::printf("slurm / local, same round: median x%.2f\n", median(ratio));
    std::printf("Slurm overhead per job: %.2f s of a slot from the catalogue runs ((slurm - local) x %d slots / %d albums), "
                "%.2f s from the no-op array (no-op x %d / %d)\n",
                (ms - ml) * slots / albums, slots, albums, mn * slots / albums, slots, albums);
    std::printf("per album job (median over %zu local / %zu slurm jobs): wall %.2f / %.2f s, CPU %.2f / %.2f s; peak RSS max %.0f / %.0f MiB "
                "(median %.0f)\n",
                localJobs.wallS.size(), slurmJobs.wallS.size(), median(localJobs.wallS), median(slurmJobs.wallS), median(localJobs.cpuS),
                median(slurmJobs.cpuS), localJobs.rssMiB.empty() ? 0 : *std::max_element(localJobs.rssMiB.begin(), localJobs.rssMiB.end()),
                slurmJobs.rssMiB.empty() ? 0 : *std::max_element(slurmJobs.rssMiB.begin(), slurmJobs.rssMiB.end()), median(localJobs.rssMiB));
    return 0;
}
