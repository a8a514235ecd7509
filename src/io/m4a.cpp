// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/io/taglib_lock.hpp"
#include "lacquer/io/m4a.hpp"

#include <dlfcn.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/version.h>
#include <libavformat/avformat.h>
#include <libavformat/version.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/version.h>
}

#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mp4item.h>
#include <taglib/mp4tag.h>
#include <taglib/tpropertymap.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/text.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/input_file.hpp"

namespace lacquer::io {

namespace fs = std::filesystem;

namespace {

const char* const kPackages = "install the Debian packages libavformat59, libavcodec59 and libavutil57";

// The three libraries are loaded at the first .m4a written or read, not at start-up (as
// delivery/aac.cpp does for its round trip): linked, they bring ~80 shared objects into every
// process. The headers give the types; the sonames are the ones those headers belong to.
struct Av {
#define LACQUER_AV(name) decltype(&::name) name = nullptr;
    LACQUER_AV(av_frame_alloc)
    LACQUER_AV(av_frame_free)
    LACQUER_AV(av_frame_unref)
    LACQUER_AV(av_frame_get_buffer)
    LACQUER_AV(av_frame_make_writable)
    LACQUER_AV(av_strerror)
    LACQUER_AV(av_log_set_level)
    LACQUER_AV(av_channel_layout_default)
    LACQUER_AV(av_channel_layout_copy)
    LACQUER_AV(av_dict_set)
    LACQUER_AV(av_dict_free)
    LACQUER_AV(avcodec_find_encoder)
    LACQUER_AV(avcodec_find_decoder)
    LACQUER_AV(avcodec_alloc_context3)
    LACQUER_AV(avcodec_free_context)
    LACQUER_AV(avcodec_open2)
    LACQUER_AV(avcodec_send_frame)
    LACQUER_AV(avcodec_receive_packet)
    LACQUER_AV(avcodec_send_packet)
    LACQUER_AV(avcodec_receive_frame)
    LACQUER_AV(avcodec_parameters_from_context)
    LACQUER_AV(avcodec_parameters_to_context)
    LACQUER_AV(av_packet_alloc)
    LACQUER_AV(av_packet_free)
    LACQUER_AV(av_packet_unref)
    LACQUER_AV(av_packet_rescale_ts)
    LACQUER_AV(avformat_alloc_output_context2)
    LACQUER_AV(avformat_free_context)
    LACQUER_AV(avformat_new_stream)
    LACQUER_AV(avformat_write_header)
    LACQUER_AV(av_interleaved_write_frame)
    LACQUER_AV(av_write_trailer)
    LACQUER_AV(avio_open)
    LACQUER_AV(avio_closep)
    LACQUER_AV(avformat_open_input)
    LACQUER_AV(avformat_close_input)
    LACQUER_AV(avformat_find_stream_info)
    LACQUER_AV(av_find_best_stream)
    LACQUER_AV(av_read_frame)
#undef LACQUER_AV
};

void* openLibrary(const std::string& soname) {
    void* lib = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw Error(ErrorKind::Io, "AAC/M4A", soname + " cannot be loaded: " + ::dlerror(), kPackages);
    return lib;
}

template <class F>
void bind(F& f, void* lib, const char* name) {
    void* p = ::dlsym(lib, name);
    if (!p) throw Error(ErrorKind::Io, "AAC/M4A", std::string("libavformat/libavcodec/libavutil lack ") + name, kPackages);
    f = reinterpret_cast<F>(p);
}

const Av& av() {
    // A throwing initialiser leaves the static uninitialised: the next call tries again.
    static const Av loaded = [] {
        Av a;
        void* util = openLibrary("libavutil.so." + std::to_string(LIBAVUTIL_VERSION_MAJOR));
        void* codec = openLibrary("libavcodec.so." + std::to_string(LIBAVCODEC_VERSION_MAJOR));
        void* format = openLibrary("libavformat.so." + std::to_string(LIBAVFORMAT_VERSION_MAJOR));
#define U(name) bind(a.name, util, #name);
#define C(name) bind(a.name, codec, #name);
#define F(name) bind(a.name, format, #name);
        U(av_frame_alloc) U(av_frame_free) U(av_frame_unref) U(av_frame_get_buffer) U(av_frame_make_writable)
        U(av_strerror) U(av_log_set_level) U(av_channel_layout_default) U(av_channel_layout_copy) U(av_dict_set) U(av_dict_free)
        C(avcodec_find_encoder) C(avcodec_find_decoder) C(avcodec_alloc_context3) C(avcodec_free_context)
        C(avcodec_open2) C(avcodec_send_frame) C(avcodec_receive_packet) C(avcodec_send_packet)
        C(avcodec_receive_frame) C(avcodec_parameters_from_context) C(avcodec_parameters_to_context)
        C(av_packet_alloc) C(av_packet_free) C(av_packet_unref) C(av_packet_rescale_ts)
        F(avformat_alloc_output_context2) F(avformat_free_context) F(avformat_new_stream)
        F(avformat_write_header) F(av_interleaved_write_frame) F(av_write_trailer) F(avio_open) F(avio_closep)
        F(avformat_open_input) F(avformat_close_input) F(avformat_find_stream_info) F(av_find_best_stream)
        F(av_read_frame)
#undef U
#undef C
#undef F
        // FFmpeg logs to stderr by default; lacquer reports through its own errors only.
        a.av_log_set_level(AV_LOG_QUIET);
        return a;
    }();
    return loaded;
}

std::string avText(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av().av_strerror(err, buf, sizeof buf);
    return buf;
}

[[noreturn]] void ioFail(const fs::path& p, const std::string& what) {
    throw Error(ErrorKind::Io, p.string(), what, "check free space and permissions on the output disk");
}
[[noreturn]] void avFail(const fs::path& p, const std::string& what, int err) { ioFail(p, what + ": " + avText(err)); }

struct ContextDeleter {
    void operator()(AVCodecContext* c) const { av().avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av().av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av().av_packet_free(&p); }
};
struct OutputDeleter {
    void operator()(AVFormatContext* f) const {
        if (f->pb) av().avio_closep(&f->pb);
        av().avformat_free_context(f);
    }
};
struct InputDeleter {
    void operator()(AVFormatContext* f) const { av().avformat_close_input(&f); }
};

void tagM4a(const fs::path& out, const fs::path& display, const Tags& t) {
    const std::lock_guard tagLock(io::tagLibMutex());  // TagLib is not thread-safe
    TagLib::MP4::File file(out.c_str(), false);
    if (!file.isValid()) ioFail(display, "TagLib cannot open the M4A it just wrote");
    TagLib::MP4::Tag* tag = file.tag();
    if (!tag) ioFail(display, "TagLib gives no MP4 tag for the M4A it just wrote");
    TagLib::PropertyMap pm;
    for (const auto& [key, value] : m4aTextFields(t)) {
        if (const std::string why = text::tagProblem(value); !why.empty()) ioFail(display, "tag " + key + " " + why);
        pm.insert(key, TagLib::StringList(TagLib::String(value, TagLib::String::UTF8)));
    }
    // setProperties returns what it could not store: every field here has an MP4 atom.
    if (const auto left = tag->setProperties(pm); !left.isEmpty())
        ioFail(display, "TagLib has no MP4 atom for " + left.toString().to8Bit(true));
    if (t.cover) {
        // A regular file, opened without blocking (as for the other writers); its size is checked
        // before processing.
        const std::string bytes = readInputFile(*t.cover, ErrorKind::Input, kMaxM4aCoverBytes);
        const auto ext = t.cover->extension().string();
        const auto kind = ext == ".png" || ext == ".PNG" ? TagLib::MP4::CoverArt::PNG : TagLib::MP4::CoverArt::JPEG;
        TagLib::MP4::CoverArtList covers;
        covers.append(TagLib::MP4::CoverArt(kind, TagLib::ByteVector(bytes.data(), static_cast<unsigned>(bytes.size()))));
        tag->setItem("covr", TagLib::MP4::Item(covers));
    }
    if (!file.save()) ioFail(display, "TagLib could not write the tags");
}

}  // namespace

TextFields m4aTextFields(const Tags& t) {
    // id3TextFields less PRODUCEDNOTICE: MP4 has no atom for the P line (TagLib 1.13 maps none).
    TextFields f = id3TextFields(t);
    std::erase_if(f, [](const auto& kv) { return kv.first == "PRODUCEDNOTICE"; });
    return f;
}

bool m4aTakesRate(double rateHz) {
    // MPEG-4 sampling frequency index table (ISO/IEC 14496-3), 8-96 kHz.
    for (double r : {96000.0, 88200.0, 64000.0, 48000.0, 44100.0, 32000.0, 24000.0, 22050.0, 16000.0, 12000.0, 11025.0, 8000.0})
        if (rateHz == r) return true;
    return false;
}

// Member order: frames and packets first, then the codec, the muxer (closed before the AtomicFile
// removes an uncommitted temporary), the AtomicFile last.
struct M4aWriter::Impl {
    fs::path path;
    int channels;
    Tags tags;
    AtomicFile file;
    std::unique_ptr<AVFormatContext, OutputDeleter> oc;
    std::unique_ptr<AVCodecContext, ContextDeleter> enc;
    std::unique_ptr<AVFrame, FrameDeleter> in;
    std::unique_ptr<AVPacket, PacketDeleter> pkt;
    AVStream* stream = nullptr;
    int frameSize = 0;
    int staged = 0;
    std::int64_t nextPts = 0;
    std::uint64_t frames = 0;
    bool done = false;

