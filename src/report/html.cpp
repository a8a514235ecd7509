// SPDX-License-Identifier: GPL-3.0-or-later
// report.html: inline CSS and inline SVG, no script, nothing fetched. Every plot is drawn from
// report.json alone; the fields each one reads are listed in docs/report.md.
#include "lacquer/report/html.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "lacquer/loudness/meter.hpp"

namespace lacquer::report {
using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Reading a report.json of any shape

const json& at(const json& j, const char* key) {
    static const json null;
    if (!j.is_object()) return null;
    auto it = j.find(key);
    return it == j.end() ? null : *it;
}

std::optional<double> num(const json& j) {
    if (j.is_number()) return j.get<double>();
    return std::nullopt;
}

std::string str(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<long long>());
    return {};
}

// Numbers of a {"values": [...]} series; null entries stay nullopt.
std::vector<std::optional<double>> series(const json& values) {
    std::vector<std::optional<double>> out;
    if (!values.is_array()) return out;
    out.reserve(values.size());
    for (const auto& v : values) out.push_back(num(v));
    return out;
}

std::vector<double> numbers(const json& values) {
    std::vector<double> out;
    if (!values.is_array()) return out;
    for (const auto& v : values) {
        if (!v.is_number()) return {};  // a curve with holes is not drawn
        out.push_back(v.get<double>());
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Text

std::string esc(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v + 0.0);
    std::string s = buf;
    if (s.find_first_not_of("-0.") == std::string::npos) s = decimals ? "0." + std::string(static_cast<std::size_t>(decimals), '0') : "0";
    return s;
}

std::string fmt(const json& v, int decimals, const std::string& unit = "") {
    const auto n = num(v);
    if (!n) return "—";
    return fixed(*n, decimals) + (unit.empty() ? "" : "&#8239;" + unit);
}

std::string mmss(double s) {
    const long total = std::lround(std::max(0.0, s));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
    return buf;
}

// "m:ss.t" (tenths), for track starts.
std::string mmssTenths(double s) {
    const long tenths = std::lround(std::max(0.0, s) * 10);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld.%ld", tenths / 600, (tenths / 10) % 60, tenths % 10);
    return buf;
}

std::string hz(double f) {
    if (f >= 1000) return fixed(f / 1000, f >= 10000 || std::fmod(f, 1000) == 0 ? 0 : 1) + "k";
    return fixed(f, 0);
}

// Safe for an id attribute: letters, digits and '-'.
std::string idFor(const std::string& s) {
    std::string out;
    for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '-';
    return out.empty() ? "x" : out;
}

std::string px(double v) { return fixed(v, 1); }

const char* const kPalette[] = {"#3b6ea8", "#d1495b", "#2e933c", "#e09f3e", "#7d5ba6",
                                "#00798c", "#8c564b", "#c2549d", "#5c7c8a", "#9c9c2e"};
std::string colour(std::size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

// ---------------------------------------------------------------------------------------------
// Plots: inline SVG with axes, grid and a clip rectangle

std::vector<double> niceTicks(double lo, double hi, int target) {
    std::vector<double> ticks;
    if (!(hi > lo)) return ticks;
    const double raw = (hi - lo) / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) {
            step = m * mag;
            break;
        }
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) ticks.push_back(std::abs(t) < 1e-12 ? 0 : t);
    return ticks;
}

// Time ticks on whole seconds: 10 s, 30 s, 1 min, 2 min, 5 min...
std::vector<double> timeTicks(double endS) {
    std::vector<double> ticks;
    double step = 10;
    for (double s : {5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0})
        if (endS / s <= 12) {
            step = s;
            break;
        }
    for (double t = 0; t <= endS + 1e-9; t += step) ticks.push_back(t);
    return ticks;
}

class Plot {
public:
    Plot(std::string id, double width, double height, double left = 58, double right = 18, double top = 18, double bottom = 40)
        : id_(std::move(id)), w_(width), h_(height), l_(left), r_(right), t_(top), b_(bottom) {}

    void xLinear(double lo, double hi) { x0_ = lo, x1_ = hi, xLog_ = false; }
    void xLog(double lo, double hi) { x0_ = lo, x1_ = hi, xLog_ = true; }
    void yLinear(double lo, double hi) { y0_ = lo, y1_ = hi; }

    double x(double v) const {
        const double f = xLog_ ? (std::log10(v) - std::log10(x0_)) / (std::log10(x1_) - std::log10(x0_)) : (v - x0_) / (x1_ - x0_);
        return l_ + f * (w_ - l_ - r_);
    }
    double y(double v) const { return t_ + (1.0 - (v - y0_) / (y1_ - y0_)) * (h_ - t_ - b_); }
    double left() const { return l_; }
    double right() const { return w_ - r_; }
    double top() const { return t_; }
    double bottom() const { return h_ - b_; }

