// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest/spectral.hpp"

#include <fmt/format.h>

namespace lacquer::manifest::detail {
namespace {

constexpr Range kAmount{0, 1, ""};
constexpr Range kSmoothingOct{0.05, 2, "oct"};
constexpr Range kLimitDb{0, 24, "dB"};
constexpr Range kMatchHz{10, 24000, "Hz"};
constexpr std::size_t kMaxReferences = 32;
constexpr Range kReductionDb{1, 40, "dB"};
constexpr Range kSensitivityDb{-6, 12, "dB"};
constexpr Range kTimeSmoothing{0, 0.999, ""};
constexpr Range kProfileS{0, 86400, "s"};
// A stated profile region holds at least a few analysis frames (85 ms each, hop 43 ms).
constexpr double kMinProfileS = 0.25;

}  // namespace

std::optional<eq::MatchParams> readMatch(Checker& c, const Node& v) {
    MapView m(c, &v, "match",
              {"references", "amount", "smoothing_oct", "max_boost_db", "max_cut_db", "low_hz", "high_hz", "scope"},
              "in match");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c.diagnostics().size();
    eq::MatchParams p;
    if (const Node* refs = m.require("references", "add 'references: [master.flac, ...]' (the masters to match)")) {
        if (refs->kind == Node::Kind::Scalar) {
            if (auto path = c.path(*refs, "references")) {
                p.references.push_back(*path);
                c.addInput(InputRef::Kind::Reference, *refs, *path);
            }
        } else if (refs->kind != Node::Kind::Sequence || refs->items.empty() || refs->items.size() > kMaxReferences) {
            c.error(*refs, "references: expected a list of 1 to 32 audio files",
                    "write them like [refs/master-a.flac, refs/master-b.wav]");
        } else {
            for (const Node& item : refs->items)
                if (auto path = c.path(item, "reference")) {
                    p.references.push_back(*path);
                    c.addInput(InputRef::Kind::Reference, item, *path);
                }
        }
    }
    if (auto x = m.number("amount", kAmount)) p.amount = *x;
    if (auto x = m.number("smoothing_oct", kSmoothingOct)) p.smoothingOct = *x;
    if (auto x = m.number("max_boost_db", kLimitDb)) p.maxBoostDb = *x;
    if (auto x = m.number("max_cut_db", kLimitDb)) p.maxCutDb = *x;
    if (auto x = m.frequency("low_hz", kMatchHz)) p.lowHz = *x;
    if (auto x = m.frequency("high_hz", kMatchHz)) p.highHz = *x;
    if (p.lowHz * 2 > p.highHz) {
        c.error(m.get("high_hz") ? *m.get("high_hz") : (m.get("low_hz") ? *m.get("low_hz") : v),
                fmt::format("the match range {}..{} Hz is under an octave wide", num(p.lowHz), num(p.highHz)),
                "match over at least an octave: lower low_hz or raise high_hz (defaults 30 and 16000)");
    }
    if (auto s = m.choice("scope", {"album", "track"})) p.scope = *s == 0 ? eq::MatchScope::Album : eq::MatchScope::Track;
    if (c.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<denoise::Params> readDenoise(Checker& c, const Node& v) {
    MapView m(c, &v, "denoise", {"reduction_db", "sensitivity_db", "time_smoothing", "profile"}, "in denoise");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c.diagnostics().size();
    denoise::Params p;
    if (auto x = m.number("reduction_db", kReductionDb)) p.reductionDb = *x;
    if (auto x = m.number("sensitivity_db", kSensitivityDb)) p.sensitivityDb = *x;
    if (auto x = m.number("time_smoothing", kTimeSmoothing)) p.timeSmoothing = *x;
    if (const Node* prof = m.get("profile")) {
        if (prof->kind == Node::Kind::Scalar) {
            if (prof->text != "auto")
                c.error(*prof, fmt::format("profile '{}' is not 'auto' or a region", prof->text),
                        "write 'profile: auto' or 'profile: { file: noise.wav, start_s: 0, end_s: 2 }'");
        } else {
            MapView r(c, prof, "profile", {"file", "start_s", "end_s"}, "in denoise profile");
            if (r.valid()) {
                p.autoProfile = false;
                if (auto f = r.path("file", false)) {
                    p.profileFile = *f;
                    c.addInput(InputRef::Kind::NoiseProfile, *r.get("file"), *f);
                }
                const Node* start = r.require("start_s", "add 'start_s:' (where the noise-only passage begins)");
                const Node* end = r.require("end_s", "add 'end_s:' (where it ends)");
                if (auto x = r.number("start_s", kProfileS)) p.profileStartS = *x;
                if (auto x = r.number("end_s", kProfileS)) p.profileEndS = *x;
                if (start && end && c.diagnostics().size() == errorsBefore && p.profileEndS - p.profileStartS < kMinProfileS)
                    c.error(*end,
                            fmt::format("the profile region {}..{} s is shorter than {} s", num(p.profileStartS),
                                        num(p.profileEndS), num(kMinProfileS)),
                            "state a passage of noise alone at least a quarter of a second long");
            }
        }
    }
    if (c.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

}  // namespace lacquer::manifest::detail
