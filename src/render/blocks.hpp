// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Block streaming shared by the render's steps: a source read in blocks, copied into a writer,
// or shifted behind silence. Memory is one block, however long the source.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "lacquer/common/audio.hpp"
#include "lacquer/common/cancel.hpp"

namespace lacquer::render {

// Blocks in which the per-track stages stream a track (a multiple of the dynamics chain's 8192).
inline constexpr std::size_t kStreamBlockFrames = 65536;

// Reads frames [from, to) of `source` in blocks of kStreamBlockFrames and hands each to `use`
// (one block of memory; cancellation checked between blocks).
template <class Use>
void forEachBlock(const AudioSource& source, std::size_t from, std::size_t to, Use&& use) {
    AudioBuffer block(source.channels(), kStreamBlockFrames, source.sampleRateHz());
    for (std::size_t at = from; at < to; at += kStreamBlockFrames) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kStreamBlockFrames, to - at));
        source.read(at, v);
        use(v);
    }
}

// `source` scaled by a gain (the makeup gain an MP3 variant's tracks get before the encoder).
class ScaledSource final : public AudioSource {
public:
    ScaledSource(const AudioSource& source, double gainDb) : source_(source), gain_(static_cast<float>(std::pow(10.0, gainDb / 20.0))) {}
    int channels() const override { return source_.channels(); }
    double sampleRateHz() const override { return source_.sampleRateHz(); }
    std::size_t frames() const override { return source_.frames(); }
    void read(std::size_t from, const BlockView& dst) const override {
        source_.read(from, dst);
        for (int c = 0; c < dst.channels; ++c)
            for (std::size_t i = 0; i < dst.frames; ++i) dst.data[static_cast<std::size_t>(c)][i] *= gain_;
    }

private:
    const AudioSource& source_;
    float gain_;
};

// Streams frames [from, to) of a source into a writer (WavWriter or FlacWriter).
template <class Writer>
void copyFrames(const AudioSource& source, std::size_t from, std::size_t to, Writer& writer) {
    forEachBlock(source, from, to, [&](const BlockView& v) { writer.write(v); });
}

// A source shifted later by `offset` frames of silence and `frames` long (zeros past its end):
// the CD programme is the timeline after a 2 s lead-in, padded to a whole sector.
class OffsetSource final : public AudioSource {
public:
    OffsetSource(const AudioSource& inner, std::size_t offset, std::size_t frames)
        : inner_(inner), offset_(offset), frames_(frames) {}
    int channels() const override { return inner_.channels(); }
    double sampleRateHz() const override { return inner_.sampleRateHz(); }
    std::size_t frames() const override { return frames_; }
    void read(std::size_t from, const BlockView& dst) const override {
        const std::size_t silent = from < offset_ ? std::min(dst.frames, offset_ - from) : 0;
        for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c), dst.channel(c) + silent, 0.0f);
        if (silent < dst.frames) inner_.read(from + silent - offset_, dst.slice(silent, dst.frames - silent));
    }

private:
    const AudioSource& inner_;
    std::size_t offset_, frames_;
};

}  // namespace lacquer::render
