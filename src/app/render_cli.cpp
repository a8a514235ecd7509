// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/render_cli.hpp"

#include <cstdio>

#include "lacquer/common/error.hpp"
#include "lacquer/report/summary.hpp"

namespace lacquer::app {
using nlohmann::json;


convolution::DeviceRequest parseDevice(const std::string& text) {
    convolution::DeviceRequest r;
    if (text == "auto") return r;
    if (text == "cpu") {
        r.mode = convolution::DeviceRequest::Mode::Cpu;
        return r;
    }
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 6) {
        r.mode = convolution::DeviceRequest::Mode::Vulkan;
        r.vulkanIndex = std::stoi(text);
        return r;
    }
    throw Error(ErrorKind::Usage, "--device " + text, "not a device", "use auto, cpu, or an index from `lacquer devices`");
}

std::string summaryTable(const json& r) {
    return report::summaryTable(r);  // variants in manifest order, titles in full (report/summary.cpp)
}

}  // namespace lacquer::app
