// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/gpu/context.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "lacquer/common/error.hpp"

namespace lacquer::gpu {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::mutex gValidationMutex;
std::vector<std::string> gValidationMessages;

VKAPI_ATTR VkBool32 VKAPI_CALL onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                    VkDebugUtilsMessageTypeFlagsEXT,
                                                    const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                    void*) {
    std::lock_guard lock(gValidationMutex);
    gValidationMessages.emplace_back(data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

// The one place Vulkan failures become lacquer errors.
[[noreturn]] void throwDevice(const std::string& what, const std::string& todo = {}) {
    throw Error(ErrorKind::Device, "vulkan", what,
                todo.empty() ? "run `lacquer devices`, or render with --device cpu" : todo);
}

std::string versionString(std::uint32_t v) {
    return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v));
}

DeviceType typeOf(vk::PhysicalDeviceType t) {
    switch (t) {
        case vk::PhysicalDeviceType::eDiscreteGpu: return DeviceType::Discrete;
        case vk::PhysicalDeviceType::eIntegratedGpu: return DeviceType::Integrated;
        case vk::PhysicalDeviceType::eVirtualGpu: return DeviceType::Virtual;
        case vk::PhysicalDeviceType::eCpu: return DeviceType::Cpu;
        default: return DeviceType::Other;
    }
}

DeviceInfo describe(const vk::raii::PhysicalDevice& device, int index) {
    const auto props = device.getProperties();
    DeviceInfo info;
    info.index = index;
    info.name = props.deviceName.data();
    info.type = typeOf(props.deviceType);
    info.software = info.type == DeviceType::Cpu;
    info.apiVersion = versionString(props.apiVersion);
    info.driverVersion = props.vendorID == 0x10DE
                             ? fmt::format("{}.{}", (props.driverVersion >> 22) & 0x3ff,
                                           (props.driverVersion >> 14) & 0xff)
                             : fmt::format("{:#x}", props.driverVersion);
    return info;
}

bool validationWanted(Validation v) {
    if (v == Validation::On) return true;
    if (v == Validation::Off) return false;
    const char* env = std::getenv("LACQUER_VK_VALIDATION");
    return env != nullptr && std::strcmp(env, "1") == 0;
}

vk::raii::Instance makeInstance(const vk::raii::Context& loader, bool validation) {
    vk::ApplicationInfo app{"lacquer", 1, "lacquer", 1, VK_API_VERSION_1_1};
    std::vector<const char*> layers;
    std::vector<const char*> extensions;
    if (validation) {
        bool found = false;
        for (const auto& layer : loader.enumerateInstanceLayerProperties())
            found = found || std::strcmp(layer.layerName.data(), kValidationLayer) == 0;
        if (!found)
            throwDevice("the Khronos validation layer was requested but is not installed",
                        "install the Debian package 'vulkan-validationlayers' or unset LACQUER_VK_VALIDATION");
        layers.push_back(kValidationLayer);
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    vk::InstanceCreateInfo info{{}, &app, layers, extensions};
    return vk::raii::Instance(loader, info);
}

}  // namespace

const char* toString(DeviceType type) {
    switch (type) {
        case DeviceType::Discrete: return "discrete";
        case DeviceType::Integrated: return "integrated";
        case DeviceType::Virtual: return "virtual";
        case DeviceType::Cpu: return "cpu";
        case DeviceType::Other: return "other";
    }
    return "other";
}

std::vector<DeviceInfo> listDevices() {
    try {
        vk::raii::Context loader;
        auto instance = makeInstance(loader, false);
        std::vector<DeviceInfo> out;
        vk::raii::PhysicalDevices devices(instance);
        for (std::size_t i = 0; i < devices.size(); ++i) out.push_back(describe(devices[i], static_cast<int>(i)));
        return out;
    } catch (const vk::SystemError& e) {
        if (e.code() == vk::Result::eErrorIncompatibleDriver || e.code() == vk::Result::eErrorInitializationFailed)
            return {};  // a loader without any driver: no devices
        throwDevice(fmt::format("listing devices failed: {}", e.what()));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throwDevice(fmt::format("cannot load the Vulkan loader: {}", e.what()),
                    "install the Debian package 'libvulkan1' (and 'mesa-vulkan-drivers'), or use --device cpu");
    }
}

