// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// "What the chain did" and the quality checks, for the render: the figures the per-track chain
// can state about itself (reverb wet level, the EQ's requested octave-band change), and per
// variant the report's `chain_effect` per track plus the quality findings among its checks.
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "lacquer/manifest/plan.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/loudness/sound_meter.hpp"

namespace lacquer::render {

// Fills out's reverb wet levels (from its sourceStats' octave bands), the EQ's octave-band
// request and the multiband means. Call after out.sourceStats and the dynamics report are set.
void describeChain(const ChainParams& chain, const AudioBuffer* ir, double rateHz, int channels, ProcessedTrack& out);

// Adds "chain_effect" to each of v["tracks"] and the quality findings to v["checks"] (each with
// "severity": "warn" when its level is warn; "ok": false when fail), and v["quality"] (levels and
// thresholds). masterStats: each track's part of the written timeline, measured as it streamed.
void addQuality(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                const std::vector<ProcessedTrack>& processed, const std::vector<loudness::SoundStats>& masterStats,
                const std::optional<double>& albumLufs, nlohmann::json& v);

}  // namespace lacquer::render
