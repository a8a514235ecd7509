// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/cancel.hpp"

#include <atomic>
#include <csignal>
#include <string>

#include "lacquer/common/error.hpp"

namespace lacquer {
namespace {
std::atomic<int> gSignal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be lock-free");
}  // namespace

void requestCancel(int signalNumber) { gSignal.store(signalNumber, std::memory_order_relaxed); }
bool cancelRequested() { return gSignal.load(std::memory_order_relaxed) != 0; }

void throwIfCancelled() {
    const int sig = gSignal.load(std::memory_order_relaxed);
    if (sig != 0)
        throw Error(ErrorKind::Interrupted, "render",
                    std::string("interrupted by ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"),
                    "no file was left half-written; run the render again");
}

}  // namespace lacquer
