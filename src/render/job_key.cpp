// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/render/job_key.hpp"

#include <algorithm>

#include "lacquer/common/error.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/manifest/canonical.hpp"
#include "lacquer/common/digest.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
std::string sha256Hex(const std::string& bytes) { return digestHex(DigestKind::Sha256, bytes); }
}  // namespace

std::string deviceText(const convolution::DeviceRequest& device) {
    using Mode = convolution::DeviceRequest::Mode;
    switch (device.mode) {
        case Mode::Auto: return "auto";
        case Mode::Cpu: return "cpu";
        case Mode::CpuDouble: return "cpu-double";
        case Mode::Vulkan: return device.vulkanIndex < 0 ? "vulkan" : std::to_string(device.vulkanIndex);
    }
    return "auto";
}

JobIdentity jobIdentity(const AlbumPlan& plan, const std::vector<std::string>& variants, const std::string& device) {
    JobIdentity id;
    // The canonical content when the file on disk is the one the plan was read from; otherwise (a
    // plan parsed from text, as tests do, or a manifest edited since) the bytes the plan was made of.
    id.manifestCanonicalSha256 = "bytes:" + plan.manifestSha256;
    try {
        const auto canonical = manifest::canonicalManifest(plan.manifestPath);
        if (sha256Hex(canonical.bytes) == plan.manifestSha256) id.manifestCanonicalSha256 = sha256Hex(canonical.json);
    } catch (const Error&) {
    }

    id.inputs = manifest::planInputs(plan);
    try {
        // Hashing is I/O bound; a few files at once keep a disk (or a network file system) busy.
        parallelFor(id.inputs.size(), [&](std::size_t i) { id.inputs[i].sha256 = sha256File(id.inputs[i].path); }, 4);
    } catch (const Error& e) {
        throw Error(ErrorKind::Input, e.diagnostics());
    }

    std::vector<std::string> names = variants;
    if (names.empty())
        for (const auto& v : plan.variants) names.push_back(v.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    id.options = {{"variants", names}, {"device", device}};

    json material;
    material["manifest"] = id.manifestCanonicalSha256;
    material["inputs"] = json::array();
    for (const auto& in : id.inputs) material["inputs"].push_back({{"role", in.role}, {"sha256", in.sha256}});
    material["lacquer"] = {{"version", LACQUER_VERSION}, {"build", LACQUER_BUILD}};
    material["options"] = id.options;
    id.key = sha256Hex(material.dump());
    return id;
}

json JobIdentity::toJson(const fs::path& manifestDir) const {
    json j;
    j["key"] = key;
    j["manifest_canonical_sha256"] = manifestCanonicalSha256;
    j["lacquer_version"] = LACQUER_VERSION;
    j["lacquer_build"] = LACQUER_BUILD;
    j["options"] = options;
    j["inputs"] = json::array();
    for (const auto& in : inputs)
        j["inputs"].push_back({{"role", in.role}, {"path", in.path.lexically_relative(manifestDir).generic_string()}, {"sha256", in.sha256}});
    return j;
}

}  // namespace lacquer::render
