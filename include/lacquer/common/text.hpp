// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Text from the manifest (titles, names) or from files (report.json, file names) made safe for
// each place it goes, one function per destination:
//   forTerminal  stdout/stderr: no control character, escape sequence or invalid UTF-8 reaches
//                the terminal (they are written as \n, \t, \x1b, …)
//   forMarkdown  report.md: as forTerminal, and Markdown's syntax characters escaped, so a title
//                is one table cell of plain text
//   tagProblem   tags, CUE sheets, CD-TEXT: a NUL cannot be held (C strings cut there); the
//                manifest refuses such text
// File names are made by render::trackFileName (one path component) and the manifest's rules for
// variant and side names.
#include <string>
#include <string_view>

namespace lacquer::text {

enum class Newlines { Escape, Keep };

// Control characters (C0, DEL, and C1 as UTF-8 U+0080..U+009F) and bytes that are not UTF-8
// written as visible escapes; with Newlines::Keep, '\n' passes (a multi-line block of text).
std::string forTerminal(std::string_view s, Newlines newlines = Newlines::Escape);

// forTerminal, then \ ` * _ { } [ ] < > ( ) # + ! | ~ escaped with a backslash.
std::string forMarkdown(std::string_view s);

// Why `s` cannot go into a tag, or "" when it can.
std::string tagProblem(std::string_view s);

// True when `s` holds only spaces, tabs, line breaks and other Unicode white space.
bool isBlank(std::string_view s);

}  // namespace lacquer::text
