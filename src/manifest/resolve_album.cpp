// SPDX-License-Identifier: GPL-3.0-or-later
// Resolving the manifest: the album, processing, tracks, variants (presets, sides, export, codec
// headroom). The schema is documented key by key in docs/manifest.md; keep the two in step.
#include <algorithm>

#include "manifest/resolver.hpp"
#include "manifest/checks_section.hpp"
#include "manifest/store_rules.hpp"

#include "lacquer/common/output_names.hpp"
#include "lacquer/manifest/codes.hpp"

namespace lacquer::manifest::detail {

AlbumPlan Resolver::run(const Node& root) {
    MapView top(c_, &root, "the manifest",
                {"lacquer", "album", "processing", "chain", "loudness", "sequence", "checks", "tracks", "variants"},
                "at the top level");
    if (!top.valid()) return plan_;

    if (const Node* v =
            top.require("lacquer", "add 'lacquer: 1' as the first line (the manifest format version)")) {
        if (std::optional<int> version = c_.integer(*v, "lacquer", 1, 1'000'000, "");
            version && *version != 1) {
            c_.error(*v, fmt::format("manifest format version {} is not supported", *version),
                     "this lacquer reads version 1; write 'lacquer: 1'");
        }
    }
    readProcessing(top.get("processing"));
    readAlbum(top.require("album", "add an album: block with at least title and artist"));

    const ChainSpec albumChain = readChain(top.get("chain"), ChainLevel::Album, -1);
    plan_.albumChain = applyChain({}, albumChain);
    plan_.albumLimiter = albumChain.limiter;

    plan_.loudness = readLoudness(top.get("loudness"), LoudnessParams{}, "loudness");
    MapView sequence(c_, top.get("sequence"), "sequence", {"gap_s"}, "in sequence");
    if (auto gap = sequence.number("gap_s", kGapS)) plan_.sequence.gapS = *gap;
    plan_.checks = readChecksSection(c_, top.get("checks"));

    readTracks(
        top.require("tracks", "add a tracks: list with one '- file: ..., title: ...' entry per track"));
    readVariants(
        top.require("variants", "add a variants: block, e.g. streaming: { export: { format: flac } }"));
    return plan_;
}

void Resolver::readProcessing(const Node* node) {
    plan_.processingRateHz = 96000;
    MapView m(c_, node, "processing", {"sample_rate"}, "in processing");
    if (m.get("sample_rate")) {
        std::optional<int> rate = sampleRate(c_, m, "sample_rate");
        plan_.processingRateHz = rate.value_or(0);
    }
    c_.setProcessingRate(plan_.processingRateHz);  // 0 (invalid) turns the Nyquist checks off
}

void Resolver::readAlbum(const Node* node) {
    MapView m(c_, node, "album",
              {"title", "artist", "date", "genre", "catalog", "cover", "disc_number", "disc_total", "label",
               "copyright", "phonographic_copyright"},
              "in album");
    if (!m.valid()) return;
    AlbumMeta& a = plan_.album;
    if (auto t = m.text("title", true)) a.title = *t;
    if (auto t = m.text("artist", true)) a.artist = *t;
    if (auto t = m.text("genre")) a.genre = *t;
    if (auto t = m.text("label")) a.label = *t;
    readCopyrightLine(c_, m, "copyright", a.copyright);
    readCopyrightLine(c_, m, "phonographic_copyright", a.phonographicCopyright);
    if (const Node* v = m.get("date")) {
        if (auto t = c_.text(*v, "date", false)) {
            // YYYY, YYYY-MM or YYYY-MM-DD: the ISO 8601 prefixes that tag readers expect in DATE.
            const std::string& d = *t;
            auto digits = [&](std::size_t from, std::size_t n) {
                return std::all_of(d.begin() + from, d.begin() + from + n,
                                   [](char ch) { return ch >= '0' && ch <= '9'; });
            };
            const bool ok = (d.size() == 4 && digits(0, 4)) ||
                            (d.size() == 7 && digits(0, 4) && d[4] == '-' && digits(5, 2)) ||
                            (d.size() == 10 && digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' &&
                             digits(8, 2));
            if (ok) {
                a.date = d;
            } else {
                c_.error(*v,
                         fmt::format("date '{}' is not YYYY, YYYY-MM or YYYY-MM-DD", detail::printable(d)),
                         "write the release date like \"2026\" or \"2026-03-14\"");
            }
        }
    }
    if (const Node* v = m.get("catalog")) {
        if (auto t = c_.text(*v, "catalog", false)) {
            std::string why;
            if (auto ean = normaliseCatalog(*t, &why)) {
                a.catalog = *ean;
            } else {
                c_.error(*v,
                         fmt::format("catalog '{}' {}", detail::printable(*t),
                                     why.rfind("fails", 0) == 0 ? why : "is malformed: " + why),
                         "check the barcode (EAN-13 or UPC-A) against the label's paperwork");
            }
        }
    }
    if (const Node* v = m.get("cover")) {
        if (auto p = c_.path(*v, "cover")) {
            std::string ext = p->extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char ch) { return std::tolower(ch); });
            if (ext != ".png" && ext != ".jpg" && ext != ".jpeg") {
                c_.error(*v, fmt::format("cover '{}' is not a PNG or JPEG file", detail::printable(v->text)),
                         "use a .png, .jpg or .jpeg image (players show only these as front covers)");
            } else {
                a.cover = *p;
                c_.addInput(InputRef::Kind::Cover, *v, *p);
            }
        }
    }
    const std::optional<int> discNumber = m.integer("disc_number", 1, 99, "");
    const std::optional<int> discTotal = m.integer("disc_total", 1, 99, "");
    if (discNumber) a.discNumber = *discNumber;
    if (discTotal) a.discTotal = *discTotal;
    if (discNumber && a.discNumber > a.discTotal) {
        c_.error(*m.get("disc_number"),
                 fmt::format("disc_number {} is greater than disc_total {}", a.discNumber, a.discTotal),
                 "set disc_total to the number of discs in the release");
    }
}

