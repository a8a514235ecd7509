// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/resample/resample.hpp"

#include <soxr.h>

#include <cmath>

#include "lacquer/common/error.hpp"

namespace lacquer {

AudioBuffer resample(const AudioBuffer& in, double targetRateHz) { return resample(in, targetRateHz, 0.0); }

AudioBuffer resample(const AudioBuffer& in, double targetRateHz, double passbandEnd) {
    if (in.sampleRateHz == targetRateHz) return in;
    const double ratio = targetRateHz / in.sampleRateHz;
    const auto outFrames = static_cast<std::size_t>(std::llround(static_cast<double>(in.frames()) * ratio));
    AudioBuffer out(in.channels(), outFrames, targetRateHz);
    // Linear phase (SOXR_LINEAR_PHASE) at very high quality; one channel at a time through the
    // one-shot API, which flushes the filter and removes its delay.
    soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ | SOXR_LINEAR_PHASE, 0);
    if (passbandEnd > 0) quality.passband_end = passbandEnd;
    const soxr_io_spec_t ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    for (int c = 0; c < in.channels(); ++c) {
        size_t produced = 0;
        const soxr_error_t err = soxr_oneshot(in.sampleRateHz, targetRateHz, 1,
                                              in.samples[static_cast<std::size_t>(c)].data(), in.frames(), nullptr,
                                              out.samples[static_cast<std::size_t>(c)].data(), outFrames, &produced,
                                              &ioSpec, &quality, &runtime);
        if (err)
            throw Error(ErrorKind::Io, "resampler", std::string("libsoxr failed: ") + soxr_strerror(err),
                        "report this as a bug");
    }
    return out;
}

}  // namespace lacquer
