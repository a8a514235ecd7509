// SPDX-License-Identifier: GPL-3.0-or-later
// The album pass's scratch files: what is written reads back exactly, reads past the end are
// silence, and nothing is left on disk once the render's objects are gone.
#include <gtest/gtest.h>

#include <fstream>

#include "render/spill.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer::render {
namespace {
namespace fs = std::filesystem;

TEST(Spill, WhatIsWrittenReadsBackExactlyAndPastTheEndIsSilence) {
    const auto dir = test::scratchDir() / "scratch";
    const auto audio = test::musicNoise(0.7, 48000);
    {
        Scratch scratch(dir);
        auto f = SpillFile::fromBuffer(scratch, "t", audio);
        EXPECT_EQ(f->frames(), audio.frames());
        EXPECT_EQ(f->readAll().samples, audio.samples);
        // A range straddling the end: the audio, then zeros.
        const auto tail = f->readBuffer(audio.frames() - 10, 30);
        for (std::size_t i = 0; i < 30; ++i) {
            const float want = i < 10 ? audio.samples[1][audio.frames() - 10 + i] : 0.0f;
            EXPECT_EQ(tail.samples[1][i], want) << i;
        }
        // Overwriting in place (the quantiser's pass) and writing past the end (growth).
        AudioBuffer patch(2, 5, 48000);
        patch.samples[0].assign(5, 0.25f);
        f->write(100, patch.view());
        f->write(audio.frames() + 3, patch.view());
        EXPECT_EQ(f->frames(), audio.frames() + 8);
        EXPECT_EQ(f->readBuffer(100, 5).samples[0], std::vector<float>(5, 0.25f));
        EXPECT_EQ(f->readBuffer(audio.frames(), 3).samples[0], std::vector<float>(3, 0.0f));  // the hole reads as zeros
        EXPECT_TRUE(fs::exists(f->path()));
    }
    EXPECT_FALSE(fs::exists(dir));
}

TEST(Spill, AStaleScratchFolderIsReplaced) {
    const auto dir = test::scratchDir() / "scratch";
    fs::create_directories(dir);
    { std::ofstream(dir / "left-by-a-killed-render.f32") << "x"; }
    Scratch scratch(dir);
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Spill, WithoutAScratchFolderTheAudioStaysInMemory) {
    auto audio = test::musicNoise(0.1, 48000);
    const auto copy = audio;
    const auto store = SpillFile::keep(nullptr, "t", std::move(audio));
    ASSERT_NE(dynamic_cast<MemoryStore*>(store.get()), nullptr);
    EXPECT_EQ(store->readAll().samples, copy.samples);
}

}  // namespace
}  // namespace lacquer::render
