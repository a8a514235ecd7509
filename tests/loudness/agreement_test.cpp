// SPDX-License-Identifier: GPL-3.0-or-later
// lacquer's meter (loudness::Meter) against the reference it replaced (libebur128, through
// loudness::Ebur128Meter) and, for true peak, against the 8x libsoxr reading
// (referenceTruePeakDbtp), on music-like signals synthesised here: band-limited noise with a
// verse/chorus envelope, drum-like bursts over a bass line, and a dense limited ("brick-walled")
// master whose energy reaches Nyquist. Rates 44.1, 48, 88.2, 96 and 192 kHz; 1, 2 and 6 channels.
//
// Stated agreement (each number is commented where it is checked):
// - integrated loudness within 0.001 LU of libebur128 (both filter in double over the same
//   400 ms blocks);
// - loudness range within 0.5 LU of libebur128 (we take short-term windows every 100 ms, as
//   Tech 3342 asks since 2016; libebur128 1.2.6 every 1 s: a different sample of the same
//   distribution);
// - sample peak identical;
// - true peak within 0.1 dB of the 8x reference (which itself is held to analytic peaks in
//   reference_peak_test.cpp) and within 0.3 dB of libebur128.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>

#include "lacquer/loudness/ebur128_meter.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/loudness/reference_peak.hpp"

