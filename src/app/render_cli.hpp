// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The render's CLI concerns: --device, the summary table printed after a render, the exit code.
#include <nlohmann/json.hpp>
#include <string>

#include "lacquer/convolution/engine.hpp"

namespace lacquer::app {

// Parses --device: "auto", "cpu", or a Vulkan device index. Throws Error(Usage) otherwise.
convolution::DeviceRequest parseDevice(const std::string& text);

// The compact table printed at the end of a render (one line per track per variant, then the
// failed checks or "all N checks passed").
std::string summaryTable(const nlohmann::json& report);

// The exit code of a finished render: 0 every check passed (warnings included), 1 a written file
// misses a target. (Errors are 2, 3, 4 and 130: lacquer::ErrorKind, set in main.cpp.)
inline int renderExitCode(bool checksPassed) { return checksPassed ? 0 : 1; }

}  // namespace lacquer::app
