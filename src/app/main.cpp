// SPDX-License-Identifier: GPL-3.0-or-later
// lacquer CLI. The one place that catches lacquer::Error, prints it and sets the exit code.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>

#include "app/commands.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/text.hpp"

namespace {

// The render checks the flag between blocks and stops cleanly (temporaries removed, exit 130). A
// second signal while it winds down ends the process at once.
extern "C" void onSignal(int sig) {
    if (lacquer::cancelRequested()) {
        static const char kLine[] = "error: interrupted again — stopped at once; temporary files may be left\n";
        (void)!::write(STDERR_FILENO, kLine, sizeof kLine - 1);
        ::_exit(130);
    }
    lacquer::requestCancel(sig);
}

void printError(const lacquer::Error& e) {
    for (const auto& d : e.diagnostics())
        std::fprintf(stderr, "error: %s\n", lacquer::text::forTerminal(d.line()).c_str());
}

constexpr const char* kCommands[] = {"render", "validate", "analyze", "devices", "verify", "diff", "catalog"};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"lacquer — GPU-accelerated offline album mastering renderer"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("lacquer ") + LACQUER_VERSION);

    lacquer::app::RenderArgs render;
    auto* renderCmd = app.add_subcommand("render", "Render every variant of a manifest and write report.json/report.md");
    renderCmd->add_option("manifest", render.manifest, "album manifest (YAML)")->required();
    renderCmd->add_option("--out,-o", render.outDir, "output folder (default: ./out)");
    renderCmd->add_option("--variant", render.variants, "render only this variant (repeatable)");
    renderCmd->add_option("--device", render.device, "convolution device: auto, cpu or a Vulkan device index from `lacquer devices`");
    renderCmd->add_flag("--force", render.force, "allow an output folder that holds files lacquer did not write (they are never replaced)");
    renderCmd->add_flag("--strict", render.strict, "treat every warning (quality checks, vinyl, codec, Red Book) as a failure: exit 1");
    renderCmd->add_option("--scratch", render.scratchDir,
                          "folder for the render's temporary audio (about twice the album as 32-bit float; "
                          "default: inside the output folder)");
    renderCmd->add_option("--spill-memory", render.spillMemoryMib,
                          "MiB of that temporary audio kept in memory instead of scratch files (default 256; 0: files only; "
                          "the output does not depend on it)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24));
    renderCmd->add_flag("--json", render.json, "print the render summary as JSON (docs/cli.md)");

    std::string validateManifest;
    auto* validateCmd = app.add_subcommand("validate", "Check a manifest and every input file; render nothing");
    validateCmd->add_option("manifest", validateManifest, "album manifest (YAML)")->required();
    bool validateJson = false;
    validateCmd->add_flag("--json", validateJson, "print the result as JSON (docs/cli.md)");

    std::vector<std::string> analyzeFiles;
    bool analyzeJson = false;
    auto* analyzeCmd = app.add_subcommand("analyze", "Measure loudness and peaks of audio files");
    analyzeCmd->add_option("files", analyzeFiles, "audio files")->required();
    analyzeCmd->add_flag("--json", analyzeJson, "print JSON instead of a table");

    auto* devicesCmd = app.add_subcommand("devices", "List Vulkan devices and which one `auto` picks");
    bool devicesJson = false;
    devicesCmd->add_flag("--json", devicesJson, "print the devices as JSON (docs/cli.md)");

    lacquer::app::VerifyArgs verify;
    auto* verifyCmd = app.add_subcommand("verify", "Re-read a render's files and re-check every target, hash and tag");
    verifyCmd->add_option("manifest", verify.manifest, "album manifest (YAML)")->required();
    verifyCmd->add_option("--out,-o", verify.outDir, "the render's output folder (default: ./out)");
    verifyCmd->add_flag("--json", verify.json, "print the violations as JSON (docs/cli.md)");

    std::string diffA, diffB;
    auto* diffCmd = app.add_subcommand("diff", "Show what changed between two renders' report.json");
    diffCmd->add_option("report_a", diffA, "report.json of the first render")->required();
    diffCmd->add_option("report_b", diffB, "report.json of the second render")->required();
    bool diffJson = false;
    diffCmd->add_flag("--json", diffJson, "print the differences as JSON (docs/cli.md)");

    auto* catalogCmd = lacquer::app::addCatalogCommand(app);

    // A first word that is not an option and not a command: say so (CLI11 would answer "a
    // subcommand is required").
    if (argc > 1 && argv[1][0] != '-' &&
        std::none_of(std::begin(kCommands), std::end(kCommands), [&](const char* c) { return std::strcmp(c, argv[1]) == 0; })) {
        std::fprintf(stderr, "error: command line: unknown command '%s' — use one of render, validate, analyze, devices, verify, diff, catalog "
                             "(lacquer --help)\n",
                     lacquer::text::forTerminal(argv[1]).c_str());
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "error: command line: %s — run `lacquer --help`\n", lacquer::text::forTerminal(e.what()).c_str());
        return 2;
    }

    // render and catalog (whose jobs render and publish from a staging folder) stop cleanly on a
    // signal: they check between blocks and remove their temporaries. Every other command writes
    // nothing, so the default action (end at once) is the right one.
    if (*renderCmd || *catalogCmd) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    // Past RLIMIT_FSIZE, write() must fail with EFBIG (a clean I/O error, temporaries removed)
    // instead of the default SIGXFSZ action killing the process mid-file.
    std::signal(SIGXFSZ, SIG_IGN);
    try {
        if (*renderCmd) return lacquer::app::runRender(render);
        if (*validateCmd) return lacquer::app::runValidate(validateManifest, validateJson);
        if (*analyzeCmd) return lacquer::app::runAnalyze(analyzeFiles, analyzeJson);
        if (*devicesCmd) return lacquer::app::runDevices(devicesJson);
        if (*verifyCmd) return lacquer::app::runVerify(verify);
        if (*diffCmd) return lacquer::app::runDiff(diffA, diffB, diffJson);
        if (*catalogCmd) return lacquer::app::runCatalog();
    } catch (const lacquer::Error& e) {
        printError(e);
        // Under --json the failure is also a JSON document on stdout (docs/cli.md).
        if (render.json || validateJson || analyzeJson || devicesJson || verify.json || diffJson)
            std::printf("%s\n", lacquer::app::errorJson(e).c_str());
        return lacquer::exitCodeFor(e.kind());
    } catch (const nlohmann::json::exception& e) {
        // The JSON library's text quotes raw input: only its error number is shown.
        std::fprintf(stderr, "error: internal: unexpected JSON (nlohmann::json error %d) — please report this as a bug\n", e.id);
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: internal: %s — please report this as a bug\n", lacquer::text::forTerminal(e.what()).c_str());
        return 3;
    }
    return 0;
}
