// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace lacquer {
class Error;
}

namespace CLI {
class App;
}

namespace lacquer::app {

struct RenderArgs {
    std::string manifest;
    std::string outDir = "out";
    std::vector<std::string> variants;
    std::string device = "auto";
    bool force = false;
    bool strict = false;  // --strict: every warning fails the render
    std::string scratchDir;  // empty: inside the output folder
    std::size_t spillMemoryMib = 256;  // --spill-memory (RenderOptions::kDefaultSpillMemoryBytes)
    bool json = false;       // print the summary as JSON (docs/cli.md)
};

struct VerifyArgs {
    std::string manifest;
    std::string outDir = "out";
    bool json = false;
};

int runRender(const RenderArgs& args);
int runValidate(const std::string& manifest, bool json = false);
int runAnalyze(const std::vector<std::string>& files, bool json);
int runDevices(bool json = false);
int runVerify(const VerifyArgs& args);                               // verify_cmd.cpp
int runDiff(const std::string& reportA, const std::string& reportB, bool json = false);  // diff_cmd.cpp
CLI::App* addCatalogCommand(CLI::App& app);                          // catalog_cmd.cpp
int runCatalog();                                                    // catalog_cmd.cpp
// The JSON every command prints on stdout under --json when it fails with an Error
// ({"ok": false, "exit_code", "errors": [{where, what, todo}]}); commands.cpp.
std::string errorJson(const Error& e);
// Every --json answer: indented by 2, text that is not UTF-8 replaced (U+FFFD) rather than thrown.
std::string jsonText(const nlohmann::json& j);
void printJson(const nlohmann::json& j);  // jsonText and a newline on stdout

}  // namespace lacquer::app
