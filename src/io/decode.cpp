// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/decode.hpp"

#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "lacquer/common/error.hpp"
#include "lacquer/io/input_file.hpp"
#include "lacquer/io/m4a.hpp"

namespace lacquer::io {
namespace {

namespace fs = std::filesystem;

// Closes the SNDFILE and then the descriptor it was opened on (sf_open_fd without close_desc:
// whether libsndfile closes it on a failed open is not documented).
struct SndfileCloser {
    int fd = -1;
    void operator()(SNDFILE* f) const {
        sf_close(f);
        if (fd >= 0) ::close(fd);
    }
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
    case SF_FORMAT_MPEG: return "mp3";  // libsndfile reads MPEG Layer III through mpg123
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
    // Opened without blocking and checked to be a regular file before libsndfile reads it: a FIFO
    // or a device would otherwise block open() (and the read) forever.
    int fd = -1;
    try {
        InputFile in(file, ErrorKind::Input);
        if (in.size() == 0)
            throw Error(ErrorKind::Input, file.string(), "file is empty (0 bytes)", "re-export the audio file");
        fd = in.release();
    } catch (const Error& e) {
        const std::string& what = e.diagnostics().front().what;
        if (what == "does not exist")
            throw Error(ErrorKind::Input, file.string(), "file not found",
                        "check the path (relative paths resolve against the manifest's folder)");
        if (what == "is a folder, not a regular file")
            throw Error(ErrorKind::Input, file.string(), "is a folder, not an audio file", "name an audio file");
        throw;
    }
    sfinfo = SF_INFO{};
    SndfilePtr f(sf_open_fd(fd, SFM_READ, &sfinfo, SF_FALSE), SndfileCloser{fd});
    if (!f) {
        ::close(fd);
        throw Error(ErrorKind::Input, file.string(),
                    std::string("not a readable audio file (libsndfile: ") + sf_strerror(nullptr) + ")",
                    "use WAV, AIFF, FLAC or Ogg");
    }
    // libsndfile opens a truncated WAV/AIFF without error and just reports the frames that are
    // there; its log still notes the header's promise ("data : 384000 (should be 380000)").
    char log[8192] = {};
    sf_command(f.get(), SFC_GET_LOG_INFO, log, sizeof log);
    for (const char* tag : {"\ndata :", "\nSSND :", "\nds64 :"}) {
        const char* at = std::strstr(log, tag);
        if (at) {
            const char* eol = std::strchr(at + 1, '\n');
            const std::string line(at + 1, eol ? eol : at + std::strlen(at));
            if (line.find("should be") != std::string::npos) {
                // libsndfile's log line ("data : 352800 (should be 348800)") in words: the header's
                // size of the audio data and what the file holds.
                long long promised = -1, there = -1;
                const auto colon = line.find(':');
                const auto should = line.find("should be");
                if (colon != std::string::npos) promised = std::atoll(line.c_str() + colon + 1);
                there = std::atoll(line.c_str() + should + 9);
                throw Error(ErrorKind::Input, file.string(),
                            promised > 0 && there >= 0
                                ? "truncated or corrupt: its header promises " + std::to_string(promised) +
                                      " bytes of audio data, the file holds " + std::to_string(there)
                                : std::string("truncated or corrupt: the audio data is shorter than its header says"),
                            "re-export or re-copy the file");
            }
        }
    }
    // A WAV or AIFF over 4 GiB cannot describe itself: its 32-bit chunk sizes wrap, and libsndfile
    // reads only what the wrapped size says (a 3-hour 96 kHz 24-bit mix opens as 53 minutes).
    // libsndfile notes it in its log; RF64 and W64 have 64-bit sizes and are fine.
    const int container = sfinfo.format & SF_FORMAT_TYPEMASK;
    if ((container == SF_FORMAT_WAV || container == SF_FORMAT_WAVEX || container == SF_FORMAT_AIFF) &&
        std::strstr(log, "filelength > 0xffffffff") != nullptr) {
        std::error_code sizeError;
        const auto bytes = fs::file_size(file, sizeError);
        char size[32];
        std::snprintf(size, sizeof size, "%.1f GB", static_cast<double>(bytes) / 1e9);
        throw Error(ErrorKind::Input, file.string(),
                    std::string("is a ") + (container == SF_FORMAT_AIFF ? "AIFF" : "WAV") + " file of " + size +
                        ", over the 4 GiB its 32-bit header can describe: its header promises only " +
                        timeAt(sfinfo.frames, sfinfo.samplerate) + " of the audio that is there",
                    "re-export the mix as RF64, W64 or FLAC");
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

AudioInfo infoOf(const SF_INFO& sfinfo) {
    AudioInfo info;
    info.sampleRateHz = sfinfo.samplerate;
    info.channels = sfinfo.channels;
    info.frames = sfinfo.frames;
    info.format = formatName(sfinfo.format);
    encodingOf(sfinfo.format, info);
    return info;
}

// Frames libsndfile converts per call into FileSource's interleaved scratch (512 KiB for stereo).
constexpr std::size_t kChunkFrames = 65536;
// FileSource's position after a failed read or seek: the next read seeks.
constexpr std::size_t kUnknownPosition = std::numeric_limits<std::size_t>::max();

// lacquer's AAC copies (.m4a, MP4) are read through libavformat + libavcodec (io/m4a.hpp), which
// libsndfile cannot; only by that extension, so no other input reaches FFmpeg's demuxers.
bool isM4a(const fs::path& file) { return file.extension() == ".m4a"; }

AudioInfo m4aInfo(const M4aInfo& i) {
    AudioInfo info;
    info.sampleRateHz = i.sampleRateHz;
    info.channels = i.channels;
    info.frames = static_cast<std::int64_t>(i.frames);
    info.format = "m4a";
    info.encoding = "aac";
    return info;
}

}  // namespace

AudioInfo probe(const fs::path& file) {
    if (isM4a(file)) return m4aInfo(probeM4a(file));
    SF_INFO sfinfo{};
    SndfilePtr f = openForRead(file, sfinfo);
    return infoOf(sfinfo);
}

struct FileSource::Impl {
    fs::path file;
    AudioInfo info;
    int outChannels = 0;
    std::mutex mutex;  // guards everything below
    SndfilePtr sf;
    std::size_t position = 0;  // the frame libsndfile reads next
    std::vector<float> interleaved;
    AudioBuffer decoded;  // a .m4a, decoded whole at construction (copies are minutes long)
    bool inMemory = false;

