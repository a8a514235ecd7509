// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/taglib_lock.hpp"
#include "lacquer/io/encode.hpp"

#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>
#include <sndfile.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/xiphcomment.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "io/output_stream.hpp"
#include "io/wav_meta.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/input_file.hpp"

namespace lacquer::io {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunkFrames = 16384;
// Past this many data bytes a WAV becomes RF64 (32-bit RIFF sizes, minus room for the header and
// the LIST chunk).
constexpr double kWavMaxDataBytes = 4294967295.0 - 1024.0;

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

[[noreturn]] void ioFail(const fs::path& p, const std::string& what) {
    throw Error(ErrorKind::Io, p.string(), what, "check free space and permissions on the output disk");
}

struct EncoderDeleter {
    void operator()(FLAC__StreamEncoder* e) const { FLAC__stream_encoder_delete(e); }
};
struct MetadataDeleter {
    void operator()(FLAC__StreamMetadata* m) const { FLAC__metadata_object_delete(m); }
};

}  // namespace

TextFields flacTextFields(const Tags& t) {
    TextFields f;
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) f.emplace_back(key, value);
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
    put("LABEL", t.label);
    put("COPYRIGHT", t.copyright);
    put("PRODUCEDNOTICE", t.phonographicCopyright);  // TagLib's name for ID3v2.4 TPRO (the P line)
    putInt("TRACKNUMBER", t.trackNumber);
    putInt("TRACKTOTAL", t.trackTotal);
    putInt("DISCNUMBER", t.discNumber);
    putInt("DISCTOTAL", t.discTotal);
    if (t.trackGainDb) put("REPLAYGAIN_TRACK_GAIN", fmtDouble(*t.trackGainDb, "%.2f dB"));
    if (t.trackPeak) put("REPLAYGAIN_TRACK_PEAK", fmtDouble(*t.trackPeak, "%.6f"));
    if (t.albumGainDb) put("REPLAYGAIN_ALBUM_GAIN", fmtDouble(*t.albumGainDb, "%.2f dB"));
    if (t.albumPeak) put("REPLAYGAIN_ALBUM_PEAK", fmtDouble(*t.albumPeak, "%.6f"));
    if (t.trackGainDb || t.albumGainDb) put("REPLAYGAIN_REFERENCE_LOUDNESS", "-18.00 LUFS");
    return f;
}

TextFields wavTextFields(const Tags& t) {
    TextFields f;
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) f.emplace_back(key, value);
    };
    put("TITLE", t.title);
    put("ARTIST", t.artist);
    put("ALBUM", t.album);
    put("DATE", t.date);
    put("GENRE", t.genre);
    put("SOFTWARE", std::string("lacquer ") + LACQUER_VERSION);
    if (t.trackNumber > 0) put("TRACKNUMBER", std::to_string(t.trackNumber));
    if (!t.isrc.empty()) put("COMMENT", "ISRC " + t.isrc);
    put("COPYRIGHT", t.copyright);
    return f;
}

TextFields id3TextFields(const Tags& t) {
    TextFields f;
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) f.emplace_back(key, value);
    };
    auto ofTotal = [](int n, int total) {
        return n <= 0 ? std::string() : total > 0 ? std::to_string(n) + "/" + std::to_string(total) : std::to_string(n);
    };
    put("TITLE", t.title);
    put("ARTIST", t.artist);
    put("ALBUM", t.album);
    put("ALBUMARTIST", t.albumArtist);
    put("DATE", t.date);
    put("GENRE", t.genre);
    put("COMPOSER", t.composer);
    put("ISRC", t.isrc);
    put("LABEL", t.label);
    put("COPYRIGHT", t.copyright);
    put("PRODUCEDNOTICE", t.phonographicCopyright);
    put("BARCODE", t.catalog);
    put("TRACKNUMBER", ofTotal(t.trackNumber, t.trackTotal));
    put("DISCNUMBER", ofTotal(t.discNumber, t.discTotal));
    return f;
}

