// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// report.html's building blocks (private to src/report): reading a report.json of any shape, text
// and number formatting for HTML, and the inline-SVG plotter (axes, grid, clip rectangle).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lacquer::report::html {
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Reading a report.json of any shape

inline const json& at(const json& j, const char* key) {
    static const json null;
    if (!j.is_object()) return null;
    auto it = j.find(key);
    return it == j.end() ? null : *it;
}

inline std::optional<double> num(const json& j) {
    if (j.is_number()) return j.get<double>();
    return std::nullopt;
}

inline std::string str(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<long long>());
    return {};
}

// Numbers of a {"values": [...]} series; null entries stay nullopt.
inline std::vector<std::optional<double>> series(const json& values) {
    std::vector<std::optional<double>> out;
    if (!values.is_array()) return out;
    out.reserve(values.size());
    for (const auto& v : values) out.push_back(num(v));
    return out;
}

inline std::vector<double> numbers(const json& values) {
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

inline std::string esc(const std::string& s) {
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

inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v + 0.0);
    std::string s = buf;
    if (s.find_first_not_of("-0.") == std::string::npos) s = decimals ? "0." + std::string(static_cast<std::size_t>(decimals), '0') : "0";
    return s;
}

inline std::string fmt(const json& v, int decimals, const std::string& unit = "") {
    const auto n = num(v);
    if (!n) return "—";
    return fixed(*n, decimals) + (unit.empty() ? "" : "&#8239;" + unit);
}

inline std::string mmss(double s) {
    const long total = std::lround(std::max(0.0, s));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
    return buf;
}

// "m:ss.t" (tenths), for track starts.
inline std::string mmssTenths(double s) {
    const long tenths = std::lround(std::max(0.0, s) * 10);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld.%ld", tenths / 600, (tenths / 10) % 60, tenths % 10);
    return buf;
}

inline std::string hz(double f) {
    if (f >= 1000) return fixed(f / 1000, f >= 10000 || std::fmod(f, 1000) == 0 ? 0 : 1) + "k";
    return fixed(f, 0);
}

// Safe for an id attribute: letters, digits and '-'.
inline std::string idFor(const std::string& s) {
    std::string out;
    for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '-';
    return out.empty() ? "x" : out;
}

inline std::string px(double v) { return fixed(v, 1); }

inline const char* const kPalette[] = {"#3b6ea8", "#d1495b", "#2e933c", "#e09f3e", "#7d5ba6",
                                "#00798c", "#8c564b", "#c2549d", "#5c7c8a", "#9c9c2e"};
inline std::string colour(std::size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

// ---------------------------------------------------------------------------------------------
// Plots: inline SVG with axes, grid and a clip rectangle

inline std::vector<double> niceTicks(double lo, double hi, int target) {
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
inline std::vector<double> timeTicks(double endS) {
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

inline std::string note(const std::string& text) { return "<p class=\"note\">" + text + "</p>"; }

inline std::string figure(const std::string& caption, const std::string& body) {
    return "<figure><figcaption>" + caption + "</figcaption>" + body + "</figure>";
}

// Reduces a long series to at most `buckets` points, keeping each bucket's largest value (the
// loudest moment, the deepest gain reduction), so nothing that matters disappears from the plot.
inline std::vector<std::pair<double, std::optional<double>>> decimate(const std::vector<std::optional<double>>& v, double periodS,
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

}  // namespace lacquer::report::html