    [[noreturn]] void throwTruncated(std::size_t endsAt) {
        position = kUnknownPosition;
        const int err = sf_error(sf.get());
        const std::string why =
            err != SF_ERR_NO_ERROR ? std::string(" (libsndfile: ") + sf_strerror(sf.get()) + ")" : "";
        const auto end = static_cast<std::int64_t>(endsAt);
        throw Error(ErrorKind::Input, file.string(),
                    "truncated or corrupt: audio ends at " + timeAt(end, info.sampleRateHz) +
                        " but the header promises " + timeAt(info.frames, info.sampleRateHz) + why,
                    "re-export or re-copy the file");
    }
};

FileSource::FileSource(const fs::path& file, Channels channels) : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.file = file;
    if (isM4a(file)) {
        m.inMemory = true;
        const M4aInfo i = decodeM4a(file, [&](const BlockView& v) {
            if (m.decoded.samples.empty()) m.decoded.samples.resize(static_cast<std::size_t>(v.channels));
            for (int c = 0; c < v.channels; ++c) {
                auto& ch = m.decoded.samples[static_cast<std::size_t>(c)];
                ch.insert(ch.end(), v.channel(c), v.channel(c) + v.frames);
            }
        });
        m.info = m4aInfo(i);
        m.decoded.sampleRateHz = i.sampleRateHz;
        m.outChannels = channels == Channels::Stereo ? 2 : i.channels;
        return;
    }
    SF_INFO sfinfo{};
    m.sf = openForRead(file, sfinfo);
    m.info = infoOf(sfinfo);
    const int inChannels = sfinfo.channels;
    if (inChannels > kMaxChannels || (channels == Channels::Stereo && inChannels > 2))
        throw Error(ErrorKind::Input, file.string(),
                    "has " + std::to_string(inChannels) + " channels; lacquer masters mono or stereo mixes",
                    "export a stereo mix");
    m.outChannels = channels == Channels::Stereo ? 2 : inChannels;
    // Float input is not normalised by libsndfile; integer input is scaled to [-1, 1).
    sf_command(m.sf.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    // Sized by the chunk, never by the header's promise (a corrupt header can claim 2^60 frames).
    m.interleaved.resize(std::min(kChunkFrames, static_cast<std::size_t>(sfinfo.frames)) *
                         static_cast<std::size_t>(inChannels));
}

FileSource::~FileSource() = default;

int FileSource::channels() const { return impl_->outChannels; }
double FileSource::sampleRateHz() const { return impl_->info.sampleRateHz; }
std::size_t FileSource::frames() const { return static_cast<std::size_t>(impl_->info.frames); }
const AudioInfo& FileSource::info() const { return impl_->info; }
const fs::path& FileSource::path() const { return impl_->file; }

void FileSource::read(std::size_t from, const BlockView& dst) const {
    assert(dst.channels == impl_->outChannels);
    Impl& m = *impl_;
    const std::size_t total = static_cast<std::size_t>(m.info.frames);
    const std::size_t have = from < total ? std::min(dst.frames, total - from) : 0;
    for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c) + have, dst.channel(c) + dst.frames, 0.0f);
    if (have == 0) return;
    if (m.inMemory) {
        for (int c = 0; c < dst.channels; ++c) {
            const auto& ch = m.decoded.samples[static_cast<std::size_t>(std::min(c, m.info.channels - 1))];
            std::copy(ch.begin() + static_cast<std::ptrdiff_t>(from), ch.begin() + static_cast<std::ptrdiff_t>(from + have), dst.channel(c));
        }
        return;
    }

