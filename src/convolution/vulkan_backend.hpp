// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/convolution: the Vulkan engine (VkFFT + shaders/spectrum_multiply.comp).
#include <memory>

#include "lacquer/convolution/engine.hpp"

namespace lacquer::convolution::detail {

// Throws Error(Device) when the device cannot be opened.
std::unique_ptr<Engine> makeVulkanEngine(int deviceIndex, const EngineOptions& options);

}  // namespace lacquer::convolution::detail
