// SPDX-License-Identifier: GPL-3.0-or-later
#include "delivery/aac.hpp"

#include <dlfcn.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/version.h>
#include <libavutil/version.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
}

#include <string>
#include <vector>

#include "lacquer/common/error.hpp"

namespace lacquer::delivery::detail {

namespace {

// libavcodec and libavutil are loaded when the first AAC round trip runs, not at start-up: linked,
// they bring ~80 shared objects (FFmpeg's codec libraries) into every `lacquer` process, which
// made `lacquer --version` several times slower to start. The headers give the types; the sonames
// are the ones those headers belong to.
struct Av {
    decltype(&::avcodec_find_encoder) avcodec_find_encoder = nullptr;
    decltype(&::avcodec_find_decoder) avcodec_find_decoder = nullptr;
    decltype(&::avcodec_alloc_context3) avcodec_alloc_context3 = nullptr;
    decltype(&::avcodec_free_context) avcodec_free_context = nullptr;
    decltype(&::av_packet_alloc) av_packet_alloc = nullptr;
    decltype(&::av_packet_free) av_packet_free = nullptr;
    decltype(&::av_packet_unref) av_packet_unref = nullptr;
    decltype(&::avcodec_open2) avcodec_open2 = nullptr;
    decltype(&::avcodec_send_frame) avcodec_send_frame = nullptr;
    decltype(&::avcodec_receive_packet) avcodec_receive_packet = nullptr;
    decltype(&::avcodec_send_packet) avcodec_send_packet = nullptr;
    decltype(&::avcodec_receive_frame) avcodec_receive_frame = nullptr;
    decltype(&::av_frame_alloc) av_frame_alloc = nullptr;
    decltype(&::av_frame_free) av_frame_free = nullptr;
    decltype(&::av_frame_unref) av_frame_unref = nullptr;
    decltype(&::av_frame_get_buffer) av_frame_get_buffer = nullptr;
    decltype(&::av_frame_make_writable) av_frame_make_writable = nullptr;
    decltype(&::av_strerror) av_strerror = nullptr;
    decltype(&::av_log_set_level) av_log_set_level = nullptr;
    decltype(&::av_channel_layout_default) av_channel_layout_default = nullptr;
    decltype(&::av_channel_layout_copy) av_channel_layout_copy = nullptr;
    decltype(&::av_mallocz) av_mallocz = nullptr;
};

template <class F>
F sym(void* lib, const char* name) {
    void* p = ::dlsym(lib, name);
    if (!p) throw Error(ErrorKind::Io, "AAC round trip", std::string("libavcodec/libavutil lack ") + name,
                        "install the Debian packages libavcodec59 and libavutil57");
    return reinterpret_cast<F>(p);
}

void* openLibrary(const std::string& soname) {
    void* lib = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw Error(ErrorKind::Io, "AAC round trip", soname + " cannot be loaded: " + ::dlerror(),
                          "install the Debian packages libavcodec59 and libavutil57");
    return lib;
}

const Av& av() {
    // A throwing initialiser leaves the static uninitialised: the next call tries again.
    static const Av loaded = [] {
        Av a;
        void* util = openLibrary("libavutil.so." + std::to_string(LIBAVUTIL_VERSION_MAJOR));
        void* codec = openLibrary("libavcodec.so." + std::to_string(LIBAVCODEC_VERSION_MAJOR));
        a.av_frame_alloc = sym<decltype(a.av_frame_alloc)>(util, "av_frame_alloc");
        a.av_frame_free = sym<decltype(a.av_frame_free)>(util, "av_frame_free");
        a.av_frame_unref = sym<decltype(a.av_frame_unref)>(util, "av_frame_unref");
        a.av_frame_get_buffer = sym<decltype(a.av_frame_get_buffer)>(util, "av_frame_get_buffer");
        a.av_frame_make_writable = sym<decltype(a.av_frame_make_writable)>(util, "av_frame_make_writable");
        a.av_strerror = sym<decltype(a.av_strerror)>(util, "av_strerror");
        a.av_log_set_level = sym<decltype(a.av_log_set_level)>(util, "av_log_set_level");
        a.av_channel_layout_default = sym<decltype(a.av_channel_layout_default)>(util, "av_channel_layout_default");
        a.av_channel_layout_copy = sym<decltype(a.av_channel_layout_copy)>(util, "av_channel_layout_copy");
        a.av_mallocz = sym<decltype(a.av_mallocz)>(util, "av_mallocz");
        a.avcodec_find_encoder = sym<decltype(a.avcodec_find_encoder)>(codec, "avcodec_find_encoder");
        a.avcodec_find_decoder = sym<decltype(a.avcodec_find_decoder)>(codec, "avcodec_find_decoder");
        a.avcodec_alloc_context3 = sym<decltype(a.avcodec_alloc_context3)>(codec, "avcodec_alloc_context3");
        a.avcodec_free_context = sym<decltype(a.avcodec_free_context)>(codec, "avcodec_free_context");
        a.av_packet_alloc = sym<decltype(a.av_packet_alloc)>(codec, "av_packet_alloc");
        a.av_packet_free = sym<decltype(a.av_packet_free)>(codec, "av_packet_free");
        a.av_packet_unref = sym<decltype(a.av_packet_unref)>(codec, "av_packet_unref");
        a.avcodec_open2 = sym<decltype(a.avcodec_open2)>(codec, "avcodec_open2");
        a.avcodec_send_frame = sym<decltype(a.avcodec_send_frame)>(codec, "avcodec_send_frame");
        a.avcodec_receive_packet = sym<decltype(a.avcodec_receive_packet)>(codec, "avcodec_receive_packet");
        a.avcodec_send_packet = sym<decltype(a.avcodec_send_packet)>(codec, "avcodec_send_packet");
        a.avcodec_receive_frame = sym<decltype(a.avcodec_receive_frame)>(codec, "avcodec_receive_frame");
        return a;
    }();
    return loaded;
}

[[noreturn]] void avFail(const std::string& what, int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av().av_strerror(err, buf, sizeof buf);
    throw Error(ErrorKind::Io, "AAC round trip", what + ": " + buf, "this is a bug in lacquer or libavcodec; please report it");
}

struct ContextDeleter {
    void operator()(AVCodecContext* c) const { av().avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av().av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av().av_packet_free(&p); }
};

}  // namespace

// Member order: frames and packets first, the contexts last (freed in reverse).
struct AacCodec::Impl {
    std::unique_ptr<AVCodecContext, ContextDeleter> enc, dec;
    std::unique_ptr<AVFrame, FrameDeleter> in, out;
    std::unique_ptr<AVPacket, PacketDeleter> pkt;
    int channels = 0;
    int frameSize = 0;      // samples per AAC frame (1024 for LC)
    int staged = 0;         // samples waiting in `in`
    std::size_t bytes = 0;  // encoded payload
    std::vector<float> block;  // decoded planar samples for the sink, channel after channel

