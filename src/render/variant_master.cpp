// SPDX-License-Identifier: GPL-3.0-or-later
// The variant master: each processed track resampled to the delivery rate with the variant's
// deltas, the loudness solved through the limiter, the timeline quantised; and the
// codec-headroom step that masters again with lowered per-track ceilings.
#include <algorithm>
#include <cmath>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/delivery/codec.hpp"
#include "lacquer/dither/quantiser.hpp"
#include "lacquer/dynamics/apply.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/loudness/analysis.hpp"
#include "lacquer/report/html.hpp"
#include "lacquer/resample/resample.hpp"
#include "render/blocks.hpp"
#include "render/loudness_solve.hpp"
#include "render/spill.hpp"
#include "render/steps.hpp"

namespace lacquer::render {

namespace {

std::vector<sequence::TrackPlacement> placementsFor(const AlbumPlan& plan) {
    std::vector<sequence::TrackPlacement> p;
    for (const auto& t : plan.tracks) {
        sequence::TrackPlacement tp;
        tp.fadeInS = t.fadeInS;
        tp.fadeOutS = t.fadeOutS;
        tp.fadeInCurve = t.fadeInCurve;
        tp.fadeOutCurve = t.fadeOutCurve;
        tp.crossfadeS = t.crossfadeS;
        tp.crossfadeCurve = t.crossfadeCurve;
        tp.gapAfterS = t.gapAfterS.value_or(plan.sequence.gapS);
        p.push_back(tp);
    }
    return p;
}

}  // namespace

VariantMaster masterVariant(const AlbumPlan& plan, const VariantPlan& variant, const std::vector<ProcessedTrack>& tracks,
                            Scratch* scratch, const std::vector<double>& trackCeilingsDbtp) {
    const double rate = variant.exportSpec.sampleRateHz;
    const std::size_t n = tracks.size();
    std::vector<std::shared_ptr<AudioStore>> delivery(n);
    VariantMaster m;
    m.trackFrames.resize(n);
    // Each track streams from its spill file through the resampler and the variant's deltas into
    // a delivery-rate spill file: a worker holds libsoxr's state and a few blocks, not the track.
    // Variant deltas at the delivery rate: de-esser, then stereo (mono below monoBassHz for vinyl,
    // and/or the variant's own stereo settings).
    dynamics::ChainOptions deltaOptions{variant.deesser, std::nullopt, variant.stereo};
    if (variant.monoBassHz > 0) {
        if (!deltaOptions.stereo) deltaOptions.stereo = dynamics::StereoParams{};
        deltaOptions.stereo->monoBelowHz = std::max(deltaOptions.stereo->monoBelowHz, variant.monoBassHz);
    }
    // Each delivery-rate track is metered as it is written: the loudness solve's starting point.
    std::vector<loudness::Meter> rawMeters;
    for (std::size_t i = 0; i < n; ++i)
        rawMeters.emplace_back(tracks[i].audio->channels(), rate, solveMeterOptions());
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const AudioStore& processed = *tracks[i].audio;
        const int channels = processed.channels();
        StreamResampler resampler(channels, processed.sampleRateHz(), rate, processed.frames());
        dynamics::Chain deltas(rate, channels, deltaOptions);
        auto store = SpillFile::empty(scratch, variant.name + "-track" + std::to_string(i + 1), channels, rate);
        std::size_t at = 0;
        auto sink = [&](const BlockView& b) {
            deltas.process(b);
            rawMeters[i].add(b);
            store->write(at, b);
            at += b.frames;
        };
        forEachBlock(processed, 0, processed.frames(), [&](const BlockView& v) { resampler.push(v, sink); });
        resampler.finish(sink);
        m.trackFrames[i] = at;
        delivery[i] = std::move(store);
    });
    std::vector<const AudioSource*> sources;
    for (const auto& d : delivery) sources.push_back(d.get());

    std::vector<double> offsets;
    for (const auto& t : plan.tracks) offsets.push_back(t.loudnessOffsetLu);
    const int channels = delivery.empty() ? 2 : delivery[0]->channels();
    m.timeline = SpillFile::empty(scratch, variant.name + "-timeline", channels, rate);
    SolveResult solved = solveLoudness(sources, placementsFor(plan), offsets, variant.loudness, variant.limiter,
                                       [&](std::size_t at, const BlockView& block) { m.timeline->write(at, block); },
                                       trackCeilingsDbtp, &rawMeters);
    m.trackCeilingsDbtp = trackCeilingsDbtp;
    delivery.clear();  // the delivery-rate tracks are in the timeline now
    m.marks = solved.marks;
    m.gainsDb = solved.gainsDb;
    m.limiterMaxGrDb = solved.limiterMaxGrDb;
    m.loudnessDefined = solved.loudnessDefined;
    m.solveIterations = solved.iterations;
    m.limiterTraceDb = std::move(solved.limiterTraceDb);

    // Quantise in place, block by block, and take what the report plots from the quantised audio.
    dither::Quantiser quantiser(channels, variant.exportSpec.bitDepth, variant.exportSpec.dither, dither::seedFromName(variant.name));
    loudness::MeterOptions history;
    history.history = loudness::History::Every100Ms;
    history.truePeak = loudness::TruePeak::Off;
    loudness::Meter shortTerm(channels, rate, history);
    m.spectrumAfter = std::make_shared<loudness::SpectrumAverager>(rate);
    // The track files' loudness and peaks (ReplayGain tags), measured in this pass over every
    // quantised sample rather than in a pass of their own.
    auto trackMeters = std::make_shared<std::vector<loudness::Meter>>();
    for (std::size_t i = 0; i < n; ++i) trackMeters->emplace_back(channels, rate);
    constexpr std::size_t kBlock = 64 * dither::Quantiser::kSilenceBlockFrames;
    AudioBuffer block(channels, kBlock, rate);
    for (std::size_t at = 0; at < solved.frames; at += kBlock) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kBlock, solved.frames - at));
        m.timeline->read(at, v);
        quantiser.process(v);
        m.timeline->write(at, v);
        shortTerm.add(v);
        m.spectrumAfter->add(v);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t a = std::max(at, m.marks[i]), b = std::min(at + v.frames, m.fileEnd(i));
            if (a < b) (*trackMeters)[i].add(v.slice(a - at, b - a));
        }
    }
    m.trackMeters = std::move(trackMeters);
    m.shortTermLufs = report::shortTermLoudnessJson(shortTerm.result(), 1.0);
    return m;
}