namespace {

void tagFlac(const fs::path& out, const fs::path& display, const Tags& t) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::FLAC::File file(out.c_str(), false);
    if (!file.isValid()) ioFail(display, "TagLib cannot open the FLAC it just wrote");
    TagLib::Ogg::XiphComment* x = file.xiphComment(true);
    // addField(replace=true) per key: setProperties() would replace the whole tag map.
    for (const auto& [key, value] : flacTextFields(t)) {
        // The manifest refuses text a tag cannot hold (text::tagProblem); this is the last guard.
        if (const std::string why = text::tagProblem(value); !why.empty()) ioFail(display, "tag " + key + " " + why);
        x->addField(key.c_str(), TagLib::String(value, TagLib::String::UTF8), true);
    }
    if (t.cover) {
        // A regular file, opened without blocking; the render checked its size against FLAC's
        // picture block before processing (render/limits.hpp).
        const std::string bytes = readInputFile(*t.cover, ErrorKind::Input, 16u << 20);
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
    static const std::pair<const char*, int> kIds[] = {
        {"TITLE", SF_STR_TITLE}, {"ARTIST", SF_STR_ARTIST},     {"ALBUM", SF_STR_ALBUM},
        {"DATE", SF_STR_DATE},   {"GENRE", SF_STR_GENRE},       {"SOFTWARE", SF_STR_SOFTWARE},
        {"TRACKNUMBER", SF_STR_TRACKNUMBER}, {"COMMENT", SF_STR_COMMENT}, {"COPYRIGHT", SF_STR_COPYRIGHT}};
    for (const auto& [key, value] : wavTextFields(t))
        for (const auto& [name, id] : kIds)
            if (key == name && text::tagProblem(value).empty()) sf_set_string(f, id, value.c_str());  // a NUL would cut it
}

// libFLAC's stream callbacks onto an OutputStream.
FLAC__StreamEncoderWriteStatus flacWrite(const FLAC__StreamEncoder*, const FLAC__byte buffer[], size_t bytes,
                                         uint32_t, uint32_t, void* user) {
    return static_cast<detail::OutputStream*>(user)->write(buffer, bytes)
               ? FLAC__STREAM_ENCODER_WRITE_STATUS_OK
               : FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
}
FLAC__StreamEncoderSeekStatus flacSeek(const FLAC__StreamEncoder*, FLAC__uint64 offset, void* user) {
    return static_cast<detail::OutputStream*>(user)->seek(static_cast<std::int64_t>(offset))
               ? FLAC__STREAM_ENCODER_SEEK_STATUS_OK
               : FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;
}
FLAC__StreamEncoderTellStatus flacTell(const FLAC__StreamEncoder*, FLAC__uint64* offset, void* user) {
    *offset = static_cast<FLAC__uint64>(static_cast<detail::OutputStream*>(user)->tell());
    return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
}

// libsndfile's virtual I/O onto an OutputStream.
sf_count_t vioLength(void* user) {
    return static_cast<detail::OutputStream*>(user)->length();
}
sf_count_t vioSeek(sf_count_t offset, int whence, void* user) {
    auto* out = static_cast<detail::OutputStream*>(user);
    const sf_count_t base = whence == SEEK_CUR ? out->tell() : whence == SEEK_END ? out->length() : 0;
    return out->seek(base + offset) ? out->tell() : -1;
}
sf_count_t vioRead(void* ptr, sf_count_t count, void* user) {
    return static_cast<sf_count_t>(
        static_cast<detail::OutputStream*>(user)->read(ptr, static_cast<std::size_t>(count)));
}
sf_count_t vioWrite(const void* ptr, sf_count_t count, void* user) {
    return static_cast<detail::OutputStream*>(user)->write(ptr, static_cast<std::size_t>(count)) ? count : 0;
}
sf_count_t vioTell(void* user) {
    return static_cast<detail::OutputStream*>(user)->tell();
}

void checkBlock(const fs::path& path, const BlockView& block, int channels) {
    if (block.channels != channels)
        throw Error(ErrorKind::Io, path.string(),
                    "a block of " + std::to_string(block.channels) + " channels for a file of " +
                        std::to_string(channels),
                    "this is a bug in lacquer; please report it");
}

void checkChannels(const fs::path& path, int channels) {
    if (channels < 1 || channels > kMaxChannels)
        ioFail(path, "cannot write " + std::to_string(channels) + " channels (1 to " +
                         std::to_string(kMaxChannels) + ")");
}

BlockView viewOf(const AudioBuffer& audio) {
    BlockView v{};
    v.channels = audio.channels();
    v.frames = audio.frames();
    // BlockView is mutable by design; the writers only read through it.
    for (int c = 0; c < v.channels; ++c)
        v.data[static_cast<std::size_t>(c)] =
            const_cast<float*>(audio.samples[static_cast<std::size_t>(c)].data());
    return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Members are destroyed in reverse order of declaration: the encoder first (deleting an unfinished
// libFLAC encoder finishes it, writing into the stream, which abandon() has made fail at once),
// then the stream closes its descriptor, then AtomicFile removes the temporary.
struct FlacWriter::Impl {
    fs::path path;
    Tags tags;
    int channels;
    int bits;
    std::uint64_t frames = 0;
    bool done = false;  // finished, or failed: no further write() or commit()
    bool committed = false;
    AtomicFile file;
    detail::OutputStream out;
    // libFLAC keeps pointers to the metadata blocks until finish (it writes them at init and
    // rewrites the SEEKTABLE at finish), so they live here, beside the encoder.
    std::unique_ptr<FLAC__StreamMetadata, MetadataDeleter> seekTable, padding;
    std::unique_ptr<FLAC__StreamEncoder, EncoderDeleter> enc;
    std::vector<FLAC__int32> inter;

    Impl(const fs::path& p, int ch, double rateHz, int b, const Tags& t, std::uint64_t expectedFrames)
        : path(p), tags(t), channels(ch), bits(b), file(p), out(file.tempPath(), p) {
        checkChannels(path, channels);
        if (bits != 16 && bits != 24)
            ioFail(path, "FLAC is written at 16 or 24 bits, not " + std::to_string(bits));
        enc.reset(FLAC__stream_encoder_new());
        if (!enc) ioFail(path, "libFLAC could not allocate an encoder");
        bool ok = FLAC__stream_encoder_set_verify(enc.get(), true);
        ok &= FLAC__stream_encoder_set_compression_level(enc.get(), 5);
        ok &= FLAC__stream_encoder_set_channels(enc.get(), static_cast<unsigned>(channels));
        ok &= FLAC__stream_encoder_set_bits_per_sample(enc.get(), static_cast<unsigned>(bits));
        ok &= FLAC__stream_encoder_set_sample_rate(enc.get(), static_cast<unsigned>(rateHz));
        ok &= FLAC__stream_encoder_set_total_samples_estimate(enc.get(), expectedFrames);
        if (!ok) ioFail(path, "libFLAC rejected the stream settings");

        std::unique_ptr<FLAC__StreamMetadata, MetadataDeleter> seek(
            FLAC__metadata_object_new(FLAC__METADATA_TYPE_SEEKTABLE));
        std::unique_ptr<FLAC__StreamMetadata, MetadataDeleter> pad(
            FLAC__metadata_object_new(FLAC__METADATA_TYPE_PADDING));
        if (!seek || !pad) ioFail(path, "libFLAC could not allocate metadata");
        // A seek point every 10 s; libFLAC fills them in at finish.
        const auto spacing = static_cast<unsigned>(rateHz * 10);
        if (!FLAC__metadata_object_seektable_template_append_spaced_points_by_samples(seek.get(), spacing,
                                                                                      expectedFrames) ||
            !FLAC__metadata_object_seektable_template_sort(seek.get(), true))
            ioFail(path, "libFLAC could not build the SEEKTABLE");
        pad->length = 8192;  // room for tags and a small cover without rewriting the file
        FLAC__StreamMetadata* blocks[2] = {seek.get(), pad.get()};
        if (!FLAC__stream_encoder_set_metadata(enc.get(), blocks, 2))
            ioFail(path, "libFLAC rejected the metadata blocks");
        seekTable = std::move(seek);
        padding = std::move(pad);
        // With seek and tell callbacks libFLAC rewrites STREAMINFO (total samples, MD5) and the
        // SEEKTABLE at finish, exactly as FLAC__stream_encoder_init_file does.
        const auto status =
            FLAC__stream_encoder_init_stream(enc.get(), flacWrite, flacSeek, flacTell, nullptr, &out);
        out.throwIfFailed();
        if (status != FLAC__STREAM_ENCODER_INIT_STATUS_OK)
            ioFail(path,
                   std::string("libFLAC could not start: ") + FLAC__StreamEncoderInitStatusString[status]);
        inter.resize(kChunkFrames * static_cast<std::size_t>(channels));
    }
    ~Impl() {
        if (!committed) out.abandon();
        enc.reset();
    }

    void fail(const char* what) {
        done = true;
        out.throwIfFailed();  // the I/O error behind libFLAC's CLIENT_ERROR, when there is one
        const auto st = FLAC__stream_encoder_get_state(enc.get());
        ioFail(path, std::string(what) + FLAC__StreamEncoderStateString[st]);
    }
};

FlacWriter::FlacWriter(const fs::path& path, int channels, double sampleRateHz, int bitsPerSample,
                       const Tags& tags, std::uint64_t expectedFrames)
    : impl_(std::make_unique<Impl>(path, channels, sampleRateHz, bitsPerSample, tags, expectedFrames)) {}

FlacWriter::~FlacWriter() = default;

void FlacWriter::write(const BlockView& block) {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "write after the file was finished or failed");
    checkBlock(w.path, block, w.channels);
    const auto channels = static_cast<std::size_t>(w.channels);
    for (std::size_t done = 0; done < block.frames; done += kChunkFrames) {
        throwIfCancelled();
        const std::size_t n = std::min(kChunkFrames, block.frames - done);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t c = 0; c < channels; ++c)
                w.inter[i * channels + c] = toInt(block.data[c][done + i], w.bits);
        if (!FLAC__stream_encoder_process_interleaved(w.enc.get(), w.inter.data(), static_cast<unsigned>(n)))
            w.fail("libFLAC failed while encoding: ");
        w.frames += n;
    }
}

void FlacWriter::commit() {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "commit after the file was finished or failed");
    throwIfCancelled();
    if (!FLAC__stream_encoder_finish(w.enc.get()))
        w.fail("libFLAC failed to finish (verify or write error): ");
    w.done = true;
    w.out.close();
    tagFlac(w.file.tempPath(), w.path, w.tags);
    w.file.commit();
    w.committed = true;
}