void Resolver::readTracks(const Node* node) {
    if (!node || node->kind == Node::Kind::Invalid) return;
    if (node->kind != Node::Kind::Sequence) {
        c_.error(*node, fmt::format("tracks: expected a list of tracks, got {}", detail::describe(*node)),
                 "write each track as '- file: ...' lines under tracks:");
        return;
    }
    if (node->items.empty()) {
        c_.error(*node, "tracks is empty", "add at least one track");
        return;
    }
    if (node->items.size() > kMaxTracks) {
        c_.error(*node,
                 fmt::format("tracks has {} entries, more than the {} an album can hold", node->items.size(),
                             kMaxTracks),
                 "split the release into several manifests (discs)");
        return;
    }
    plan_.tracks.resize(node->items.size());
    trackNodes_.resize(node->items.size());
    trackChainSpecs_.resize(node->items.size());
    for (std::size_t i = 0; i < node->items.size(); ++i) readTrack(node->items[i], static_cast<int>(i));

    // Cross-track checks that need no audio.
    std::map<std::string, std::pair<int, int>> isrcs;  // ISRC → (track number, line)
    for (std::size_t i = 0; i < plan_.tracks.size(); ++i) {
        const TrackPlan& t = plan_.tracks[i];
        if (t.isrc.empty()) continue;
        auto [it, inserted] = isrcs.emplace(t.isrc, std::make_pair(t.number, trackNodes_[i].isrc->line));
        if (!inserted) {
            c_.error(*trackNodes_[i].isrc,
                     fmt::format("isrc {} is also track {}'s (line {})", t.isrc, it->second.first,
                                 it->second.second),
                     "every track needs its own ISRC");
        }
    }
    const std::size_t last = plan_.tracks.size() - 1;
    if (trackNodes_[last].crossfade && plan_.tracks[last].crossfadeS > 0) {
        c_.error(*trackNodes_[last].crossfade,
                 "crossfade_s is set on the last track, which has no next track",
                 "remove it; use fade_out_s to end the album");
    }
}

