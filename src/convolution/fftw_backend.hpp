// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to src/convolution: overlap-save on the CPU with FFTW, in float (the CPU backend) or
// double (the twin). (block, channel) pairs are spread over worker threads, each with its own
// buffers; plans are made once per FFT size (FFTW_ESTIMATE: planning a 2^20-point transform with
// FFTW_MEASURE costs tens of seconds, and measured plans could differ from run to run, and with them
// the output's rounding) and executed with the thread-safe new-array interface.
#include <complex>
#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include "convolution/overlap_save.hpp"
#include "lacquer/common/audio.hpp"

namespace lacquer::convolution::detail {

// The automatic FFT size of the FFTW backends for a kernel of `kernelFrames` taps: the size with
// the least measured FFTW time per output frame (see the table in fftw_backend.cpp); sizes past
// the table fall back to autoFftFrames().
std::size_t fftwFftFrames(std::size_t kernelFrames);

template <class Real>
class FftwOverlapSave {
public:
    explicit FftwOverlapSave(int threads);
    ~FftwOverlapSave();
    FftwOverlapSave(const FftwOverlapSave&) = delete;
    FftwOverlapSave& operator=(const FftwOverlapSave&) = delete;

    int threads() const { return threads_; }
    // out[c] points at geometry.outputFrames writable values of channel c.
    template <class Out>
    void run(const AudioBuffer& in, const Kernel& kernel, std::size_t fftFrames, const std::vector<Out*>& out);
    // Blocks [firstBlock, endBlock) of g: in[c] points at input frame inStart of channel c (a window
    // holding every frame those blocks read), out[c] at output frame g.outputFirst(firstBlock).
    template <class Out>
    void run(const Geometry& g, std::size_t firstBlock, std::size_t endBlock, std::size_t channels,
             const float* const* in, std::int64_t inStart, Out* const* out, const Kernel& kernel);

private:
    struct Plans;
    Plans& plansFor(std::size_t fftFrames);
    const std::vector<std::vector<std::complex<Real>>>& spectraFor(const Kernel& kernel, std::size_t fftFrames);
    int threads_;
    std::map<std::size_t, std::unique_ptr<Plans>> plans_;
    // The last kernel's spectra (an album chain is the same kernel for every track).
    std::uint64_t spectraSerial_ = 0;
    std::size_t spectraFftFrames_ = 0;
    std::vector<std::vector<std::complex<Real>>> spectra_;
};

extern template class FftwOverlapSave<float>;
extern template class FftwOverlapSave<double>;

}  // namespace lacquer::convolution::detail
