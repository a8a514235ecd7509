// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstddef>
#include <string>
#include <vector>

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
};

struct VerifyArgs {
    std::string manifest;
    std::string outDir = "out";
};

int runRender(const RenderArgs& args);
int runValidate(const std::string& manifest);
int runAnalyze(const std::vector<std::string>& files, bool json);
int runDevices();
int runVerify(const VerifyArgs& args);                               // verify_cmd.cpp
int runDiff(const std::string& reportA, const std::string& reportB);  // diff_cmd.cpp
CLI::App* addCatalogCommand(CLI::App& app);                          // catalog_cmd.cpp
int runCatalog();                                                    // catalog_cmd.cpp

}  // namespace lacquer::app
