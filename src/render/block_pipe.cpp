// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/block_pipe.hpp"

#include <algorithm>
#include <cassert>

#include "lacquer/common/parallel.hpp"

namespace lacquer::render {

BlockPipe::BlockPipe(int channels, Consumer consume, std::size_t depth)
    : channels_(channels), consume_(std::move(consume)), inline_(threadLimit() <= 1), slots_(std::max<std::size_t>(1, depth)) {
    assert(channels >= 1 && channels <= kMaxChannels);
    if (!inline_) thread_ = std::thread([this] { run(); });
}

BlockPipe::~BlockPipe() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
        stopping_ = true;
    }
    notEmpty_.notify_all();
    notFull_.notify_all();
    thread_.join();
}

void BlockPipe::rethrowIfFailed() {
    if (error_) {
        std::exception_ptr e = error_;
        error_ = nullptr;
        std::rethrow_exception(e);
    }
}

void BlockPipe::push(std::size_t at, const BlockView& block) {
    assert(block.channels == channels_);
    if (inline_) {
        consume_(at, block);
        return;
    }
    std::unique_lock lock(mutex_);
    notFull_.wait(lock, [&] { return count_ < slots_.size() || error_; });
    rethrowIfFailed();
    Slot& s = slots_[(head_ + count_) % slots_.size()];
    lock.unlock();  // the consumer never touches a slot outside [head_, head_ + count_)
    s.samples.resize(static_cast<std::size_t>(channels_));
    for (int c = 0; c < channels_; ++c) {
        auto& dst = s.samples[static_cast<std::size_t>(c)];
        if (dst.size() < block.frames) dst.resize(block.frames);
        std::copy_n(block.channel(c), block.frames, dst.data());
    }
    s.frames = block.frames;
    s.at = at;
    lock.lock();
    ++count_;
    lock.unlock();
    notEmpty_.notify_one();
}

void BlockPipe::finish() {
    if (inline_) return;
    {
        std::unique_lock lock(mutex_);
        closing_ = true;
    }
    notEmpty_.notify_all();
    if (thread_.joinable()) thread_.join();
    rethrowIfFailed();
}

void BlockPipe::run() {
    for (;;) {
        std::unique_lock lock(mutex_);
        notEmpty_.wait(lock, [&] { return count_ > 0 || closing_; });
        if (stopping_ || count_ == 0) return;  // closed and drained, or told to stop
        Slot& s = slots_[head_];
        lock.unlock();
        try {
            BlockView v{};
            v.channels = channels_;
            v.frames = s.frames;
            for (int c = 0; c < channels_; ++c) v.data[static_cast<std::size_t>(c)] = s.samples[static_cast<std::size_t>(c)].data();
            consume_(s.at, v);
        } catch (...) {
            lock.lock();
            error_ = std::current_exception();
            count_ = 0;
            lock.unlock();
            notFull_.notify_all();
            return;
        }
        lock.lock();
        head_ = (head_ + 1) % slots_.size();
        --count_;
        lock.unlock();
        notFull_.notify_one();
    }
}

}  // namespace lacquer::render