namespace lacquer::test {
namespace {

enum class Kind { Song, Drums, Limited };

// An 8th-order Butterworth low-pass (four RBJ biquads) in place: every test signal is band-limited
// the way a real master is, to 20 kHz or 0.42 fs, whichever is lower (white noise up to Nyquist
// is not audio, and the 8x reference, a linear-phase resampler, would not reproduce its samples).
void bandLimit(std::vector<float>& x, double rate) {
    const double fc = std::min(20000.0, 0.42 * rate);
    for (double q : {0.5098, 0.6013, 0.9000, 2.5629}) {  // Butterworth pole pairs of order 8
        const double w = 2 * std::numbers::pi * fc / rate, alpha = std::sin(w) / (2 * q), cw = std::cos(w);
        const double a0 = 1 + alpha;
        const double b0 = (1 - cw) / 2 / a0, b1 = (1 - cw) / a0, b2 = b0, a1 = -2 * cw / a0, a2 = (1 - alpha) / a0;
        double z1 = 0, z2 = 0;
        for (float& v : x) {
            const double in = v, out = b0 * in + z1;
            z1 = b1 * in - a1 * out + z2;
            z2 = b2 * in - a2 * out;
            v = static_cast<float>(out);
        }
    }
}

// Band-limited noise "mix" shaped by a slow verse/chorus envelope (Song); decaying noise bursts
// every 0.5 s over a 55 Hz bass (Drums); or noise driven 12 dB into a hard clip, band-limited
// again and scaled to a -1 dBFS sample peak (Limited: dense, flat to the band edge, full of
// inter-sample overs, like a loud master).
AudioBuffer music(Kind kind, double rate, int channels, double seconds, unsigned seed) {
    const auto frames = static_cast<std::size_t>(seconds * rate);
    AudioBuffer audio(channels, frames, rate);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (int c = 0; c < channels; ++c) {
        auto& x = audio.samples[static_cast<std::size_t>(c)];
        for (float& v : x) v = static_cast<float>(noise(rng));
        bandLimit(x, rate);
        for (std::size_t n = 0; n < frames; ++n) {
            const double t = static_cast<double>(n) / rate;
            switch (kind) {
            case Kind::Song: {
                const double section = std::fmod(t, 16.0) < 8.0 ? 0.25 : 1.0;  // verse, chorus
                x[n] = static_cast<float>(0.08 * section * (1.0 + 0.3 * std::sin(2 * std::numbers::pi * 0.5 * t)) * x[n]);
                break;
            }
            case Kind::Drums:
                x[n] = static_cast<float>(0.25 * std::exp(-std::fmod(t, 0.5) * 30.0) * x[n] +
                                          0.2 * std::sin(2 * std::numbers::pi * 55.0 * t + c));
                break;
            case Kind::Limited: x[n] = static_cast<float>(std::clamp(4.0 * x[n], -1.0, 1.0)); break;
            }
        }
        if (kind == Kind::Limited) {
            bandLimit(x, rate);
            float peak = 0;
            for (float v : x) peak = std::max(peak, std::abs(v));
            for (float& v : x) v = static_cast<float>(v * std::pow(10.0, -1.0 / 20.0) / peak);
        }
    }
    return audio;
}

struct Case {
    const char* name;
    Kind kind;
    double rate;
    int channels;
    double seconds;
};

class MeterAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(MeterAgreement, AgreesWithLibebur128AndThe8xReference) {
    const Case& c = GetParam();
    const AudioBuffer audio = music(c.kind, c.rate, c.channels, c.seconds, 1234);
    const auto ours = loudness::measure(audio);
    const auto ref = loudness::measureEbur128(audio);
    const auto tp8 = loudness::referenceTruePeakDbtp(audio);
    ASSERT_TRUE(ours.integratedLufs && ref.integratedLufs && ours.loudnessRangeLu && ref.loudnessRangeLu);
    ASSERT_TRUE(ours.truePeakDbtp && ref.truePeakDbtp && tp8 && ours.samplePeakDbfs && ref.samplePeakDbfs);
    std::printf("[ agreement ] %s: I %.6f vs %.6f, LRA %.3f vs %.3f, TP %.3f vs libebur128 %.3f vs 8x %.3f\n",
                c.name, *ours.integratedLufs, *ref.integratedLufs, *ours.loudnessRangeLu, *ref.loudnessRangeLu,
                *ours.truePeakDbtp, *ref.truePeakDbtp, *tp8);
    // 0.001 LU: both K-weight in double and gate the same 400 ms blocks; measured differences are
    // under 1e-6 LU (filter structure and summation order).
    EXPECT_NEAR(*ours.integratedLufs, *ref.integratedLufs, 0.001);
    // 0.5 LU: 100 ms versus 1 s short-term hop (see the file comment); measured up to 0.31 LU (six channels, 20 s).
    EXPECT_NEAR(*ours.loudnessRangeLu, *ref.loudnessRangeLu, 0.5);
    // Exact: both take max |x| over the same float samples.
    EXPECT_EQ(*ours.samplePeakDbfs, *ref.samplePeakDbfs);
    // 0.1 dB of the 8x reference: our interpolator's passband ripple (±0.02 dB), the 4x grid's
    // miss against 8x on content up to 0.4 fs (a crest up to 1/8 sample from a grid point), and
    // the reference's own 8x grid.
    EXPECT_NEAR(*ours.truePeakDbtp, *tp8, 0.1);
    // 0.3 dB of libebur128: two meters each within Tech 3341's +0.2/-0.4 dB may differ by more;
    // measured here up to 0.20 dB (44.1 kHz limited noise, where libebur128 reads the sample peak
    // and we and the 8x reference read 0.2 dB of inter-sample over).
    EXPECT_NEAR(*ours.truePeakDbtp, *ref.truePeakDbtp, 0.3);
}

INSTANTIATE_TEST_SUITE_P(
    MusicLike, MeterAgreement,
    ::testing::Values(Case{"Song48kStereo", Kind::Song, 48000, 2, 40}, Case{"Song44kStereo", Kind::Song, 44100, 2, 40},
                      Case{"Drums96kStereo", Kind::Drums, 96000, 2, 20}, Case{"Drums88kMono", Kind::Drums, 88200, 1, 20},
                      Case{"Limited48kStereo", Kind::Limited, 48000, 2, 20},
                      Case{"Limited44kStereo", Kind::Limited, 44100, 2, 20},
                      Case{"Limited96kStereo", Kind::Limited, 96000, 2, 20},
                      Case{"Song48kSixChannels", Kind::Song, 48000, 6, 20},
                      Case{"Song192kStereo", Kind::Song, 192000, 2, 20}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MeterAgreement, AlbumReadingsAgreeWithLibebur128) {
    // Two tracks at different rates: album integrated loudness over both tracks' blocks.
    const AudioBuffer a = music(Kind::Song, 48000, 2, 30, 1), b = music(Kind::Drums, 44100, 2, 30, 2);
    loudness::Meter ma(2, 48000), mb(2, 44100);
    loudness::Ebur128Meter ra(2, 48000), rb(2, 44100);
    AudioBuffer ca = a, cb = b;
    ma.add(ca.view());
    mb.add(cb.view());
    ra.add(ca.view());
    rb.add(cb.view());
    const auto ours = loudness::Meter::combinedIntegratedLufs({&ma, &mb});
    const auto ref = loudness::Ebur128Meter::combinedIntegratedLufs({&ra, &rb});
    ASSERT_TRUE(ours && ref);
    EXPECT_NEAR(*ours, *ref, 0.001);  // as for one track
    const auto oursLra = loudness::Meter::combinedLoudnessRangeLu({&ma, &mb});
    const auto refLra = loudness::Ebur128Meter::combinedLoudnessRangeLu({&ra, &rb});
    ASSERT_TRUE(oursLra && refLra);
    EXPECT_NEAR(*oursLra, *refLra, 0.5);  // as for one track
}

}  // namespace
}  // namespace lacquer::test
