// SPDX-License-Identifier: GPL-3.0-or-later
#include "delivery/aac.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
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

[[noreturn]] void avFail(const std::string& what, int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(err, buf, sizeof buf);
    throw Error(ErrorKind::Io, "AAC round trip", what + ": " + buf, "this is a bug in lacquer or libavcodec; please report it");
}

struct ContextDeleter {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
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
            const int r = avcodec_receive_frame(dec.get(), out.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
            if (r < 0) avFail("the decoder failed", r);
            BlockView v{};
            v.channels = out->ch_layout.nb_channels;
            v.frames = static_cast<std::size_t>(out->nb_samples);
            // The decoder gives planar float (AV_SAMPLE_FMT_FLTP), read without clipping.
            for (int c = 0; c < v.channels; ++c) v.data[static_cast<std::size_t>(c)] = reinterpret_cast<float*>(out->extended_data[c]);
            sink(v);
            av_frame_unref(out.get());
        }
    }
    void drainEncoder(const Sink& sink) {
        for (;;) {
            const int r = avcodec_receive_packet(enc.get(), pkt.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
            if (r < 0) avFail("the encoder failed", r);
            bytes += static_cast<std::size_t>(pkt->size);
            const int s = avcodec_send_packet(dec.get(), pkt.get());
            av_packet_unref(pkt.get());
            if (s < 0) avFail("the decoder refused a packet", s);
            drainDecoder(sink);
        }
    }
    void sendStaged(const Sink& sink) {
        if (staged == 0) return;
        in->nb_samples = staged;
        const int r = avcodec_send_frame(enc.get(), in.get());
        if (r < 0) avFail("the encoder refused a frame", r);
        staged = 0;
        drainEncoder(sink);
        if (av_frame_make_writable(in.get()) < 0) avFail("no writable frame", AVERROR(ENOMEM));
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
        av_log_set_level(AV_LOG_QUIET);
        return true;
    }();
    (void)quiet;
    Impl& m = *impl_;
    m.channels = channels;
    const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_AAC);
    const AVCodec* decoder = avcodec_find_decoder(AV_CODEC_ID_AAC);
    if (!encoder || !decoder) avFail("libavcodec has no AAC encoder or decoder", AVERROR_ENCODER_NOT_FOUND);
    m.enc.reset(avcodec_alloc_context3(encoder));
    m.dec.reset(avcodec_alloc_context3(decoder));
    m.in.reset(av_frame_alloc());
    m.out.reset(av_frame_alloc());
    m.pkt.reset(av_packet_alloc());
    if (!m.enc || !m.dec || !m.in || !m.out || !m.pkt) avFail("out of memory", AVERROR(ENOMEM));
    AVCodecContext& e = *m.enc;
    e.sample_fmt = AV_SAMPLE_FMT_FLTP;
    e.sample_rate = rateHz;
    e.bit_rate = static_cast<std::int64_t>(bitrateKbps) * 1000;
    e.profile = FF_PROFILE_AAC_LOW;
    e.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // AudioSpecificConfig in extradata, for the decoder
    av_channel_layout_default(&e.ch_layout, channels);
    int r = avcodec_open2(m.enc.get(), encoder, nullptr);
    if (r < 0) avFail("the AAC encoder did not open at " + std::to_string(rateHz) + " Hz", r);
    m.frameSize = e.frame_size;
    AVCodecContext& d = *m.dec;
    d.sample_rate = rateHz;
    av_channel_layout_default(&d.ch_layout, channels);
    if (e.extradata_size > 0) {
        d.extradata = static_cast<std::uint8_t*>(av_mallocz(static_cast<std::size_t>(e.extradata_size) + AV_INPUT_BUFFER_PADDING_SIZE));
        if (!d.extradata) avFail("out of memory", AVERROR(ENOMEM));
        std::copy(e.extradata, e.extradata + e.extradata_size, d.extradata);
        d.extradata_size = e.extradata_size;
    }
    r = avcodec_open2(m.dec.get(), decoder, nullptr);
    if (r < 0) avFail("the AAC decoder did not open", r);
    AVFrame& f = *m.in;
    f.format = AV_SAMPLE_FMT_FLTP;
    f.nb_samples = m.frameSize;
    f.sample_rate = rateHz;
    av_channel_layout_copy(&f.ch_layout, &e.ch_layout);
    r = av_frame_get_buffer(m.in.get(), 0);
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
    int r = avcodec_send_frame(m.enc.get(), nullptr);
    if (r < 0 && r != AVERROR_EOF) avFail("the encoder would not flush", r);
    m.drainEncoder(decoded);
    r = avcodec_send_packet(m.dec.get(), nullptr);
    if (r < 0 && r != AVERROR_EOF) avFail("the decoder would not flush", r);
    m.drainDecoder(decoded);
}

std::size_t AacCodec::encodedBytes() const { return impl_->bytes; }

}  // namespace lacquer::delivery::detail
