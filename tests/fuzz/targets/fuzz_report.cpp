// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer driver; built only with -DLACQUER_FUZZ=ON (clang), run by tools/fuzz.
#include "report_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return lacquer::fuzz::reportOneInput(data, size);
}