    Impl(const fs::path& p, int ch, double rateHz, int kbps, const Tags& t) : path(p), channels(ch), tags(t), file(p) {
        if (channels < 1 || channels > 2) ioFail(path, "an M4A copy holds 1 or 2 channels, not " + std::to_string(channels));
        if (!m4aTakesRate(rateHz)) ioFail(path, "AAC takes an MPEG-4 sampling frequency (8000 to 96000 Hz)");
        if (kbps < 32 || kbps > 512) ioFail(path, "the AAC bitrate must be 32 to 512 kb/s");
        const int rate = static_cast<int>(rateHz);
        const std::string temp = file.tempPath().string();
        AVFormatContext* raw = nullptr;
        int r = av().avformat_alloc_output_context2(&raw, nullptr, "ipod", temp.c_str());
        if (r < 0 || !raw) avFail(path, "libavformat has no ipod (M4A) muxer", r < 0 ? r : AVERROR_MUXER_NOT_FOUND);
        oc.reset(raw);
        const AVCodec* encoder = av().avcodec_find_encoder(AV_CODEC_ID_AAC);
        if (!encoder) avFail(path, "libavcodec has no AAC encoder", AVERROR_ENCODER_NOT_FOUND);
        enc.reset(av().avcodec_alloc_context3(encoder));
        in.reset(av().av_frame_alloc());
        pkt.reset(av().av_packet_alloc());
        if (!enc || !in || !pkt) avFail(path, "out of memory", AVERROR(ENOMEM));
        AVCodecContext& e = *enc;
        e.sample_fmt = AV_SAMPLE_FMT_FLTP;
        e.sample_rate = rate;
        e.time_base = AVRational{1, rate};
        e.bit_rate = static_cast<std::int64_t>(kbps) * 1000;
        e.profile = FF_PROFILE_AAC_LOW;
        e.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // the MP4 carries the AudioSpecificConfig in esds
        av().av_channel_layout_default(&e.ch_layout, channels);
        r = av().avcodec_open2(enc.get(), encoder, nullptr);
        if (r < 0) avFail(path, "the AAC encoder did not open at " + std::to_string(rate) + " Hz", r);
        frameSize = e.frame_size;
        stream = av().avformat_new_stream(oc.get(), nullptr);
        if (!stream) avFail(path, "out of memory", AVERROR(ENOMEM));
        stream->time_base = AVRational{1, rate};
        r = av().avcodec_parameters_from_context(stream->codecpar, enc.get());
        if (r < 0) avFail(path, "the stream parameters", r);
        r = av().avio_open(&oc->pb, temp.c_str(), AVIO_FLAG_WRITE);
        if (r < 0) avFail(path, "cannot create the temporary", r);
        // The edit list's duration is in the movie's timescale (libavformat's default 1000: the
        // length rounded to the millisecond, 69987 frames for 70001 at 44.1 kHz); at the sample
        // rate it is the frames written, exactly.
        AVDictionary* opts = nullptr;
        av().av_dict_set(&opts, "movie_timescale", std::to_string(rate).c_str(), 0);
        r = av().avformat_write_header(oc.get(), &opts);
        av().av_dict_free(&opts);
        if (r < 0) avFail(path, "cannot write the MP4 header", r);
        AVFrame& f = *in;
        f.format = AV_SAMPLE_FMT_FLTP;
        f.nb_samples = frameSize;
        f.sample_rate = rate;
        av().av_channel_layout_copy(&f.ch_layout, &e.ch_layout);
        r = av().av_frame_get_buffer(in.get(), 0);
        if (r < 0) avFail(path, "no frame buffer", r);
    }

