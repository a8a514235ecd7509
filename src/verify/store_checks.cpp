// SPDX-License-Identifier: GPL-3.0-or-later
#include "verify/store_checks.hpp"

#include <cstdio>

#include "lacquer/io/wav_chunks.hpp"

namespace lacquer::verify {

namespace {

std::string hex4(unsigned v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", v);
    return buf;
}

}  // namespace

std::vector<RuleResult> wavStoreRules(const std::filesystem::path& file) {
    const io::WavLayout w = io::readWavLayout(file);
    std::vector<RuleResult> out;
    // The fmt chunk's bits are the container's; float WAVs carry 32.
    const bool isFloat = w.formatTag == io::kWaveFormatIeeeFloat;
    // RF64 (past 4 GiB) is outside the stores' WAV rules; libsndfile writes its fmt as EXTENSIBLE.
    const unsigned want = w.riff == "RF64" ? w.formatTag : io::requiredWavFormatTag(w.channels, w.bitsPerSample, isFloat);
    out.push_back({w.formatTag == want, "WAV format code (stores refuse 0xFFFE where 0x0001 is possible)", hex4(want),
                   hex4(w.formatTag)});
    const auto after = w.chunksAfterData();
    std::string list;
    for (const auto& id : after) list += (list.empty() ? "'" : ", '") + id + "'";
    out.push_back({w.dataIndex() && after.empty(), "WAV chunks after 'data' (stores take only audio after its start)",
                   "none", w.dataIndex() ? (after.empty() ? "none" : list) : "no data chunk"});
    return out;
}

void addExpectedWavStoreTags(const AlbumPlan& plan, const TrackPlan& t, TagMap& m) {
    auto put = [&](const std::string& key, const std::string& v) {
        if (!v.empty()) m[key] = {v};
    };
    const std::string artist = t.artist.empty() ? plan.album.artist : t.artist;
    const auto total = static_cast<int>(plan.tracks.size());
    put("ID3:TITLE", t.title);
    put("ID3:ARTIST", artist);
    put("ID3:ALBUM", plan.album.title);
    put("ID3:ALBUMARTIST", plan.album.artist);
    put("ID3:DATE", plan.album.date);
    put("ID3:GENRE", plan.album.genre);
    put("ID3:COMPOSER", t.composer);
    put("ID3:ISRC", t.isrc);
    put("ID3:LABEL", plan.album.label);
    put("ID3:COPYRIGHT", plan.album.copyright);
    put("ID3:PRODUCEDNOTICE", plan.album.phonographicCopyright);
    put("ID3:BARCODE", plan.album.catalog);
    if (t.number > 0) put("ID3:TRACKNUMBER", std::to_string(t.number) + "/" + std::to_string(total));
    if (plan.album.discNumber > 0)
        put("ID3:DISCNUMBER", std::to_string(plan.album.discNumber) + "/" + std::to_string(plan.album.discTotal));
    // bext's description field holds 256 bytes (EBU Tech 3285); the render cuts there too.
    put("BEXT:DESCRIPTION", io::bextText(artist.empty() ? t.title : artist + " - " + t.title).substr(0, 256));
    put("BEXT:ORIGINATOR", "lacquer");
}

std::set<std::string> wavTagKeys() {
    return {"TITLE",       "ARTIST",           "ALBUM",     "DATE",        "GENRE",         "TRACKNUMBER",
            "COMMENT",     "COPYRIGHT",        "ID3:TITLE", "ID3:ARTIST",  "ID3:ALBUM",     "ID3:ALBUMARTIST",
            "ID3:DATE",    "ID3:GENRE",        "ID3:COMPOSER", "ID3:ISRC", "ID3:LABEL",     "ID3:COPYRIGHT",
            "ID3:PRODUCEDNOTICE", "ID3:BARCODE", "ID3:TRACKNUMBER", "ID3:DISCNUMBER", "BEXT:DESCRIPTION",
            "BEXT:ORIGINATOR"};
}

}  // namespace lacquer::verify
