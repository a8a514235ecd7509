// SPDX-License-Identifier: GPL-3.0-or-later
// Memory follows the block size, not the track's length: the same one-track album rendered with a
// 1-minute and a 7-minute mix peaks at nearly the same resident memory. The render runs as the CLI
// in a child process and its peak RSS is the child's ru_maxrss (wait4). (The renderer's full
// figures, 3 hours at 96 kHz, come from bench/long_album.cpp.) Both renders get a 16 MiB spill
// budget (--spill-memory 16): spills fill it, then move to their scratch files, so memory stays
// bounded by the budget, whatever the length (by default a 7-minute track's spills fit the 256 MiB
// budget, which this test would read as growth).
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <vector>

#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;

// A mix of `seconds` at 48 kHz, 24-bit stereo, written in blocks (the test holds one block).
void writeMix(const fs::path& file, double seconds) {
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr);
    std::mt19937 rng(5);
    std::normal_distribution<double> nd(0, 0.1);
    const auto total = static_cast<std::size_t>(seconds * 48000);
    std::vector<float> block(2 * 48000);
    for (std::size_t at = 0; at < total; at += 48000) {
        const std::size_t n = std::min<std::size_t>(48000, total - at);
        for (std::size_t k = 0; k < n; ++k) {
            const double t = static_cast<double>(at + k) / 48000;
            const double tone = 0.3 * std::sin(2 * std::numbers::pi * 110 * t) * (0.6 + 0.4 * std::sin(t));
            block[2 * k] = static_cast<float>(tone + nd(rng));
            block[2 * k + 1] = static_cast<float>(0.9 * tone + nd(rng));
        }
        ASSERT_EQ(sf_writef_float(f, block.data(), static_cast<sf_count_t>(n)), static_cast<sf_count_t>(n));
    }
    sf_close(f);
}

// Renders a one-track album of `seconds` and returns the render's peak RSS in MiB.
double renderPeakRssMib(const fs::path& dir, double seconds) {
    fs::create_directories(dir);
    writeMix(dir / "mix.wav", seconds);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Bounded, artist: Tester }
processing: { sample_rate: 48000 }
chain:
  eq: [ { type: highpass, freq_hz: 30 }, { type: bell, freq_hz: 2500, gain_db: -2, q: 1 } ]
  multiband:
    crossovers_hz: [200, 4000]
    bands: [ { threshold_db: -24, ratio: 2 }, { threshold_db: -24, ratio: 2 }, { threshold_db: -24, ratio: 2 } ]
  limiter: { ceiling_dbtp: -1 }
loudness: { mode: album, target_lufs: -14 }
tracks:
  - { file: mix.wav, title: Long }
variants:
  master: { export: { format: wav, sample_rate: 44100, bit_depth: 24 } }
)";
    const std::string cli = test::cliPath().string(), manifest = (dir / "album.yaml").string(),
                      out = (dir / "out").string();
    const pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execl(cli.c_str(), cli.c_str(), "render", manifest.c_str(), "--out", out.c_str(), "--spill-memory", "16",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    EXPECT_EQ(wait4(pid, &status, 0, &ru), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "render of " << seconds << " s";
    EXPECT_TRUE(fs::exists(dir / "out/master/01 - Long.wav"));
    fs::remove_all(dir);  // the mix and the renders are hundreds of MB
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

TEST(BoundedMemory, ASevenMinuteTrackPeaksWithinAFewMiBOfAOneMinuteTrack) {
    const fs::path dir = test::scratchDir();
    const double shortMib = renderPeakRssMib(dir / "short", 60.0);
    const double longMib = renderPeakRssMib(dir / "long", 420.0);
    std::printf("[ figure ] peak RSS: 1-minute track %.0f MiB, 7-minute track %.0f MiB\n", shortMib, longMib);
    // The six extra minutes are 132 MiB per whole copy of the track (6 · 60 · 48000 frames · 2
    // channels · 4 bytes); the renderer used to hold three such copies at once (decoded, convolved,
    // resampled). Streamed, only what is kept per second of audio grows: the limiter and multiband
    // traces, the loudness histories and the codec-free report's measurements, a few MiB in all.
    // 32 MiB is a quarter of one copy: a single whole-track buffer anywhere fails it.
    EXPECT_LT(longMib - shortMib, 32.0);
}

}  // namespace
}  // namespace lacquer