namespace {

// An MP3 variant's tracks round-trip through the encode the written file gets (LAME CBR at the
// export's bitrate, of the track with its makeup gain). Each pass (at most kMaxPasses):
//   - loudness: the makeup gain moves by what the decoded track misses of the master's own
//     loudness (LAME's low-pass and quantisation take 0.1-0.7 LU out), until within kLoudnessSlackLu;
//   - true peak: a track whose MP3 decodes over the variant's ceiling (maxDecodedDbtp) gets its
//     ceiling lowered by the excess plus 0.05 dB — codec_headroom mode lower's rule — and the
//     variant is mastered again.
VariantMaster masterForMp3(const AlbumPlan& plan, const VariantPlan& v, const std::vector<ProcessedTrack>& tracks,
                           Scratch& scratch, VariantMaster master) {
    constexpr int kMaxPasses = 6;
    // A third of the ±0.1 LU the file's loudness is judged with (EBU Tech 3341), so the decoded
    // file lands on target with room for the encoder's pass-to-pass wobble.
    constexpr double kLoudnessSlackLu = 0.03;
    const std::size_t n = plan.tracks.size();
    // An AAC variant takes the same steps through FFmpeg's AAC encoder at its bitrate (the encode
    // M4aWriter makes: same encoder, same frames, so the same packets; the file's edit list only
    // trims the priming and padding the round trip keeps, which change neither measure).
    const bool aac = v.exportSpec.format == ExportFormat::Aac;
    const auto codec = aac ? delivery::Codec::Aac : delivery::Codec::Mp3;
    delivery::CodecOptions options;
    options.mp3CompressionLevel = io::mp3CompressionLevel(v.exportSpec.bitrateKbps);
    options.aacBitrateKbps = v.exportSpec.bitrateKbps;
    std::vector<double> gains(n, 0.0);
    for (int pass = 0; pass < kMaxPasses; ++pass) {
        VariantMaster& m = master;
        m.lossyGainDb = gains;
        std::vector<delivery::CodecResult> trips(n);
        parallelFor(n, [&](std::size_t i) {
            throwIfCancelled();
            const ScaledSource scaled(*m.timeline, gains[i]);
            trips[i] = delivery::codecRoundTrip(scaled, m.marks[i], m.fileEnd(i), codec, scratch.dir(), options);
        });
        m.vorbisRoundTrips.clear();
        m.opusRoundTrips.clear();
        std::vector<double> ceilings(n);
        for (std::size_t i = 0; i < n; ++i) ceilings[i] = m.ceilingDbtp(i, v);
        bool lowered = false, moved = false;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& r = trips[i];
            if (r.sourceIntegratedLufs && r.decodedIntegratedLufs) {
                // The scaled source measures the master's loudness plus the gain.
                const double miss = *r.sourceIntegratedLufs - gains[i] - *r.decodedIntegratedLufs;
                if (std::abs(miss) > kLoudnessSlackLu) {
                    gains[i] += miss;
                    moved = true;
                }
            }
            if (v.limiter && r.decodedTruePeakDbtp && *r.decodedTruePeakDbtp > v.maxDecodedDbtp) {
                ceilings[i] -= *r.decodedTruePeakDbtp - v.maxDecodedDbtp + 0.05;
                lowered = true;
            }
        }
        if (!lowered && !moved) break;
        if (pass + 1 == kMaxPasses) break;  // the file's own checks judge what is left
        log::progress("variant " + v.name + (aac ? ": AAC" : ": MP3") + " loudness and headroom (pass " + std::to_string(pass + 1) + ")");
        if (lowered) master = masterVariant(plan, v, tracks, &scratch, ceilings);
    }
    master.lossyGainDb = gains;
    return master;
}

}  // namespace

