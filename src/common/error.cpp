// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/error.hpp"

namespace lacquer {

int exitCodeFor(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
    case ErrorKind::Manifest:
    case ErrorKind::Input: return 2;
    case ErrorKind::Io:
    case ErrorKind::Device: return 3;
    case ErrorKind::Interrupted: return 130;
    }
    return 3;
}

std::string Diagnostic::line() const {
    std::string s = where;
    if (!what.empty()) s += (s.empty() ? "" : ": ") + what;
    if (!todo.empty()) s += " — " + todo;
    return s;
}

static std::string joinLines(const std::vector<Diagnostic>& d) {
    std::string s;
    for (const auto& x : d) s += (s.empty() ? "" : "\n") + x.line();
    return s;
}

Error::Error(ErrorKind kind, std::string where, std::string what, std::string todo)
    : Error(kind, std::vector<Diagnostic>{{std::move(where), std::move(what), std::move(todo)}}) {}

Error::Error(ErrorKind kind, std::vector<Diagnostic> diagnostics)
    : std::runtime_error(joinLines(diagnostics)), kind_(kind), diagnostics_(std::move(diagnostics)) {}

}  // namespace lacquer
