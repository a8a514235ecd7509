// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/spectral.hpp"

#include <cmath>
#include <map>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/io/decode.hpp"

namespace lacquer::render {
namespace {

using nlohmann::json;
constexpr std::size_t kBlockFrames = 65536;

// Streams a file through a meter at its own rate (one block in memory).
std::shared_ptr<eq::SpectrumMeter> measureFile(const std::filesystem::path& path) {
    const io::FileSource file(path, io::Channels::Stereo);
    auto meter = std::make_shared<eq::SpectrumMeter>(file.sampleRateHz());
    AudioBuffer block(file.channels(), kBlockFrames, file.sampleRateHz());
    for (std::size_t at = 0; at < file.frames(); at += kBlockFrames) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kBlockFrames, file.frames() - at));
        file.read(at, v);
        meter->add(v);
    }
    return meter;
}

json dbSeries(const std::vector<double>& db, std::size_t step) {
    json out = json::array();
    for (std::size_t i = 0; i < db.size(); i += step)
        out.push_back(std::isfinite(db[i]) ? json(std::round(db[i] * 100) / 100) : json(nullptr));
    return out;
}

}  // namespace

std::vector<SpectralJob> prepareSpectral(const std::vector<TrackPlan>& jobs) {
    std::vector<SpectralJob> out(jobs.size());
    // Every file to measure once: each source track and each reference.
    std::vector<std::filesystem::path> files;
    std::map<std::filesystem::path, std::size_t> index;
    auto want = [&](const std::filesystem::path& p) {
        if (index.emplace(p, files.size()).second) files.push_back(p);
    };
    bool any = false;
    for (const auto& j : jobs)
        if (j.chain.match && j.chain.match->amount > 0) {
            any = true;
            want(j.file);
            for (const auto& r : j.chain.match->references) want(r);
        }
    if (!any) return out;
    // Album scope: the album is every track of the running order (each job is one track with one chain).
    for (const auto& j : jobs) want(j.file);
    std::vector<std::shared_ptr<eq::SpectrumMeter>> meters(files.size());
    parallelFor(files.size(), [&](std::size_t i) { meters[i] = measureFile(files[i]); });

    std::map<int, bool> seenTrack;
    std::shared_ptr<eq::SpectrumMeter> album;
    for (const auto& j : jobs) {
        if (seenTrack[j.number]) continue;
        seenTrack[j.number] = true;
        const auto& m = meters[index.at(j.file)];
        if (!album) album = std::make_shared<eq::SpectrumMeter>(48000.0);  // any rate: the grid is shared
        album->merge(*m);
    }
    const eq::LogSpectrum albumSpectrum = album->spectrum();
    std::map<std::vector<std::filesystem::path>, std::shared_ptr<const eq::LogSpectrum>> references;
    std::vector<std::pair<eq::MatchParams, int>> groups;  // album-scope params → group
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        const auto& params = jobs[k].chain.match;
        if (!params || params->amount <= 0) continue;
        auto it = references.find(params->references);
        if (it == references.end()) {
            std::vector<eq::LogSpectrum> spectra;
            for (const auto& r : params->references) spectra.push_back(meters[index.at(r)]->spectrum());
            it = references.emplace(params->references, std::make_shared<const eq::LogSpectrum>(eq::averageNormalised(spectra))).first;
        }
        const bool albumScope = params->scope == eq::MatchScope::Album;
        const eq::LogSpectrum source = albumScope ? albumSpectrum : meters[index.at(jobs[k].file)]->spectrum();
        auto design = std::make_shared<eq::MatchResult>(eq::designMatch(source, *it->second, *params));
        out[k].match = design->curve();
        out[k].matchDesign = design;
        out[k].reference = it->second;
        if (albumScope) {
            std::size_t g = 0;
            while (g < groups.size() && !(groups[g].first == *params)) ++g;
            if (g == groups.size()) groups.emplace_back(*params, static_cast<int>(g));
            out[k].matchGroup = static_cast<int>(g);
        } else {
            out[k].matchGroup = -1;
        }
    }
    return out;
}

json spectralJson(const std::vector<TrackPlan>& jobs, const std::vector<SpectralJob>& spectral,
                  const std::vector<std::shared_ptr<eq::SpectrumMeter>>& results) {
    json matches = json::array();
    // 1/6 octave for the plots: every 8th cell of the 1/48-octave grid.
    constexpr std::size_t kStep = 8;
    // One entry per curve: an album-scope group, or a track-scope job.
    std::vector<std::vector<std::size_t>> members;
    std::map<int, std::size_t> groupEntry;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        if (!spectral[k].matchDesign || !results[k]) continue;
        const int g = spectral[k].matchGroup;
        if (g >= 0 && groupEntry.count(g)) {
            members[groupEntry[g]].push_back(k);
            continue;
        }
        if (g >= 0) groupEntry[g] = members.size();
        members.push_back({k});
    }
    for (const auto& jobsOf : members) {
        const std::size_t first = jobsOf.front();
        const auto& params = *jobs[first].chain.match;
        const auto& d = *spectral[first].matchDesign;
        const eq::LogSpectrum& reference = *spectral[first].reference;
        eq::SpectrumMeter merged(48000.0);
        json tracks = json::array();
        for (std::size_t k : jobsOf) {
            merged.merge(*results[k]);
            tracks.push_back(jobs[k].number);
        }
        const eq::LogSpectrum result = merged.spectrum();
        // The result normalised and smoothed exactly as the source and reference were.
        const eq::MatchResult shown = eq::designMatch(result, reference, params);
        json f = json::array();
        for (std::size_t i = 0; i < d.freqsHz.size(); i += kStep) f.push_back(std::round(d.freqsHz[i] * 10) / 10);
        json refs = json::array();
        for (const auto& r : params.references) refs.push_back(r.filename().string());
        json residuals = json::array();
        for (const auto& o : eq::octaveResiduals(result, reference, params.lowHz, params.highHz))
            residuals.push_back({{"centre_hz", o.centreHz}, {"residual_db", std::round(o.residualDb * 100) / 100}});
        matches.push_back({{"scope", params.scope == eq::MatchScope::Album ? "album" : "track"},
                           {"tracks", tracks},
                           {"references", refs},
                           {"amount", params.amount},
                           {"smoothing_oct", params.smoothingOct},
                           {"max_boost_db", params.maxBoostDb},
                           {"max_cut_db", params.maxCutDb},
                           {"low_hz", params.lowHz},
                           {"high_hz", params.highHz},
                           {"freqs_hz", f},
                           {"source_db", dbSeries(d.sourceDb, kStep)},
                           {"reference_db", dbSeries(d.referenceDb, kStep)},
                           {"result_db", dbSeries(shown.sourceDb, kStep)},
                           {"curve_db", dbSeries(d.curveDb, kStep)},
                           {"residual_octaves", residuals}});
    }
    return json{{"match", matches}};
}

}  // namespace lacquer::render