void Resolver::readTrack(const Node& v, int index) {
    TrackPlan& t = plan_.tracks[index];
    TrackNodes& nodes = trackNodes_[index];
    t.number = index + 1;
    t.loc = loc(v);
    t.artist = plan_.album.artist;
    t.chain = plan_.albumChain;
    MapView m(
        c_, &v, "track",
        {"file", "title", "artist", "composer", "isrc", "fade_in_s", "fade_out_s", "fade_in_curve",
         "fade_out_curve", "crossfade_s", "crossfade_curve", "gap_after_s", "loudness_offset_lu", "chain"},
        "in track");
    if (!m.valid()) return;
    if (auto p = m.path("file", true)) {
        t.file = *p;
        c_.addInput(InputRef::Kind::Track, *m.get("file"), *p, index);
    }
    if (auto x = m.text("title", true)) t.title = *x;
    if (auto x = m.text("artist"); x && !x->empty()) t.artist = *x;
    if (auto x = m.text("composer")) t.composer = *x;
    if (const Node* n = m.get("isrc")) {
        nodes.isrc = n;
        if (auto x = c_.text(*n, "isrc", false)) {
            std::string why;
            if (auto isrc = normaliseIsrc(*x, &why)) {
                t.isrc = *isrc;
            } else {
                c_.error(*n, fmt::format("isrc '{}' is malformed: {}", detail::printable(*x), why),
                         "copy the ISRC exactly as issued (CC-XXX-YY-NNNNN, e.g. GB-AYE-26-00001)");
            }
        }
    }
    nodes.fadeIn = m.get("fade_in_s");
    nodes.fadeOut = m.get("fade_out_s");
    nodes.crossfade = m.get("crossfade_s");
    if (auto x = m.number("fade_in_s", kFadeS)) t.fadeInS = *x;
    if (auto x = m.number("fade_out_s", kFadeS)) t.fadeOutS = *x;
    if (auto x = m.choice("fade_in_curve", kFadeCurveWords)) t.fadeInCurve = kFadeCurves[*x];
    if (auto x = m.choice("fade_out_curve", kFadeCurveWords)) t.fadeOutCurve = kFadeCurves[*x];
    if (auto x = m.choice("crossfade_curve", kFadeCurveWords)) t.crossfadeCurve = kFadeCurves[*x];
    if (auto x = m.number("loudness_offset_lu", kOffsetLu)) t.loudnessOffsetLu = *x;
    if (auto x = m.number("crossfade_s", kCrossfadeS)) t.crossfadeS = *x;
    if (auto x = m.number("gap_after_s", kGapS)) t.gapAfterS = *x;
    if (t.crossfadeS > 0 && m.get("gap_after_s")) {
        c_.error(*m.keyOf("gap_after_s"), "gap_after_s and crossfade_s are both set; a crossfade has no gap",
                 "remove one of them");
    }
    if (const Node* chain = m.get("chain")) {
        trackChainSpecs_[index] = readChain(chain, ChainLevel::Track, index);
        t.chain = applyChain(plan_.albumChain, trackChainSpecs_[index]);
    }
}

void Resolver::readVariants(const Node* node) {
    if (!node || node->kind == Node::Kind::Invalid) return;
    if (node->kind != Node::Kind::Mapping) {
        c_.error(
            *node,
            fmt::format("variants: expected a mapping of variant names, got {}", detail::describe(*node)),
            "write each variant as 'name: { export: { format: flac } }' under variants:");
        return;
    }
    if (node->entries.empty()) {
        c_.error(*node, "variants is empty",
                 "add at least one variant, e.g. streaming: { export: { format: flac } }");
        return;
    }
    std::map<std::string, const Node*> folded;  // lower-cased name → key, for case clashes
    for (const auto& [key, value] : node->entries) {
        const std::string& name = key.text;
        const bool charsOk = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                   ch == '.' || ch == '_' || ch == '-';
        });
        if (!charsOk || name == "." || name == "..") {
            c_.error(key, fmt::format("variant name '{}' cannot be a folder name", detail::printable(name)),
                     "use only letters, digits, '.', '_' and '-' (it names the output folder)");
            continue;
        }
        if (const std::string why = output_names::reservedBecause(name); !why.empty()) {
            c_.error(key, fmt::format("variant name '{}' {}", name, why),
                     "rename the variant (it names its folder in the output folder)");
            continue;
        }
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        auto [it, inserted] = folded.emplace(lower, &key);
        if (!inserted) {
            c_.error(key,
                     fmt::format("variant '{}' differs from '{}' (line {}) only in case", name,
                                 it->second->text, it->second->line),
                     "rename one: both would write the same folder on case-insensitive file systems");
            continue;
        }
        readVariant(key, value);
    }
}

