// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/codec.hpp"

#include <fcntl.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "delivery/aac.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/resample/resample.hpp"

namespace lacquer::delivery {
namespace {

// Frames per block read from the source, handed to the encoder and read back from the decoder.
// The encoder gets exactly these blocks whatever the resampler's output blocks are (staged), as
// the whole-buffer round trip always fed it, so the encoded bytes do not depend on the path.
constexpr std::size_t kBlockFrames = 8192;

// Where the encoded stream lives, behind libsndfile's virtual I/O: in memory (the AudioBuffer
// form) or in a temporary file (the streaming form). Both see the same calls from libsndfile.
class EncodedStream {
public:
    virtual ~EncodedStream() = default;
    virtual sf_count_t length() const = 0;
    // At pos_; return the count done (short on failure).
    virtual sf_count_t readAt(void* ptr, sf_count_t count) = 0;
    virtual sf_count_t writeAt(const void* ptr, sf_count_t count) = 0;
    // Throws if a write failed (libsndfile does not always pass a short write on).
    virtual void checkWritten() const {}

    sf_count_t pos_ = 0;

    static SF_VIRTUAL_IO io() {
        return {[](void* u) { return self(u).length(); },
                [](sf_count_t offset, int whence, void* u) -> sf_count_t {
                    EncodedStream& s = self(u);
                    const sf_count_t base = whence == SEEK_CUR ? s.pos_ : whence == SEEK_END ? s.length() : 0;
                    if (base + offset < 0) return -1;
                    return s.pos_ = base + offset;
                },
                [](void* ptr, sf_count_t count, void* u) { return self(u).readAt(ptr, count); },
                [](const void* ptr, sf_count_t count, void* u) { return self(u).writeAt(ptr, count); },
                [](void* u) { return self(u).pos_; }};
    }

private:
    static EncodedStream& self(void* u) { return *static_cast<EncodedStream*>(u); }
};

// A growable in-memory file.
class MemoryStream final : public EncodedStream {
public:
    sf_count_t length() const override { return static_cast<sf_count_t>(bytes_.size()); }
    sf_count_t readAt(void* ptr, sf_count_t count) override {
        const sf_count_t n = std::max<sf_count_t>(0, std::min(count, length() - pos_));
        if (n > 0) std::memcpy(ptr, bytes_.data() + pos_, static_cast<std::size_t>(n));
        pos_ += n;
        return n;
    }
    sf_count_t writeAt(const void* ptr, sf_count_t count) override {
        const auto end = static_cast<std::size_t>(pos_ + count);
        if (end > bytes_.size()) bytes_.resize(end);
        std::memcpy(bytes_.data() + pos_, ptr, static_cast<std::size_t>(count));
        pos_ += count;
        return count;
    }

private:
    std::vector<unsigned char> bytes_;
};

// A temporary file in `dir` with a unique name (mkostemps), unlinked as soon as it is open: only
// the descriptor keeps it, so it is gone on every exit path — return, exception, a killed
// process — and closing the descriptor (destructor) frees its blocks.
class TempFileStream final : public EncodedStream {
public:
    TempFileStream(const std::filesystem::path& dir, Codec codec) : dir_(dir), codec_(codec) {
        std::string name = (dir / "lacquer-codec-XXXXXX.ogg").string();
        fd_ = ::mkostemps(name.data(), 4, O_CLOEXEC);
        if (fd_ < 0) fail("cannot create a temporary file for the " + codecName(codec) + " round trip", errno);
        if (::unlink(name.c_str()) != 0) {
            const int err = errno;
            ::close(fd_);
            fd_ = -1;
            fail("cannot remove the temporary file " + name, err);
        }
    }
    ~TempFileStream() override {
        if (fd_ >= 0) ::close(fd_);
    }
    TempFileStream(const TempFileStream&) = delete;
    TempFileStream& operator=(const TempFileStream&) = delete;

