// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/report/spectral_html.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace lacquer::report {
namespace {

using nlohmann::json;

std::string esc(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::vector<std::optional<double>> values(const json& j) {
    std::vector<std::optional<double>> v;
    if (!j.is_array()) return v;
    for (const auto& x : j) v.push_back(x.is_number() ? std::optional<double>(x.get<double>()) : std::nullopt);
    return v;
}

const json& member(const json& j, const char* key) {
    static const json null;
    return j.is_object() && j.contains(key) ? j[key] : null;
}

// A log-frequency line plot (inline SVG, no script): one polyline per series.
struct Series {
    std::string label, colour;
    std::vector<std::optional<double>> db;
    bool dashed = false;
};

std::string plot(const std::string& title, const std::vector<double>& f, const std::vector<Series>& series, double lo,
                 double hi, const std::string& yTitle) {
    constexpr double W = 1000, H = 280, L = 58, R = 18, T = 34, B = 40;
    const double f0 = 20, f1 = 20000;
    auto x = [&](double v) { return L + (std::log10(v) - std::log10(f0)) / (std::log10(f1) - std::log10(f0)) * (W - L - R); };
    auto y = [&](double v) { return T + (1.0 - (std::clamp(v, lo, hi) - lo) / (hi - lo)) * (H - T - B); };
    std::string s = fmt::format(R"(<svg class="plot" role="img" viewBox="0 0 {} {}"><title>{}</title><g class="axes">)", W, H, esc(title));
    const double step = (hi - lo) > 30 ? 10 : (hi - lo) > 12 ? 3 : 1;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step)
        s += fmt::format(R"(<line class="grid" x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}"/><text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end">{:.0f}</text>)",
                         L, W - R, y(v), y(v), L - 6, y(v) + 4, v);
    for (double v : {20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0})
        s += fmt::format(R"(<line class="grid" x1="{0:.1f}" x2="{0:.1f}" y1="{1:.1f}" y2="{2:.1f}"/><text class="tick" x="{0:.1f}" y="{3:.1f}" text-anchor="middle">{4}</text>)",
                         x(v), T, H - B, H - B + 15, v >= 1000 ? fmt::format("{:g}k", v / 1000) : fmt::format("{:g}", v));
    s += fmt::format(R"(<rect class="frame" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/>)", L, T, W - L - R, H - T - B);
    s += fmt::format(R"(<text class="axis-title" x="{:.1f}" y="{:.1f}" text-anchor="middle">frequency (Hz)</text>)", (L + W - R) / 2, H - 6);
    s += fmt::format(R"~(<text class="axis-title" transform="translate(14 {:.1f}) rotate(-90)" text-anchor="middle">{}</text></g>)~",
                     (T + H - B) / 2, esc(yTitle));
    double lx = L;
    for (const auto& ser : series) {
        std::string d;
        bool pen = false;
        for (std::size_t i = 0; i < f.size() && i < ser.db.size(); ++i) {
            if (!ser.db[i] || f[i] < f0 || f[i] > f1) {
                pen = false;
                continue;
            }
            d += fmt::format("{}{:.1f} {:.1f}", pen ? "L" : "M", x(f[i]), y(*ser.db[i]));
            pen = true;
        }
        if (!d.empty())
            s += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.6"{}/>)", d, ser.colour,
                             ser.dashed ? R"( stroke-dasharray="5 3")" : "");
        s += fmt::format(R"(<g class="legend"><rect x="{:.1f}" y="{:.1f}" width="14" height="4" fill="{}"/><text x="{:.1f}" y="{:.1f}">{}</text></g>)",
                         lx, T - 15, ser.colour, lx + 19, T - 9, esc(ser.label));
        lx += 34 + 6.6 * static_cast<double>(ser.label.size());
    }
    return s + "</svg>";
}

