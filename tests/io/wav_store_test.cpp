// SPDX-License-Identifier: GPL-3.0-or-later
// The store rules for WAV masters (Spotify's published file requirements, repeated by
// aggregators): format code 0x0001 (WAVE_FORMAT_PCM), never 0xFFFE, and only audio after the
// start of `data`; plus the Broadcast Wave `bext` chunk and the `id3 ` chunk, read back by
// independent tools (ffprobe, exiftool, mediainfo).
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lacquer/dither/quantiser.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/io/wav_chunks.hpp"
#include "support/audio_files.hpp"
#include "support/paths.hpp"

namespace lacquer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::runCommand;

AudioBuffer quantised(int bits, int channels = 2, double rate = 48000) {
    auto a = test::musicNoise(1.0, rate, 2);
    if (channels != 2) {
        AudioBuffer m(channels, a.frames(), rate);
        for (int c = 0; c < channels; ++c) m.samples[static_cast<std::size_t>(c)] = a.samples[static_cast<std::size_t>(c % 2)];
        a = m;
    }
    if (bits < 32) dither::quantise(a, bits, DitherKind::Tpdf, 5);
    return a;
}

io::Tags storeTags() {
    io::Tags t;
    t.title = "Café Noir";
    t.artist = "The Demo Band";
    t.album = "Night Drive";
    t.albumArtist = "The Demo Band";
    t.date = "2026";
    t.genre = "Electronic";
    t.isrc = "ZZDEM2600001";
    t.catalog = "4006381333931";
    t.label = "Demo Records";
    t.copyright = "2026 Demo Records";
    t.phonographicCopyright = "2026 The Demo Band";
    t.trackNumber = 3;
    t.trackTotal = 6;
    t.discNumber = 1;
    t.discTotal = 1;
    t.broadcast.description = "The Demo Band - Café Noir";
    t.broadcast.originator = "lacquer";
    t.broadcast.date = "2026-03-14";
    t.broadcast.time = "09:26:53";
    t.broadcast.timeReferenceFrames = 5'000'000'123ULL;  // past 32 bits: both halves are written
    return t;
}

std::vector<unsigned char> bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The header read byte by byte, independently of io::readWavLayout: RIFF, WAVE, then "fmt " as
// the first chunk (libsndfile writes it first) with wFormatTag at byte 20.
TEST(WavStore, HeaderBytesSayWaveFormatPcmFor16And24BitStereo) {
    const auto dir = test::scratchDir();
    for (const auto& [bits, fmt] : {std::pair{16, io::WavSampleFormat::Pcm16}, std::pair{24, io::WavSampleFormat::Pcm24}}) {
        const auto file = dir / ("t" + std::to_string(bits) + ".wav");
        io::writeWav(file, quantised(bits), fmt, storeTags());
        const auto b = bytesOf(file);
        ASSERT_GT(b.size(), 44u);
        EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "RIFF");
        EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 16), "WAVEfmt ");
        EXPECT_EQ(b[16] | b[17] << 8, 16) << "a 16-byte PCMWAVEFORMAT, no extension";
        EXPECT_EQ(b[20] | b[21] << 8, 0x0001) << bits << "-bit stereo must be WAVE_FORMAT_PCM";
        EXPECT_EQ(b[22] | b[23] << 8, 2);
        EXPECT_EQ(b[34] | b[35] << 8, bits);
        EXPECT_EQ(io::decode(file).samples, quantised(bits).samples) << "the audio is unchanged";
    }
}

