// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test helpers shared by tests/convolution, tests/reverb and tests/gpu: signals, null measurement,
// and the Vulkan engine with validation on (a validation message fails the test).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lacquer/common/audio.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/gpu/device.hpp"

namespace lacquer::test {

// CI sets LACQUER_REQUIRE_VULKAN=1: there a missing Vulkan device fails instead of skipping.
inline bool vulkanRequired() {
    const char* v = std::getenv("LACQUER_REQUIRE_VULKAN");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

inline void enableValidation() { setenv("LACQUER_VK_VALIDATION", "1", 1); }

inline bool anyVulkanDevice() {
    try {
        return !gpu::listDevices().empty();
    } catch (const Error&) {
        return false;
    }
}

// A Vulkan engine on the default device (a real GPU when present, else lavapipe), validation on.
inline std::unique_ptr<convolution::Engine> makeVulkanEngine(const convolution::EngineOptions& options) {
    enableValidation();
    return convolution::Engine::create({convolution::DeviceRequest::Mode::Vulkan, -1}, options);
}

// Skips (or fails under LACQUER_REQUIRE_VULKAN=1) when no Vulkan device exists at all.
#define LACQUER_NEED_VULKAN()                                                                   \
    do {                                                                                        \
        if (!::lacquer::test::anyVulkanDevice()) {                                              \
            if (::lacquer::test::vulkanRequired()) FAIL() << "no Vulkan device, and LACQUER_REQUIRE_VULKAN=1"; \
            GTEST_SKIP() << "no Vulkan device";                                                 \
        }                                                                                       \
    } while (0)

// Fails the test if any validation message was reported (prints them).
inline void expectNoValidationMessages() {
    const auto messages = gpu::validationMessages();
    EXPECT_EQ(messages.size(), 0u) << (messages.empty() ? std::string() : messages.front());
}

// Music-like noise: pink-ish (sum of three one-pole lowpassed noises) with a slow amplitude
// envelope and a few sustained partials, peaking near −6 dBFS.
inline AudioBuffer musicLikeNoise(int channels, std::size_t frames, double rateHz, unsigned seed) {
    AudioBuffer b(channels, frames, rateHz);
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, 1.0);
    for (int c = 0; c < channels; ++c) {
        double s1 = 0, s2 = 0, s3 = 0;
        for (std::size_t i = 0; i < frames; ++i) {
            const double w = n(rng);
            s1 = 0.997 * s1 + 0.03 * w;
            s2 = 0.95 * s2 + 0.1 * w;
            s3 = 0.3 * s3 + 0.2 * w;
            const double t = static_cast<double>(i) / rateHz;
            const double env = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 0.7 * t + c);
            const double partials = 0.1 * std::sin(2.0 * std::numbers::pi * 110.0 * t) + 0.05 * std::sin(2.0 * std::numbers::pi * 2637.0 * t + c);
            b.samples[static_cast<std::size_t>(c)][i] = static_cast<float>(0.15 * env * (s1 + s2 + s3) + partials);
        }
    }
    return b;
}

// Sparse unit impulses of alternating sign (a worst case for pre-ringing and alignment).
inline AudioBuffer impulses(int channels, std::size_t frames, double rateHz, std::size_t spacing) {
    AudioBuffer b(channels, frames, rateHz);
    for (int c = 0; c < channels; ++c)
        for (std::size_t i = static_cast<std::size_t>(c) * 17; i < frames; i += spacing)
            b.samples[static_cast<std::size_t>(c)][i] = (i / spacing) % 2 ? -0.9f : 0.9f;
    return b;
}

// Exponentially decaying noise: a synthetic room IR (RT60 = rt60S).
inline AudioBuffer syntheticIr(int channels, std::size_t frames, double rateHz, double rt60S, unsigned seed) {
    AudioBuffer b(channels, frames, rateHz);
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, 1.0);
    for (int c = 0; c < channels; ++c)
        for (std::size_t i = 0; i < frames; ++i)
            b.samples[static_cast<std::size_t>(c)][i] =
                static_cast<float>(0.3 * n(rng) * std::pow(10.0, -3.0 * static_cast<double>(i) / (rt60S * rateHz)));
    return b;
}

// 20·log10(rms(actual − reference) / rms(reference)) over every channel.
inline double nullDb(const AudioBuffer& actual, const std::vector<std::vector<double>>& reference) {
    double diff = 0, ref = 0;
    for (std::size_t c = 0; c < reference.size(); ++c)
        for (std::size_t i = 0; i < reference[c].size(); ++i) {
            const double r = reference[c][i];
            const double d = static_cast<double>(actual.samples[c][i]) - r;
            diff += d * d;
            ref += r * r;
        }
    return 10.0 * std::log10(diff / ref);
}

}  // namespace lacquer::test