    void axes(const std::vector<double>& xTicks, const std::function<std::string(double)>& xLabel,
              const std::vector<double>& yTicks, const std::function<std::string(double)>& yLabel, const std::string& xTitle,
              const std::string& yTitle) {
        std::string g = "<g class=\"axes\">";
        for (double v : yTicks) {
            g += "<line class=\"grid\" x1=\"" + px(l_) + "\" x2=\"" + px(right()) + "\" y1=\"" + px(y(v)) + "\" y2=\"" + px(y(v)) + "\"/>";
            g += "<text class=\"tick\" x=\"" + px(l_ - 6) + "\" y=\"" + px(y(v) + 4) + "\" text-anchor=\"end\">" + yLabel(v) + "</text>";
        }
        for (double v : xTicks) {
            g += "<line class=\"grid\" x1=\"" + px(x(v)) + "\" x2=\"" + px(x(v)) + "\" y1=\"" + px(t_) + "\" y2=\"" + px(bottom()) + "\"/>";
            g += "<text class=\"tick\" x=\"" + px(x(v)) + "\" y=\"" + px(bottom() + 15) + "\" text-anchor=\"middle\">" + xLabel(v) + "</text>";
        }
        g += "<rect class=\"frame\" x=\"" + px(l_) + "\" y=\"" + px(t_) + "\" width=\"" + px(right() - l_) + "\" height=\"" +
             px(bottom() - t_) + "\"/>";
        if (!xTitle.empty())
            g += "<text class=\"axis-title\" x=\"" + px((l_ + right()) / 2) + "\" y=\"" + px(h_ - 6) + "\" text-anchor=\"middle\">" +
                 esc(xTitle) + "</text>";
        if (!yTitle.empty())
            g += "<text class=\"axis-title\" transform=\"translate(14 " + px((t_ + bottom()) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
                 esc(yTitle) + "</text>";
        g += "</g>";
        under_ += g;
    }

    // A polyline through (x, y) points; nullopt breaks the line (undefined loudness).
    void line(const std::vector<std::pair<double, std::optional<double>>>& pts, const std::string& colour, double width,
              const std::string& extra = "") {
        std::string d;
        bool pen = false;
        for (const auto& [xv, yv] : pts) {
            if (!yv || !std::isfinite(*yv)) {
                pen = false;
                continue;
            }
            d += (pen ? "L" : "M") + px(x(xv)) + " " + px(y(std::clamp(*yv, y0_ - 1e3, y1_ + 1e3)));
            pen = true;
        }
        if (d.empty()) return;
        data_ += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" + fixed(width, 1) +
                 "\" stroke-linejoin=\"round\"" + extra + "/>";
    }

    // A filled area between y = base and the points.
    void area(const std::vector<std::pair<double, double>>& pts, double base, const std::string& colour) {
        if (pts.empty()) return;
        std::string d = "M" + px(x(pts.front().first)) + " " + px(y(base));
        for (const auto& [xv, yv] : pts) d += "L" + px(x(xv)) + " " + px(y(yv));
        d += "L" + px(x(pts.back().first)) + " " + px(y(base)) + "Z";
        data_ += "<path d=\"" + d + "\" fill=\"" + colour + "\" fill-opacity=\"0.35\" stroke=\"" + colour + "\" stroke-width=\"1\"/>";
    }

    enum class LabelAt { Right, Left, Below };
    void hline(double v, const std::string& cls, const std::string& label, LabelAt at = LabelAt::Right) {
        data_ += "<line class=\"" + cls + "\" x1=\"" + px(l_) + "\" x2=\"" + px(right()) + "\" y1=\"" + px(y(v)) + "\" y2=\"" +
                 px(y(v)) + "\"/>";
        if (label.empty()) return;
        const bool left = at == LabelAt::Left;
        const double ty = at == LabelAt::Below ? y(v) + 14 : y(v) - 5;
        over_ += "<text class=\"" + cls + "-label halo\" x=\"" + px(left ? l_ + 6 : right() - 6) + "\" y=\"" + px(ty) +
                 "\" text-anchor=\"" + (left ? "start" : "end") + "\">" + esc(label) + "</text>";
    }

    void segment(double xa, double xb, double v, const std::string& cls) {
        data_ += "<line class=\"" + cls + "\" x1=\"" + px(x(xa)) + "\" x2=\"" + px(x(xb)) + "\" y1=\"" + px(y(v)) + "\" y2=\"" +
                 px(y(v)) + "\"/>";
    }

    void vmark(double xv, const std::string& label) {
        under_ += "<line class=\"mark\" x1=\"" + px(x(xv)) + "\" x2=\"" + px(x(xv)) + "\" y1=\"" + px(t_) + "\" y2=\"" + px(bottom()) + "\"/>";
        if (!label.empty())
            under_ += "<text class=\"mark-label\" x=\"" + px(x(xv) + 3) + "\" y=\"" + px(t_ + 11) + "\">" + esc(label) + "</text>";
    }

    void raw(const std::string& svg) { data_ += svg; }
    void rawOver(const std::string& svg) { over_ += svg; }

    // A row of entries above the frame's top-left corner (plots with a legend get a taller top
    // margin), so it never hides data.
    void legend(const std::vector<std::pair<std::string, std::string>>& entries) {
        if (entries.empty()) return;
        double xPos = l_;
        std::string items;
        for (const auto& [c, label] : entries) {
            items += "<rect x=\"" + px(xPos) + "\" y=\"" + px(t_ - 15) + "\" width=\"14\" height=\"4\" rx=\"1\" fill=\"" + c + "\"/>";
            items += "<text x=\"" + px(xPos + 19) + "\" y=\"" + px(t_ - 9) + "\">" + esc(label) + "</text>";
            // About 6.6 px per character at 12 px, plus the swatch and a gap.
            xPos += 34 + 6.6 * static_cast<double>(label.size());
        }
        over_ += "<g class=\"legend\">" + items + "</g>";
    }

    std::string svg(const std::string& title) const {
        const std::string clip = id_ + "-clip";
        return "<svg id=\"" + id_ + "\" class=\"plot\" role=\"img\" viewBox=\"0 0 " + px(w_) + " " + px(h_) +
               "\" preserveAspectRatio=\"xMidYMid meet\"><title>" + esc(title) + "</title><defs><clipPath id=\"" + clip +
               "\"><rect x=\"" + px(l_) + "\" y=\"" + px(t_) + "\" width=\"" + px(right() - l_) + "\" height=\"" +
               px(bottom() - t_) + "\"/></clipPath></defs>" + under_ + "<g clip-path=\"url(#" + clip + ")\">" + data_ + "</g>" +
               over_ + "</svg>";
    }

private:
    std::string id_;
    double w_, h_, l_, r_, t_, b_;
    double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
    bool xLog_ = false;
    std::string under_, data_, over_;
};

std::string note(const std::string& text) { return "<p class=\"note\">" + text + "</p>"; }

std::string figure(const std::string& caption, const std::string& body) {
    return "<figure><figcaption>" + caption + "</figcaption>" + body + "</figure>";
}

// Reduces a long series to at most `buckets` points, keeping each bucket's largest value (the
// loudest moment, the deepest gain reduction), so nothing that matters disappears from the plot.
std::vector<std::pair<double, std::optional<double>>> decimate(const std::vector<std::optional<double>>& v, double periodS,
                                                                std::size_t buckets) {
    std::vector<std::pair<double, std::optional<double>>> out;
    if (v.empty()) return out;
    const std::size_t per = std::max<std::size_t>(1, (v.size() + buckets - 1) / buckets);
    for (std::size_t i = 0; i < v.size(); i += per) {
        std::optional<double> m;
        for (std::size_t k = i; k < std::min(v.size(), i + per); ++k)
            if (v[k] && std::isfinite(*v[k])) m = std::max(m.value_or(*v[k]), *v[k]);
        // Entry i is the window ending at (i + 1) * period (docs/report.md).
        out.emplace_back(static_cast<double>(i + 1) * periodS, m);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The album's layout

struct Block {
    int number = 0;
    std::string title;
    double startS = 0, durationS = 0;
    double crossfadeInS = 0;
    std::optional<double> gapAfterS;
    std::string side;
    std::vector<double> indexS;  // CD index marks (absolute seconds)
};

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
    Plot p(id, 1000, 296, 58, 18, 34);
    p.xLog(f0, f1);
    p.yLinear(lo, hi);
    std::vector<double> xt;
    for (double v : {20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 40000.0})
        if (v >= f0 && v <= f1) xt.push_back(v);
    p.axes(xt, [](double v) { return hz(v); }, niceTicks(lo, hi, 6), [](double v) { return fixed(v, 0); }, "frequency (Hz)",
           "level (dB)");
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
    Plot p("eq-curve", 1000, 296, 58, 18, 34);
    p.xLog(f0, f1);
    p.yLinear(lo, hi);
    std::vector<double> xt;
    for (double v : {20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 40000.0})
        if (v >= f0 && v <= f1) xt.push_back(v);
    p.axes(xt, [](double v) { return hz(v); }, niceTicks(lo, hi, 6), [](double v) { return fixed(v, 0); }, "frequency (Hz)",
           "gain (dB)");
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

// chain.compressor's static curve and chain.saturation's transfer curve (chains.*.compressor_curve,
// saturation_curve): the album's, and each track's that differs from it. Empty when neither is set.
std::string toolCurvePlots(const json& chains) {
    auto collect = [&](const char* key) {
        std::vector<std::pair<std::string, const json*>> curves;
        const json& album = at(at(chains, "album"), key);
        if (album.is_object()) curves.emplace_back("album", &album);
        if (at(chains, "tracks").is_array())
            for (const auto& t : at(chains, "tracks"))
                if (at(t, key).is_object() && at(t, key) != album) curves.emplace_back("track " + str(at(t, "number")), &at(t, key));
        return curves;
    };
    auto plot = [&](const char* key, const char* xKey, const char* yKey, const std::string& id, double lo, double hi,
                    const std::string& xName, const std::string& yName, const std::string& title) -> std::string {
        const auto curves = collect(key);
        if (curves.empty()) return "";
        Plot p(id, 1000, 296, 58, 18, 34);
        p.xLinear(lo, hi);
        p.yLinear(lo, hi);
        const int dec = hi - lo > 10 ? 0 : 1;
        p.axes(niceTicks(lo, hi, 7), [&](double v) { return fixed(v, dec); }, niceTicks(lo, hi, 6), [&](double v) { return fixed(v, dec); },
               xName, yName);
        p.line({{lo, lo}, {hi, hi}}, "#9aa5b1", 1.0, " stroke-dasharray=\"2 3\"");  // unity
        std::vector<std::pair<std::string, std::string>> legend;
        for (std::size_t i = 0; i < curves.size(); ++i) {
            const auto x = numbers(at(*curves[i].second, xKey)), y = numbers(at(*curves[i].second, yKey));
            if (x.size() < 2 || x.size() != y.size()) continue;
            std::vector<std::pair<double, std::optional<double>>> pts;
            for (std::size_t k = 0; k < x.size(); ++k) pts.emplace_back(x[k], std::clamp(y[k], lo, hi));
            const std::string c = i == 0 ? "#3b6ea8" : colour(i + 1);
            p.line(pts, c, i == 0 ? 2.2 : 1.4, i == 0 ? "" : " stroke-dasharray=\"5 3\"");
            legend.emplace_back(c, curves[i].first);
        }
        p.legend(legend);
        return figure(title, p.svg(title));
    };
    return plot("compressor_curve", "in_db", "out_db", "compressor-curve", -60, 0, "input level (dBFS)", "output level (dBFS)",
                "Glue compressor static curve (steady level, with makeup and mix)") +
           plot("saturation_curve", "in", "out", "saturation-curve", -2, 2, "input (full scale = 1)", "output",
                "Saturation transfer curve (with drive, output gain and mix)");
}

// ---------------------------------------------------------------------------------------------
// Tables

std::string cell(const json& v) {
    if (v.is_null()) return "—";
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) return fixed(v.get<double>(), 2);
    if (v.is_string()) return esc(v.get<std::string>());
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_primitive(); })) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : ", ") + cell(e);
        return s;
    }
    if (v.is_array()) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : "<br>") + cell(e);
        return s;
    }
    // An object: "type, key value, key value" (an EQ band reads "bell  freq_hz 3000, gain_db -0.80").
    std::string s;
    if (v.contains("type") && v["type"].is_string()) s = "<b>" + esc(v["type"].get<std::string>()) + "</b>";
    for (const auto& [k, e] : v.items()) {
        if (k == "type" && e.is_string()) continue;
        s += (s.empty() ? "" : s.back() == '>' && s.compare(s.size() - 4, 4, "</b>") == 0 ? " " : ", ") +
             std::string("<span class=\"k\">") + esc(k) + "</span> " + cell(e);
    }
    return s;
}