std::uint64_t FlacWriter::framesWritten() const {
    return impl_->frames;
}

// ---------------------------------------------------------------------------------------------
// Member order: the SNDFILE is closed first (in ~Impl), then the stream, then the AtomicFile.
struct WavWriter::Impl {
    fs::path path;
    int channels;
    WavSampleFormat format;
    int bits;
    bool rf64 = false;
    std::uint64_t frames = 0;
    bool done = false;
    AtomicFile file;
    detail::OutputStream out;
    SF_VIRTUAL_IO vio{vioLength, vioSeek, vioRead, vioWrite, vioTell};
    SNDFILE* f = nullptr;
    std::vector<int> interInt;
    std::vector<float> interFloat;

    Impl(const fs::path& p, int ch, double rateHz, WavSampleFormat fmt, const Tags& tags,
         std::uint64_t expectedFrames)
        : path(p),
          channels(ch),
          format(fmt),
          bits(fmt == WavSampleFormat::Pcm16   ? 16
               : fmt == WavSampleFormat::Pcm24 ? 24
                                               : 32),
          file(p),
          out(file.tempPath(), p) {
        checkChannels(path, channels);
        const double dataBytes = static_cast<double>(expectedFrames) * channels * (bits / 8);
        int container = SF_FORMAT_WAV;
        if (dataBytes > kWavMaxDataBytes) {
            container = SF_FORMAT_RF64;
            rf64 = true;
        } else if (channels > 2) {
            // Stores ask for format code 0x0001 and refuse 0xFFFE; EXTENSIBLE only where the
            // format requires it (more than 2 channels need the channel mask).
            container = SF_FORMAT_WAVEX;
        }
        const int sub = format == WavSampleFormat::Pcm16   ? SF_FORMAT_PCM_16
                        : format == WavSampleFormat::Pcm24 ? SF_FORMAT_PCM_24
                                                           : SF_FORMAT_FLOAT;
        SF_INFO info{};
        info.samplerate = static_cast<int>(rateHz);
        info.channels = channels;
        info.format = container | sub;
        f = sf_open_virtual(&vio, SFM_WRITE, &info, &out);
        out.throwIfFailed();
        if (!f) ioFail(path, std::string("libsndfile cannot create it: ") + sf_strerror(nullptr));
        sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
        // The PEAK chunk carries a timestamp: without this, two renders of a float WAV differ.
        sf_command(f, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
        // Before the first sample: libsndfile then writes every chunk into the header, ahead of
        // `data` (strings set later would land after it).
        setWavStrings(f, tags);
        detail::addWavMetadataChunks(f, path, tags, container == SF_FORMAT_RF64);
        if (format == WavSampleFormat::Float32)
            interFloat.resize(kChunkFrames * static_cast<std::size_t>(channels));
        else
            interInt.resize(kChunkFrames * static_cast<std::size_t>(channels));
    }
    ~Impl() {
        if (f != nullptr) {
            out.abandon();  // no header rewrite into a file that is about to be removed
            sf_close(f);
        }
    }
};

WavWriter::WavWriter(const fs::path& path, int channels, double sampleRateHz, WavSampleFormat format,
                     const Tags& tags, std::uint64_t expectedFrames)
    : impl_(std::make_unique<Impl>(path, channels, sampleRateHz, format, tags, expectedFrames)) {}

WavWriter::~WavWriter() = default;

void WavWriter::write(const BlockView& block) {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "write after the file was finished or failed");
    checkBlock(w.path, block, w.channels);
    const auto channels = static_cast<std::size_t>(w.channels);
    const double bytesAfter =
        static_cast<double>(w.frames + block.frames) * static_cast<double>(channels) * (w.bits / 8);
    if (!w.rf64 && bytesAfter > kWavMaxDataBytes) {
        w.done = true;
        ioFail(w.path,
               "more audio than the frames announced when the file was opened: a plain WAV cannot pass 4 GiB "
               "(RF64 is chosen from expectedFrames)");
    }
    for (std::size_t done = 0; done < block.frames; done += kChunkFrames) {
        throwIfCancelled();
        const std::size_t n = std::min(kChunkFrames, block.frames - done);
        sf_count_t wrote = 0;
        if (w.format == WavSampleFormat::Float32) {
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t c = 0; c < channels; ++c)
                    w.interFloat[i * channels + c] = block.data[c][done + i];
            wrote = sf_writef_float(w.f, w.interFloat.data(), static_cast<sf_count_t>(n));
        } else {
            // libsndfile's int API is full-scale 32-bit: shift the exact word into the top bits.
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t c = 0; c < channels; ++c)
                    w.interInt[i * channels + c] = static_cast<int>(
                        static_cast<std::uint32_t>(toInt(block.data[c][done + i], w.bits)) << (32 - w.bits));
            wrote = sf_writef_int(w.f, w.interInt.data(), static_cast<sf_count_t>(n));
        }
        if (w.out.failed()) {
            w.done = true;
            w.out.throwIfFailed();
        }
        if (wrote != static_cast<sf_count_t>(n) || sf_error(w.f) != SF_ERR_NO_ERROR) {
            w.done = true;
            ioFail(w.path, std::string("write failed: ") + sf_strerror(w.f));
        }
        w.frames += n;
    }
}