int autoDeviceIndex(const std::vector<DeviceInfo>& devices) {
    for (DeviceType wanted : {DeviceType::Discrete, DeviceType::Integrated, DeviceType::Virtual})
        for (const auto& d : devices)
            if (d.type == wanted && !d.software) return d.index;
    return -1;
}

int defaultVulkanIndex(const std::vector<DeviceInfo>& devices) {
    const int best = autoDeviceIndex(devices);
    if (best >= 0) return best;
    return devices.empty() ? -1 : devices.front().index;
}

int validationMessageCount() {
    std::lock_guard lock(gValidationMutex);
    return static_cast<int>(gValidationMessages.size());
}

std::vector<std::string> validationMessages() {
    std::lock_guard lock(gValidationMutex);
    return gValidationMessages;
}

void clearValidationMessages() {
    std::lock_guard lock(gValidationMutex);
    gValidationMessages.clear();
}

// ---------------------------------------------------------------------------------------------------

Context::Context(const ContextOptions& options) try {
    validationEnabled_ = validationWanted(options.validation);
    instance_ = makeInstance(loader_, validationEnabled_);
    if (validationEnabled_) {
        using S = vk::DebugUtilsMessageSeverityFlagBitsEXT;
        using T = vk::DebugUtilsMessageTypeFlagBitsEXT;
        vk::DebugUtilsMessengerCreateInfoEXT info{
            {}, S::eWarning | S::eError, T::eGeneral | T::eValidation | T::ePerformance, &onValidationMessage};
        messenger_ = vk::raii::DebugUtilsMessengerEXT(instance_, info);
    }
    vk::raii::PhysicalDevices devices(instance_);
    std::vector<DeviceInfo> infos;
    for (std::size_t i = 0; i < devices.size(); ++i) infos.push_back(describe(devices[i], static_cast<int>(i)));
    const int index = options.deviceIndex >= 0 ? options.deviceIndex : defaultVulkanIndex(infos);
    if (index < 0) throwDevice("no Vulkan device found", "install 'mesa-vulkan-drivers' or render with --device cpu");
    if (index >= static_cast<int>(infos.size()))
        throwDevice(fmt::format("there is no Vulkan device {} ({} found)", index, infos.size()));
    physicalDevice_ = std::move(devices[static_cast<std::size_t>(index)]);
    info_ = infos[static_cast<std::size_t>(index)];

    const auto families = physicalDevice_.getQueueFamilyProperties();
    bool found = false;
    for (std::uint32_t i = 0; i < families.size() && !found; ++i)
        if (families[i].queueFlags & vk::QueueFlagBits::eCompute) {
            queueFamily_ = i;
            found = true;
        }
    if (!found) throwDevice(fmt::format("device '{}' has no compute queue", info_.name));
    const float priority = 1.0f;
    vk::DeviceQueueCreateInfo queueInfo{{}, queueFamily_, 1, &priority};
    vk::DeviceCreateInfo deviceInfo{{}, queueInfo};
    device_ = vk::raii::Device(physicalDevice_, deviceInfo);
    queue_ = vk::raii::Queue(device_, queueFamily_, 0);
    commandPool_ = vk::raii::CommandPool(
        device_, vk::CommandPoolCreateInfo{vk::CommandPoolCreateFlagBits::eResetCommandBuffer, queueFamily_});
    oneShotFence_ = createFence();
} catch (const vk::SystemError& e) {
    throwDevice(fmt::format("creating the Vulkan context failed: {}", e.what()));
} catch (const Error&) {
    throw;
} catch (const std::exception& e) {
    throwDevice(fmt::format("cannot load the Vulkan loader: {}", e.what()),
                "install the Debian package 'libvulkan1' (and 'mesa-vulkan-drivers'), or use --device cpu");
}

Context::~Context() {
    if (*device_) device_.waitIdle();
}

