// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/image_info.hpp"

#include <array>
#include <fstream>
#include <vector>

namespace lacquer::io {

namespace {

std::uint32_t be32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
int be16(const unsigned char* p) { return p[0] << 8 | p[1]; }

}  // namespace

const char* toString(ColourModel c) {
    switch (c) {
        case ColourModel::Rgb: return "RGB";
        case ColourModel::Grey: return "greyscale";
        case ColourModel::Cmyk: return "CMYK";
        case ColourModel::Unknown: return "unknown";
    }
    return "unknown";
}

std::optional<ImageInfo> probeImage(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    // The SOF marker follows the APPn/DQT/DHT segments; 256 KiB covers any real header (an
    // embedded EXIF thumbnail or ICC profile included).
    std::vector<unsigned char> b(static_cast<std::size_t>(std::min<std::uintmax_t>(size, 256 * 1024)));
    if (!in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()))) return std::nullopt;
    ImageInfo info;
    info.bytes = size;
    static constexpr std::array<unsigned char, 8> kPng{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (b.size() >= 26 && std::equal(kPng.begin(), kPng.end(), b.begin()) && std::string(b.begin() + 12, b.begin() + 16) == "IHDR") {
        info.format = "png";
        info.width = static_cast<int>(be32(&b[16]));
        info.height = static_cast<int>(be32(&b[20]));
        const int colourType = b[25];  // PNG spec §11.2.2: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
        info.colour = colourType == 0 || colourType == 4 ? ColourModel::Grey
                      : colourType == 2 || colourType == 3 || colourType == 6 ? ColourModel::Rgb
                                                                              : ColourModel::Unknown;
        return info;
    }
    if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
        info.format = "jpeg";
        std::size_t p = 2;
        while (p + 4 <= b.size()) {
            if (b[p] != 0xFF) return std::nullopt;
            const unsigned char m = b[p + 1];
            if (m == 0xFF) { ++p; continue; }  // fill byte
            if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { p += 2; continue; }  // no length
            const int len = be16(&b[p + 2]);
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame header (ITU T.81 B.2.2).
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (p + 10 > b.size()) return std::nullopt;
                info.height = be16(&b[p + 5]);
                info.width = be16(&b[p + 7]);
                const int components = b[p + 9];
                info.colour = components == 1 ? ColourModel::Grey
                              : components == 3 ? ColourModel::Rgb  // YCbCr or RGB
                              : components == 4 ? ColourModel::Cmyk  // CMYK or YCCK (Adobe)
                                                : ColourModel::Unknown;
                return info;
            }
            if (m == 0xDA || m == 0xD9) return std::nullopt;  // scan or end before any frame header
            p += 2 + static_cast<std::size_t>(len);
        }
    }
    return std::nullopt;
}

}  // namespace lacquer::io
