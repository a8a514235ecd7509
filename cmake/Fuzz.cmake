# libFuzzer targets (clang only), built with -DLACQUER_FUZZ=ON in their own build folder:
#   fuzz_manifest  manifest::parse (CheckInputs::No) on arbitrary text
#   fuzz_decode    io::probe + io::decode on an arbitrary file
#   fuzz_report    report::parseReport (diff's and verify's reader) + report::diffReports
# tools/fuzz configures build-fuzz and runs them. The code they reach (manifest, decode, the
# report reader and diff, common) is compiled again into lacquer_fuzz_core with coverage instrumentation, ASan and UBSan; the
# rest of the project is not needed by them and is left uninstrumented.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LACQUER_FUZZ needs clang: configure with CC=clang CXX=clang++ (tools/fuzz does)")
endif()

set(LACQUER_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

file(GLOB LACQUER_FUZZ_CORE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/src/manifest/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/common/*.cpp
  # All of io/: decode.cpp reads .m4a through io/m4a.cpp, which uses encode.cpp's tag lists.
  ${CMAKE_CURRENT_SOURCE_DIR}/src/io/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/report/read_report.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/report/diff.cpp)
add_library(lacquer_fuzz_core STATIC EXCLUDE_FROM_ALL ${LACQUER_FUZZ_CORE_SOURCES})
target_include_directories(lacquer_fuzz_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
  PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_definitions(lacquer_fuzz_core PUBLIC LACQUER_VERSION="${PROJECT_VERSION}")
target_compile_options(lacquer_fuzz_core PUBLIC -fsanitize=fuzzer-no-link ${LACQUER_FUZZ_SANITIZERS})
target_link_libraries(lacquer_fuzz_core PUBLIC lacquer_warnings lacquer::deps)

foreach(name manifest decode report)
  add_executable(fuzz_${name} EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/targets/fuzz_${name}.cpp)
  target_link_libraries(fuzz_${name} PRIVATE lacquer_fuzz_core)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer ${LACQUER_FUZZ_SANITIZERS})
endforeach()
add_custom_target(fuzz DEPENDS fuzz_manifest fuzz_decode fuzz_report)
