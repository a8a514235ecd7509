// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/cd.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "lacquer/common/text.hpp"
#include "lacquer/delivery/ddp.hpp"
#include "lacquer/manifest/codes.hpp"

namespace lacquer::delivery {

std::string msf(std::int64_t sectors) {
    assert(sectors >= 0);
    const std::int64_t m = sectors / (60 * kSectorsPerSecond);
    const std::int64_t s = (sectors / kSectorsPerSecond) % 60;
    const std::int64_t f = sectors % kSectorsPerSecond;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(m),
                  static_cast<long long>(s), static_cast<long long>(f));
    return buf;
}

std::optional<std::int64_t> parseMsf(std::string_view text) {
    std::int64_t parts[3] = {0, 0, 0};
    int part = 0;
    int digits = 0;
    for (char c : text) {
        if (c == ':') {
            if (digits == 0 || part == 2) return std::nullopt;
            ++part;
            digits = 0;
        } else if (c >= '0' && c <= '9') {
            parts[part] = parts[part] * 10 + (c - '0');
            if (++digits > 6) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    if (part != 2 || digits == 0 || parts[1] >= 60 || parts[2] >= kSectorsPerSecond) return std::nullopt;
    return (parts[0] * 60 + parts[1]) * kSectorsPerSecond + parts[2];
}

// ---------------------------------------------------------------------------------------------
CdLayout cdLayout(const std::vector<std::size_t>& marks, const std::vector<std::size_t>& trackFrames,
                  std::size_t timelineFrames) {
    assert(marks.size() == trackFrames.size());
    assert(marks.empty() || marks[0] == 0);
    const std::int64_t offset = kLeadInSectors * kFramesPerSector;  // timeline frame 0 in the programme
    CdLayout layout;
    layout.timelineFrames = timelineFrames;
    const std::int64_t programmeFrames = offset + static_cast<std::int64_t>(timelineFrames);
    layout.leadOutSector = sectorAtOrAfter(programmeFrames);
    layout.padFrames = static_cast<std::size_t>(layout.leadOutSector * kFramesPerSector - programmeFrames);
    layout.tracks.resize(marks.size());
    for (std::size_t i = 0; i < marks.size(); ++i) {
        assert(i == 0 || marks[i] > marks[i - 1]);
        CdTrackLayout& t = layout.tracks[i];
        t.number = static_cast<int>(i) + 1;
        const std::int64_t first = offset + static_cast<std::int64_t>(marks[i]);
        t.index01 = sectorAtOrBefore(first);
        t.shiftFrames = first - t.index01 * kFramesPerSector;
        if (i == 0) {
            t.index00 = 0;  // the 2 s lead-in silence is track 1's pregap
        } else {
            const std::int64_t prevAudioEnd =
                offset + static_cast<std::int64_t>(marks[i - 1] + trackFrames[i - 1]);
            const std::int64_t pregap = sectorAtOrAfter(prevAudioEnd);
            if (prevAudioEnd < first && pregap < t.index01) t.index00 = pregap;
        }
    }
    for (std::size_t i = 0; i < layout.tracks.size(); ++i)
        layout.tracks[i].endSector =
            i + 1 < layout.tracks.size() ? layout.tracks[i + 1].index01 : layout.leadOutSector;
    return layout;
}

AudioBuffer cdProgramme(const AudioBuffer& timeline, const CdLayout& layout) {
    assert(timeline.frames() == layout.timelineFrames);
    AudioBuffer out(timeline.channels(), layout.programmeFrames(), timeline.sampleRateHz);
    const std::size_t offset = static_cast<std::size_t>(kLeadInSectors * kFramesPerSector);
    for (int c = 0; c < timeline.channels(); ++c) {
        const auto& src = timeline.samples[static_cast<std::size_t>(c)];
        std::copy(src.begin(), src.end(),
                  out.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(offset));
    }
    return out;
}

std::vector<AudioBuffer> splitCdProgramme(const AudioBuffer& programme, const CdLayout& layout) {
    std::vector<AudioBuffer> files;
    for (const auto& t : layout.tracks) {
        const std::size_t a = t.fileStartFrame();
        const std::size_t b = std::min(t.fileEndFrame(), programme.frames());
        AudioBuffer piece(programme.channels(), b > a ? b - a : 0, programme.sampleRateHz);
        for (int c = 0; c < programme.channels(); ++c) {
            const auto& src = programme.samples[static_cast<std::size_t>(c)];
            std::copy(src.begin() + static_cast<std::ptrdiff_t>(a),
                      src.begin() + static_cast<std::ptrdiff_t>(std::max(a, b)),
                      piece.samples[static_cast<std::size_t>(c)].begin());
        }
        files.push_back(std::move(piece));
    }
    return files;
}

// ---------------------------------------------------------------------------------------------
namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Returns -1 for a malformed sequence.
long decodeUtf8(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra = 0;
    long cp = 0;
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        cp = b0 & 0x07;
    } else {
        ++i;
        return -1;
    }
    if (i + static_cast<std::size_t>(extra) >= s.size()) {
        i = s.size();
        return -1;
    }
    for (int k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            i += static_cast<std::size_t>(k);
            return -1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += static_cast<std::size_t>(extra) + 1;
    static const long kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    return cp;
}

void appendUtf8(std::string& out, long cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

Latin1Text toLatin1(std::string_view utf8) {
    Latin1Text r;
    std::set<long> seen;
    auto noteReplaced = [&](long cp) {
        if (seen.insert(cp).second) {
            std::string s;
            appendUtf8(s, cp);
            r.replaced.push_back(s);
        }
    };
    std::size_t i = 0;
    while (i < utf8.size()) {
        const long cp = decodeUtf8(utf8, i);
        if (cp < 0) {
            r.invalidUtf8 = true;
            r.bytes += '?';
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            r.bytes += ' ';  // control characters have no place in a title
            noteReplaced(cp);
        } else if (cp <= 0xFF) {
            r.bytes += static_cast<char>(static_cast<unsigned char>(cp));
        } else {
            noteReplaced(cp);
            switch (cp) {
                case 0x2018:
                case 0x2019:
                case 0x201A:
                case 0x2032:
                    r.bytes += '\'';
                    break;
                case 0x201C:
                case 0x201D:
                case 0x201E:
                case 0x2033:
                    r.bytes += '"';
                    break;
                case 0x2010:
                case 0x2011:
                case 0x2012:
                case 0x2013:
                case 0x2014:
                case 0x2212:
                    r.bytes += '-';
                    break;
                case 0x2026:
                    r.bytes += "...";
                    break;
                default:
                    r.bytes += '?';
                    break;
            }
        }
    }
    return r;
}

std::string latin1ToUtf8(std::string_view latin1) {
    std::string out;
    for (char c : latin1) appendUtf8(out, static_cast<unsigned char>(c));
    return out;
}

// ---------------------------------------------------------------------------------------------
namespace {

std::string cueText(const std::string& utf8, CueEncoding enc) {
    std::string t = toLatin1(utf8).bytes;
    std::replace(t.begin(), t.end(), '"', '\'');  // CUE has no escape for a quote inside a quote
    // Nor for a line break or another control character: each would end or corrupt the line.
    for (char& c : t)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return enc == CueEncoding::Latin1 ? t : latin1ToUtf8(t);
}

void cdTextLines(std::string& s, const char* indent, const std::string& title, const std::string& performer,
                 const std::string& songwriter, CueEncoding enc) {
    if (!title.empty()) s += std::string(indent) + "TITLE \"" + cueText(title, enc) + "\"\r\n";
    if (!performer.empty()) s += std::string(indent) + "PERFORMER \"" + cueText(performer, enc) + "\"\r\n";
    if (!songwriter.empty()) s += std::string(indent) + "SONGWRITER \"" + cueText(songwriter, enc) + "\"\r\n";
}

std::string trackWhere(int number, const std::string& title) {
    std::string w = "track " + std::to_string(number);
    if (!title.empty()) w += " \"" + title + "\"";
    return w;
}

}  // namespace

std::string cueSheet(const CdLayout& layout, const CdDiscMeta& disc, const std::vector<CdTrackMeta>& tracks,
                     const CueOptions& options) {
    assert(tracks.size() == layout.tracks.size());
    std::string s;
    if (!options.comment.empty())
        s += "REM COMMENT \"" + cueText(options.comment, options.encoding) + "\"\r\n";
    if (!disc.catalog.empty()) {
        if (auto cat = manifest::normaliseCatalog(disc.catalog)) s += "CATALOG " + *cat + "\r\n";
    }
    cdTextLines(s, "", disc.title, disc.performer, disc.songwriter, options.encoding);
    s += "FILE \"" + cueText(options.wavFileName, options.encoding) + "\" WAVE\r\n";
    for (std::size_t i = 0; i < layout.tracks.size(); ++i) {
        const auto& t = layout.tracks[i];
        const auto& m = tracks[i];
        char num[8];
        std::snprintf(num, sizeof num, "%02d", t.number);
        s += std::string("  TRACK ") + num + " AUDIO\r\n";
        cdTextLines(s, "    ", m.title, m.performer, m.songwriter, options.encoding);
        if (!m.isrc.empty()) {
            if (auto isrc = manifest::normaliseIsrc(m.isrc)) s += "    ISRC " + *isrc + "\r\n";
        }
        if (t.index00) s += "    INDEX 00 " + msf(*t.index00) + "\r\n";
        s += "    INDEX 01 " + msf(t.index01) + "\r\n";
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
CdCheckResult checkRedBook(const CdLayout& layout, const CdDiscMeta& disc,
                           const std::vector<CdTrackMeta>& tracks) {
    assert(tracks.size() == layout.tracks.size());
    CdCheckResult r;
    const std::size_t n = layout.tracks.size();
    if (n == 0) {
        r.errors.push_back(
            {"album", "a CD needs at least 1 track and this one has none", "add tracks to the manifest"});
    } else if (n > static_cast<std::size_t>(kMaxTracks)) {
        r.errors.push_back({"album", "a CD holds at most 99 tracks and this one has " + std::to_string(n),
                            "split the album over two discs or join tracks"});
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = layout.tracks[i];
        if (t.lengthSectors() < kMinTrackSectors) {
            r.errors.push_back({trackWhere(t.number, tracks[i].title),
                                "the track lasts " + msf(t.lengthSectors()) +
                                    " on the disc and Red Book requires at least 4 s (00:04:00)",
                                "join it to a neighbouring track or lengthen it"});
        }
    }
    if (layout.leadOutSector > kMaxCapacitySectors) {
        r.errors.push_back({"album",
                            "the disc lasts " + msf(layout.leadOutSector) +
                                " (2 s lead-in included), more than the 79:57 that 80-minute media hold",
                            "shorten the gaps, drop a track or make two discs"});
    } else if (layout.leadOutSector > kNominalCapacitySectors) {
        r.warnings.push_back(
            {"album",
             "the disc lasts " + msf(layout.leadOutSector) +
                 ", more than the nominal 74:00: it needs 80-minute media, which some plants "
                 "and players handle less reliably",
             "shorten the album under 74:00 if the plant asks for it"});
    }
    if (!disc.catalog.empty()) {
        std::string why;
        if (!manifest::normaliseCatalog(disc.catalog, &why))
            r.errors.push_back({"album",
                                "catalog \"" + disc.catalog + "\" is not a valid EAN-13/UPC-A: " + why,
                                "give the 13-digit EAN (or 12-digit UPC) printed under the barcode"});
    }
    std::map<std::string, int> isrcOwner;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& m = tracks[i];
        if (m.isrc.empty()) continue;
        std::string why;
        auto isrc = manifest::normaliseIsrc(m.isrc, &why);
        const std::string where = trackWhere(layout.tracks[i].number, m.title);
        if (!isrc) {
            r.errors.push_back({where, "ISRC \"" + m.isrc + "\" is not valid: " + why,
                                "give the 12-character code CCOOOYYNNNNN from the label"});
            continue;
        }
        auto [it, inserted] = isrcOwner.emplace(*isrc, layout.tracks[i].number);
        if (!inserted)
            r.warnings.push_back(
                {where, "ISRC " + *isrc + " is also the ISRC of track " + std::to_string(it->second),
                 "each recording has its own ISRC; check the label's list"});
    }
    auto checkText = [&](const std::string& where, const char* field, const std::string& text) {
        if (text.empty()) return;
        const Latin1Text l = toLatin1(text);
        if (l.bytes.size() > kCdTextMaxChars) {
            r.errors.push_back({where,
                                std::string("CD-TEXT ") + field + " has " + std::to_string(l.bytes.size()) +
                                    " characters and CD-TEXT allows at most 80",
                                "shorten it"});
        }
        if (!l.replaced.empty() || l.invalidUtf8) {
            std::string list;
            for (const auto& c : l.replaced) list += (list.empty() ? "" : " ") + std::string("'") + c + "'";
            if (l.invalidUtf8) list += (list.empty() ? "" : " ") + std::string("(malformed UTF-8)");
            r.warnings.push_back({where,
                                  std::string("CD-TEXT ") + field + " is not Latin-1: " + list +
                                      " replaced, it reads \"" + latin1ToUtf8(l.bytes) + "\"",
                                  "use Latin-1 characters if the replacement reads badly"});
        }
    };
    checkText("album", "TITLE", disc.title);
    checkText("album", "PERFORMER", disc.performer);
    checkText("album", "SONGWRITER", disc.songwriter);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string where = trackWhere(layout.tracks[i].number, tracks[i].title);
        checkText(where, "TITLE", tracks[i].title);
        checkText(where, "PERFORMER", tracks[i].performer);
        checkText(where, "SONGWRITER", tracks[i].songwriter);
    }
    if (n > 0 && n <= static_cast<std::size_t>(kMaxTracks)) {
        const std::size_t packs = cdTextPacks(disc, tracks).size() / kCdTextPackBytes;
        if (packs > kCdTextMaxPacks)
            r.errors.push_back(
                {"album",
                 "the CD-TEXT needs " + std::to_string(packs) + " packs and one block holds at most 256",
                 "shorten titles, performers or songwriters"});
    }
    return r;
}

std::vector<Diagnostic> checkCdAudio(const AudioBuffer& programme) { return checkCdAudio(BufferSource(programme)); }

std::vector<Diagnostic> checkCdAudio(const AudioSource& programme) {
    std::vector<Diagnostic> d;
    if (programme.sampleRateHz() != kCdRateHz)
        d.push_back({"CD programme",
                     "sample rate is " + std::to_string(programme.sampleRateHz()) + " Hz, not 44100 Hz",
                     "resample to 44.1 kHz before quantising"});
    if (programme.channels() != kCdChannels)
        d.push_back({"CD programme", "it has " + std::to_string(programme.channels()) + " channels, not 2",
                     "render stereo for CD"});
    constexpr std::size_t kChunk = 65536;
    AudioBuffer block(programme.channels(), kChunk, programme.sampleRateHz());
    bool found = false;
    for (std::size_t start = 0; start < programme.frames() && !found; start += kChunk) {
        const std::size_t n = std::min(kChunk, programme.frames() - start);
        programme.read(start, block.view().slice(0, n));
        for (int c = 0; c < programme.channels() && !found; ++c) {
            const auto& ch = block.samples[static_cast<std::size_t>(c)];
            for (std::size_t i = 0; i < n && !found; ++i) {
                const double v = static_cast<double>(ch[i]) * 32768.0;
                if (v != std::nearbyint(v) || v < -32768.0 || v > 32767.0) {
                    d.push_back({"CD programme",
                                 "sample " + std::to_string(start + i) + " of channel " + std::to_string(c) +
                                     " is not a 16-bit value",
                                 "quantise to 16 bits (dither::quantise) before writing the CD files"});
                    found = true;
                }
            }
        }
    }
    return d;
}

// ---------------------------------------------------------------------------------------------
std::vector<PqRow> pqSheet(const CdLayout& layout, const std::vector<CdTrackMeta>& tracks) {
    assert(tracks.size() == layout.tracks.size());
    std::vector<PqRow> rows;
    rows.push_back({0, 0, 0, msf(0), "", "lead-in", std::nullopt});
    for (std::size_t i = 0; i < layout.tracks.size(); ++i) {
        const auto& t = layout.tracks[i];
        const std::string isrc =
            tracks[i].isrc.empty() ? "" : manifest::normaliseIsrc(tracks[i].isrc).value_or("");
        if (t.index00)
            rows.push_back({t.number, 0, *t.index00, msf(*t.index00), isrc, tracks[i].title, std::nullopt});
        rows.push_back({t.number, 1, t.index01, msf(t.index01), t.index00 ? "" : isrc, tracks[i].title,
                        t.lengthSectors()});
    }
    rows.push_back(
        {kLeadOutTrack, 1, layout.leadOutSector, msf(layout.leadOutSector), "", "lead-out", std::nullopt});
    return rows;
}

std::string pqSheetMarkdown(const std::vector<PqRow>& rows) {
    std::string s = "| track | index | start | length | ISRC | title |\n|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
        char tr[8];
        if (r.track == kLeadOutTrack)
            std::snprintf(tr, sizeof tr, "AA");
        else
            std::snprintf(tr, sizeof tr, "%02d", r.track);
        char idx[8];
        std::snprintf(idx, sizeof idx, "%02d", r.index);
        const std::string title = text::forMarkdown(r.title);  // one table cell of plain text
        s += std::string("| ") + tr + " | " + idx + " | " + r.msf + " | " +
             (r.lengthSectors ? msf(*r.lengthSectors) : "") + " | " + r.isrc + " | " + title + " |\n";
    }
    return s;
}

}  // namespace lacquer::delivery
