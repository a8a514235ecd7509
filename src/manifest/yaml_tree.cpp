// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>

namespace lacquer::manifest::detail {

void Diagnostics::add(int line, int column, std::string what, std::string todo) {
    std::string where = displayName_;
    if (line > 0) where += fmt::format(":{}:{}", line, column);
    entries_.push_back({line, column, Diagnostic{std::move(where), std::move(what), std::move(todo)}});
}

std::vector<Diagnostic> Diagnostics::sorted(std::size_t maxShown) const {
    std::vector<Entry> entries = entries_;
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    std::vector<Diagnostic> out;
    for (std::size_t i = 0; i < entries.size() && i < maxShown; ++i) out.push_back(entries[i].diagnostic);
    if (entries.size() > maxShown) {
        out.push_back({displayName_, fmt::format("{} more errors not shown", entries.size() - maxShown),
                       "fix the ones above and validate again"});
    }
    return out;
}

std::string printable(const std::string& text, std::size_t maxChars) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= maxChars) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02x}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string describe(const Node& node) {
    switch (node.kind) {
        case Node::Kind::Null:
            return "nothing";
        case Node::Kind::Scalar:
            return "'" + printable(node.text, 40) + "'";
        case Node::Kind::Sequence:
            return "a list";
        case Node::Kind::Mapping:
            return "a mapping";
        case Node::Kind::Invalid:
            return "an invalid value";
    }
    return "?";
}

namespace {

// Receives yaml-cpp's events and assembles Nodes. yaml-cpp reports marks 0-based.
class TreeBuilder : public YAML::EventHandler {
public:
    TreeBuilder(Diagnostics& diags, int maxDepth) : diags_(diags), maxDepth_(maxDepth) {}

    std::optional<Node> takeRoot() { return std::move(root_); }
    bool depthReported() const { return depthReported_; }
    int documents() const { return documents_; }

    void OnDocumentStart(const YAML::Mark& mark) override {
        ++documents_;
        if (documents_ == 2) {
            report(mark, "a second YAML document starts here",
                   "a manifest is one document: remove the '---' and what follows, or merge it");
        }
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (skipping()) return;
        attach(leaf(Node::Kind::Null, mark));
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (skipping()) return;
        // Anchor ids are handed out 1, 2, 3... in the order OnAnchor reports the names.
        const std::string name = anchor >= 1 && anchor <= anchorNames_.size() ? anchorNames_[anchor - 1] : "";
        report(mark, fmt::format("YAML alias '*{}' is not allowed", name),
               "write the value out in full (lacquer refuses anchors and aliases)");
        attach(leaf(Node::Kind::Invalid, mark));
    }

    void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
        anchorNames_.push_back(name);
        if (skipping()) return;
        report(mark, fmt::format("YAML anchor '&{}' is not allowed", name),
               "remove it and write each value out in full (lacquer refuses anchors and aliases)");
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  const std::string& value) override {
        if (skipping()) return;
        Node node = leaf(Node::Kind::Scalar, mark);
        node.text = value;
        node.quoted = tag == "!";
        if (!checkTag(mark, tag)) node.kind = Node::Kind::Invalid;
        attach(std::move(node));
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open(mark, tag, Node::Kind::Sequence);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(mark, tag, Node::Kind::Mapping);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        Node node;
        bool tagged = false;                            // explicit tag: reported, content dropped
        std::optional<Node> pendingKey;                 // mappings: key waiting for its value
        std::unordered_map<std::string, int> keyLines;  // mappings: key → line of first use
    };

    bool skipping() const { return documents_ > 1 || skipDepth_ > 0; }

    static Node leaf(Node::Kind kind, const YAML::Mark& mark) {
        Node node;
        node.kind = kind;
        node.line = mark.line + 1;
        node.column = mark.column + 1;
        return node;
    }

    void report(const YAML::Mark& mark, std::string what, std::string todo) {
        diags_.add(mark.line + 1, mark.column + 1, std::move(what), std::move(todo));
    }

    // "?" = plain and untagged, "!" = quoted and untagged; anything else was written explicitly.
    bool checkTag(const YAML::Mark& mark, const std::string& tag) {
        if (tag.empty() || tag == "?" || tag == "!") return true;
        report(mark, fmt::format("YAML tag '{}' is not allowed", tag),
               "remove the tag; lacquer reads plain values");
        return false;
    }

