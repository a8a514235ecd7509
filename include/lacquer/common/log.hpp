// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one levelled logger. Warnings go to stderr as "warning: <where>: <what>"; progress lines go
// to stdout only when it is a terminal. DSP code never logs.
#include <string>
#include <vector>

namespace lacquer::log {

enum class Level { Quiet, Normal, Verbose };

void setLevel(Level level);
void warning(const std::string& where, const std::string& what);
void info(const std::string& line);
// Overwrites the current terminal line; no-op when stdout is not a terminal.
void progress(const std::string& line);
void endProgress();
// While `sink` is set, every warning is also appended to it as "<where>: <what>" (for the
// --json outputs); nullptr stops. The sink must outlive the capture.
void captureWarnings(std::vector<std::string>* sink);

}  // namespace lacquer::log
