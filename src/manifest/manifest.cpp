// SPDX-License-Identifier: GPL-3.0-or-later
// Manifest v1: YAML text → validated, resolved AlbumPlan. The schema is documented key by key in
// docs/manifest.md; keep the two in step.
#include "lacquer/manifest/manifest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/manifest/codes.hpp"
#include "manifest/checker.hpp"
#include "manifest/store_rules.hpp"
#include "manifest/yaml_tree.hpp"

namespace lacquer {

std::string SourceLoc::str() const {
    if (line <= 0) return file;
    return fmt::format("{}:{}:{}", file, line, column);
}

}  // namespace lacquer

namespace lacquer::manifest {

namespace fs = std::filesystem;
using detail::Checker;
using detail::InputRef;
using detail::MapView;
using detail::Node;
using detail::Range;
using detail::warnUpsampledVariants;

namespace {

// Value ranges (docs/manifest.md lists the same numbers).
constexpr Range kFreqHz{10, 24000, "Hz"};
constexpr Range kCutHz{10, 24000, "Hz", true};
constexpr Range kEqGainDb{-24, 24, "dB"};
constexpr Range kQ{0.1, 20, ""};
constexpr Range kSlopeDbOct{6, 48, "dB/oct"};
constexpr Range kMix{0, 1, ""};
constexpr Range kPredelayMs{0, 500, "ms"};
constexpr Range kThresholdDb{-60, 0, "dB"};
constexpr Range kRatio{1, 20, ""};
constexpr Range kKneeDb{0, 24, "dB"};
constexpr Range kAttackMs{0.1, 500, "ms"};
constexpr Range kReleaseMs{1, 5000, "ms"};
constexpr Range kMakeupDb{-12, 24, "dB"};
constexpr Range kStereoLink{0, 1, ""};
constexpr Range kWidth{0, 2, ""};
constexpr Range kMonoHz{20, 500, "Hz", true};
constexpr Range kDeesserFreqHz{1000, 20000, "Hz"};
constexpr Range kDeesserReductionDb{0, 24, "dB"};
constexpr Range kCeilingDbtp{-12, 0, "dBTP"};
constexpr Range kLookaheadMs{0.5, 20, "ms"};
constexpr Range kLimiterReleaseMs{1, 1000, "ms"};
constexpr Range kTargetLufs{-40, 0, "LUFS"};
constexpr Range kMaxLimitingDb{0, 20, "dB"};
constexpr Range kGapS{0, 10, "s"};
constexpr Range kFadeS{0, 300, "s"};
constexpr Range kCrossfadeS{0, 30, "s"};
constexpr Range kOffsetLu{-20, 20, "LU"};

constexpr int kMaxTracks = 99;  // Red Book; also the most a two-digit file prefix numbers
constexpr std::array kRatesHz{44100, 48000, 88200, 96000, 176400, 192000};

const std::vector<std::string_view> kFadeCurveWords{"linear", "equal_power", "log"};
constexpr std::array kFadeCurves{FadeCurve::Linear, FadeCurve::EqualPower, FadeCurve::Logarithmic};

bool isOff(const Node& v) {
    return v.kind == Node::Kind::Scalar && !v.quoted && (v.text == "off" || v.text == "false");
}

std::string rateList() {
    std::string s;
    for (std::size_t i = 0; i < kRatesHz.size(); ++i)
        s += (i == 0 ? "" : i + 1 == kRatesHz.size() ? " or " : ", ") + std::to_string(kRatesHz[i]);
    return s;
}

std::optional<int> sampleRate(Checker& c, const MapView& m, std::string_view key) {
    const Node* v = m.get(key);
    if (!v) return std::nullopt;
    std::optional<int> rate = c.integer(*v, key, 1, 1'000'000, "Hz");
    if (!rate) return std::nullopt;
    if (std::find(kRatesHz.begin(), kRatesHz.end(), *rate) == kRatesHz.end()) {
        c.error(*v, fmt::format("{} {} Hz is not supported", key, v->text), "use " + rateList());
        return std::nullopt;
    }
    return rate;
}

// A chain block as written (album level or a track's overrides). An outer nullopt means "not
// given"; an inner nullopt means "off".
struct ChainSpec {
    std::optional<eq::Bands> eq;
    std::optional<std::optional<reverb::Params>> reverb;
    std::optional<std::optional<dynamics::MultibandParams>> multiband;
    std::optional<std::optional<dynamics::StereoParams>> stereo;
    std::optional<std::optional<dynamics::DeesserParams>> deesser;
    std::optional<limiter::Params> limiter;
};

ChainParams applyChain(ChainParams base, const ChainSpec& spec) {
    if (spec.eq) base.eq = *spec.eq;
    if (spec.reverb) base.reverb = *spec.reverb;
    if (spec.multiband) base.multiband = *spec.multiband;
    if (spec.stereo) base.stereo = *spec.stereo;
    if (spec.deesser) base.deesser = *spec.deesser;
    return base;
}

// Built-in variant presets: delivery facts a variant can name with `preset:` and then adjust key
// by key. A preset sets only what the delivery decides (the loudness target, the limiter's
// ceiling, the export, and for vinyl mono bass and the disc); the album's artistic choices
// (loudness mode and anchor, max_limiting_db, limiter lookahead and release, the chain) still come
// from the album level. docs/manifest.md ("Presets") shows the same table; keep the two in step.
struct Preset {
    std::string_view name;
    double targetLufs;
    double ceilingDbtp;
    ExportFormat format;
    int sampleRateHz;
    int bitDepth;
    DitherKind dither;      // used only when bitDepth is 16
    double monoBassHz;      // 0 = off
    std::string_view disc;  // vinyl disc; "" = not vinyl
};

constexpr std::array kPresets{
    // Spotify, YouTube, Tidal and Amazon play at -14 LUFS and ask for true peaks at or under
    // -1 dBTP (the services' pages, AES TD1008's maximum peak); 48 kHz/24-bit FLAC is what
    // distributors take from a 96 kHz master without a second resampling on their side.
    Preset{"streaming", -14.0, -1.0, ExportFormat::Flac, 48000, 24, DitherKind::Tpdf, 0.0, ""},
    // Apple Music's Sound Check plays at -16 LUFS (AES TD1008's per-track level too), about
    // -1 dBTP for its AAC encode; Apple Digital Masters asks for 24-bit hi-res, hence 96 kHz.
    Preset{"apple", -16.0, -1.0, ExportFormat::Flac, 96000, 24, DitherKind::Tpdf, 0.0, ""},
    // A CD plays without normalisation and no standard gives it a level. -12 LUFS is the
    // project's engineering default (the demo album's CD): 2 LU over streaming, within the default
    // 6 dB max_limiting_db for typical mixes. -0.3 dBTP: no codec follows, the margin is for
    // players' inter-sample overs. Red Book: 44.1 kHz, 16 bit; TPDF dither (`dither: shaped` to
    // move the noise above about 14 kHz).
    Preset{"cd", -12.0, -0.3, ExportFormat::Cd, 44100, 16, DitherKind::Tpdf, 0.0, ""},
    // Vinyl premasters are delivered quieter and without brickwall limiting (a major label asks
    // for about -18 LUFS, limiting removed): -16 LUFS, and a limiter at -3 dBTP that only catches
    // stray peaks. Bass mono below 150 Hz (the reference's lower bound, 150-300 Hz). A 12" LP at
    // 33 1/3; one 24-bit file per side (the reference allows 44.1-192 kHz): WAV, 96 kHz.
    Preset{"vinyl", -16.0, -3.0, ExportFormat::Wav, 96000, 24, DitherKind::Tpdf, 150.0, "12in-33"},
    // Hi-res downloads and hi-res streams: the streaming level and peak (so the hi-res and the
    // streaming master play equally loud and differ only in format), 96 kHz/24-bit FLAC.
    Preset{"hires", -14.0, -1.0, ExportFormat::Flac, 96000, 24, DitherKind::Tpdf, 0.0, ""},
};

const std::vector<std::string_view>& presetNames() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> n;
        for (const Preset& p : kPresets) n.push_back(p.name);
        return n;
    }();
    return names;
}

