// SPDX-License-Identifier: GPL-3.0-or-later
// AAC (FFmpeg's libavcodec) and MP3 (LAME through libsndfile) in the codec-headroom round trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lacquer/delivery/codec.hpp"
#include "lacquer/loudness/meter.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

using namespace lacquer;
using namespace lacquer::delivery;

namespace {

// The same loud master as codec_test.cpp: noise driven 6 dB into a hard clip at -1 dBFS.
AudioBuffer loudMaster(double rateHz = 44100) {
    AudioBuffer b = test::musicNoise(8.0, rateHz, 2, 5);
    const float ceiling = static_cast<float>(std::pow(10.0, -1.0 / 20.0));
    for (auto& ch : b.samples)
        for (auto& v : ch) v = std::clamp(v * 2.0f, -ceiling, ceiling);
    return b;
}

// A sine with 20 ms raised-cosine fades: switching a tone on or off at full level is a broadband
// click, which a transform codec smears (pre-echo) into peaks the tone itself does not have.
AudioBuffer fadedSine(double rateHz, double seconds) {
    AudioBuffer b = test::sine(1000.0, 0.25, seconds, rateHz);
    const auto fade = static_cast<std::size_t>(0.02 * rateHz);
    for (auto& ch : b.samples)
        for (std::size_t i = 0; i < fade; ++i) {
            const float g = static_cast<float>(0.5 - 0.5 * std::cos(M_PI * static_cast<double>(i) / static_cast<double>(fade)));
            ch[i] *= g;
            ch[ch.size() - 1 - i] *= g;
        }
    return b;
}

}  // namespace

TEST(CodecAacMp3, NamesAreTheCodecs) {
    EXPECT_EQ(codecName(Codec::Aac), "AAC");
    EXPECT_EQ(codecName(Codec::Mp3), "MP3");
}

TEST(CodecAacMp3, BothKeepLevelAndRunAtTheirBitrates) {
    const AudioBuffer src = loudMaster();
    for (Codec c : {Codec::Aac, Codec::Mp3}) {
        const CodecResult r = codecRoundTrip(src, c);
        EXPECT_EQ(r.decoded.sampleRateHz, 44100.0) << codecName(c);
        EXPECT_EQ(r.decoded.channels(), 2) << codecName(c);
        // Both add encoder delay and padding (AAC 1024 priming samples plus the last frame; LAME
        // 1105 samples of delay and up to a frame of padding, unless mpg123 trims them): within
        // 3 frames of 1152 of the source's length.
        EXPECT_NEAR(static_cast<double>(r.decoded.frames()), static_cast<double>(src.frames()), 3.0 * 1152) << codecName(c);
        // Integrated loudness survives: the same 0.5 LU bound codec_test.cpp uses for Vorbis.
        EXPECT_NEAR(*loudness::measure(r.decoded).integratedLufs, *loudness::measure(src).integratedLufs, 0.5) << codecName(c);
        // The bit rates asked for: AAC 256 kb/s (ABR, within 15 % on dense noise), MP3 320 kb/s
        // CBR (frame headers and padding, within 3 %).
        if (c == Codec::Aac) EXPECT_NEAR(r.bitrateKbps, 256.0, 0.15 * 256.0);
        else EXPECT_NEAR(r.bitrateKbps, 320.0, 0.03 * 320.0);
        std::printf("%s: %.0f kb/s, source TP %.2f dBTP, decoded TP %.2f dBTP, overshoot %+.2f dB\n",
                    codecName(c).c_str(), r.bitrateKbps, *r.sourceTruePeakDbtp, *r.decodedTruePeakDbtp, *r.overshootDb());
        // A clipped master decodes over its source through AAC (measured +0.42 dB at 256 kb/s with
        // the libebur128 meter; +0.26 dB with the own BS.1770 meter of issue 13, which reads this
        // source's inter-sample peaks 0.21 dB higher: source 0.18 dBTP, decoded 0.43 dBTP). 0.15 dB
        // stays well clear of zero and of the meter's repeatability. LAME at 320 kb/s rebuilt this master within -0.02 dB
        // (measured; libsndfile's mpg123 decode is not clipped: 1.49 full scale read back on a
        // test signal, as ffmpeg reads it): only a bound that catches a gain error for MP3.
        if (c == Codec::Aac) EXPECT_GT(*r.overshootDb(), 0.15);
        else EXPECT_LT(std::abs(*r.overshootDb()), 1.0);
    }
}