    sf_count_t length() const override { return size_; }
    sf_count_t readAt(void* ptr, sf_count_t count) override {
        sf_count_t done = 0;
        while (done < count) {
            const ssize_t r = ::pread(fd_, static_cast<char*>(ptr) + done, static_cast<std::size_t>(count - done),
                                      static_cast<off_t>(pos_ + done));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;  // end of file, or an error libsndfile then reports as a short read
            done += r;
        }
        pos_ += done;
        return done;
    }
    sf_count_t writeAt(const void* ptr, sf_count_t count) override {
        sf_count_t done = 0;
        while (done < count && writeErrno_ == 0) {
            const ssize_t w = ::pwrite(fd_, static_cast<const char*>(ptr) + done, static_cast<std::size_t>(count - done),
                                       static_cast<off_t>(pos_ + done));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) writeErrno_ = w < 0 ? errno : ENOSPC;
            else done += w;
        }
        pos_ += done;
        size_ = std::max(size_, pos_);
        return done;
    }
    void checkWritten() const override {
        if (writeErrno_ != 0) fail("cannot write the temporary file of the " + codecName(codec_) + " round trip", writeErrno_);
    }

private:
    [[noreturn]] void fail(const std::string& what, int err) const {
        throw Error(ErrorKind::Io, dir_.string(), what + ": " + std::strerror(err),
                    err == ENOSPC || err == EFBIG ? "free disk space in this folder"
                                                  : "check that the folder exists and is writable");
    }