    void drain() {
        for (;;) {
            const int r = av().avcodec_receive_packet(enc.get(), pkt.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
            if (r < 0) avFail(path, "the AAC encoder failed", r);
            av().av_packet_rescale_ts(pkt.get(), enc->time_base, stream->time_base);
            pkt->stream_index = stream->index;
            const int w = av().av_interleaved_write_frame(oc.get(), pkt.get());  // takes the packet's reference
            if (w < 0) avFail(path, "write failed", w);
        }
    }
    void sendStaged() {
        if (staged == 0) return;
        in->nb_samples = staged;
        in->pts = nextPts;
        nextPts += staged;
        const int r = av().avcodec_send_frame(enc.get(), in.get());
        if (r < 0) avFail(path, "the AAC encoder refused a frame", r);
        staged = 0;
        drain();
        if (av().av_frame_make_writable(in.get()) < 0) avFail(path, "no writable frame", AVERROR(ENOMEM));
    }
};

M4aWriter::M4aWriter(const fs::path& path, int channels, double sampleRateHz, int bitrateKbps, const Tags& tags)
    : impl_(std::make_unique<Impl>(path, channels, sampleRateHz, bitrateKbps, tags)) {}

M4aWriter::~M4aWriter() = default;

void M4aWriter::write(const BlockView& block) {
    Impl& m = *impl_;
    if (m.done) ioFail(m.path, "write after the file was finished or failed");
    if (block.channels != m.channels) ioFail(m.path, "a block of " + std::to_string(block.channels) + " channels for a " + std::to_string(m.channels) + "-channel file");
    try {
        for (std::size_t done = 0; done < block.frames;) {
            if (m.staged == 0) throwIfCancelled();
            const auto n = std::min(block.frames - done, static_cast<std::size_t>(m.frameSize - m.staged));
            for (int c = 0; c < m.channels; ++c) {
                const float* src = block.data[static_cast<std::size_t>(c)] + done;
                std::copy(src, src + n, reinterpret_cast<float*>(m.in->extended_data[c]) + m.staged);
            }
            m.staged += static_cast<int>(n);
            done += n;
            m.frames += n;
            if (m.staged == m.frameSize) m.sendStaged();
        }
    } catch (...) {
        m.done = true;
        throw;
    }
}

void M4aWriter::commit() {
    Impl& m = *impl_;
    if (m.done) ioFail(m.path, "commit after the file was finished or failed");
    m.done = true;
    throwIfCancelled();
    m.sendStaged();  // the last, short frame
    int r = av().avcodec_send_frame(m.enc.get(), nullptr);
    if (r < 0 && r != AVERROR_EOF) avFail(m.path, "the AAC encoder would not flush", r);
    m.drain();
    r = av().av_write_trailer(m.oc.get());  // the moov, with the edit list
    if (r < 0) avFail(m.path, "cannot finish the MP4", r);
    r = av().avio_closep(&m.oc->pb);
    if (r < 0) avFail(m.path, "closing failed", r);
    m.oc.reset();
    tagM4a(m.file.tempPath(), m.path, m.tags);
    m.file.commit();
}

std::uint64_t M4aWriter::framesWritten() const { return impl_->frames; }

M4aInfo probeM4a(const fs::path& path) {
    const Av& a = av();
    AVFormatContext* raw = nullptr;
    int r = a.avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
    if (r < 0) throw Error(ErrorKind::Input, path.string(), "cannot open it: " + avText(r), "is it an .m4a this lacquer wrote?");
    std::unique_ptr<AVFormatContext, InputDeleter> ic(raw);
    r = a.avformat_find_stream_info(ic.get(), nullptr);
    const int si = r < 0 ? r : a.av_find_best_stream(ic.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (si < 0) throw Error(ErrorKind::Input, path.string(), "no audio stream: " + avText(si), "is it an .m4a this lacquer wrote?");
    const AVStream* st = ic->streams[si];
    M4aInfo info;
    info.sampleRateHz = st->codecpar->sample_rate;
    info.channels = st->codecpar->ch_layout.nb_channels;
    info.bitRate = ic->bit_rate;
    // The edit list's duration, in the stream's timescale (the sample rate, as M4aWriter writes it).
    if (st->duration > 0 && st->time_base.den > 0)
        info.frames = static_cast<std::uint64_t>(st->duration * st->time_base.num * static_cast<std::int64_t>(info.sampleRateHz) / st->time_base.den);
    return info;
}

M4aInfo decodeM4a(const fs::path& path, const std::function<void(const BlockView&)>& sink) {
    auto fail = [&](const std::string& what, int err) -> void {
        throw Error(ErrorKind::Input, path.string(), what + ": " + avText(err), "is it an .m4a this lacquer wrote?");
    };
    const Av& a = av();
    AVFormatContext* raw = nullptr;
    int r = a.avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
    if (r < 0) fail("cannot open it", r);
    std::unique_ptr<AVFormatContext, InputDeleter> ic(raw);
    r = a.avformat_find_stream_info(ic.get(), nullptr);
    if (r < 0) fail("cannot read its streams", r);
    const AVCodec* decoder = nullptr;
    const int si = a.av_find_best_stream(ic.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (si < 0 || !decoder) fail("no audio stream", si < 0 ? si : AVERROR_DECODER_NOT_FOUND);
    std::unique_ptr<AVCodecContext, ContextDeleter> dec(a.avcodec_alloc_context3(decoder));
    std::unique_ptr<AVFrame, FrameDeleter> frame(a.av_frame_alloc());
    std::unique_ptr<AVPacket, PacketDeleter> pkt(a.av_packet_alloc());
    if (!dec || !frame || !pkt) fail("out of memory", AVERROR(ENOMEM));
    r = a.avcodec_parameters_to_context(dec.get(), ic->streams[si]->codecpar);
    if (r >= 0) r = a.avcodec_open2(dec.get(), decoder, nullptr);
    if (r < 0) fail("the decoder did not open", r);
    M4aInfo info;
    info.sampleRateHz = dec->sample_rate;
    info.channels = dec->ch_layout.nb_channels;
    info.bitRate = ic->bit_rate;
    if (info.channels < 1 || info.channels > kMaxChannels) fail("unsupported channel count", AVERROR_INVALIDDATA);
    // The edit list's end: libavformat 59 trims the priming (media_time) but hands the decoder the
    // whole last AAC frame, padding included; the stream's duration is the edit's, so the frames
    // past it are dropped here.
    const AVStream* st = ic->streams[si];
    std::uint64_t limit = UINT64_MAX;
    if (st->duration > 0 && st->time_base.num == 1 && st->time_base.den == info.sampleRateHz)
        limit = static_cast<std::uint64_t>(st->duration);
    auto receive = [&] {
        for (;;) {
            const int g = a.avcodec_receive_frame(dec.get(), frame.get());
            if (g == AVERROR(EAGAIN) || g == AVERROR_EOF) return;
            if (g < 0) fail("decoding failed", g);
            if (frame->format != AV_SAMPLE_FMT_FLTP) fail("the decoder gives no planar float", AVERROR_PATCHWELCOME);
            BlockView v{};
            v.channels = info.channels;
            v.frames = static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(frame->nb_samples), limit - info.frames));
            for (int c = 0; c < v.channels; ++c) v.data[static_cast<std::size_t>(c)] = reinterpret_cast<float*>(frame->extended_data[c]);
            if (v.frames > 0) sink(v);
            info.frames += v.frames;
            a.av_frame_unref(frame.get());
        }
    };
    while ((r = a.av_read_frame(ic.get(), pkt.get())) >= 0) {
        if (pkt->stream_index == si) {
            const int s = a.avcodec_send_packet(dec.get(), pkt.get());
            a.av_packet_unref(pkt.get());
            if (s < 0) fail("a packet the decoder refused", s);
            receive();
        } else {
            a.av_packet_unref(pkt.get());
        }
    }
    if (r != AVERROR_EOF) fail("reading failed", r);
    a.avcodec_send_packet(dec.get(), nullptr);
    receive();
    return info;
}

}  // namespace lacquer::io