TEST(CodecAacMp3, HighRatesAreResampledTo48kHz) {
    const AudioBuffer src = fadedSine(192000, 1.0);
    for (Codec c : {Codec::Aac, Codec::Mp3}) {
        const CodecResult r = codecRoundTrip(src, c);
        EXPECT_EQ(r.decoded.sampleRateHz, 48000.0) << codecName(c);
        // A quiet pure tone codes almost exactly: the peak within 0.5 dB (as OpusRunsAt48kHz).
        EXPECT_NEAR(*r.decodedTruePeakDbtp, *r.sourceTruePeakDbtp, 0.5) << codecName(c);
    }
    // 96 kHz is an AAC rate and stays; MP3 has none above 48 kHz.
    const AudioBuffer hi = test::sine(1000.0, 0.25, 0.5, 96000);
    EXPECT_EQ(codecRoundTrip(hi, Codec::Aac).decoded.sampleRateHz, 96000.0);
    EXPECT_EQ(codecRoundTrip(hi, Codec::Mp3).decoded.sampleRateHz, 48000.0);
}

TEST(CodecAacMp3, TheStreamingFormEqualsTheBufferForm) {
    const AudioBuffer src = loudMaster(48000);
    const BufferSource source(src);
    for (Codec c : {Codec::Aac, Codec::Mp3}) {
        const CodecResult a = codecRoundTrip(src, c);
        const CodecResult b = codecRoundTrip(source, 0, src.frames(), c, test::scratchDir());
        EXPECT_EQ(a.encodedBytes, b.encodedBytes) << codecName(c);
        EXPECT_EQ(a.decodedTruePeakDbtp, b.decodedTruePeakDbtp) << codecName(c);  // same blocks, same codec: exact
    }
}

TEST(CodecAacMp3, ASilentSourceHasNoPeak) {
    for (Codec c : {Codec::Aac, Codec::Mp3}) {
        const CodecResult r = codecRoundTrip(AudioBuffer(2, 44100, 44100), c);
        EXPECT_FALSE(r.sourceTruePeakDbtp) << codecName(c);
        EXPECT_FALSE(r.overshootDb()) << codecName(c);
    }
}

#include "lacquer/delivery/service_codec.hpp"

TEST(ServiceCodec, EachServiceUsesTheCodecItStreams) {
    EXPECT_EQ(serviceCodec(Service::AppleMusic).codec, Codec::Aac);
    EXPECT_EQ(serviceCodec(Service::SpotifyAlbum).codec, Codec::Vorbis);
    EXPECT_EQ(serviceCodec(Service::SpotifyShuffle).codec, Codec::Vorbis);
    EXPECT_EQ(serviceCodec(Service::YouTube).codec, Codec::Opus);
    EXPECT_EQ(serviceCodec(Service::Deezer).codec, Codec::Mp3);
    for (Service s : allServices()) EXPECT_FALSE(serviceCodec(s).source.empty()) << serviceName(s);
}

TEST(ServiceCodec, TheTableShowsTheWorstDecodedPeakThroughEachServicesCodec) {
    DecodedPeaks a, b;
    a.vorbis = -1.5;
    a.aac = -0.4;
    b.aac = -0.9;
    b.mp3 = -1.2;
    const std::string md = serviceCodecMarkdown({a, b}, -1.0);
    EXPECT_NE(md.find("| Apple Music | AAC | AAC 256 kb/s (and ALAC lossless) | -0.40 dBTP (over) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| Spotify (album) | Ogg Vorbis |"), std::string::npos) << md;
    EXPECT_NE(md.find("| -1.50 dBTP |"), std::string::npos) << md;
    EXPECT_NE(md.find("| Deezer | MP3 | MP3 128/320 kb/s, FLAC lossless | -1.20 dBTP |"), std::string::npos) << md;
    EXPECT_NE(md.find("| YouTube | Opus |"), std::string::npos) << md;  // no Opus figure: "—"
}
