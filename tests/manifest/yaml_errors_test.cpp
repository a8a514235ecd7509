// SPDX-License-Identifier: GPL-3.0-or-later
// YAML-level refusals: syntax errors, anchors and aliases, duplicate keys, tags, depth and size
// caps, extra documents. Every message is asserted in full, with its line and column.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "manifest_helpers.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

using test::manifestErrors;
using ::testing::ElementsAre;

TEST(ManifestYaml, SyntaxErrorGivesYamlCppMarkAndMessage) {
    const std::string yaml = "lacquer: 1\nalbum:\n  title: [Night Drive\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:4:1: YAML syntax error: end of sequence flow not found — fix the YAML at this "
            "position (indentation, ':' after keys, matching brackets and quotes)"));
}

TEST(ManifestYaml, AnchorAndAliasAreRefusedWhereWritten) {
    std::string yaml = test::kMinimalManifest;
    yaml += "chain:\n  limiter: &lim { ceiling_dbtp: -1 }\n  stereo: *lim\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre(
            "album.yaml:12:12: YAML anchor '&lim' is not allowed — remove it and write each value out "
            "in full (lacquer refuses anchors and aliases)",
            "album.yaml:13:11: YAML alias '*lim' is not allowed — write the value out in full (lacquer "
            "refuses anchors and aliases)"));
}

TEST(ManifestYaml, AliasBombIsRefusedWithoutExpanding) {
    // Billion laughs: expanded, i would be 9^8 ≈ 43 million strings. The event parser never
    // expands aliases, so this returns at once with one error per anchor and alias.
    std::string yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    const std::string names = "abcdefghi";
    for (std::size_t k = 1; k < names.size(); ++k) {
        const char n = names[k], p = names[k - 1];
        yaml += fmt::format("{0}: &{0} [*{1},*{1},*{1},*{1},*{1},*{1},*{1},*{1},*{1}]\n", n, p);
    }
    const std::vector<std::string> errors = manifestErrors(yaml);
    auto count = [&](const std::string& part) {
        return std::count_if(errors.begin(), errors.end(),
                             [&](const std::string& e) { return e.find(part) != std::string::npos; });
    };
    EXPECT_EQ(count("YAML anchor"), 9);
    EXPECT_EQ(count("YAML alias"), 72);
    EXPECT_NE(
        std::find(errors.begin(), errors.end(),
                  "album.yaml:1:4: YAML anchor '&a' is not allowed — remove it and write each value out in "
                  "full (lacquer refuses anchors and aliases)"),
        errors.end());
    EXPECT_NE(
        std::find(errors.begin(), errors.end(),
                  "album.yaml:2:8: YAML alias '*a' is not allowed — write the value out in full (lacquer "
                  "refuses anchors and aliases)"),
        errors.end());
}

TEST(ManifestYaml, DuplicateKeyIsReportedAtTheSecondNamingTheFirst) {
    const std::string yaml = R"(lacquer: 1
album:
  title: Night Drive
  artist: The Demo Band
  title: Day Drive
tracks:
  - file: mixes/01.wav
    title: Intro
variants:
  streaming:
    export: { format: flac, format: wav }
)";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:5:3: duplicate key 'title' (first at line 3) — keep one of them",
                    "album.yaml:11:29: duplicate key 'format' (first at line 11) — keep one of them"));
}

TEST(ManifestYaml, ExplicitTagsAreRefused) {
    std::string yaml = test::kMinimalManifest;
    yaml += "sequence: { gap_s: !!str 2 }\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:11:20: YAML tag 'tag:yaml.org,2002:str' is not allowed — remove the tag; "
                    "lacquer reads plain values"));
}

TEST(ManifestYaml, SecondDocumentIsRefused) {
    const std::string yaml = test::kMinimalManifest + "---\nlacquer: 1\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:11:1: a second YAML document starts here — a manifest is one document: "
                    "remove the '---' and what follows, or merge it"));
}

TEST(ManifestYaml, EmptyManifestIsRefused) {
    EXPECT_THAT(
        manifestErrors("# nothing yet\n"),
        ElementsAre("album.yaml: the manifest is empty — start it with 'lacquer: 1' (see docs/manifest.md)"));
}

TEST(ManifestYaml, DeepNestingIsRefusedOnceAtTheLevelPastTheCap) {
    // 1000 nested flow lists: past our 64-level cap and past yaml-cpp's own recursion guard.
    std::string yaml = "lacquer: " + std::string(1000, '[') + std::string(1000, ']') + "\n";
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:1:73: nesting is deeper than 64 levels — a manifest needs only a few levels; "
                    "flatten this part"));
}

TEST(ManifestYaml, NestingJustUnderTheCapIsOnlyASchemaMatter) {
    // The root mapping is level 1, so 63 lists make 64 levels: allowed by the tree, then refused
    // by the schema because 'lacquer' wants a number.
    std::string yaml = test::kMinimalManifest;
    yaml.replace(0, 10, "lacquer: " + std::string(63, '[') + std::string(63, ']'));
    EXPECT_THAT(
        manifestErrors(yaml),
        ElementsAre("album.yaml:1:10: lacquer: expected a whole number, got a list — use a whole number "
                    "from 1 to 1000000"));
}

TEST(ManifestYaml, ManifestOverOneMebibyteIsRefusedBeforeParsing) {
    // Valid YAML (a comment), so only the size check can refuse it.
    const std::string yaml = test::kMinimalManifest + "#" + std::string(1024 * 1024, 'x') + "\n";
    const std::string expected = fmt::format(
        ": the manifest is {} bytes, over the 1048576 byte limit — a manifest is a short hand-written file; "
        "check "
        "that this is the right file",
        yaml.size());
    ASSERT_GT(yaml.size(), 1024u * 1024u);
    EXPECT_THAT(manifestErrors(yaml), ElementsAre("album.yaml" + expected));

    const auto file = test::scratchDir() / "big.yaml";
    std::ofstream(file) << yaml;
    try {
        manifest::load(file, manifest::CheckInputs::No);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Manifest);
        EXPECT_EQ(e.diagnostics().at(0).line(), file.string() + expected);
    }
}

TEST(ManifestYaml, EmptyKeyAndCollectionKeyAreRefused) {
    std::string yaml = test::kMinimalManifest;
    yaml += "? [a, b]\n: 1\n";
    EXPECT_THAT(manifestErrors(yaml),
                ElementsAre("album.yaml:11:3: a key must be a plain word, not a list — write 'key: value'"));
}

}  // namespace
}  // namespace lacquer
