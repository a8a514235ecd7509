// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/spectral.hpp"

#include <cmath>
#include <limits>
#include <map>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"

#include <fmt/format.h>

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

// The profile a job's denoiser uses: the quietest frames of its own file, or a stated region.
std::shared_ptr<const denoise::NoiseProfile> measureNoise(const TrackPlan& job) {
    const denoise::Params& p = *job.chain.denoise;
    const std::filesystem::path& path = p.autoProfile || p.profileFile.empty() ? job.file : p.profileFile;
    const io::FileSource file(path, io::Channels::Stereo);
    const double rate = file.sampleRateHz();
    const auto start = static_cast<std::size_t>(std::llround(p.profileStartS * rate));
    const auto end = static_cast<std::size_t>(std::llround(p.profileEndS * rate));
    denoise::NoiseMeter meter(rate, p.autoProfile ? denoise::NoiseMeter::Mode::Quietest : denoise::NoiseMeter::Mode::Region,
                              start, end);
    // A region needs only its own frames; auto reads the whole file.
    const std::size_t to = p.autoProfile ? file.frames() : std::min(file.frames(), end);
    AudioBuffer block(file.channels(), kBlockFrames, rate);
    for (std::size_t at = 0; at < to; at += kBlockFrames) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kBlockFrames, to - at));
        file.read(at, v);
        meter.add(v);
    }
    auto profile = std::make_shared<denoise::NoiseProfile>(meter.profile());
    if (profile->empty())
        throw Error(ErrorKind::Input, job.title,
                    p.autoProfile ? "denoise found no audio to learn the noise from (the track is digital silence)"
                                  : fmt::format("the denoise profile region {}..{} s of '{}' holds no whole analysis frame "
                                                "(the file is {:.2f} s long)",
                                                p.profileStartS, p.profileEndS, path.filename().string(),
                                                static_cast<double>(file.frames()) / rate),
                    "state a region of noise alone inside the file, or use profile: auto");
    return profile;
}

}  // namespace

std::vector<SpectralJob> prepareSpectral(const std::vector<TrackPlan>& jobs) {
    std::vector<SpectralJob> out(jobs.size());
    parallelFor(jobs.size(), [&](std::size_t k) {
        if (jobs[k].chain.denoise) out[k].noise = measureNoise(jobs[k]);
    });
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

SpectralInputs spectralInputs(const SpectralJob& job, const convolution::Engine& engine,
                              const convolution::DeviceRequest& device) {
    SpectralInputs in;
    if (job.match) in.match = &*job.match;
    in.noise = job.noise.get();
    in.denoiseBackend = engine.backendName() == "vulkan" ? denoise::Backend::Vulkan : denoise::Backend::CpuFloat;
    in.vulkanIndex = device.vulkanIndex;
    return in;
}

std::vector<ProcessedTrack> processTracks(const AlbumPlan& plan, convolution::Engine& engine, const IrCache& irs,
                                          const convolution::DeviceRequest& device) {
    const std::vector<SpectralJob> spectral = prepareSpectral(plan.tracks);
    std::vector<ProcessedTrack> out;
    for (std::size_t i = 0; i < plan.tracks.size(); ++i)
        out.push_back(processTrack(plan, plan.tracks[i], engine, irs, nullptr, spectralInputs(spectral[i], engine, device)));
    return out;
}

json spectralJson(const std::vector<TrackPlan>& jobs, const std::vector<SpectralJob>& spectral,
                  const std::vector<SpectralResults>& results) {
    json denoised = json::array();
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        const auto& r = results[k];
        if (!spectral[k].noise || !r.noiseBefore || !r.noiseAfter) continue;
        const auto& p = *jobs[k].chain.denoise;
        const denoise::NoiseProfile before = r.noiseBefore->profile(), after = r.noiseAfter->profile();
        json f = json::array(), b = json::array(), a = json::array(), prof = json::array();
        double pb = 0, pa = 0;
        for (double fc = 25; fc < 20000; fc *= std::pow(2.0, 1.0 / 3)) {
            // Mean-square per 1/3-octave band (dB re full scale), from the densities per Hz.
            auto band = [&](const denoise::NoiseProfile& n) {
                if (n.empty()) return std::numeric_limits<double>::quiet_NaN();
                double s = 0;
                const double lo = fc / std::pow(2.0, 1.0 / 6), hi = fc * std::pow(2.0, 1.0 / 6);
                for (double g = lo; g < hi; g += 1.0) s += n.densityAt(g);
                return s;
            };
            const double vb = band(before), va = band(after), vp = band(*spectral[k].noise);
            pb += std::isfinite(vb) ? vb : 0;
            pa += std::isfinite(va) ? va : 0;
            f.push_back(std::round(fc * 10) / 10);
            auto db = [](double v) { return std::isfinite(v) && v > 0 ? json(std::round(100 * 10 * std::log10(v)) / 100) : json(nullptr); };
            b.push_back(db(vb));
            a.push_back(db(va));
            prof.push_back(db(vp));
        }
        denoised.push_back({{"track", jobs[k].number},
                            {"backend", r.denoiseBackend},
                            {"reduction_db", p.reductionDb},
                            {"sensitivity_db", p.sensitivityDb},
                            {"time_smoothing", p.timeSmoothing},
                            {"profile", p.autoProfile ? json("auto")
                                                      : json{{"file", (p.profileFile.empty() ? jobs[k].file : p.profileFile).filename().string()},
                                                             {"start_s", p.profileStartS},
                                                             {"end_s", p.profileEndS}}},
                            {"freqs_hz", f},
                            {"profile_db", prof},
                            {"noise_floor_before_db", b},
                            {"noise_floor_after_db", a},
                            {"noise_floor_reduction_db",
                             pb > 0 && pa > 0 ? json(std::round(100 * 10 * std::log10(pb / pa)) / 100) : json(nullptr)}});
    }
    json matches = json::array();
    // 1/6 octave for the plots: every 8th cell of the 1/48-octave grid.
    constexpr std::size_t kStep = 8;
    // One entry per curve: an album-scope group, or a track-scope job.
    std::vector<std::vector<std::size_t>> members;
    std::map<int, std::size_t> groupEntry;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        if (!spectral[k].matchDesign || !results[k].matched) continue;
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
            merged.merge(*results[k].matched);
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
    return json{{"match", matches}, {"denoise", denoised}};
}

}  // namespace lacquer::render
