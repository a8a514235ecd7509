// SPDX-License-Identifier: GPL-3.0-or-later
#include "verify/inputs.hpp"

#include <filesystem>
#include <map>
#include <string>

#include "lacquer/common/parallel.hpp"
#include "lacquer/common/digest.hpp"
#include "lacquer/manifest/input_files.hpp"

namespace lacquer::verify {
namespace fs = std::filesystem;
using nlohmann::json;

int checkInputs(const AlbumPlan& plan, const json& report, std::vector<Violation>& violations) {
    const json* job = report.is_object() && report.contains("job") ? &report["job"] : nullptr;
    if (!job || !job->is_object() || !job->contains("inputs") || !(*job)["inputs"].is_array()) {
        violations.push_back({"report.json", "records no input hashes (\"job\" section)", "job.inputs", "missing"});
        return 1;
    }
    const fs::path dir = plan.manifestPath.parent_path();
    std::map<std::string, std::string> recorded;  // "role|path" → sha256
    for (const auto& in : (*job)["inputs"])
        if (in.is_object() && in.value("role", json()).is_string() && in.value("path", json()).is_string())
            recorded[in["role"].get<std::string>() + "|" + in["path"].get<std::string>()] =
                in.value("sha256", json()).is_string() ? in["sha256"].get<std::string>() : std::string();

    auto inputs = manifest::planInputs(plan);
    std::vector<std::string> found(inputs.size());  // "" = not on disk (not checked)
    parallelFor(inputs.size(), [&](std::size_t i) {
        std::error_code ec;
        if (fs::is_regular_file(inputs[i].path, ec)) found[i] = sha256File(inputs[i].path);
    }, 4);
    int checks = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const std::string rel = inputs[i].path.lexically_relative(dir).generic_string();
        const std::string where = rel + " (" + inputs[i].role + ")";
        ++checks;
        const auto it = recorded.find(inputs[i].role + "|" + rel);
        if (it == recorded.end()) {
            violations.push_back({where, "input of the manifest not in report.json", "listed", "not listed"});
            continue;
        }
        if (found[i].empty()) continue;
        ++checks;
        if (found[i] != it->second)
            violations.push_back({where, "input changed since the render (SHA-256)", it->second, found[i]});
    }
    return checks;
}

}  // namespace lacquer::verify