std::string_view formatWord(ExportFormat f) {
    switch (f) {
        case ExportFormat::Flac:
            return "flac";
        case ExportFormat::Wav:
            return "wav";
        case ExportFormat::Cd:
            return "cd";
    }
    return "flac";
}

// Where a chain block is written: the album's `chain:`, a track's or a variant's.
enum class ChainLevel { Album, Track, Variant };

class Resolver {
public:
    explicit Resolver(Checker& c) : c_(c) {}

    AlbumPlan run(const Node& root);
    void checkInputs();

private:
    struct TrackNodes {  // positions needed by the checks that run after probing
        const Node* fadeIn = nullptr;
        const Node* fadeOut = nullptr;
        const Node* crossfade = nullptr;
        const Node* isrc = nullptr;
    };

    SourceLoc loc(const Node& n) const { return {c_.displayName(), n.line, n.column}; }

    void readAlbum(const Node* node);
    void readProcessing(const Node* node);
    ChainSpec readChain(const Node* node, ChainLevel level, int trackIndex);
    std::optional<eq::Bands> readEq(const Node& v);
    std::optional<eq::Band> readBand(const Node& v);
    std::optional<reverb::Params> readReverb(const Node& v, int trackIndex);
    std::optional<dynamics::MultibandParams> readMultiband(const Node& v);
    std::optional<dynamics::CompressorParams> readCompressor(const Node& v);
    std::optional<dynamics::StereoParams> readStereo(const Node& v);
    std::optional<dynamics::DeesserParams> readDeesser(const Node& v);
    std::optional<limiter::Params> readLimiter(const Node& v, limiter::Params base);
    LoudnessParams readLoudness(const Node* node, LoudnessParams base, const std::string& name);
    void readTracks(const Node* node);
    void readTrack(const Node& v, int index);
    void readVariants(const Node* node);
    void readVariant(const Node& key, const Node& v);
    bool readSides(const Node& v, VariantPlan& variant);
    bool readExport(const Node* node, ExportSpec& spec, const Preset* preset);
    void readCodecHeadroom(const MapView& m, VariantPlan& variant, bool formatKnown);

