// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// True-peak brickwall limiter with lookahead.
//
// Detection: the input is interpolated 4x (BS.1770-4 style oversampled true peak) by two
// Kaiser-windowed-sinc halfband stages: 2x with a long filter (kStage1Taps taps, flat to about
// 0.48 fs: content near Nyquist is what makes inter-sample peaks, and a short BS.1770 48-tap
// filter under-reads clipped material by about 1 dB), then 4x with a short one (kStage2Taps).
// Every 4x point that is a local maximum of |x| is refined by a parabola through its neighbours,
// so peaks between the 4x points are not missed (a full-scale tone at 0.45 fs is read within
// 0.05 dB instead of 0.56 dB). Each frame's requirement covers the two intervals either side of
// it, all channels (one linked gain).
// Speed without weakening that: the first stage's 16 central taps (each side) run on every frame,
// its 112-tap tail only on chunks of 32 frames where a rigorous upper bound of the exact 4x
// reading (near part + Abel bound of the alternating tail + stage 2's L1 norm + the parabola's
// largest correction) could require more than what the gain already holds: over ceiling' raised
// by the release still in progress. Everywhere else the exact reading provably changes no gain,
// so the output is bit for bit that of an unskipped detector (source: detect(), process()).
// Gain: required reduction 1 - r, r = min(1, ceiling'/peak), ceiling' = ceiling - safetyMarginDb;
//   release: u = max(1 - r, u·(1 - releaseCoef)), releaseCoef = 1 - exp(-1/(releaseMs·fs)),
//   u = 0 once under 1e-9 (one-pole recovery of the gain 1 - u towards 1);
//   hold: maximum of u over lookahead + 1 frames, rounded up to whole 2^-24 units; then two
//   moving averages (box filters, exact sums of those units) whose lengths add to lookahead + 2
//   frames. The hold guarantees that the averaged gain at a peak is at or under the gain that
//   peak needs; the two averages make every gain change an S-shaped ramp spread over the
//   lookahead (no steps, no clicks). Lookahead: kMinLookaheadMs .. 46000 frames.
// Units: ceiling in dBTP; times in ms. Latency: latencyFrames() = lookahead frames
//   (max(lookaheadMs, kMinLookaheadMs)) +
//   kDetectorLatencyFrames; output frame n is input frame n - latencyFrames() times the gain.
// Transparency: while no peak exceeds ceiling', the gain is exactly 1.0f and the output equals
//   the input delayed by latencyFrames(), bit for bit.
// Preconditions: finite input (decode rejects NaN/Inf). Thread safety: one object per thread.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/limiter/params.hpp"

namespace lacquer::limiter {

struct Spec {
    double sampleRateHz = 48000.0;
    int channels = 2;
    std::size_t maxBlockFrames = 4096;
};

class TruePeakLimiter {
public:
    static constexpr int kOversample = 4;
    static constexpr int kStage1Taps = 256;  // halfband 2x: taps on each side of a midpoint x 2
    static constexpr int kStage2Taps = 16;   // halfband 4x (at the 2x rate), likewise
    // Shorter lookaheads are raised to this: a gain ramp modulates content near Nyquist into
    // inter-sample peaks the input did not have (about +0.55 dB over the ceiling with a 1 ms ramp
    // on a full-scale fs/2 square, +0.13 dB at 2 ms, none from 3 ms on; see docs/dynamics.md).
    static constexpr double kMinLookaheadMs = 3.0;
    static constexpr int kDetectorLatencyFrames = kStage1Taps / 2 + kStage2Taps / 4;

    TruePeakLimiter(const Spec& spec, const Params& params);

    void process(const BlockView& block);
    // Back to the state of a fresh instance (the ceiling too: Params::ceilingDbtp).
    void reset();
    // Changes the ceiling (dBTP; Params::safetyMarginDb still applies) between process() calls. It
    // applies to every input frame that enters the detector after the call (the next process()
    // call's frames on); frames already inside keep the ceiling they were detected with. The
    // guarantee holds for each output frame relative to the ceiling in force when its input frame
    // was detected: a lower ceiling that starts at input frame s is met by the (latency-aligned)
    // output from frame s on, and the lookahead already ramps the frames before s down towards it
    // (up to lookahead frames earlier; frames before that are unchanged). Allocates a little.
    void setCeilingDbtp(double ceilingDbtp);
    int latencyFrames() const { return latency_; }

    // Largest gain reduction (dB, >= 0) applied since construction or reset().
    double maxGainReductionDb() const;
    // Largest gain reduction (dB, >= 0) applied in the last process() call (a per-block trace).
    double lastBlockGainReductionDb() const;

