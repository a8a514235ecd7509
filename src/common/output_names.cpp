// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/output_names.hpp"

#include <algorithm>
#include <cctype>

namespace lacquer::output_names {

std::string reservedBecause(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto r : kReports)
        if (lower == r) return "is the name of lacquer's own " + std::string(r) + " in the output folder";
    if (!lower.empty() && lower.front() == '.') {
        if (lower == kLock || lower == kScratch)
            return "is the name of lacquer's own " + std::string(lower == kLock ? "lock file" : "scratch folder") +
                   " in the output folder";
        return "starts with '.': lacquer keeps its own files in the output folder under hidden names";
    }
    return "";
}

bool isInsideRelativePath(const std::string& rel) {
    if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos)
        return false;
    std::size_t from = 0;
    while (from <= rel.size()) {
        const std::size_t to = std::min(rel.find('/', from), rel.size());
        const std::string_view part(rel.data() + from, to - from);
        if (part.empty() || part == "." || part == "..") return false;
        from = to + 1;
    }
    return true;
}

}  // namespace lacquer::output_names
