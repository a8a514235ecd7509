// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/encode.hpp"

#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>
#include <sndfile.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/xiphcomment.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/atomic_file.hpp"

namespace lacquer::io {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunkFrames = 16384;

// Quantised float → integer of `bits`; exact for values k / 2^(bits-1) (float32 holds 24 bits).
inline std::int32_t toInt(float v, int bits) {
    const double scale = std::ldexp(1.0, bits - 1);
    const double maxV = scale - 1.0;
    double x = std::nearbyint(static_cast<double>(v) * scale);
    if (x > maxV) x = maxV;
    if (x < -scale) x = -scale;
    return static_cast<std::int32_t>(x);
}

std::string fmtDouble(double v, const char* fmt) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

void ioFail(const fs::path& p, const std::string& what) {
    throw Error(ErrorKind::Io, p.string(), what, "check free space and permissions on the output disk");
}

struct EncoderDeleter {
    void operator()(FLAC__StreamEncoder* e) const { FLAC__stream_encoder_delete(e); }
};
struct MetadataDeleter {
    void operator()(FLAC__StreamMetadata* m) const { FLAC__metadata_object_delete(m); }
};

void encodeFlac(const fs::path& out, const fs::path& display, const AudioBuffer& audio, int bits) {
    std::unique_ptr<FLAC__StreamEncoder, EncoderDeleter> enc(FLAC__stream_encoder_new());
    if (!enc) ioFail(display, "libFLAC could not allocate an encoder");
    const auto channels = static_cast<unsigned>(audio.channels());
    const auto frames = audio.frames();
    bool ok = FLAC__stream_encoder_set_verify(enc.get(), true);
    ok &= FLAC__stream_encoder_set_compression_level(enc.get(), 5);
    ok &= FLAC__stream_encoder_set_channels(enc.get(), channels);
    ok &= FLAC__stream_encoder_set_bits_per_sample(enc.get(), static_cast<unsigned>(bits));
    ok &= FLAC__stream_encoder_set_sample_rate(enc.get(), static_cast<unsigned>(audio.sampleRateHz));
    ok &= FLAC__stream_encoder_set_total_samples_estimate(enc.get(), frames);
    if (!ok) ioFail(display, "libFLAC rejected the stream settings");

    std::unique_ptr<FLAC__StreamMetadata, MetadataDeleter> seek(FLAC__metadata_object_new(FLAC__METADATA_TYPE_SEEKTABLE));
    std::unique_ptr<FLAC__StreamMetadata, MetadataDeleter> pad(FLAC__metadata_object_new(FLAC__METADATA_TYPE_PADDING));
    if (!seek || !pad) ioFail(display, "libFLAC could not allocate metadata");
    // A seek point every 10 s; libFLAC fills them in at finish.
    const auto spacing = static_cast<unsigned>(audio.sampleRateHz * 10);
    if (!FLAC__metadata_object_seektable_template_append_spaced_points_by_samples(seek.get(), spacing, frames) ||
        !FLAC__metadata_object_seektable_template_sort(seek.get(), true))
        ioFail(display, "libFLAC could not build the SEEKTABLE");
    pad->length = 8192;  // room for tags and a small cover without rewriting the file
    FLAC__StreamMetadata* blocks[2] = {seek.get(), pad.get()};
    if (!FLAC__stream_encoder_set_metadata(enc.get(), blocks, 2)) ioFail(display, "libFLAC rejected the metadata blocks");

    const auto status = FLAC__stream_encoder_init_file(enc.get(), out.c_str(), nullptr, nullptr);
    if (status != FLAC__STREAM_ENCODER_INIT_STATUS_OK)
        ioFail(display, std::string("libFLAC could not start: ") + FLAC__StreamEncoderInitStatusString[status]);

    std::vector<FLAC__int32> inter(kChunkFrames * channels);
    for (std::size_t done = 0; done < frames; done += kChunkFrames) {
        throwIfCancelled();
        const std::size_t n = std::min(kChunkFrames, frames - done);
        for (std::size_t i = 0; i < n; ++i)
            for (unsigned c = 0; c < channels; ++c) inter[i * channels + c] = toInt(audio.samples[c][done + i], bits);
        if (!FLAC__stream_encoder_process_interleaved(enc.get(), inter.data(), static_cast<unsigned>(n))) {
            const auto st = FLAC__stream_encoder_get_state(enc.get());
            ioFail(display, std::string("libFLAC failed while encoding: ") + FLAC__StreamEncoderStateString[st]);
        }
    }
    if (!FLAC__stream_encoder_finish(enc.get())) {
        const auto st = FLAC__stream_encoder_get_state(enc.get());
        ioFail(display, std::string("libFLAC failed to finish (verify or write error): ") + FLAC__StreamEncoderStateString[st]);
    }
}

void tagFlac(const fs::path& out, const fs::path& display, const Tags& t) {
    TagLib::FLAC::File file(out.c_str(), false);
    if (!file.isValid()) ioFail(display, "TagLib cannot open the FLAC it just wrote");
    TagLib::Ogg::XiphComment* x = file.xiphComment(true);
    // addField(replace=true) per key: setProperties() would replace the whole tag map.
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) x->addField(key, TagLib::String(value, TagLib::String::UTF8), true);
    };
    auto putInt = [&](const char* key, int v) {
        if (v > 0) put(key, std::to_string(v));
    };
    put("TITLE", t.title);
    put("ARTIST", t.artist);
    put("ALBUM", t.album);
    put("ALBUMARTIST", t.albumArtist);
    put("DATE", t.date);
    put("GENRE", t.genre);
    put("COMPOSER", t.composer);
    put("ISRC", t.isrc);
    put("BARCODE", t.catalog);
    putInt("TRACKNUMBER", t.trackNumber);
    putInt("TRACKTOTAL", t.trackTotal);
    putInt("DISCNUMBER", t.discNumber);
    putInt("DISCTOTAL", t.discTotal);
    if (t.trackGainDb) put("REPLAYGAIN_TRACK_GAIN", fmtDouble(*t.trackGainDb, "%.2f dB"));
    if (t.trackPeak) put("REPLAYGAIN_TRACK_PEAK", fmtDouble(*t.trackPeak, "%.6f"));
    if (t.albumGainDb) put("REPLAYGAIN_ALBUM_GAIN", fmtDouble(*t.albumGainDb, "%.2f dB"));
    if (t.albumPeak) put("REPLAYGAIN_ALBUM_PEAK", fmtDouble(*t.albumPeak, "%.6f"));
    if (t.trackGainDb || t.albumGainDb) put("REPLAYGAIN_REFERENCE_LOUDNESS", "-18.00 LUFS");
    if (t.cover) {
        std::ifstream in(*t.cover, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) ioFail(*t.cover, "cannot read the cover image");
        auto* pic = new TagLib::FLAC::Picture;  // owned by `file` after addPicture
        pic->setType(TagLib::FLAC::Picture::FrontCover);
        const auto ext = t.cover->extension().string();
        pic->setMimeType(ext == ".png" || ext == ".PNG" ? "image/png" : "image/jpeg");
        pic->setDescription("Front cover");
        pic->setData(TagLib::ByteVector(bytes.data(), static_cast<unsigned>(bytes.size())));
        file.addPicture(pic);
    }
    if (!file.save()) ioFail(display, "TagLib could not write the tags");
}

