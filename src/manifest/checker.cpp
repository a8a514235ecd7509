// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/checker.hpp"

#include "lacquer/common/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lacquer::manifest::detail {

namespace fs = std::filesystem;

std::size_t editDistance(std::string_view a, std::string_view b) {
    // Optimal string alignment: insert, delete, substitute, swap two neighbours, each costing 1.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

namespace {

std::string folded(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '_' || c == '-' || c == ' ') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::string joinWords(const std::vector<std::string_view>& words, std::string_view lastSep) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? lastSep : std::string_view(", ");
        out += words[i];
    }
    return out;
}

std::string rangeText(const Range& r) {
    std::string s = num(r.lo) + ".." + num(r.hi);
    if (!r.unit.empty()) s += " " + std::string(r.unit);
    if (r.zeroMeansOff) s += " (or 0 = off)";
    return s;
}

std::string rangeTodo(const Range& r) {
    std::string unit = r.unit.empty() ? "" : " " + std::string(r.unit);
    if (r.zeroMeansOff)
        return fmt::format("use 0 (off) or a value from {} to {}{}", num(r.lo), num(r.hi), unit);
    return fmt::format("use a value from {} to {}{}", num(r.lo), num(r.hi), unit);
}

}  // namespace

std::optional<std::string> closestMatch(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
    const std::string w = folded(word);
    std::optional<std::string> best;
    std::size_t bestDistance = 0;
    for (std::string_view c : candidates) {
        const std::size_t d = std::min(editDistance(word, c), editDistance(w, folded(c)));
        if (!best || d < bestDistance) {
            best = std::string(c);
            bestDistance = d;
        }
    }
    // Allow about one slip per three letters: "titel" → "title", but "foo" finds nothing.
    const std::size_t allowed = word.size() <= 3 ? 1 : word.size() <= 8 ? 2 : 3;
    if (best && bestDistance <= allowed) return best;
    return std::nullopt;
}

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::optional<double> parseNumber(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') return std::nullopt;
    }
    if (text.empty()) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::string num(double value) {
    return fmt::format("{}", value);
}

std::optional<double> Checker::number(const Node& v, std::string_view name, const Range& range) {
    if (v.kind == Node::Kind::Invalid) return std::nullopt;
    const std::optional<double> x = v.kind == Node::Kind::Scalar ? parseNumber(v.text) : std::nullopt;
    if (!x) {
        error(v, fmt::format("{}: expected a number, got {}", name, describe(v)), rangeTodo(range));
        return std::nullopt;
    }
    if (range.zeroMeansOff && *x == 0) return 0.0;
    if (*x < range.lo || *x > range.hi) {
        error(v, fmt::format("{} is {}, outside {}", name, v.text, rangeText(range)), rangeTodo(range));
        return std::nullopt;
    }
    return x;
}

std::optional<double> Checker::frequency(const Node& v, std::string_view name, const Range& range) {
    std::optional<double> f = number(v, name, range);
    if (!f || *f == 0 || processingRateHz_ == 0) return f;
    const double nyquistHz = processingRateHz_ / 2.0;
    if (*f >= nyquistHz) {
        error(v,
              fmt::format("{} {} Hz is not below {} Hz, the Nyquist frequency of the processing rate {} Hz",
                          name, v.text, num(nyquistHz), processingRateHz_),
              "lower it, or raise processing.sample_rate");
        return std::nullopt;
    }
    return f;
}

std::optional<int> Checker::integer(const Node& v, std::string_view name, int lo, int hi,
                                    std::string_view unit) {
    if (v.kind == Node::Kind::Invalid) return std::nullopt;
    const std::string unitText = unit.empty() ? "" : " " + std::string(unit);
    const std::string todo = fmt::format("use a whole number from {} to {}{}", lo, hi, unitText);
    const std::optional<double> x = v.kind == Node::Kind::Scalar ? parseNumber(v.text) : std::nullopt;
    if (!x || *x != std::floor(*x)) {
        error(v, fmt::format("{}: expected a whole number, got {}", name, describe(v)), todo);
        return std::nullopt;
    }
    if (*x < lo || *x > hi) {
        error(v, fmt::format("{} is {}, outside {}..{}{}", name, v.text, lo, hi, unitText), todo);
        return std::nullopt;
    }
    return static_cast<int>(*x);
}

