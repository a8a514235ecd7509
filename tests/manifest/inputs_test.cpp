// SPDX-License-Identifier: GPL-3.0-or-later
// CheckInputs::Yes: every named file is opened and probed, and problems (missing, not audio, too
// many channels, timings longer than the audio) are reported at the line that names them.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <fstream>

#include "manifest_helpers.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

using manifest::CheckInputs;
using test::manifestErrors;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Writes a quiet sine of `seconds` at 8 kHz (the lowest rate io accepts: keeps the files tiny).
void writeWav(const std::filesystem::path& file, double seconds, int channels = 2) {
    std::filesystem::create_directories(file.parent_path());
    test::writeAudio(file, test::sine(440, 0.1, seconds, 8000, channels), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

class ManifestInputs : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::scratchDir();
        writeWav(dir_ / "mixes" / "01.wav", 3.0);
        writeWav(dir_ / "mixes" / "02.wav", 2.0);
        writeWav(dir_ / "mixes" / "03.wav", 5.0);
        writeWav(dir_ / "irs" / "room.wav", 0.5, 1);
        // A PNG signature is all the cover check reads.
        std::ofstream(dir_ / "cover.png", std::ios::binary) << "\x89PNG\r\n\x1a\n and the rest";
    }
    std::vector<std::string> errors(const std::string& yaml) {
        return manifestErrors(yaml, CheckInputs::Yes, dir_);
    }

    std::filesystem::path dir_;
};

// Three tracks of 3 s, 2 s and 5 s with a reverb and a cover; `trackExtras` go into track 2.
std::string album(const std::string& trackTwoExtras = "", const std::string& trackOneExtras = "") {
    return R"(lacquer: 1
album: { title: Night Drive, artist: The Demo Band, cover: cover.png }
chain: { reverb: { ir: irs/room.wav, mix: 0.1 } }
tracks:
  - { file: mixes/01.wav, title: One)" +
           trackOneExtras + R"( }
  - { file: mixes/02.wav, title: Two)" +
           trackTwoExtras + R"( }
  - { file: mixes/03.wav, title: Three }
variants: { streaming: { export: { format: flac } } }
)";
}

TEST_F(ManifestInputs, ValidInputsPass) {
    EXPECT_THAT(errors(album(", crossfade_s: 1.5", ", crossfade_s: 0.5, fade_in_s: 1, fade_out_s: 1")),
                IsEmpty());
}

TEST_F(ManifestInputs, InputsAreNotOpenedWithoutCheckInputs) {
    std::string yaml = album();
    yaml.replace(yaml.find("mixes/02.wav"), 12, "mixes/none.wav");
    EXPECT_THAT(manifestErrors(yaml, CheckInputs::No, dir_), IsEmpty());
}

TEST_F(ManifestInputs, MissingFilesAreReportedWhereTheyAreNamed) {
    std::string yaml = album();
    yaml.replace(yaml.find("mixes/02.wav"), 12, "mixes/none.wav");
    yaml.replace(yaml.find("irs/room.wav"), 12, "irs/hall.wav");
    yaml.replace(yaml.find("cover.png"), 9, "art.png");
    const std::string todo = " — check the path; relative paths start at the manifest's folder";
    EXPECT_THAT(errors(yaml),
                ElementsAre("album.yaml:2:60: cover 'art.png' does not exist (looked for " +
                                (dir_ / "art.png").string() + ")" + todo,
                            "album.yaml:3:24: ir 'irs/hall.wav' does not exist (looked for " +
                                (dir_ / "irs/hall.wav").string() + ")" + todo,
                            "album.yaml:6:13: file 'mixes/none.wav' does not exist (looked for " +
                                (dir_ / "mixes/none.wav").string() + ")" + todo));
}

