// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render's steps after the per-track chain and masterVariant (render.hpp), for renderAlbum.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "lacquer/render/render.hpp"

namespace lacquer::render {

// The codec-headroom step (codec_headroom: { mode: lower }): round-trips `master`'s tracks through
// Ogg Vorbis and Opus and masters again with lowered per-track ceilings until every track decodes
// at or under max_decoded_dbtp (at most 4 passes). Returns the last master, its round trips and
// ceilings with it. An MP3 variant takes the same step with its own encoder (MP3 at its
// bitrate), always (its ceilings are lowered until the MP3 decodes under the limiter's ceiling).
VariantMaster masterForCodecs(const AlbumPlan& plan, const VariantPlan& variant, const std::vector<ProcessedTrack>& tracks,
                              Scratch& scratch, VariantMaster master);

// Writes one variant's files under outDir/<variant>/ (track files, the CD image, vinyl sides),
// measures them back from disk, judges them (src/checks/) and returns the variant's report
// section. Lossy round trips not made by the codec-headroom step use scratchDir.
nlohmann::json writeVariant(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                            const std::vector<ProcessedTrack>& processed, const std::filesystem::path& outDir,
                            const std::filesystem::path& scratchDir);

}  // namespace lacquer::render
