// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/manifest/codes.hpp"

#include <fmt/format.h>

namespace lacquer::manifest {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isUpper(char c) {
    return c >= 'A' && c <= 'Z';
}

std::string stripSeparators(std::string_view text, bool uppercase) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        if (uppercase && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        out += c;
    }
    return out;
}

void setWhy(std::string* why, std::string text) {
    if (why) *why = std::move(text);
}

}  // namespace

std::optional<std::string> normaliseIsrc(std::string_view text, std::string* why) {
    const std::string s = stripSeparators(text, true);
    if (s.size() != 12) {
        setWhy(why, fmt::format("it has {} characters, an ISRC has 12 (CC-XXX-YY-NNNNN)", s.size()));
        return std::nullopt;
    }
    if (!isUpper(s[0]) || !isUpper(s[1])) {
        setWhy(why, "the first 2 characters (country code) must be letters");
        return std::nullopt;
    }
    for (int i = 2; i < 5; ++i) {
        if (!isUpper(s[i]) && !isDigit(s[i])) {
            setWhy(why, "characters 3-5 (registrant code) must be letters or digits");
            return std::nullopt;
        }
    }
    for (int i = 5; i < 12; ++i) {
        if (!isDigit(s[i])) {
            setWhy(why, "the last 7 characters (year and designation code) must be digits");
            return std::nullopt;
        }
    }
    return s;
}

int ean13CheckDigit(std::string_view digits) {
    int sum = 0;
    for (int i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return (10 - sum % 10) % 10;
}

std::optional<std::string> normaliseCatalog(std::string_view text, std::string* why) {
    const std::string s = stripSeparators(text, false);
    for (char c : s) {
        if (!isDigit(c)) {
            setWhy(why, "a catalog number has only digits (EAN-13 or UPC-A)");
            return std::nullopt;
        }
    }
    if (s.size() != 12 && s.size() != 13) {
        setWhy(why, fmt::format("it has {} digits; an EAN-13 has 13, a UPC-A 12", s.size()));
        return std::nullopt;
    }
    const std::string ean = s.size() == 12 ? "0" + s : s;
    const int expected = ean13CheckDigit(ean);
    if (ean[12] - '0' != expected) {
        setWhy(why, fmt::format("fails the {} check digit (expected {})", s.size() == 12 ? "UPC-A" : "EAN-13",
                                expected));
        return std::nullopt;
    }
    return ean;
}

}  // namespace lacquer::manifest
