// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The manifest's own small YAML tree, built from yaml-cpp's event API rather than YAML::Node:
// yaml-cpp 0.7's node API silently keeps the first of two duplicate keys and expands aliases
// when walked (an alias bomb grows exponentially). Building the tree ourselves lets us refuse
// anchors, aliases and duplicate keys where they are written, cap the nesting depth, and keep
// every value's text exactly as written (a catalog number "0123..." keeps its leading zero).
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lacquer/common/error.hpp"

namespace lacquer::manifest::detail {

// Collects diagnostics located "file:line:col" (1-based) and hands them back in file order.
class Diagnostics {
public:
    explicit Diagnostics(std::string displayName) : displayName_(std::move(displayName)) {}

    // line 0 = about the file as a whole (where = the display name only).
    void add(int line, int column, std::string what, std::string todo);
    bool empty() const { return entries_.empty(); }
    std::size_t size() const { return entries_.size(); }
    const std::string& displayName() const { return displayName_; }

    // Sorted by line and column (file-level first); past `maxShown` the rest are summarised in
    // one last line so that a pathological manifest cannot flood the terminal.
    std::vector<Diagnostic> sorted(std::size_t maxShown = 100) const;

private:
    struct Entry {
        int line;
        int column;
        Diagnostic diagnostic;
    };
    std::string displayName_;
    std::vector<Entry> entries_;
};

struct Node {
    enum class Kind {
        Null,      // an empty value, `~` or `null`
        Scalar,    // text, exactly as written (quotes removed)
        Sequence,  // items
        Mapping,   // entries, in file order, duplicates already refused
        Invalid,   // something already reported (an alias, a subtree past the depth cap): skip quietly
    };
    Kind kind = Kind::Null;
    int line = 0;    // 1-based
    int column = 0;  // 1-based
    std::string text;
    bool quoted = false;  // scalar was written in quotes (or as a block scalar)
    std::vector<Node> items;
    std::vector<std::pair<Node, Node>> entries;  // key (a Scalar) → value
};

struct TreeLimits {
    std::size_t maxBytes = 1024 * 1024;  // manifests are hand-written; 1 MiB is far beyond any album
    int maxDepth = 64;                   // nested mappings/lists; the schema itself needs 5
};

// Parses `text` into a tree. Problems (syntax errors with yaml-cpp's mark and message, anchors,
// aliases, duplicate keys, tags, depth, a second document) go to `diags`. Returns nullopt when no
// usable tree came out (empty input, syntax error, over the size limit): the schema is then not
// checked, since its messages would only be noise.
std::optional<Node> buildTree(const std::string& text, Diagnostics& diags, const TreeLimits& limits = {});

// Text as it may appear inside a one-line message: control characters escaped ("\n", "\x01"),
// cut after `maxChars` bytes with "...".
std::string printable(const std::string& text, std::size_t maxChars = 60);

// "a mapping", "a list", "nothing", "'abc'" — for "expected X, got Y" messages.
std::string describe(const Node& node);

}  // namespace lacquer::manifest::detail