void WavWriter::commit() {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "commit after the file was finished or failed");
    w.done = true;
    throwIfCancelled();
    // sf_close rewrites the header (frame count, RF64 ds64) through the stream.
    const int rc = sf_close(w.f);
    w.f = nullptr;
    w.out.throwIfFailed();
    if (rc != 0) ioFail(w.path, std::string("closing failed: ") + sf_error_number(rc));
    w.out.close();
    w.file.commit();
}

std::uint64_t WavWriter::framesWritten() const {
    return impl_->frames;
}

// ---------------------------------------------------------------------------------------------

double mp3CompressionLevel(int bitrateKbps) { return std::max(0.0, (320.0 - bitrateKbps - 0.25) / 288.0); }

namespace {

void tagMp3(const fs::path& out, const fs::path& display, const Tags& t) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MPEG::File file(out.c_str(), false);
    if (!file.isValid()) ioFail(display, "TagLib cannot open the MP3 it just wrote");
    TagLib::PropertyMap pm;
    for (const auto& [key, value] : id3TextFields(t)) {
        if (const std::string why = text::tagProblem(value); !why.empty()) ioFail(display, "tag " + key + " " + why);
        pm.insert(key, TagLib::StringList(TagLib::String(value, TagLib::String::UTF8)));
    }
    TagLib::ID3v2::Tag* tag = file.ID3v2Tag(true);
    tag->setProperties(pm);
    if (t.cover) {
        // A regular file, opened without blocking (as for FLAC's picture); its size was checked
        // before processing (render/limits.hpp).
        const std::string bytes = readInputFile(*t.cover, ErrorKind::Input, kMaxMp3CoverBytes);
        auto* pic = new TagLib::ID3v2::AttachedPictureFrame;  // owned by `tag` after addFrame
        pic->setType(TagLib::ID3v2::AttachedPictureFrame::FrontCover);
        const auto ext = t.cover->extension().string();
        pic->setMimeType(ext == ".png" || ext == ".PNG" ? "image/png" : "image/jpeg");
        pic->setDescription("Front cover");
        pic->setTextEncoding(TagLib::String::UTF8);
        pic->setPicture(TagLib::ByteVector(bytes.data(), static_cast<unsigned>(bytes.size())));
        tag->addFrame(pic);
    }
    // ID3v2.4 only (no ID3v1 trailer: it holds 30 Latin-1 bytes per field and no ISRC).
    if (!file.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripOthers, TagLib::ID3v2::v4))
        ioFail(display, "TagLib could not write the tags");
}

}  // namespace

