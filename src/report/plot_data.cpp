// SPDX-License-Identifier: GPL-3.0-or-later
// The optional report.json fields report.html draws, built from what the render measured
// (docs/report.md). The measuring itself is loudness/analysis: here only the JSON and its rounding.
#include <algorithm>
#include <cmath>

#include "lacquer/report/html.hpp"

namespace lacquer::report {
using nlohmann::json;

namespace {
double round2(double v) { return std::round(v * 100.0) / 100.0; }
}  // namespace

json albumMetaJson(const AlbumMeta& a) {
    return {{"title", a.title}, {"artist", a.artist}, {"date", a.date}, {"genre", a.genre}, {"catalog", a.catalog}};
}

json shortTermLoudnessJson(const AudioBuffer& audio, double periodS) {
    loudness::MeterOptions options;
    options.history = loudness::History::Every100Ms;
    options.truePeak = loudness::TruePeak::Off;
    loudness::Meter meter(audio.channels(), audio.sampleRateHz, options);
    meter.add(const_cast<AudioBuffer&>(audio).view());  // add() only reads
    return shortTermLoudnessJson(meter.result(), periodS);
}

json shortTermLoudnessJson(const loudness::Measurement& m, double periodS) {
    const loudness::ShortTermSeries s = loudness::shortTermSeries(m, periodS);
    json values = json::array();
    for (const auto& v : s.lufs) values.push_back(v ? json(round2(*v)) : json(nullptr));
    return {{"period_s", s.periodS}, {"values", values}};
}

json maxPerPeriodJson(const std::vector<float>& perFrame, double rateHz, double periodS) {
    const auto per = static_cast<std::size_t>(std::max(1L, std::lround(periodS * rateHz)));
    json values = json::array();
    for (std::size_t i = 0; i < perFrame.size(); i += per) {
        float m = perFrame[i];
        for (std::size_t k = i; k < std::min(perFrame.size(), i + per); ++k) m = std::max(m, perFrame[k]);
        values.push_back(std::isfinite(m) ? json(round2(m)) : json(nullptr));
    }
    // The bucket is a whole number of frames: report its true length, so times stay exact.
    return {{"period_s", static_cast<double>(per) / rateHz}, {"values", values}};
}

json spectrumBandsJson(const loudness::SpectrumAverager& averager) {
    json out = json::array();
    for (const auto& db : averager.bandsDb()) out.push_back(db ? json(round2(*db)) : json(nullptr));
    return out;
}

json spectrumJson(const loudness::SpectrumAverager& before, const loudness::SpectrumAverager& after) {
    json f = json::array();
    for (double v : loudness::SpectrumAverager::bandCentresHz()) f.push_back(round2(v));
    return {{"freqs_hz", f}, {"before", spectrumBandsJson(before)}, {"after", spectrumBandsJson(after)}};
}

}  // namespace lacquer::report