void setWavStrings(SNDFILE* f, const Tags& t) {
    auto put = [&](int id, const std::string& v) {
        if (!v.empty()) sf_set_string(f, id, v.c_str());
    };
    put(SF_STR_TITLE, t.title);
    put(SF_STR_ARTIST, t.artist);
    put(SF_STR_ALBUM, t.album);
    put(SF_STR_DATE, t.date);
    put(SF_STR_GENRE, t.genre);
    put(SF_STR_SOFTWARE, std::string("lacquer ") + LACQUER_VERSION);
    if (t.trackNumber > 0) put(SF_STR_TRACKNUMBER, std::to_string(t.trackNumber));
    if (!t.isrc.empty()) put(SF_STR_COMMENT, "ISRC " + t.isrc);
}

}  // namespace

void writeFlac(const fs::path& path, const AudioBuffer& audio, int bitsPerSample, const Tags& tags) {
    AtomicFile file(path);
    encodeFlac(file.tempPath(), path, audio, bitsPerSample);
    tagFlac(file.tempPath(), path, tags);
    file.commit();
}

void writeWav(const fs::path& path, const AudioBuffer& audio, WavSampleFormat format, const Tags& tags) {
    AtomicFile file(path);
    const int channels = audio.channels();
    const int bits = format == WavSampleFormat::Pcm16 ? 16 : format == WavSampleFormat::Pcm24 ? 24 : 32;
    const double dataBytes = static_cast<double>(audio.frames()) * channels * (bits / 8);
    int container = SF_FORMAT_WAV;
    if (dataBytes > 4294967295.0 - 1024.0) container = SF_FORMAT_RF64;
    else if (bits > 16 || channels > 2) container = SF_FORMAT_WAVEX;
    const int sub = format == WavSampleFormat::Pcm16 ? SF_FORMAT_PCM_16 : format == WavSampleFormat::Pcm24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
    SF_INFO info{};
    info.samplerate = static_cast<int>(audio.sampleRateHz);
    info.channels = channels;
    info.format = container | sub;
    SNDFILE* f = sf_open(file.tempPath().c_str(), SFM_WRITE, &info);
    if (!f) ioFail(path, std::string("libsndfile cannot create it: ") + sf_strerror(nullptr));
    struct Closer {
        SNDFILE*& f;
        ~Closer() { if (f) sf_close(f); }
    } closer{f};
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    // The PEAK chunk carries a timestamp: without this, two renders of a float WAV differ.
    sf_command(f, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    setWavStrings(f, tags);
    const auto frames = audio.frames();
    std::vector<int> interInt;
    std::vector<float> interFloat;
    if (format == WavSampleFormat::Float32) interFloat.resize(kChunkFrames * static_cast<std::size_t>(channels));
    else interInt.resize(kChunkFrames * static_cast<std::size_t>(channels));
    for (std::size_t done = 0; done < frames; done += kChunkFrames) {
        throwIfCancelled();
        const std::size_t n = std::min(kChunkFrames, frames - done);
        sf_count_t wrote = 0;
        if (format == WavSampleFormat::Float32) {
            for (std::size_t i = 0; i < n; ++i)
                for (int c = 0; c < channels; ++c)
                    interFloat[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = audio.samples[static_cast<std::size_t>(c)][done + i];
            wrote = sf_writef_float(f, interFloat.data(), static_cast<sf_count_t>(n));
        } else {
            // libsndfile's int API is full-scale 32-bit: shift the exact word into the top bits.
            for (std::size_t i = 0; i < n; ++i)
                for (int c = 0; c < channels; ++c)
                    interInt[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
                        static_cast<int>(static_cast<std::uint32_t>(toInt(audio.samples[static_cast<std::size_t>(c)][done + i], bits)) << (32 - bits));
            wrote = sf_writef_int(f, interInt.data(), static_cast<sf_count_t>(n));
        }
        if (wrote != static_cast<sf_count_t>(n) || sf_error(f) != SF_ERR_NO_ERROR)
            ioFail(path, std::string("write failed: ") + sf_strerror(f));
    }
    sf_write_sync(f);
    const int rc = sf_close(f);
    f = nullptr;
    if (rc != 0) ioFail(path, std::string("closing failed: ") + sf_error_number(rc));
    file.commit();
}

}  // namespace lacquer::io