void Resolver::readVariant(const Node& key, const Node& v) {
    const std::string context = fmt::format("in variant '{}'", key.text);
    MapView m(c_, &v, fmt::format("variant '{}'", key.text),
              {"preset", "loudness", "limiter", "mono_bass_hz", "stereo", "deesser", "chain",
               "codec_headroom", "disc", "sides", "side_order", "export"},
              context);
    if (!m.valid()) return;
    VariantPlan variant;
    variant.name = key.text;
    variant.loc = loc(key);

    // The preset's values go in first; every key the variant writes then replaces one of them.
    const Preset* preset = nullptr;
    if (auto i = m.choice("preset", presetNames())) {
        preset = &presets()[*i];
        variant.preset = std::string(preset->name);
    }
    LoudnessParams loudnessBase = plan_.loudness;
    limiter::Params limiterBase = plan_.albumLimiter.value_or(limiter::Params{});
    if (preset) {
        loudnessBase.targetLufs = preset->targetLufs;
        limiterBase.ceilingDbtp = preset->ceilingDbtp;
        variant.monoBassHz = preset->monoBassHz;
        variant.vinylDisc = std::string(preset->disc);
    }
    variant.loudness = readLoudness(m.get("loudness"), loudnessBase, "loudness");
    variant.limiter = limiterBase;
    if (const Node* l = m.get("limiter")) {
        if (isOff(*l)) {
            variant.limiter.reset();
        } else if (auto p = readLimiter(*l, limiterBase)) {
            variant.limiter = *p;
        }
    }
    if (auto x = m.number("mono_bass_hz", kMonoHz)) variant.monoBassHz = *x;
    // Stereo and tone tools as variant deltas, applied after the shared chain.
    if (const Node* st = m.get("stereo")) variant.stereo = readStereo(*st);
    if (const Node* ds = m.get("deesser")) variant.deesser = readDeesser(*ds);

    // The shared chain for this variant: its `chain:` blocks replace the album's, and a track's
    // own blocks still win for that track.
    const ChainSpec variantChain = readChain(m.get("chain"), ChainLevel::Variant, -1);
    const ChainParams variantBase = applyChain(plan_.albumChain, variantChain);
    for (std::size_t i = 0; i < plan_.tracks.size(); ++i) {
        variant.trackChains.push_back(applyChain(variantBase, trackChainSpecs_[i]));
        if (variant.trackChains.back() != plan_.tracks[i].chain) variant.overridesChain = true;
    }

    // A vinyl premaster: one file per side, planned within the disc's side length.
    const bool sidesWritten = m.get("sides") != nullptr;
    bool manualSides = false;
    if (const Node* s = m.get("sides")) manualSides = readSides(*s, variant);
    static const std::vector<std::string_view> kDiscs{"12in-33", "12in-45", "10in-33", "7in-45", "7in-33"};
    if (auto d = m.choice("disc", kDiscs)) variant.vinylDisc = std::string(kDiscs[*d]);
    if (sidesWritten && variant.vinylDisc.empty()) variant.vinylDisc = "12in-33";
    if (auto order = m.choice("side_order", {"planned", "running"})) {
        if (variant.vinylDisc.empty()) {
            c_.error(*m.keyOf("side_order"), "side_order applies to vinyl variants only",
                     "add 'disc:' (e.g. 12in-33) to make this a vinyl premaster, or remove side_order");
        } else if (manualSides) {
            c_.error(*m.keyOf("side_order"),
                     "side_order applies to planned sides; these sides are written out",
                     "remove side_order (written sides play in the order given), or write 'sides: auto'");
        } else {
            variant.sideOrder = *order == 0 ? VinylSideOrder::Planned : VinylSideOrder::Running;
        }
    }

    const Node* exportNode = preset || m.keyOf("preset")
                                 ? m.get("export")
                                 : m.require("export", "add 'export: { format: flac }' (flac, wav or cd)");
    const bool formatKnown = readExport(exportNode, variant.exportSpec, preset);
    if (formatKnown && variant.exportSpec.lossy() && !variant.vinylDisc.empty()) {
        const auto name = exportFormatName(variant.exportSpec.format);
        c_.error(exportNode ? *exportNode : *m.keyOf("preset"), fmt::format("a vinyl premaster cannot be an {} export", name),
                 fmt::format("use format: wav for the plant (an {} is a promo or client copy)", name));
    }
    readCodecHeadroom(m, variant, formatKnown);
    plan_.variants.push_back(std::move(variant));
}

