// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

namespace lacquer::test {

std::filesystem::path sourceDir();   // the repository root
std::filesystem::path binaryDir();   // the CMake build folder
std::filesystem::path cliPath();     // the built `lacquer` executable
// A fresh, empty folder under the build tree for this test (named after the running test).
std::filesystem::path scratchDir();

// Runs a shell command; returns its exit status and puts stdout+stderr in `output`.
int runCommand(const std::string& command, std::string* output = nullptr);

}  // namespace lacquer::test