    const std::lock_guard<std::mutex> lock(m.mutex);
    if (m.position != from) {
        if (sf_seek(m.sf.get(), static_cast<sf_count_t>(from), SEEK_SET) != static_cast<sf_count_t>(from)) {
            m.position = kUnknownPosition;
            throw Error(ErrorKind::Input, m.file.string(),
                        "truncated or corrupt: cannot seek to " +
                            timeAt(static_cast<std::int64_t>(from), m.info.sampleRateHz) + " of the " +
                            timeAt(m.info.frames, m.info.sampleRateHz) + " the header promises (libsndfile: " +
                            sf_strerror(m.sf.get()) + ")",
                        "re-export or re-copy the file");
        }
        m.position = from;
    }
    const int inChannels = m.info.channels;
    const auto stride = static_cast<std::size_t>(inChannels);
    for (std::size_t done = 0; done < have;) {
        const std::size_t want = std::min(kChunkFrames, have - done);
        const sf_count_t got = sf_readf_float(m.sf.get(), m.interleaved.data(), static_cast<sf_count_t>(want));
        if (sf_error(m.sf.get()) != SF_ERR_NO_ERROR || got != static_cast<sf_count_t>(want))
            m.throwTruncated(from + done + static_cast<std::size_t>(std::max<sf_count_t>(got, 0)));
        m.position += want;
        for (std::size_t i = 0; i < want; ++i) {
            for (int c = 0; c < inChannels; ++c) {
                const float v = m.interleaved[i * stride + static_cast<std::size_t>(c)];
                if (!std::isfinite(v))
                    throw Error(ErrorKind::Input, m.file.string(),
                                std::string(std::isnan(v) ? "NaN" : "infinite") + " sample in channel " + std::to_string(c + 1) +
                                    " at " + timeAt(static_cast<std::int64_t>(from + done + i), m.info.sampleRateHz),
                                "fix the mix export (a plug-in produced invalid samples)");
                dst.channel(c)[done + i] = v;
            }
        }
        done += want;
    }
    if (m.outChannels == 2 && inChannels == 1) std::copy(dst.channel(0), dst.channel(0) + have, dst.channel(1));
}

AudioBuffer decode(const fs::path& file, Channels channels) {
    const FileSource source(file, channels);
    const std::size_t totalFrames = source.frames();
    // The header's frame count is a promise, not a size to allocate: a corrupt header can claim
    // 2^60 frames in a 200-byte file. Reserve at most kReserveFrames up front and grow only as
    // audio actually arrives; the promise is checked against what was read.
    // A promise the file's size can back (no codec we read stores a frame in under a byte, short
    // of long digital silence) is reserved whole, so a long mix is not copied while it grows.
    constexpr std::size_t kReserveFrames = std::size_t{1} << 24;  // 5.8 min at 48 kHz, 64 MiB a channel
    std::error_code sizeError;
    const auto fileBytes = static_cast<std::size_t>(fs::file_size(file, sizeError));
    const std::size_t backed = sizeError ? 0 : fileBytes;
    AudioBuffer out(source.channels(), 0, source.sampleRateHz());
    for (auto& ch : out.samples) ch.reserve(std::min(totalFrames, std::max(kReserveFrames, backed)));
    for (std::size_t done = 0; done < totalFrames;) {
        const std::size_t want = std::min(kChunkFrames, totalFrames - done);
        out.resize(done + want);
        source.read(done, out.view().slice(done, want));
        done += want;
    }
    return out;
}

}  // namespace lacquer::io
