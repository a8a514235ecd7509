// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/paths.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>

namespace lacquer::test {

std::filesystem::path sourceDir() { return LACQUER_SOURCE_DIR; }
std::filesystem::path binaryDir() { return LACQUER_BINARY_DIR; }
std::filesystem::path cliPath() { return LACQUER_CLI; }

std::filesystem::path scratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "unnamed";
    for (char& c : name)
        if (c == '/') c = '_';
    auto dir = binaryDir() / "test-scratch" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

int runCommand(const std::string& command, std::string* output) {
    std::string full = command + " 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) return -1;
    std::array<char, 4096> buf{};
    std::string out;
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    int status = pclose(pipe);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace lacquer::test
