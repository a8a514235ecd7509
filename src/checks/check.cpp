// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/checks/check.hpp"

#include <cstdio>

namespace lacquer::checks {

std::string_view statusName(Status s) {
    switch (s) {
        case Status::Pass: return "pass";
        case Status::Warn: return "warn";
        case Status::Fail: return "fail";
    }
    return "fail";
}

Check judged(std::string id, int track, std::string name, bool ok, std::string detail) {
    Check c;
    c.id = std::move(id);
    c.track = track;
    c.name = std::move(name);
    c.status = ok ? Status::Pass : Status::Fail;
    c.detail = std::move(detail);
    return c;
}

Check warning(std::string id, int track, std::string name, std::string detail) {
    Check c = judged(std::move(id), track, std::move(name), true, std::move(detail));
    c.status = Status::Warn;
    return c;
}

nlohmann::json toJson(const Check& c) {
    nlohmann::json j = {{"name", c.name}, {"ok", c.ok()}, {"detail", c.detail}};
    if (c.status == Status::Warn) j["severity"] = statusName(c.status);
    return j;
}

nlohmann::json toJson(const std::vector<Check>& cs) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& c : cs) a.push_back(toJson(c));
    return a;
}

std::string fmt2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v + 0.0);
    if (std::string(buf) == "-0.00") return "0.00";
    return buf;
}

}  // namespace lacquer::checks
