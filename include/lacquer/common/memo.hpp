// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A small, thread-safe memo of a pure function's recent results, for the fixed per-render costs
// that several stages repeat with the same inputs: the EQ design (the convolution kernel, then
// report.json's designed curves of the track and the album) and the prepared reverb IR (the
// kernel, then the report's wet-level figures). The value returned is the one the function made
// for an equal key, so callers see the same numbers, bit for bit, as without the memo.
//
// Keys are compared with ==, newest first; at most `Capacity` results are kept (the oldest goes),
// so its memory is bounded. Two threads asking for the same new key may both compute it.
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>

namespace lacquer {

template <class Key, class Value, std::size_t Capacity = 4>
class Memo {
public:
    // The value for `key`: a kept one, or make() (whose result is then kept).
    template <class Make>
    std::shared_ptr<const Value> get(const Key& key, Make&& make) {
        {
            std::lock_guard lock(mutex_);
            for (const auto& [k, v] : entries_)
                if (k == key) return v;
        }
        auto value = std::make_shared<const Value>(make());
        std::lock_guard lock(mutex_);
        entries_.emplace_front(key, value);
        if (entries_.size() > Capacity) entries_.pop_back();
        return value;
    }

private:
    std::mutex mutex_;
    std::deque<std::pair<Key, std::shared_ptr<const Value>>> entries_;
};

}  // namespace lacquer
