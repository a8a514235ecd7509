# SPDX-License-Identifier: GPL-3.0-or-later
# GPU toolchain: Vulkan loader, the configure-time patched VkFFT header, glslang, shaders → SPIR-V.
# Included from the top-level CMakeLists.txt after the layer libraries exist (cmake/Layers.cmake).
lacquer_require_pkg(VULKAN vulkan libvulkan-dev)
target_link_libraries(lacquer_gpu PUBLIC PkgConfig::VULKAN)

# --- VkFFT -----------------------------------------------------------------------------------------
# Debian 12's VkFFT 1.2.26 does not compile against Debian 12's glslang 12: its glslang_resource_t
# initializer lacks the nine *_EXT mesh-shader limits glslang 12 added after maxMeshViewCountNV.
# We copy the header into the build tree with glslang's default values inserted. Never commit a copy.
find_file(LACQUER_VKFFT_HEADER vkFFT.h PATHS /usr/include NO_CACHE)
if(NOT LACQUER_VKFFT_HEADER)
  message(FATAL_ERROR "lacquer needs vkFFT.h: install the Debian package 'libvkfft-dev' (tools/setup does)")
endif()
set(LACQUER_VKFFT_DIR ${CMAKE_CURRENT_BINARY_DIR}/vkfft-patched)
file(READ ${LACQUER_VKFFT_HEADER} _vkfft_text)
string(FIND "${_vkfft_text}" "maxMeshWorkGroupSizeX_EXT" _vkfft_has_ext)
if(_vkfft_has_ext EQUAL -1)
  set(_vkfft_anchor "/* .maxMeshViewCountNV = */ 4,")
  string(FIND "${_vkfft_text}" "${_vkfft_anchor}" _vkfft_anchor_pos)
  if(_vkfft_anchor_pos EQUAL -1)
    message(FATAL_ERROR "vkFFT.h: cannot find '${_vkfft_anchor}' to patch; is this VkFFT 1.2.26?")
  endif()
  # glslang 12's defaults (glslang/ResourceLimits.cpp): 256, 256, 128, 128, 128, 128, 128, 128, 4.
  string(REPLACE "${_vkfft_anchor}" "${_vkfft_anchor}
				/* .maxMeshOutputVerticesEXT = */ 256,
				/* .maxMeshOutputPrimitivesEXT = */ 256,
				/* .maxMeshWorkGroupSizeX_EXT = */ 128,
				/* .maxMeshWorkGroupSizeY_EXT = */ 128,
				/* .maxMeshWorkGroupSizeZ_EXT = */ 128,
				/* .maxTaskWorkGroupSizeX_EXT = */ 128,
				/* .maxTaskWorkGroupSizeY_EXT = */ 128,
				/* .maxTaskWorkGroupSizeZ_EXT = */ 128,
				/* .maxMeshViewCountEXT = */ 4," _vkfft_text "${_vkfft_text}")
endif()
file(CONFIGURE OUTPUT ${LACQUER_VKFFT_DIR}/vkFFT.h CONTENT "${_vkfft_text}" @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LACQUER_VKFFT_HEADER})
# SYSTEM: the header raises ~240 warnings under -Wall -Wextra that -Werror must not see.
target_include_directories(lacquer_gpu SYSTEM PRIVATE ${LACQUER_VKFFT_DIR})
target_include_directories(lacquer_convolution SYSTEM PRIVATE ${LACQUER_VKFFT_DIR})

# --- glslang (VkFFT compiles its kernels at run time) ----------------------------------------------
set(_glslang_libs)
foreach(lib glslang MachineIndependent OSDependent GenericCodeGen OGLCompiler SPIRV
            glslang-default-resource-limits SPIRV-Tools-opt SPIRV-Tools)
  find_library(LACQUER_LIB_${lib} NAMES ${lib})
  if(NOT LACQUER_LIB_${lib})
    message(FATAL_ERROR "lacquer needs lib${lib}: install 'glslang-dev' and 'spirv-tools' (tools/setup does)")
  endif()
  list(APPEND _glslang_libs ${LACQUER_LIB_${lib}})
endforeach()
# Static archives with circular references: let the linker rescan them as a group.
target_link_libraries(lacquer_gpu PUBLIC "$<LINK_GROUP:RESCAN,${_glslang_libs}>")

# --- our shaders: GLSL → SPIR-V (glslc) → C initializer lists embedded by src/ ----------------------
find_program(LACQUER_GLSLC glslc)
if(NOT LACQUER_GLSLC)
  message(FATAL_ERROR "lacquer needs glslc: install the Debian package 'glslc' (tools/setup does)")
endif()
file(GLOB LACQUER_SHADERS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.comp)
set(_spv_outputs)
foreach(shader ${LACQUER_SHADERS})
  get_filename_component(name ${shader} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated/shaders/${name}.spv.inc)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/generated/shaders
    COMMAND ${LACQUER_GLSLC} --target-env=vulkan1.1 -O -mfmt=c -o ${out} ${shader}
    DEPENDS ${shader}
    COMMENT "glslc ${name}.comp → SPIR-V"
    VERBATIM)
  list(APPEND _spv_outputs ${out})
endforeach()
add_custom_target(lacquer_shaders DEPENDS ${_spv_outputs})
add_dependencies(lacquer_convolution lacquer_shaders)
add_dependencies(lacquer_denoise lacquer_shaders)
target_include_directories(lacquer_denoise PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
target_include_directories(lacquer_convolution PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
