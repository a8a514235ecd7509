// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/manifest/catalog_file.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "lacquer/common/error.hpp"
#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest {
namespace fs = std::filesystem;
using detail::Node;

bool validAlbumName(const std::string& name) {
    if (name.empty() || name.size() > 120 || name[0] == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// A folder name made into an album name: characters outside [A-Za-z0-9._-] become '_'.
std::string albumNameFromFolder(const std::string& folder) {
    std::string s = folder;
    for (char& c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) c = '_';
    while (!s.empty() && s[0] == '.') s.erase(0, 1);
    return s;
}


CatalogFile loadCatalogFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorKind::Io, file.string(), "cannot be read", "check the catalogue path");
    std::ostringstream text;
    text << in.rdbuf();
    detail::Diagnostics diags(file.string());
    const auto root = detail::buildTree(text.str(), diags);
    CatalogFile c;
    const fs::path base = file.parent_path();
    if (root && root->kind != Node::Kind::Mapping) diags.add(root->line, root->column, "a catalogue is a mapping", "start with `lacquer_catalog: 1`");
    auto scalar = [&](const Node& n, const std::string& what) -> std::optional<std::string> {
        if (n.kind == Node::Kind::Scalar) return n.text;
        diags.add(n.line, n.column, what + " must be a single value", "write it as text");
        return std::nullopt;
    };
    bool sawVersion = false, sawAlbums = false;
    std::set<std::string> names;
    if (root && root->kind == Node::Kind::Mapping) {
        for (const auto& e : root->entries) {
            const std::string& k = e.key.text;
            const Node& v = e.value;
            if (k == "lacquer_catalog") {
                sawVersion = true;
                if (v.kind != Node::Kind::Scalar || v.text != "1")
                    diags.add(v.line, v.column, "unsupported catalogue format version", "write `lacquer_catalog: 1`");
            } else if (k == "out") {
                if (auto s = scalar(v, "out")) c.outDir = fs::absolute(base / *s).lexically_normal();
            } else if (k == "device") {
                if (auto s = scalar(v, "device")) c.device = *s;
            } else if (k == "variants") {
                if (v.kind != Node::Kind::Sequence) {
                    diags.add(v.line, v.column, "variants must be a list", "write e.g. `variants: [streaming, cd]`");
                    continue;
                }
                for (const auto& item : v.items)
                    if (auto s = scalar(item, "a variant")) c.variants.push_back(*s);
            } else if (k == "albums") {
                sawAlbums = true;
                if (v.kind != Node::Kind::Sequence) {
                    diags.add(v.line, v.column, "albums must be a list of manifests", "write `albums: [a/album.yaml, ...]`");
                    continue;
                }
                for (const auto& item : v.items) {
                    std::optional<std::string> manifest, name;
                    if (item.kind == Node::Kind::Scalar) {
                        manifest = item.text;
                    } else if (item.kind == Node::Kind::Mapping) {
                        for (const auto& f : item.entries) {
                            if (f.key.text == "manifest") manifest = scalar(f.value, "manifest");
                            else if (f.key.text == "name") name = scalar(f.value, "name");
                            else diags.add(f.key.line, f.key.column, "unknown key '" + detail::printable(f.key.text) + "' in an album entry",
                                           "an album entry has `manifest:` and optionally `name:`");
                        }
                        if (!manifest) diags.add(item.line, item.column, "album entry without `manifest:`", "name the album's manifest");
                    } else {
                        diags.add(item.line, item.column, "an album is a manifest path or { manifest:, name: }", "write the manifest's path");
                    }
                    if (!manifest) continue;
                    const fs::path m = fs::absolute(base / *manifest).lexically_normal();
                    const std::string n = name ? *name : albumNameFromFolder(m.parent_path().filename().string());
                    if (!validAlbumName(n))
                        diags.add(item.line, item.column, "album name \"" + detail::printable(n) + "\" cannot be a folder name",
                                  "give `name:` with letters, digits, '.', '_' or '-' (not starting with '.')");
                    else if (!names.insert(n).second)
                        diags.add(item.line, item.column, "album name \"" + n + "\" is used twice",
                                  "give one of them its own `name:`");
                    c.albums.push_back({n, m, diags.displayName() + ":" + std::to_string(item.line) + ":" + std::to_string(item.column)});
                }
            } else {
                diags.add(e.key.line, e.key.column, "unknown key '" + detail::printable(k) + "'",
                          "a catalogue has lacquer_catalog, out, variants, device and albums");
            }
        }
        if (!sawVersion) diags.add(0, 0, "missing `lacquer_catalog: 1`", "add it as the first line");
        if (!sawAlbums) diags.add(0, 0, "missing `albums:`", "list the albums' manifests");
    }
    if (!diags.empty()) throw Error(ErrorKind::Manifest, diags.sorted());
    return c;
}

}  // namespace lacquer::manifest
