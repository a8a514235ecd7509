// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// TagLib is not made for concurrent use: the render writes and reads tags from several threads
// (variants and tracks in parallel), and under ASan an occasional run leaked TagLib strings in a
// render (VerifyCli, session 5). Every use of TagLib in lacquer holds this one lock; tag work is
// a few milliseconds per file, so serialising it costs nothing measurable. Recursive, so a tag
// function may call another.
#include <mutex>

namespace lacquer::io {

inline std::recursive_mutex& tagLibMutex() {
    static std::recursive_mutex m;
    return m;
}

}  // namespace lacquer::io