VariantMaster masterForCodecs(const AlbumPlan& plan, const VariantPlan& v, const std::vector<ProcessedTrack>& tracks,
                              Scratch& scratch, VariantMaster master) {
    // codec_headroom mode lower: round-trip each track through Ogg Vorbis and Opus, lower the
    // ceiling of every track that decodes over max_decoded_dbtp by its excess (plus 0.05 dB, since
    // the overshoot scales with level only roughly) and master again. The ceilings travel in the
    // master (trackCeilingsDbtp), from here to the limiter and to the report.
    if (v.exportSpec.lossy()) return masterForMp3(plan, v, tracks, scratch, std::move(master));
    constexpr int kMaxPasses = 4;
    const std::size_t n = plan.tracks.size();
    for (int pass = 0; pass < kMaxPasses; ++pass) {
        // The round trips are kept with the master they measured, for its report.
        VariantMaster& m = master;
        m.vorbisRoundTrips.assign(n, {});
        m.opusRoundTrips.assign(n, {});
        std::vector<double> worst(n, -1e9);
        // Streamed from the timeline in blocks: a few MiB per worker, however long the track.
        // One job per track and codec.
        parallelFor(2 * n, [&](std::size_t job) {
            throwIfCancelled();
            const std::size_t i = job / 2;
            const AudioStore& tl = *m.timeline;
            const std::size_t from = m.marks[i], to = m.fileEnd(i);
            const std::filesystem::path& tmp = scratch.dir();
            using delivery::Codec;
            if (job % 2 == 0)
                m.vorbisRoundTrips[i] = delivery::codecRoundTrip(tl, from, to, Codec::Vorbis, tmp);
            else
                m.opusRoundTrips[i] = delivery::codecRoundTrip(tl, from, to, Codec::Opus, tmp);
        });
        for (std::size_t i = 0; i < n; ++i)
            for (const auto* r : {&m.vorbisRoundTrips[i], &m.opusRoundTrips[i]})
                if (r->decodedTruePeakDbtp) worst[i] = std::max(worst[i], *r->decodedTruePeakDbtp);
        std::vector<double> ceilings(n);
        for (std::size_t i = 0; i < n; ++i) ceilings[i] = m.ceilingDbtp(i, v);
        bool lowered = false;
        for (std::size_t i = 0; i < n; ++i)
            if (worst[i] > v.maxDecodedDbtp) {
                ceilings[i] -= worst[i] - v.maxDecodedDbtp + 0.05;
                lowered = true;
            }
        if (!lowered) break;
        log::progress("variant " + v.name + ": lowering ceilings for lossy headroom (pass " + std::to_string(pass + 1) + ")");
        master = masterVariant(plan, v, tracks, &scratch, ceilings);
    }
    return master;
}

}  // namespace lacquer::render
