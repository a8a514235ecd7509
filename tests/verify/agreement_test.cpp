// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer verify` judges the manifest's targets by the render's own rules (src/checks/): small
// albums rendered across every loudness mode and anchor, presets and variant kinds (FLAC, WAV, CD,
// vinyl, with and without a limiter, one that misses max_limiting_db), then verified, must get
// the same verdict from both, check for check.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "lacquer/checks/check.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/verify/verify.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Three tracks 10 dB apart in level (so the album's average and its loudest track are different
// anchors), one with a loudness offset; every track at least 4 s, as Red Book wants for the CD.
constexpr const char* kAlbum = R"(lacquer: 1
album: { title: Agreement, artist: The Judges, date: "2026", catalog: "2000000020266" }
processing: { sample_rate: 48000 }
loudness: { mode: album, target_lufs: -18 }
sequence: { gap_s: 0.5 }
tracks:
  - { file: mixes/a.wav, title: Soft, isrc: ZZDEM2600201 }
  - { file: mixes/b.wav, title: Middle, loudness_offset_lu: -2 }
  - { file: mixes/c.flac, title: Loud }
variants:
  average: { preset: streaming, loudness: { mode: album, anchor: average, target_lufs: -16 } }
  loudest: { preset: streaming, loudness: { mode: album, anchor: loudest, target_lufs: -16 } }
  track: { preset: apple, loudness: { mode: track, target_lufs: -18 }, export: { format: wav, sample_rate: 44100, bit_depth: 16 } }
  cd: { preset: cd, loudness: { mode: album, anchor: loudest } }
  hires: { preset: hires }
  vinyl: { preset: vinyl, limiter: off, loudness: { mode: track, target_lufs: -20 } }
  tight: { preset: streaming, loudness: { mode: track, target_lufs: -8, max_limiting_db: 0.5 } }
)";

// The render's target checks in report.json, by the names src/checks/targets gives them.
bool isTargetCheck(const std::string& name) {
    for (const char* suffix : {" file complete", " loudness", " loudness on target", " true peak under ceiling", " no clipping",
                               " limiting within bounds"})
        if (name.size() > std::string(suffix).size() && name.ends_with(suffix) && name.starts_with("track ")) return true;
    return name == "album loudness on target" || name == "loudest track on target";
}

void scaled(AudioBuffer& b, double gain) {
    for (auto& ch : b.samples)
        for (auto& x : ch) x = static_cast<float>(x * gain);
}

struct Rendered {
    AlbumPlan plan;
    json report;
    verify::Result verified;
    int renderExit = -1;
};

Rendered renderAndVerify(const fs::path& dir, const std::string& manifest) {
    Rendered r;
    std::ofstream(dir / "album.yaml") << manifest;
    r.plan = manifest::load(dir / "album.yaml");
    render::RenderOptions options;
    options.outDir = dir / "out";
    options.device.mode = convolution::DeviceRequest::Mode::Cpu;
    r.renderExit = render::renderAlbum(r.plan, options).checksPassed ? 0 : 1;
    std::ifstream in(options.outDir / "report.json");
    r.report = json::parse(in);
    r.verified = verify::verifyRender(r.plan, options.outDir);
    return r;
}

// Every target check verify judged is in report.json under the same name with the same verdict,
// and every target check the render recorded was judged by verify. Returns the ids judged.
std::set<std::string> expectAgreement(const Rendered& r) {
    std::set<std::string> ids;
    for (const auto& [name, section] : r.report["variants"].items()) {
        SCOPED_TRACE("variant " + name);
        std::map<std::string, bool> rendered;
        for (const auto& c : section["checks"])
            if (isTargetCheck(c["name"].get<std::string>())) rendered[c["name"].get<std::string>()] = c["ok"].get<bool>();
        const auto found = r.verified.targetChecks.find(name);
        if (found == r.verified.targetChecks.end()) {
            ADD_FAILURE() << "verify judged no target of variant " << name;
            continue;
        }
        const auto& judged = found->second;
        std::map<std::string, bool> verified;
        for (const auto& c : judged) {
            verified[c.name] = c.ok();
            ids.insert(c.id);
        }
        EXPECT_EQ(verified, rendered) << "report.json: " << section["checks"].dump(1);
    }
    return ids;
}

TEST(VerifyAgreesWithRender, EveryLoudnessModeAnchorPresetAndVariantKind) {
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    AudioBuffer soft = test::musicNoise(4.2, 44100, 2, 21), middle = test::musicNoise(4.5, 48000, 2, 22),
                loud = test::musicNoise(4.3, 48000, 2, 23);
    scaled(soft, 0.1);    // -20 dB
    scaled(middle, 0.3);  // about -10 dB
    test::writeAudio(dir / "mixes/a.wav", soft, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "mixes/b.wav", middle, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "mixes/c.flac", loud, SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    const Rendered r = renderAndVerify(dir, kAlbum);

    // Only `tight` misses a target (it needs more than 0.5 dB of limiting to reach -8 LUFS).
    EXPECT_EQ(r.renderExit, 1);
    bool tightFailed = false;
    for (const auto& c : r.report["variants"]["tight"]["checks"])
        tightFailed = tightFailed || (c["name"].get<std::string>().ends_with("limiting within bounds") && !c["ok"].get<bool>());
    EXPECT_TRUE(tightFailed) << r.report["variants"]["tight"]["checks"].dump(1);
    for (const auto& v : r.verified.violations) {
        // Each violation is the tight variant's, or a file of it.
        EXPECT_TRUE(v.where.starts_with("tight")) << v.line();
    }
    // The anchor the render used is the one verify judges by (verify ignored `anchor: loudest`).
    for (const auto& v : r.verified.violations) EXPECT_EQ(v.where.find("loudest"), std::string::npos) << v.line();

    const auto ids = expectAgreement(r);
    for (const char* id : {"track.file_complete", "track.loudness", "track.true_peak", "track.no_clipping", "track.limiting",
                           "album.loudness", "album.loudest_track"})
        EXPECT_TRUE(ids.count(id)) << "no variant exercised " << id;
}

TEST(VerifyAgreesWithRender, ATrackWithoutLoudnessOfItsOwnIsNotJudgedAgainstTheTarget) {
    // A 0.3 s sting has no loudness of its own and gets no gain; its file (sting and its 2 s gap)
    // does measure. The render records "loudness: undefined", and verify must not fail it.
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "mixes");
    test::writeAudio(dir / "mixes/a.wav", test::sine(1000, 0.5, 0.3, 44100), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    test::writeAudio(dir / "mixes/b.wav", test::musicNoise(3.0, 48000, 2, 24), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    const Rendered r = renderAndVerify(dir, R"(lacquer: 1
album: { title: Sting, artist: The Judges }
loudness: { mode: track, target_lufs: -16 }
sequence: { gap_s: 2 }
tracks:
  - { file: mixes/a.wav, title: Sting }
  - { file: mixes/b.wav, title: Music }
variants:
  streaming: { preset: streaming }
)");
    EXPECT_EQ(r.renderExit, 0);
    for (const auto& v : r.verified.violations) ADD_FAILURE() << v.line();
    const auto ids = expectAgreement(r);
    EXPECT_TRUE(ids.count("track.loudness_undefined"));
}

}  // namespace
}  // namespace lacquer
