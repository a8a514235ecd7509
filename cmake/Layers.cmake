# SPDX-License-Identifier: GPL-3.0-or-later
# One static library per src/ folder (a layer), linked only to the layers below it.
#
# A layer compiles against its own view of the headers: build/layers/<layer>/lacquer/ holds links
# to include/lacquer/<x>/ for the layer itself and every layer below it that it depends on,
# directly or through another; build/layers-src/<layer>/ links to src/<layer>/ only (its private
# headers). So an #include that breaks the layering fails to compile ("No such file or
# directory"), and a call across it would fail to link. docs/ARCHITECTURE.md draws this graph.
#
# To add a layer: a folder src/<name>/ (+ include/lacquer/<name>/), then a line below, after the
# layers it uses. To let a layer use another: add it to that layer's line (below it in the list).

# layer           the layers it uses directly
set(LACQUER_LAYERS
  "common         "
  "gpu            common"
  "resample       common"
  "io             common"
  "loudness       common resample"
  "eq             common"
  "dynamics       common"
  "limiter        common"
  "reverb         common resample"
  "dither         common"
  "sequence       common"
  "convolution    common gpu eq reverb"
  "denoise        common gpu"
  "manifest       common io eq dynamics limiter reverb dither sequence denoise"
  "delivery       common io loudness manifest resample"
  "checks         common io loudness manifest delivery"
  "report         common io loudness manifest delivery eq checks"
  "render         common io resample loudness eq dynamics limiter reverb dither sequence convolution denoise manifest delivery checks report"
  "verify         common io loudness manifest delivery checks report"
  "catalog        common io manifest convolution render")

# Build information for every layer (the render certificate's version and build).
add_library(lacquer_build_info INTERFACE)
target_compile_definitions(lacquer_build_info INTERFACE
  LACQUER_VERSION="${PROJECT_VERSION}"
  LACQUER_BUILD="${CMAKE_BUILD_TYPE} ${LACQUER_GIT_COMMIT} ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")

set(LACQUER_LAYER_NAMES)
foreach(entry ${LACQUER_LAYERS})
  string(REGEX REPLACE " +" ";" words "${entry}")
  list(FILTER words EXCLUDE REGEX "^$")
  list(POP_FRONT words layer)
  foreach(dep ${words})
    if(NOT dep IN_LIST LACQUER_LAYER_NAMES)
      message(FATAL_ERROR "cmake/Layers.cmake: ${layer} uses ${dep}, which is not a layer listed above it")
    endif()
  endforeach()
  # Every layer below it that it sees: its own uses and theirs.
  set(closure ${layer})
  foreach(dep ${words})
    list(APPEND closure ${LACQUER_LAYER_CLOSURE_${dep}})
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set(LACQUER_LAYER_CLOSURE_${layer} ${closure})

  set(view ${CMAKE_CURRENT_BINARY_DIR}/layers/${layer})
  file(REMOVE_RECURSE ${view} ${CMAKE_CURRENT_BINARY_DIR}/layers-src/${layer})
  file(MAKE_DIRECTORY ${view}/lacquer ${CMAKE_CURRENT_BINARY_DIR}/layers-src/${layer})
  foreach(seen ${closure})
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/lacquer/${seen})
      file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/include/lacquer/${seen} ${view}/lacquer/${seen} SYMBOLIC)
    endif()
  endforeach()
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/src/${layer} ${CMAKE_CURRENT_BINARY_DIR}/layers-src/${layer}/${layer} SYMBOLIC)

  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${layer}/*.cpp)
  add_library(lacquer_${layer} STATIC ${sources})
  target_include_directories(lacquer_${layer} PRIVATE ${view} ${CMAKE_CURRENT_BINARY_DIR}/layers-src/${layer})
  target_link_libraries(lacquer_${layer} PUBLIC lacquer_warnings lacquer_build_info lacquer::deps)
  foreach(dep ${words})
    target_link_libraries(lacquer_${layer} PUBLIC lacquer_${dep})
  endforeach()
  list(APPEND LACQUER_LAYER_NAMES ${layer})
endforeach()

# Every src/ folder but app/ must be a layer.
file(GLOB _src_folders LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/src/*)
foreach(dir ${_src_folders})
  get_filename_component(name ${dir} NAME)
  if(IS_DIRECTORY ${dir} AND NOT name STREQUAL "app" AND NOT name IN_LIST LACQUER_LAYER_NAMES)
    message(FATAL_ERROR "src/${name}/ is not a layer: add it to LACQUER_LAYERS in cmake/Layers.cmake")
  endif()
endforeach()

# lacquer_core: every layer, with the whole include/ tree, for the CLI, tools, benchmarks and tests.
add_library(lacquer_core INTERFACE)
target_include_directories(lacquer_core INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
foreach(layer ${LACQUER_LAYER_NAMES})
  target_link_libraries(lacquer_core INTERFACE lacquer_${layer})
endforeach()
