// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/codec.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "lacquer/common/error.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/resample/resample.hpp"

namespace lacquer::delivery {
namespace {

// A growable in-memory file for libsndfile's virtual I/O.
struct MemoryFile {
    std::vector<unsigned char> bytes;
    sf_count_t pos = 0;
};

sf_count_t vlen(void* user) {
    return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size());
}
sf_count_t vseek(sf_count_t offset, int whence, void* user) {
    auto* f = static_cast<MemoryFile*>(user);
    sf_count_t base = 0;
    if (whence == SEEK_CUR)
        base = f->pos;
    else if (whence == SEEK_END)
        base = static_cast<sf_count_t>(f->bytes.size());
    const sf_count_t p = base + offset;
    if (p < 0) return -1;
    f->pos = p;
    return p;
}
sf_count_t vread(void* ptr, sf_count_t count, void* user) {
    auto* f = static_cast<MemoryFile*>(user);
    const auto size = static_cast<sf_count_t>(f->bytes.size());
    const sf_count_t n = std::max<sf_count_t>(0, std::min(count, size - f->pos));
    if (n > 0) std::memcpy(ptr, f->bytes.data() + f->pos, static_cast<std::size_t>(n));
    f->pos += n;
    return n;
}
sf_count_t vwrite(const void* ptr, sf_count_t count, void* user) {
    auto* f = static_cast<MemoryFile*>(user);
    const auto end = static_cast<std::size_t>(f->pos + count);
    if (end > f->bytes.size()) f->bytes.resize(end);
    std::memcpy(f->bytes.data() + f->pos, ptr, static_cast<std::size_t>(count));
    f->pos += count;
    return count;
}
sf_count_t vtell(void* user) {
    return static_cast<MemoryFile*>(user)->pos;
}

struct Closer {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndPtr = std::unique_ptr<SNDFILE, Closer>;

[[noreturn]] void fail(Codec codec, const std::string& what, SNDFILE* f) {
    throw Error(ErrorKind::Io, codecName(codec) + " round trip", what + ": " + sf_strerror(f));
}

}  // namespace

std::string codecName(Codec c) {
    return c == Codec::Vorbis ? "Ogg Vorbis" : "Opus";
}

CodecResult codecRoundTrip(const AudioBuffer& source, Codec codec, const CodecOptions& options) {
    CodecResult result;
    result.codec = codec;
    const AudioBuffer input =
        (codec == Codec::Opus && source.sampleRateHz != 48000.0 && source.sampleRateHz != 24000.0 &&
         source.sampleRateHz != 16000.0 && source.sampleRateHz != 12000.0 && source.sampleRateHz != 8000.0)
            ? resample(source, 48000.0)
            : source;
    const int channels = input.channels();
    const std::size_t frames = input.frames();
    SF_VIRTUAL_IO vio{vlen, vseek, vread, vwrite, vtell};
    MemoryFile file;
    {
        SF_INFO info{};
        info.samplerate = static_cast<int>(input.sampleRateHz);
        info.channels = channels;
        info.format = SF_FORMAT_OGG | (codec == Codec::Vorbis ? SF_FORMAT_VORBIS : SF_FORMAT_OPUS);
        SndPtr out(sf_open_virtual(&vio, SFM_WRITE, &info, &file));
        if (!out) fail(codec, "the encoder did not open", nullptr);
        double level = codec == Codec::Vorbis ? options.vorbisCompressionLevel : options.opusCompressionLevel;
        sf_command(out.get(), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
        std::vector<float> inter(8192 * static_cast<std::size_t>(channels));
        for (std::size_t start = 0; start < frames; start += 8192) {
            const std::size_t n = std::min<std::size_t>(8192, frames - start);
            for (std::size_t i = 0; i < n; ++i)
                for (int c = 0; c < channels; ++c)
                    inter[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
                        input.samples[static_cast<std::size_t>(c)][start + i];
            if (sf_writef_float(out.get(), inter.data(), static_cast<sf_count_t>(n)) !=
                static_cast<sf_count_t>(n))
                fail(codec, "encoding failed", out.get());
        }
    }
    result.encodedBytes = file.bytes.size();
    result.bitrateKbps = frames > 0 ? static_cast<double>(file.bytes.size()) * 8.0 / 1000.0 /
                                          (static_cast<double>(frames) / input.sampleRateHz)
                                    : 0.0;
    file.pos = 0;
    {
        SF_INFO info{};
        SndPtr in(sf_open_virtual(&vio, SFM_READ, &info, &file));
        if (!in) fail(codec, "the decoder did not open the encoded stream", nullptr);
        result.decoded = AudioBuffer(info.channels, 0, info.samplerate);
        std::vector<float> inter(8192 * static_cast<std::size_t>(info.channels));
        for (;;) {
            const sf_count_t got = sf_readf_float(in.get(), inter.data(), 8192);
            if (got <= 0) break;
            for (int c = 0; c < info.channels; ++c) {
                auto& ch = result.decoded.samples[static_cast<std::size_t>(c)];
                for (sf_count_t i = 0; i < got; ++i)
                    ch.push_back(inter[static_cast<std::size_t>(i * info.channels + c)]);
            }
        }
        if (sf_error(in.get()) != SF_ERR_NO_ERROR) fail(codec, "decoding failed", in.get());
    }
    result.sourceTruePeakDbtp = loudness::measure(source).truePeakDbtp;
    if (result.decoded.frames() > 0)
        result.decodedTruePeakDbtp = loudness::measure(result.decoded).truePeakDbtp;
    return result;
}

std::optional<double> ceilingReductionDb(const CodecResult& result, double targetDbtp) {
    if (!result.decodedTruePeakDbtp) return std::nullopt;
    return std::max(0.0, *result.decodedTruePeakDbtp - targetDbtp);
}

}  // namespace lacquer::delivery
