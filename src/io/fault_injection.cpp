// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/fault_injection.hpp"

#include <array>
#include <atomic>
#include <cstddef>

namespace lacquer::io {
namespace {

constexpr std::size_t kOps = 4;
std::atomic<bool> gArmed{false};  // any op armed: the fast path reads only this
std::array<std::atomic<int>, kOps> gRemaining{};
std::array<std::atomic<int>, kOps> gErrno{};

std::size_t slot(testing::Op op) {
    return static_cast<std::size_t>(op);
}

}  // namespace

void testing::failNext(Op op, int errnoValue, int count) {
    gErrno[slot(op)].store(errnoValue);
    gRemaining[slot(op)].store(count);
    gArmed.store(true);
}

void testing::clearFaults() {
    for (auto& r : gRemaining) r.store(0);
    gArmed.store(false);
}

int detail::injectedError(testing::Op op) noexcept {
    if (!gArmed.load(std::memory_order_relaxed)) return 0;
    auto& remaining = gRemaining[slot(op)];
    int n = remaining.load();
    while (n > 0 && !remaining.compare_exchange_weak(n, n - 1)) {
    }
    return n > 0 ? gErrno[slot(op)].load() : 0;
}

}  // namespace lacquer::io
