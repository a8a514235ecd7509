// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/decode.hpp"

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "lacquer/common/error.hpp"

namespace lacquer::io {
namespace {

namespace fs = std::filesystem;

struct SndfileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

std::string formatName(int format) {
    switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX: return "wav";
    case SF_FORMAT_RF64: return "rf64";
    case SF_FORMAT_AIFF: return "aiff";
    case SF_FORMAT_FLAC: return "flac";
    case SF_FORMAT_OGG: return "ogg";
    case SF_FORMAT_CAF: return "caf";
    case SF_FORMAT_W64: return "w64";
    default: return "other";
    }
}

void encodingOf(int format, AudioInfo& info) {
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: info.encoding = "pcm8"; info.bitDepth = 8; break;
    case SF_FORMAT_PCM_16: info.encoding = "pcm16"; info.bitDepth = 16; break;
    case SF_FORMAT_PCM_24: info.encoding = "pcm24"; info.bitDepth = 24; break;
    case SF_FORMAT_PCM_32: info.encoding = "pcm32"; info.bitDepth = 32; break;
    case SF_FORMAT_FLOAT: info.encoding = "float32"; info.bitDepth = 32; break;
    case SF_FORMAT_DOUBLE: info.encoding = "float64"; info.bitDepth = 64; break;
    case SF_FORMAT_VORBIS: info.encoding = "vorbis"; info.bitDepth = 0; break;
    case SF_FORMAT_OPUS: info.encoding = "opus"; info.bitDepth = 0; break;
    default: info.encoding = "other"; info.bitDepth = 0; break;
    }
}

std::string timeAt(std::int64_t frame, int rateHz) {
    const std::int64_t safeRate = rateHz > 0 ? rateHz : 1;
    const std::int64_t minutes = frame / safeRate / 60;  // in integers: a corrupt header's count overflows an int
    const double s = static_cast<double>(frame - minutes * 60 * safeRate) / static_cast<double>(safeRate);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld:%06.3f", static_cast<long long>(minutes), s);
    return buf;
}

// Opens `file` with libsndfile, turning every failure into a clear Input error.
SndfilePtr openForRead(const fs::path& file, SF_INFO& sfinfo) {
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw Error(ErrorKind::Input, file.string(), "file not found", "check the path (relative paths resolve against the manifest's folder)");
    if (fs::is_directory(file, ec))
        throw Error(ErrorKind::Input, file.string(), "is a folder, not an audio file", "name an audio file");
    if (fs::file_size(file, ec) == 0)
        throw Error(ErrorKind::Input, file.string(), "file is empty (0 bytes)", "re-export the audio file");
    {
        std::ifstream probeOpen(file, std::ios::binary);
        if (!probeOpen)
            throw Error(ErrorKind::Input, file.string(), "cannot be opened for reading", "check its permissions");
    }
    sfinfo = SF_INFO{};
    SndfilePtr f(sf_open(file.c_str(), SFM_READ, &sfinfo));
    if (!f)
        throw Error(ErrorKind::Input, file.string(),
                    std::string("not a readable audio file (libsndfile: ") + sf_strerror(nullptr) + ")",
                    "use WAV, AIFF, FLAC or Ogg");
    // libsndfile opens a truncated WAV/AIFF without error and just reports the frames that are
    // there; its log still notes the header's promise ("data : 384000 (should be 380000)").
    char log[8192] = {};
    sf_command(f.get(), SFC_GET_LOG_INFO, log, sizeof log);
    for (const char* tag : {"\ndata :", "\nSSND :", "\nds64 :"}) {
        const char* at = std::strstr(log, tag);
        if (at) {
            const char* eol = std::strchr(at + 1, '\n');
            const std::string line(at + 1, eol ? eol : at + std::strlen(at));
            if (line.find("should be") != std::string::npos)
                throw Error(ErrorKind::Input, file.string(),
                            "truncated or corrupt: the audio data is shorter than its header says (" + line + ")",
                            "re-export or re-copy the file");
        }
    }
    if (sfinfo.frames <= 0)
        throw Error(ErrorKind::Input, file.string(), "holds no audio frames (header only)", "re-export the audio file");
    // libsndfile's value for "the header does not say" (a FLAC streamed without its length).
    if (sfinfo.frames == SF_COUNT_MAX)
        throw Error(ErrorKind::Input, file.string(), "does not say how long it is (no length in its header)",
                    "re-encode it into a file, e.g. ffmpeg -i in.flac fixed.flac (an encoder that can seek back records the length)");
    if (sfinfo.samplerate < 8000 || sfinfo.samplerate > 768000)
        throw Error(ErrorKind::Input, file.string(),
                    "unsupported sample rate " + std::to_string(sfinfo.samplerate) + " Hz",
                    "use a rate between 8 kHz and 768 kHz");
    if (sfinfo.channels < 1)
        throw Error(ErrorKind::Input, file.string(), "has no channels", "re-export the audio file");
    return f;
}

}  // namespace

