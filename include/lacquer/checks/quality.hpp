// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Quality checks: what a mastering engineer listens for, judged from measurements made on the
// streams of a render (loudness::SoundStats of each track's source and master, the dynamics' gain
// reduction, the timeline's edges, lossy round trips). Each check has one documented threshold
// (kThresholds below, with where the number comes from) and a level set in the manifest's
// `checks:` section: off, warn (the default) or fail (the render exits 1, as for a missed target).
// A finding names the track, the time (seconds from the track's start; null = the whole track)
// and the figure against its threshold.
//
// A Finding becomes a checks::Check (check.hpp) with id "quality.<key>" and status Warn or Fail
// (toCheck below), so render, report.json and the terminal treat it like every other rule.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lacquer/checks/check.hpp"
#include "lacquer/common/audio.hpp"
#include "lacquer/loudness/sound_meter.hpp"
#include "lacquer/manifest/checks_config.hpp"

namespace lacquer::checks {

// The thresholds (docs/manifest.md's `checks` table repeats them with their sources).
struct Thresholds {
    // Mono compatibility. A correlation meter reading below 0 means more out-of-phase than
    // in-phase energy: that part cancels in mono (how phase-correlation meters are read; vinyl
    // plants ask for +0.5..+1).
    double minWindowCorrelation = 0.0;       // worst 1 s window
    // Fold-down loss: (L+R)/2 on both sides loses 3.01 dB for fully uncorrelated channels; more
    // than that means cancellation. 3 dB + 0.5 dB allowance for wide but healthy reverbs.
    double maxMonoFoldLossDb = 3.5;
    // Width: side/mid energy may grow by at most 3 dB (doubling of the side energy) over the
    // source: our limit; a mastering chain that is not asked to widen should not.
    double maxWidthGrowthDb = 3.0;
    // Mono source: source side/mid under -40 dB (dual mono to 1 %) counts as mono; the master's
    // L/R energy balance must stay within 0.5 dB: the just-noticeable interaural level difference
    // for a centred image is about 0.5-1 dB (J. Blauert, Spatial Hearing, rev. ed. 1997).
    double monoSourceSideToMidDb = -40.0;
    double maxBalanceDb = 0.5;
    // Compression: limiter peak gain reduction over 6 dB, or its mean (of 0.1 s maxima) over 3 dB;
    // a multiband band's peak over 8 dB. Mastering practice works with "a few dB" of gain
    // reduction (B. Katz, Mastering Audio, 2nd ed. 2007); the exact limits are ours.
    double maxLimiterPeakGrDb = 6.0;
    double maxLimiterMeanGrDb = 3.0;
    double maxBandPeakGrDb = 8.0;
    // Tonal shift: an octave band's level relative to the track's mean may move 3 dB more than
    // the EQ's designed curve moved it. Broad (octave-wide) response changes of 1-2 dB are
    // audible on music (Bücklein, JAES 29(3), 1981); 3 dB leaves room for programme-dependent
    // dynamics. Bands under -70 dBFS in the source are not judged.
    double maxUnaskedShiftDb = 3.0;
    double tonalFloorDbfs = -70.0;
    // Album mode: a track's integrated loudness may sit at most 10 LU from the album's plus its
    // loudness_offset_lu. 10 phon is a doubling/halving of perceived loudness (Stevens' sone scale,
    // ISO 532): a listener reaches for the volume.
    double maxAlbumDeviationLu = 10.0;
    // DC: |mean| of the master over -60 dBFS (0.1 % of full scale): our limit; a DC step of that
    // size is itself an audible click at an edit. (The source's DC is reported, not judged: the
    // chain's high-pass may remove it.)
    double maxDcDbfs = -60.0;
    // Clipped source: runs of at least 3 identical consecutive samples within 0.1 dB of the
    // source's peak (a common "over" definition of digital peak meters: 3 consecutive
    // full-scale samples); any run found warns.
    std::size_t clipRunSamples = 3;
    double clipNearPeakDb = 0.1;
    // Clicks: the step at a track edge (start, end, crossfade boundary) larger than twice the
    // largest step the music makes within 10 ms on either side, and above -50 dBFS: our limit.
    double clickRatio = 2.0;
    double clickFloorDbfs = -50.0;
    double clickContextMs = 10.0;
};
inline const Thresholds kThresholds{};

struct Finding {
    Quality check;
    Level level = Level::Warn;
    int track = 0;            // track number; 0 = the album
    std::string title;
    std::optional<double> atS;  // seconds from the track's start; null = the whole track
    double figure = 0;
    double threshold = 0;
    std::string detail;       // one line: what, the figure against the threshold, what to do
    std::string line() const; // "track 3 (Title) at 12.0 s: <detail>"
};

// Flat tops in a stream at its own (the source's) rate: counts runs of >= clipRunSamples
// identical samples near the running peak. Memory: the runs at the current peak (a few numbers).
class ClipDetector {
public:
    explicit ClipDetector(int channels, double sampleRateHz);
    void add(const BlockView& block);
    struct Result {
        double peakDbfs = -200;
        std::size_t runs = 0;       // flat-topped runs within clipNearPeakDb of the peak
        std::optional<double> firstAtS;
        std::size_t longestRun = 0;
    };
    Result result() const;

private:
    struct Run {
        double level;
        std::size_t length, at;
    };
    void closeRun(int c);
    double rateHz_;
    std::size_t frames_ = 0;
    double peak_ = 0;
    std::vector<float> last_;
    std::vector<std::size_t> runLength_, runStart_;
    std::vector<Run> runs_;  // per level near the peak: level, number of runs, first start frame
    std::vector<std::size_t> longest_;  // per entry of runs_: its longest run
};

// The step at one edge of the timeline (frame `at`: the first frame after the edge), against the
// music's own largest step within clickContextMs on either side. Samples outside the source are 0.
struct EdgeStep {
    double stepDbfs = -200;   // largest |x[at] - x[at-1]| over channels
    double musicDbfs = -200;  // largest |x[i] - x[i-1]| around it, the edge excluded
};
EdgeStep measureEdge(const AudioSource& timeline, std::size_t at);

// Everything the checks need about one track of one variant.
struct TrackFacts {
    int number = 0;
    std::string title;
    loudness::SoundStats source;   // at the processing rate, before the chain
    loudness::SoundStats master;   // the track's part of the written timeline
    ClipDetector::Result sourceClips;
    std::vector<std::optional<double>> designedEqOctaveDb;  // the EQ's curve at the octave centres
    std::optional<double> limiterMaxGrDb, limiterMeanGrDb;
    std::vector<double> bandMaxGrDb;
    std::optional<double> albumLufs;  // album mode only
    double loudnessOffsetLu = 0;
    struct Edge {
        std::string where;  // "start", "end", "crossfade end", ...
        double atS = 0;     // from the track's start
        EdgeStep step;
    };
    std::vector<Edge> edges;
    std::optional<double> lossyTruePeakDbtp;  // worst of the round trips
    std::optional<double> ceilingDbtp;
};

// The unasked octave-band shift (dB, per octave band; null where not judged): master minus source
// level per band, minus the EQ's designed change, each curve taken relative to its mean over the
// judged bands.
std::vector<std::optional<double>> unaskedShiftDb(const TrackFacts& t);

// The finding as a checks::Check: id "quality.<key>", name "quality: <key>", detail line(),
// status Warn or Fail by its level.
Check toCheck(const Finding& f);

// Every finding for the track (checks at Level::Off are skipped).
std::vector<Finding> evaluate(const TrackFacts& t, const Config& config, const Thresholds& th = kThresholds);

}  // namespace lacquer::checks
