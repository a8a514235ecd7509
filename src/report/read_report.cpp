// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/read_report.hpp"

#include "lacquer/common/text.hpp"
#include "lacquer/io/input_file.hpp"

namespace lacquer::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct TooDeep {};

const char* typeName(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "a list";
        case json::value_t::string: return "text";
        case json::value_t::boolean: return "true/false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        default: return "something else";
    }
}

std::string named(const std::string& key) { return text::forTerminal(key.size() > 60 ? key.substr(0, 60) + "…" : key); }

}  // namespace

std::string reportSchemaProblem(const json& r) {
    if (!r.is_object()) return std::string("the top level is ") + typeName(r) + ", not an object";
    for (const char* key : {"lacquer_version", "manifest_sha256"})
        if (!r.contains(key) || !r[key].is_string()) return std::string(key) + " is missing or not text";
    if (!r.contains("variants") || !r["variants"].is_object()) return "variants is missing or not an object";
    for (const auto& [name, v] : r["variants"].items()) {
        const std::string at = "variants." + named(name);
        if (!v.is_object()) return at + " is " + typeName(v) + ", not an object";
        for (const char* list : {"tracks", "files", "checks"}) {
            if (!v.contains(list)) continue;
            if (!v[list].is_array()) return at + "." + list + " is " + typeName(v[list]) + ", not a list";
            for (std::size_t i = 0; i < v[list].size(); ++i) {
                const json& e = v[list][i];
                const std::string ea = at + "." + list + "[" + std::to_string(i) + "]";
                if (!e.is_object()) return ea + " is " + typeName(e) + ", not an object";
                if (std::string(list) == "files") {
                    if (!e.contains("path") || !e["path"].is_string()) return ea + ".path is missing or not text";
                    if (e.contains("sha256") && !e["sha256"].is_string()) return ea + ".sha256 is not text";
                }
                if (std::string(list) == "tracks" && (!e.contains("number") || !e["number"].is_number_integer()))
                    return ea + ".number is missing or not a whole number";
                if (std::string(list) == "checks") {
                    if (!e.contains("name") || !e["name"].is_string()) return ea + ".name is missing or not text";
                    if (!e.contains("ok") || !e["ok"].is_boolean()) return ea + ".ok is missing or not true/false";
                }
            }
        }
    }
    return "";
}

json parseReport(const std::string& textIn, const std::string& where, ErrorKind kind, const std::string& todo) {
    json parsed;
    try {
        parsed = json::parse(textIn, [](int depth, json::parse_event_t, json&) {
            if (depth > kMaxReportDepth) throw TooDeep{};
            return true;
        });
    } catch (const TooDeep&) {
        throw Error(kind, where, "is nested deeper than " + std::to_string(kMaxReportDepth) + " levels; a lacquer report.json is not",
                    todo);
    } catch (const json::parse_error& e) {
        // The position only: the library's text quotes the input's bytes.
        const std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, textIn.size());
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < at; ++i) {
            if (textIn[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(textIn[i]) & 0xC0) != 0x80) {
                ++column;
            }
        }
        throw Error(kind, where,
                    textIn.empty() ? "is empty, not JSON"
                                   : "is not valid JSON: syntax error at line " + std::to_string(line) + ", column " +
                                         std::to_string(column),
                    todo);
    } catch (const json::exception&) {
        throw Error(kind, where, "is not valid JSON", todo);
    }
    if (const std::string problem = reportSchemaProblem(parsed); !problem.empty())
        throw Error(kind, where, "is not a lacquer report: " + problem, todo);
    return parsed;
}

json readReportFile(const fs::path& file, ErrorKind kind, const std::string& todo) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        throw Error(kind, file.string(), "is a folder, not a report", "pass " + (file / "report.json").string());
    std::string text;
    try {
        text = io::readInputFile(file, kind, kMaxReportBytes);
    } catch (const Error& e) {
        // The reader's reason (missing, a FIFO, permissions with the system's words), this
        // caller's advice.
        const Diagnostic& d = e.diagnostics().front();
        throw Error(kind, d.where, d.what, todo.empty() ? d.todo : todo);
    }
    return parseReport(text, file.string(), kind, todo);
}

}  // namespace lacquer::report
