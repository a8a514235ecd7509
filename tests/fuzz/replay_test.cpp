// SPDX-License-Identifier: GPL-3.0-or-later
// Every seed and every input a fuzzer once crashed on goes through the fuzz target bodies in the
// normal build (and under ASan/UBSan in the sanitizer build): a regression aborts this test.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/paths.hpp"
#include "targets/decode_target.hpp"
#include "targets/manifest_target.hpp"
#include "targets/report_target.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputsOf(const std::string& target) {
    std::vector<fs::path> files;
    for (const char* kind : {"corpus", "regressions"}) {
        const auto dir = test::sourceDir() / "tests/fuzz" / kind / target;
        if (!fs::exists(dir)) continue;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::uint8_t> bytesOf(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FuzzReplay, ManifestSeedsAndRegressionsParseOrFailCleanly) {
    const auto files = inputsOf("manifest");
    ASSERT_GE(files.size(), 3u);  // the seeds are there
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        const auto bytes = bytesOf(f);
        EXPECT_EQ(fuzz::manifestOneInput(bytes.data(), bytes.size()), 0);
    }
}

TEST(FuzzReplay, DecodeSeedsAndRegressionsDecodeOrFailCleanly) {
    const auto files = inputsOf("decode");
    ASSERT_GE(files.size(), 3u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        const auto bytes = bytesOf(f);
        EXPECT_EQ(fuzz::decodeOneInput(bytes.data(), bytes.size()), 0);
    }
}

TEST(FuzzReplay, ReportSeedsAndRegressionsParseOrFailCleanly) {
    const auto files = inputsOf("report");
    ASSERT_GE(files.size(), 3u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        const auto bytes = bytesOf(f);
        EXPECT_EQ(fuzz::reportOneInput(bytes.data(), bytes.size()), 0);
    }
}

}  // namespace
}  // namespace lacquer
