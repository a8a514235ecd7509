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
#include <cstddef>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "lacquer/common/audio.hpp"

namespace lacquer::render {

class Scratch {
public:
    // Creates `dir` (removing a stale one first). Throws Error(Io).
    explicit Scratch(std::filesystem::path dir);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    // A fresh file name inside the folder ("<stem>-<n>.f32").
    std::filesystem::path newPath(const std::string& stem);
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::atomic<std::size_t> counter_{0};  // newPath may be called from several workers
};

// One spilled stream of audio. Writing: append() or write() at any frame (pwrite; the file grows
// as needed). Reading: read() (pread, thread-safe, zeros past the end). The file is deleted when
// the object is destroyed. Errors (disk full, I/O) throw Error(Io) naming the scratch file.
class SpillFile final : public AudioStore {
public:
    SpillFile(std::filesystem::path path, int channels, double sampleRateHz);
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
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    int channels_ = 0;
    double rateHz_ = 0;
    std::size_t frames_ = 0;
};

}  // namespace lacquer::render
