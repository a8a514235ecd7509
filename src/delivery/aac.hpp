// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// AAC-LC encode and decode through FFmpeg's libavcodec (its native "aac" encoder, the one
// Debian 12 ships; no container: packets go straight from the encoder into the decoder, so
// nothing is held or written). Internal to delivery/.
#include <functional>
#include <memory>

#include "lacquer/common/audio.hpp"

namespace lacquer::delivery::detail {

class AacCodec {
public:
    // rateHz: one of AAC's sampling frequencies (8-96 kHz); channels 1 or 2. Throws Error(Io)
    // naming libavcodec's message when the encoder or decoder will not open.
    AacCodec(int channels, int rateHz, int bitrateKbps);
    ~AacCodec();
    AacCodec(const AacCodec&) = delete;
    AacCodec& operator=(const AacCodec&) = delete;

    using Sink = std::function<void(const BlockView&)>;
    // Encodes `block`; every decoded frame that becomes ready goes to `decoded`.
    void push(const BlockView& block, const Sink& decoded);
    // Flushes encoder and decoder.
    void finish(const Sink& decoded);
    std::size_t encodedBytes() const;

    static bool takesRate(double rateHz);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lacquer::delivery::detail