TEST_F(ManifestInputs, UnreadableAudioCarriesTheDecoderReason) {
    std::ofstream(dir_ / "mixes" / "02.wav", std::ios::trunc);  // 0 bytes
    EXPECT_THAT(
        errors(album()),
        ElementsAre("album.yaml:6:13: file 'mixes/02.wav' is not usable audio: file is empty (0 bytes) — "
                    "re-export the audio file"));
}

TEST_F(ManifestInputs, CoverMustBePngOrJpeg) {
    std::ofstream(dir_ / "cover.png", std::ios::trunc) << "GIF89a and more bytes";
    EXPECT_THAT(
        errors(album()),
        ElementsAre(
            "album.yaml:2:60: cover 'cover.png' is neither a PNG nor a JPEG image — export the cover as "
            "PNG or JPEG"));
}

TEST_F(ManifestInputs, MoreThanTwoChannelsAreRefused) {
    writeWav(dir_ / "irs" / "room.wav", 0.5, 4);
    writeWav(dir_ / "mixes" / "03.wav", 5.0, 6);
    EXPECT_THAT(
        errors(album()),
        ElementsAre(
            "album.yaml:3:24: ir 'irs/room.wav' has 4 channels; lacquer takes mono or stereo — use a "
            "mono or stereo impulse response",
            "album.yaml:7:13: file 'mixes/03.wav' has 6 channels; lacquer takes mono or stereo — export "
            "a stereo mix"));
}

TEST_F(ManifestInputs, AnImpulseResponseLongerThanThirtySecondsIsRefused) {
    writeWav(dir_ / "irs" / "room.wav", 30.0, 1);  // the longest accepted
    EXPECT_THAT(errors(album()), IsEmpty());
    writeWav(dir_ / "irs" / "room.wav", 31.0, 1);
    EXPECT_THAT(errors(album()),
                ElementsAre("album.yaml:3:24: ir 'irs/room.wav' is 31.0 s long; lacquer's convolution reverb takes "
                            "impulse responses up to 30 s — trim the impulse response's silent tail, or use a "
                            "shorter one"));
}

TEST_F(ManifestInputs, CrossfadeLongerThanEitherNeighbourIsRefused) {
    // Track 1 is 3 s, track 2 is 2 s, track 3 is 5 s.
    EXPECT_THAT(
        errors(album(", crossfade_s: 4")),
        ElementsAre("album.yaml:6:52: crossfade_s 4 s is longer than this track (2.00 s) — shorten the "
                    "crossfade"));
    EXPECT_THAT(
        errors(album("", ", crossfade_s: 2.5")),
        ElementsAre("album.yaml:5:52: crossfade_s 2.5 s is longer than the next track, 2 'Two' (2.00 s) — "
                    "shorten the crossfade"));
}

TEST_F(ManifestInputs, CrossfadesIntoAndOutOfATrackMustNotOverlap) {
    EXPECT_THAT(
        errors(album(", crossfade_s: 1.5", ", crossfade_s: 1")),
        ElementsAre("album.yaml:6:52: the crossfades into (1 s) and out of (1.5 s) this track overlap: it is "
                    "2.00 s long — shorten one of the crossfades"));
}

TEST_F(ManifestInputs, FadesLongerThanTheTrackAreRefused) {
    EXPECT_THAT(
        errors(album(", fade_in_s: 1.5, fade_out_s: 1")),
        ElementsAre("album.yaml:6:67: fade_in_s + fade_out_s = 2.5 s is longer than the track (2.00 s) — "
                    "shorten the fades"));
}

TEST_F(ManifestInputs, LoadChecksInputsByDefault) {
    std::ofstream(dir_ / "album.yaml") << album();
    const AlbumPlan plan = manifest::load(dir_ / "album.yaml");
    EXPECT_EQ(plan.tracks.size(), 3u);
    std::filesystem::remove(dir_ / "mixes" / "03.wav");
    EXPECT_THROW(manifest::load(dir_ / "album.yaml"), Error);
}

}  // namespace
}  // namespace lacquer
