// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/spill.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "lacquer/common/error.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kIoFrames = 16384;  // frames per pread/pwrite when converting layouts

[[noreturn]] void fail(const fs::path& path, const std::string& what, int err) {
    // The scratch folder is inside the output folder unless --scratch put it elsewhere: name the
    // folder whose disk is full, not always the output folder.
    const std::string folder = path.parent_path().parent_path().string();
    throw Error(ErrorKind::Io, path.string(), what + ": " + std::strerror(err),
                err == ENOSPC || err == EFBIG
                    ? "free disk space on the disk holding " + folder +
                          " (the render's scratch files need about twice the album as 32-bit float; --scratch puts them "
                          "elsewhere) and render again"
                    : "check the disk and permissions of " + folder);
}

}  // namespace

std::unique_ptr<float[]> SpillBudget::acquire(std::size_t floats) {
    const std::size_t bytes = floats * sizeof(float);
    std::lock_guard lock(mutex_);
    for (auto it = kept_.begin(); it != kept_.end(); ++it)
        if (it->second == floats) {
            auto c = std::move(it->first);
            kept_.erase(it);
            std::fill_n(c.get(), floats, 0.0f);
            return c;
        }
    if (left_ < bytes) {  // room from kept chunks of other sizes (another channel count)
        for (auto& [c, n] : kept_) left_ += n * sizeof(float);
        kept_.clear();
    }
    if (left_ < bytes) return nullptr;
    left_ -= bytes;
    return std::make_unique<float[]>(floats);  // zeroed
}

void SpillBudget::release(std::unique_ptr<float[]> chunk, std::size_t floats) {
    std::lock_guard lock(mutex_);
    kept_.emplace_back(std::move(chunk), floats);
}

std::size_t SpillBudget::left() const {
    std::lock_guard lock(mutex_);
    return left_;
}

Scratch::Scratch(fs::path dir, std::size_t memoryBudgetBytes)
    : dir_(std::move(dir)), budget_(memoryBudgetBytes > 0 ? std::make_shared<SpillBudget>(memoryBudgetBytes) : nullptr) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_, ec);
    if (ec) throw Error(ErrorKind::Io, dir_.string(), "cannot create the scratch folder: " + ec.message(), "check permissions");
}

Scratch::~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

fs::path Scratch::newPath(const std::string& stem) { return dir_ / (stem + "-" + std::to_string(counter_++) + ".f32"); }

SpillFile::SpillFile(fs::path path, int channels, double sampleRateHz, std::shared_ptr<SpillBudget> budget)
    : path_(std::move(path)), channels_(channels), rateHz_(sampleRateHz), budget_(std::move(budget)) {
    if (!budget_) openFile();
}

SpillFile::~SpillFile() {
    if (budget_)
        for (auto& c : chunks_) budget_->release(std::move(c), kChunkFrames * static_cast<std::size_t>(channels_));
    if (fd_ >= 0) {
        ::close(fd_);
        std::error_code ec;
        fs::remove(path_, ec);
    }
}

void SpillFile::openFile() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(path_, "cannot create the scratch file", errno);
}

bool SpillFile::growInMemory(std::size_t frames) {
    if (!inMemory()) return false;
    const std::size_t want = (frames + kChunkFrames - 1) / kChunkFrames;
    const std::size_t floats = kChunkFrames * static_cast<std::size_t>(channels_);
    while (chunks_.size() < want) {
        auto chunk = budget_->acquire(floats);
        if (!chunk) {
            moveToFile();
            return false;
        }
        chunks_.push_back(std::move(chunk));
    }
    return true;
}

void SpillFile::moveToFile() {
    openFile();
    // What the chunks hold goes to the file, a chunk at a time, then back to the budget.
    const std::size_t floats = kChunkFrames * static_cast<std::size_t>(channels_);
    AudioBuffer tmp(channels_, kChunkFrames, rateHz_);
    for (std::size_t k = 0; k < chunks_.size(); ++k) {
        if (k * kChunkFrames < frames_) {
            const std::size_t n = std::min(kChunkFrames, frames_ - k * kChunkFrames);
            const BlockView v = tmp.view().slice(0, n);
            for (int c = 0; c < channels_; ++c)
                std::copy_n(chunks_[k].get() + static_cast<std::size_t>(c) * kChunkFrames, n, v.channel(c));
            writeFile(k * kChunkFrames, v);
        }
        budget_->release(std::move(chunks_[k]), floats);
    }
    chunks_.clear();
    budget_.reset();
}

std::unique_ptr<SpillFile> SpillFile::fromBuffer(Scratch& scratch, const std::string& stem, const AudioBuffer& audio) {
    auto f = std::make_unique<SpillFile>(scratch.newPath(stem), audio.channels(), audio.sampleRateHz, scratch.budget());
    f->write(0, const_cast<AudioBuffer&>(audio).view());  // view() does not modify
    return f;
}

void SpillFile::append(const BlockView& block) { write(frames_, block); }

