// SPDX-License-Identifier: GPL-3.0-or-later
// Album fields stores and distributors ask for: label, the C line and the P line.
#include "manifest/manifest_helpers.hpp"

namespace lacquer {
namespace {

using ::testing::ElementsAre;
using test::manifestErrors;

std::string withAlbumLines(const std::string& lines) {
    std::string yaml = test::kMinimalManifest;
    const std::string anchor = "  artist: The Demo Band\n";
    yaml.insert(yaml.find(anchor) + anchor.size(), lines);
    return yaml;
}

TEST(ManifestStoreFields, LabelAndCopyrightLinesReachThePlan) {
    const auto plan = manifest::parse(withAlbumLines("  label: Demo Records\n"
                                                     "  copyright: 2026 Demo Records\n"
                                                     "  phonographic_copyright: 2026 The Demo Band\n"),
                                      "album.yaml", "/albums/night", manifest::CheckInputs::No);
    EXPECT_EQ(plan.album.label, "Demo Records");
    EXPECT_EQ(plan.album.copyright, "2026 Demo Records");
    EXPECT_EQ(plan.album.phonographicCopyright, "2026 The Demo Band");
}

// ID3v2.4 TCOP/TPRO: "must begin with a year and a space character".
TEST(ManifestStoreFields, ACopyrightLineMustBeginWithTheYear) {
    EXPECT_THAT(manifestErrors(withAlbumLines("  copyright: Demo Records\n  phonographic_copyright: (P) 2026 Band\n")),
                ElementsAre("album.yaml:5:14: copyright 'Demo Records' does not begin with a year and a space — write it "
                            "as \"2026 Label Name\" (ID3v2.4 TCOP and store metadata want the year, then the owner)",
                            "album.yaml:6:27: phonographic_copyright '(P) 2026 Band' does not begin with a year and a "
                            "space — write it as \"2026 Rights Owner\" (ID3v2.4 TPRO and store metadata want the year, "
                            "then the owner)"));
}

}  // namespace
}  // namespace lacquer
