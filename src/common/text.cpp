// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/text.hpp"

#include <cstdio>

namespace lacquer::text {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when it is not one.
std::size_t utf8Length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    if (n == 2 && c < 0xC2) return 0;  // overlong
    if (n == 3) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;  // overlong, surrogate
    }
    if (n == 4) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        if (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return 0;
    }
    return n;
}

void hexEscape(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

}  // namespace

std::string forTerminal(std::string_view s, Newlines newlines) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = utf8Length(s, i);
        if (n == 0) {
            hexEscape(out, c);  // not UTF-8: a terminal could read it as the start of a sequence
            ++i;
            continue;
        }
        if (n == 1) {
            if (c == '\n' && newlines == Newlines::Keep) out += '\n';
            else if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (c < 0x20 || c == 0x7F) hexEscape(out, c);
            else out += static_cast<char>(c);
        } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
            // C1 controls (U+0080..U+009F; U+009B is CSI on some terminals)
            hexEscape(out, c);
            hexEscape(out, static_cast<unsigned char>(s[i + 1]));
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string forMarkdown(std::string_view s) {
    const std::string plain = forTerminal(s);
    std::string out;
    out.reserve(plain.size());
    for (const char c : plain) {
        if (std::string_view("\\`*_{}[]<>()#+!|~").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string tagProblem(std::string_view s) {
    if (s.find('\0') != std::string_view::npos)
        return "contains a NUL character, which tags, CUE sheets and CD-TEXT cannot hold (they would cut the text there)";
    return "";
}

bool isBlank(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
            ++i;
            continue;
        }
        // U+00A0, U+1680, U+2000..U+200B, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF
        const std::string_view rest = s.substr(i);
        static constexpr std::string_view kSpaces[] = {
            "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
            "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8B",
            "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
        bool space = false;
        for (const auto sp : kSpaces)
            if (rest.substr(0, sp.size()) == sp) {
                i += sp.size();
                space = true;
                break;
            }
        if (!space) return false;
    }
    return true;
}

}  // namespace lacquer::text