// A table of an array of objects (columns: the union of keys, known ones first), or of an object
// of such arrays (one captioned table each). Used for the playback simulation, cutting sheet,
// PQ sheet and anything of that shape.
std::string genericTable(const json& rows, const std::string& caption) {
    if (rows.is_object()) {
        std::string out;
        for (const auto& [k, v] : rows.items()) {
            if (v.is_array() && !v.empty() && v[0].is_object()) out += genericTable(v, caption.empty() ? k : caption + " — " + k);
            else out += "<p><span class=\"k\">" + esc(k) + "</span> " + cell(v) + "</p>";
        }
        return out;
    }
    if (!rows.is_array() || rows.empty()) return note("Empty.");
    if (!rows[0].is_object()) return "<ul>" + [&] {
        std::string li;
        for (const auto& r : rows) li += "<li>" + cell(r) + "</li>";
        return li;
    }() + "</ul>";
    static const std::vector<std::string> first = {"service", "platform", "mode", "side", "number", "track", "title", "name"};
    std::vector<std::string> cols;
    for (const auto& k : first)
        for (const auto& r : rows)
            if (r.is_object() && r.contains(k)) {
                cols.push_back(k);
                break;
            }
    for (const auto& r : rows)
        if (r.is_object())
            for (const auto& [k, v] : r.items())
                if (std::find(cols.begin(), cols.end(), k) == cols.end()) cols.push_back(k);
    std::string t = "<table class=\"data\">";
    if (!caption.empty()) t += "<caption>" + esc(caption) + "</caption>";
    t += "<thead><tr>";
    for (const auto& c : cols) {
        // Numeric columns are right-aligned, their headers too.
        const bool numeric = std::any_of(rows.begin(), rows.end(), [&](const json& r) { return at(r, c.c_str()).is_number(); });
        t += std::string(numeric ? "<th class=\"num\">" : "<th>") + esc(c) + "</th>";
    }
    t += "</tr></thead><tbody>";
    for (const auto& r : rows) {
        t += "<tr>";
        for (const auto& c : cols) {
            const json& v = at(r, c.c_str());
            t += std::string(v.is_number() ? "<td class=\"num\">" : "<td>") + cell(v) + "</td>";
        }
        t += "</tr>";
    }
    return t + "</tbody></table>";
}

