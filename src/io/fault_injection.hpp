// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/io: where the writers ask the test seam (lacquer/io/fault_injection.hpp) whether
// an operation is to fail.
#include "lacquer/io/fault_injection.hpp"

namespace lacquer::io::detail {

// 0 when `op` is not armed; otherwise the errno to fail this call with (one count consumed).
int injectedError(testing::Op op) noexcept;

}  // namespace lacquer::io::detail
