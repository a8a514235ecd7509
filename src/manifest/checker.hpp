// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Typed, range-checked reading of manifest values from the YAML tree. Every read either yields a
// value or records one diagnostic at the value's position and yields nothing, so that a single
// pass over the manifest finds every error.
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest::detail {

// A closed numeric range with its unit, for messages "outside -40..0 LUFS".
struct Range {
    double lo;
    double hi;
    std::string_view unit;      // "" for plain ratios
    bool zeroMeansOff = false;  // 0 is also accepted (and means "off")
};

// An input file named in the manifest, probed after the schema pass when inputs are checked.
struct InputRef {
    enum class Kind { Track, ImpulseResponse, Cover, Reference, NoiseProfile };
    Kind kind;
    std::filesystem::path path;  // absolute
    std::string written;         // as in the manifest, printable (for messages)
    int line = 0;
    int column = 0;
    int trackIndex = -1;  // Kind::Track: index into AlbumPlan::tracks
};

// Damerau-Levenshtein (optimal string alignment) distance.
std::size_t editDistance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if close enough to be a plausible typo (case, '_' and '-'
// differences are forgiven: "fadeIns" finds "fade_in_s").
std::optional<std::string> closestMatch(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

bool isValidUtf8(std::string_view text);

// Strict number syntax: decimal or exponent form, optional sign; no inf/nan, hex or '_'.
std::optional<double> parseNumber(std::string_view text);

// Formats a number for messages (shortest form that reads back exactly).
std::string num(double value);

class Checker {
public:
    Checker(Diagnostics& diags, std::filesystem::path baseDir)
        : diags_(diags), baseDir_(std::move(baseDir)) {}

    void error(const Node& at, std::string what, std::string todo) {
        diags_.add(at.line, at.column, std::move(what), std::move(todo));
    }
    Diagnostics& diagnostics() { return diags_; }
    const std::string& displayName() const { return diags_.displayName(); }

    // Value readers. `name` is the key as the user wrote it, for messages. Invalid nodes (already
    // reported) give nullopt without a new message.
    std::optional<double> number(const Node& v, std::string_view name, const Range& range);
    std::optional<int> integer(const Node& v, std::string_view name, int lo, int hi, std::string_view unit);
    std::optional<std::string> text(const Node& v, std::string_view name, bool allowEmpty);
    std::optional<std::filesystem::path> path(const Node& v, std::string_view name);
    // One of the listed words; returns its index.
    std::optional<std::size_t> choice(const Node& v, std::string_view name,
                                      const std::vector<std::string_view>& words);

    // A frequency that must also stay under the processing rate's Nyquist frequency.
    std::optional<double> frequency(const Node& v, std::string_view name, const Range& range);

    void setProcessingRate(int rateHz) { processingRateHz_ = rateHz; }
    std::vector<InputRef>& inputs() { return inputs_; }
    void addInput(InputRef::Kind kind, const Node& at, std::filesystem::path path, int trackIndex = -1);

private:
    Diagnostics& diags_;
    std::filesystem::path baseDir_;
    int processingRateHz_ = 0;  // 0 = unknown (invalid processing.sample_rate): no Nyquist check
    std::vector<InputRef> inputs_;
};

// A mapping in the manifest, with its keys checked against those valid at that level.
class MapView {
public:
    // `node` may be null (the block is absent): the view is then empty and reports nothing.
    // `name` names the block in "expected a mapping" messages; `context` ends unknown-key
    // messages ("in track", "at the top level").
    MapView(Checker& checker, const Node* node, std::string name, std::vector<std::string_view> keys,
            std::string context);

    bool valid() const { return map_ != nullptr; }
    const Node& node() const { return *map_; }
    const std::string& context() const { return context_; }

    const Node* get(std::string_view key) const;    // the value, or null when absent
    const Node* keyOf(std::string_view key) const;  // the key itself (for its position)
    // Reports "missing required key 'k' in <block>" at the mapping's position when absent.
    const Node* require(std::string_view key, std::string todo = {});

    std::optional<double> number(std::string_view key, const Range& range);
    std::optional<double> frequency(std::string_view key, const Range& range);
    std::optional<int> integer(std::string_view key, int lo, int hi, std::string_view unit);
    std::optional<std::string> text(std::string_view key, bool required = false);
    std::optional<std::filesystem::path> path(std::string_view key, bool required);
    std::optional<std::size_t> choice(std::string_view key, const std::vector<std::string_view>& words);

private:
    Checker& checker_;
    const Node* map_ = nullptr;
    std::string name_;
    std::string context_;
};

}  // namespace lacquer::manifest::detail
