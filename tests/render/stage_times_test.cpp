// SPDX-License-Identifier: GPL-3.0-or-later
// StageTimes: report.json's per-stage wall and CPU seconds.
#include <gtest/gtest.h>

#include <cmath>

#include "render/stage_times.hpp"

namespace lacquer::render {
namespace {

TEST(StageTimes, AddsUpStagesByNameInFirstTimedOrder) {
    StageTimes t;
    t.add("decode", 2.0, 3.0);
    t.add("write", 1.0, 1.0);
    t.add("decode", 1.0, 3.0);
    const auto j = t.toJson();
    ASSERT_EQ(j["stages"].size(), 2u);
    EXPECT_EQ(j["stages"][0]["stage"], "decode");
    EXPECT_DOUBLE_EQ(j["stages"][0]["wall_s"].get<double>(), 3.0);  // exact: sums of small integers
    EXPECT_DOUBLE_EQ(j["stages"][0]["cpu_s"].get<double>(), 6.0);
    EXPECT_DOUBLE_EQ(j["stages"][0]["cores"].get<double>(), 2.0);
    EXPECT_DOUBLE_EQ(j["total"]["wall_s"].get<double>(), 4.0);
    EXPECT_DOUBLE_EQ(j["total"]["cpu_s"].get<double>(), 7.0);
    EXPECT_DOUBLE_EQ(j["total"]["cores"].get<double>(), 1.75);
}

TEST(StageTimes, AScopeRecordsItsStageWithNonNegativeTimes) {
    StageTimes t;
    {
        auto scope = t.time("busy");
        volatile double x = 0;
        for (int i = 0; i < 1000000; ++i) x = x + std::sqrt(static_cast<double>(i));
    }
    const auto j = t.toJson();
    ASSERT_EQ(j["stages"].size(), 1u);
    EXPECT_EQ(j["stages"][0]["stage"], "busy");
    EXPECT_GE(j["stages"][0]["wall_s"].get<double>(), 0.0);
    EXPECT_GE(j["stages"][0]["cpu_s"].get<double>(), 0.0);
}

}  // namespace
}  // namespace lacquer::render
