// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/manifest/canonical.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lacquer/common/error.hpp"
#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest {
namespace fs = std::filesystem;
using detail::Node;

namespace {

// nlohmann::json keeps object keys sorted (std::map), which is what makes the form canonical.
nlohmann::json toJson(const Node& n) {
    switch (n.kind) {
        case Node::Kind::Scalar: return n.text;
        case Node::Kind::Sequence: {
            auto a = nlohmann::json::array();
            for (const auto& item : n.items) a.push_back(toJson(item));
            return a;
        }
        case Node::Kind::Mapping: {
            auto o = nlohmann::json::object();
            for (const auto& e : n.entries) o[e.key.text] = toJson(e.value);
            return o;
        }
        case Node::Kind::Null:
        case Node::Kind::Invalid: break;
    }
    return nullptr;
}

}  // namespace

CanonicalManifest canonicalManifest(const fs::path& manifestPath) {
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in) throw Error(ErrorKind::Io, manifestPath.string(), "cannot be read", "check that the manifest exists and is readable");
    std::ostringstream text;
    text << in.rdbuf();
    CanonicalManifest out;
    out.bytes = text.str();
    detail::Diagnostics diags(manifestPath.filename().string());
    const auto root = detail::buildTree(out.bytes, diags);
    if (!diags.empty() || !root) throw Error(ErrorKind::Manifest, diags.sorted());
    out.json = toJson(*root).dump();
    return out;
}

}  // namespace lacquer::manifest
