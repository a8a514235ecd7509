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

// The same writes through a memory spill, one whose budget runs out half-way, and a file: every
// read is the same floats, and a memory spill never holds more than its budget.
TEST(Spill, MemoryAndFileSpillsReadBackTheSameAndTheBudgetBoundsMemory) {
    const auto dir = test::scratchDir() / "scratch";
    const auto audio = test::musicNoise(3.0, 48000);  // 144000 frames: 3 chunks
    constexpr std::size_t kChunk = SpillFile::kChunkFrames * 2 * sizeof(float);  // one stereo chunk
    {
        Scratch files(dir / "f");
        Scratch memory(dir / "m", 10 * kChunk);
        Scratch small(dir / "s", 2 * kChunk);
        auto f = SpillFile::empty(&files, "t", 2, 48000);
        auto m = SpillFile::empty(&memory, "t", 2, 48000);
        auto s = SpillFile::empty(&small, "t", 2, 48000);
        // Written in uneven blocks (crossing chunk boundaries), with a hole and an overwrite.
        std::vector<std::shared_ptr<AudioStore>> all{f, m, s};
        for (auto& store : all) {
            auto& a = const_cast<AudioBuffer&>(audio);
            for (std::size_t at = 0; at < 100000; at += 7001) store->write(at, a.view().slice(at, std::min<std::size_t>(7001, 100000 - at)));
            store->write(120000, a.view().slice(120000, 24000));
            store->write(50000, a.view().slice(0, 30000));
        }
        auto* mf = dynamic_cast<SpillFile*>(m.get());
        auto* sf = dynamic_cast<SpillFile*>(s.get());
        auto* ff = dynamic_cast<SpillFile*>(f.get());
        EXPECT_TRUE(mf->inMemory());
        EXPECT_FALSE(fs::exists(mf->path()));  // nothing on disk while it fits
        EXPECT_EQ(memory.budget()->left(), 10 * kChunk - 3 * kChunk);
        EXPECT_FALSE(sf->inMemory());  // the third chunk did not fit: it moved to its file
        EXPECT_TRUE(fs::exists(sf->path()));
        // Its two chunks are kept for the next spill, still counted: nothing left to take.
        EXPECT_EQ(small.budget()->left(), 0u);
        EXPECT_FALSE(ff->inMemory());
        for (auto& store : all) EXPECT_EQ(store->frames(), 144000u);
        EXPECT_EQ(m->readAll().samples, f->readAll().samples);
        EXPECT_EQ(s->readAll().samples, f->readAll().samples);
        EXPECT_EQ(m->readBuffer(143990, 40).samples, f->readBuffer(143990, 40).samples);  // the end, then zeros
        EXPECT_EQ(m->readBuffer(100000, 20000).samples[0], std::vector<float>(20000, 0.0f));  // the hole
        // Cut and grown back: zeros where the cut removed audio, in memory as in the file.
        mf->truncate(130000);
        ff->truncate(130000);
        mf->truncate(140000);
        ff->truncate(140000);
        EXPECT_EQ(m->readAll().samples, f->readAll().samples);
        // A spill that goes away hands its chunks back; the next spill takes them (zeroed) before
        // any new memory.
        m.reset();
        all.clear();
        EXPECT_EQ(memory.budget()->left(), 7 * kChunk);
        auto again = SpillFile::empty(&memory, "u", 2, 48000);
        again->write(150000, const_cast<AudioBuffer&>(audio).view().slice(0, 10));
        EXPECT_EQ(memory.budget()->left(), 7 * kChunk);
        EXPECT_EQ(again->readBuffer(0, 150000).samples, AudioBuffer(2, 150000, 48000).samples);  // the hole is zeros
        // A mono spill cannot use stereo chunks: kept ones are freed to make room when needed.
        again.reset();  // 3 stereo chunks kept, 7 stereo chunks' bytes left (14 mono chunks)
        AudioBuffer mono(1, 16 * SpillFile::kChunkFrames, 48000);  // 16 mono chunks: more than 14
        mono.samples[0].assign(mono.frames(), 0.5f);
        auto m1 = SpillFile::empty(&memory, "v", 1, 48000);
        m1->write(0, mono.view());
        EXPECT_TRUE(dynamic_cast<SpillFile*>(m1.get())->inMemory());
        EXPECT_EQ(memory.budget()->left(), 2 * kChunk);  // 10 stereo chunks = 20 mono, 16 in use: 4 mono left
        EXPECT_EQ(m1->readAll().samples, mono.samples);
    }
    for (const char* sub : {"f", "m", "s"}) EXPECT_FALSE(fs::exists(dir / sub)) << sub;
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
