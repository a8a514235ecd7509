# Finds every dependency from Debian 12's packages and fails with the package's name.
find_package(PkgConfig REQUIRED)

function(lacquer_require_pkg var module debian_package)
  pkg_check_modules(${var} IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "lacquer needs ${module}: install the Debian package '${debian_package}' (tools/setup does)")
  endif()
endfunction()

function(lacquer_require_cmake pkg debian_package)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "lacquer needs ${pkg}: install the Debian package '${debian_package}' (tools/setup does)")
  endif()
endfunction()

lacquer_require_pkg(SNDFILE sndfile libsndfile1-dev)
lacquer_require_pkg(EBUR128 libebur128 libebur128-dev)
lacquer_require_pkg(FLAC flac libflac-dev)
lacquer_require_pkg(TAGLIB taglib libtag1-dev)
lacquer_require_pkg(YAMLCPP yaml-cpp libyaml-cpp-dev)
lacquer_require_pkg(SOXR soxr libsoxr-dev)
lacquer_require_pkg(FFTW3F fftw3f libfftw3-dev)
lacquer_require_pkg(FFTW3 fftw3 libfftw3-dev)
lacquer_require_pkg(OPENSSL libcrypto libssl-dev)
# FFmpeg's native AAC encoder and decoder, for the AAC codec-headroom round trip: headers at build
# time; the libraries are dlopen()ed by src/delivery/aac.cpp when the first round trip runs (not
# linked: they would load ~80 shared objects into every lacquer process).
lacquer_require_pkg(AVCODEC libavcodec libavcodec-dev)
lacquer_require_pkg(AVUTIL libavutil libavutil-dev)
# libavformat's MP4 muxer and demuxer for AAC (.m4a) copies: headers only, dlopen()ed by
# src/io/m4a.cpp like libavcodec above.
lacquer_require_pkg(AVFORMAT libavformat libavformat-dev)
lacquer_require_cmake(CLI11 libcli11-dev)
lacquer_require_cmake(nlohmann_json nlohmann-json3-dev)
lacquer_require_cmake(fmt libfmt-dev)
find_package(Threads REQUIRED)

add_library(lacquer_deps INTERFACE)
add_library(lacquer::deps ALIAS lacquer_deps)
target_link_libraries(lacquer_deps INTERFACE
  PkgConfig::SNDFILE PkgConfig::EBUR128 PkgConfig::FLAC PkgConfig::TAGLIB
  PkgConfig::YAMLCPP PkgConfig::SOXR PkgConfig::FFTW3F PkgConfig::FFTW3 PkgConfig::OPENSSL
  ${CMAKE_DL_LIBS}
  CLI11::CLI11 nlohmann_json::nlohmann_json fmt::fmt Threads::Threads)
# FFTW's threaded libraries have no pkg-config file of their own.
find_library(FFTW3F_THREADS_LIB fftw3f_threads)
if(NOT FFTW3F_THREADS_LIB)
  message(FATAL_ERROR "lacquer needs libfftw3f_threads: install the Debian package 'libfftw3-dev'")
endif()
target_link_libraries(lacquer_deps INTERFACE ${FFTW3F_THREADS_LIB})
