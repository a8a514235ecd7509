// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Vinyl premaster: disc formats, the side planner, the cutting sheet, and the measurements behind
// the cutting warnings (low-frequency stereo correlation, sibilance and top-octave energy).
//
// Facts (project delivery reference, from plant and label premaster guidance):
//   side lengths          ideal        maximum
//     12" 33 1/3          15:00-19:30  about 22-23 min   -> 22:00 used (the lower bound)
//     12" 45               9:00-12:00  about 14:30
//     10" 33 1/3           9:00-13:30  about 14 min
//     7" 45                3:00-5:00   none given        -> the ideal's 5:00 doubles as maximum
//     7" 33 1/3            none given  about 6:40-7 min  -> 6:40 used; ideal taken as the same
//   loud or bright tracks early on a side (distortion rises toward the inner groove); low end in
//   phase, stereo correlation kept between about +0.5 and +1; de-ess and tame the top octave;
//   at least 200 ms lead-in and lead-out.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/common/error.hpp"

namespace lacquer::delivery {

struct VinylFormat {
    std::string name;   // "12in-33", "12in-45", "10in-33", "7in-45", "7in-33"
    std::string label;  // "12\" 33 1/3"
    double idealMinS = 0.0;
    double idealMaxS = 0.0;  // a side over this gets a warning
    double maxS = 0.0;       // a side over this gets a stronger warning (loss of level and bass)
};

const std::vector<VinylFormat>& vinylFormats();
// nullopt when the name is unknown.
std::optional<VinylFormat> vinylFormat(const std::string& name);

inline constexpr double kMinLeadInS = 0.2;  // lead-in and lead-out silence on a side file
inline constexpr double kMinCorrelation = 0.5;

struct VinylTrack {
    int number = 0;  // album track number
    std::string title;
    double durationS = 0.0;                // the track's length on the side (its file, gap included)
    std::optional<double> integratedLufs;  // loudness of the track
    std::optional<double> brightnessDb;    // hfEnergy(...).topOctaveShareDb (higher = brighter)
};

struct VinylSide {
    std::string name;         // "A", "B", ...
    std::vector<int> tracks;  // album track numbers in playing order on the side
    double durationS = 0.0;   // sum of the tracks' durations (lead-in/out excluded)
};

struct VinylPlan {
    std::vector<VinylSide> sides;
    std::vector<Diagnostic> warnings;  // side over ideal / over maximum, manual side issues
    std::vector<Diagnostic> errors;    // a track longer than the format's maximum side; a track on
                                       // no side or on two sides (manual sides)
};

enum class SideOrder {
    LoudBrightFirst,   // within a side, tracks by descending demand (loudness, then brightness)
    KeepRunningOrder,  // album order within each side
};

// Automatic plan: the fewest sides (an even number: a disc has two) that hold the album in
// running order with no side over the format's maximum, the tracks split between sides so that
// the longest side is as short as it can be; then, with LoudBrightFirst, each side's tracks are
// ordered loud-and-bright first. Demand = loudness in LUFS + 0.5 x brightness in dB (loudness
// counts first; half-weighted brightness breaks near ties; ties keep album order).
VinylPlan planSides(const std::vector<VinylTrack>& tracks, const VinylFormat& format,
                    SideOrder order = SideOrder::LoudBrightFirst);

// Manual plan: sides as the manifest gives them (side name -> track numbers, played in the given
// order; sides sorted by name). Adds the same length warnings, and errors for tracks on no side,
// on two sides, or unknown.
VinylPlan manualSides(const std::vector<VinylTrack>& tracks,
                      const std::map<std::string, std::vector<int>>& sides, const VinylFormat& format);

// ---------------------------------------------------------------------------------------------
// Measurements. Filters are 4th-order Butterworth (two biquads), run in double precision.

struct CorrelationReading {
    std::optional<double> overall;  // energy-weighted over the whole programme; nullopt if silent
    std::optional<double> minimum;  // lowest of the 1 s windows (50 % overlap) whose low band is
                                    // within 30 dB of the programme's loudest window
    double minimumAtS = 0.0;        // where that window starts
};

// Pearson correlation of left and right below cutoffHz (low-passed at cutoffHz); +1 = in phase
// (mono), 0 = unrelated, -1 = out of phase. Needs 2 channels (asserted).
CorrelationReading lowFrequencyCorrelation(const AudioBuffer& audio, double cutoffHz = 250.0);

struct HfReading {
    std::optional<double> topOctaveShareDb;  // energy in 10-20 kHz / energy in 20 Hz-20 kHz, whole
                                             // programme (dB)
    std::optional<double> sibilanceShareDb;  // highest share of the 5-10 kHz octave in a 50 ms window,
                                             // among windows louder than -40 dBFS RMS (dB)
    double sibilanceAtS = 0.0;
};

// Thresholds, with pink noise as the reference: pink noise has equal energy per octave, so
// each of the ten octaves from 20 Hz to 20 kHz holds 1/10 of its energy (-10 dB). Music is
// nearly always darker than pink noise at the top; a programme whose top octave, or a moment
// whose 5-10 kHz octave, holds more than pink noise's share is bright enough to risk
// tracing distortion and a hot cutting head. These are lacquer's rule of thumb, not a standard.
inline constexpr double kTopOctaveWarnDb = -10.0;
inline constexpr double kSibilanceWarnDb = -10.0;

// Channels are summed in energy. Band edges are 4th-order Butterworth filters, so energy near an
// edge is partly counted. Needs a rate of at least 44.1 kHz (asserted) for the 20 kHz edge.
HfReading hfEnergy(const AudioBuffer& audio);

// Both readings in one pass over a programme streamed in blocks of any size (the functions above
// are this over one buffer): filter states, the current 50 ms window and one set of sums per
// 0.5 s block are all it keeps, so a 3-hour track costs under a megabyte.
class CuttingAnalyser {
public:
    CuttingAnalyser(double sampleRateHz, int channels, double cutoffHz = 250.0);
    ~CuttingAnalyser();
    CuttingAnalyser(const CuttingAnalyser&) = delete;
    CuttingAnalyser& operator=(const CuttingAnalyser&) = delete;
    void add(const BlockView& block);
    CorrelationReading correlation() const;  // needs 2 channels (asserted)
    HfReading hf() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Warnings for one track (where = "track N \"Title\"", side named in the text).
std::vector<Diagnostic> cuttingWarnings(const std::string& where, const CorrelationReading& corr,
                                        const HfReading& hf);

// One side file: leadInS of digital silence, the tracks' files end to end, leadOutS of silence
// (each at least kMinLeadInS, asserted). All tracks share the first one's rate and channel count
// (asserted); silence lengths are rounded to whole frames.
AudioBuffer assembleSide(const std::vector<const AudioBuffer*>& trackFiles, double leadInS, double leadOutS);

// ---------------------------------------------------------------------------------------------
// Cutting sheet.
struct TrackFacts {
    int number = 0;
    std::string title;
    double durationS = 0.0;
    std::optional<double> peakDbtp;  // true peak of the track's file
    std::optional<double> integratedLufs;
};

struct CuttingRow {
    std::string side;
    int track = 0;
    std::string title;
    double startS = 0.0;  // within the side file, after its lead-in
    double durationS = 0.0;
    std::optional<double> peakDbtp;
    std::optional<double> integratedLufs;
};

// Rows in side order: a side file is [lead-in][tracks in side order][lead-out], so a track
// starts at leadInS + the durations of the tracks before it on its side.
std::vector<CuttingRow> cuttingSheet(const VinylPlan& plan, const std::vector<TrackFacts>& facts,
                                     double leadInS);
// "| side | track | title | start | duration | peak dBTP | loudness LUFS |" with m:ss.cc times.
std::string cuttingSheetMarkdown(const std::vector<CuttingRow>& rows);

// The name of the i-th planned side: A, B, … Z, AA, AB, …
std::string vinylSideName(std::size_t i);

}  // namespace lacquer::delivery
