// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Scratch storage for the album pass. A 3-hour album at 96 kHz is 8 GB as float stereo, so the
// render keeps no whole album in memory: each track leaves the shared chain into a spill file,
// each variant's delivery-rate tracks and its mastered timeline are spill files too, and every
// later stage reads them back block by block (AudioSource). Memory then follows the block size and
// the longest single track, not the album's length.
//
// Files are raw interleaved float32 (native byte order; private to one render), in a folder the
// render owns inside its output folder (DIR/.lacquer-scratch, under the output lock), removed when
// the Scratch object goes away — also on errors and cancellation. A folder left by a killed render
// is removed by the next render into the same folder.
//
// Memory budget: writing every stage to a file and reading it back costs the kernel a page copy
// each way (15 % of a one-track render's CPU, perf). So a Scratch may be given a budget in bytes:
// a SpillFile then starts in memory (planar float32 chunks, the same values a file would hold) and
// takes chunks from the budget as it grows; when the budget cannot give a chunk, that one stream
// moves to its file (what it held is written there, its chunks go back to the budget) and stays
// there. The memory the spills hold is at most the budget however long the album, and the audio
// read back is the same floats either way, so the render's bytes do not depend on the budget
// (tests/render/spill_test.cpp, RenderSpillMemory.*). A page-cached scratch file occupies about
// as much memory as the chunks while the system has it to spare, without the copies.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::render {

// The bytes that spills may hold in memory, shared by every SpillFile of one Scratch. A chunk a
// spill no longer needs is kept for the next one (fresh pages cost the kernel a fault and a clear
// each, reused ones nothing) and stays counted: the chunks in use and kept together never exceed
// the budget.
class SpillBudget {
public:
    explicit SpillBudget(std::size_t bytes) : left_(bytes) {}
    // A zeroed chunk of `floats` floats: a kept one, or a new one if the budget has its bytes (kept
    // chunks of another size are freed to make room); null when it cannot have one.
    std::unique_ptr<float[]> acquire(std::size_t floats);
    // Hands a chunk of `floats` back (kept for acquire()).
    void release(std::unique_ptr<float[]> chunk, std::size_t floats);
    // Bytes neither in use nor kept.
    std::size_t left() const;

private:
    mutable std::mutex mutex_;
    std::size_t left_;
    std::vector<std::pair<std::unique_ptr<float[]>, std::size_t>> kept_;  // chunk, floats
};

class Scratch {
public:
    // Creates `dir` (removing a stale one first). Throws Error(Io). Spills keep up to
    // `memoryBudgetBytes` in memory (0: every spill is a file from its first write).
    explicit Scratch(std::filesystem::path dir, std::size_t memoryBudgetBytes = 0);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    // A fresh file name inside the folder ("<stem>-<n>.f32").
    std::filesystem::path newPath(const std::string& stem);
    const std::filesystem::path& dir() const { return dir_; }
    const std::shared_ptr<SpillBudget>& budget() const { return budget_; }

private:
    std::filesystem::path dir_;
    std::shared_ptr<SpillBudget> budget_;
    std::atomic<std::size_t> counter_{0};  // newPath may be called from several workers
};

// One spilled stream of audio. Writing: append() or write() at any frame (pwrite; the file grows
// as needed). Reading: read() (pread, thread-safe, zeros past the end). The file is deleted when
// the object is destroyed. Errors (disk full, I/O) throw Error(Io) naming the scratch file.
// With a budget (Scratch above) the stream lives in memory until the budget runs out. One writer
// at a time, and no reads while it writes (every stage writes a stream whole, then reads it).
class SpillFile final : public AudioStore {
public:
    // Frames per memory chunk (256 KiB per channel): the budget's unit.
    static constexpr std::size_t kChunkFrames = 65536;

    // Without a budget (or with an empty one) the file is created at once.
    SpillFile(std::filesystem::path path, int channels, double sampleRateHz, std::shared_ptr<SpillBudget> budget = nullptr);
    ~SpillFile() override;
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;

    // Writes a whole buffer (the file then holds exactly it).
    static std::unique_ptr<SpillFile> fromBuffer(Scratch& scratch, const std::string& stem, const AudioBuffer& audio);
    // The store for `audio`: a spill file in `scratch`, or the buffer itself in memory when scratch
    // is null (tests, short programmes).
    static std::shared_ptr<AudioStore> keep(Scratch* scratch, const std::string& stem, AudioBuffer&& audio);
    static std::shared_ptr<AudioStore> empty(Scratch* scratch, const std::string& stem, int channels, double rateHz);

    void append(const BlockView& block);
    // Writes block at frame `at`; frames() becomes at least at + block.frames.
    void write(std::size_t at, const BlockView& block) override;
    // Cuts or extends (with zeros) to `frames`.
    void truncate(std::size_t frames);

    int channels() const override { return channels_; }
    double sampleRateHz() const override { return rateHz_; }
    std::size_t frames() const override { return frames_; }
    void read(std::size_t from, const BlockView& dst) const override;
    // The file's name (it exists only once the stream has moved out of memory).
    const std::filesystem::path& path() const { return path_; }
    bool inMemory() const { return fd_ < 0; }

private:
    void openFile();
    // Memory: makes the chunks for frames [0, frames) exist, or moves the stream to its file when
    // the budget cannot give them. Returns whether the stream is still in memory.
    bool growInMemory(std::size_t frames);
    void moveToFile();
    void writeFile(std::size_t at, const BlockView& block);
    void readFile(std::size_t from, const BlockView& dst) const;

    std::filesystem::path path_;
    int fd_ = -1;
    int channels_ = 0;
    double rateHz_ = 0;
    std::size_t frames_ = 0;
    std::shared_ptr<SpillBudget> budget_;  // null once the stream is in its file
    std::vector<std::unique_ptr<float[]>> chunks_;  // planar: channel c at [c * kChunkFrames]
};

}  // namespace lacquer::render
