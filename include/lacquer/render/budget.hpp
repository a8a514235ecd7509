// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render's memory budget, shared by the render (how many tracks run at once) and by whoever
// schedules whole renders (the catalogue engines: how many albums run at once, Slurm's --mem).

namespace lacquer::render {

// Working memory the shared chain's streams may hold at once: tracks run in parallel only while
// their estimated working sets (384 MiB each, render.cpp) fit.
inline constexpr double kTrackMemoryBudgetBytes = 1.25 * 1024 * 1024 * 1024;
// One album's render at most: the shared chain's budget plus the rest (variant pass blocks, one
// meter per track, encoders, the Vulkan or FFTW context). docs/ARCHITECTURE.md's heaptrack peaks
// (95 MiB for 1 hour and 8 tracks, 324 MiB for 3 hours and 24 tracks) sit far below it; it is a
// ceiling to schedule by, not a typical figure (bench/catalog.cpp measures the typical one).
inline constexpr double kAlbumMemoryBudgetBytes = kTrackMemoryBudgetBytes + 512.0 * 1024 * 1024;

}  // namespace lacquer::render
