// SPDX-License-Identifier: GPL-3.0-or-later
// Probing the files a manifest names (mixes, impulse responses, the cover) with CheckInputs::Yes:
// a missing or unreadable input is a manifest error before anything is written.
#include <sys/stat.h>
#include <unistd.h>

#include "lacquer/io/decode.hpp"
#include "lacquer/io/input_file.hpp"
#include "manifest/resolver.hpp"
#include "manifest/store_rules.hpp"

namespace lacquer::manifest::detail {

namespace {
std::string inputKey(InputRef::Kind kind) {
    switch (kind) {
        case InputRef::Kind::Track:
            return "file";
        case InputRef::Kind::ImpulseResponse:
            return "ir";
        case InputRef::Kind::Cover:
            return "cover";
        case InputRef::Kind::Reference:
            return "reference";
        case InputRef::Kind::NoiseProfile:
            return "profile file";
    }
    return "file";
}

// The longest impulse response the reverb takes (the longest real halls and cathedrals ring for
// 10-15 s).
constexpr double kMaxImpulseResponseS = 30.0;

}  // namespace

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
        if (!fs::is_regular_file(status)) {
            // A FIFO, socket or device: opening or reading it could block forever.
            struct stat st{};
            const bool known = ::stat(in.path.c_str(), &st) == 0;
            diags.add(in.line, in.column,
                      fmt::format("{} '{}' is {}, not a regular file", key, in.written,
                                  known ? io::describeFileType(st.st_mode) : "not a regular file"),
                      "name a regular file (save a stream to a file first)");
            continue;
        }
        if (in.kind == InputRef::Kind::Cover) {
            std::array<unsigned char, 8> head{};
            bool read = false;
            try {
                io::InputFile f(in.path, ErrorKind::Manifest);  // a regular file, opened without blocking
                read = ::read(f.fd(), head.data(), head.size()) == static_cast<ssize_t>(head.size());
            } catch (const Error&) {
                read = false;
            }
            if (!read) {
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
                checkCoverForStores(c_, at, in.written, in.path);  // store_rules.cpp
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
                      in.kind == InputRef::Kind::Track             ? "export a stereo mix"
                      : in.kind == InputRef::Kind::ImpulseResponse ? "use a mono or stereo impulse response"
                                                                   : "use a mono or stereo file");
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
            highestSourceRateHz = std::max(highestSourceRateHz, info.sampleRateHz);
            // Explicit trim cuts are known now (auto cuts only after reading the audio: the render
            // checks those lengths).
            const double cutS = detail::explicitTrimS(plan_.tracks[static_cast<std::size_t>(in.trackIndex)].chain.trim);
            if (cutS > 0 && cutS >= info.durationS()) {
                diags.add(in.line, in.column,
                          fmt::format("trim cuts {} s from '{}', which is {:.2f} s long", detail::num(cutS), in.written,
                                      info.durationS()),
                          "shorten the trim's head/tail cuts");
                continue;
            }
            trackDurationsS_[in.trackIndex] = info.durationS() - cutS;
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

}  // namespace lacquer::manifest::detail
