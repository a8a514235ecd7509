// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one levelled logger. Warnings go to stderr as "warning: <where>: <what>"; progress lines go
// to stdout only when it is a terminal. DSP code never logs.
#include <string>

namespace lacquer::log {

enum class Level { Quiet, Normal, Verbose };

void setLevel(Level level);
void warning(const std::string& where, const std::string& what);
void info(const std::string& line);
// Overwrites the current terminal line; no-op when stdout is not a terminal.
void progress(const std::string& line);
void endProgress();

}  // namespace lacquer::log