TEST(WavStore, EveryMetadataChunkComesBeforeData) {
    const auto dir = test::scratchDir();
    const auto file = dir / "t.wav";
    // Written in several blocks, as the render streams it: the chunks are fixed before the first.
    const auto a = quantised(24);
    io::WavWriter w(file, 2, 48000, io::WavSampleFormat::Pcm24, storeTags(), a.frames());
    for (std::size_t at = 0; at < a.frames(); at += 1000) {
        BlockView v{};
        v.channels = 2;
        v.frames = std::min<std::size_t>(1000, a.frames() - at);
        for (int c = 0; c < 2; ++c)
            v.data[static_cast<std::size_t>(c)] = const_cast<float*>(a.samples[static_cast<std::size_t>(c)].data()) + at;
        w.write(v);
    }
    w.commit();
    const auto layout = io::readWavLayout(file);
    std::vector<std::string> ids;
    for (const auto& c : layout.chunks) ids.push_back(c.id);
    ASSERT_TRUE(layout.dataIndex()) << ::testing::PrintToString(ids);
    EXPECT_TRUE(layout.chunksAfterData().empty()) << ::testing::PrintToString(ids);
    EXPECT_EQ(ids.back(), "data");
    for (const char* id : {"fmt ", "LIST", "bext", "id3 "}) EXPECT_TRUE(layout.has(id)) << id << " in " << ::testing::PrintToString(ids);
    // The data chunk runs to the end of the file: nothing after the audio.
    const auto& data = layout.chunks[*layout.dataIndex()];
    EXPECT_EQ(data.offset + 8 + data.size + (data.size & 1), fs::file_size(file));
}

TEST(WavStore, FloatIsIeeeFloatAndOnlyMoreThanTwoChannelsAreExtensible) {
    const auto dir = test::scratchDir();
    io::writeWav(dir / "f.wav", quantised(32), io::WavSampleFormat::Float32, storeTags());
    io::writeWav(dir / "m.wav", quantised(24, 1), io::WavSampleFormat::Pcm24, storeTags());
    io::writeWav(dir / "s.wav", quantised(24, 6), io::WavSampleFormat::Pcm24, storeTags());
    EXPECT_EQ(io::readWavLayout(dir / "f.wav").formatTag, io::kWaveFormatIeeeFloat);
    EXPECT_EQ(io::readWavLayout(dir / "m.wav").formatTag, io::kWaveFormatPcm);
    EXPECT_EQ(io::readWavLayout(dir / "s.wav").formatTag, io::kWaveFormatExtensible);
    EXPECT_EQ(io::requiredWavFormatTag(2, 24, false), io::kWaveFormatPcm);
    EXPECT_EQ(io::requiredWavFormatTag(6, 24, false), io::kWaveFormatExtensible);
    for (const char* f : {"f.wav", "m.wav", "s.wav"}) EXPECT_TRUE(io::readWavLayout(dir / f).chunksAfterData().empty()) << f;
}

TEST(WavStore, BextCarriesDescriptionOriginatorDateAndTimeReference) {
    const auto dir = test::scratchDir();
    io::writeWav(dir / "t.wav", quantised(24), io::WavSampleFormat::Pcm24, storeTags());
    const auto b = io::readBroadcastFields(dir / "t.wav");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->description, "The Demo Band - Cafe Noir");  // EBU Tech 3285 text is ASCII
    EXPECT_EQ(b->originator, "lacquer");
    EXPECT_EQ(b->originationDate, "2026-03-14");
    EXPECT_EQ(b->originationTime, "09:26:53");
    EXPECT_EQ(b->timeReference, 5'000'000'123ULL);
    // Without an originator there is no bext chunk.
    io::Tags plain = storeTags();
    plain.broadcast = {};
    io::writeWav(dir / "p.wav", quantised(24), io::WavSampleFormat::Pcm24, plain);
    EXPECT_FALSE(io::readBroadcastFields(dir / "p.wav"));
    EXPECT_FALSE(io::readWavLayout(dir / "p.wav").has("bext"));
}

