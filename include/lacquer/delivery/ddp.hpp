// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// DDP 2.00 fileset of an audio CD, the form pressing plants ask for.
//
// DCA's specification is proprietary; the layout here follows what DDP tools write and read
// (sources in docs/delivery.md). Every text/number record is fixed-width ASCII padded with spaces,
// with no line ends; numbers are zero-padded decimal.
//
//   DDPID       128 bytes: "DDP 2.00" @0, UPC/EAN (13) @8, master ID (48) @38, disc type "CD" @87.
//   DDPMS       one 128-byte packet per stream, in the order CD-TEXT, PQ, audio:
//                 "VVVM" @0, stream type @4 ("D0" main data, "S0" subcode), stream length @14
//                 (8 digits: sectors for D0, bytes for S0), start sector @22 ("00000000" for the
//                 D0), subcode kind @30 ("PQ DESCR" / "CDTEXT"), CD mode "DA" @38, storage mode
//                 '7' (complete 2352-byte sectors) @40, scrambled '0' @41, track-1 pregap sectors
//                 @46 ("0150"), track "00" @55 on the CD-TEXT packet, name width "017" @71,
//                 file name (17) @74.
//   PQDESCR     one 64-byte packet per index: "VVVS" @0, track @4 ("00" lead-in, "01"-"99",
//                 "AA" lead-out), index @6, A-time @8 ("  MMSSFF", hours blank), control/ADR "01"
//                 @16 (no pre-emphasis, copy not permitted, ADR mode 1), ISRC (12) @20 on a
//                 track's first packet, UPC/EAN (13) @32 on the lead-in packet. Order: lead-in
//                 (00 00 at 00:00:00), then per track INDEX 00 (if any) and INDEX 01, then the
//                 lead-out (AA 01) written twice, as every studied writer does.
//   CDTEXT.BIN  CD-TEXT lead-in packs, 18 bytes each (written when any text exists).
//   IMAGE.DAT   the programme (see cd.hpp) as raw 16-bit signed little-endian stereo, left then
//                 right, no header: sector n of the file is A-time n, it starts with track 1's
//                 150-sector pregap, and its length in sectors equals the lead-out's A-time.
//   CHECKSUM.MD5  md5sum format ("<32 hex> *<name>", LF) over the five files above, so
//                 `md5sum -c CHECKSUM.MD5` in the folder verifies the set.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/delivery/cd.hpp"

namespace lacquer::delivery {

inline constexpr std::size_t kDdpIdBytes = 128;
inline constexpr std::size_t kDdpMsPacketBytes = 128;
inline constexpr std::size_t kPqPacketBytes = 64;
inline constexpr std::size_t kCdTextPackBytes = 18;
inline constexpr std::size_t kCdTextMaxPacks = 256;  // one block; the sequence number is one byte

// CD-TEXT lead-in packs (block 0, ISO 8859-1, language English): TITLE (0x80), PERFORMER (0x81)
// and SONGWRITER (0x82) when the disc or any track has that text, then three size-information
// packs (0x8F). Each type's strings (disc, then every track, NUL-terminated; a track without the
// text has an empty string) run on through 12-byte payloads. Pack header: type, track number of
// the string holding the first payload byte, sequence number from 0, that byte's position in its
// string (capped at 15); then the payload and a CRC-16/CCITT (polynomial 0x1021, initial 0) of
// bytes 0-15, inverted, big-endian. Empty when no text exists.
std::string cdTextPacks(const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks);
// CRC of a pack as above (exposed for tests).
std::uint16_t cdTextCrc(const unsigned char* bytes16);

std::string ddpId(const CdDiscMeta& disc, const std::string& masterId);
std::string ddpMs(std::int64_t imageSectors, std::size_t pqBytes, std::size_t cdTextBytes);
std::string pqDescriptor(const CdLayout& layout, const CdDiscMeta& disc,
                         const std::vector<CdTrackMeta>& tracks);

struct DdpOptions {
    std::string masterId;  // free text, at most 48 Latin-1 characters (does not reach the disc)
    bool cdText = true;    // write CDTEXT.BIN when any text exists
};

struct DdpFileset {
    std::vector<std::string> files;  // names inside the folder, in checksum order, CHECKSUM.MD5 last
    std::string imageMd5;            // hex MD5 of IMAGE.DAT
};

// Writes DDPID, DDPMS, CDTEXT.BIN (optional), PQDESCR, IMAGE.DAT and CHECKSUM.MD5 into `folder`
// (created if needed), each through io::AtomicFile. `programme` is the quantised 44.1 kHz stereo
// programme of cdProgramme() (frames == layout.programmeFrames(), asserted); run checkRedBook and
// checkCdAudio first. Throws Error(ErrorKind::Io) naming the file when writing fails.
DdpFileset writeDdp(const std::filesystem::path& folder, const AudioBuffer& programme, const CdLayout& layout,
                    const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                    const DdpOptions& options = {});
// The same, reading the programme block by block from a source (frames == layout.programmeFrames()).
DdpFileset writeDdp(const std::filesystem::path& folder, const AudioSource& programme, const CdLayout& layout,
                    const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                    const DdpOptions& options = {});

// Every name writeDdp may write inside its folder (the output folder's rules check them before a
// render begins).
inline constexpr const char* kDdpFileNames[] = {"DDPID", "DDPMS", "CDTEXT.BIN", "PQDESCR", "IMAGE.DAT", "CHECKSUM.MD5"};

// Hex MD5 of a file's bytes (OpenSSL). Throws Error(ErrorKind::Io) when it cannot be read.
std::string md5File(const std::filesystem::path& path);

}  // namespace lacquer::delivery
