// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/convolution: the Vulkan engine (VkFFT + shaders/spectrum_multiply.comp).
#include <memory>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/convolution/engine.hpp"

namespace lacquer::convolution::detail {

// Thrown by the Vulkan engine's convolve() when the device is lost (VK_ERROR_DEVICE_LOST from any
// call, or a Device error after which vkDeviceWaitIdle reports the loss). Engine::process catches
// it and applies DeviceRequest::OnDeviceLost; it never leaves src/convolution.
class DeviceLostError : public Error {
public:
    DeviceLostError(const std::string& deviceName, const std::string& detail)
        : Error(ErrorKind::Device, "vulkan", "device '" + deviceName + "' lost (" + detail + ")",
                "rerun with --device cpu") {}
};

// Fault seam: an engine created while LACQUER_FAULT=device-lost is set (read once, at creation)
// loses its device at the first fence wait of its first convolution, as a real loss would surface.
// lavapipe cannot really lose a device; this is how the tests take the fallback paths.

// Throws Error(Device) when the device cannot be opened.
std::unique_ptr<Engine> makeVulkanEngine(int deviceIndex, const EngineOptions& options);

}  // namespace lacquer::convolution::detail
