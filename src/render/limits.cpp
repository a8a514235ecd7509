// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/render/limits.hpp"

#include <cmath>
#include <filesystem>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/io/m4a.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/sequence/timeline.hpp"
#include "lacquer/sequence/trim.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;

namespace {

// What encode.cpp writes into the picture block besides the image.
constexpr std::string_view kCoverDescription = "Front cover";

std::string mib(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

// Red Book rules on the timeline the sources make.
void checkCd(const AlbumPlan& plan, const VariantPlan& v, std::vector<Diagnostic>& errors) {
    std::vector<std::size_t> frames;
    std::vector<sequence::TrackPlacement> placements;
    for (const auto& t : plan.tracks) {
        // chain.trim shortens the track: its cut decided on the audio, as the render will.
        double seconds = io::probe(t.file).durationS();
        if (t.chain.trim) {
            const io::FileSource file(t.file, io::Channels::Stereo);
            seconds = sequence::analyseTrim(file, *t.chain.trim, "track " + std::to_string(t.number) + " (" + t.title + ")").keptS();
        }
        frames.push_back(static_cast<std::size_t>(std::llround(seconds * delivery::kCdRateHz)));
        sequence::TrackPlacement p;
        p.crossfadeS = t.crossfadeS;
        p.gapAfterS = t.gapAfterS.value_or(plan.sequence.gapS);
        placements.push_back(p);
    }
    std::size_t total = 0;
    const auto marks = sequence::layoutMarks(frames, placements, delivery::kCdRateHz, &total);
    const auto rb = delivery::checkRedBook(delivery::cdLayout(marks, frames, total), cdDisc(plan), cdTracks(plan));
    for (auto d : rb.errors) {
        d.where = v.name + (d.where.empty() ? "" : ": " + d.where);
        errors.push_back(d);
    }
    for (const auto& d : rb.warnings) log::warning(v.name, d.line());
}

}  // namespace

std::uint64_t maxFlacCoverBytes(bool png) {
    // FLAC METADATA_BLOCK_PICTURE: a 24-bit block length over type, MIME length, MIME, description
    // length, description, width, height, depth, colours, data length (4 bytes each) and the data.
    constexpr std::uint64_t kBlockMax = (1u << 24) - 1;
    const std::uint64_t fields = 8 * 4 + (png ? 9 : 10) + kCoverDescription.size();
    return kBlockMax - fields;
}

void checkLimits(const AlbumPlan& plan, const std::vector<const VariantPlan*>& variants) {
    std::vector<Diagnostic> errors;
    bool flacChecked = false, mp3Checked = false;
    for (const VariantPlan* v : variants) {
        // M4aWriter embeds covers up to the same size (kMaxM4aCoverBytes == kMaxMp3CoverBytes).
        static_assert(io::kMaxM4aCoverBytes == io::kMaxMp3CoverBytes);
        if (v->exportSpec.lossy() && plan.album.cover && !mp3Checked) {
            mp3Checked = true;
            std::error_code ec;
            const auto bytes = fs::file_size(*plan.album.cover, ec);
            if (!ec && bytes > io::kMaxMp3CoverBytes)
                errors.push_back({plan.manifestPath.string(),
                                  "cover '" + plan.album.cover->filename().string() + "' is " + mib(bytes) + " (" +
                                      std::to_string(bytes) + " bytes); an MP3 or AAC copy embeds a cover of at most " +
                                      std::to_string(io::kMaxMp3CoverBytes) + " bytes",
                                  "use a smaller cover image (a 3000×3000 JPEG is about 2 MiB)"});
        }
        if (v->exportSpec.format == ExportFormat::Cd) checkCd(plan, *v, errors);
        if (v->exportSpec.format == ExportFormat::Flac && plan.album.cover && !flacChecked) {
            flacChecked = true;
            std::error_code ec;
            const auto bytes = fs::file_size(*plan.album.cover, ec);
            const std::string ext = plan.album.cover->extension().string();
            const bool png = ext == ".png" || ext == ".PNG";
            if (!ec && bytes > maxFlacCoverBytes(png))
                errors.push_back({plan.manifestPath.string(),
                                  "cover '" + plan.album.cover->filename().string() + "' is " + mib(bytes) + " (" + std::to_string(bytes) + " bytes); a FLAC file holds a cover of at most " +
                                      std::to_string(maxFlacCoverBytes(png)) + " bytes (its 16 MiB picture block)",
                                  "use a smaller cover image (a 3000×3000 JPEG is about 2 MiB)"});
        }
    }
    if (!errors.empty()) throw Error(ErrorKind::Manifest, errors);
}

}  // namespace lacquer::render
