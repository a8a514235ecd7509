// SPDX-License-Identifier: GPL-3.0-or-later
// Manifest v1: YAML text → validated, resolved AlbumPlan. The schema is documented key by key in
// docs/manifest.md; keep the two in step.
#include "lacquer/manifest/manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "lacquer/common/digest.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/output_names.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/input_file.hpp"
#include "lacquer/manifest/codes.hpp"
#include "manifest/resolver.hpp"
#include "manifest/store_rules.hpp"

namespace lacquer {

std::string SourceLoc::str() const {
    if (line <= 0) return file;
    return fmt::format("{}:{}:{}", file, line, column);
}

}  // namespace lacquer

namespace lacquer::manifest {

namespace fs = std::filesystem;
using detail::Checker;
using detail::InputRef;
using detail::MapView;
using detail::Node;
using detail::Range;
using detail::Resolver;

namespace {

AlbumPlan parseImpl(const std::string& text, const std::string& displayName, const fs::path& baseDir,
                    CheckInputs checkInputs) {
    detail::Diagnostics diags(displayName);
    std::optional<Node> root = detail::buildTree(text, diags);
    AlbumPlan plan;
    if (root) {
        Checker checker(diags, fs::absolute(baseDir).lexically_normal());
        Resolver resolver(checker);
        plan = resolver.run(*root);
        if (checkInputs == CheckInputs::Yes) resolver.checkInputs();
    }
    detail::emitStoreWarnings(diags.empty());  // only for a valid manifest: error paths print errors alone
    if (!diags.empty()) throw Error(ErrorKind::Manifest, diags.sorted());
    plan.manifestSha256 = digestHex(DigestKind::Sha256, text);
    return plan;
}

}  // namespace

AlbumPlan parse(const std::string& yamlText, const std::string& displayName, const fs::path& baseDir,
                CheckInputs checkInputs) {
    AlbumPlan plan = parseImpl(yamlText, displayName, baseDir, checkInputs);
    plan.manifestPath = fs::absolute(baseDir / displayName).lexically_normal();
    return plan;
}

AlbumPlan load(const fs::path& manifestPath, CheckInputs checkInputs) {
    const std::string display = manifestPath.string();
    constexpr std::uintmax_t kMaxBytes = detail::TreeLimits{}.maxBytes;
    std::error_code ec;
    const fs::file_status status = fs::status(manifestPath, ec);
    if (!fs::exists(status)) {
        throw Error(ErrorKind::Manifest, display, "the manifest does not exist", "check the path");
    }
    if (!fs::is_regular_file(status)) {
        throw Error(ErrorKind::Manifest, display, "the manifest is not a regular file",
                    "name the YAML file itself");
    }
    // Opened without blocking and checked again on the open file (it may have been replaced by a
    // FIFO since it was looked at).
    std::string text;
    try {
        text = io::readInputFile(manifestPath, ErrorKind::Manifest, kMaxBytes);
    } catch (const Error& e) {
        const std::string& what = e.diagnostics().front().what;
        if (what.rfind("is ", 0) == 0 && what.find(" bytes, over the limit") != std::string::npos)
            throw Error(ErrorKind::Manifest, display,
                        fmt::format("the manifest is {} bytes, over the {} byte limit", fs::file_size(manifestPath, ec), kMaxBytes),
                        "a manifest is a short hand-written file; check that this is the right file");
        if (what.find("not a regular file") != std::string::npos)
            throw Error(ErrorKind::Manifest, display, "the manifest is not a regular file", "name the YAML file itself");
        throw;
    }
    const fs::path absolute = fs::absolute(manifestPath).lexically_normal();
    AlbumPlan plan = parseImpl(text, display, absolute.parent_path(), checkInputs);
    plan.manifestPath = absolute;
    return plan;
}

}  // namespace lacquer::manifest

