// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one error type lacquer throws. Only src/app catches it: it prints
//   error: <where>: <what> — <what to do>
// and exits with the code that belongs to the kind.
#include <stdexcept>
#include <string>
#include <vector>

namespace lacquer {

enum class ErrorKind {
    Usage,        // bad command line                       → exit 2
    Manifest,     // the manifest is wrong                  → exit 2 (nothing written)
    Input,        // an input file is missing/corrupt/unsupported → exit 2 (nothing written)
    Io,           // reading or writing a file failed        → exit 3
    Device,       // Vulkan / FFT device failure             → exit 3
    Interrupted,  // SIGINT / SIGTERM during a render        → exit 130
};

int exitCodeFor(ErrorKind kind);

// One diagnostic: where (file:line:col, a path or a track title), what is wrong, what to do.
struct Diagnostic {
    std::string where;
    std::string what;
    std::string todo;
    std::string line() const;  // "<where>: <what> — <todo>" (parts left empty are dropped)
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string where, std::string what, std::string todo = {});
    // Several diagnostics at once (manifest validation reports every error it finds).
    Error(ErrorKind kind, std::vector<Diagnostic> diagnostics);

    ErrorKind kind() const { return kind_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    ErrorKind kind_;
    std::vector<Diagnostic> diagnostics_;
};

}  // namespace lacquer