// Member order: the SNDFILE is closed first (in ~Impl), then the stream, then the AtomicFile.
struct Mp3Writer::Impl {
    fs::path path;
    int channels;
    Tags tags;
    std::uint64_t frames = 0;
    bool done = false;
    AtomicFile file;
    detail::OutputStream out;
    SF_VIRTUAL_IO vio{vioLength, vioSeek, vioRead, vioWrite, vioTell};
    SNDFILE* f = nullptr;
    std::vector<float> inter;

    Impl(const fs::path& p, int ch, double rateHz, int kbps, const Tags& t)
        : path(p), channels(ch), tags(t), file(p), out(file.tempPath(), p) {
        if (channels < 1 || channels > 2) ioFail(path, "an MP3 holds 1 or 2 channels, not " + std::to_string(channels));
        if (rateHz != 32000.0 && rateHz != 44100.0 && rateHz != 48000.0)
            ioFail(path, "MPEG-1 Layer III takes 32000, 44100 or 48000 Hz");
        if (kbps < 32 || kbps > 320) ioFail(path, "MPEG-1 Layer III bitrates are 32 to 320 kb/s");
        SF_INFO info{};
        info.samplerate = static_cast<int>(rateHz);
        info.channels = channels;
        info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
        f = sf_open_virtual(&vio, SFM_WRITE, &info, &out);
        out.throwIfFailed();
        if (!f) ioFail(path, std::string("libsndfile cannot create it: ") + sf_strerror(nullptr));
        // Constant bitrate first: the compression level then picks the rate.
        int mode = SF_BITRATE_MODE_CONSTANT;
        double level = mp3CompressionLevel(kbps);
        sf_command(f, SFC_SET_BITRATE_MODE, &mode, sizeof mode);  // returns 0 on success (libsndfile 1.2.0)
        if (sf_command(f, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level) != SF_TRUE)
            ioFail(path, std::string("LAME refused ") + std::to_string(kbps) + " kb/s CBR: " + sf_strerror(f));
        inter.resize(kChunkFrames * static_cast<std::size_t>(channels));
    }
    ~Impl() {
        if (f != nullptr) {
            out.abandon();
            sf_close(f);
        }
    }
};

