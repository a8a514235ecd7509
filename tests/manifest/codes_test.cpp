// SPDX-License-Identifier: GPL-3.0-or-later
// ISRC and EAN-13/UPC-A checks, against published example codes.
#include "lacquer/manifest/codes.hpp"

#include <gtest/gtest.h>

namespace lacquer::manifest {
namespace {

TEST(Isrc, DashesAndSpacesAreDroppedAndLettersUppercased) {
    EXPECT_EQ(normaliseIsrc("GB-AYE-26-00001"), "GBAYE2600001");
    EXPECT_EQ(normaliseIsrc("us s1z 99 00001"), "USS1Z9900001");  // ISO 3901's own example, spaced
    EXPECT_EQ(normaliseIsrc("USRC17607839"), "USRC17607839");
}

TEST(Isrc, MalformedCodesSayWhy) {
    std::string why;
    EXPECT_FALSE(normaliseIsrc("GBAYE260000", &why));
    EXPECT_EQ(why, "it has 11 characters, an ISRC has 12 (CC-XXX-YY-NNNNN)");
    EXPECT_FALSE(normaliseIsrc("1BAYE2600001", &why));
    EXPECT_EQ(why, "the first 2 characters (country code) must be letters");
    EXPECT_FALSE(normaliseIsrc("GBA_E2600001", &why));
    EXPECT_EQ(why, "characters 3-5 (registrant code) must be letters or digits");
    EXPECT_FALSE(normaliseIsrc("GBAYE26O0001", &why));  // letter O, not zero
    EXPECT_EQ(why, "the last 7 characters (year and designation code) must be digits");
}

TEST(Ean13, CheckDigitMatchesPublishedBarcodes) {
    EXPECT_EQ(ean13CheckDigit("400638133393"), 1);  // 4006381333931, the usual EAN-13 example
    EXPECT_EQ(ean13CheckDigit("012345678901"), 2);
    EXPECT_EQ(ean13CheckDigit("003600029145"), 2);  // UPC-A 036000291452 with its leading 0
}

TEST(Ean13, CatalogAcceptsEanAndUpcAndRefusesBadCheckDigits) {
    EXPECT_EQ(normaliseCatalog("4006381333931"), "4006381333931");
    EXPECT_EQ(normaliseCatalog("036000291452"), "0036000291452");
    EXPECT_EQ(normaliseCatalog("0 36000 29145 2"), "0036000291452");
    std::string why;
    EXPECT_FALSE(normaliseCatalog("4006381333932", &why));
    EXPECT_EQ(why, "fails the EAN-13 check digit (expected 1)");
    EXPECT_FALSE(normaliseCatalog("03600029145X", &why));
    EXPECT_EQ(why, "a catalog number has only digits (EAN-13 or UPC-A)");
    EXPECT_FALSE(normaliseCatalog("", &why));
    EXPECT_EQ(why, "it has 0 digits; an EAN-13 has 13, a UPC-A 12");
}

}  // namespace
}  // namespace lacquer::manifest
