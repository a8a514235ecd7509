// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.html: one self-contained page for people (labels, plants, the engineer) to read a render.
// No network, no external assets, no script: inline CSS and inline SVG plots only, with a
// Content-Security-Policy that forbids loading anything. docs/report.md lists the report.json
// fields each part of the page reads; a part whose data is absent shows a short note instead.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/loudness/analysis.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::report {

// The page for a report.json document (as render writes it, possibly with the optional "album",
// "chains", and per-variant "timeline", "plots" and "playback_simulation" members). Pure: no I/O,
// deterministic, never throws for JSON of any shape (missing or mistyped fields show as "—" or a
// note).
std::string toHtml(const nlohmann::json& report);

// ---------------------------------------------------------------------------------------------
// Building the optional report.json fields the page draws (docs/report.md), for render to call.

// `{"title", "artist", "date", "genre", "catalog"}` for report.json's top-level "album".
nlohmann::json albumMetaJson(const AlbumMeta& album);

// `{"period_s", "values"}` for plots.short_term_lufs: the short-term (3 s) loudness of `audio`
// (the variant's timeline as written) every `periodS` (a multiple of 0.1 s), entry i being the
// window ending at (i + 1) * periodS; null where undefined. Costs one loudness pass without true
// peak (about the cost of the meter's loudness part).
nlohmann::json shortTermLoudnessJson(const AudioBuffer& audio, double periodS = 1.0);
// The same from a measurement made with History::Every100Ms (e.g. of a stream fed block by block).
nlohmann::json shortTermLoudnessJson(const loudness::Measurement& measured, double periodS = 1.0);

// `{"period_s", "values"}` from a per-frame series (e.g. the limiter's gain reduction in dB, >= 0):
// the largest value in each `periodS` (rounded to whole frames; "period_s" says the length used),
// rounded to 0.01.
nlohmann::json maxPerPeriodJson(const std::vector<float>& perFrame, double rateHz, double periodS = 0.1);

// One level per band of loudness::SpectrumAverager::bandCentresHz(), rounded to 0.01 dB; null where
// undefined.
nlohmann::json spectrumBandsJson(const loudness::SpectrumAverager& averager);

// `{"freqs_hz", "before", "after"}` for plots.spectrum_db.
nlohmann::json spectrumJson(const loudness::SpectrumAverager& before, const loudness::SpectrumAverager& after);

}  // namespace lacquer::report