    void open(const YAML::Mark& mark, const std::string& tag, Node::Kind kind) {
        if (documents_ > 1) return;
        if (skipDepth_ > 0) {
            ++skipDepth_;
            return;
        }
        if (static_cast<int>(stack_.size()) >= maxDepth_) {
            if (!depthReported_) {
                report(mark, fmt::format("nesting is deeper than {} levels", maxDepth_),
                       "a manifest needs only a few levels; flatten this part");
                depthReported_ = true;
            }
            skipDepth_ = 1;
            skipMark_ = mark;
            return;
        }
        Frame frame;
        frame.node = leaf(kind, mark);
        frame.tagged = !checkTag(mark, tag);
        stack_.push_back(std::move(frame));
    }

    void close() {
        if (documents_ > 1) return;
        if (skipDepth_ > 0) {
            if (--skipDepth_ == 0) attach(leaf(Node::Kind::Invalid, skipMark_));
            return;
        }
        Node node = std::move(stack_.back().node);
        const bool tagged = stack_.back().tagged;
        stack_.pop_back();
        if (tagged) {
            // Keep its place (so that its key is not reported missing) but not its content.
            node.kind = Node::Kind::Invalid;
            node.items.clear();
            node.entries.clear();
        }
        attach(std::move(node));
    }

    void attach(Node node) {
        if (stack_.empty()) {
            root_ = std::move(node);
            return;
        }
        Frame& parent = stack_.back();
        if (parent.node.kind == Node::Kind::Sequence) {
            parent.node.items.push_back(std::move(node));
            return;
        }
        if (!parent.pendingKey) {
            if (node.kind == Node::Kind::Null) {
                report(markOf(node), "a key is missing before ':'", "write 'key: value'");
                node.kind = Node::Kind::Invalid;
            } else if (node.kind == Node::Kind::Sequence || node.kind == Node::Kind::Mapping) {
                report(markOf(node), "a key must be a plain word, not " + describe(node),
                       "write 'key: value'");
                node.kind = Node::Kind::Invalid;
            }
            parent.pendingKey = std::move(node);
            return;
        }
        Node key = std::move(*parent.pendingKey);
        parent.pendingKey.reset();
        if (key.kind == Node::Kind::Scalar) {
            auto [it, inserted] = parent.keyLines.emplace(key.text, key.line);
            if (!inserted) {
                report(markOf(key),
                       fmt::format("duplicate key '{}' (first at line {})", printable(key.text), it->second),
                       "keep one of them");
                return;  // the first one stands; the second is reported, never silently used
            }
        } else {
            return;  // an invalid key was reported already; its value cannot be placed
        }
        parent.node.entries.emplace_back(std::move(key), std::move(node));
    }

    static YAML::Mark markOf(const Node& node) {
        YAML::Mark mark;
        mark.line = node.line - 1;
        mark.column = node.column - 1;
        return mark;
    }

    Diagnostics& diags_;
    int maxDepth_;
    std::vector<Frame> stack_;
    std::optional<Node> root_;
    std::vector<std::string> anchorNames_;
    int documents_ = 0;
    int skipDepth_ = 0;  // > 0 while inside a subtree past the depth cap
    YAML::Mark skipMark_;
    bool depthReported_ = false;
};

}  // namespace

std::optional<Node> buildTree(const std::string& text, Diagnostics& diags, const TreeLimits& limits) {
    if (text.size() > limits.maxBytes) {
        diags.add(
            0, 0,
            fmt::format("the manifest is {} bytes, over the {} byte limit", text.size(), limits.maxBytes),
            "a manifest is a short hand-written file; check that this is the right file");
        return std::nullopt;
    }
    std::istringstream in(text);
    TreeBuilder builder(diags, limits.maxDepth);
    try {
        YAML::Parser parser(in);
        if (parser.HandleNextDocument(builder)) {
            // A second document is reported (once) by the builder and otherwise ignored.
            parser.HandleNextDocument(builder);
        }
    } catch (const YAML::DeepRecursion& e) {
        if (!builder.depthReported()) {
            diags.add(e.mark.line + 1, e.mark.column + 1, "nesting is too deep",
                      "a manifest needs only a few levels; flatten this part");
        }
        return std::nullopt;
    } catch (const YAML::ParserException& e) {
        diags.add(
            e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg,
            "fix the YAML at this position (indentation, ':' after keys, matching brackets and quotes)");
        return std::nullopt;
    }
    std::optional<Node> root = builder.takeRoot();
    if (!root || root->kind == Node::Kind::Null) {
        diags.add(0, 0, "the manifest is empty", "start it with 'lacquer: 1' (see docs/manifest.md)");
        return std::nullopt;
    }
    return root;
}

}  // namespace lacquer::manifest::detail