void SpillFile::write(std::size_t at, const BlockView& block) {
    if (growInMemory(at + block.frames)) {
        for (std::size_t done = 0; done < block.frames;) {
            const std::size_t pos = at + done, k = pos / kChunkFrames, off = pos % kChunkFrames;
            const std::size_t n = std::min(kChunkFrames - off, block.frames - done);
            for (int c = 0; c < channels_; ++c)
                std::copy_n(block.channel(c) + done, n, chunks_[k].get() + static_cast<std::size_t>(c) * kChunkFrames + off);
            done += n;
        }
        frames_ = std::max(frames_, at + block.frames);
        return;
    }
    writeFile(at, block);
}

void SpillFile::writeFile(std::size_t at, const BlockView& block) {
    const auto nc = static_cast<std::size_t>(channels_);
    std::vector<float> buf(std::min(block.frames, kIoFrames) * nc);
    for (std::size_t done = 0; done < block.frames;) {
        const std::size_t n = std::min(kIoFrames, block.frames - done);
        for (std::size_t c = 0; c < nc; ++c) {
            const float* src = block.channel(static_cast<int>(c)) + done;
            for (std::size_t i = 0; i < n; ++i) buf[i * nc + c] = src[i];
        }
        const auto* bytes = reinterpret_cast<const char*>(buf.data());
        std::size_t left = n * nc * sizeof(float);
        auto offset = static_cast<off_t>((at + done) * nc * sizeof(float));
        while (left > 0) {
            const ssize_t w = ::pwrite(fd_, bytes, left, offset);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) fail(path_, "cannot write the scratch file", w < 0 ? errno : ENOSPC);
            bytes += w;
            left -= static_cast<std::size_t>(w);
            offset += w;
        }
        done += n;
    }
    frames_ = std::max(frames_, at + block.frames);
}

void SpillFile::truncate(std::size_t frames) {
    if (growInMemory(frames)) {
        // Frames past the new end read as zeros again if the stream grows back.
        for (std::size_t pos = frames; pos < std::min(frames_, chunks_.size() * kChunkFrames);) {
            const std::size_t k = pos / kChunkFrames, off = pos % kChunkFrames;
            const std::size_t n = std::min(kChunkFrames - off, frames_ - pos);
            for (int c = 0; c < channels_; ++c)
                std::fill_n(chunks_[k].get() + static_cast<std::size_t>(c) * kChunkFrames + off, n, 0.0f);
            pos += n;
        }
        frames_ = frames;
        return;
    }
    if (::ftruncate(fd_, static_cast<off_t>(frames * static_cast<std::size_t>(channels_) * sizeof(float))) != 0)
        fail(path_, "cannot resize the scratch file", errno);
    frames_ = frames;
}

void SpillFile::read(std::size_t from, const BlockView& dst) const {
    if (!inMemory()) return readFile(from, dst);
    const std::size_t have = from < frames_ ? std::min(dst.frames, frames_ - from) : 0;
    for (std::size_t done = 0; done < have;) {
        const std::size_t pos = from + done, k = pos / kChunkFrames, off = pos % kChunkFrames;
        const std::size_t n = std::min(kChunkFrames - off, have - done);
        for (int c = 0; c < channels_ && c < dst.channels; ++c)
            std::copy_n(chunks_[k].get() + static_cast<std::size_t>(c) * kChunkFrames + off, n, dst.channel(c) + done);
        done += n;
    }
    for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c) + have, dst.channel(c) + dst.frames, 0.0f);
}

void SpillFile::readFile(std::size_t from, const BlockView& dst) const {
    const auto nc = static_cast<std::size_t>(channels_);
    const std::size_t have = from < frames_ ? std::min(dst.frames, frames_ - from) : 0;
    std::vector<float> buf(std::min(std::max<std::size_t>(have, 1), kIoFrames) * nc);
    for (std::size_t done = 0; done < have;) {
        const std::size_t n = std::min(kIoFrames, have - done);
        auto* bytes = reinterpret_cast<char*>(buf.data());
        std::size_t left = n * nc * sizeof(float);
        auto offset = static_cast<off_t>((from + done) * nc * sizeof(float));
        while (left > 0) {
            const ssize_t r = ::pread(fd_, bytes, left, offset);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) fail(path_, "cannot read the scratch file", r < 0 ? errno : EIO);
            bytes += r;
            left -= static_cast<std::size_t>(r);
            offset += r;
        }
        for (std::size_t c = 0; c < nc && c < static_cast<std::size_t>(dst.channels); ++c) {
            float* d = dst.channel(static_cast<int>(c)) + done;
            for (std::size_t i = 0; i < n; ++i) d[i] = buf[i * nc + c];
        }
        done += n;
    }
    for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c) + have, dst.channel(c) + dst.frames, 0.0f);
}

std::shared_ptr<AudioStore> SpillFile::keep(Scratch* scratch, const std::string& stem, AudioBuffer&& audio) {
    if (!scratch) return std::make_shared<MemoryStore>(std::move(audio));
    std::shared_ptr<AudioStore> f = fromBuffer(*scratch, stem, audio);
    audio = AudioBuffer();
    return f;
}

std::shared_ptr<AudioStore> SpillFile::empty(Scratch* scratch, const std::string& stem, int channels, double rateHz) {
    if (!scratch) return std::make_shared<MemoryStore>(channels, rateHz);
    return std::make_shared<SpillFile>(scratch->newPath(stem), channels, rateHz, scratch->budget());
}

}  // namespace lacquer::render
