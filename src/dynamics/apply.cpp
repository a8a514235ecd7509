// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/dynamics/apply.hpp"

#include <algorithm>
#include <memory>

#include "lacquer/dynamics/deesser.hpp"
#include "lacquer/dynamics/multiband.hpp"
#include "lacquer/dynamics/stereo.hpp"

namespace lacquer::dynamics {

ChainReport applyInPlace(AudioBuffer& audio, const ChainOptions& chain, std::size_t blockFrames) {
    const Spec spec{audio.sampleRateHz, audio.channels(), blockFrames};
    std::unique_ptr<Deesser> deesser;
    std::unique_ptr<Multiband> multiband;
    std::unique_ptr<Stereo> stereo;
    if (chain.deesser) deesser = std::make_unique<Deesser>(spec, *chain.deesser);
    if (chain.multiband) multiband = std::make_unique<Multiband>(spec, *chain.multiband);
    if (chain.stereo) stereo = std::make_unique<Stereo>(spec, *chain.stereo);
    ChainReport report;
    if (multiband) {
        report.bandTraceDb.resize(static_cast<std::size_t>(multiband->bands()));
        report.bandMaxReductionDb.assign(static_cast<std::size_t>(multiband->bands()), 0.0);
        report.tracePeriodFrames = blockFrames;
    }
    const BlockView all = audio.view();
    for (std::size_t start = 0; start < all.frames; start += blockFrames) {
        const BlockView b = all.slice(start, std::min(blockFrames, all.frames - start));
        if (deesser) deesser->process(b);
        if (multiband) {
            multiband->process(b);
            for (int band = 0; band < multiband->bands(); ++band) {
                const double gr = multiband->maxGainReductionDb(band);
                const auto k = static_cast<std::size_t>(band);
                report.bandTraceDb[k].push_back(static_cast<float>(gr));
                report.bandMaxReductionDb[k] = std::max(report.bandMaxReductionDb[k], gr);
            }
            multiband->clearGainReductionPeaks();
        }
        if (stereo) stereo->process(b);
    }
    if (deesser) report.deesserMaxReductionDb = deesser->maxGainReductionDb();
    return report;
}

AudioBuffer applyAligned(const AudioBuffer& in, const ChainOptions& chain, ChainReport* report) {
    AudioBuffer out = in;
    ChainReport r = applyInPlace(out, chain);
    if (report) *report = std::move(r);
    return out;
}

}  // namespace lacquer::dynamics
