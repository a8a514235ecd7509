// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The lossy codec each streaming service plays its catalogue through, and the round trip that
// stands for it in the report (docs/delivery.md, *Codecs the services stream*).
#include <optional>
#include <string>
#include <vector>

#include "lacquer/delivery/codec.hpp"
#include "lacquer/delivery/streaming.hpp"

namespace lacquer::delivery {

struct ServiceCodec {
    Codec codec = Codec::Vorbis;  // the round trip the report uses for this service
    std::string streams;          // what the service streams, in words, with bit rates
    std::string source;           // where that comes from
};
ServiceCodec serviceCodec(Service s);

// Decoded true peak per track and codec, as measured (nullopt: undefined or not measured).
struct DecodedPeaks {
    std::optional<double> vorbis, opus, aac, mp3;
    std::optional<double> of(Codec c) const;
};

// Markdown: one row per service — codec, what it streams — and the worst decoded true peak over
// the tracks through that codec, flagged when above maxDecodedDbtp.
std::string serviceCodecMarkdown(const std::vector<DecodedPeaks>& tracks, double maxDecodedDbtp);

}  // namespace lacquer::delivery
