// SPDX-License-Identifier: GPL-3.0-or-later
// `lacquer verify MANIFEST [--out DIR]`: one line per violation on stdout, then a summary line.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/manifest/manifest.hpp"
#include "lacquer/verify/verify.hpp"

namespace lacquer::app {

int runVerify(const VerifyArgs& args) {
    // The mixes need not be present: verify checks what was written, possibly on another machine.
    const AlbumPlan plan = manifest::load(args.manifest, manifest::CheckInputs::No);
    const verify::Result result = verify::verifyRender(plan, args.outDir);
    if (args.json) {
        nlohmann::json violations = nlohmann::json::array();
        for (const auto& v : result.violations)
            violations.push_back({{"where", v.where}, {"what", v.what}, {"expected", v.expected}, {"found", v.found}});
        printJson(nlohmann::json{{"ok", result.ok()}, {"variants", result.variants}, {"files", result.files},
                                 {"checks", result.checks}, {"violations", violations}});
        return result.ok() ? 0 : 1;
    }
    for (const auto& v : result.violations) std::printf("%s\n", text::forTerminal(v.line()).c_str());
    std::printf("%s\n", result.summaryLine().c_str());
    return result.ok() ? 0 : 1;
}

}  // namespace lacquer::app
