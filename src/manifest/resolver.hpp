// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/manifest: the resolver that turns the YAML tree into an AlbumPlan (value ranges,
// the built-in presets, chain blocks), in pieces: resolve_album.cpp (album, tracks, variants,
// export), resolve_chain.cpp (chain blocks and loudness), presets.cpp (the delivery presets),
// inputs.cpp (probing the files the manifest names).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lacquer/common/error.hpp"
#include "lacquer/manifest/plan.hpp"
#include "manifest/checker.hpp"
#include "manifest/spectral.hpp"
#include "manifest/tool_keys.hpp"
#include "manifest/yaml_tree.hpp"

namespace lacquer::manifest::detail {
namespace fs = std::filesystem;

// Value ranges (docs/manifest.md lists the same numbers).
inline constexpr Range kFreqHz{10, 24000, "Hz"};
inline constexpr Range kCutHz{10, 24000, "Hz", true};
inline constexpr Range kEqGainDb{-24, 24, "dB"};
inline constexpr Range kQ{0.1, 20, ""};
inline constexpr Range kSlopeDbOct{6, 48, "dB/oct"};
inline constexpr Range kMix{0, 1, ""};
inline constexpr Range kPredelayMs{0, 500, "ms"};
inline constexpr Range kThresholdDb{-60, 0, "dB"};
inline constexpr Range kRatio{1, 20, ""};
inline constexpr Range kKneeDb{0, 24, "dB"};
inline constexpr Range kAttackMs{0.1, 500, "ms"};
inline constexpr Range kReleaseMs{1, 5000, "ms"};
inline constexpr Range kMakeupDb{-12, 24, "dB"};
inline constexpr Range kStereoLink{0, 1, ""};
inline constexpr Range kWidth{0, 2, ""};
inline constexpr Range kMonoHz{20, 500, "Hz", true};
inline constexpr Range kDeesserFreqHz{1000, 20000, "Hz"};
inline constexpr Range kDeesserReductionDb{0, 24, "dB"};
inline constexpr Range kCeilingDbtp{-12, 0, "dBTP"};
inline constexpr Range kLookaheadMs{0.5, 20, "ms"};
inline constexpr Range kLimiterReleaseMs{1, 1000, "ms"};
inline constexpr Range kTargetLufs{-40, 0, "LUFS"};
inline constexpr Range kMaxLimitingDb{0, 20, "dB"};
inline constexpr Range kGapS{0, 10, "s"};
inline constexpr Range kFadeS{0, 300, "s"};
inline constexpr Range kCrossfadeS{0, 30, "s"};
inline constexpr Range kOffsetLu{-20, 20, "LU"};

inline constexpr int kMaxTracks = 99;  // Red Book; also the most a two-digit file prefix numbers
inline constexpr std::array kRatesHz{44100, 48000, 88200, 96000, 176400, 192000};

inline const std::vector<std::string_view> kFadeCurveWords{"linear", "equal_power", "log"};
inline constexpr std::array kFadeCurves{FadeCurve::Linear, FadeCurve::EqualPower, FadeCurve::Logarithmic};

bool isOff(const Node& v);
std::string rateList();
std::optional<int> sampleRate(Checker& c, const MapView& m, std::string_view key);

// A chain block as written (album level or a track's overrides). An outer nullopt means "not
// given"; an inner nullopt means "off".
struct ChainSpec {
    std::optional<eq::Bands> eq;
    std::optional<std::optional<eq::MatchParams>> match;
    std::optional<std::optional<denoise::Params>> denoise;
    std::optional<std::optional<reverb::Params>> reverb;
    std::optional<std::optional<dynamics::MultibandParams>> multiband;
    std::optional<std::optional<dynamics::StereoParams>> stereo;
    std::optional<std::optional<dynamics::DeesserParams>> deesser;
    std::optional<std::optional<dynamics::GlueCompressorParams>> compressor;
    std::optional<std::optional<dynamics::SaturationParams>> saturation;
    std::optional<std::optional<sequence::TrimParams>> trim;
    std::optional<limiter::Params> limiter;
};

ChainParams applyChain(ChainParams base, const ChainSpec& spec);

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

// The built-in presets (presets.cpp), and their names in the same order.
const std::vector<Preset>& presets();
const std::vector<std::string_view>& presetNames();

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
    std::optional<eq::MatchParams> readMatch(const Node& v) { return detail::readMatch(c_, v); }      // spectral.cpp
    std::optional<denoise::Params> readDenoise(const Node& v) { return detail::readDenoise(c_, v); }  // spectral.cpp
    std::optional<dynamics::MultibandParams> readMultiband(const Node& v);
    std::optional<dynamics::CompressorParams> readCompressor(const Node& v);
    std::optional<dynamics::StereoParams> readStereo(const Node& v);
    std::optional<dynamics::DeesserParams> readDeesser(const Node& v);
    std::optional<dynamics::GlueCompressorParams> readGlueCompressor(const Node& v) { return detail::readGlueCompressor(c_, v); }
    std::optional<dynamics::SaturationParams> readSaturation(const Node& v) { return detail::readSaturation(c_, v); }
    std::optional<sequence::TrimParams> readTrim(const Node& v) { return detail::readTrim(c_, v); }
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

}  // namespace lacquer::manifest::detail
