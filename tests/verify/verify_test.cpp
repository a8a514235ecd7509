// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer verify` on a real render of a small synthesised album: it passes on the fresh render and
// catches every kind of tampering with the line that names it.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "lacquer/delivery/cd.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::runCommand;

std::string cli() { return test::cliPath().string(); }
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Three variants (every track at least 4 s, as Red Book wants for the CD), so both loudness modes, FLAC (Vorbis comments, ReplayGain) and WAV (LIST/INFO)
// are verified. Targets sit well below the ceiling: music-like noise has a peak-to-loudness ratio
// of about 15 dB, so the true peak stays under -1 dBTP whether or not a limiter has to act.
constexpr const char* kManifest = R"(lacquer: 1
album: { title: Proof, artist: The Verifiers, date: "2026", genre: Test }
processing: { sample_rate: 48000 }
chain:
  limiter: { ceiling_dbtp: -1.0 }
loudness: { mode: album, target_lufs: -20 }
sequence: { gap_s: 0.5 }
tracks:
  - { file: mixes/a.wav, title: Alpha, isrc: ZZDEM2600101 }
  - { file: mixes/b.wav, title: Beta, isrc: ZZDEM2600102, composer: Someone }
  - { file: mixes/c.flac, title: Gamma }
variants:
  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }
  pcm: { loudness: { mode: track, target_lufs: -22 }, export: { format: wav, sample_rate: 44100, bit_depth: 16 } }
  cd: { export: { format: cd } }
)";

// Each test synthesises the album and renders it into its own scratch folder (ctest runs every
// test in its own process, possibly in parallel, so nothing is shared); a render of these ten
// seconds of audio takes a second or two.
class VerifyCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::scratchDir();
        fs::create_directories(dir_ / "album/mixes");
        test::writeAudio(dir_ / "album/mixes/a.wav", test::musicNoise(4.0, 44100, 2, 11), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        test::writeAudio(dir_ / "album/mixes/b.wav", test::musicNoise(4.5, 48000, 2, 12), SF_FORMAT_WAV | SF_FORMAT_PCM_24);
        test::writeAudio(dir_ / "album/mixes/c.flac", test::musicNoise(4.5, 48000, 2, 13), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
        manifest_ = dir_ / "album/album.yaml";
        std::ofstream(manifest_) << kManifest;
        out_ = dir_ / "out";
        std::string output;
        ASSERT_EQ(runCommand(cli() + " render " + q(manifest_) + " --out " + q(out_), &output), 0) << output;
    }

    // Runs verify; returns its exit code and puts stdout+stderr in `output`.
    int verify(std::string* output, const fs::path& manifest = {}) const {
        return runCommand(cli() + " verify " + q(manifest.empty() ? manifest_ : manifest) + " --out " + q(out_), output);
    }

    json report() const {
        std::ifstream in(out_ / "report.json");
        return json::parse(in);
    }
    std::string trackSha(const std::string& variant, int number) const {
        return report()["variants"][variant]["tracks"][number - 1]["sha256"].get<std::string>();
    }
    static bool hasLine(const std::string& output, const std::string& line) {
        return output.find(line + "\n") != std::string::npos;
    }

    fs::path dir_, out_, manifest_;
};

TEST_F(VerifyCli, PassesOnAFreshRender) {
    std::string out;
    EXPECT_EQ(verify(&out), 0) << out;
    // Nothing but the summary line: 3 + 3 track files, and for the CD 3 track WAVs, album.wav,
    // album.cue and the six DDP files.
    EXPECT_TRUE(std::regex_match(out, std::regex("verify: 17 files in 3 variants, [0-9]+ checks: all hold\n"))) << out;
}

TEST_F(VerifyCli, CatchesOneChangedByte) {
    const auto file = out_ / "streaming/02 - Beta.flac";
    const std::string sha = trackSha("streaming", 2);
    {
        // One byte in the middle of the audio frames.
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(fs::file_size(file) / 2));
        char c = 0;
        f.read(&c, 1);
        f.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
        c = static_cast<char>(c ^ 0x5a);
        f.write(&c, 1);
    }
    std::string out;
    EXPECT_EQ(verify(&out), 1) << out;
    const std::regex line("verify: streaming/02 - Beta\\.flac: SHA-256 differs from report\\.json — expected " + sha +
                          " vs found [0-9a-f]{64}\n");
    EXPECT_TRUE(std::regex_search(out, line)) << out;
    EXPECT_EQ(out.find("verify: streaming/01"), std::string::npos) << "only the changed file is named:\n" << out;
}

TEST_F(VerifyCli, CatchesACueSheetWhoseIndexNoLongerMatchesTheTrackFiles) {
    const auto cue = out_ / "cd/album.cue";
    std::ifstream in(cue);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    // Move track 2's INDEX 01 one sector later.
    const auto at = text.find("INDEX 01", text.find("TRACK 02"));
    ASSERT_NE(at, std::string::npos) << text;
    const std::string msf = text.substr(at + 9, 8);
    const std::string later = delivery::msf(*delivery::parseMsf(msf) + 1);
    text.replace(at + 9, 8, later);
    std::ofstream(cue) << text;
    std::string out;
    EXPECT_EQ(verify(&out), 1) << out;
    EXPECT_TRUE(hasLine(out, "verify: cd track 2: CUE INDEX 01 is not where the track files put it — expected " + msf + " vs found " + later))
        << out;
}