vk::raii::CommandBuffer Context::allocateCommandBuffer() const {
    vk::CommandBufferAllocateInfo info{*commandPool_, vk::CommandBufferLevel::ePrimary, 1};
    return std::move(vk::raii::CommandBuffers(device_, info).front());
}

vk::raii::Fence Context::createFence() const { return vk::raii::Fence(device_, vk::FenceCreateInfo{}); }

vk::raii::CommandBuffer Context::allocateCommandBuffer(const vk::raii::CommandPool& pool) const {
    vk::CommandBufferAllocateInfo info{*pool, vk::CommandBufferLevel::ePrimary, 1};
    return std::move(vk::raii::CommandBuffers(device_, info).front());
}

vk::raii::CommandPool Context::createCommandPool() const {
    return vk::raii::CommandPool(device_, vk::CommandPoolCreateInfo{vk::CommandPoolCreateFlagBits::eResetCommandBuffer, queueFamily_});
}

bool Context::deviceLost() const {
    try {
        std::lock_guard lock(queueMutex_);
        device_.waitIdle();
        return false;
    } catch (const vk::DeviceLostError&) {
        return true;
    } catch (const vk::SystemError&) {
        return false;
    }
}

void Context::submit(const vk::raii::CommandBuffer& commands, const vk::raii::Fence& fence) const {
    std::lock_guard lock(queueMutex_);
    submitLocked(commands, fence);
}

void Context::submitLocked(const vk::raii::CommandBuffer& commands, const vk::raii::Fence& fence) const {
    vk::SubmitInfo info{{}, {}, *commands};
    try {
        queue_.submit(info, *fence);
    } catch (const vk::SystemError& e) {
        throwDevice(fmt::format("vkQueueSubmit failed: {}", e.what()));
    }
}

void Context::wait(const vk::raii::Fence& fence) const {
    const vk::Result r = device_.waitForFences(*fence, VK_TRUE, UINT64_MAX);
    if (r != vk::Result::eSuccess) throwDevice(fmt::format("vkWaitForFences returned {}", vk::to_string(r)));
    device_.resetFences(*fence);
}

std::uint32_t Context::memoryTypeIndex(std::uint32_t typeBits, vk::MemoryPropertyFlags required,
                                       vk::MemoryPropertyFlags preferred) const {
    const auto props = physicalDevice_.getMemoryProperties();
    for (int pass = 0; pass < 2; ++pass) {
        const auto want = pass == 0 ? required | preferred : required;
        for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i)
            if ((typeBits & (1u << i)) && (props.memoryTypes[i].propertyFlags & want) == want) return i;
    }
    throwDevice(fmt::format("device '{}' has no memory type with {}", info_.name, vk::to_string(required)));
}

// ---------------------------------------------------------------------------------------------------

Buffer::Buffer(const Context& context, std::size_t bytes, Memory memory) try : bytes_(bytes) {
    using U = vk::BufferUsageFlagBits;
    using M = vk::MemoryPropertyFlagBits;
    vk::BufferCreateInfo info{{}, bytes, U::eStorageBuffer | U::eTransferSrc | U::eTransferDst};
    vk::raii::Buffer buffer(context.device(), info);
    const auto req = buffer.getMemoryRequirements();
    vk::MemoryPropertyFlags required = memory == Memory::Device ? vk::MemoryPropertyFlags(M::eDeviceLocal)
                                                                : M::eHostVisible | M::eHostCoherent;
    vk::MemoryPropertyFlags preferred = memory == Memory::Readback ? vk::MemoryPropertyFlags(M::eHostCached)
                                                                   : vk::MemoryPropertyFlags{};
    const auto type = context.memoryTypeIndex(req.memoryTypeBits, required, preferred);
    memory_ = vk::raii::DeviceMemory(context.device(), vk::MemoryAllocateInfo{req.size, type});
    buffer.bindMemory(*memory_, 0);
    buffer_ = std::move(buffer);
    if (memory != Memory::Device) mapped_ = memory_.mapMemory(0, VK_WHOLE_SIZE);
} catch (const vk::SystemError& e) {
    throwDevice(fmt::format("allocating a {} MiB buffer failed: {}", bytes >> 20, e.what()),
                "render fewer tracks at once, or with --device cpu");
}

