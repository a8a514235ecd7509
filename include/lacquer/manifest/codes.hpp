// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Identifier checks shared by the manifest and the CD/DDP writers (Red Book: CUE CATALOG, ISRC).
#include <optional>
#include <string>
#include <string_view>

namespace lacquer::manifest {

// ISRC (ISO 3901): CC OOO YY NNNNN = country (2 letters), registrant (3 letters or digits),
// year (2 digits), designation (5 digits). Dashes and spaces are dropped and letters uppercased,
// so "gb-aye-26-00001" gives "GBAYE2600001". Returns nullopt when the result is not that shape,
// and then says why in *why (e.g. "it has 11 characters, an ISRC has 12").
std::optional<std::string> normaliseIsrc(std::string_view text, std::string* why = nullptr);

// GS1 mod-10 check digit of the first 12 digits of an EAN-13 (weights 1,3,1,3,... from the left).
// `digits` holds at least 12 decimal digits; only the first 12 are read.
int ean13CheckDigit(std::string_view digits);

// Catalog number for CUE CATALOG / BARCODE: an EAN-13 (13 digits) or a UPC-A (12 digits, which
// becomes an EAN-13 by a leading 0), check digit verified. Spaces and dashes are dropped.
// Returns the 13 digits, or nullopt with the reason in *why.
std::optional<std::string> normaliseCatalog(std::string_view text, std::string* why = nullptr);

}  // namespace lacquer::manifest