void Resolver::readCodecHeadroom(const MapView& m, VariantPlan& variant, bool formatKnown) {
    const bool flac = formatKnown && variant.exportSpec.format == ExportFormat::Flac;
    // MP3 and AAC deliverables (the same rules; the messages name the format).
    const bool mp3 = formatKnown && variant.exportSpec.lossy();
    if (flac || mp3) variant.maxDecodedDbtp = variant.limiter ? variant.limiter->ceilingDbtp : -1.0;
    // An MP3 deliverable is itself the lossy file: the same rule as codec_headroom's mode lower,
    // always — each track's ceiling comes down until its MP3 decodes under the variant's ceiling.
    if (mp3) variant.lowerCeilingForCodecs = variant.limiter.has_value();
    const Node* node = m.get("codec_headroom");
    if (!node) return;
    if (mp3) {
        const std::string name(exportFormatName(variant.exportSpec.format));
        std::string upper = name == "mp3" ? "MP3" : "AAC";
        c_.error(*m.keyOf("codec_headroom"), fmt::format("codec_headroom does not apply to an {} variant", name),
                 fmt::format("remove it: an {} variant's ceilings are always lowered until the decoded {} is under the "
                             "limiter's ceiling",
                             name, upper));
        return;
    }
    if (formatKnown && !flac) {
        c_.error(
            *m.keyOf("codec_headroom"),
            fmt::format("codec_headroom applies to flac variants only; this one exports {}",
                        exportFormatName(variant.exportSpec.format)),
            "remove it; the lossy encodes that need the headroom are made from a streaming (flac) master");
        return;
    }
    MapView h(c_, node, "codec_headroom", {"mode", "max_decoded_dbtp"}, "in codec_headroom");
    if (!h.valid()) return;
    const std::optional<std::size_t> mode = h.choice("mode", {"check", "lower", "off"});
    const std::optional<double> maxDbtp = h.number("max_decoded_dbtp", kCeilingDbtp);
    if (mode && *mode == 1 && !variant.limiter) {
        c_.error(*h.get("mode"),
                 "codec_headroom mode lower needs a limiter, and this variant has 'limiter: off'",
                 "use 'mode: check' to measure only, or give the variant a limiter");
        return;
    }
    if (!flac) return;
    if (mode) variant.lowerCeilingForCodecs = *mode == 1;
    if (mode) variant.codecRoundTrips = *mode != 2;
    if (maxDbtp) variant.maxDecodedDbtp = *maxDbtp;
}