// A chain's settings as key/value rows; curves (plotted above) are left out.
std::string settingsTable(const json& chain) {
    std::string t = "<table class=\"settings\"><tbody>";
    for (const auto& [k, v] : chain.items()) {
        if (k.size() > 6 && k.compare(k.size() - 6, 6, "_curve") == 0) continue;
        t += "<tr><th>" + esc(k) + "</th><td>" + cell(v) + "</td></tr>";
    }
    return t + "</tbody></table>";
}

std::string tracksTable(const json& variant) {
    const json& tracks = at(variant, "tracks");
    if (!tracks.is_array() || tracks.empty()) return note("No tracks in report.json.");
    const auto ceiling = num(at(at(variant, "targets"), "true_peak_dbtp"));
    const auto target = num(at(at(variant, "targets"), "integrated_lufs"));
    const bool trackMode = str(at(at(variant, "targets"), "mode")) == "track";
    std::string t =
        "<table class=\"data\"><thead><tr><th class=\"num\">#</th><th>title</th><th class=\"num\">start</th>"
        "<th class=\"num\">length</th><th class=\"num\">LUFS</th><th class=\"num\">LRA</th><th class=\"num\">true peak</th>"
        "<th class=\"num\">sample peak</th><th class=\"num\">gain</th><th class=\"num\">limiting</th><th>file</th></tr></thead>"
        "<tbody>";
    for (const auto& tr : tracks) {
        const auto tp = num(at(tr, "true_peak_dbtp"));
        const auto lufs = num(at(tr, "integrated_lufs"));
        const bool tpBad = tp && ceiling && *tp > *ceiling;
        // ±0.1 LU: EBU Tech 3341's tolerance, as the render's own check.
        const bool lufsBad = trackMode && lufs && target &&
                             std::abs(*lufs - (*target + num(at(tr, "loudness_offset_lu")).value_or(0))) > 0.1;
        const auto start = num(at(tr, "start_s"));
        const auto dur = num(at(tr, "duration_s"));
        t += "<tr><td class=\"num\">" + esc(str(at(tr, "number"))) + "</td><td>" + esc(str(at(tr, "title"))) + "</td><td class=\"num\">" +
             (start ? mmssTenths(*start) : "—") +
             "</td><td class=\"num\">" + (dur ? fixed(*dur, 2) + "&#8239;s" : "—") + "</td><td class=\"num" +
             (lufsBad ? " bad" : "") + "\">" + fmt(at(tr, "integrated_lufs"), 2) + "</td><td class=\"num\">" +
             fmt(at(tr, "loudness_range_lu"), 1) + "</td><td class=\"num" + (tpBad ? " bad" : "") + "\">" +
             fmt(at(tr, "true_peak_dbtp"), 2) + "</td><td class=\"num\">" + fmt(at(tr, "sample_peak_dbfs"), 2) +
             "</td><td class=\"num\">" + fmt(at(tr, "gain_db"), 2) + "</td><td class=\"num\">" +
             fmt(at(tr, "limiter_max_gain_reduction_db"), 2) + "</td><td class=\"file\">" + esc(str(at(tr, "file"))) + "</td></tr>";
    }
    return t + "</tbody></table><p class=\"legend-text\">LUFS: integrated loudness; LRA: loudness range (LU); true peak in dBTP, "
               "sample peak in dBFS; gain: the loudness gain applied (dB); limiting: the deepest limiter gain reduction (dB).</p>";
}

