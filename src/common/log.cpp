// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <vector>

#include "lacquer/common/text.hpp"

namespace lacquer::log {
namespace {
Level gLevel = Level::Normal;
std::mutex gMutex;
bool gProgressShown = false;
std::vector<std::string>* gWarningSink = nullptr;
bool stdoutIsTerminal() {
    static const bool tty = ::isatty(STDOUT_FILENO) == 1;
    return tty;
}
}  // namespace

void setLevel(Level level) { gLevel = level; }

void warning(const std::string& where, const std::string& what) {
    std::lock_guard lock(gMutex);
    if (gProgressShown) { std::fputs("\r\033[K", stdout); std::fflush(stdout); }
    std::fprintf(stderr, "warning: %s%s%s\n", text::forTerminal(where).c_str(), where.empty() ? "" : ": ",
                 text::forTerminal(what).c_str());
    if (gWarningSink) gWarningSink->push_back(where + (where.empty() ? "" : ": ") + what);
}

void captureWarnings(std::vector<std::string>* sink) {
    std::lock_guard lock(gMutex);
    gWarningSink = sink;
}

void info(const std::string& line) {
    if (gLevel == Level::Quiet) return;
    std::lock_guard lock(gMutex);
    std::fprintf(stdout, "%s\n", text::forTerminal(line, text::Newlines::Keep).c_str());
}

void progress(const std::string& line) {
    if (gLevel == Level::Quiet || !stdoutIsTerminal()) return;
    std::lock_guard lock(gMutex);
    std::fprintf(stdout, "\r\033[K%s", text::forTerminal(line).c_str());
    std::fflush(stdout);
    gProgressShown = true;
}

void endProgress() {
    if (!stdoutIsTerminal()) return;
    std::lock_guard lock(gMutex);
    if (gProgressShown) std::fputs("\r\033[K", stdout);
    std::fflush(stdout);
    gProgressShown = false;
}

}  // namespace lacquer::log