Buffer::~Buffer() {
    if (mapped_ && *memory_) memory_.unmapMemory();
}

// ---------------------------------------------------------------------------------------------------

Kernel::Kernel(const Context& context, std::span<const std::uint32_t> spirv, std::uint32_t bindings,
               std::uint32_t pushConstantBytes, std::uint32_t maxSets) try
    : context_(&context), bindings_(bindings) {
    std::vector<vk::DescriptorSetLayoutBinding> layoutBindings;
    for (std::uint32_t b = 0; b < bindings; ++b)
        layoutBindings.emplace_back(b, vk::DescriptorType::eStorageBuffer, 1, vk::ShaderStageFlagBits::eCompute);
    setLayout_ = vk::raii::DescriptorSetLayout(context.device(), vk::DescriptorSetLayoutCreateInfo{{}, layoutBindings});
    vk::PushConstantRange range{vk::ShaderStageFlagBits::eCompute, 0, pushConstantBytes};
    vk::PipelineLayoutCreateInfo layoutInfo{{}, *setLayout_};
    if (pushConstantBytes > 0) layoutInfo.setPushConstantRanges(range);
    pipelineLayout_ = vk::raii::PipelineLayout(context.device(), layoutInfo);
    vk::raii::ShaderModule module(context.device(),
                                  vk::ShaderModuleCreateInfo{{}, spirv.size_bytes(), spirv.data()});
    vk::ComputePipelineCreateInfo pipelineInfo{
        {}, vk::PipelineShaderStageCreateInfo{{}, vk::ShaderStageFlagBits::eCompute, *module, "main"},
        *pipelineLayout_};
    pipeline_ = vk::raii::Pipeline(context.device(), nullptr, pipelineInfo);
    vk::DescriptorPoolSize size{vk::DescriptorType::eStorageBuffer, bindings * maxSets};
    pool_ = vk::raii::DescriptorPool(
        context.device(),
        vk::DescriptorPoolCreateInfo{vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, maxSets, size});
} catch (const vk::SystemError& e) {
    throwDevice(fmt::format("creating a compute kernel failed: {}", e.what()));
}

vk::raii::DescriptorSet Kernel::bind(std::span<const Buffer* const> buffers) const {
    assert(buffers.size() == bindings_);
    vk::DescriptorSetAllocateInfo info{*pool_, *setLayout_};
    auto set = std::move(vk::raii::DescriptorSets(context_->device(), info).front());
    std::vector<vk::DescriptorBufferInfo> infos;
    for (const Buffer* b : buffers) infos.emplace_back(*b->handle(), 0, VK_WHOLE_SIZE);
    std::vector<vk::WriteDescriptorSet> writes;
    for (std::uint32_t i = 0; i < infos.size(); ++i)
        writes.emplace_back(*set, i, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &infos[i]);
    context_->device().updateDescriptorSets(writes, {});
    return set;
}

void Kernel::record(const vk::raii::CommandBuffer& commands, const vk::raii::DescriptorSet& set,
                    std::span<const std::byte> pushConstants, std::uint32_t groupsX) const {
    commands.bindPipeline(vk::PipelineBindPoint::eCompute, *pipeline_);
    commands.bindDescriptorSets(vk::PipelineBindPoint::eCompute, *pipelineLayout_, 0, *set, {});
    if (!pushConstants.empty())
        commands.pushConstants<std::byte>(*pipelineLayout_, vk::ShaderStageFlagBits::eCompute, 0, pushConstants);
    commands.dispatch(groupsX, 1, 1);
}

void recordBarrier(const vk::raii::CommandBuffer& commands) {
    using A = vk::AccessFlagBits;
    vk::MemoryBarrier barrier{A::eShaderWrite | A::eTransferWrite | A::eHostWrite,
                              A::eShaderRead | A::eShaderWrite | A::eTransferRead | A::eTransferWrite | A::eHostRead};
    commands.pipelineBarrier(vk::PipelineStageFlagBits::eAllCommands, vk::PipelineStageFlagBits::eAllCommands, {},
                             barrier, {}, {});
}

}  // namespace lacquer::gpu
