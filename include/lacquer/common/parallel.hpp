// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs fn(i) for i in [0, count) on up to `threads` worker threads (0 = hardware concurrency).
// The first exception thrown by any fn is rethrown in the caller after all workers stop; the
// others then skip their remaining items.
#include <cstddef>
#include <functional>

namespace lacquer {

void parallelFor(std::size_t count, const std::function<void(std::size_t)>& fn, unsigned threads = 0);

}  // namespace lacquer
