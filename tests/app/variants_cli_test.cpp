// SPDX-License-Identifier: GPL-3.0-or-later
// Delivery variants as the CLI shows them: `lacquer validate` on CD text and on the presets example.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>

#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

std::string cli() {
    return test::cliPath().string();
}

TEST(CliVariants, ValidateWarnsThatACdTitleIsNotLatin1AndStillPasses) {
    // Two 5 s tracks (over Red Book's 4 s minimum); the first title holds U+03A9 (Ω), which
    // CD-TEXT's Latin-1 cannot hold, the second only Latin-1 (é is U+00E9).
    const auto dir = test::scratchDir();
    test::writeAudio(dir / "a.wav", test::musicNoise(5.0, 44100, 2, 1), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    test::writeAudio(dir / "b.wav", test::musicNoise(5.0, 44100, 2, 2), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    std::ofstream(dir / "album.yaml") << R"(lacquer: 1
album: { title: Small, artist: Tester }
tracks:
  - { file: a.wav, title: "Ωmega" }
  - { file: b.wav, title: "Café" }
variants:
  cd: { preset: cd }
  streaming: { preset: streaming }
)";
    std::string out;
    ASSERT_EQ(runCommand(cli() + " validate " + (dir / "album.yaml").string(), &out), 0) << out;
    EXPECT_NE(out.find("warning: cd: track 1 \"Ωmega\": CD-TEXT TITLE is not Latin-1: 'Ω' replaced, it reads "
                       "\"?mega\" — use Latin-1 characters if the replacement reads badly\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("Café\": CD-TEXT"), std::string::npos) << out;     // Latin-1 text draws no warning
    EXPECT_EQ(out.find("warning: streaming"), std::string::npos) << out;  // CD text concerns CD variants only
}

TEST(CliVariants, ValidateAcceptsThePresetsExampleOverTheDemoSources) {
    // albums/examples/presets.yaml names ../demo/mixes/...: synthesise the demo's sources beside a copy.
    const auto dir = test::scratchDir();
    fs::create_directories(dir / "examples");
    fs::copy_file(test::sourceDir() / "albums/examples/presets.yaml", dir / "examples/presets.yaml");
    const auto maker = test::binaryDir() / "make_demo_album";
    ASSERT_TRUE(fs::exists(maker)) << "build the make_demo_album tool first";
    std::string out;
    ASSERT_EQ(runCommand(maker.string() + " " + (dir / "demo").string(), &out), 0) << out;
    ASSERT_EQ(runCommand(cli() + " validate " + (dir / "examples/presets.yaml").string(), &out), 0) << out;
    EXPECT_NE(out.find("ok — 6 tracks, 5 variants"), std::string::npos) << out;
}

}  // namespace
}  // namespace lacquer
