// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs fn(i) for i in [0, count) on up to `threads` worker threads (0 = hardware concurrency,
// capped by threadLimit()). The first exception thrown by any fn is rethrown in the caller after
// all workers stop; the others then skip their remaining items.
#include <cstddef>
#include <functional>

namespace lacquer {

void parallelFor(std::size_t count, const std::function<void(std::size_t)>& fn, unsigned threads = 0);

// The most threads lacquer's parallel work (parallelFor, render pipelines) may use at once:
// hardware concurrency unless the environment variable LACQUER_THREADS (a positive integer) or
// setThreadLimit() says otherwise. 1 runs everything on the calling thread, in order. Output
// never depends on it (tests render with 1 and with several and compare bytes).
unsigned threadLimit();
// 0 restores the default. For tests and benchmarks; not meant to change during a render.
void setThreadLimit(unsigned threads);

}  // namespace lacquer