TEST_F(VerifyCli, CatchesADeletedFile) {
    fs::remove(out_ / "pcm/03 - Gamma.wav");
    std::string out;
    EXPECT_EQ(verify(&out), 1) << out;
    EXPECT_TRUE(hasLine(out, "verify: pcm/03 - Gamma.wav: file missing — expected the file report.json lists vs found no such file"))
        << out;
}

// Hidden files too (issue 14): a finished render leaves no temporary, so one found is extra.
TEST_F(VerifyCli, CatchesAnExtraFileAndAHiddenOne) {
    std::ofstream(out_ / "streaming/bonus.flac") << "not ours";
    std::ofstream(out_ / "streaming/.02 - Beta.flac.part-123-0") << "a render's temporary file";
    std::string out;
    EXPECT_EQ(verify(&out), 1) << out;
    EXPECT_TRUE(hasLine(out, "verify: streaming/bonus.flac: extra file not listed in report.json — expected no such file vs found 8 bytes"))
        << out;
    EXPECT_TRUE(hasLine(out, "verify: streaming/.02 - Beta.flac.part-123-0: extra file not listed in report.json — expected no "
                             "such file vs found 25 bytes"))
        << out;
}

TEST_F(VerifyCli, CatchesATagEditedWithMetaflac) {
    const auto file = out_ / "streaming/01 - Alpha.flac";
    std::string out;
    ASSERT_EQ(runCommand("metaflac --remove-tag=TITLE --set-tag=TITLE=Tampered " + q(file), &out), 0) << out;
    EXPECT_EQ(verify(&out), 1) << out;
    EXPECT_TRUE(hasLine(out, "verify: streaming/01 - Alpha.flac: tag TITLE differs from the manifest — expected \"Alpha\" vs found \"Tampered\""))
        << out;
    // metaflac --set-tag adds a value: a second ISRC makes the field a list, not a new value.
    ASSERT_EQ(runCommand("metaflac --set-tag=ISRC=ZZDEM2600999 " + q(out_ / "streaming/02 - Beta.flac"), &out), 0) << out;
    EXPECT_EQ(verify(&out), 1) << out;
    EXPECT_TRUE(hasLine(out, "verify: streaming/02 - Beta.flac: tag ISRC differs from the manifest — expected \"ZZDEM2600102\" vs "
                             "found \"ZZDEM2600102\", \"ZZDEM2600999\""))
        << out;
}

TEST_F(VerifyCli, CatchesAChangedTargetInTheManifest) {
    std::string text = kManifest;
    text.replace(text.find("target_lufs: -20"), 16, "target_lufs: -19");
    const auto edited = dir_ / "album/album-edited.yaml";  // beside the mixes it names
    std::ofstream(edited) << text;
    std::string out;
    EXPECT_EQ(verify(&out, edited), 1) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex("verify: report\\.json: manifest changed since the render \\(SHA-256\\) — expected "
                                                  "[0-9a-f]{64} vs found [0-9a-f]{64}\n")))
        << out;
    EXPECT_TRUE(hasLine(out, "verify: streaming: report.json's loudness target differs from the manifest — expected -19.00 LUFS vs "
                             "found -20.00 LUFS"))
        << out;
    // The files were mastered to -20 LUFS (±0.1 LU), so they miss -19 by about 1 LU.
    EXPECT_TRUE(std::regex_search(out, std::regex("verify: streaming: album loudness off the manifest's target \\(±0\\.1 LU\\) — "
                                                  "expected -19\\.00 LUFS vs found -(20\\.0[0-9]|19\\.9[0-9]) LUFS\n")))
        << out;
    // The pcm variant has its own target and is untouched.
    EXPECT_EQ(out.find("verify: pcm"), std::string::npos) << out;
}

TEST_F(VerifyCli, CatchesAMeasurementThatDisagreesWithReportJson) {
    json r = report();
    const double lufs = r["variants"]["pcm"]["tracks"][1]["integrated_lufs"].get<double>();
    r["variants"]["pcm"]["tracks"][1]["integrated_lufs"] = lufs + 0.5;
    std::ofstream(out_ / "report.json") << r.dump(2);
    std::string out;
    EXPECT_EQ(verify(&out), 1) << out;
    char expected[64], found[64];
    std::snprintf(expected, sizeof expected, "%.2f", lufs + 0.5);
    std::snprintf(found, sizeof found, "%.2f", lufs);
    EXPECT_TRUE(hasLine(out, std::string("verify: pcm/02 - Beta.wav: integrated loudness differs from report.json — expected ") +
                                 expected + " LUFS vs found " + found + " LUFS"))
        << out;
}

TEST_F(VerifyCli, WithoutAReportExitsThreeWithOneErrorLine) {
    fs::remove(out_ / "report.json");
    std::string out;
    EXPECT_EQ(verify(&out), 3) << out;
    EXPECT_EQ(out, "error: " + (out_ / "report.json").string() +
                       ": does not exist — render first, or pass --out with the render's folder\n");
}

}  // namespace
}  // namespace lacquer
