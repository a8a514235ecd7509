// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A two-stage pipeline for a stream of audio blocks: push() copies each block (with a frame
// position the caller chooses) into a bounded queue, and a second thread hands them, in order, to
// `consume`. The producer's stage (decode, resample, convolution; or timeline render and limiter)
// then overlaps with the consumer's (dynamics and spill write; or meters and spill write) on two
// cores, while memory stays at `depth` blocks.
//
// Output is the same bit for bit as calling consume(at, block) directly: the consumer sees the
// same blocks, the same frames, in the same order. With threadLimit() == 1 it is called directly,
// on the pushing thread, and no thread is started.
//
// Errors: an exception thrown by `consume` stops the consumer; the next push() or finish()
// rethrows it on the producer's thread. Destroying an unfinished pipe (the producer threw) stops
// the consumer and drops what is queued. Not thread-safe: one producer.
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::render {

class BlockPipe {
public:
    using Consumer = std::function<void(std::size_t at, const BlockView& block)>;

    BlockPipe(int channels, Consumer consume, std::size_t depth = 4);
    ~BlockPipe();
    BlockPipe(const BlockPipe&) = delete;
    BlockPipe& operator=(const BlockPipe&) = delete;

    // Copies `block` into the queue, waiting while it is full.
    void push(std::size_t at, const BlockView& block);
    // Waits until every pushed block was consumed; rethrows the consumer's error if any.
    void finish();

private:
    struct Slot {
        std::vector<std::vector<float>> samples;  // [channel][frame], grown as needed, reused
        std::size_t frames = 0;
        std::size_t at = 0;
    };
    void run();
    void rethrowIfFailed();

    int channels_;
    Consumer consume_;
    bool inline_;
    std::vector<Slot> slots_;
    // Ring of slots: [head_, head_ + count_) are filled, in push order.
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    bool closing_ = false;  // no more pushes (finish() or the destructor)
    bool stopping_ = false;  // drop what is queued (destructor of an unfinished pipe)
    std::exception_ptr error_;
    std::mutex mutex_;
    std::condition_variable notEmpty_;
    std::condition_variable notFull_;
    std::thread thread_;
};

}  // namespace lacquer::render
