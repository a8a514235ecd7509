// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/apply.hpp"

#include <algorithm>
#include <memory>

#include "lacquer/dynamics/deesser.hpp"
#include "lacquer/dynamics/glue_compressor.hpp"
#include "lacquer/dynamics/saturator.hpp"
#include "lacquer/dynamics/multiband.hpp"
#include "lacquer/dynamics/stereo.hpp"

namespace lacquer::dynamics {

Chain::Chain(double sampleRateHz, int channels, const ChainOptions& chain, std::size_t blockFrames)
    : blockFrames_(blockFrames) {
    const Spec spec{sampleRateHz, channels, blockFrames};
    if (chain.deesser) deesser_ = std::make_unique<Deesser>(spec, *chain.deesser);
    if (chain.multiband) multiband_ = std::make_unique<Multiband>(spec, *chain.multiband);
    if (chain.stereo) stereo_ = std::make_unique<Stereo>(spec, *chain.stereo);
    if (chain.compressor) {
        compressor_ = std::make_unique<GlueCompressor>(spec, *chain.compressor);
        compressorAfterMultiband_ = chain.compressor->position == GluePosition::AfterMultiband;
    }
    if (chain.saturation) saturator_ = std::make_unique<Saturator>(spec, *chain.saturation);
    if (multiband_) {
        report_.bandTraceDb.resize(static_cast<std::size_t>(multiband_->bands()));
        report_.bandMaxReductionDb.assign(static_cast<std::size_t>(multiband_->bands()), 0.0);
        report_.tracePeriodFrames = blockFrames;
    }
}

Chain::~Chain() = default;

std::size_t Chain::latencyFrames() const {
    return static_cast<std::size_t>((compressor_ ? compressor_->latencyFrames() : 0) +
                                    (saturator_ ? saturator_->latencyFrames() : 0));
}

void Chain::process(const BlockView& audio) {
    std::size_t done = 0;
    while (done < audio.frames) {
        // Up to the next multiple of blockFrames_ from the track's start.
        const std::size_t room = blockFrames_ - position_ % blockFrames_;
        const std::size_t n = std::min(room, audio.frames - done);
        run(audio.slice(done, n));
        done += n;
        position_ += n;
        if (multiband_ && position_ % blockFrames_ == 0) {  // a trace period closes
            addPeriod(report_);
            multiband_->clearGainReductionPeaks();
        }
    }
}

// Appends the multiband's peaks since the last clear as one trace period.
void Chain::addPeriod(ChainReport& r) const {
    for (int band = 0; band < multiband_->bands(); ++band) {
        const double gr = multiband_->maxGainReductionDb(band);
        const auto k = static_cast<std::size_t>(band);
        r.bandTraceDb[k].push_back(static_cast<float>(gr));
        r.bandMaxReductionDb[k] = std::max(r.bandMaxReductionDb[k], gr);
    }
}

void Chain::run(const BlockView& b) {
    if (deesser_) deesser_->process(b);
    if (compressor_ && !compressorAfterMultiband_) compressor_->process(b);
    if (multiband_) multiband_->process(b);
    if (compressor_ && compressorAfterMultiband_) compressor_->process(b);
    if (saturator_) saturator_->process(b);
    if (stereo_) stereo_->process(b);
}

ChainReport Chain::report() const {
    ChainReport r = report_;
    if (multiband_ && position_ % blockFrames_ != 0) addPeriod(r);  // the open period
    if (deesser_) r.deesserMaxReductionDb = deesser_->maxGainReductionDb();
    if (compressor_) r.compressorMaxReductionDb = compressor_->maxGainReductionDb();
    return r;
}

ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& options, std::size_t blockFrames) {
    AlignedChain chain(audio.sampleRateHz, audio.channels(), options, blockFrames);
    // The output lags by the latency: written back from frame 0 while the input is read ahead
    // (in place is safe: the write position never passes the read position).
    const BlockView all = audio.view();
    std::size_t written = 0;
    auto sink = [&](const BlockView& b) {
        for (int c = 0; c < b.channels; ++c) std::copy(b.channel(c), b.channel(c) + b.frames, all.channel(c) + written);
        written += b.frames;
    };
    chain.push(all, sink);
    chain.finish(sink);
    return chain.report();
}

AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report) {
    AudioBuffer out = in;
    ChainReport r = applyInPlace(out, chain);
    if (report) *report = std::move(r);
    return out;
}

}  // namespace lacquer::dynamics
