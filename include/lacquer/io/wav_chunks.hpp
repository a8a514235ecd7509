// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The RIFF/WAVE chunk layout of a file, read from its bytes (not through libsndfile), so tests
// and `lacquer verify` can hold the store rules a WAV must meet: format code 0x0001
// (WAVE_FORMAT_PCM) for integer PCM up to 24 bits and 2 channels, and nothing after `data`.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lacquer::io {

// WAVE format tags (Microsoft mmreg.h; RFC 2361).
constexpr std::uint16_t kWaveFormatPcm = 0x0001;
constexpr std::uint16_t kWaveFormatIeeeFloat = 0x0003;
constexpr std::uint16_t kWaveFormatExtensible = 0xFFFE;

struct WavChunk {
    std::string id;             // four characters, e.g. "fmt ", "LIST", "bext", "id3 ", "data"
    std::uint64_t offset = 0;   // of the chunk header in the file
    std::uint64_t size = 0;     // the size field (RF64's data: the ds64 size)
};

struct WavLayout {
    std::string riff;                    // "RIFF" or "RF64"
    std::uint16_t formatTag = 0;         // fmt's wFormatTag
    std::uint16_t channels = 0;
    std::uint32_t sampleRateHz = 0;
    std::uint16_t bitsPerSample = 0;
    std::vector<WavChunk> chunks;        // in file order
    // Index of `data` in `chunks`; nullopt when absent.
    std::optional<std::size_t> dataIndex() const;
    // The ids of chunks after `data` (empty: every metadata chunk comes first, as stores ask).
    std::vector<std::string> chunksAfterData() const;
    bool has(const std::string& id) const;
};

// Reads the chunk list. Throws Error(Io) naming the file when it is not RIFF/RF64 WAVE or a chunk
// header runs past the end.
WavLayout readWavLayout(const std::filesystem::path& file);

// The format tag the store rules ask for: PCM (0x0001) for integer PCM of at most 24 bits and at
// most 2 channels; IEEE float (0x0003) for 32-bit float up to 2 channels; EXTENSIBLE (0xFFFE)
// only above 2 channels (Microsoft requires it there, for the channel mask).
std::uint16_t requiredWavFormatTag(int channels, int bitsPerSample, bool floatingPoint);

// Broadcast Wave `bext` fields (EBU Tech 3285) as libsndfile reads them back; nullopt when the
// file has no bext chunk.
struct BroadcastFields {
    std::string description, originator, originatorReference, originationDate, originationTime, codingHistory;
    std::uint64_t timeReference = 0;
};
std::optional<BroadcastFields> readBroadcastFields(const std::filesystem::path& file);

// bext text fields are ASCII (EBU Tech 3285 §2.3): UTF-8 folded to ASCII, Latin-1 letters to
// their base letters (é → e, ß → ss, Æ → AE), dashes and curly quotes to - ' ", every other
// non-ASCII character to '?'. The WavWriter applies it to every bext field.
std::string bextText(const std::string& utf8);

}  // namespace lacquer::io