std::optional<std::string> Checker::text(const Node& v, std::string_view name, bool allowEmpty) {
    if (v.kind == Node::Kind::Invalid) return std::nullopt;
    if (v.kind != Node::Kind::Scalar) {
        error(v, fmt::format("{}: expected text, got {}", name, describe(v)),
              "write the text on the same line, in quotes if it contains ':' or '#'");
        return std::nullopt;
    }
    if (!isValidUtf8(v.text)) {
        error(v, fmt::format("{} is not valid UTF-8", name), "save the manifest as UTF-8");
        return std::nullopt;
    }
    if (!allowEmpty && v.text.empty()) {
        error(v, fmt::format("{} is empty", name), "write the text or remove the key");
        return std::nullopt;
    }
    if (!allowEmpty && text::isBlank(v.text)) {
        error(v, fmt::format("{} is only white space", name), "write the text or remove the key");
        return std::nullopt;
    }
    if (const std::string why = text::tagProblem(v.text); !why.empty()) {
        error(v, fmt::format("{} {}", name, why), "remove the NUL (written \\0 or \\x00 in a quoted string)");
        return std::nullopt;
    }
    return v.text;
}

std::optional<fs::path> Checker::path(const Node& v, std::string_view name) {
    std::optional<std::string> t = text(v, name, false);
    if (!t) return std::nullopt;
    fs::path p(*t);
    return (p.is_absolute() ? p : baseDir_ / p).lexically_normal();
}

std::optional<std::size_t> Checker::choice(const Node& v, std::string_view name,
                                           const std::vector<std::string_view>& words) {
    if (v.kind == Node::Kind::Invalid) return std::nullopt;
    const std::string list = joinWords(words, " or ");
    if (v.kind != Node::Kind::Scalar) {
        error(v, fmt::format("{}: expected {}, got {}", name, list, describe(v)), "write one of those words");
        return std::nullopt;
    }
    for (std::size_t i = 0; i < words.size(); ++i)
        if (v.text == words[i]) return i;
    const std::optional<std::string> guess = closestMatch(v.text, words);
    error(v, fmt::format("{} '{}' is not one of {}", name, printable(v.text), list),
          guess ? fmt::format("did you mean '{}'?", *guess) : "use one of those");
    return std::nullopt;
}

void Checker::addInput(InputRef::Kind kind, const Node& at, fs::path path, int trackIndex) {
    inputs_.push_back({kind, std::move(path), printable(at.text), at.line, at.column, trackIndex});
}

MapView::MapView(Checker& checker, const Node* node, std::string name, std::vector<std::string_view> keys,
                 std::string context)
    : checker_(checker), name_(std::move(name)), context_(std::move(context)) {
    if (!node || node->kind == Node::Kind::Invalid) return;
    if (node->kind != Node::Kind::Mapping) {
        checker_.error(
            *node, fmt::format("{}: expected a mapping (key: value lines), got {}", name_, describe(*node)),
            "write its settings as 'key: value' lines indented under it, or as { key: value }");
        return;
    }
    map_ = node;
    for (const auto& [key, value] : node->entries) {
        if (std::find(keys.begin(), keys.end(), key.text) != keys.end()) continue;
        const std::optional<std::string> guess = closestMatch(key.text, keys);
        checker_.error(
            key, fmt::format("unknown key '{}' {}", printable(key.text), context_),
            guess ? fmt::format("did you mean '{}'?", *guess) : "valid keys here: " + joinWords(keys, ", "));
    }
}

const Node* MapView::get(std::string_view key) const {
    if (!map_) return nullptr;
    for (const auto& [k, v] : map_->entries)
        if (k.text == key) return &v;
    return nullptr;
}

const Node* MapView::keyOf(std::string_view key) const {
    if (!map_) return nullptr;
    for (const auto& [k, v] : map_->entries)
        if (k.text == key) return &k;
    return nullptr;
}

const Node* MapView::require(std::string_view key, std::string todo) {
    if (!map_) return nullptr;
    const Node* v = get(key);
    if (!v) {
        checker_.error(*map_, fmt::format("missing required key '{}' {}", key, context_),
                       todo.empty() ? fmt::format("add '{}: ...'", key) : std::move(todo));
    }
    return v;
}

std::optional<double> MapView::number(std::string_view key, const Range& range) {
    const Node* v = get(key);
    return v ? checker_.number(*v, key, range) : std::nullopt;
}

std::optional<double> MapView::frequency(std::string_view key, const Range& range) {
    const Node* v = get(key);
    return v ? checker_.frequency(*v, key, range) : std::nullopt;
}

std::optional<int> MapView::integer(std::string_view key, int lo, int hi, std::string_view unit) {
    const Node* v = get(key);
    return v ? checker_.integer(*v, key, lo, hi, unit) : std::nullopt;
}

std::optional<std::string> MapView::text(std::string_view key, bool required) {
    const Node* v = required ? require(key) : get(key);
    return v ? checker_.text(*v, key, !required) : std::nullopt;
}

std::optional<fs::path> MapView::path(std::string_view key, bool required) {
    const Node* v = required ? require(key) : get(key);
    return v ? checker_.path(*v, key) : std::nullopt;
}

std::optional<std::size_t> MapView::choice(std::string_view key, const std::vector<std::string_view>& words) {
    const Node* v = get(key);
    return v ? checker_.choice(*v, key, words) : std::nullopt;
}

}  // namespace lacquer::manifest::detail
