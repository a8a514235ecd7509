// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/checks/targets.hpp"

#include <algorithm>
#include <cmath>

#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/reference_peak.hpp"

namespace lacquer::checks {

std::string trackLabel(int number, const std::string& title) {
    return number > 0 ? "track " + std::to_string(number) + " (" + title + ")" : title;
}

TrackVerdict checkPeak(const VariantPlan& variant, const TrackReading& t) {
    TrackVerdict out;
    auto& checks = out.checks;
    const std::string who = trackLabel(t.number, t.title);
    const auto& m = t.loudness;
    if (m.truePeakDbtp) {
        if (variant.limiter) {
            const double ceiling = variant.limiter->ceilingDbtp;
            bool under = *m.truePeakDbtp <= ceiling;
            // The margin: how much of the ceiling was left to spare (issue 12: "met with ceiling to spare").
            std::string detail = fmt2(*m.truePeakDbtp) + " dBTP vs ceiling " + fmt2(ceiling) + " dBTP (" +
                                 (under ? fmt2(ceiling - *m.truePeakDbtp) + " dB to spare)" : "over by " + fmt2(*m.truePeakDbtp - ceiling) + " dB)");
            std::string found = fmt2(*m.truePeakDbtp) + " dBTP";
            if (!under) {
                // A 4x meter may over-read dense content near Nyquist (within EBU Tech
                // 3341's meter tolerance): read the file again 8x oversampled before failing it.
                const auto ref = loudness::referenceTruePeakDbtp(io::FileSource(t.file, io::Channels::Native));
                out.reread8x = true;
                out.truePeak8xDbtp = ref;
                under = ref && *ref <= ceiling;
                detail = "8x oversampled " + (ref ? fmt2(*ref) : std::string("n/a")) + " dBTP vs ceiling " + fmt2(ceiling) +
                         " dBTP (the 4x meter reads " + fmt2(*m.truePeakDbtp) + ")";
                found = (ref ? fmt2(*ref) : std::string("n/a")) + " dBTP 8x oversampled (4x: " + fmt2(*m.truePeakDbtp) + ")";
            }
            Check c = judged("track.true_peak", t.number, who + " true peak under ceiling", under, detail);
            c.failure = "true peak above the manifest's limiter ceiling";
            c.expected = "≤ " + fmt2(ceiling) + " dBTP";
            c.found = found;
            checks.push_back(c);
        } else if (m.samplePeakDbfs) {
            Check c = judged("track.no_clipping", t.number, who + " no clipping", *m.samplePeakDbfs < 0.0,
                             "sample peak " + fmt2(*m.samplePeakDbfs) + " dBFS");
            c.failure = "clipped (no limiter in this variant)";
            c.expected = "sample peak < 0.00 dBFS";
            c.found = fmt2(*m.samplePeakDbfs) + " dBFS";
            checks.push_back(c);
        }
    }

    return out;
}

TrackVerdict checkTrack(const VariantPlan& variant, const TrackReading& t) {
    TrackVerdict out;
    auto& checks = out.checks;
    const std::string who = trackLabel(t.number, t.title);
    const auto& m = t.loudness;

    Check complete = judged("track.file_complete", t.number, who + " file complete", t.frames == t.expectedFrames,
                            std::to_string(t.frames) + " frames written of " + std::to_string(t.expectedFrames));
    complete.failure = "file incomplete";
    complete.expected = std::to_string(t.expectedFrames) + " frames";
    complete.found = std::to_string(t.frames) + " frames";
    checks.push_back(complete);

    // The track's own audio decides (a 0.3 s sting followed by its gap measures in the file,
    // but was given no gain): no on-target check for it.
    if (!m.integratedLufs || !t.loudnessDefined) {
        checks.push_back(judged("track.loudness_undefined", t.number, who + " loudness", true,
                                "undefined (silence or under 400 ms): no gain applied"));
    } else if (variant.loudness.mode == LoudnessMode::Track) {
        const double want = variant.loudness.targetLufs + t.loudnessOffsetLu;
        const double err = *m.integratedLufs - want;
        Check c = judged("track.loudness", t.number, who + " loudness on target", std::abs(err) <= kLoudnessToleranceLu,
                         fmt2(*m.integratedLufs) + " LUFS vs target " + fmt2(want) + " (" + fmt2(err) + " LU)");
        c.failure = "integrated loudness off the manifest's target (±0.1 LU)";
        c.expected = fmt2(want) + " LUFS";
        c.found = fmt2(*m.integratedLufs) + " LUFS";
        checks.push_back(c);
    }

    TrackVerdict peak = checkPeak(variant, t);
    out.reread8x = peak.reread8x;
    out.truePeak8xDbtp = peak.truePeak8xDbtp;
    for (auto& c : peak.checks) checks.push_back(std::move(c));

    if (variant.limiter && t.limiterMaxGrDb && *t.limiterMaxGrDb > variant.loudness.maxLimitingDb) {
        const double ceiling = variant.limiter->ceilingDbtp;
        Check c = judged("track.limiting", t.number, who + " limiting within bounds", false,
                         "needs " + fmt2(*t.limiterMaxGrDb) + " dB of limiting to reach the target under " + fmt2(ceiling) +
                             " dBTP; the limit is " + fmt2(variant.loudness.maxLimitingDb) +
                             " dB (max_limiting_db) — lower the target or raise the limit");
        c.failure = "needs more limiting than max_limiting_db";
        c.expected = "≤ " + fmt2(variant.loudness.maxLimitingDb) + " dB";
        c.found = fmt2(*t.limiterMaxGrDb) + " dB";
        checks.push_back(c);
    }
    return out;
}

std::optional<Check> checkAlbumLoudness(const VariantPlan& variant, std::optional<double> albumLufs,
                                        const std::vector<TrackReading>& tracks) {
    if (variant.loudness.mode != LoudnessMode::Album) return std::nullopt;
    // What lands on target: the album's integrated loudness, or its loudest track (TD1008).
    const bool loudest = variant.loudness.anchor == AlbumAnchor::LoudestTrack;
    std::optional<double> anchor = albumLufs;
    if (loudest) {
        double top = -1e300;
        for (const auto& t : tracks) top = std::max(top, t.loudness.integratedLufs.value_or(-1e300));
        anchor = top > -1e300 ? std::optional<double>(top) : std::nullopt;
    }
    const std::string id = loudest ? "album.loudest_track" : "album.loudness";
    const std::string name = loudest ? "loudest track on target" : "album loudness on target";
    const double target = variant.loudness.targetLufs;
    Check c;
    if (anchor) {
        const double err = *anchor - target;
        c = judged(id, 0, name, std::abs(err) <= kLoudnessToleranceLu,
                   fmt2(*anchor) + " LUFS vs target " + fmt2(target) + " (" + fmt2(err) + " LU)");
    } else {
        c = judged(id, 0, name, false, "album loudness is undefined (all silence)");
    }
    c.failure = loudest ? "loudest track off the manifest's target (±0.1 LU)" : "album loudness off the manifest's target (±0.1 LU)";
    c.expected = fmt2(target) + " LUFS";
    c.found = anchor ? fmt2(*anchor) + " LUFS" : std::string("undefined (null)");
    return c;
}

}  // namespace lacquer::checks
