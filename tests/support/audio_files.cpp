// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/audio_files.hpp"

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <stdexcept>

namespace lacquer::test {

AudioBuffer sine(double freqHz, double amplitude, double seconds, double rateHz, int channels, double phaseRad) {
    AudioBuffer b(channels, static_cast<std::size_t>(std::llround(seconds * rateHz)), rateHz);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const float v = static_cast<float>(amplitude * std::sin(phaseRad + 2.0 * std::numbers::pi * freqHz * static_cast<double>(i) / rateHz));
        for (auto& ch : b.samples) ch[i] = v;
    }
    return b;
}

AudioBuffer musicNoise(double seconds, double rateHz, int channels, unsigned seed) {
    AudioBuffer b(channels, static_cast<std::size_t>(std::llround(seconds * rateHz)), rateHz);
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, 1.0);
    for (int c = 0; c < channels; ++c) {
        // Paul Kellet's economy pink filter, then a 2-second amplitude swell.
        double b0 = 0, b1 = 0, b2 = 0;
        for (std::size_t i = 0; i < b.frames(); ++i) {
            const double w = n(rng);
            b0 = 0.99765 * b0 + w * 0.0990460;
            b1 = 0.96300 * b1 + w * 0.2965164;
            b2 = 0.57000 * b2 + w * 1.0526913;
            const double pink = (b0 + b1 + b2 + w * 0.1848) * 0.05;
            const double env = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 0.5 * static_cast<double>(i) / rateHz + c);
            b.samples[static_cast<std::size_t>(c)][i] = static_cast<float>(pink * env);
        }
    }
    return b;
}

void writeAudio(const std::filesystem::path& file, const AudioBuffer& audio, int sfFormat) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(audio.sampleRateHz);
    info.channels = audio.channels();
    info.format = sfFormat;
    SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error("writeAudio: cannot open " + file.string() + ": " + sf_strerror(nullptr));
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    std::vector<float> inter(audio.frames() * static_cast<std::size_t>(audio.channels()));
    for (std::size_t i = 0; i < audio.frames(); ++i)
        for (int c = 0; c < audio.channels(); ++c)
            inter[i * static_cast<std::size_t>(audio.channels()) + static_cast<std::size_t>(c)] = audio.samples[static_cast<std::size_t>(c)][i];
    sf_writef_float(f, inter.data(), static_cast<sf_count_t>(audio.frames()));
    sf_close(f);
}

double nullDb(const std::vector<float>& a, const std::vector<float>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    double diff = 0, ref = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        diff += d * d;
        ref += static_cast<double>(b[i]) * b[i];
    }
    if (ref == 0) return diff == 0 ? -400.0 : 400.0;
    return 10.0 * std::log10(diff / ref);
}

void writeSparseWav(const std::filesystem::path& file, double seconds) {
    const auto data = static_cast<std::uint32_t>(seconds * 8000);
    std::string h;
    auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xff); };
    auto u16 = [&](std::uint16_t v) { for (int i = 0; i < 2; ++i) h += static_cast<char>((v >> (8 * i)) & 0xff); };
    h += "RIFF";
    u32(36 + data);
    h += "WAVEfmt ";
    u32(16);
    u16(1);     // PCM
    u16(1);     // mono
    u32(8000);  // Hz
    u32(8000);  // bytes per second
    u16(1);     // block align
    u16(8);     // bits
    h += "data";
    u32(data);
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary | std::ios::trunc) << h;
    std::filesystem::resize_file(file, h.size() + data);
}

void writeSparsePng(const std::filesystem::path& file, std::uintmax_t bytes) {
    std::filesystem::create_directories(file.parent_path());
    // The signature and an IHDR saying 3000x3000 RGB, so the store guards (issue 18), which read
    // the header, have nothing to warn about beside the size under test.
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        << std::string("\x89PNG\r\n\x1a\n"
                       "\0\0\0\x0dIHDR"
                       "\0\0\x0b\xb8\0\0\x0b\xb8"  // 3000 x 3000
                       "\x08\x02\0\0\0",              // 8 bits, colour type 2 (RGB)
                       8 + 8 + 13);
    std::filesystem::resize_file(file, bytes);
}

}  // namespace lacquer::test
