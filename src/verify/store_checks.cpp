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

}  // namespace lacquer::verify
