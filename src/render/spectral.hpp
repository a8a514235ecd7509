// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/render: what the spectral stages need measured before a track's shared chain
// runs. Reference match: the references' and the album's (or each track's) gated spectra,
// measured by streaming each file once (eq::SpectrumMeter: memory flat in length), and the match
// curve per job. Each job's measured result spectrum comes back from processTrack for the report.
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "lacquer/denoise/denoise.hpp"
#include "lacquer/eq/match.hpp"
#include "lacquer/manifest/plan.hpp"
#include "lacquer/render/render.hpp"

namespace lacquer::render {

struct SpectralJob {
    std::optional<eq::MagnitudeCurve> match;           // the match curve (absent: no match)
    std::shared_ptr<const eq::MatchResult> matchDesign;  // source/reference spectra, for the report
    std::shared_ptr<const eq::LogSpectrum> reference;    // the references' average, unsmoothed
    int matchGroup = -1;  // jobs sharing one album-scope curve share a group (report aggregation)
    std::shared_ptr<const denoise::NoiseProfile> noise;  // the denoiser's profile (absent: no denoise)
};

// One entry per job (a track with its resolved chain). Throws Error(Input) for unreadable audio.
std::vector<SpectralJob> prepareSpectral(const std::vector<TrackPlan>& jobs);

// processTrack's view of a job's spectral stages: the denoiser follows the convolution's backend
// (the same Vulkan device when it is "vulkan").
SpectralInputs spectralInputs(const SpectralJob& job, const convolution::Engine& engine,
                              const convolution::DeviceRequest& device);

// report.json "spectral": "denoise": per track, the noise floor (the quietest tenth of the frames,
// 1/3 octave) before and after and the profile used; "match": per match curve, the source, reference and measured result spectra
// (1/6 octave), the curve, and the result's residual against the reference per octave band.
// `results[j]` is job j's measured output spectrum (after the convolution), or null.
struct SpectralResults {
    std::shared_ptr<eq::SpectrumMeter> matched;                       // after the convolution
    std::shared_ptr<denoise::NoiseMeter> noiseBefore, noiseAfter;     // around the denoiser
    std::string denoiseBackend;
};
nlohmann::json spectralJson(const std::vector<TrackPlan>& jobs, const std::vector<SpectralJob>& spectral,
                            const std::vector<SpectralResults>& results);

}  // namespace lacquer::render
