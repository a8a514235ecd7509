// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Noise reduction: a short-time FFT noise reducer for steady background noise (hiss, hum, air
// conditioning), ahead of the dynamics.
//
// Frames of N = 2^k ≈ 85 ms (4096 at 44.1/48 kHz, 8192 at 88.2/96 kHz), periodic Hann analysis
// and synthesis windows, hop N/4 (the squared windows sum to 1.5). Per channel and bin, from the
// noise profile's expected power λ·N(k) (λ = sensitivity):
//   γ = |X|² / (λ·N(k))                                    a-posteriori SNR
//   ξ = α·G²ₚᵣₑᵥ·γₚᵣₑᵥ + (1 − α)·max(γ − 1, 0)              decision-directed a-priori SNR
//                                                          (Ephraim–Malah; the first frame: max(γ−1, 0))
//   G = ξ / (1 + ξ)                                        Wiener gain
//   G' = median of G over bins k−1, k, k+1 (spectral smoothing), then max(G', 10^(−reduction/20))
// The recursion in ξ is the temporal smoothing; the median removes the isolated bins that would
// flicker into "musical noise" while a partial's three-bin Hann main lobe keeps its gain (a mean
// over five bins cost a partial's peak ~3 dB and made the SNR worse at 20 dB input SNR); the floor
// bounds the reduction.
// Alignment: frame t covers input [tH − N + H, tH + H) (zeros before the track), so the output
// is aligned with the input sample for sample (latency compensated: latencyFrames() = 0) and has
// the input's length.
//
// Backends: FFTW float on the CPU, the FFTW double twin (tests null the others against it), and
// Vulkan (VkFFT R2C/C2R batched over frames × channels, the gain recursion and the smoothing as
// compute shaders; state kept on the device between batches).
// Memory: a batch of frames per backend plus one frame of input and output per channel, however
// long the track.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"

namespace lacquer::denoise {

// chain.denoise, as the manifest states it.
struct Params {
    double reductionDb = 12.0;     // most attenuation of any bin (the gain floor)
    double sensitivityDb = 3.0;    // the noise profile is raised by this much before γ (over-subtraction)
    double timeSmoothing = 0.98;   // α of the decision-directed estimate (0..0.999)
    // Profile: empty `profileFile` with autoProfile = true: the quietest 10 % of the track's own
    // frames; else frames wholly within [profileStartS, profileEndS) of profileFile (or of the
    // track's own file when profileFile is empty).
    bool autoProfile = true;
    std::filesystem::path profileFile;
    double profileStartS = 0.0, profileEndS = 0.0;
    bool operator==(const Params&) const = default;
};

// The analysis frame length (frames, a power of two, about 85 ms) at a sample rate.
std::size_t frameSize(double sampleRateHz);

// A noise power spectrum as mean-square density per Hz, sampled every binHz from 0 Hz; any rate.
struct NoiseProfile {
    double binHz = 0;
    std::vector<double> density;
    double frames = 0;  // analysis frames averaged
    bool empty() const { return density.empty() || frames <= 0; }
    double densityAt(double freqHz) const;  // linear interpolation; the last value above the top
};

// Measures a noise profile from audio pushed in order (any block sizes): every frame (Hann,
// hop N/2, N = frameSize(rate)) in [startFrame, endFrame), or, with Mode::Quietest, the quietest
// 10 % of the frames that are not digital silence (1 dB level rows, memory flat in length).
class NoiseMeter {
public:
    enum class Mode { Region, Quietest };
    NoiseMeter(double sampleRateHz, Mode mode, std::size_t startFrame = 0, std::size_t endFrame = SIZE_MAX);
    ~NoiseMeter();
    NoiseMeter(const NoiseMeter&) = delete;
    NoiseMeter& operator=(const NoiseMeter&) = delete;
    void add(const BlockView& block);
    NoiseProfile profile() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

enum class Backend {
    CpuFloat,   // FFTW float
    CpuDouble,  // FFTW double: the twin
    Vulkan,     // VkFFT on the Vulkan device
};

// One noise reducer for a track. Not thread-safe; make one per track (a Vulkan one opens its own
// Vulkan context and compiles its FFT plan: about a second on lavapipe).
class Stream {
public:
    using Sink = std::function<void(const BlockView&)>;
    // vulkanIndex: -1 = the default device. Throws Error(Device) when Vulkan cannot be used.
    Stream(Backend backend, const Params& params, const NoiseProfile& profile, int channels, double sampleRateHz,
           std::size_t inputFrames, int vulkanIndex = -1);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    static constexpr std::size_t latencyFrames() { return 0; }
    void push(const BlockView& in, const Sink& sink);
    void finish(const Sink& sink);
    std::string backendName() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The double twin over a whole buffer (tests): [channel][frame], the input's length.
std::vector<std::vector<double>> processReference(const AudioBuffer& in, const Params& params,
                                                  const NoiseProfile& profile);
// Any backend over a whole buffer, pushed in blocks of `blockFrames` (tests, benchmarks).
AudioBuffer process(Backend backend, const AudioBuffer& in, const Params& params, const NoiseProfile& profile,
                    std::size_t blockFrames = 65536);

// The profile of a whole buffer (tests).
NoiseProfile measureProfile(const AudioBuffer& in, NoiseMeter::Mode mode, std::size_t startFrame = 0,
                            std::size_t endFrame = SIZE_MAX);

}  // namespace lacquer::denoise
