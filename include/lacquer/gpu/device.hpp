// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Vulkan device enumeration, without any Vulkan header: what `lacquer devices` prints and how
// `--device auto` chooses. Knows nothing about audio.
#include <string>
#include <vector>

namespace lacquer::gpu {

enum class DeviceType { Discrete, Integrated, Virtual, Cpu, Other };

struct DeviceInfo {
    int index = -1;             // position in vkEnumeratePhysicalDevices order; what `--device N` takes
    std::string name;           // e.g. "NVIDIA H100 80GB HBM3", "llvmpipe (LLVM 15.0.6, 256 bits)"
    DeviceType type = DeviceType::Other;
    bool software = false;      // a CPU implementation (lavapipe/llvmpipe, SwiftShader)
    std::string apiVersion;     // "1.3.239"
    std::string driverVersion;  // driver's own numbering, as reported (raw hex for unknown vendors)
};

const char* toString(DeviceType type);  // "discrete", "integrated", "virtual", "cpu", "other"

// Every Vulkan physical device, in the loader's order.
// Throws Error(ErrorKind::Device) when the Vulkan loader is missing or the instance cannot be
// created. An empty list (loader present, no ICD) is returned, not thrown.
std::vector<DeviceInfo> listDevices();

// The device `--device auto` runs the GPU path on: the first discrete GPU, else the first
// integrated, else the first virtual GPU; never a software device. -1 when there is none (then
// `auto` uses the CPU FFTW backend).
int autoDeviceIndex(const std::vector<DeviceInfo>& devices);

// The device an explicit Vulkan request without an index uses: autoDeviceIndex(), else the first
// device of any kind (lavapipe on machines without a GPU). -1 when the list is empty.
int defaultVulkanIndex(const std::vector<DeviceInfo>& devices);

// Validation-layer messages seen by every Context created with validation on, process-wide.
// Tests require validationMessageCount() to stay 0; the messages say what went wrong.
int validationMessageCount();
std::vector<std::string> validationMessages();
void clearValidationMessages();  // for tests that provoke a message on purpose

}  // namespace lacquer::gpu