std::string checksTable(const json& variant, int* failedOut) {
    const json& checks = at(variant, "checks");
    if (!checks.is_array() || checks.empty()) return note("No checks in report.json.");
    std::vector<const json*> order;
    for (const auto& c : checks)
        if (!(at(c, "ok").is_boolean() && at(c, "ok").get<bool>())) order.push_back(&c);
    *failedOut = static_cast<int>(order.size());
    for (const auto& c : checks)
        if (at(c, "ok").is_boolean() && at(c, "ok").get<bool>()) order.push_back(&c);
    std::string t = "<table class=\"data checks\"><thead><tr><th>result</th><th>check</th><th>detail</th></tr></thead><tbody>";
    for (const json* c : order) {
        const bool ok = at(*c, "ok").is_boolean() && at(*c, "ok").get<bool>();
        t += std::string("<tr class=\"") + (ok ? "ok" : "fail") + "\"><td><span class=\"pill " + (ok ? "ok\">ok" : "fail\">FAIL") +
             "</span></td><td>" + esc(str(at(*c, "name"))) + "</td><td>" + esc(str(at(*c, "detail"))) + "</td></tr>";
    }
    return t + "</tbody></table>";
}

std::string filesTable(const json& variant) {
    const json& files = at(variant, "files");
    if (!files.is_array() || files.empty()) return "";
    std::string t = "<details><summary>Files and SHA-256 (" + std::to_string(files.size()) +
                    ")</summary><table class=\"data files\"><thead><tr><th>file</th><th>format</th><th>rate</th><th>bits</th>"
                    "<th>channels</th><th>SHA-256</th></tr></thead><tbody>";
    for (const auto& f : files)
        t += "<tr><td class=\"file\">" + esc(str(at(f, "path"))) + "</td><td>" + esc(str(at(f, "format"))) + "</td><td class=\"num\">" +
             esc(str(at(f, "sample_rate"))) + "</td><td class=\"num\">" + esc(str(at(f, "bit_depth"))) + "</td><td class=\"num\">" +
             esc(str(at(f, "channels"))) + "</td><td class=\"hash\">" + esc(str(at(f, "sha256"))) + "</td></tr>";
    return t + "</tbody></table></details>";
}

int countChecks(const json& variant, bool failed) {
    int n = 0;
    const json& checks = at(variant, "checks");
    if (checks.is_array())
        for (const auto& c : checks) n += (at(c, "ok").is_boolean() && at(c, "ok").get<bool>()) != failed;
    return n;
}

// ---------------------------------------------------------------------------------------------
// The page