    template <class Block>
    std::optional<std::optional<Block>> offOr(const Node* v,
                                              std::optional<Block> (Resolver::*read)(const Node&)) {
        if (!v) return std::nullopt;
        if (isOff(*v)) return std::optional<Block>{};
        std::optional<Block> block = (this->*read)(*v);
        if (!block) return std::nullopt;
        return block;
    }

    Checker& c_;
    AlbumPlan plan_;
    std::vector<TrackNodes> trackNodes_;
    std::vector<ChainSpec> trackChainSpecs_;  // each track's own `chain:` overrides, as written
    std::vector<std::optional<double>> trackDurationsS_;
};

AlbumPlan Resolver::run(const Node& root) {
    MapView top(c_, &root, "the manifest",
                {"lacquer", "album", "processing", "chain", "loudness", "sequence", "tracks", "variants"},
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

ChainSpec Resolver::readChain(const Node* node, ChainLevel level, int trackIndex) {
    ChainSpec spec;
    const std::string name = level == ChainLevel::Track     ? "track chain"
                             : level == ChainLevel::Variant ? "variant chain"
                                                            : "chain";
    MapView m(c_, node, name, {"eq", "reverb", "multiband", "stereo", "deesser", "limiter"}, "in " + name);
    if (!m.valid()) return spec;
    if (const Node* v = m.get("eq")) spec.eq = readEq(*v);
    if (const Node* v = m.get("reverb")) {
        if (isOff(*v)) {
            spec.reverb = std::optional<reverb::Params>{};
        } else if (auto r = readReverb(*v, trackIndex)) {
            spec.reverb = r;
        }
    }
    spec.multiband = offOr(m.get("multiband"), &Resolver::readMultiband);
    spec.stereo = offOr(m.get("stereo"), &Resolver::readStereo);
    spec.deesser = offOr(m.get("deesser"), &Resolver::readDeesser);
    if (const Node* v = m.get("limiter")) {
        if (level == ChainLevel::Track) {
            c_.error(*m.keyOf("limiter"), "the limiter cannot be set per track",
                     "it runs over the whole album timeline: set it in the album chain or in a variant");
        } else if (level == ChainLevel::Variant) {
            c_.error(*m.keyOf("limiter"), "a variant's limiter is not part of its chain",
                     "move it out of chain: to the variant's own 'limiter:' key");
        } else {
            spec.limiter = readLimiter(*v, limiter::Params{});
        }
    }
    return spec;
}

std::optional<eq::Bands> Resolver::readEq(const Node& v) {
    if (v.kind == Node::Kind::Invalid) return std::nullopt;
    if (isOff(v)) return eq::Bands{};
    if (v.kind != Node::Kind::Sequence) {
        c_.error(v, fmt::format("eq: expected a list of bands, got {}", detail::describe(v)),
                 "write one '- { type: ..., freq_hz: ... }' line per band");
        return std::nullopt;
    }
    eq::Bands bands;
    bool ok = true;
    for (const Node& item : v.items) {
        if (auto band = readBand(item)) {
            bands.push_back(*band);
        } else {
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return bands;
}

std::optional<eq::Band> Resolver::readBand(const Node& v) {
    MapView m(c_, &v, "eq band", {"type", "freq_hz", "gain_db", "q", "slope_db_oct"}, "in eq band");
    if (!m.valid()) return std::nullopt;
    static const std::vector<std::string_view> kTypes{"highpass", "lowpass", "lowshelf", "highshelf",
                                                      "bell",     "notch",   "tilt"};
    static constexpr std::array kTypeValues{
        eq::BandType::Highpass, eq::BandType::Lowpass, eq::BandType::LowShelf, eq::BandType::HighShelf,
        eq::BandType::Bell,     eq::BandType::Notch,   eq::BandType::Tilt};
    const std::size_t errorsBefore = c_.diagnostics().size();
    eq::Band band;
    std::optional<std::size_t> type;
    if (const Node* t =
            m.require("type", "add 'type:' (highpass, lowpass, lowshelf, highshelf, bell, notch or tilt)"))
        type = c_.choice(*t, "type", kTypes);
    if (m.require("freq_hz")) {
        if (auto f = m.frequency("freq_hz", kFreqHz)) band.freqHz = *f;
    }
    if (!type) {
        // Without a valid type the applicable keys are unknown; still check whatever values are given.
        m.number("gain_db", kEqGainDb);
        m.number("q", kQ);
        m.number("slope_db_oct", kSlopeDbOct);
        return std::nullopt;
    }
    band.type = kTypeValues[*type];
    const bool isPass = band.type == eq::BandType::Highpass || band.type == eq::BandType::Lowpass;
    const bool hasGain = band.type == eq::BandType::LowShelf || band.type == eq::BandType::HighShelf ||
                         band.type == eq::BandType::Bell || band.type == eq::BandType::Tilt;
    const bool hasQ = band.type != eq::BandType::Tilt && !isPass;
    auto notFor = [&](std::string_view key, std::string_view todo) {
        if (const Node* k = m.keyOf(key)) {
            c_.error(*k, fmt::format("{} does not apply to a {} band", key, kTypes[*type]),
                     std::string(todo));
        }
    };
    if (hasGain) {
        if (m.require("gain_db", fmt::format("a {} band needs 'gain_db:' (-24..24 dB)", kTypes[*type]))) {
            if (auto g = m.number("gain_db", kEqGainDb)) band.gainDb = *g;
        }
    } else {
        notFor("gain_db",
               isPass ? "remove it; a pass filter only cuts" : "remove it; a notch cuts fully at freq_hz");
    }
    if (hasQ) {
        if (auto q = m.number("q", kQ)) band.q = *q;
    } else {
        notFor("q", isPass ? "remove it; set the steepness with slope_db_oct" : "remove it");
    }
    if (isPass) {
        if (const Node* s = m.get("slope_db_oct")) {
            if (auto slope = c_.number(*s, "slope_db_oct", kSlopeDbOct)) {
                if (std::fmod(*slope, 6.0) != 0.0) {
                    c_.error(*s, fmt::format("slope_db_oct {} is not a multiple of 6", s->text),
                             "use 6, 12, 18, 24, 30, 36, 42 or 48 dB/oct");
                } else {
                    band.slopeDbOct = *slope;
                }
            }
        }
    } else {
        notFor("slope_db_oct", "remove it; only highpass and lowpass bands have a slope");
    }
    if (c_.diagnostics().size() != errorsBefore) return std::nullopt;
    return band;
}

std::optional<reverb::Params> Resolver::readReverb(const Node& v, int trackIndex) {
    MapView m(c_, &v, "reverb", {"ir", "mix", "predelay_ms", "wet_lowcut_hz", "wet_highcut_hz"}, "in reverb");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c_.diagnostics().size();
    reverb::Params p;
    if (auto ir = m.path("ir", true)) {
        p.irPath = *ir;
        c_.addInput(InputRef::Kind::ImpulseResponse, *m.get("ir"), *ir, trackIndex);
    }
    if (m.require("mix", "add 'mix:' (wet level, 0..1)")) {
        if (auto x = m.number("mix", kMix)) p.mix = *x;
    }
    if (auto x = m.number("predelay_ms", kPredelayMs)) p.predelayMs = *x;
    if (auto x = m.frequency("wet_lowcut_hz", kCutHz)) p.wetLowCutHz = *x;
    if (auto x = m.frequency("wet_highcut_hz", kCutHz)) p.wetHighCutHz = *x;
    if (p.wetLowCutHz > 0 && p.wetHighCutHz > 0 && p.wetLowCutHz >= p.wetHighCutHz) {
        c_.error(*m.get("wet_highcut_hz"),
                 fmt::format("wet_highcut_hz {} Hz is not above wet_lowcut_hz {} Hz",
                             detail::num(p.wetHighCutHz), detail::num(p.wetLowCutHz)),
                 "the wet band runs from the low cut up to the high cut; swap or fix them");
    }
    if (c_.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<dynamics::MultibandParams> Resolver::readMultiband(const Node& v) {
    MapView m(c_, &v, "multiband", {"crossovers_hz", "bands"}, "in multiband");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c_.diagnostics().size();
    dynamics::MultibandParams p;
    const Node* xs = m.require("crossovers_hz", "add 'crossovers_hz: [...]' (1 to 5 ascending frequencies)");
    const Node* bands = m.require("bands", "add 'bands:' with one compressor per frequency range");
    bool crossoversOk = false;
    if (xs && xs->kind != Node::Kind::Invalid) {
        if (xs->kind != Node::Kind::Sequence) {
            c_.error(
                *xs,
                fmt::format("crossovers_hz: expected a list of frequencies, got {}", detail::describe(*xs)),
                "write them like [120, 1000, 6000]");
        } else if (xs->items.empty() || xs->items.size() > 5) {
            c_.error(*xs, fmt::format("crossovers_hz has {} entries", xs->items.size()),
                     "give 1 to 5 crossover frequencies (2 to 6 bands)");
        } else {
            crossoversOk = true;
            for (const Node& item : xs->items) {
                std::optional<double> f = c_.frequency(item, "crossover", kFreqHz);
                if (!f) {
                    crossoversOk = false;
                    continue;
                }
                if (!p.crossoversHz.empty() && *f <= p.crossoversHz.back()) {
                    c_.error(item,
                             fmt::format("crossovers_hz must ascend: {} follows {}", item.text,
                                         detail::num(p.crossoversHz.back())),
                             "list the crossover frequencies from low to high");
                    crossoversOk = false;
                }
                p.crossoversHz.push_back(*f);
            }
        }
    }
    if (bands && bands->kind != Node::Kind::Invalid) {
        if (bands->kind != Node::Kind::Sequence) {
            c_.error(*bands,
                     fmt::format("bands: expected a list of compressors, got {}", detail::describe(*bands)),
                     "write one '- { threshold_db: ..., ratio: ... }' line per band");
        } else {
            for (const Node& item : bands->items)
                if (auto comp = readCompressor(item)) p.bands.push_back(*comp);
            if (crossoversOk && bands->items.size() != xs->items.size() + 1) {
                c_.error(*bands,
                         fmt::format("multiband has {} crossovers, so bands needs {} entries, got {}",
                                     xs->items.size(), xs->items.size() + 1, bands->items.size()),
                         "give one band per frequency range (crossovers + 1)");
            }
        }
    }
    if (c_.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<dynamics::CompressorParams> Resolver::readCompressor(const Node& v) {
    MapView m(c_, &v, "multiband band",
              {"threshold_db", "ratio", "knee_db", "attack_ms", "release_ms", "makeup_db", "stereo_link",
               "detector", "mode"},
              "in multiband band");
    if (!m.valid()) return std::nullopt;
    dynamics::CompressorParams p;
    if (auto x = m.number("threshold_db", kThresholdDb)) p.thresholdDb = *x;
    if (auto x = m.number("ratio", kRatio)) p.ratio = *x;
    if (auto x = m.number("knee_db", kKneeDb)) p.kneeDb = *x;
    if (auto x = m.number("attack_ms", kAttackMs)) p.attackMs = *x;
    if (auto x = m.number("release_ms", kReleaseMs)) p.releaseMs = *x;
    if (auto x = m.number("makeup_db", kMakeupDb)) p.makeupDb = *x;
    if (auto x = m.number("stereo_link", kStereoLink)) p.stereoLink = *x;
    if (auto x = m.choice("detector", {"rms", "peak"}))
        p.detector = *x == 0 ? dynamics::Detector::Rms : dynamics::Detector::Peak;
    if (auto x = m.choice("mode", {"lr", "ms"}))
        p.stereoMode = *x == 0 ? dynamics::StereoMode::LeftRight : dynamics::StereoMode::MidSide;
    return p;
}

std::optional<dynamics::StereoParams> Resolver::readStereo(const Node& v) {
    MapView m(c_, &v, "stereo", {"width", "mono_below_hz"}, "in stereo");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c_.diagnostics().size();
    dynamics::StereoParams p;
    if (auto x = m.number("width", kWidth)) p.width = *x;
    if (auto x = m.number("mono_below_hz", kMonoHz)) p.monoBelowHz = *x;
    if (c_.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<dynamics::DeesserParams> Resolver::readDeesser(const Node& v) {
    MapView m(c_, &v, "deesser", {"freq_hz", "threshold_db", "max_reduction_db"}, "in deesser");
    if (!m.valid()) return std::nullopt;
    const std::size_t errorsBefore = c_.diagnostics().size();
    dynamics::DeesserParams p;
    if (auto x = m.frequency("freq_hz", kDeesserFreqHz)) p.freqHz = *x;
    if (auto x = m.number("threshold_db", kThresholdDb)) p.thresholdDb = *x;
    if (auto x = m.number("max_reduction_db", kDeesserReductionDb)) p.maxReductionDb = *x;
    if (c_.diagnostics().size() != errorsBefore) return std::nullopt;
    return p;
}

std::optional<limiter::Params> Resolver::readLimiter(const Node& v, limiter::Params base) {
    MapView m(c_, &v, "limiter", {"ceiling_dbtp", "lookahead_ms", "release_ms"}, "in limiter");
    if (!m.valid()) return std::nullopt;
    if (auto x = m.number("ceiling_dbtp", kCeilingDbtp)) base.ceilingDbtp = *x;
    if (auto x = m.number("lookahead_ms", kLookaheadMs)) base.lookaheadMs = *x;
    if (auto x = m.number("release_ms", kLimiterReleaseMs)) base.releaseMs = *x;
    return base;
}

LoudnessParams Resolver::readLoudness(const Node* node, LoudnessParams base, const std::string& name) {
    MapView m(c_, node, name, {"mode", "anchor", "target_lufs", "max_limiting_db"}, "in " + name);
    if (auto x = m.choice("mode", {"album", "track"}))
        base.mode = *x == 0 ? LoudnessMode::Album : LoudnessMode::Track;
    if (auto x = m.choice("anchor", {"average", "loudest"}))
        base.anchor = *x == 0 ? AlbumAnchor::Average : AlbumAnchor::LoudestTrack;
    if (auto x = m.number("target_lufs", kTargetLufs)) base.targetLufs = *x;
    if (auto x = m.number("max_limiting_db", kMaxLimitingDb)) base.maxLimitingDb = *x;
    return base;
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
        preset = &kPresets[*i];
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
    readCodecHeadroom(m, variant, formatKnown);
    plan_.variants.push_back(std::move(variant));
}

void Resolver::readCodecHeadroom(const MapView& m, VariantPlan& variant, bool formatKnown) {
    const bool flac = formatKnown && variant.exportSpec.format == ExportFormat::Flac;
    if (flac) variant.maxDecodedDbtp = variant.limiter ? variant.limiter->ceilingDbtp : -1.0;
    const Node* node = m.get("codec_headroom");
    if (!node) return;
    if (formatKnown && !flac) {
        c_.error(
            *m.keyOf("codec_headroom"),
            fmt::format("codec_headroom applies to flac variants only; this one exports {}",
                        formatWord(variant.exportSpec.format)),
            "remove it; the lossy encodes that need the headroom are made from a streaming (flac) master");
        return;
    }
    MapView h(c_, node, "codec_headroom", {"mode", "max_decoded_dbtp"}, "in codec_headroom");
    if (!h.valid()) return;
    const std::optional<std::size_t> mode = h.choice("mode", {"check", "lower"});
    const std::optional<double> maxDbtp = h.number("max_decoded_dbtp", kCeilingDbtp);
    if (mode && *mode == 1 && !variant.limiter) {
        c_.error(*h.get("mode"),
                 "codec_headroom mode lower needs a limiter, and this variant has 'limiter: off'",
                 "use 'mode: check' to measure only, or give the variant a limiter");
        return;
    }
    if (!flac) return;
    if (mode) variant.lowerCeilingForCodecs = *mode == 1;
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
    if (preset) spec = {preset->format, preset->sampleRateHz, preset->bitDepth, preset->dither};
    MapView m(c_, node, "export", {"format", "sample_rate", "bit_depth", "dither"}, "in export");
    if (!m.valid()) return preset != nullptr && node == nullptr;
    static constexpr std::array kFormats{ExportFormat::Flac, ExportFormat::Wav, ExportFormat::Cd};
    static constexpr std::array kDithers{DitherKind::None, DitherKind::Tpdf, DitherKind::Shaped};
    std::optional<std::size_t> format;
    bool formatKnown = preset != nullptr && !m.get("format");
    if (const Node* f = preset ? m.get("format") : m.require("format", "add 'format:' (flac, wav or cd)"))
        format = c_.choice(*f, "format", {"flac", "wav", "cd"});
    if (format) {
        formatKnown = true;
        if (!preset || kFormats[*format] != preset->format) spec = ExportSpec{};
        spec.format = kFormats[*format];
        if (spec.format == ExportFormat::Cd) {
            spec.sampleRateHz = 44100;
            spec.bitDepth = 16;
        }
    }
    const bool cd = formatKnown && spec.format == ExportFormat::Cd;
    if (auto rate = sampleRate(c_, m, "sample_rate")) {
        if (cd && *rate != 44100) {
            c_.error(*m.get("sample_rate"), fmt::format("a cd export is 44100 Hz, not {} Hz", *rate),
                     "remove sample_rate or set it to 44100 (Red Book)");
        } else {
            spec.sampleRateHz = *rate;
        }
    }
    if (const Node* b = m.get("bit_depth")) {
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
    if (auto d = m.choice("dither", {"none", "tpdf", "shaped"})) spec.dither = kDithers[*d];
    return formatKnown;
}

std::string inputKey(InputRef::Kind kind) {
    switch (kind) {
        case InputRef::Kind::Track:
            return "file";
        case InputRef::Kind::ImpulseResponse:
            return "ir";
        case InputRef::Kind::Cover:
            return "cover";
    }
    return "file";
}

// The longest impulse response the reverb takes (the longest real halls and cathedrals ring for
// 10-15 s).
constexpr double kMaxImpulseResponseS = 30.0;

void Resolver::checkInputs() {
    trackDurationsS_.assign(plan_.tracks.size(), std::nullopt);
    auto& diags = c_.diagnostics();
    int highestSourceRateHz = 0;
    for (const InputRef& in : c_.inputs()) {
        const std::string key = inputKey(in.kind);
        std::error_code ec;
        const fs::file_status status = fs::status(in.path, ec);
        if (!fs::exists(status)) {
            diags.add(in.line, in.column,
                      fmt::format("{} '{}' does not exist (looked for {})", key, in.written,
                                  detail::printable(in.path.string(), 4096)),
                      "check the path; relative paths start at the manifest's folder");
            continue;
        }
        if (fs::is_directory(status)) {
            diags.add(in.line, in.column, fmt::format("{} '{}' is a folder, not a file", key, in.written),
                      "name the file inside it");
            continue;
        }
        if (in.kind == InputRef::Kind::Cover) {
            std::ifstream f(in.path, std::ios::binary);
            std::array<unsigned char, 8> head{};
            if (!f || !f.read(reinterpret_cast<char*>(head.data()), head.size())) {
                diags.add(in.line, in.column, fmt::format("cover '{}' cannot be read", in.written),
                          "check that the file is a complete image and readable by you");
                continue;
            }
            static constexpr std::array<unsigned char, 8> kPng{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
            const bool png = head == kPng;
            const bool jpeg = head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
            if (!png && !jpeg) {
                diags.add(in.line, in.column,
                          fmt::format("cover '{}' is neither a PNG nor a JPEG image", in.written),
                          "export the cover as PNG or JPEG");
            } else {
                Node at;
                at.line = in.line;
                at.column = in.column;
                checkCoverForStores(c_, at, in.written, in.path, plan_);  // store_rules.cpp
            }
            continue;
        }
        io::AudioInfo info;
        try {
            info = io::probe(in.path);
        } catch (const Error& e) {
            std::string why;
            std::string todo;
            for (const Diagnostic& d : e.diagnostics()) {
                why += (why.empty() ? "" : "; ") + d.what;
                if (todo.empty()) todo = d.todo;
            }
            diags.add(in.line, in.column,
                      fmt::format("{} '{}' is not usable audio: {}", key, in.written, why),
                      todo.empty() ? "check that the file is a complete WAV, FLAC, AIFF or Ogg file" : todo);
            continue;
        }
        if (info.channels > 2) {
            diags.add(in.line, in.column,
                      fmt::format("{} '{}' has {} channels; lacquer takes mono or stereo", key, in.written,
                                  info.channels),
                      in.kind == InputRef::Kind::Track ? "export a stereo mix"
                                                       : "use a mono or stereo impulse response");
            continue;
        }
        if (in.kind == InputRef::Kind::ImpulseResponse && info.durationS() > kMaxImpulseResponseS) {
            // The IR becomes one convolution kernel, held whole (a 30 s IR at 192 kHz is a 5.8M-tap
            // kernel, a 2^24-point FFT): a longer file is a mistake, not a room.
            diags.add(in.line, in.column,
                      fmt::format("ir '{}' is {:.1f} s long; lacquer's convolution reverb takes impulse responses up "
                                  "to {:.0f} s",
                                  in.written, info.durationS(), kMaxImpulseResponseS),
                      "trim the impulse response's silent tail, or use a shorter one");
            continue;
        }
        if (in.kind == InputRef::Kind::Track) {
            trackDurationsS_[in.trackIndex] = info.durationS();
            highestSourceRateHz = std::max(highestSourceRateHz, info.sampleRateHz);
        }
    }
    warnUpsampledVariants(plan_, highestSourceRateHz);  // store_rules.cpp

    // Timing checks against the probed lengths.
    const std::size_t n = plan_.tracks.size();
    for (std::size_t i = 0; i < n; ++i) {
        const TrackPlan& t = plan_.tracks[i];
        const TrackNodes& nodes = trackNodes_[i];
        const std::optional<double> dur = trackDurationsS_[i];
        if (!dur) continue;
        if (t.fadeInS + t.fadeOutS > *dur) {
            const Node* at = nodes.fadeOut ? nodes.fadeOut : nodes.fadeIn;
            c_.error(*at,
                     fmt::format("fade_in_s + fade_out_s = {} s is longer than the track ({:.2f} s)",
                                 detail::num(t.fadeInS + t.fadeOutS), *dur),
                     "shorten the fades");
        }
        if (t.crossfadeS > 0 && i + 1 < n) {
            if (t.crossfadeS > *dur) {
                c_.error(*nodes.crossfade,
                         fmt::format("crossfade_s {} s is longer than this track ({:.2f} s)",
                                     detail::num(t.crossfadeS), *dur),
                         "shorten the crossfade");
            }
            const std::optional<double> next = trackDurationsS_[i + 1];
            if (next && t.crossfadeS > *next) {
                c_.error(*nodes.crossfade,
                         fmt::format("crossfade_s {} s is longer than the next track, {} '{}' ({:.2f} s)",
                                     detail::num(t.crossfadeS), i + 2, plan_.tracks[i + 1].title, *next),
                         "shorten the crossfade");
            }
        }
        if (i > 0 && i + 1 < n) {
            const double in = plan_.tracks[i - 1].crossfadeS;
            if (in > 0 && t.crossfadeS > 0 && in <= *dur && t.crossfadeS <= *dur &&
                in + t.crossfadeS > *dur) {
                c_.error(*nodes.crossfade,
                         fmt::format("the crossfades into ({} s) and out of ({} s) this track overlap: it is "
                                     "{:.2f} s long",
                                     detail::num(in), detail::num(t.crossfadeS), *dur),
                         "shorten one of the crossfades");
            }
        }
    }
}

std::string sha256Hex(const std::string& bytes) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
        throw Error(ErrorKind::Io, "manifest", "SHA-256 failed in OpenSSL", "check the OpenSSL installation");
    }
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

AlbumPlan parseImpl(const std::string& text, const std::string& displayName, const fs::path& baseDir,
                    CheckInputs checkInputs) {
    detail::Diagnostics diags(displayName);
    std::optional<Node> root = detail::buildTree(text, diags);
    AlbumPlan plan;
    if (root) {
        Checker checker(diags, fs::absolute(baseDir).lexically_normal());
        Resolver resolver(checker);
        plan = resolver.run(*root);
        if (checkInputs == CheckInputs::Yes) resolver.checkInputs();
    }
    detail::emitStoreWarnings(diags.empty());  // only for a valid manifest: error paths print errors alone
    if (!diags.empty()) throw Error(ErrorKind::Manifest, diags.sorted());
    plan.manifestSha256 = sha256Hex(text);
    return plan;
}

}  // namespace

AlbumPlan parse(const std::string& yamlText, const std::string& displayName, const fs::path& baseDir,
                CheckInputs checkInputs) {
    AlbumPlan plan = parseImpl(yamlText, displayName, baseDir, checkInputs);
    plan.manifestPath = fs::absolute(baseDir / displayName).lexically_normal();
    return plan;
}

AlbumPlan load(const fs::path& manifestPath, CheckInputs checkInputs) {
    const std::string display = manifestPath.string();
    constexpr std::uintmax_t kMaxBytes = detail::TreeLimits{}.maxBytes;
    std::error_code ec;
    const fs::file_status status = fs::status(manifestPath, ec);
    if (!fs::exists(status)) {
        throw Error(ErrorKind::Manifest, display, "the manifest does not exist", "check the path");
    }
    if (!fs::is_regular_file(status)) {
        throw Error(ErrorKind::Manifest, display, "the manifest is not a regular file",
                    "name the YAML file itself");
    }
    const std::uintmax_t size = fs::file_size(manifestPath, ec);
    if (!ec && size > kMaxBytes) {
        throw Error(ErrorKind::Manifest, display,
                    fmt::format("the manifest is {} bytes, over the {} byte limit", size, kMaxBytes),
                    "a manifest is a short hand-written file; check that this is the right file");
    }
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Manifest, display, "the manifest cannot be opened", "check its permissions");
    // Read at most one byte past the limit: the file may have grown since it was measured.
    std::string text(static_cast<std::size_t>(kMaxBytes + 1), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw Error(ErrorKind::Manifest, display, "the manifest cannot be read", "check the file");
    text.resize(static_cast<std::size_t>(in.gcount()));
    const fs::path absolute = fs::absolute(manifestPath).lexically_normal();
    AlbumPlan plan = parseImpl(text, display, absolute.parent_path(), checkInputs);
    plan.manifestPath = absolute;
    return plan;
}

}  // namespace lacquer::manifest