std::string matchBlock(const json& m) {
    std::vector<double> f;
    for (const auto& v : member(m, "freqs_hz"))
        if (v.is_number()) f.push_back(v.get<double>());
    if (f.size() < 2) return "";
    std::string tracks;
    for (const auto& t : member(m, "tracks")) tracks += (tracks.empty() ? "" : ", ") + t.dump();
    std::string refs;
    for (const auto& r : member(m, "references")) refs += (refs.empty() ? "" : ", ") + esc(r.is_string() ? r.get<std::string>() : r.dump());
    const std::string scope = member(m, "scope").is_string() ? member(m, "scope").get<std::string>() : "";
    std::string h = "<h3>Reference match (" + esc(scope) + ": tracks " + esc(tracks) + ")</h3><p class=\"note\">references: " + refs +
                    fmt::format("; amount {}, smoothing {:.2f} oct, limits +{} / −{} dB, {}–{} Hz</p>",
                                member(m, "amount").dump(), member(m, "smoothing_oct").is_number() ? member(m, "smoothing_oct").get<double>() : 0.0,
                                member(m, "max_boost_db").dump(), member(m, "max_cut_db").dump(), member(m, "low_hz").dump(),
                                member(m, "high_hz").dump());
    // Spectra are loudness-normalised (equal K-weighted power) and smoothed as the match saw them.
    double lo = 1e9, hi = -1e9;
    for (const char* k : {"source_db", "reference_db", "result_db"})
        for (const auto& v : values(member(m, k)))
            if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
    if (lo <= hi) {
        hi = std::ceil((hi + 3) / 10) * 10;
        lo = std::max(hi - 80, std::floor((lo - 3) / 10) * 10);
        h += "<figure>" + plot("Source, reference and result spectra", f,
                               {{"source", "#8a8a8a", values(member(m, "source_db"))},
                                {"reference", "#2e933c", values(member(m, "reference_db")), true},
                                {"result (measured)", "#3b6ea8", values(member(m, "result_db"))}},
                               lo, hi, "density (dB, normalised)") +
             "<figcaption>Long-term spectra, gated to the loud parts and loudness-normalised</figcaption></figure>";
    }
    const auto curve = values(member(m, "curve_db"));
    double cl = -3, ch = 3;
    for (const auto& v : curve)
        if (v) cl = std::min(cl, *v), ch = std::max(ch, *v);
    h += "<figure>" + plot("Match curve", f, {{"match curve", "#d1495b", curve}}, std::floor(cl - 1), std::ceil(ch + 1), "gain (dB)") +
         "<figcaption>The match curve joined to the EQ kernel</figcaption></figure>";
    const json& res = member(m, "residual_octaves");
    if (res.is_array() && !res.empty()) {
        h += "<table><thead><tr><th>octave band</th>";
        std::string row;
        for (const auto& r : res) {
            const double fc = member(r, "centre_hz").is_number() ? member(r, "centre_hz").get<double>() : 0;
            h += "<th>" + (fc >= 1000 ? fmt::format("{:g} kHz", fc / 1000) : fmt::format("{:g} Hz", fc)) + "</th>";
            row += "<td>" + (member(r, "residual_db").is_number() ? fmt::format("{:+.2f}", member(r, "residual_db").get<double>()) : "—") + "</td>";
        }
        h += "</tr></thead><tbody><tr><th>result − reference (dB)</th>" + row + "</tr></tbody></table>";
    }
    return h;
}

std::string denoiseBlock(const json& d) {
    std::vector<double> f;
    for (const auto& v : member(d, "freqs_hz"))
        if (v.is_number()) f.push_back(v.get<double>());
    if (f.size() < 2) return "";
    const json& profile = member(d, "profile");
    const std::string from = profile.is_string() ? "auto (the quietest tenth of the track)"
                                                 : fmt::format("{} {}–{} s", esc(member(profile, "file").is_string() ? member(profile, "file").get<std::string>() : ""),
                                                               member(profile, "start_s").dump(), member(profile, "end_s").dump());
    const json& red = member(d, "noise_floor_reduction_db");
    std::string h = "<h3>Noise reduction, track " + esc(member(d, "track").dump()) + "</h3><p class=\"note\">" +
                    esc(member(d, "backend").is_string() ? member(d, "backend").get<std::string>() : "") +
                    fmt::format("; reduction up to {} dB, sensitivity {} dB, profile: {}; noise floor (quietest tenth) lowered by <b>{}</b></p>",
                                member(d, "reduction_db").dump(), member(d, "sensitivity_db").dump(), from,
                                red.is_number() ? fmt::format("{:.1f} dB", red.get<double>()) : "—");
    double lo = 1e9, hi = -1e9;
    for (const char* k : {"noise_floor_before_db", "noise_floor_after_db", "profile_db"})
        for (const auto& v : values(member(d, k)))
            if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
    if (lo <= hi) {
        hi = std::ceil((hi + 3) / 10) * 10;
        lo = std::max(hi - 100, std::floor((lo - 3) / 10) * 10);
        h += "<figure>" + plot("Noise floor before and after", f,
                               {{"before (quietest tenth)", "#8a8a8a", values(member(d, "noise_floor_before_db"))},
                                {"after", "#3b6ea8", values(member(d, "noise_floor_after_db"))},
                                {"noise profile", "#d1495b", values(member(d, "profile_db")), true}},
                               lo, hi, "level per 1/3 oct (dB)") +
             "<figcaption>Mean-square level per third octave of the quietest tenth of the frames, before and after "
             "the denoiser</figcaption></figure>";
    }
    return h;
}

}  // namespace

std::string spectralSection(const json& spectral) {
    std::string body;
    for (const auto& d : member(spectral, "denoise")) body += denoiseBlock(d);
    for (const auto& m : member(spectral, "match")) body += matchBlock(m);
    if (body.empty()) return "";
    return "<section id=\"spectral\"><h2>Spectral stages</h2>" + body + "</section>\n";
}

}  // namespace lacquer::report
