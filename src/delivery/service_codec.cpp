// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/service_codec.hpp"

#include <cstdio>

namespace lacquer::delivery {

ServiceCodec serviceCodec(Service s) {
    switch (s) {
        case Service::SpotifyAlbum:
        case Service::SpotifyShuffle:
            return {Codec::Vorbis,
                    "Ogg Vorbis about 96/160/320 kb/s in the apps; AAC 128/256 kb/s in the web player",
                    "Spotify support, *Audio quality*"};
        case Service::AppleMusic:
            return {Codec::Aac, "AAC 256 kb/s (and ALAC lossless)", "Apple, *Apple Digital Masters*"};
        case Service::YouTube:
            return {Codec::Opus, "Opus about 130-160 kb/s (itag 251) or AAC-LC about 128 kb/s (itag 140); 256 kb/s AAC for Premium",
                    "the formats YouTube serves, as listed by yt-dlp (audiomisc.co.uk); YouTube Premium's 256 kb/s announcement"};
        case Service::Tidal:
            return {Codec::Aac, "AAC for its lossy tiers, FLAC lossless", "not re-checked against Tidal's own page"};
        case Service::AmazonMusic:
            return {Codec::Aac, "lossy tier's codec not published; FLAC for HD", "no published codec found: AAC stands in"};
        case Service::Deezer:
            return {Codec::Mp3, "MP3 128/320 kb/s, FLAC lossless", "not re-checked against Deezer's own page"};
    }
    return {};
}

std::optional<double> DecodedPeaks::of(Codec c) const {
    switch (c) {
        case Codec::Vorbis: return vorbis;
        case Codec::Opus: return opus;
        case Codec::Aac: return aac;
        case Codec::Mp3: return mp3;
    }
    return std::nullopt;
}

std::string serviceCodecMarkdown(const std::vector<DecodedPeaks>& tracks, double maxDecodedDbtp) {
    std::string md = "| service | round trip | the service streams | worst decoded true peak |\n|---|---|---|---|\n";
    for (Service s : allServices()) {
        const ServiceCodec sc = serviceCodec(s);
        std::optional<double> worst;
        for (const auto& t : tracks)
            if (const auto p = t.of(sc.codec)) worst = std::max(worst.value_or(*p), *p);
        char peak[64];
        if (worst) std::snprintf(peak, sizeof peak, "%.2f dBTP%s", *worst, *worst > maxDecodedDbtp ? " (over)" : "");
        else std::snprintf(peak, sizeof peak, "—");
        md += "| " + serviceName(s) + " | " + codecName(sc.codec) + " | " + sc.streams + " | " + peak + " |\n";
    }
    return md;
}

}  // namespace lacquer::delivery
