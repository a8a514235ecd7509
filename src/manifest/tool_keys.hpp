// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Readers for the chain's glue compressor, saturation and trim blocks (docs/manifest.md). Each
// reports its mistakes through the checker (file:line:col) and returns nullopt when any was found.
#include <optional>

#include "lacquer/dynamics/params.hpp"
#include "lacquer/sequence/trim_params.hpp"
#include "manifest/checker.hpp"
#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest::detail {

std::optional<dynamics::GlueCompressorParams> readGlueCompressor(Checker& c, const Node& v);
std::optional<dynamics::SaturationParams> readSaturation(Checker& c, const Node& v);
std::optional<sequence::TrimParams> readTrim(Checker& c, const Node& v);
// Seconds a trim cuts for certain (its explicit head and tail; auto edges count 0).
double explicitTrimS(const std::optional<sequence::TrimParams>& trim);

}  // namespace lacquer::manifest::detail
