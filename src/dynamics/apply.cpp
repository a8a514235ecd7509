// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/apply.hpp"

#include <algorithm>
#include <memory>

#include "lacquer/dynamics/deesser.hpp"
#include "lacquer/dynamics/multiband.hpp"
#include "lacquer/dynamics/stereo.hpp"

namespace lacquer::dynamics {

Chain::Chain(double sampleRateHz, int channels, const ChainOptions& chain, std::size_t blockFrames)
    : blockFrames_(blockFrames) {
    const Spec spec{sampleRateHz, channels, blockFrames};
    if (chain.deesser) deesser_ = std::make_unique<Deesser>(spec, *chain.deesser);
    if (chain.multiband) multiband_ = std::make_unique<Multiband>(spec, *chain.multiband);
    if (chain.stereo) stereo_ = std::make_unique<Stereo>(spec, *chain.stereo);
    if (multiband_) {
        report_.bandTraceDb.resize(static_cast<std::size_t>(multiband_->bands()));
        report_.bandMaxReductionDb.assign(static_cast<std::size_t>(multiband_->bands()), 0.0);
        report_.tracePeriodFrames = blockFrames;
    }
}

Chain::~Chain() = default;

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
    if (multiband_) multiband_->process(b);
    if (stereo_) stereo_->process(b);
}

ChainReport Chain::report() const {
    ChainReport r = report_;
    if (multiband_ && position_ % blockFrames_ != 0) addPeriod(r);  // the open period
    if (deesser_) r.deesserMaxReductionDb = deesser_->maxGainReductionDb();
    return r;
}

ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& options, std::size_t blockFrames) {
    Chain chain(audio.sampleRateHz, audio.channels(), options, blockFrames);
    chain.process(audio.view());
    return chain.report();
}

AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report) {
    AudioBuffer out = in;
    ChainReport r = applyInPlace(out, chain);
    if (report) *report = std::move(r);
    return out;
}

}  // namespace lacquer::dynamics