    // The detector's estimate of the true peak (linear, all channels) of the interval between
    // input frames m and m+1, for m = the frames of the last block minus
    // kDetectorLatencyFrames (exposed for tests). Exact only where it could exceed ceiling'
    // (see detect() in the source): elsewhere 0, which is proved to be at or under ceiling'.
    const std::vector<float>& lastBlockPeaks() const { return peak_; }
    // The gain applied to each output frame of the last process() call (first block.frames
    // entries; 1.0f exactly where the limiter was idle).
    const std::vector<float>& lastBlockGains() const { return gain_; }

private:
    void detect(std::size_t frames);
    void refineBound(std::size_t chunk, std::size_t from, std::size_t to);
    void exactPeaks(std::size_t from, std::size_t to);

    Spec spec_;
    Params params_;
    int latency_ = 0;
    int lookahead_ = 0;  // D
    int hold_ = 0;       // D + 1
    int box1_ = 0, box2_ = 0;
    double ceilingLin_ = 1;
    double releaseCoef_ = 0;

    // Detector. Each FIR output is sum_k taps[k] (base[offA[k] + i] + base[offB[k] + i]); kernels
    // compute whole groups of kVectorFrames outputs, so buffers carry kPadFrames of padding and
    // every output's arithmetic is the same wherever it falls in a block (block-size invariance).
    static constexpr std::size_t kVectorFrames = 32;
    static constexpr std::size_t kPadFrames = 64;
    std::vector<float> taps1_, taps2_;       // one side of each symmetric halfband
    std::vector<std::ptrdiff_t> off1A_, off1B_, off2A1_, off2B1_, off2A3_, off2B3_;
    std::size_t stride2_ = 0;                // distance from x2 to mid inside y2_
    std::vector<std::vector<float>> hist_;   // per channel: 2·K1 history + block (x) + pad
    std::vector<std::vector<float>> y2_;     // per channel: [x2 | mid], stage-2 history + block + pad
    std::vector<std::vector<float>> delay_;  // per channel: latency history + block
    std::vector<float> q1_, q3_;             // near x at m + 1/4, m + 3/4 (entry j: interval j - 1)
    std::vector<float> y2e_, q1e_, q3e_, pkE_;         // exact [x2 | mid], 4x points and peaks of one chunk
    std::vector<float> chunkBound_;                    // bound of the detector reading per chunk
    std::vector<char> chunkFine_;                      // chunkBound_ already refined by stage 2
    std::vector<float> chunkDm_, chunkDq_;             // per channel and chunk: |mid|, |q| error bounds
    std::size_t maxChunks_ = 0;
    std::vector<double> gMin_, gMax_, g4Min_, g4Max_;  // range of the alternating prefix sum of hist
    std::vector<float> gAbs_, g4Abs_;                  // max |x|, per group of 8 and of 32 frames
    bool tailSkip_ = false;                            // stage-1 tail alternates and decays (bound valid)
    double tailAbel_ = 0, stage2L1_ = 0;               // |t1[kNear]|, sum |t2|
    std::vector<float> peak_;                // detector output per frame of the block
    std::vector<float> gain_;                // gain per frame of the block
    bool avx2_ = false;                      // use the AVX2+FMA kernel (chosen once per object)

    // Gain pipeline state (see the legend in process()).
    std::vector<std::pair<std::int64_t, double>> ceilingSwitches_;  // (gain-loop frame, ceiling') pending
    float prevPeak_ = 0;
    double u_ = 0;
    std::vector<double> dqVal_;
    std::vector<std::int64_t> dqIdx_;
    int dqHead_ = 0, dqSize_ = 0;
    std::vector<double> ring1_, ring2_;  // whole numbers of 2^-24 units
    int pos1_ = 0, pos2_ = 0;
    double sum1_ = 0, sum2_ = 0;
    float prevChunkBound_ = 0;  // bound of the previous block's last chunk
    double keepChunk_ = 0;      // (1 - releaseCoef)^kChunk
    std::int64_t index_ = 0;
    double minGain_ = 1, blockMinGain_ = 1;
};

// Runs a whole buffer through a fresh limiter with the latency compensated: the output has the
// input's length and is aligned with it (the tail is flushed with zeros). Allocates the output.
struct AlignedResult {
    AudioBuffer audio;
    double maxGainReductionDb = 0;  // >= 0
    // Gain reduction (dB, >= 0), the maximum over each traceFrames output frames (0 = no trace).
    std::vector<float> gainReductionTraceDb;
};
AlignedResult applyAligned(const AudioBuffer& in, const Params& params, std::size_t traceFrames = 0);

}  // namespace lacquer::limiter