const char* const kCss = R"CSS(
:root{--ink:#1d2330;--muted:#5d6473;--line:#dde1e8;--bg:#f5f6f8;--card:#fff;--ok:#1f7a3a;--okbg:#e3f4e8;--bad:#b3261e;--badbg:#fde7e5;--accent:#3b6ea8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{background:#1d2330;color:#fff;padding:28px 40px 24px}
header.top h1{margin:0;font-size:30px;font-weight:650;letter-spacing:-.01em}
header.top .artist{font-size:18px;color:#c9d3e3;margin-top:2px}
header.top dl{display:flex;flex-wrap:wrap;gap:6px 28px;margin:16px 0 0;font-size:13px;color:#aeb8c8}
header.top dt{display:inline;color:#7f8aa0}header.top dd{display:inline;margin:0 0 0 6px;color:#e6ebf3}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 22px}
h2{font-size:21px;margin:0 0 12px}h3{font-size:16px;margin:20px 0 8px;color:#2b3342}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:#fbfcfd;border-left:5px solid var(--ok)}
.card.failing{border-left-color:var(--bad)}
.card h3{margin:0 0 6px;font-size:17px}.card .big{font-size:24px;font-weight:650}.card .sub{color:var(--muted);font-size:13px}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650;letter-spacing:.02em}
.pill.ok{background:var(--okbg);color:var(--ok)}.pill.fail{background:var(--badbg);color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 4px}
caption{text-align:left;font-weight:600;padding:6px 0}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f0f2f5;font-weight:600;color:#3a4252;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bad{color:var(--bad);font-weight:650;background:var(--badbg)}
tr.fail td{background:var(--badbg)}
td.file,td.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
table.settings th{width:160px;color:var(--muted);font-weight:500;background:none}
.k{color:var(--muted)}
.kv{display:flex;flex-wrap:wrap;gap:4px 26px;margin:4px 0 8px;font-size:14px}.kv b{font-weight:600}
figure{margin:14px 0 6px}figcaption{font-weight:600;font-size:14px;margin:0 0 4px;color:#2b3342}
svg.plot{width:100%;height:auto;display:block;background:#fff;font-size:12px}
svg .grid{stroke:#e8ebf0;stroke-width:1}svg .frame{fill:none;stroke:#c5cbd5}
svg .tick{fill:#5d6473;font-size:11.5px}svg .axis-title{fill:#3a4252;font-size:12px}
svg .mark{stroke:#b9c0cc;stroke-dasharray:2 3}svg .mark-label{fill:#8a92a0;font-size:10.5px}
svg .target{stroke:#2e933c;stroke-width:2;stroke-dasharray:7 4}svg .target-label{fill:#2e933c;font-size:12px;font-weight:600}
svg .target-faint{stroke:#2e933c;stroke-opacity:.35;stroke-dasharray:2 4}svg .target-faint-label{fill:#2e933c;font-size:11px}
svg .ceiling{stroke:#d1495b;stroke-width:1.6;stroke-dasharray:6 3}svg .ceiling-label{fill:#d1495b;font-size:12px;font-weight:600}
svg .album-level{stroke:#3b6ea8;stroke-opacity:.55;stroke-width:1.2}svg .album-level-label{fill:#3b6ea8;font-size:11px}
svg .zero{stroke:#9aa3b1}
svg .plr{fill:#c9d6e8}svg .lufs{fill:#3b6ea8;stroke:#fff;stroke-width:1.5}svg .tp{fill:#e09f3e}svg .tp.over{fill:#d1495b}
svg .value{fill:#3a4252;font-size:11px}
svg .halo,svg .value{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .legend text{fill:#3a4252;font-size:12px}
svg .block-label{fill:#fff;font-size:12px;font-weight:600}
svg .index-mark{stroke:#1d2330;stroke-width:1.5}
svg .side{fill:#eef1f5;stroke:#c5cbd5}svg .side-label{fill:#3a4252;font-size:12px;font-weight:600}
.note{color:var(--muted);font-size:13px;background:#f6f7f9;border:1px dashed #cfd5de;border-radius:8px;padding:8px 12px;margin:10px 0}
.legend-text{color:var(--muted);font-size:12px;margin:2px 0 0}
details{margin-top:12px}summary{cursor:pointer;color:var(--accent);font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#eef1f5;padding:0 4px;border-radius:4px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 28px}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
)CSS";

std::string variantSection(const std::string& name, const json& v) {
    const std::string id = idFor(name);
    const json& tg = at(v, "targets");
    const json& al = at(v, "album");
    const json& ex = at(v, "export");
    std::string s = "<section id=\"variant-" + id + "\"><h2>Variant <code>" + esc(name) + "</code></h2>";
    s += "<div class=\"kv\"><span><span class=\"k\">target</span> <b>" + fmt(at(tg, "integrated_lufs"), 1, "LUFS") + "</b> (" +
         esc(str(at(tg, "mode"))) + " mode)</span><span><span class=\"k\">true-peak ceiling</span> <b>" +
         (num(at(tg, "true_peak_dbtp")) ? fmt(at(tg, "true_peak_dbtp"), 1, "dBTP") : "none") + "</b></span>";
    if (ex.is_object())
        s += "<span><span class=\"k\">export</span> <b>" + esc(str(at(ex, "format"))) + "</b> " + esc(str(at(ex, "sample_rate"))) +
             "&#8239;Hz, " + esc(str(at(ex, "bit_depth"))) + "&#8239;bit" +
             (str(at(ex, "dither")).empty() || str(at(ex, "dither")) == "none" ? "" : ", " + esc(str(at(ex, "dither"))) + " dither") +
             "</span>";
    s += "</div><div class=\"kv\"><span><span class=\"k\">album</span> <b>" + fmt(at(al, "integrated_lufs"), 2, "LUFS") +
         "</b></span><span><span class=\"k\">loudness range</span> <b>" + fmt(at(al, "loudness_range_lu"), 1, "LU") +
         "</b></span><span><span class=\"k\">true peak</span> <b>" + fmt(at(al, "true_peak_dbtp"), 2, "dBTP") +
         "</b></span><span><span class=\"k\">length</span> <b>" + (num(at(al, "duration_s")) ? mmss(*num(at(al, "duration_s"))) : "—") +
         "</b></span></div>";
    if (at(v, "settings").is_object()) s += "<h3>Settings</h3>" + settingsTable(at(v, "settings"));

    bool fromTimeline = false;
    const auto blocks = blocksOf(v, &fromTimeline);
    s += figure("Short-term loudness over time", loudnessPlot("loudness-" + id, v, blocks));
    s += figure("Integrated loudness and true peak per track", levelsPlot("levels-" + id, v));
    s += figure("Gain reduction over time", gainReductionPlot("gain-reduction-" + id, v));
    s += figure("Average spectrum before and after mastering", spectrumPlot("spectrum-" + id, v));
    s += "<h3>Tracks</h3>" + tracksTable(v);
    int failed = 0;
    const std::string checks = checksTable(v, &failed);
    s += "<h3>Checks " + std::string(failed ? "<span class=\"pill fail\">" + std::to_string(failed) + " failed</span>"
                                            : "<span class=\"pill ok\">all passed</span>") +
         "</h3>" + checks;
    for (const auto& [key, title] : std::vector<std::pair<std::string, std::string>>{
             {"playback_simulation", "Playback simulation"}, {"cutting_sheet", "Cutting sheet"}, {"pq_sheet", "PQ sheet"},
             {"warnings", "Warnings"}})
        if (!at(v, key.c_str()).is_null()) s += "<h3>" + title + "</h3>" + genericTable(at(v, key.c_str()), "");
    if (at(v, "playback_simulation").is_null())
        s += "<h3>Playback simulation</h3>" +
             note("What streaming services will do to these files appears here once report.json carries "
                  "<code>playback_simulation</code>.");
    s += filesTable(v);
    return s + "</section>";
}

}  // namespace

std::string toHtml(const json& r) {
    const json& meta = at(r, "album");
    std::string manifest = str(at(r, "manifest"));
    // Without album metadata the page is named after the manifest's folder and file.
    auto slash = manifest.find_last_of('/');
    if (slash != std::string::npos && slash > 0) slash = manifest.find_last_of('/', slash - 1);
    const std::string manifestName = slash == std::string::npos ? manifest : manifest.substr(slash + 1);
    std::string title = str(at(meta, "title"));
    if (title.empty()) title = manifestName.empty() ? "lacquer render" : manifestName;
    const std::string artist = str(at(meta, "artist"));

    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<meta name=\"generator\" content=\"lacquer " + esc(str(at(r, "lacquer_version"))) + "\">"
                    "<title>" + esc(title) + (artist.empty() ? "" : " — " + esc(artist)) + " · lacquer report</title><style>" +
                    kCss + "</style></head><body>\n";

    h += "<header class=\"top\"><h1>" + esc(title) + "</h1>";
    if (!artist.empty()) h += "<div class=\"artist\">" + esc(artist) + "</div>";
    h += "<dl>";
    auto item = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) h += "<div><dt>" + k + "</dt><dd>" + v + "</dd></div>";
    };
    item("date", esc(str(at(meta, "date"))));
    item("catalog", esc(str(at(meta, "catalog"))));
    item("manifest", esc(manifest));
    const std::string sha = str(at(r, "manifest_sha256"));
    item("manifest SHA-256", "<span title=\"" + esc(sha) + "\">" + esc(sha.substr(0, 16)) + (sha.size() > 16 ? "…" : "") + "</span>");
    item("lacquer", esc(str(at(r, "lacquer_version"))) + (str(at(r, "lacquer_build")).empty() ? "" : " (" + esc(str(at(r, "lacquer_build"))) + ")"));
    item("device", esc(str(at(r, "device"))) + (str(at(r, "backend")).empty() ? "" : " · " + esc(str(at(r, "backend")))));
    h += "</dl></header>\n<main>";

    const json& variants = at(r, "variants");
    const json noVariants = json::object();
    const json& vs = variants.is_object() ? variants : noVariants;

    // Overview: one card per variant.
    h += "<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">";
    for (const auto& [name, v] : vs.items()) {
        const int failed = countChecks(v, true), passed = countChecks(v, false);
        const json& tg = at(v, "targets");
        h += std::string("<div class=\"card") + (failed ? " failing" : "") + "\"><h3>" + esc(name) + " " +
             (failed ? "<span class=\"pill fail\">" + std::to_string(failed) + " FAIL</span>" : "<span class=\"pill ok\">ok</span>") +
             "</h3><div class=\"big\">" + fmt(at(at(v, "album"), "integrated_lufs"), 2, "LUFS") + "</div><div class=\"sub\">target " +
             fmt(at(tg, "integrated_lufs"), 1, "LUFS") + " (" + esc(str(at(tg, "mode"))) + "), true peak " +
             fmt(at(at(v, "album"), "true_peak_dbtp"), 2, "dBTP") +
             (num(at(tg, "true_peak_dbtp")) ? " / ceiling " + fmt(at(tg, "true_peak_dbtp"), 1, "dBTP") : "") + "<br>" +
             std::to_string(passed) + " of " + std::to_string(passed + failed) + " checks passed · " +
             esc(str(at(at(v, "export"), "format"))) + " " + esc(str(at(at(v, "export"), "sample_rate"))) + "&#8239;Hz/" +
             esc(str(at(at(v, "export"), "bit_depth"))) + "&#8239;bit</div></div>";
    }
    if (vs.empty()) h += note("No variants in report.json.");
    h += "</div></section>\n";

    // The album's running order (the first variant that carries a timeline, else the first one).
    const json* layoutFrom = nullptr;
    for (const auto& [name, v] : vs.items())
        if (!layoutFrom || (at(v, "timeline").is_array() && !at(*layoutFrom, "timeline").is_array())) layoutFrom = &v;
    h += "<section id=\"album\"><h2>Album timeline</h2>";
    if (layoutFrom) {
        bool fromTimeline = false;
        const auto blocks = blocksOf(*layoutFrom, &fromTimeline);
        h += timelinePlot("timeline", blocks, fromTimeline);
    } else {
        h += note("No variants in report.json.");
    }
    h += "</section>\n";

    // The mastering chain.
    const json& chains = at(r, "chains");
    h += "<section id=\"chain\"><h2>Mastering chain</h2>" + figure("Designed EQ curve", eqPlot(chains)) + toolCurvePlots(chains);
    const json& albumChain = at(chains, "album");
    const bool albumSettings = albumChain.is_object() && albumChain.size() > (albumChain.contains("eq_curve") ? 1u : 0u);
    if (albumSettings) h += "<h3>Album chain</h3>" + settingsTable(albumChain);
    // A track's settings are shown when they say more than its number and curves.
    if (at(chains, "tracks").is_array())
        for (const auto& t : at(chains, "tracks"))
            if (t.is_object()) {
                json rest = t;
                rest.erase("number");
                bool settings = false;
                for (const auto& [k, v] : rest.items()) settings = settings || k.size() <= 6 || k.compare(k.size() - 6, 6, "_curve") != 0;
                if (settings) h += "<h3>Track " + esc(str(at(t, "number"))) + " overrides</h3>" + settingsTable(rest);
            }
    if (!albumSettings)
        h += note("The resolved chain settings (EQ bands, reverb, dynamics, limiter) appear here once report.json carries "
                  "them in <code>chains.album</code>.");
    h += "</section>\n";

    for (const auto& [name, v] : vs.items()) h += variantSection(name, v) + "\n";
    h += "</main><footer>Generated by lacquer " + esc(str(at(r, "lacquer_version"))) +
         " from report.json. Every number on this page was measured from the written files.</footer></body></html>\n";
    return h;
}

}  // namespace lacquer::report

// ---------------------------------------------------------------------------------------------
// Building the plot data

namespace lacquer::report {

namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

// In-place iterative radix-2 FFT (n a power of two). A small own FFT rather than FFTW: FFTW's
// planner is not thread-safe, and this runs beside other stages' planning; 8192 points are cheap.
void fft(std::vector<double>& re, std::vector<double>& im) {
    const std::size_t n = re.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(re[i], re[j]), std::swap(im[i], im[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const double ang = -2.0 * std::numbers::pi / static_cast<double>(len);
        const double wRe = std::cos(ang), wIm = std::sin(ang);
        for (std::size_t i = 0; i < n; i += len) {
            double cRe = 1, cIm = 0;
            for (std::size_t k = 0; k < len / 2; ++k) {
                const std::size_t a = i + k, b = i + k + len / 2;
                const double tRe = re[b] * cRe - im[b] * cIm, tIm = re[b] * cIm + im[b] * cRe;
                re[b] = re[a] - tRe, im[b] = im[a] - tIm;
                re[a] += tRe, im[a] += tIm;
                const double nRe = cRe * wRe - cIm * wIm;
                cIm = cRe * wIm + cIm * wRe;
                cRe = nRe;
            }
        }
    }
}

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
    // The meter records every 100 ms; keep every `step`-th entry.
    const auto step = static_cast<std::size_t>(std::max(1L, std::lround(periodS / loudness::kHistoryPeriodS)));
    json values = json::array();
    for (std::size_t i = step - 1; i < m.shortTermHistoryLufs.size(); i += step) {
        const auto& v = m.shortTermHistoryLufs[i];
        values.push_back(v && std::isfinite(*v) ? json(round2(*v)) : json(nullptr));
    }
    return {{"period_s", static_cast<double>(step) * loudness::kHistoryPeriodS}, {"values", values}};
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

SpectrumAverager::SpectrumAverager(double sampleRateHz, std::size_t strideFrames)
    : rateHz_(sampleRateHz), strideFrames_(std::max(strideFrames, kFftFrames)), powerSum_(kFftFrames / 2 + 1, 0.0) {}

void SpectrumAverager::add(const BlockView& block) {
    if (captured_.size() != static_cast<std::size_t>(block.channels))
        captured_.assign(static_cast<std::size_t>(block.channels), std::vector<double>(kFftFrames, 0.0));
    for (std::size_t i = 0; i < block.frames; ++i) {
        if (position_ < kFftFrames)
            for (int c = 0; c < block.channels; ++c) captured_[static_cast<std::size_t>(c)][position_] = block.channel(c)[i];
        if (++position_ == kFftFrames) analyse(block.channels);
        if (position_ == strideFrames_) position_ = 0;
    }
}

void SpectrumAverager::analyse(int channels) {
    std::vector<double> re(kFftFrames), im(kFftFrames);
    for (int c = 0; c < channels; ++c) {
        const auto& x = captured_[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < kFftFrames; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / kFftFrames);  // Hann
            re[i] = x[i] * w;
            im[i] = 0;
        }
        fft(re, im);
        for (std::size_t k = 0; k <= kFftFrames / 2; ++k) powerSum_[k] += re[k] * re[k] + im[k] * im[k];
        ++spectra_;
    }
}

void SpectrumAverager::merge(const SpectrumAverager& other) {
    for (std::size_t k = 0; k < powerSum_.size(); ++k) powerSum_[k] += other.powerSum_[k];
    spectra_ += other.spectra_;
}

std::vector<double> SpectrumAverager::bandCentresHz() {
    // 1/6-octave bands around 1 kHz, from 20 Hz to 20 kHz (IEC 61260 base-2 spacing).
    std::vector<double> f;
    for (int i = -34; i <= 26; ++i) f.push_back(1000.0 * std::pow(2.0, i / 6.0));
    return f;
}

json SpectrumAverager::bandsDbJson() const {
    json out = json::array();
    // Mean square of the signal within a band, from Parseval with the Hann window's power
    // (sum w^2 = 3N/8): one-sided bins count twice. A full-scale sine (mean square 1/2) reads 0 dB.
    const double n = static_cast<double>(kFftFrames);
    const double norm = 2.0 / (n * (3.0 * n / 8.0)) / std::max<std::size_t>(1, spectra_);
    const double binHz = rateHz_ / n;
    for (double fc : bandCentresHz()) {
        const double lo = fc * std::pow(2.0, -1.0 / 12.0), hi = fc * std::pow(2.0, 1.0 / 12.0);
        double p = 0;
        int bins = 0;
        for (auto k = static_cast<std::size_t>(std::ceil(lo / binHz)); k <= kFftFrames / 2 && static_cast<double>(k) * binHz < hi; ++k) {
            p += powerSum_[k];
            ++bins;
        }
        if (!spectra_ || hi > rateHz_ / 2) {
            out.push_back(nullptr);
            continue;
        }
        if (!bins) {
            // A low band narrower than one bin (below about 120 Hz at 96 kHz): the nearest bin's
            // density times the band's width, so the curve stays continuous.
            const auto k = static_cast<std::size_t>(std::lround(fc / binHz));
            p = powerSum_[std::min(k, kFftFrames / 2)] * (hi - lo) / binHz;
        }
        const double ms = p * norm;
        out.push_back(ms > 0 ? json(round2(std::max(-200.0, 10.0 * std::log10(ms / 0.5)))) : json(-200.0));
    }
    return out;
}

json spectrumJson(const SpectrumAverager& before, const SpectrumAverager& after) {
    json f = json::array();
    for (double v : SpectrumAverager::bandCentresHz()) f.push_back(round2(v));
    return {{"freqs_hz", f}, {"before", before.bandsDbJson()}, {"after", after.bandsDbJson()}};
}

}  // namespace lacquer::report