Mp3Writer::Mp3Writer(const fs::path& path, int channels, double sampleRateHz, int bitrateKbps, const Tags& tags)
    : impl_(std::make_unique<Impl>(path, channels, sampleRateHz, bitrateKbps, tags)) {}

Mp3Writer::~Mp3Writer() = default;

void Mp3Writer::write(const BlockView& block) {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "write after the file was finished or failed");
    checkBlock(w.path, block, w.channels);
    const auto channels = static_cast<std::size_t>(w.channels);
    for (std::size_t done = 0; done < block.frames; done += kChunkFrames) {
        throwIfCancelled();
        const std::size_t n = std::min(kChunkFrames, block.frames - done);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t c = 0; c < channels; ++c) w.inter[i * channels + c] = block.data[c][done + i];
        const sf_count_t wrote = sf_writef_float(w.f, w.inter.data(), static_cast<sf_count_t>(n));
        if (w.out.failed()) {
            w.done = true;
            w.out.throwIfFailed();
        }
        if (wrote != static_cast<sf_count_t>(n) || sf_error(w.f) != SF_ERR_NO_ERROR) {
            w.done = true;
            ioFail(w.path, std::string("encoding failed: ") + sf_strerror(w.f));
        }
        w.frames += n;
    }
}

void Mp3Writer::commit() {
    Impl& w = *impl_;
    if (w.done) ioFail(w.path, "commit after the file was finished or failed");
    w.done = true;
    throwIfCancelled();
    // sf_close flushes LAME and writes the Xing/LAME info frame through the stream.
    const int rc = sf_close(w.f);
    w.f = nullptr;
    w.out.throwIfFailed();
    if (rc != 0) ioFail(w.path, std::string("closing failed: ") + sf_error_number(rc));
    w.out.close();
    tagMp3(w.file.tempPath(), w.path, w.tags);
    w.file.commit();
}

std::uint64_t Mp3Writer::framesWritten() const {
    return impl_->frames;
}

// ---------------------------------------------------------------------------------------------

void writeFlac(const fs::path& path, const AudioBuffer& audio, int bitsPerSample, const Tags& tags) {
    FlacWriter w(path, audio.channels(), audio.sampleRateHz, bitsPerSample, tags, audio.frames());
    w.write(viewOf(audio));
    w.commit();
}

void writeWav(const fs::path& path, const AudioBuffer& audio, WavSampleFormat format, const Tags& tags) {
    WavWriter w(path, audio.channels(), audio.sampleRateHz, format, tags, audio.frames());
    w.write(viewOf(audio));
    w.commit();
}

}  // namespace lacquer::io
