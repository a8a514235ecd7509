// SPDX-License-Identifier: GPL-3.0-or-later
// Output does not depend on the thread count: the same album rendered with one thread (every
// stage in order on the calling thread, no pipelines) and with four (tracks, variants and the
// per-track pipelines in parallel) writes byte-identical files.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "lacquer/common/parallel.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {
using nlohmann::json;

// file path -> sha256 over every variant of a render with `threads` threads.
std::map<std::string, std::string> renderWith(unsigned threads, const std::filesystem::path& dir, const std::string& out) {
    setThreadLimit(threads);
    const auto plan = manifest::load(dir / "album.yaml");
    render::RenderOptions options;
    options.outDir = dir / out;
    options.force = true;
    render::renderAlbum(plan, options);
    setThreadLimit(0);
    std::ifstream in(dir / out / "report.json");
    const json r = json::parse(in);
    std::map<std::string, std::string> hashes;
    for (const auto& [name, v] : r["variants"].items())
        for (const auto& f : v["files"]) hashes[f["path"].get<std::string>()] = f["sha256"].get<std::string>();
    return hashes;
}

TEST(RenderThreads, OneThreadAndFourWriteIdenticalBytes) {
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(6.0, 48000, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "b.wav", test::musicNoise(5.0, 44100, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    // A short decaying-noise room for the convolution stage.
    AudioBuffer ir(2, 12000, 48000);
    std::mt19937 rng(3);
    std::normal_distribution<float> nd(0.0f, 0.3f);
    for (auto& ch : ir.samples)
        for (std::size_t i = 0; i < ch.size(); ++i) ch[i] = nd(rng) * std::exp(-static_cast<float>(i) / 3000.0f);
    test::writeAudio(dir / "ir.wav", ir, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Threads, artist: Tester }
processing: { sample_rate: 48000 }
loudness: { mode: album, target_lufs: -14 }
chain:
  eq: [ { type: bell, freq_hz: 3000, gain_db: -2, q: 1 } ]
  reverb: { ir: ir.wav, mix: 0.1 }
  multiband:
    crossovers_hz: [200, 3000]
    bands: [ { threshold_db: -24, ratio: 2 }, { threshold_db: -24, ratio: 2 }, { threshold_db: -24, ratio: 2 } ]
  limiter: { ceiling_dbtp: -1 }
tracks:
  - { file: a.wav, title: A }
  - { file: b.wav, title: B }
variants:
  streaming: { preset: streaming, codec_headroom: { mode: off } }
  cd: { preset: cd }
  hires: { export: { format: wav, sample_rate: 96000, bit_depth: 24 } }
)";
    const auto one = renderWith(1, dir, "one");
    const auto four = renderWith(4, dir, "four");
    ASSERT_FALSE(one.empty());
    EXPECT_EQ(one, four);
}

}  // namespace
}  // namespace lacquer
