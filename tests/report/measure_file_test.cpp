// SPDX-License-Identifier: GPL-3.0-or-later
// report::measureFile streams the file through io::FileSource block by block: its readings are
// those of one meter over the whole decoded file.
#include <gtest/gtest.h>
#include <sndfile.h>

#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/report/report.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

TEST(MeasureFile, StreamedReadingsEqualOneMeterOverTheWholeDecodedFile) {
    const auto dir = test::scratchDir();
    // 5.3 s: several of measureFile's 65536-frame blocks and a part block at the end.
    test::writeAudio(dir / "stereo.flac", test::musicNoise(5.3, 48000, 2, 23), SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
    test::writeAudio(dir / "mono.wav", test::musicNoise(5.3, 44100, 1, 29), SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    for (const char* name : {"stereo.flac", "mono.wav"}) {
        const auto file = dir / name;
        std::unique_ptr<loudness::Meter> meter;
        const auto m = report::measureFile(file, &meter);
        const auto audio = io::decode(file, io::Channels::Native);
        const auto want = loudness::measure(audio);
        // Exact: the same samples through the same meter, whose readings do not depend on how
        // the audio is split (meter.hpp).
        EXPECT_EQ(m.loudness.integratedLufs, want.integratedLufs) << name;
        EXPECT_EQ(m.loudness.loudnessRangeLu, want.loudnessRangeLu) << name;
        EXPECT_EQ(m.loudness.truePeakDbtp, want.truePeakDbtp) << name;
        EXPECT_EQ(m.loudness.samplePeakDbfs, want.samplePeakDbfs) << name;
        EXPECT_EQ(m.loudness.durationS, want.durationS) << name;
        EXPECT_TRUE(m.loudness.integratedLufs.has_value()) << name;
        ASSERT_TRUE(meter) << name;
        EXPECT_EQ(meter->framesAdded(), audio.frames()) << name;
        EXPECT_EQ(meter->channels(), audio.channels()) << name;  // as stored: a mono file stays mono
        const auto info = io::probe(file);
        EXPECT_EQ(m.info.frames, info.frames) << name;
        EXPECT_EQ(m.info.channels, info.channels) << name;
        EXPECT_EQ(m.info.encoding, info.encoding) << name;
        EXPECT_EQ(m.sha256, sha256File(file)) << name;
    }
}

}  // namespace
}  // namespace lacquer
