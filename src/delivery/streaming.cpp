// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/streaming.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

#include "lacquer/common/text.hpp"

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
    auto set = [&r](double ref, bool album, bool raises, std::optional<double> ceiling, const char* note) {
        r.referenceLufs = ref;
        r.albumMode = album;
        r.raisesQuiet = raises;
        r.raiseCeilingDbtp = ceiling;
        r.note = note;
    };
    switch (s) {
        case Service::SpotifyAlbum:
            // Spotify support: album played as album gets one gain for the whole album; quiet
            // material raised only until its peak reaches -1 dBTP; masters louder than -14 LUFS
            // should peak at or below -2 dBTP.
            set(-14.0, true, true, -1.0, "-14 LUFS, one gain for the album, raise stops at -1 dBTP");
            r.loudMasterLufs = -14.0;
            r.loudMasterGuidanceDbtp = -2.0;
            break;
        case Service::SpotifyShuffle:
            set(-14.0, false, true, -1.0, "-14 LUFS per track, raise stops at -1 dBTP");
            r.loudMasterLufs = -14.0;
            r.loudMasterGuidanceDbtp = -2.0;
            break;
        case Service::AppleMusic:
            set(-16.0, false, true, std::nullopt, "-16 LUFS per track (Sound Check), up and down");
            break;
        case Service::YouTube:
            set(-14.0, false, false, std::nullopt, "-14 LUFS per track, turn-down only");
            break;
        case Service::Tidal:
            set(-14.0, false, false, std::nullopt, "-14 LUFS per track, quiet tracks not raised");
            break;
        case Service::AmazonMusic:
            set(-14.0, false, false, std::nullopt, "-14 LUFS per track, modelled as turn-down only");
            r.peakGuidanceDbtp = -2.0;
            break;
        case Service::Deezer:
            set(-15.0, false, false, std::nullopt, "-15 LUFS per track, modelled as turn-down only");
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
        if (t.truePeakDbtp) {
            p.peakAfterDbtp = *t.truePeakDbtp + p.gainDb;
            double guidance = rule.peakGuidanceDbtp;
            if (rule.loudMasterLufs && t.integratedLufs && *t.integratedLufs > *rule.loudMasterLufs)
                guidance = *rule.loudMasterGuidanceDbtp;
            p.overPeakGuidance = *t.truePeakDbtp > guidance;
        }
    }
    return out;
}

std::string playbackMarkdown(const std::vector<std::string>& titles, const std::vector<TrackLevels>& tracks,
                             std::optional<double> albumLufs) {
    assert(titles.size() == tracks.size());
    auto num = [](std::optional<double> v, const char* fmt) {
        if (!v) return std::string("-");
        char buf[32];
        std::snprintf(buf, sizeof buf, fmt, *v);
        return std::string(buf);
    };
    std::string s =
        "| service | track | title | LUFS | dBTP | gain dB | | heard LUFS | note |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
    for (Service svc : allServices()) {
        const auto play = simulatePlayback(svc, tracks, albumLufs);
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            const auto& p = play[i];
            const char* dir = p.direction == PlaybackTrack::Direction::Up     ? "up"
                              : p.direction == PlaybackTrack::Direction::Down ? "down"
                                                                              : "none";
            std::string note;
            if (p.raiseLimitedByPeak) note += "raise limited by peak; ";
            if (p.overPeakGuidance) note += "master peak above guidance; ";
            if (p.peakAfterDbtp && *p.peakAfterDbtp > 0.0) note += "plays above 0 dBTP; ";
            const std::string title = text::forMarkdown(titles[i]);  // one table cell of plain text
            s += "| " + serviceName(svc) + " | " + std::to_string(i + 1) + " | " + title + " | " +
                 num(tracks[i].integratedLufs, "%.1f") + " | " + num(tracks[i].truePeakDbtp, "%.1f") + " | " +
                 num(p.gainDb, "%+.1f") + " | " + dir + " | " + num(p.heardLufs, "%.1f") + " | " + note +
                 "|\n";
        }
    }
    return s;
}

}  // namespace lacquer::delivery

