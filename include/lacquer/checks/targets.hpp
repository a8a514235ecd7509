// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The manifest's targets for the written track files: each file complete, loudness on target in
// every mode and anchor, true peak under the limiter ceiling (with the 8x re-read), no clipping
// without a limiter, limiting within max_limiting_db. `render` fills the readings from the files
// it has just written, `lacquer verify` from the files on disk and report.json's render-time
// facts; both then call these functions, so the two judge alike.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/checks/check.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::checks {

// ±0.1 LU: EBU Tech 3341's tolerance for integrated loudness.
inline constexpr double kLoudnessToleranceLu = 0.1;

// One written track file, as measured from the file, with the render-time facts the file cannot
// tell (whether the track's own audio had a loudness, how much limiting the solve needed).
struct TrackReading {
    int number = 0;
    std::string title;
    double loudnessOffsetLu = 0.0;
    std::filesystem::path file;          // re-read 8x oversampled when the 4x true peak is over
    std::int64_t frames = 0;             // in the file
    std::int64_t expectedFrames = 0;     // the render meant to write (verify: report.json's count)
    loudness::Measurement loudness;      // the file's integrated loudness, true and sample peak
    bool loudnessDefined = true;         // false: the track's own audio had no loudness (no gain)
    std::optional<double> limiterMaxGrDb;  // the solve's limiting for this track; nullopt = unknown
};

// What the track checks found besides the verdicts: the 8x true peak, when the file was re-read.
struct TrackVerdict {
    std::vector<Check> checks;
    bool reread8x = false;
    std::optional<double> truePeak8xDbtp;
};

// "track 2 (Beta)": the prefix of every track check's name (number 0: the title alone).
std::string trackLabel(int number, const std::string& title);

// The checks of one track file: file complete, loudness (undefined, or on target in track mode),
// true peak under the ceiling (4x, then 8x before failing) or no clipping, limiting within bounds.
// The limiter ceiling is the variant's (codec_headroom's lowered ceilings are judged by the lossy
// headroom check; the file must still meet the manifest's ceiling).
TrackVerdict checkTrack(const VariantPlan& variant, const TrackReading& track);
// The peak check alone (true peak under the ceiling, or no clipping), for any audio file of the
// variant (verify also judges album.wav and the vinyl side files by it).
TrackVerdict checkPeak(const VariantPlan& variant, const TrackReading& file);

// Album mode only (nullopt in track mode): the album's integrated loudness (anchor average) or the
// loudest track's (anchor loudest, AES TD1008) on the target.
std::optional<Check> checkAlbumLoudness(const VariantPlan& variant, std::optional<double> albumLufs,
                                        const std::vector<TrackReading>& tracks);

}  // namespace lacquer::checks
