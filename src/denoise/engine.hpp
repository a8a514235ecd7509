// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/denoise: the per-batch spectral work of a backend. The host fills rows(frames)
// with windowed frames (row r = frame r / channels, channel r % channels, rowStride() apart),
// run() replaces each row with N × the processed frame (unnormalised inverse FFT); the gain
// state (the decision-directed recursion) carries from batch to batch.
#include <cstddef>
#include <memory>
#include <string>
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
    // The gain recursion's state (channels × bins, G²γ of each bin's last frame, −1 before the
    // first) after the last run() that completed; setState() continues from it (a fallback).
    virtual std::vector<Real> state() const = 0;
    virtual void setState(const std::vector<Real>& state) = 0;
};

// What run() throws when the Vulkan device is lost (the stream decides: fall back or fail).
struct DeviceLost {
    std::string device, what;
};

template <class Real>
std::unique_ptr<Engine<Real>> makeFftwEngine(const Setup& setup);
std::unique_ptr<Engine<float>> makeVulkanEngine(const Setup& setup, const Vulkan& vulkan);

}  // namespace lacquer::denoise::detail