    std::filesystem::path dir_;
    Codec codec_;
    int fd_ = -1;
    sf_count_t size_ = 0;
    int writeErrno_ = 0;
};

struct Closer {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndPtr = std::unique_ptr<SNDFILE, Closer>;

[[noreturn]] void fail(Codec codec, const std::string& what, SNDFILE* f) {
    throw Error(ErrorKind::Io, codecName(codec) + " round trip", what + ": " + sf_strerror(f));
}

bool opusTakesRate(double rateHz) {
    return rateHz == 48000.0 || rateHz == 24000.0 || rateHz == 16000.0 || rateHz == 12000.0 || rateHz == 8000.0;
}

bool mp3TakesRate(double rateHz) { return rateHz == 48000.0 || rateHz == 44100.0 || rateHz == 32000.0; }

double encodeRateFor(Codec codec, double rateHz) {
    switch (codec) {
        case Codec::Vorbis: return rateHz;
        case Codec::Opus: return opusTakesRate(rateHz) ? rateHz : 48000.0;
        case Codec::Mp3: return mp3TakesRate(rateHz) ? rateHz : 48000.0;
        case Codec::Aac: return detail::AacCodec::takesRate(rateHz) ? rateHz : 48000.0;
    }
    return rateHz;
}

// The AAC round trip: source blocks -> source meter -> resampler -> AacCodec (encoder straight
// into decoder) -> decoded meter (and `keep`). No file: the packets are decoded as they come.
CodecResult aacRoundTrip(const AudioSource& source, std::size_t from, std::size_t to, const CodecOptions& options,
                         AudioBuffer* keep) {
    CodecResult result;
    result.codec = Codec::Aac;
    const int channels = source.channels();
    const double rateHz = source.sampleRateHz();
    const std::size_t frames = to > from ? to - from : 0;
    const double encodeRateHz = encodeRateFor(Codec::Aac, rateHz);
    loudness::Meter sourceMeter(channels, rateHz);
    loudness::Meter decodedMeter(channels, encodeRateHz);
    if (keep) *keep = AudioBuffer(channels, 0, encodeRateHz);
    StreamResampler resampler(channels, rateHz, encodeRateHz, frames);
    detail::AacCodec aac(channels, static_cast<int>(encodeRateHz), options.aacBitrateKbps);
    const detail::AacCodec::Sink onDecoded = [&](const BlockView& v) {
        decodedMeter.add(v);
        if (keep)
            for (std::size_t c = 0; c < static_cast<std::size_t>(v.channels); ++c)
                keep->samples[c].insert(keep->samples[c].end(), v.data[c], v.data[c] + v.frames);
    };
    const StreamResampler::Sink toEncoder = [&](const BlockView& b) { aac.push(b, onDecoded); };
    AudioBuffer block(channels, kBlockFrames, rateHz);
    for (std::size_t at = 0; at < frames; at += kBlockFrames) {
        const BlockView v = block.view().slice(0, std::min(kBlockFrames, frames - at));
        source.read(from + at, v);
        sourceMeter.add(v);
        resampler.push(v, toEncoder);
    }
    resampler.finish(toEncoder);
    aac.finish(onDecoded);
    result.encodedBytes = aac.encodedBytes();
    const std::size_t encodedFrames = resampler.outputFrames();
    result.bitrateKbps = encodedFrames > 0 ? static_cast<double>(result.encodedBytes) * 8.0 / 1000.0 /
                                                 (static_cast<double>(encodedFrames) / encodeRateHz)
                                           : 0.0;
    const auto sourceReading = sourceMeter.result();
    result.sourceTruePeakDbtp = sourceReading.truePeakDbtp;
    result.sourceIntegratedLufs = sourceReading.integratedLufs;
    if (decodedMeter.framesAdded() > 0) {
        const auto decoded = decodedMeter.result();
        result.decodedTruePeakDbtp = decoded.truePeakDbtp;
        result.decodedIntegratedLufs = decoded.integratedLufs;
    }
    return result;
}

// The round trip of frames [from, to) of `source` through `stream`. Memory: the two meters, the
// resampler, libsndfile's codec state and a few blocks of kBlockFrames. With `keep`, the decoded
// audio is also appended there (the AudioBuffer form).
CodecResult roundTrip(const AudioSource& source, std::size_t from, std::size_t to, Codec codec,
                      EncodedStream& stream, const CodecOptions& options, AudioBuffer* keep) {
    CodecResult result;
    result.codec = codec;
    const int channels = source.channels();
    const auto nc = static_cast<std::size_t>(channels);
    const double rateHz = source.sampleRateHz();
    const std::size_t frames = to > from ? to - from : 0;
    if (codec == Codec::Aac) return aacRoundTrip(source, from, to, options, keep);
    const double encodeRateHz = encodeRateFor(codec, rateHz);
    SF_VIRTUAL_IO vio = EncodedStream::io();

    // Encode: source blocks -> source meter -> resampler -> staged blocks of kBlockFrames -> encoder.
    loudness::Meter sourceMeter(channels, rateHz);
    StreamResampler resampler(channels, rateHz, encodeRateHz, frames);
    const std::size_t encodedFrames = resampler.outputFrames();
    {
        SF_INFO info{};
        info.samplerate = static_cast<int>(encodeRateHz);
        info.channels = channels;
        info.format = codec == Codec::Mp3 ? SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III
                                          : SF_FORMAT_OGG | (codec == Codec::Vorbis ? SF_FORMAT_VORBIS : SF_FORMAT_OPUS);
        SndPtr out(sf_open_virtual(&vio, SFM_WRITE, &info, &stream));
        if (!out) fail(codec, "the encoder did not open", nullptr);
        if (codec == Codec::Mp3) {
            int mode = SF_BITRATE_MODE_CONSTANT;  // before the level: the level then sets the CBR rate
            sf_command(out.get(), SFC_SET_BITRATE_MODE, &mode, sizeof mode);
        }
        double level = codec == Codec::Vorbis ? options.vorbisCompressionLevel
                       : codec == Codec::Opus ? options.opusCompressionLevel
                                              : options.mp3CompressionLevel;
        sf_command(out.get(), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
        std::vector<float> staged(kBlockFrames * nc);  // interleaved
        std::size_t stagedFrames = 0;
        auto flush = [&] {
            if (stagedFrames == 0) return;
            if (sf_writef_float(out.get(), staged.data(), static_cast<sf_count_t>(stagedFrames)) !=
                static_cast<sf_count_t>(stagedFrames))
                fail(codec, "encoding failed", out.get());
            stream.checkWritten();
            stagedFrames = 0;
        };
        const StreamResampler::Sink toEncoder = [&](const BlockView& b) {
            for (std::size_t done = 0; done < b.frames;) {
                const std::size_t n = std::min(b.frames - done, kBlockFrames - stagedFrames);
                for (std::size_t i = 0; i < n; ++i)
                    for (std::size_t c = 0; c < nc; ++c)
                        staged[(stagedFrames + i) * nc + c] = b.data[c][done + i];
                stagedFrames += n;
                done += n;
                if (stagedFrames == kBlockFrames) flush();
            }
        };
        AudioBuffer block(channels, kBlockFrames, rateHz);
        for (std::size_t at = 0; at < frames; at += kBlockFrames) {
            const BlockView v = block.view().slice(0, std::min(kBlockFrames, frames - at));
            source.read(from + at, v);
            sourceMeter.add(v);
            resampler.push(v, toEncoder);
        }
        resampler.finish(toEncoder);
        flush();
        out.reset();  // writes the last Ogg pages
        stream.checkWritten();
    }
    result.encodedBytes = static_cast<std::size_t>(stream.length());
    result.bitrateKbps = encodedFrames > 0 ? static_cast<double>(result.encodedBytes) * 8.0 / 1000.0 /
                                                 (static_cast<double>(encodedFrames) / encodeRateHz)
                                           : 0.0;

    // Decode: blocks of kBlockFrames -> decoded meter (and `keep`).
    stream.pos_ = 0;
    SF_INFO info{};
    SndPtr in(sf_open_virtual(&vio, SFM_READ, &info, &stream));
    if (!in) fail(codec, "the decoder did not open the encoded stream", nullptr);
    loudness::Meter decodedMeter(info.channels, info.samplerate);
    if (keep) *keep = AudioBuffer(info.channels, 0, info.samplerate);
    const auto dc = static_cast<std::size_t>(info.channels);
    std::vector<float> inter(kBlockFrames * dc);
    AudioBuffer block(info.channels, kBlockFrames, info.samplerate);
    for (;;) {
        const sf_count_t got = sf_readf_float(in.get(), inter.data(), static_cast<sf_count_t>(kBlockFrames));
        if (got <= 0) break;
        const BlockView v = block.view().slice(0, static_cast<std::size_t>(got));
        for (std::size_t i = 0; i < v.frames; ++i)
            for (std::size_t c = 0; c < dc; ++c) v.data[c][i] = inter[i * dc + c];
        decodedMeter.add(v);
        if (keep)
            for (std::size_t c = 0; c < dc; ++c) keep->samples[c].insert(keep->samples[c].end(), v.data[c], v.data[c] + v.frames);
    }
    if (sf_error(in.get()) != SF_ERR_NO_ERROR) fail(codec, "decoding failed", in.get());
    const auto sourceReading = sourceMeter.result();
    result.sourceTruePeakDbtp = sourceReading.truePeakDbtp;
    result.sourceIntegratedLufs = sourceReading.integratedLufs;
    if (decodedMeter.framesAdded() > 0) {
        const auto decoded = decodedMeter.result();
        result.decodedTruePeakDbtp = decoded.truePeakDbtp;
        result.decodedIntegratedLufs = decoded.integratedLufs;
    }
    return result;
}

}  // namespace

std::string codecName(Codec c) {
    switch (c) {
        case Codec::Vorbis: return "Ogg Vorbis";
        case Codec::Opus: return "Opus";
        case Codec::Aac: return "AAC";
        case Codec::Mp3: return "MP3";
    }
    return "?";
}

CodecResult codecRoundTrip(const AudioSource& source, std::size_t from, std::size_t to, Codec codec,
                           const std::filesystem::path& tempDir, const CodecOptions& options) {
    TempFileStream file(tempDir, codec);
    return roundTrip(source, from, to, codec, file, options, nullptr);
}

CodecResult codecRoundTrip(const AudioBuffer& source, Codec codec, const CodecOptions& options) {
    MemoryStream memory;
    AudioBuffer decoded;
    CodecResult result = roundTrip(BufferSource(source), 0, source.frames(), codec, memory, options, &decoded);
    result.decoded = std::move(decoded);
    return result;
}

std::optional<double> ceilingReductionDb(const CodecResult& result, double targetDbtp) {
    if (!result.decodedTruePeakDbtp) return std::nullopt;
    return std::max(0.0, *result.decodedTruePeakDbtp - targetDbtp);
}

}  // namespace lacquer::delivery
