// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.html: one self-contained page for people (labels, plants, the engineer) to read a render.
// No network, no external assets, no script: inline CSS and inline SVG plots only, with a
// Content-Security-Policy that forbids loading anything. docs/report.md lists the report.json
// fields each part of the page reads; a part whose data is absent shows a short note instead.
#include <nlohmann/json.hpp>
#include <string>

namespace lacquer::report {

// The page for a report.json document (as render writes it, possibly with the optional "album",
// "chains", and per-variant "timeline", "plots" and "playback_simulation" members). Pure: no I/O,
// deterministic, never throws for JSON of any shape (missing or mistyped fields show as "—" or a
// note).
std::string toHtml(const nlohmann::json& report);

}  // namespace lacquer::report
