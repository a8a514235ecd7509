// SPDX-License-Identifier: GPL-3.0-or-later
#include "report/html_plots.hpp"

#include <set>

#include "report/html_svg.hpp"

namespace lacquer::report::html {

namespace {

// A 1000 x 296 plot over frequency (log, decade ticks 20 Hz..40 kHz within f0..f1) and dB.
Plot frequencyPlot(const std::string& id, double f0, double f1, double lo, double hi, const std::string& yTitle) {
    Plot p(id, 1000, 296, 58, 18, 34);
    p.xLog(f0, f1);
    p.yLinear(lo, hi);
    std::vector<double> xt;
    for (double v : {20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 40000.0})
        if (v >= f0 && v <= f1) xt.push_back(v);
    p.axes(xt, [](double v) { return hz(v); }, niceTicks(lo, hi, 6), [](double v) { return fixed(v, 0); }, "frequency (Hz)",
           yTitle);
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The album's layout


// From the variant's "timeline" when present (audio extent, crossfades, gaps), else from its
// tracks (the files' extent: each file runs to the next file's start, gap included).
std::vector<Block> blocksOf(const json& variant, bool* fromTimeline) {
    std::vector<Block> blocks;
    const json& tl = at(variant, "timeline");
    const json& tracks = at(variant, "tracks");
    auto titleOf = [&](int number) {
        if (tracks.is_array())
            for (const auto& t : tracks)
                if (num(at(t, "number")) == number) return str(at(t, "title"));
        return std::string();
    };
    *fromTimeline = tl.is_array() && !tl.empty();
    for (const auto& e : *fromTimeline ? tl : tracks) {
        if (!e.is_object()) continue;
        const auto start = num(at(e, "start_s")), dur = num(at(e, "duration_s"));
        if (!start || !dur) continue;
        Block b;
        b.number = static_cast<int>(num(at(e, "number")).value_or(static_cast<double>(blocks.size() + 1)));
        b.title = at(e, "title").is_string() ? str(at(e, "title")) : titleOf(b.number);
        b.startS = *start;
        b.durationS = *dur;
        b.crossfadeInS = num(at(e, "crossfade_in_s")).value_or(0);
        b.gapAfterS = num(at(e, "gap_after_s"));
        b.side = str(at(e, "side"));
        for (const auto& i : at(e, "index_s").is_array() ? at(e, "index_s") : json::array())
            if (i.is_number()) b.indexS.push_back(i.get<double>());
        blocks.push_back(b);
    }
    return blocks;
}

double albumEndS(const std::vector<Block>& blocks) {
    double end = 0;
    for (const auto& b : blocks) end = std::max(end, b.startS + b.durationS);
    return end;
}

std::string timelinePlot(const std::string& id, const std::vector<Block>& blocks, bool fromTimeline) {
    const double end = albumEndS(blocks);
    if (blocks.empty() || end <= 0) return note("No track positions in report.json (<code>timeline</code> or <code>tracks[].start_s</code>).");
    bool sides = false;
    for (const auto& b : blocks) sides = sides || !b.side.empty();
    const double laneH = 34, top = sides ? 40 : 18;
    Plot p(id, 1000, top + 2 * laneH + 12 + 40, 18, 18, top, 40);
    p.xLinear(0, end);
    p.yLinear(0, 1);
    p.axes(timeTicks(end), [](double v) { return mmss(v); }, {}, [](double) { return std::string(); }, "album time (m:ss)", "");
    // Two lanes, alternating, so a crossfade shows as an overlap.
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto& b = blocks[i];
        const double x0 = p.x(b.startS), x1 = p.x(b.startS + b.durationS);
        const double y = top + 4 + static_cast<double>(i % 2) * (laneH + 4);
        const std::string c = colour(i);
        std::string g = "<g class=\"block\"><rect x=\"" + px(x0) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(1.0, x1 - x0)) +
                        "\" height=\"" + px(laneH) + "\" rx=\"4\" fill=\"" + c + "\" fill-opacity=\"0.85\"/>";
        if (b.crossfadeInS > 0) {
            const double xf = p.x(b.startS + b.crossfadeInS);
            g += "<path d=\"M" + px(x0) + " " + px(y + laneH) + "L" + px(xf) + " " + px(y) + "L" + px(x0) + " " + px(y) +
                 "Z\" fill=\"#fff\" fill-opacity=\"0.55\"/>";
        }
        // The label, cut to what fits in the block (about 6.4 px per character at 12 px).
        std::string label = std::to_string(b.number) + "  " + b.title;
        const auto fit = static_cast<std::size_t>(std::max(0.0, (x1 - x0 - 10) / 6.4));
        if (label.size() > fit) label = fit >= 4 ? label.substr(0, fit - 1) + "…" : (fit >= 1 ? std::to_string(b.number) : "");
        if (!label.empty())
            g += "<text class=\"block-label\" x=\"" + px(x0 + 6) + "\" y=\"" + px(y + laneH / 2 + 4) + "\">" + esc(label) + "</text>";
        g += "<title>" + esc(std::to_string(b.number) + ". " + b.title + " — starts " + mmss(b.startS) + ", " +
                             fixed(b.durationS, 1) + " s" +
                             (b.crossfadeInS > 0 ? ", crossfade in " + fixed(b.crossfadeInS, 1) + " s" : "") +
                             (b.gapAfterS && *b.gapAfterS > 0 ? ", gap after " + fixed(*b.gapAfterS, 1) + " s" : "")) +
             "</title></g>";
        for (double ix : b.indexS)
            g += "<line class=\"index-mark\" x1=\"" + px(p.x(ix)) + "\" x2=\"" + px(p.x(ix)) + "\" y1=\"" + px(y - 2) + "\" y2=\"" +
                 px(y + laneH + 2) + "\"/>";
        p.rawOver(g);
    }
    if (sides) {
        std::vector<std::string> order;
        for (const auto& b : blocks)
            if (!b.side.empty() && std::find(order.begin(), order.end(), b.side) == order.end()) order.push_back(b.side);
        for (const auto& s : order) {
            double a = 1e300, z = -1e300;
            for (const auto& b : blocks)
                if (b.side == s) a = std::min(a, b.startS), z = std::max(z, b.startS + b.durationS);
            p.rawOver("<rect class=\"side\" x=\"" + px(p.x(a)) + "\" y=\"12\" width=\"" + px(p.x(z) - p.x(a)) +
                      "\" height=\"18\" rx=\"3\"/><text class=\"side-label\" x=\"" + px(p.x(a) + 6) + "\" y=\"25\">Side " +
                      esc(s) + "</text>");
        }
    }
    std::string out = p.svg("Album timeline");
    if (!fromTimeline)
        out += note("Blocks show each file's extent from <code>tracks[].start_s</code>/<code>duration_s</code> (the gap after a "
                     "track belongs to its file); crossfades and gaps appear once report.json carries <code>timeline</code>.");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Per-variant plots

std::string loudnessPlot(const std::string& id, const json& variant, const std::vector<Block>& blocks) {
    const json& st = at(at(variant, "plots"), "short_term_lufs");
    const auto values = series(at(st, "values"));
    const auto period = num(at(st, "period_s"));
    if (values.empty() || !period || *period <= 0)
        return note("Short-term loudness over time appears here once report.json carries "
                    "<code>plots.short_term_lufs</code>.");
    const auto pts = decimate(values, *period, 1200);
    double lo = 1e9, hi = -1e9;
    for (const auto& [t, v] : pts)
        if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
    const auto target = num(at(at(variant, "targets"), "integrated_lufs"));
    if (target) lo = std::min(lo, *target), hi = std::max(hi, *target);
    if (lo > hi) lo = -40, hi = 0;
    lo = std::max(-60.0, std::floor((lo - 2) / 6) * 6);
    hi = std::ceil((hi + 2) / 6) * 6;
    const double end = std::max(albumEndS(blocks), static_cast<double>(values.size()) * *period);
    Plot p(id, 1000, 280);
    p.xLinear(0, end);
    p.yLinear(lo, hi);
    p.axes(timeTicks(end), [](double v) { return mmss(v); }, niceTicks(lo, hi, 6), [](double v) { return fixed(v, 0); },
           "album time (m:ss)", "short-term loudness (LUFS)");
    for (const auto& b : blocks) p.vmark(b.startS, std::to_string(b.number));
    const bool trackMode = str(at(at(variant, "targets"), "mode")) == "track";
    if (target && trackMode) {
        // Each track's own target: the variant's target plus the track's loudness offset.
        const json& tracks = at(variant, "tracks");
        for (const auto& b : blocks) {
            double offset = 0;
            if (tracks.is_array())
                for (const auto& t : tracks)
                    if (num(at(t, "number")) == b.number) offset = num(at(t, "loudness_offset_lu")).value_or(0);
            p.segment(b.startS, b.startS + b.durationS, *target + offset, "target");
        }
        p.hline(*target, "target-faint", "track target " + fixed(*target, 1) + " LUFS");
    } else if (target) {
        p.hline(*target, "target", "target " + fixed(*target, 1) + " LUFS");
    }
    p.line(pts, "#3b6ea8", 1.6);
    return p.svg("Short-term loudness over time");
}

std::string gainReductionPlot(const std::string& id, const json& variant) {
    const json& plots = at(variant, "plots");
    const json& lim = at(plots, "limiter_gain_reduction_db");
    const json& mb = at(plots, "multiband_gain_reduction_db");
    const auto limValues = series(at(lim, "values"));
    const auto limPeriod = num(at(lim, "period_s"));
    const json& bands = at(mb, "bands");
    const auto mbPeriod = num(at(mb, "period_s"));
    const bool haveLim = !limValues.empty() && limPeriod && *limPeriod > 0;
    const bool haveMb = bands.is_array() && !bands.empty() && mbPeriod && *mbPeriod > 0;
    if (!haveLim && !haveMb)
        return note("Gain reduction over time appears here once report.json carries "
                    "<code>plots.limiter_gain_reduction_db</code> (and <code>plots.multiband_gain_reduction_db</code>).");
    double maxGr = 1, end = 1;
    std::vector<std::pair<double, std::optional<double>>> limPts;
    if (haveLim) {
        limPts = decimate(limValues, *limPeriod, 1200);
        end = std::max(end, static_cast<double>(limValues.size()) * *limPeriod);
        for (const auto& [t, v] : limPts)
            if (v) maxGr = std::max(maxGr, *v);
    }
    std::vector<std::vector<std::pair<double, std::optional<double>>>> bandPts;
    std::vector<std::pair<std::string, std::string>> legend;
    if (haveMb)
        for (const auto& b : bands) {
            const auto v = series(at(b, "values"));
            bandPts.push_back(decimate(v, *mbPeriod, 1200));
            end = std::max(end, static_cast<double>(v.size()) * *mbPeriod);
            for (const auto& [t, g] : bandPts.back())
                if (g) maxGr = std::max(maxGr, *g);
        }
    maxGr = std::ceil(maxGr);
    Plot p(id, 1000, 236, 58, 18, 34);
    p.xLinear(0, end);
    p.yLinear(-maxGr, 0.2 * maxGr / 4);
    p.axes(timeTicks(end), [](double v) { return mmss(v); }, niceTicks(-maxGr, 0, 4), [](double v) { return fixed(v, 1); },
           "album time (m:ss)", "gain (dB)");
    if (haveLim) {
        std::vector<std::pair<double, double>> area;
        for (const auto& [t, v] : limPts) area.emplace_back(t, -v.value_or(0));
        p.area(area, 0, "#d1495b");
        legend.emplace_back("#d1495b", "limiter");
    }
    for (std::size_t i = 0; i < bandPts.size(); ++i) {
        std::vector<std::pair<double, std::optional<double>>> neg;
        for (const auto& [t, v] : bandPts[i]) neg.emplace_back(t, v ? std::optional<double>(-*v) : std::nullopt);
        const std::string c = colour(i + 2);
        p.line(neg, c, 1.2);
        const std::string name = str(at(bands[i], "label")).empty() ? "band " + std::to_string(i + 1) : str(at(bands[i], "label"));
        legend.emplace_back(c, name);
    }
    p.legend(legend);
    return p.svg("Gain reduction over time");
}

std::string spectrumPlot(const std::string& id, const json& variant) {
    const json& sp = at(at(variant, "plots"), "spectrum_db");
    const auto f = numbers(at(sp, "freqs_hz"));
    const auto before = series(at(sp, "before"));  // null: a band without data (e.g. over Nyquist)
    const auto after = series(at(sp, "after"));
    if (f.size() < 2 || (before.size() != f.size() && after.size() != f.size()))
        return note("The average spectrum before and after mastering appears here once report.json carries "
                    "<code>plots.spectrum_db</code>.");
    double lo = 1e9, hi = -1e9;
    for (const auto* s : {&before, &after})
        if (s->size() == f.size())
            for (const auto& v : *s)
                if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
    if (lo > hi) return note("The spectrum in report.json holds no values.");
    hi = std::ceil((hi + 3) / 10) * 10;
    lo = std::max(hi - 90, std::floor((lo - 3) / 10) * 10);
    const double f0 = std::max(10.0, f.front()), f1 = std::max(f0 * 2, f.back());
    Plot p = frequencyPlot(id, f0, f1, lo, hi, "level (dB)");
    std::vector<std::pair<std::string, std::string>> legend;
    auto draw = [&](const std::vector<std::optional<double>>& s, const std::string& c, const std::string& label, double w) {
        if (s.size() != f.size()) return;
        std::vector<std::pair<double, std::optional<double>>> pts;
        for (std::size_t i = 0; i < f.size(); ++i)
            if (f[i] >= f0) pts.emplace_back(f[i], s[i]);
        p.line(pts, c, w);
        legend.emplace_back(c, label);
    };
    draw(before, "#8a8a8a", "before (mixes)", 1.4);
    draw(after, "#3b6ea8", "after (this variant)", 1.8);
    p.legend(legend);
    return p.svg("Average spectrum before and after");
}

// Per track: a bar from integrated loudness up to true peak, against the target and the ceiling.
std::string levelsPlot(const std::string& id, const json& variant) {
    const json& tracks = at(variant, "tracks");
    if (!tracks.is_array() || tracks.empty()) return note("No tracks in report.json.");
    const auto target = num(at(at(variant, "targets"), "integrated_lufs"));
    const auto ceiling = num(at(at(variant, "targets"), "true_peak_dbtp"));
    const bool trackMode = str(at(at(variant, "targets"), "mode")) == "track";
    double lo = 0, hi = -1e9;
    for (const auto& t : tracks) {
        for (const char* k : {"integrated_lufs", "true_peak_dbtp"})
            if (auto v = num(at(t, k))) lo = std::min(lo, *v), hi = std::max(hi, *v);
    }
    if (target) lo = std::min(lo, *target), hi = std::max(hi, *target);
    if (ceiling) hi = std::max(hi, *ceiling);
    lo = std::max(-70.0, std::floor((lo - 2) / 6) * 6);
    hi = std::max(0.0, std::ceil((hi + 1) / 3) * 3);
    const double n = static_cast<double>(tracks.size());
    Plot p(id, 1000, 316, 58, 18, 34);
    p.xLinear(0, n);
    p.yLinear(lo, hi);
    std::vector<double> xt;
    for (std::size_t i = 0; i < tracks.size(); ++i) xt.push_back(static_cast<double>(i) + 0.5);
    p.axes(xt, [&](double v) { return esc(str(at(tracks[static_cast<std::size_t>(v)], "number"))); }, niceTicks(lo, hi, 6),
           [](double v) { return fixed(v, 0); }, "track", "LUFS / dBTP");
    if (ceiling) p.hline(*ceiling, "ceiling", "ceiling " + fixed(*ceiling, 1) + " dBTP");
    if (target && !trackMode) p.hline(*target, "target", "album target " + fixed(*target, 1) + " LUFS");
    if (auto albumLufs = num(at(at(variant, "album"), "integrated_lufs")); albumLufs && !trackMode)
        p.hline(*albumLufs, "album-level", "album " + fixed(*albumLufs, 2) + " LUFS", Plot::LabelAt::Left);
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto& t = tracks[i];
        const double cx = p.x(static_cast<double>(i) + 0.5);
        const auto lufs = num(at(t, "integrated_lufs"));
        const auto tp = num(at(t, "true_peak_dbtp"));
        std::string g = "<g class=\"track-level\">";
        if (lufs && tp)
            g += "<rect x=\"" + px(cx - 9) + "\" y=\"" + px(p.y(*tp)) + "\" width=\"18\" height=\"" + px(std::max(0.0, p.y(*lufs) - p.y(*tp))) +
                 "\" rx=\"3\" class=\"plr\"/>";
        if (target && trackMode) {
            const double want = *target + num(at(t, "loudness_offset_lu")).value_or(0);
            g += "<line class=\"target\" x1=\"" + px(cx - 22) + "\" x2=\"" + px(cx + 22) + "\" y1=\"" + px(p.y(want)) + "\" y2=\"" +
                 px(p.y(want)) + "\"/>";
        }
        const bool over = tp && ceiling && *tp > *ceiling;
        if (tp)
            g += "<path d=\"M" + px(cx) + " " + px(p.y(*tp) - 6) + "L" + px(cx + 6) + " " + px(p.y(*tp) + 4) + "L" + px(cx - 6) + " " +
                 px(p.y(*tp) + 4) + "Z\" class=\"" + (over ? "tp over" : "tp") + "\"/>" + "<text class=\"value\" x=\"" + px(cx + 12) +
                 "\" y=\"" + px(p.y(*tp) + 4) + "\">" + fixed(*tp, 1) + "</text>";
        if (lufs)
            g += "<circle cx=\"" + px(cx) + "\" cy=\"" + px(p.y(*lufs)) + "\" r=\"5.5\" class=\"lufs\"/>" + "<text class=\"value\" x=\"" +
                 px(cx + 12) + "\" y=\"" + px(p.y(*lufs) + 4) + "\">" + fixed(*lufs, 1) + "</text>";
        g += "<title>" + esc(str(at(t, "number")) + ". " + str(at(t, "title"))) + ": " + fmt(at(t, "integrated_lufs"), 2, "LUFS") +
             ", true peak " + fmt(at(t, "true_peak_dbtp"), 2, "dBTP") + "</title></g>";
        p.raw(g);
    }
    p.legend({{"#3b6ea8", "integrated loudness (LUFS)"}, {"#e09f3e", "true peak (dBTP)"}, {"#2e933c", trackMode ? "track target" : "target"},
              {"#d1495b", "ceiling"}});
    return p.svg("Integrated loudness and true peak per track");
}

std::string eqPlot(const json& chains) {
    const json& album = at(chains, "album");
    const json& curve = at(album, "eq_curve");
    std::vector<std::pair<std::string, const json*>> curves;
    if (curve.is_object()) curves.emplace_back("album", &curve);
    const json& tracks = at(chains, "tracks");
    // Only tracks whose curve differs from the album's (render lists every track's resolved curve).
    if (tracks.is_array())
        for (const auto& t : tracks)
            if (at(t, "eq_curve").is_object() && at(t, "eq_curve") != curve)
                curves.emplace_back("track " + str(at(t, "number")), &at(t, "eq_curve"));
    double lo = -6, hi = 6, f0 = 20, f1 = 20000;
    std::vector<std::pair<std::vector<double>, std::vector<double>>> data;
    for (const auto& [name, c] : curves) {
        auto f = numbers(at(*c, "freqs_hz"));
        auto db = numbers(at(*c, "db"));
        if (f.size() < 2 || f.size() != db.size()) f.clear();
        for (double v : db) lo = std::min(lo, v), hi = std::max(hi, v);
        if (!f.empty()) f0 = std::max(10.0, std::min(f0, f.front())), f1 = std::max(f1, f.back());
        data.emplace_back(std::move(f), std::move(db));
    }
    if (data.empty() || std::all_of(data.begin(), data.end(), [](const auto& d) { return d.first.empty(); }))
        return note("The designed EQ curve appears here once report.json carries <code>chains.album.eq_curve</code>.");
    // A high-pass reaches far down; the plot keeps the top 12 dB, where mastering moves happen
    // (a shelf of 1 dB must stay visible), and lets the high-pass run off the bottom.
    lo = std::max(lo, -12.0);
    lo = std::floor((lo - 1) / 3) * 3;
    hi = std::ceil((hi + 1) / 3) * 3;
    Plot p = frequencyPlot("eq-curve", f0, f1, lo, hi, "gain (dB)");
    p.hline(0, "zero", "");
    std::vector<std::pair<std::string, std::string>> legend;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i].first.empty()) continue;
        std::vector<std::pair<double, std::optional<double>>> pts;
        for (std::size_t k = 0; k < data[i].first.size(); ++k) pts.emplace_back(data[i].first[k], data[i].second[k]);
        const std::string c = i == 0 ? "#3b6ea8" : colour(i + 1);
        p.line(pts, c, i == 0 ? 2.2 : 1.4, i == 0 ? "" : " stroke-dasharray=\"5 3\"");
        legend.emplace_back(c, curves[i].first);
    }
    p.legend(legend);
    return p.svg("Designed EQ curve");
}

}  // namespace lacquer::report::html
