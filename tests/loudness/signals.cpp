// SPDX-License-Identifier: GPL-3.0-or-later
#include "signals.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>

namespace lacquer::test {

AudioBuffer sineSegments(const std::vector<Segment>& segments, double rateHz, int channels, double freqHz) {
    std::size_t total = 0;
    for (const auto& s : segments) total += static_cast<std::size_t>(std::llround(s.durationS * rateHz));
    AudioBuffer audio(channels, total, rateHz);
    std::size_t n = 0;
    for (const auto& s : segments) {
        const double amplitude = std::pow(10.0, s.levelDbfs / 20.0);
        const auto count = static_cast<std::size_t>(std::llround(s.durationS * rateHz));
        for (std::size_t i = 0; i < count; ++i, ++n) {
            const auto v = static_cast<float>(
                amplitude * std::sin(2.0 * std::numbers::pi * freqHz * static_cast<double>(n) / rateHz));
            for (auto& ch : audio.samples) ch[n] = v;
        }
    }
    return audio;
}

AudioBuffer sinePeriodic(double amplitude, double periodSamples, double phaseDeg, double durationS,
                         double fadeS, double rateHz, int channels) {
    const auto total = static_cast<std::size_t>(std::llround(durationS * rateHz));
    const auto fade = static_cast<double>(std::llround(fadeS * rateHz));
    AudioBuffer audio(channels, total, rateHz);
    const double phase = phaseDeg * std::numbers::pi / 180.0;
    for (std::size_t n = 0; n < total; ++n) {
        const double fromEnd = static_cast<double>(total - 1 - n);
        const double gain = fade > 0 ? std::min({1.0, static_cast<double>(n) / fade, fromEnd / fade}) : 1.0;
        const auto v = static_cast<float>(
            gain * amplitude * std::sin(phase + 2.0 * std::numbers::pi * static_cast<double>(n) / periodSamples));
        for (auto& ch : audio.samples) ch[n] = v;
    }
    return audio;
}

void writeWav(const std::filesystem::path& file, const AudioBuffer& audio, WavSample sample) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(audio.sampleRateHz);
    info.channels = audio.channels();
    info.format = sample == WavSample::Float32 ? (SF_FORMAT_WAV | SF_FORMAT_FLOAT)
                                               : (SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
    SNDFILE* sf = sf_open(file.c_str(), SFM_WRITE, &info);
    ASSERT_NE(sf, nullptr) << file << ": " << sf_strerror(nullptr);
    const auto channels = static_cast<std::size_t>(audio.channels());
    std::vector<float> interleaved(audio.frames() * channels);
    for (std::size_t f = 0; f < audio.frames(); ++f)
        for (std::size_t c = 0; c < channels; ++c) interleaved[f * channels + c] = audio.samples[c][f];
    const auto frames = static_cast<sf_count_t>(audio.frames());
    const sf_count_t written = sf_writef_float(sf, interleaved.data(), frames);
    EXPECT_EQ(written, frames) << file << ": " << sf_strerror(sf);
    EXPECT_EQ(sf_close(sf), 0) << file;
}

}  // namespace lacquer::test