AudioInfo probe(const fs::path& file) {
    SF_INFO sfinfo{};
    SndfilePtr f = openForRead(file, sfinfo);
    AudioInfo info;
    info.sampleRateHz = sfinfo.samplerate;
    info.channels = sfinfo.channels;
    info.frames = sfinfo.frames;
    info.format = formatName(sfinfo.format);
    encodingOf(sfinfo.format, info);
    return info;
}

AudioBuffer decode(const fs::path& file, Channels channels) {
    SF_INFO sfinfo{};
    SndfilePtr f = openForRead(file, sfinfo);
    const int inChannels = sfinfo.channels;
    if (inChannels > kMaxChannels || (channels == Channels::Stereo && inChannels > 2))
        throw Error(ErrorKind::Input, file.string(),
                    "has " + std::to_string(inChannels) + " channels; lacquer masters mono or stereo mixes",
                    "export a stereo mix");
    const int outChannels = channels == Channels::Stereo ? 2 : inChannels;
    const auto totalFrames = static_cast<std::size_t>(sfinfo.frames);
    // The header's frame count is a promise, not a size to allocate: a corrupt header can claim
    // 2^60 frames in a 200-byte file. Reserve at most kReserveFrames up front and grow only as
    // audio actually arrives; the promise is checked against what was read.
    // A promise the file's size can back (no codec we read stores a frame in under a byte, short
    // of long digital silence) is reserved whole, so a long mix is not copied while it grows.
    constexpr std::size_t kReserveFrames = std::size_t{1} << 24;  // 5.8 min at 48 kHz, 64 MiB a channel
    std::error_code sizeError;
    const auto fileBytes = static_cast<std::size_t>(fs::file_size(file, sizeError));
    const std::size_t backed = sizeError ? 0 : fileBytes;
    AudioBuffer out(outChannels, 0, sfinfo.samplerate);
    for (auto& ch : out.samples) ch.reserve(std::min(totalFrames, std::max(kReserveFrames, backed)));

    // Float input is not normalised by libsndfile; integer input is scaled to [-1, 1).
    sf_command(f.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    constexpr std::size_t kChunkFrames = 65536;
    std::vector<float> interleaved(kChunkFrames * static_cast<std::size_t>(inChannels));
    std::size_t done = 0;
    while (done < totalFrames) {
        const std::size_t want = std::min(kChunkFrames, totalFrames - done);
        const sf_count_t got = sf_readf_float(f.get(), interleaved.data(), static_cast<sf_count_t>(want));
        const int err = sf_error(f.get());
        if (err != SF_ERR_NO_ERROR || got != static_cast<sf_count_t>(want)) {
            const std::string why = err != SF_ERR_NO_ERROR ? std::string(" (libsndfile: ") + sf_strerror(f.get()) + ")" : "";
            throw Error(ErrorKind::Input, file.string(),
                        "truncated or corrupt: audio ends at " + timeAt(static_cast<std::int64_t>(done) + std::max<sf_count_t>(got, 0), sfinfo.samplerate) +
                            " but the header promises " + timeAt(sfinfo.frames, sfinfo.samplerate) + why,
                        "re-export or re-copy the file");
        }
        out.resize(done + want);
        for (std::size_t i = 0; i < want; ++i) {
            for (int c = 0; c < inChannels; ++c) {
                const float v = interleaved[i * static_cast<std::size_t>(inChannels) + static_cast<std::size_t>(c)];
                if (!std::isfinite(v))
                    throw Error(ErrorKind::Input, file.string(),
                                std::string(std::isnan(v) ? "NaN" : "infinite") + " sample in channel " + std::to_string(c + 1) +
                                    " at " + timeAt(static_cast<std::int64_t>(done + i), sfinfo.samplerate),
                                "fix the mix export (a plug-in produced invalid samples)");
                out.samples[static_cast<std::size_t>(c)][done + i] = v;
            }
        }
        done += want;
    }
    if (channels == Channels::Stereo && inChannels == 1) out.samples[1] = out.samples[0];
    return out;
}

}  // namespace lacquer::io