bool Resolver::readSides(const Node& v, VariantPlan& variant) {
    if (v.kind == Node::Kind::Invalid) return false;
    if (v.kind == Node::Kind::Scalar && !v.quoted && v.text == "auto") return false;  // planned sides
    if (v.kind != Node::Kind::Mapping) {
        c_.error(v,
                 fmt::format("sides: expected auto or a mapping of sides to track numbers, got {}",
                             detail::describe(v)),
                 "write 'sides: auto' to have them planned, or list them like { A: [1, 2], B: [3, 4] }");
        return false;
    }
    if (v.entries.empty()) {
        c_.error(v, "sides is empty", "list the sides like { A: [1, 2], B: [3] }, or write 'sides: auto'");
        return false;
    }
    const int trackCount = static_cast<int>(plan_.tracks.size());
    std::map<int, std::pair<std::string, int>> placed;  // track number → (side, line)
    for (const auto& [key, list] : v.entries) {
        // The name becomes part of a file name ("Side A.wav") and of messages.
        const std::string side = detail::printable(key.text);
        const bool usable = !key.text.empty() && key.text.front() != '.' &&
                            std::none_of(key.text.begin(), key.text.end(), [](char ch) {
                                const auto u = static_cast<unsigned char>(ch);
                                return u < 0x20 || u == 0x7f || std::string_view("/\\:*?\"<>|").find(ch) != std::string_view::npos;
                            });
        if (!usable) {
            c_.error(key, fmt::format("side name '{}' cannot be part of a file name", side),
                     "name the sides with letters or digits, like A, B, C, D");
            continue;
        }
        if (list.kind == Node::Kind::Invalid) continue;
        if (list.kind != Node::Kind::Sequence) {
            c_.error(list,
                     fmt::format("side {}: expected a list of track numbers, got {}", side,
                                 detail::describe(list)),
                     "write it like [1, 2, 3]");
            continue;
        }
        std::vector<int> numbers;
        for (const Node& item : list.items) {
            std::optional<int> n = c_.integer(item, "track number", 1, kMaxTracks, "");
            if (!n) continue;
            if (trackCount > 0 && *n > trackCount) {
                c_.error(
                    item,
                    fmt::format("side {}: there is no track {} (the album has {})", side, *n, trackCount),
                    "use the track numbers of the running order, from 1");
                continue;
            }
            auto [it, inserted] = placed.emplace(*n, std::make_pair(side, item.line));
            if (!inserted) {
                c_.error(item,
                         fmt::format("track {} is already on side {} (line {})", *n, it->second.first,
                                     it->second.second),
                         "put each track on one side only");
                continue;
            }
            numbers.push_back(*n);
        }
        variant.sides[key.text] = numbers;
    }
    return true;
}

