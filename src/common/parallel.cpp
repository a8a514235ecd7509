// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lacquer {

namespace {
std::atomic<unsigned> limitOverride{0};

unsigned defaultLimit() {
    static const unsigned value = [] {
        if (const char* env = std::getenv("LACQUER_THREADS")) {
            char* end = nullptr;
            const long v = std::strtol(env, &end, 10);
            if (end != env && *end == '\0' && v > 0) return static_cast<unsigned>(std::min(v, 1024L));
        }
        return std::max(1u, std::thread::hardware_concurrency());
    }();
    return value;
}
}  // namespace

unsigned threadLimit() {
    const unsigned o = limitOverride.load();
    return o > 0 ? o : defaultLimit();
}

void setThreadLimit(unsigned threads) { limitOverride = threads; }

void parallelFor(std::size_t count, const std::function<void(std::size_t)>& fn, unsigned threads) {
    if (threads == 0) threads = threadLimit();
    threads = std::min(threads, threadLimit());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
    if (threads <= 1) {
        for (std::size_t i = 0; i < count; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex firstMutex;
    auto worker = [&] {
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= count || failed.load()) return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard lock(firstMutex);
                if (!first) first = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    if (first) std::rethrow_exception(first);
}

}  // namespace lacquer
