// SPDX-License-Identifier: GPL-3.0-or-later
// Resolving chain blocks (eq, reverb, multiband, stereo, de-esser, limiter) and loudness, with the
// value ranges docs/manifest.md lists.
#include "manifest/resolver.hpp"

namespace lacquer::manifest::detail {

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

ChainParams applyChain(ChainParams base, const ChainSpec& spec) {
    if (spec.eq) base.eq = *spec.eq;
    if (spec.match) base.match = *spec.match;
    if (spec.denoise) base.denoise = *spec.denoise;
    if (spec.reverb) base.reverb = *spec.reverb;
    if (spec.multiband) base.multiband = *spec.multiband;
    if (spec.stereo) base.stereo = *spec.stereo;
    if (spec.deesser) base.deesser = *spec.deesser;
    if (spec.compressor) base.compressor = *spec.compressor;
    if (spec.saturation) base.saturation = *spec.saturation;
    if (spec.trim) base.trim = *spec.trim;
    return base;
}

ChainSpec Resolver::readChain(const Node* node, ChainLevel level, int trackIndex) {
    ChainSpec spec;
    const std::string name = level == ChainLevel::Track     ? "track chain"
                             : level == ChainLevel::Variant ? "variant chain"
                                                            : "chain";
    MapView m(c_, node, name,
              {"denoise", "eq", "match", "reverb", "multiband", "stereo", "deesser", "compressor", "saturation", "trim", "limiter"},
              "in " + name);
    if (!m.valid()) return spec;
    if (const Node* v = m.get("eq")) spec.eq = readEq(*v);
    if (const Node* v = m.get("reverb")) {
        if (isOff(*v)) {
            spec.reverb = std::optional<reverb::Params>{};
        } else if (auto r = readReverb(*v, trackIndex)) {
            spec.reverb = r;
        }
    }
    spec.match = offOr(m.get("match"), &Resolver::readMatch);
    spec.denoise = offOr(m.get("denoise"), &Resolver::readDenoise);
    spec.multiband = offOr(m.get("multiband"), &Resolver::readMultiband);
    spec.stereo = offOr(m.get("stereo"), &Resolver::readStereo);
    spec.deesser = offOr(m.get("deesser"), &Resolver::readDeesser);
    spec.compressor = offOr(m.get("compressor"), &Resolver::readGlueCompressor);
    spec.saturation = offOr(m.get("saturation"), &Resolver::readSaturation);
    if (level == ChainLevel::Variant && m.get("trim")) {
        c_.error(*m.keyOf("trim"), "trim cannot be set in a variant's chain",
                 "trimming changes the tracks' lengths, which every variant shares: set it in the album or track chain");
    } else {
        spec.trim = offOr(m.get("trim"), &Resolver::readTrim);
    }
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

}  // namespace lacquer::manifest::detail
