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

Scratch::Scratch(fs::path dir) : dir_(std::move(dir)) {
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

SpillFile::SpillFile(fs::path path, int channels, double sampleRateHz)
    : path_(std::move(path)), channels_(channels), rateHz_(sampleRateHz) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(path_, "cannot create the scratch file", errno);
}

SpillFile::~SpillFile() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    fs::remove(path_, ec);
}

std::unique_ptr<SpillFile> SpillFile::fromBuffer(Scratch& scratch, const std::string& stem, const AudioBuffer& audio) {
    auto f = std::make_unique<SpillFile>(scratch.newPath(stem), audio.channels(), audio.sampleRateHz);
    f->write(0, const_cast<AudioBuffer&>(audio).view());  // view() does not modify
    return f;
}

void SpillFile::append(const BlockView& block) { write(frames_, block); }

void SpillFile::write(std::size_t at, const BlockView& block) {
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
    if (::ftruncate(fd_, static_cast<off_t>(frames * static_cast<std::size_t>(channels_) * sizeof(float))) != 0)
        fail(path_, "cannot resize the scratch file", errno);
    frames_ = frames;
}

void SpillFile::read(std::size_t from, const BlockView& dst) const {
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
    return std::make_shared<SpillFile>(scratch->newPath(stem), channels, rateHz);
}

}  // namespace lacquer::render
