// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/checks/delivery_meta.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <tuple>
#include <filesystem>

namespace lacquer::checks {
namespace fs = std::filesystem;

std::pair<std::string, std::string> originationStamp(const AlbumPlan& plan) {
    std::time_t when = 0;
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    char* end = nullptr;
    errno = 0;
    const long long e = epoch ? std::strtoll(epoch, &end, 10) : -1;
    if (epoch && end != epoch && *end == '\0' && errno == 0 && e >= 0) {
        when = static_cast<std::time_t>(e);
    } else {
        std::error_code ec;
        const auto t = fs::last_write_time(plan.manifestPath, ec);
        if (!ec) {
            const auto sys = std::chrono::file_clock::to_sys(t);
            when = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
        }
    }
    std::tm tm{};
    gmtime_r(&when, &tm);
    char date[16], time[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    std::strftime(time, sizeof time, "%H:%M:%S", &tm);
    return {date, time};
}

void addDeliveryMeta(const AlbumPlan& plan, io::Tags& tags, std::uint64_t timeReferenceFrames) {
    tags.label = plan.album.label;
    tags.copyright = plan.album.copyright;
    tags.phonographicCopyright = plan.album.phonographicCopyright;
    auto& b = tags.broadcast;
    b.description = tags.artist.empty() ? tags.title : tags.artist + " - " + tags.title;
    b.originator = "lacquer";
    std::tie(b.date, b.time) = originationStamp(plan);
    b.timeReferenceFrames = timeReferenceFrames;
}

}  // namespace lacquer::checks
