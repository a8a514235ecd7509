// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/streaming.hpp"

#include <algorithm>
#include <cmath>

namespace lacquer::delivery {

std::vector<Service> allServices() {
    return {Service::SpotifyAlbum, Service::SpotifyShuffle, Service::AppleMusic, Service::YouTube,
            Service::Tidal,        Service::AmazonMusic,    Service::Deezer};
}

std::string serviceName(Service s) {
    switch (s) {
        case Service::SpotifyAlbum:
            return "Spotify (album)";
        case Service::SpotifyShuffle:
            return "Spotify (shuffle)";
        case Service::AppleMusic:
            return "Apple Music";
        case Service::YouTube:
            return "YouTube";
        case Service::Tidal:
            return "Tidal";
        case Service::AmazonMusic:
            return "Amazon Music";
        case Service::Deezer:
            return "Deezer";
    }
    return "?";
}

ServiceRule serviceRule(Service s) {
    ServiceRule r;
    switch (s) {
        case Service::SpotifyAlbum:
            // Spotify support: album played as album gets one gain for the whole album; quiet
            // material raised only until its peak reaches -1 dBTP.
            r = {-14.0, true, true, -1.0, "-14 LUFS, one gain for the album, raise stops at -1 dBTP"};
            break;
        case Service::SpotifyShuffle:
            r = {-14.0, false, true, -1.0, "-14 LUFS per track, raise stops at -1 dBTP"};
            break;
        case Service::AppleMusic:
            r = {-16.0, false, true, std::nullopt, "-16 LUFS per track (Sound Check), up and down"};
            break;
        case Service::YouTube:
            r = {-14.0, false, false, std::nullopt, "-14 LUFS per track, turn-down only"};
            break;
        case Service::Tidal:
            r = {-14.0, false, false, std::nullopt, "-14 LUFS per track, quiet tracks not raised"};
            break;
        case Service::AmazonMusic:
            r = {-14.0, false, false, std::nullopt, "-14 LUFS per track, modelled as turn-down only"};
            break;
        case Service::Deezer:
            r = {-15.0, false, false, std::nullopt, "-15 LUFS per track, modelled as turn-down only"};
            break;
    }
    return r;
}

std::vector<PlaybackTrack> simulatePlayback(Service service, const std::vector<TrackLevels>& tracks,
                                            std::optional<double> albumLufs) {
    const ServiceRule rule = serviceRule(service);
    std::vector<PlaybackTrack> out(tracks.size());
    auto applyLimits = [&](double gain, std::optional<double> peak, bool& limited) {
        limited = false;
        if (gain > 0.0 && !rule.raisesQuiet) return 0.0;
        if (gain > 0.0 && rule.raiseCeilingDbtp && peak) {
            const double room = std::max(0.0, *rule.raiseCeilingDbtp - *peak);
            if (gain > room) {
                limited = true;
                return room;
            }
        }
        return gain;
    };
    std::optional<double> albumGain;
    bool albumLimited = false;
    if (rule.albumMode && albumLufs) {
        // one gain for every track: the album's highest peak bounds the raise
        std::optional<double> albumPeak;
        for (const auto& t : tracks)
            if (t.truePeakDbtp)
                albumPeak = albumPeak ? std::max(*albumPeak, *t.truePeakDbtp) : *t.truePeakDbtp;
        albumGain = applyLimits(rule.referenceLufs - *albumLufs, albumPeak, albumLimited);
    }
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        PlaybackTrack& p = out[i];
        const TrackLevels& t = tracks[i];
        if (rule.albumMode) {
            if (albumGain) {
                p.gainDb = *albumGain;
                p.raiseLimitedByPeak = albumLimited;
            }
        } else if (t.integratedLufs) {
            p.gainDb =
                applyLimits(rule.referenceLufs - *t.integratedLufs, t.truePeakDbtp, p.raiseLimitedByPeak);
        }
        if (std::abs(p.gainDb) < 0.005) {
            p.gainDb = 0.0;
            p.direction = PlaybackTrack::Direction::None;
        } else {
            p.direction = p.gainDb > 0 ? PlaybackTrack::Direction::Up : PlaybackTrack::Direction::Down;
        }
        if (t.integratedLufs) p.heardLufs = *t.integratedLufs + p.gainDb;
        if (t.truePeakDbtp) p.peakAfterDbtp = *t.truePeakDbtp + p.gainDb;
    }
    return out;
}

std::optional<double> albumGainDb(AlbumGainMode mode, double targetLufs,
                                  const std::vector<std::optional<double>>& trackLufs,
                                  std::optional<double> albumLufs) {
    if (mode == AlbumGainMode::Average) {
        if (!albumLufs) return std::nullopt;
        return targetLufs - *albumLufs;
    }
    std::optional<double> loudest;
    for (const auto& l : trackLufs)
        if (l) loudest = loudest ? std::max(*loudest, *l) : *l;
    if (!loudest) return std::nullopt;
    return targetLufs - *loudest;
}

}  // namespace lacquer::delivery
