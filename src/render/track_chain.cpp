// SPDX-License-Identifier: GPL-3.0-or-later
// The per-track chain, shared by every variant: decode, resample to the processing rate, EQ +
// reverb in one convolution, the track's dynamics, into a scratch file. With chain.denoise the
// noise reducer runs before the convolution; a reference-match curve joins the EQ kernel.
#include <functional>
#include <optional>

#include "lacquer/common/cancel.hpp"
#include "lacquer/dynamics/apply.hpp"
#include "lacquer/eq/design.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/loudness/analysis.hpp"
#include "lacquer/resample/resample.hpp"
#include "lacquer/sequence/trim.hpp"
#include "render/blocks.hpp"
#include "render/block_pipe.hpp"
#include "render/quality_pass.hpp"
#include "render/spill.hpp"

namespace lacquer::render {

IrCache loadImpulseResponses(const AlbumPlan& plan) {
    IrCache irs;
    auto load = [&](const ChainParams& chain) {
        if (chain.reverb && !irs.count(chain.reverb->irPath))
            irs.emplace(chain.reverb->irPath, io::decode(chain.reverb->irPath, io::Channels::Native));
    };
    for (const auto& t : plan.tracks) load(t.chain);
    for (const auto& v : plan.variants)  // a variant's own chain may name another IR
        for (const auto& c : v.trackChains) load(c);
    return irs;
}

ProcessedTrack processTrack(const AlbumPlan& plan, const TrackPlan& track, convolution::Engine& engine, const IrCache& irs,
                            Scratch* scratch, const SpectralInputs& spectral) {
    // The track streams, kStreamBlockFrames at a time: decoded (checked as it is read), resampled
    // to the processing rate, into the source spectrum, through the convolution (a few overlap-save
    // blocks at a time) and the dynamics chain, into its spill file. Memory is the stages' state
    // and a few blocks, however long the track.
    ProcessedTrack out;
    out.convolutionRuns = 0;
    const io::FileSource file(track.file, io::Channels::Stereo);
    const int channels = file.channels();
    const double rate = plan.processingRateHz;
    out.sourceDurationS = static_cast<double>(file.frames()) / file.sampleRateHz();
    out.sourceRateHz = static_cast<int>(file.sampleRateHz());
    // chain.trim reads the file once more first and the track streams through the trim;
    // otherwise the scan for the clean-up warnings rides along.
    std::optional<sequence::TrimmedSource> trimmed;
    if (track.chain.trim) trimmed.emplace(file, sequence::analyseTrim(file, *track.chain.trim, "track " + std::to_string(track.number) + " (" + track.title + ")"));
    const AudioSource& source = trimmed ? static_cast<const AudioSource&>(*trimmed) : file;
    sequence::SoundScan scan(channels, file.sampleRateHz(), file.frames(), sequence::TrimParams{}.thresholdDb);
    StreamResampler resampler(channels, file.sampleRateHz(), rate, source.frames());
    out.sourceSpectrum = std::make_shared<loudness::SpectrumAverager>(rate);
    loudness::SoundMeter sourceMeter(channels, rate);             // what the chain did: before
    checks::ClipDetector clips(channels, file.sampleRateHz());  // flat tops, at the source's rate

    const auto& chain = track.chain;
    // EQ ⊛ (dry + wet·IR) in one convolution; the reverb tail lengthens the track.
    const reverb::Params* rv = chain.reverb ? &*chain.reverb : nullptr;
    const AudioBuffer* ir = rv ? &irs.at(rv->irPath) : nullptr;
    std::optional<convolution::Stream> convolver;
    if (spectral.match) out.matchedSpectrum = std::make_shared<eq::SpectrumMeter>(rate);
    if (!eq::isFlat(chain.eq) || (rv && rv->mix > 0) || spectral.match) {
        convolver.emplace(engine, engine.kernelFor(rate, channels, chain.eq, rv, ir, spectral.match), channels, rate,
                          resampler.outputFrames());
        ++out.convolutionRuns;
    }
    dynamics::AlignedChain dynamics(rate, channels, {chain.deesser, chain.multiband, chain.stereo, chain.compressor, chain.saturation});
    auto store = SpillFile::empty(scratch, "track" + std::to_string(track.number), channels, rate);
    std::size_t at = 0;
    auto write = [&](const BlockView& b) {
        store->write(at, b);
        at += b.frames;
    };
    // Dynamics and the spill write run on a second core behind decode, resampling and convolution
    // (render/block_pipe.hpp: the same blocks in the same order, so the same bytes).
    BlockPipe pipe(channels, [&](std::size_t, const BlockView& b) {
        if (out.matchedSpectrum) out.matchedSpectrum->add(b);
        dynamics.push(b, write);
    });
    auto toStore = [&](const BlockView& b) { pipe.push(0, b); };
    auto toConvolver = [&](const BlockView& b) {
        out.sourceSpectrum->add(b);
        sourceMeter.add(b);
        if (convolver)
            convolver->push(b, toStore);
        else
            toStore(b);
    };
    // Noise reduction first (aligned, the same length): src/denoise/.
    std::optional<denoise::Stream> denoiser;
    std::function<void(const BlockView&)> toDenoiser = toConvolver;
    if (chain.denoise && spectral.noise) {
        denoiser.emplace(spectral.denoiseBackend, *chain.denoise, *spectral.noise, channels, rate, resampler.outputFrames(),
                         spectral.vulkanIndex);
        out.denoiseBackend = denoiser->backendName();
        out.noiseBefore = std::make_shared<denoise::NoiseMeter>(rate, denoise::NoiseMeter::Mode::Quietest);
        out.noiseAfter = std::make_shared<denoise::NoiseMeter>(rate, denoise::NoiseMeter::Mode::Quietest);
        toDenoiser = [&](const BlockView& b) {
            out.noiseBefore->add(b);
            denoiser->push(b, [&](const BlockView& d) {
                out.noiseAfter->add(d);
                toConvolver(d);
            });
        };
    }
    forEachBlock(source, 0, source.frames(), [&](const BlockView& v) {
        clips.add(v);
        if (!trimmed) scan.add(v);
        resampler.push(v, toDenoiser);
    });
    resampler.finish(toDenoiser);
    if (denoiser)
        denoiser->finish([&](const BlockView& d) {
            out.noiseAfter->add(d);
            toConvolver(d);
        });
    if (convolver) convolver->finish(toStore);
    pipe.finish();
    dynamics.finish(write);
    throwIfCancelled();
    out.trimmed = trimmed.has_value();
    out.trim = trimmed ? trimmed->trim() : scan.result();
    if (!dynamics.empty()) {
        const dynamics::ChainReport rep = dynamics.report();
        out.deesserMaxReductionDb = rep.deesserMaxReductionDb;
        out.compressorMaxReductionDb = rep.compressorMaxReductionDb;
        out.multibandMaxReductionDb = rep.bandMaxReductionDb;
        out.multibandTraceDb = rep.bandTraceDb;
        out.multibandTraceS = static_cast<double>(rep.tracePeriodFrames) / rate;
    }
    out.sourceStats = sourceMeter.result();
    out.sourceClips = clips.result();
    describeChain(chain, ir, rate, channels, out);
    out.audio = std::move(store);
    return out;
}

}  // namespace lacquer::render
