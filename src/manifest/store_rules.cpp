// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/store_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "lacquer/common/log.hpp"
#include "lacquer/io/image_info.hpp"

#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest::detail {

void readCopyrightLine(Checker& c, MapView& m, std::string_view key, std::string& out) {
    const Node* v = m.get(key);
    if (!v) return;
    const auto t = c.text(*v, key, false);
    if (!t) return;
    const std::string& s = *t;
    const bool yearFirst = s.size() > 5 && std::all_of(s.begin(), s.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                           s[4] == ' ' && s[5] != ' ';
    if (!yearFirst) {
        c.error(*v, fmt::format("{} '{}' does not begin with a year and a space", key, printable(s)),
                fmt::format("write it as \"{}\" (ID3v2.4 {} and store metadata want the year, then the owner)",
                            key == "copyright" ? "2026 Label Name" : "2026 Rights Owner", key == "copyright" ? "TCOP" : "TPRO"));
        return;
    }
    out = s;
}

}  // namespace lacquer::manifest::detail

namespace lacquer::manifest::detail {

namespace {
std::vector<std::pair<std::string, std::string>>& pendingWarnings() {
    static std::vector<std::pair<std::string, std::string>> pending;
    return pending;
}
void warn(const std::string& where, const std::string& what) { pendingWarnings().emplace_back(where, what); }
}  // namespace

void emitStoreWarnings(bool emit) {
    if (emit)
        for (const auto& [where, what] : pendingWarnings()) log::warning(where, what);
    pendingWarnings().clear();
}

void checkCoverForStores(Checker& c, const Node& at, const std::string& written, const std::filesystem::path& path) {
    const std::string where = fmt::format("{}:{}:{}", c.displayName(), at.line, at.column);
    const auto info = io::probeImage(path);
    if (!info) {
        warn(where, fmt::format("cover '{}': its pixel size and colour model cannot be read from the header", written));
        return;
    }
    if (info->width < kMinCoverPixels || info->height < kMinCoverPixels)
        warn(where, fmt::format("cover '{}' is {}x{} pixels; stores and distributors ask for at least {}x{} — "
                                        "export the artwork at 3000x3000 or larger",
                                        written, info->width, info->height, kMinCoverPixels, kMinCoverPixels));
    if (info->width != info->height)
        warn(where, fmt::format("cover '{}' is {}x{} pixels, not square; stores ask for a square (1:1) image",
                                        written, info->width, info->height));
    if (info->colour != io::ColourModel::Rgb)
        warn(where, fmt::format("cover '{}' is {}, not RGB; stores refuse CMYK and greyscale artwork — "
                                        "save it in RGB",
                                        written, io::toString(info->colour)));
}

void warnUpsampledVariants(const AlbumPlan& plan, int highestSourceRateHz) {
    if (highestSourceRateHz <= 0) return;
    for (const auto& v : plan.variants) {
        constexpr int kHighestStandardRateHz = 48000;  // above it a rate is sold as hi-res
        if (v.exportSpec.format == ExportFormat::Cd || v.exportSpec.sampleRateHz <= highestSourceRateHz ||
            v.exportSpec.sampleRateHz <= kHighestStandardRateHz)
            continue;
        warn(v.loc.str(), fmt::format("variant '{}' is delivered at {} Hz but no mix is above {} Hz: the file "
                                              "is upsampled, not hi-res, and distributors ask for no upsampling — "
                                              "deliver at {} Hz or lower",
                                              v.name, v.exportSpec.sampleRateHz, highestSourceRateHz, highestSourceRateHz));
    }
}

}  // namespace lacquer::manifest::detail