// Returns whether the format is known (from the export or the preset), for the checks that
// depend on it. With a preset the export block is optional and its keys replace the preset's;
// naming another format than the preset's starts from that format's own defaults.
bool Resolver::readExport(const Node* node, ExportSpec& spec, const Preset* preset) {
    if (preset) {
        spec = ExportSpec{};
        spec.format = preset->format;
        spec.sampleRateHz = preset->sampleRateHz;
        spec.bitDepth = preset->bitDepth;
        spec.dither = preset->dither;
    }
    MapView m(c_, node, "export", {"format", "sample_rate", "bit_depth", "dither", "bitrate_kbps"}, "in export");
    if (!m.valid()) return preset != nullptr && node == nullptr;
    static constexpr std::array kFormats{ExportFormat::Flac, ExportFormat::Wav, ExportFormat::Cd, ExportFormat::Mp3, ExportFormat::Aac};
    static constexpr std::array kDithers{DitherKind::None, DitherKind::Tpdf, DitherKind::Shaped};
    std::optional<std::size_t> format;
    bool formatKnown = preset != nullptr && !m.get("format");
    if (const Node* f = preset ? m.get("format") : m.require("format", "add 'format:' (flac, wav, cd, mp3 or aac)"))
        format = c_.choice(*f, "format", {"flac", "wav", "cd", "mp3", "aac"});
    if (format) {
        formatKnown = true;
        if (!preset || kFormats[*format] != preset->format) spec = ExportSpec{};
        spec.format = kFormats[*format];
        if (spec.format == ExportFormat::Cd) {
            spec.sampleRateHz = 44100;
            spec.bitDepth = 16;
        }
        if (spec.format == ExportFormat::Mp3) {
            spec.sampleRateHz = 44100;
            spec.bitDepth = 32;  // encoded from the float master: no word length, no dither
            spec.dither = DitherKind::None;
            spec.bitrateKbps = 320;
        }
        if (spec.format == ExportFormat::Aac) {
            spec.sampleRateHz = 44100;
            spec.bitDepth = 32;  // encoded from the float master: no word length, no dither
            spec.dither = DitherKind::None;
            spec.bitrateKbps = 256;  // the stores' AAC copy rate (iTunes Plus)
        }
    }
    const bool cd = formatKnown && spec.format == ExportFormat::Cd;
    const bool mp3 = formatKnown && spec.format == ExportFormat::Mp3;
    const bool aac = formatKnown && spec.format == ExportFormat::Aac;
    const bool lossy = mp3 || aac;
    const auto name = exportFormatName(spec.format);
    if (auto rate = sampleRate(c_, m, "sample_rate")) {
        if (cd && *rate != 44100) {
            c_.error(*m.get("sample_rate"), fmt::format("a cd export is 44100 Hz, not {} Hz", *rate),
                     "remove sample_rate or set it to 44100 (Red Book)");
        } else if (mp3 && *rate != 32000 && *rate != 44100 && *rate != 48000) {
            c_.error(*m.get("sample_rate"), fmt::format("an mp3 export is 32000, 44100 or 48000 Hz, not {} Hz", *rate),
                     "remove sample_rate (44100) or set one of the MPEG-1 Layer III rates");
        } else if (aac && *rate != 44100 && *rate != 48000) {
            c_.error(*m.get("sample_rate"), fmt::format("an aac export is 44100 or 48000 Hz, not {} Hz", *rate),
                     "remove sample_rate (44100) or set it to 48000");
        } else {
            spec.sampleRateHz = *rate;
        }
    }
    if (const Node* b = m.get("bit_depth"); b && lossy) {
        c_.error(*b, fmt::format("an {} export has no bit_depth (it is encoded from the float master)", name), "remove bit_depth");
    } else if (b) {
        if (auto depth = c_.integer(*b, "bit_depth", 1, 64, "bit")) {
            if (*depth != 16 && *depth != 24 && *depth != 32) {
                c_.error(*b, fmt::format("bit_depth {} is not supported", *depth),
                         "use 16, 24 or 32 (32 = float WAV)");
            } else if (cd && *depth != 16) {
                c_.error(*b, fmt::format("a cd export is 16 bit, not {}", *depth),
                         "remove bit_depth or set it to 16 (Red Book)");
            } else if (*depth == 32 && formatKnown && spec.format != ExportFormat::Wav) {
                c_.error(*b, "bit_depth 32 (float) is only available for wav",
                         "use 16 or 24, or format: wav");
            } else {
                spec.bitDepth = *depth;
            }
        }
    }
    if (const Node* d = m.get("dither"); d && lossy) {
        c_.error(*d, fmt::format("an {} export takes no dither (it is encoded from the float master)", name), "remove dither");
    } else if (auto k = m.choice("dither", {"none", "tpdf", "shaped"})) {
        spec.dither = kDithers[*k];
    }
    if (const Node* b = m.get("bitrate_kbps")) {
        // MPEG-1 Layer III's bitrates (ISO/IEC 11172-3, 2.4.2.3) from 128 kb/s: below it a master
        // is not a client copy any more.
        // AAC takes the same list (FFmpeg's encoder takes any rate; these are the copies' usual ones).
        static constexpr std::array kRates{128, 160, 192, 224, 256, 320};
        if (formatKnown && !lossy) {
            c_.error(*b, fmt::format("bitrate_kbps applies to mp3 and aac exports only; this one is {}", name),
                     "remove bitrate_kbps, or set format: mp3 or aac");
        } else if (auto kbps = c_.integer(*b, "bitrate_kbps", 1, 10000, "kb/s")) {
            if (std::find(kRates.begin(), kRates.end(), *kbps) == kRates.end())
                c_.error(*b, fmt::format("bitrate_kbps {} is not an {} bitrate lacquer writes", *kbps, aac ? "AAC" : "MP3"),
                         aac ? "use 128, 160, 192, 224, 256 or 320" : "use 128, 160, 192, 224, 256 or 320 (constant bitrate)");
            else
                spec.bitrateKbps = *kbps;
        }
    }
    return formatKnown;
}

}  // namespace lacquer::manifest::detail
