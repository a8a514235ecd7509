// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/convolution: block geometry shared by every backend, and the kernel spectra.
//
// Overlap-save with FFT size N and kernel length K: block b produces output frames
// [b·S, b·S + S), S = N − K + 1 (the hop). Output frame m is full-convolution index m + D (D = the
// EQ latency), so block b reads the N input frames starting at b·S + D − (K − 1) (zeros outside the
// track) and keeps the last S samples of the circular convolution.
#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/convolution/kernel.hpp"

namespace lacquer::convolution::detail {

struct Geometry {
    std::size_t fftFrames = 0;     // N
    std::size_t kernelFrames = 0;  // K
    std::size_t hopFrames = 0;     // S = N − K + 1
    std::size_t latencyFrames = 0; // D
    std::size_t inputFrames = 0;
    std::size_t outputFrames = 0;
    std::size_t blocks = 0;

    Geometry(const Kernel& kernel, std::size_t inputFrames, std::size_t fftFrames);
    // First input frame block b reads (may be negative: zeros before the track).
    std::int64_t inputStart(std::size_t block) const {
        return static_cast<std::int64_t>(block * hopFrames + latencyFrames) -
               static_cast<std::int64_t>(kernelFrames - 1);
    }
    // One past the last input frame block b reads.
    std::int64_t inputEnd(std::size_t block) const {
        return inputStart(block) + static_cast<std::int64_t>(fftFrames);
    }
    // Copies the N input frames of `block` into dst (zero outside [0, inputFrames)). src points at
    // input frame srcStart (a window of the track: it must hold every frame of the block that lies
    // inside the track).
    template <class Real>
    void gather(const float* src, std::size_t block, Real* dst, std::int64_t srcStart = 0) const {
        const std::int64_t start = inputStart(block);
        const auto n = static_cast<std::int64_t>(fftFrames);
        const auto total = static_cast<std::int64_t>(inputFrames);
        // dst[i] = src[start + i] for start + i in [0, total), else 0.
        const std::int64_t lo = std::clamp<std::int64_t>(-start, 0, n);
        const std::int64_t hi = std::clamp<std::int64_t>(total - start, lo, n);
        std::fill(dst, dst + lo, Real(0));
        std::copy(src + (start + lo - srcStart), src + (start + hi - srcStart), dst + lo);
        std::fill(dst + hi, dst + n, Real(0));
    }
    // Output frames block b writes: [first, first + count).
    std::size_t outputFirst(std::size_t block) const { return block * hopFrames; }
    std::size_t outputCount(std::size_t block) const {
        const std::size_t first = outputFirst(block);
        return first >= outputFrames ? 0 : std::min(hopFrames, outputFrames - first);
    }
};

// Consecutive blocks [firstBlock, endBlock) of a track's geometry: the window of input they read
// and where their output goes. A whole track is one segment; a streamed track is many.
struct Segment {
    const Geometry* geometry = nullptr;
    std::size_t firstBlock = 0;
    std::size_t endBlock = 0;
    std::size_t channels = 0;
    std::array<const float*, kMaxChannels> input{};  // channel c at input frame inputStart
    std::int64_t inputStart = 0;
    std::array<float*, kMaxChannels> output{};       // channel c at output frame outputFirst(firstBlock)
    std::size_t blocks() const { return endBlock - firstBlock; }
};

// Half spectra (N/2 + 1 bins) of each channel's kernel zero-padded to N, scaled by 1/N so the
// unnormalised inverse FFT returns the convolution. Double precision, FFTW.
std::vector<std::vector<std::complex<double>>> kernelSpectra(const Kernel& kernel, std::size_t fftFrames);

std::size_t autoFftFrames(std::size_t kernelFrames);

}  // namespace lacquer::convolution::detail