TEST(WavStore, FfprobeReadsPcmFormatCodeBextAndId3Tags) {
    const auto dir = test::scratchDir();
    const auto file = dir / "t.wav";
    io::writeWav(file, quantised(24), io::WavSampleFormat::Pcm24, storeTags());
    std::string out;
    ASSERT_EQ(runCommand("ffprobe -v error -print_format json -show_streams -show_format '" + file.string() + "'", &out), 0) << out;
    const json j = json::parse(out);
    const auto& s = j["streams"][0];
    EXPECT_EQ(s["codec_name"], "pcm_s24le");
    EXPECT_EQ(s["codec_tag"], "0x0001") << "ffprobe reads the format code";
    const auto& tags = j["format"]["tags"];
    // ffmpeg's wav demuxer reads bext (description → comment, originator → encoded_by, date,
    // time_reference) and INFO; it parses the id3 chunk too but keeps it only when a file has
    // neither ("Discarding ID3 tags because more suitable tags were found"), so exiftool and
    // mediainfo below read the id3 fields.
    EXPECT_EQ(tags.value("comment", ""), "The Demo Band - Cafe Noir") << tags.dump();
    EXPECT_EQ(tags.value("encoded_by", ""), "lacquer") << tags.dump();
    EXPECT_EQ(tags.value("date", ""), "2026-03-14") << tags.dump();
    EXPECT_EQ(tags.value("time_reference", ""), "5000000123") << tags.dump();
    EXPECT_EQ(tags.value("copyright", ""), "2026 Demo Records") << tags.dump();
}

TEST(WavStore, ExiftoolReadsBextAndId3Fields) {
    std::string out;
    if (runCommand("command -v exiftool", &out) != 0) GTEST_SKIP() << "exiftool not installed (tools/setup installs it)";
    const auto dir = test::scratchDir();
    const auto file = dir / "t.wav";
    io::writeWav(file, quantised(24), io::WavSampleFormat::Pcm24, storeTags());
    ASSERT_EQ(runCommand("exiftool -j -G1 '" + file.string() + "'", &out), 0) << out;
    const json j = json::parse(out)[0];
    EXPECT_EQ(j.value("RIFF:Encoding", ""), "Microsoft PCM") << j.dump(1);
    EXPECT_EQ(j.value("RIFF:Originator", ""), "lacquer") << j.dump(1);
    EXPECT_EQ(j.value("ID3v2_4:ISRC", ""), "ZZDEM2600001") << j.dump(1);
    EXPECT_EQ(j.value("ID3v2_4:Publisher", ""), "Demo Records") << j.dump(1);
    EXPECT_EQ(j.value("ID3v2_4:Copyright", ""), "2026 Demo Records") << j.dump(1);
    EXPECT_EQ(j.value("ID3v2_4:ProducedNotice", ""), "2026 The Demo Band") << j.dump(1);
}

TEST(WavStore, MediainfoReadsPcmWaveformatIsrcLabelAndBothCopyrightLines) {
    std::string out;
    if (runCommand("command -v mediainfo", &out) != 0) GTEST_SKIP() << "mediainfo not installed (tools/setup installs it)";
    const auto dir = test::scratchDir();
    const auto file = dir / "t.wav";
    io::writeWav(file, quantised(24), io::WavSampleFormat::Pcm24, storeTags());
    ASSERT_EQ(runCommand("mediainfo --Output=JSON '" + file.string() + "'", &out), 0) << out;
    const json tracks = json::parse(out)["media"]["track"];
    const json& g = tracks[0];
    const json& a = tracks[1];
    EXPECT_EQ(g.value("Format_Settings", ""), "PcmWaveformat") << g.dump(1);  // not WaveFormatExtensible
    EXPECT_EQ(a.value("CodecID", ""), "1") << a.dump(1);
    EXPECT_EQ(g.value("ISRC", ""), "ZZDEM2600001") << g.dump(1);
    EXPECT_EQ(g.value("Publisher", ""), "Demo Records") << g.dump(1);
    EXPECT_EQ(g.value("Copyright", ""), "2026 Demo Records") << g.dump(1);
    EXPECT_EQ(g.value("Producer_Copyright", ""), "2026 The Demo Band") << g.dump(1);
    EXPECT_EQ(g.value("Description", ""), "The Demo Band - Cafe Noir") << "bext text is ASCII (EBU Tech 3285)";
    EXPECT_EQ(g["extra"].value("bext_Present", ""), "Yes") << g.dump(1);
}

TEST(WavStore, BextTextIsFoldedToAscii) {
    EXPECT_EQ(io::bextText("Café Noir — Élan"), "Cafe Noir - Elan");
    EXPECT_EQ(io::bextText("Straße 東京"), "Strasse ??");
    EXPECT_EQ(io::bextText("plain"), "plain");
}

}  // namespace
}  // namespace lacquer
