// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Vulkan compute over vulkan_raii.hpp, wrapped by concept (after µVkCompute's device.h):
//   Context — instance, device, one compute queue, command pool; submit-and-wait;
//   Buffer  — a VkBuffer with its own memory (device-local, or host-visible and persistently mapped);
//   Kernel  — one of our SPIR-V compute shaders with its layout, pipeline and descriptor pool.
// Every object is move-only (vk::raii handles) and has one owner. Members are declared in the
// order they must be created and are destroyed in reverse: a device outlives its buffers, an
// instance outlives its device. Vulkan failures become Error(ErrorKind::Device), naming the call.
// Thread safety: a Context's owner uses it and its command pool from one thread at a time. Other
// stages may share the Context from other threads (the render's denoiser shares the convolution's)
// when each keeps its own objects and command pool (createCommandPool()): submit() and
// submitAndWait() lock the queue themselves; hold queueMutex() for any other use of queue() (an
// FftPlan's set-up takes it; vkDeviceWaitIdle needs it too). Fence waits need no lock.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include <vulkan/vulkan_raii.hpp>

#include "lacquer/gpu/device.hpp"

namespace lacquer::gpu {

enum class Validation {
    FromEnvironment,  // on when LACQUER_VK_VALIDATION=1 (tests set it)
    On,               // loads VK_LAYER_KHRONOS_validation; messages go to validationMessages()
    Off,
};

struct ContextOptions {
    int deviceIndex = -1;  // -1: defaultVulkanIndex()
    Validation validation = Validation::FromEnvironment;
};

class Context {
public:
    // Throws Error(Device) when there is no loader, no device, or the index is out of range.
    explicit Context(const ContextOptions& options = {});
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    Context(Context&&) = delete;  // Kernels, Buffers and FFT plans keep references to it
    Context& operator=(Context&&) = delete;
    ~Context();

    const DeviceInfo& info() const { return info_; }
    bool validationEnabled() const { return validationEnabled_; }

    const vk::raii::PhysicalDevice& physicalDevice() const { return physicalDevice_; }
    const vk::raii::Device& device() const { return device_; }
    const vk::raii::Queue& queue() const { return queue_; }
    const vk::raii::CommandPool& commandPool() const { return commandPool_; }
    std::uint32_t queueFamily() const { return queueFamily_; }

    // From the context's own pool (the owner's) or from `pool` (a sharer's).
    vk::raii::CommandBuffer allocateCommandBuffer() const;
    vk::raii::CommandBuffer allocateCommandBuffer(const vk::raii::CommandPool& pool) const;
    vk::raii::CommandPool createCommandPool() const;
    // Whether the device is lost (VK_ERROR_DEVICE_LOST from vkDeviceWaitIdle, under the queue
    // lock): how a stage tells a lost device from another failure of one of its calls.
    bool deviceLost() const;
    // The lock of queue(): submit() and submitAndWait() take it; see "Thread safety" above.
    std::mutex& queueMutex() const { return queueMutex_; }
    vk::raii::Fence createFence() const;
    // Submits `commands`, signals `fence`; does not wait.
    void submit(const vk::raii::CommandBuffer& commands, const vk::raii::Fence& fence) const;
    // Waits for `fence` and resets it.
    void wait(const vk::raii::Fence& fence) const;
    // Records with `record`, submits and waits (for one-off uploads).
    template <class Record>
    void submitAndWait(Record&& record) const {
        auto commands = allocateCommandBuffer();
        commands.begin(vk::CommandBufferBeginInfo{vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
        record(commands);
        commands.end();
        std::lock_guard lock(queueMutex_);  // also guards oneShotFence_
        submitLocked(commands, oneShotFence_);
        wait(oneShotFence_);
    }

    std::uint32_t memoryTypeIndex(std::uint32_t typeBits, vk::MemoryPropertyFlags required,
                                  vk::MemoryPropertyFlags preferred) const;

private:
    void submitLocked(const vk::raii::CommandBuffer& commands, const vk::raii::Fence& fence) const;
    mutable std::mutex queueMutex_;
    // Creation order = declaration order; destruction runs backwards.
    vk::raii::Context loader_;
    vk::raii::Instance instance_{nullptr};
    vk::raii::DebugUtilsMessengerEXT messenger_{nullptr};  // before the device: reports its errors
    vk::raii::PhysicalDevice physicalDevice_{nullptr};
    vk::raii::Device device_{nullptr};
    vk::raii::Queue queue_{nullptr};
    vk::raii::CommandPool commandPool_{nullptr};
    vk::raii::Fence oneShotFence_{nullptr};
    DeviceInfo info_;
    std::uint32_t queueFamily_ = 0;
    bool validationEnabled_ = false;
};

enum class Memory {
    Device,    // device-local; reached only by copies and shaders
    Upload,    // host-visible, coherent, mapped; host writes, GPU reads
    Readback,  // host-visible, coherent, preferably cached, mapped; GPU writes, host reads
};

class Buffer {
public:
    Buffer(const Context& context, std::size_t bytes, Memory memory);
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    Buffer(Buffer&&) = default;
    Buffer& operator=(Buffer&&) = default;
    ~Buffer();

    const vk::raii::Buffer& handle() const { return buffer_; }
    std::size_t bytes() const { return bytes_; }
    // Host pointer for Upload/Readback memory; nullptr for Device memory.
    void* mapped() const { return mapped_; }
    float* floats() const { return static_cast<float*>(mapped_); }

private:
    vk::raii::DeviceMemory memory_{nullptr};  // declared first: freed after the buffer
    vk::raii::Buffer buffer_{nullptr};
    std::size_t bytes_ = 0;
    void* mapped_ = nullptr;
};

// One compute shader: storage buffers at bindings 0..bindings-1, an optional push-constant block.
class Kernel {
public:
    Kernel(const Context& context, std::span<const std::uint32_t> spirv, std::uint32_t bindings,
           std::uint32_t pushConstantBytes, std::uint32_t maxSets = 8);
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;
    Kernel(Kernel&&) = default;
    Kernel& operator=(Kernel&&) = default;

    // A descriptor set naming `buffers` at bindings 0.. in order (whole buffers).
    vk::raii::DescriptorSet bind(std::span<const Buffer* const> buffers) const;
    // Records bind + push constants + vkCmdDispatch(groupsX, 1, 1).
    void record(const vk::raii::CommandBuffer& commands, const vk::raii::DescriptorSet& set,
                std::span<const std::byte> pushConstants, std::uint32_t groupsX) const;

private:
    const Context* context_;
    std::uint32_t bindings_;
    vk::raii::DescriptorSetLayout setLayout_{nullptr};
    vk::raii::PipelineLayout pipelineLayout_{nullptr};
    vk::raii::Pipeline pipeline_{nullptr};
    vk::raii::DescriptorPool pool_{nullptr};  // last: its sets are freed before the layout
};

// A full memory barrier between two compute/transfer commands of one command buffer (and against
// earlier submissions on the same queue).
void recordBarrier(const vk::raii::CommandBuffer& commands);

}  // namespace lacquer::gpu
