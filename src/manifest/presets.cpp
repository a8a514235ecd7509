// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in variant presets (policy: the delivery facts of each kind of release).
#include "manifest/resolver.hpp"

namespace lacquer {

std::string_view exportFormatName(ExportFormat f) {
    switch (f) {
        case ExportFormat::Flac: return "flac";
        case ExportFormat::Wav: return "wav";
        case ExportFormat::Cd: return "cd";
        case ExportFormat::Mp3: return "mp3";
        case ExportFormat::Aac: return "aac";
    }
    return "flac";
}

}  // namespace lacquer

namespace lacquer::manifest::detail {

namespace {
const std::vector<Preset> kPresets{
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

}  // namespace

const std::vector<Preset>& presets() { return kPresets; }

const std::vector<std::string_view>& presetNames() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> n;
        for (const Preset& p : kPresets) n.push_back(p.name);
        return n;
    }();
    return names;
}

}  // namespace lacquer::manifest::detail