    void drainDecoder(const Sink& sink) {
        for (;;) {
            const int r = av().avcodec_receive_frame(dec.get(), out.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
            if (r < 0) avFail("the decoder failed", r);
            BlockView v{};
            v.channels = out->ch_layout.nb_channels;
            v.frames = static_cast<std::size_t>(out->nb_samples);
            // The decoder gives planar float (AV_SAMPLE_FMT_FLTP), read without clipping.
            for (int c = 0; c < v.channels; ++c) v.data[static_cast<std::size_t>(c)] = reinterpret_cast<float*>(out->extended_data[c]);
            sink(v);
            av().av_frame_unref(out.get());
        }
    }
    void drainEncoder(const Sink& sink) {
        for (;;) {
            const int r = av().avcodec_receive_packet(enc.get(), pkt.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
            if (r < 0) avFail("the encoder failed", r);
            bytes += static_cast<std::size_t>(pkt->size);
            const int s = av().avcodec_send_packet(dec.get(), pkt.get());
            av().av_packet_unref(pkt.get());
            if (s < 0) avFail("the decoder refused a packet", s);
            drainDecoder(sink);
        }
    }
    void sendStaged(const Sink& sink) {
        if (staged == 0) return;
        in->nb_samples = staged;
        const int r = av().avcodec_send_frame(enc.get(), in.get());
        if (r < 0) avFail("the encoder refused a frame", r);
        staged = 0;
        drainEncoder(sink);
        if (av().av_frame_make_writable(in.get()) < 0) avFail("no writable frame", AVERROR(ENOMEM));
    }
};

bool AacCodec::takesRate(double rateHz) {
    // MPEG-4 sampling frequency index table (ISO/IEC 14496-3), 8-96 kHz.
    for (double r : {96000.0, 88200.0, 64000.0, 48000.0, 44100.0, 32000.0, 24000.0, 22050.0, 16000.0, 12000.0, 11025.0, 8000.0})
        if (rateHz == r) return true;
    return false;
}

AacCodec::AacCodec(int channels, int rateHz, int bitrateKbps) : impl_(std::make_unique<Impl>()) {
    // libavcodec logs to stderr by default; lacquer reports through its own errors only.
    static const bool quiet = [] {
        av().av_log_set_level(AV_LOG_QUIET);
        return true;
    }();
    (void)quiet;
    Impl& m = *impl_;
    m.channels = channels;
    const AVCodec* encoder = av().avcodec_find_encoder(AV_CODEC_ID_AAC);
    const AVCodec* decoder = av().avcodec_find_decoder(AV_CODEC_ID_AAC);
    if (!encoder || !decoder) avFail("libavcodec has no AAC encoder or decoder", AVERROR_ENCODER_NOT_FOUND);
    m.enc.reset(av().avcodec_alloc_context3(encoder));
    m.dec.reset(av().avcodec_alloc_context3(decoder));
    m.in.reset(av().av_frame_alloc());
    m.out.reset(av().av_frame_alloc());
    m.pkt.reset(av().av_packet_alloc());
    if (!m.enc || !m.dec || !m.in || !m.out || !m.pkt) avFail("out of memory", AVERROR(ENOMEM));
    AVCodecContext& e = *m.enc;
    e.sample_fmt = AV_SAMPLE_FMT_FLTP;
    e.sample_rate = rateHz;
    e.bit_rate = static_cast<std::int64_t>(bitrateKbps) * 1000;
    e.profile = FF_PROFILE_AAC_LOW;
    e.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // AudioSpecificConfig in extradata, for the decoder
    av().av_channel_layout_default(&e.ch_layout, channels);
    int r = av().avcodec_open2(m.enc.get(), encoder, nullptr);
    if (r < 0) avFail("the AAC encoder did not open at " + std::to_string(rateHz) + " Hz", r);
    m.frameSize = e.frame_size;
    AVCodecContext& d = *m.dec;
    d.sample_rate = rateHz;
    av().av_channel_layout_default(&d.ch_layout, channels);
    if (e.extradata_size > 0) {
        d.extradata = static_cast<std::uint8_t*>(av().av_mallocz(static_cast<std::size_t>(e.extradata_size) + AV_INPUT_BUFFER_PADDING_SIZE));
        if (!d.extradata) avFail("out of memory", AVERROR(ENOMEM));
        std::copy(e.extradata, e.extradata + e.extradata_size, d.extradata);
        d.extradata_size = e.extradata_size;
    }
    r = av().avcodec_open2(m.dec.get(), decoder, nullptr);
    if (r < 0) avFail("the AAC decoder did not open", r);
    AVFrame& f = *m.in;
    f.format = AV_SAMPLE_FMT_FLTP;
    f.nb_samples = m.frameSize;
    f.sample_rate = rateHz;
    av().av_channel_layout_copy(&f.ch_layout, &e.ch_layout);
    r = av().av_frame_get_buffer(m.in.get(), 0);
    if (r < 0) avFail("no frame buffer", r);
}

AacCodec::~AacCodec() = default;

void AacCodec::push(const BlockView& block, const Sink& decoded) {
    Impl& m = *impl_;
    for (std::size_t done = 0; done < block.frames;) {
        const auto n = std::min(block.frames - done, static_cast<std::size_t>(m.frameSize - m.staged));
        for (int c = 0; c < m.channels; ++c) {
            float* dst = reinterpret_cast<float*>(m.in->extended_data[c]) + m.staged;
            std::copy(block.data[static_cast<std::size_t>(c)] + done, block.data[static_cast<std::size_t>(c)] + done + n, dst);
        }
        m.staged += static_cast<int>(n);
        done += n;
        if (m.staged == m.frameSize) m.sendStaged(decoded);
    }
}

void AacCodec::finish(const Sink& decoded) {
    Impl& m = *impl_;
    m.sendStaged(decoded);  // the last, short frame (the encoder takes one short frame at the end)
    int r = av().avcodec_send_frame(m.enc.get(), nullptr);
    if (r < 0 && r != AVERROR_EOF) avFail("the encoder would not flush", r);
    m.drainEncoder(decoded);
    r = av().avcodec_send_packet(m.dec.get(), nullptr);
    if (r < 0 && r != AVERROR_EOF) avFail("the decoder would not flush", r);
    m.drainDecoder(decoded);
}

std::size_t AacCodec::encodedBytes() const { return impl_->bytes; }

}  // namespace lacquer::delivery::detail
