// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fuzz target body for the readers of lacquer's own JSON (report/read_report.hpp: what `diff`,
// `verify` and a re-render read report.json with) and for `diff`'s walk over two reports. Shared
// by the libFuzzer driver (fuzz_report.cpp) and the replay test (replay_test.cpp).
//
// The input is one report, or two separated by a NUL byte. Each must parse into a report that
// passes the schema, or end in a lacquer::Error with one printable line. Two parsed reports are
// diffed both ways and against themselves: a report never differs from itself, and every line,
// made safe for the terminal, holds no control character. Every file path a report lists goes
// through the output folder's gate (output_names::isInsideRelativePath), which must refuse
// anything that could lead out of the folder. Anything else (another exception, a crash, a
// sanitizer report, deep recursion) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lacquer/common/error.hpp"
#include "lacquer/common/output_names.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/report/diff.hpp"
#include "lacquer/report/read_report.hpp"

namespace lacquer::fuzz {

inline void requirePrintable(const std::string& line) {
    for (const char c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
}

inline bool parseOne(const std::string& text, nlohmann::json& out) {
    try {
        out = report::parseReport(text, "report.json", ErrorKind::Io, "pass the report.json of a render");
    } catch (const Error& e) {
        if (e.diagnostics().size() != 1) std::abort();
        requirePrintable(e.diagnostics().front().line());
        return false;
    }
    if (!report::reportSchemaProblem(out).empty()) std::abort();
    for (const auto& [name, v] : out["variants"].items()) {
        if (!v.contains("files")) continue;
        for (const auto& f : v["files"]) {
            const std::string p = f["path"].get<std::string>();
            if (output_names::isInsideRelativePath(p) &&
                (p.front() == '/' || p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
                 p.find('\0') != std::string::npos))
                std::abort();
        }
    }
    return true;
}

inline int reportOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    nlohmann::json a, b;
    const bool haveA = parseOne(input.substr(0, nul), a);
    const bool haveB = nul != std::string::npos && parseOne(input.substr(nul + 1), b);
    if (!haveA) return 0;
    if (!report::diffReports(a, a).empty()) std::abort();
    if (!haveB) b = nlohmann::json{{"lacquer_version", "0"}, {"manifest_sha256", ""}, {"variants", nlohmann::json::object()}};
    for (const auto& lines : {report::diffReports(a, b), report::diffReports(b, a)})
        for (const auto& l : lines) requirePrintable(text::forTerminal(l));
    return 0;
}

}  // namespace lacquer::fuzz
