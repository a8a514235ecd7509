// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Streaming playback simulation: the gain each service's loudness normalisation applies to each
// track, and the level the listener hears; plus album gain as a pure function.
//
// Rules (ITU-R BS.1770 integrated loudness; from the project's delivery reference, which cites
// the services' own support pages and AES TD1008):
//   Spotify      plays at -14 LUFS (Normal; Loud -11, Quiet -19). Played as an album, one gain
//                for the whole album (from the album's loudness); in shuffle, a gain per track.
//                Quiet material is raised only until its true peak reaches -1 dBTP.
//   Apple Music  Sound Check plays at -16 LUFS, turning tracks up and down. The reference gives no
//                peak limit on the raise, so none is modelled: a raise that pushes the peak above
//                0 dBTP is reported (peakAfterDbtp) rather than hidden.
//   YouTube      -14 LUFS, turn-down only, no album mode.
//   Tidal        -14 LUFS; quiet tracks are not raised (turn-down only).
//   Amazon Music -14 LUFS. The reference says nothing of raising quiet tracks; modelled as
//                turn-down only (the conservative reading: it never predicts a raise that might
//                not happen).
//   Deezer       -15 LUFS. As for Amazon, modelled as turn-down only.
// Undefined loudness (silence) gets no gain, as every player does with a missing value.
#include <optional>
#include <string>
#include <vector>

namespace lacquer::delivery {

enum class Service {
    SpotifyAlbum,    // Spotify Normal, album played in order
    SpotifyShuffle,  // Spotify Normal, tracks in shuffle / playlists
    AppleMusic,
    YouTube,
    Tidal,
    AmazonMusic,
    Deezer,
};

// Every service above, in report order.
std::vector<Service> allServices();
std::string serviceName(Service s);  // "Spotify (album)", "Apple Music", ...

struct ServiceRule {
    double referenceLufs = -14.0;
    bool albumMode = false;                  // one gain from the album's loudness
    bool raisesQuiet = false;                // positive gain allowed
    std::optional<double> raiseCeilingDbtp;  // positive gain stops when the true peak reaches this
    std::string note;                        // the rule in words, for the report
    // Peak guidance for the delivered master (reference table): -1 dBTP for Spotify, Apple,
    // YouTube, Tidal and Deezer; -2 dBTP for Amazon; Spotify asks -2 dBTP of masters louder than
    // -14 LUFS.
    double peakGuidanceDbtp = -1.0;
    std::optional<double> loudMasterLufs;          // above this loudness...
    std::optional<double> loudMasterGuidanceDbtp;  // ...this guidance applies instead
};
ServiceRule serviceRule(Service s);

struct TrackLevels {
    std::optional<double> integratedLufs;  // nullopt = undefined (silence)
    std::optional<double> truePeakDbtp;
};

struct PlaybackTrack {
    double gainDb = 0.0;                  // applied by the service (0 when none)
    std::optional<double> heardLufs;      // integratedLufs + gainDb
    std::optional<double> peakAfterDbtp;  // truePeakDbtp + gainDb
    enum class Direction { Down, Up, None } direction = Direction::None;
    bool raiseLimitedByPeak = false;  // the raise stopped at the service's peak ceiling
    bool overPeakGuidance = false;    // the master's true peak is above the service's guidance
};

// The playback of every track on one service. albumLufs is the album's integrated loudness
// (loudness::Meter::combinedIntegratedLufs, not an average of tracks); used in album mode.
// A change smaller than 0.005 dB counts as no change (Direction::None).
std::vector<PlaybackTrack> simulatePlayback(Service service, const std::vector<TrackLevels>& tracks,
                                            std::optional<double> albumLufs);

// The simulation of every service as a Markdown table for the report: one row per track and
// service with gain (signed dB, "up"/"down"/"none") and the level heard; titles.size() must equal
// tracks.size() (asserted).
std::string playbackMarkdown(const std::vector<std::string>& titles, const std::vector<TrackLevels>& tracks,
                             std::optional<double> albumLufs);

// The simulation of every service as a Markdown table for the report: one row per service and
// track with the gain (signed dB and up/down/none), the level heard and notes (raise limited,
// master peak above the service's guidance, playback above 0 dBTP). titles.size() must equal
// tracks.size() (asserted).
std::string playbackMarkdown(const std::vector<std::string>& titles, const std::vector<TrackLevels>& tracks,
                             std::optional<double> albumLufs);

}  // namespace lacquer::delivery
