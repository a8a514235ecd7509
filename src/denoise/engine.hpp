// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/denoise: the per-batch spectral work of a backend. The host fills rows(frames)
// with windowed frames (row r = frame r / channels, channel r % channels, rowStride() apart),
// run() replaces each row with N × the processed frame (unnormalised inverse FFT); the gain
// state (the decision-directed recursion) carries from batch to batch.
#include <cstddef>
#include <memory>
#include <vector>

#include "lacquer/denoise/denoise.hpp"

namespace lacquer::denoise::detail {

struct Setup {
    std::size_t n = 0;          // frame length
    std::size_t channels = 0;
    std::size_t batchFrames = 0;
    std::vector<double> noise;  // expected |X(k)|² of the noise for this frame and window, × λ
    double alpha = 0.98;
    double floorGain = 0.25;
};

template <class Real>
class Engine {
public:
    virtual ~Engine() = default;
    virtual Real* rows() = 0;
    virtual std::size_t rowStride() const = 0;
    virtual void run(std::size_t frames) = 0;
    virtual std::string name() const = 0;
};

template <class Real>
std::unique_ptr<Engine<Real>> makeFftwEngine(const Setup& setup);
std::unique_ptr<Engine<float>> makeVulkanEngine(const Setup& setup, int deviceIndex);

}  // namespace lacquer::denoise::detail
