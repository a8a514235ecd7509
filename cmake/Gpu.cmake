# GPU toolchain: Vulkan loader, the configure-time patched VkFFT header, glslang, shaders → SPIR-V.
# (Filled in by the GPU stage; see docs/ARCHITECTURE.md.)
lacquer_require_pkg(VULKAN vulkan libvulkan-dev)
target_link_libraries(lacquer_core PUBLIC PkgConfig::VULKAN)
