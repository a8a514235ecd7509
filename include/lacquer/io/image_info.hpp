// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Pixel size and colour model of a PNG or JPEG, read from its header (PNG IHDR; JPEG SOFn), for
// the cover-art checks stores publish. Reads a few KiB at most; decodes nothing.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lacquer::io {

enum class ColourModel { Rgb, Grey, Cmyk, Unknown };

struct ImageInfo {
    std::string format;          // "png" or "jpeg"
    int width = 0, height = 0;   // pixels
    ColourModel colour = ColourModel::Unknown;  // PNG palette images count as RGB (RGB entries)
    std::uintmax_t bytes = 0;    // file size
};

// nullopt when the file is neither, or its header is cut short.
std::optional<ImageInfo> probeImage(const std::filesystem::path& file);

const char* toString(ColourModel c);  // "RGB", "greyscale", "CMYK", "unknown"

}  // namespace lacquer::io
