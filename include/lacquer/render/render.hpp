// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render: connects the stages into the per-track chain (shared by every variant) and the
// per-variant album pass, writes the delivery files and measures them back.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lacquer/checks/files.hpp"
#include "lacquer/common/audio.hpp"
#include "lacquer/convolution/engine.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/codec.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/denoise/denoise.hpp"
#include "lacquer/eq/match.hpp"
#include "lacquer/manifest/plan.hpp"
#include "lacquer/checks/quality.hpp"
#include "lacquer/loudness/sound_meter.hpp"
#include "lacquer/render/budget.hpp"
#include "lacquer/sequence/timeline.hpp"
#include "lacquer/sequence/trim.hpp"

namespace lacquer::loudness {
class SpectrumAverager;
}

namespace lacquer::render {

struct RenderOptions {
    std::filesystem::path outDir;
    std::vector<std::string> variants;  // empty = all
    convolution::DeviceRequest device;  // --device auto | cpu | N
    bool force = false;                 // allow an output folder holding files lacquer did not write (never replaced)
    // Where the album pass keeps its temporary audio (a private subfolder is made and removed);
    // empty: DIR/.lacquer-scratch inside the output folder.
    std::filesystem::path scratchDir;
    // --spill-memory: how much of that temporary audio may stay in memory instead (bytes; the
    // rest goes to scratch files, so memory stays bounded however long the album). The bytes
    // written do not depend on it. 0: every spill is a file. 256 MiB: a one-track render keeps
    // up to ~8 minutes of its 96 kHz stereo stages in memory (13 % less CPU measured on a 1-minute
    // chain, +56 MiB peak RSS); larger albums spill the rest (docs/notes/issue-13-s5.md).
    std::size_t spillMemoryBytes = kDefaultSpillMemoryBytes;
    static constexpr std::size_t kDefaultSpillMemoryBytes = kSpillMemoryBudgetBytes;  // budget.hpp
    bool strict = false;  // --strict: every quality warning fails the render (exit 1)
};

class Scratch;  // scratch files of the album pass (src/render/spill.hpp)

// Output of the per-track chain: the track at the processing rate, after EQ/reverb and the
// track's dynamics, with its tail. Shared by every variant. Held in a scratch file during a render
// (in memory when no scratch folder is given, as in tests).
struct ProcessedTrack {
    std::shared_ptr<AudioStore> audio;
    double sourceDurationS = 0.0;
    int sourceRateHz = 0;
    double deesserMaxReductionDb = 0.0;            // >= 0
    double compressorMaxReductionDb = 0.0;         // >= 0, chain.compressor
    // chain.trim's cut (trimmed) or, untrimmed, the scan of the source for the clean-up warnings
    // (from 0 to the end).
    sequence::TrimResult trim;
    bool trimmed = false;
    std::vector<double> multibandMaxReductionDb;   // per band, >= 0; empty without multiband
    std::vector<std::vector<float>> multibandTraceDb;  // per band, max per multibandTraceS
    double multibandTraceS = 0.0;
    int convolutionRuns = 0;                       // 1 when EQ/reverb ran on this track
    std::shared_ptr<loudness::SpectrumAverager> sourceSpectrum;  // the source at the processing rate
    // What the chain did (src/render/quality_pass): the source measured as it streamed in (at
    // the processing rate), flat tops found at its own rate, the reverb's wet level (dB relative
    // to dry: for a flat spectrum, and for this track's source spectrum) and the EQ's requested
    // change per octave band.
    loudness::SoundStats sourceStats;
    checks::ClipDetector::Result sourceClips;
    std::optional<double> reverbWetFlatDb, reverbWetRealisedDb;
    std::vector<std::optional<double>> eqOctaveDb;
    std::vector<double> multibandMeanReductionDb;  // per band: mean of the trace's per-period maxima
    std::shared_ptr<eq::SpectrumMeter> matchedSpectrum;  // after the convolution, when a match ran
    std::shared_ptr<denoise::NoiseMeter> noiseBefore, noiseAfter;  // quietest frames around the denoiser
    std::string denoiseBackend;                          // "cpu-fftw-float", "vulkan"; empty: no denoise
};

// What the spectral stages of one track need, measured before its chain runs (src/render/spectral.hpp).
struct SpectralInputs {
    const eq::MagnitudeCurve* match = nullptr;  // reference-match curve, joins the EQ kernel
    const denoise::NoiseProfile* noise = nullptr;  // the denoiser's profile (chain.denoise)
    denoise::Backend denoiseBackend = denoise::Backend::CpuFloat;
    denoise::Vulkan vulkan;                        // for denoise::Backend::Vulkan: the engine's context
};

// The mastered album of one variant, before it is split and written.
struct VariantMaster {
    std::shared_ptr<AudioStore> timeline;  // quantised to the export word length, at the export rate
    std::vector<std::size_t> marks;        // frame where each track's file starts on the timeline
    std::size_t fileEnd(std::size_t i) const { return i + 1 < marks.size() ? marks[i + 1] : timeline->frames(); }
    std::vector<double> gainsDb;          // per-track loudness gain applied
    std::vector<double> limiterMaxGrDb;   // per-track maximum limiter gain reduction (0 without one)
    std::vector<bool> loudnessDefined;    // per-track: the track's own audio had a loudness (else no gain)
    int solveIterations = 0;
    std::vector<std::size_t> trackFrames;  // each track's own length at the export rate
    std::vector<float> limiterTraceDb;     // limiter gain reduction, max per plot period (~0.1 s, loudness_solve.hpp)
    nlohmann::json shortTermLufs;          // plots.short_term_lufs of the quantised timeline
    std::shared_ptr<loudness::SpectrumAverager> spectrumAfter;  // of the quantised timeline
    // The limiter ceiling per track this master was limited with: the one ceiling path, from the
    // codec-headroom step (which lowers it) to the limiter and the report. Empty: the variant's.
    std::vector<double> trackCeilingsDbtp;
    double ceilingDbtp(std::size_t i, const VariantPlan& v) const {
        return i < trackCeilingsDbtp.size() ? trackCeilingsDbtp[i] : v.limiter ? v.limiter->ceilingDbtp : 0.0;
    }
    // Lossy round trips of this master's tracks (decoded audio dropped), when codec_headroom
    // already made them; empty otherwise (the report then makes them).
    std::vector<delivery::CodecResult> vorbisRoundTrips, opusRoundTrips;
    // An MP3 variant: the gain (dB) each track gets on its way into the encoder, so that its MP3
    // decodes at the master's loudness (LAME at 128-320 kb/s takes 0.1-0.7 LU out of dense
    // material, measured); empty otherwise. masterForCodecs sets it and holds the decoded peaks
    // under the ceiling with it applied.
    std::vector<double> lossyGainDb;
    // Each track file's range of the quantised timeline [marks[i], fileEnd(i)), metered in the
    // quantisation pass (for the ReplayGain tags; a CD, cut from its programme, meters its own).
    std::shared_ptr<const std::vector<loudness::Meter>> trackMeters;
};

// Counts of work done, for tests (a three-variant render runs the shared stages once per track).
struct RenderStats {
    int sharedChainRuns = 0;   // tracks through the shared chain
    int convolutionRuns = 0;   // calls of the convolution (GPU/FFT) stage
};

// Decoded impulse responses, one per distinct file, shared by every track that names it.
using IrCache = std::map<std::filesystem::path, AudioBuffer>;
IrCache loadImpulseResponses(const AlbumPlan& plan);

// Runs the shared chain on one track: decode, resample, EQ + reverb on `engine`, dynamics.
// With `scratch`, the result is spilled there (the render); without, it stays in memory.
ProcessedTrack processTrack(const AlbumPlan& plan, const TrackPlan& track, convolution::Engine& engine,
                            const IrCache& irs, Scratch* scratch = nullptr, const SpectralInputs& spectral = {});

// Every track's shared chain as renderAlbum runs it for the plan's own chains (the spectral
// stages' spectra and profiles measured first), in order, in memory: for tests that rebuild a
// render's masters. `device` names the Vulkan device a "vulkan" engine's denoiser uses.
std::vector<ProcessedTrack> processTracks(const AlbumPlan& plan, convolution::Engine& engine, const IrCache& irs,
                                          const convolution::DeviceRequest& device = {});

// The per-variant album pass: resample to the delivery rate, variant deltas, loudness solved
// through the limiter, quantisation — one track in memory per worker, the timeline streamed in
// blocks (into `scratch`, or memory without one).
VariantMaster masterVariant(const AlbumPlan& plan, const VariantPlan& variant,
                            const std::vector<ProcessedTrack>& tracks, Scratch* scratch = nullptr,
                            const std::vector<double>& trackCeilingsDbtp = {});

// What a finished render hands back to its caller (the CLI prints the summary and sets the exit
// code from it).
struct RenderResult {
    nlohmann::json report;      // as written to DIR/report.json
    bool checksPassed = false;  // every check of every variant is ok (warnings included)
};

// Renders everything; writes DIR/<variant>/..., DIR/report.json, report.md and report.html.
// Throws lacquer::Error for usage, input, I/O and device failures; a written file that misses a
// target is not an error (RenderResult::checksPassed is false).
RenderResult renderAlbum(const AlbumPlan& plan, const RenderOptions& options, RenderStats* stats = nullptr);

// The disc and track metadata a CD variant writes (CUE, CD-TEXT, DDP) and checks (Red Book).
delivery::CdDiscMeta cdDisc(const AlbumPlan& plan);
std::vector<delivery::CdTrackMeta> cdTracks(const AlbumPlan& plan);

// The track files' names: the rule is checks::trackFileName (checks/files.hpp), which verify
// expects too.
using checks::trackFileName;

}  // namespace lacquer::render
