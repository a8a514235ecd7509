// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/delivery/vinyl.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <set>
#include <utility>

#include "lacquer/common/text.hpp"

namespace lacquer::delivery {

const std::vector<VinylFormat>& vinylFormats() {
    static const std::vector<VinylFormat> formats = {
        {"12in-33", "12\" 33 1/3", 15 * 60.0, 19 * 60.0 + 30, 22 * 60.0},
        {"12in-45", "12\" 45", 9 * 60.0, 12 * 60.0, 14 * 60.0 + 30},
        {"10in-33", "10\" 33 1/3", 9 * 60.0, 13 * 60.0 + 30, 14 * 60.0},
        {"7in-45", "7\" 45", 3 * 60.0, 5 * 60.0, 5 * 60.0},
        {"7in-33", "7\" 33 1/3", 0.0, 6 * 60.0 + 40, 6 * 60.0 + 40},
    };
    return formats;
}

std::optional<VinylFormat> vinylFormat(const std::string& name) {
    for (const auto& f : vinylFormats())
        if (f.name == name) return f;
    return std::nullopt;
}

namespace {

std::string clock(double s) {
    const long cs = std::lround(s * 100.0);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld.%02ld", cs / 6000, (cs / 100) % 60, cs % 100);
    return buf;
}

std::string trackWhere(int number, const std::string& title) {
    std::string w = "track " + std::to_string(number);
    if (!title.empty()) w += " \"" + title + "\"";
    return w;
}


void lengthWarnings(VinylPlan& plan, const VinylFormat& format) {
    for (const auto& side : plan.sides) {
        const std::string where = "side " + side.name;
        if (side.durationS > format.maxS) {
            plan.warnings.push_back({where,
                                     "the side lasts " + clock(side.durationS) + ", over the " +
                                         clock(format.maxS) + " that a " + format.label +
                                         " side holds without losing level and bass",
                                     "move a track to another side or choose a larger format"});
        } else if (side.durationS > format.idealMaxS) {
            plan.warnings.push_back({where,
                                     "the side lasts " + clock(side.durationS) + ", over the ideal " +
                                         clock(format.idealMaxS) + " for " + format.label +
                                         ": the cut will be quieter or lose some bass",
                                     "balance the sides or accept a lower cutting level"});
        }
    }
}

double demand(const VinylTrack& t) {
    const double loud = t.integratedLufs.value_or(-70.0);
    return loud + 0.5 * t.brightnessDb.value_or(-60.0);
}

}  // namespace

VinylPlan planSides(const std::vector<VinylTrack>& tracks, const VinylFormat& format, SideOrder order) {
    VinylPlan plan;
    const std::size_t k = tracks.size();
    if (k == 0) return plan;
    for (const auto& t : tracks) {
        if (t.durationS > format.maxS)
            plan.errors.push_back({trackWhere(t.number, t.title),
                                   "the track lasts " + clock(t.durationS) + ", longer than a whole " +
                                       format.label + " side (" + clock(format.maxS) + ")",
                                   "choose a larger format or split the track"});
    }
    // Fewest sides in running order with every side within the maximum (greedy is optimal for
    // this), rounded up to an even number, never more sides than tracks.
    std::size_t needed = 1;
    double fill = 0.0;
    for (const auto& t : tracks) {
        if (fill > 0.0 && fill + t.durationS > format.maxS) {
            ++needed;
            fill = 0.0;
        }
        fill += t.durationS;
    }
    std::size_t n = needed + (needed % 2);
    n = std::min(n, k);
    // Linear partition minimising the longest side: best[j][i] for the first i tracks on j sides.
    std::vector<double> prefix(k + 1, 0.0);
    for (std::size_t i = 0; i < k; ++i) prefix[i + 1] = prefix[i] + tracks[i].durationS;
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<std::vector<double>> best(n + 1, std::vector<double>(k + 1, inf));
    std::vector<std::vector<std::size_t>> cut(n + 1, std::vector<std::size_t>(k + 1, 0));
    best[0][0] = 0.0;
    for (std::size_t j = 1; j <= n; ++j)
        for (std::size_t i = j; i <= k; ++i)
            for (std::size_t p = j - 1; p < i; ++p) {
                const double v = std::max(best[j - 1][p], prefix[i] - prefix[p]);
                if (v < best[j][i] - 1e-9) {
                    best[j][i] = v;
                    cut[j][i] = p;
                }
            }
    std::vector<std::pair<std::size_t, std::size_t>> ranges(n);
    for (std::size_t j = n, i = k; j >= 1; --j) {
        ranges[j - 1] = {cut[j][i], i};
        i = cut[j][i];
    }
    for (std::size_t s = 0; s < n; ++s) {
        VinylSide side;
        side.name = vinylSideName(s);
        std::vector<std::size_t> idx;
        for (std::size_t i = ranges[s].first; i < ranges[s].second; ++i) idx.push_back(i);
        if (order == SideOrder::LoudBrightFirst)
            std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
                return demand(tracks[a]) > demand(tracks[b]);
            });
        for (std::size_t i : idx) {
            side.tracks.push_back(tracks[i].number);
            side.durationS += tracks[i].durationS;
        }
        plan.sides.push_back(side);
    }
    lengthWarnings(plan, format);
    return plan;
}

VinylPlan manualSides(const std::vector<VinylTrack>& tracks,
                      const std::map<std::string, std::vector<int>>& sides, const VinylFormat& format) {
    VinylPlan plan;
    std::map<int, const VinylTrack*> byNumber;
    for (const auto& t : tracks) byNumber[t.number] = &t;
    std::map<int, std::string> placed;
    for (const auto& [name, numbers] : sides) {
        VinylSide side;
        side.name = name;
        for (int n : numbers) {
            auto it = byNumber.find(n);
            if (it == byNumber.end()) {
                plan.errors.push_back({"side " + name, "track " + std::to_string(n) + " is not on the album",
                                       "use track numbers from 1 to " + std::to_string(tracks.size())});
                continue;
            }
            auto [pl, inserted] = placed.emplace(n, name);
            if (!inserted) {
                plan.errors.push_back({"side " + name,
                                       "track " + std::to_string(n) + " is already on side " + pl->second,
                                       "put each track on one side"});
                continue;
            }
            side.tracks.push_back(n);
            side.durationS += it->second->durationS;
        }
        plan.sides.push_back(side);
    }
    for (const auto& t : tracks)
        if (!placed.count(t.number))
            plan.errors.push_back(
                {trackWhere(t.number, t.title), "the track is on no side", "add it to a side"});
    lengthWarnings(plan, format);
    return plan;
}

// ---------------------------------------------------------------------------------------------
namespace {

// RBJ-cookbook biquad, transposed direct form II, double precision.
struct Biquad {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0, z1 = 0, z2 = 0;
    double run(double x) {
        const double y = b0 * x + z1;
        z1 = b1 * x - a1 * y + z2;
        z2 = b2 * x - a2 * y;
        return y;
    }
};

Biquad design(bool highpass, double freqHz, double q, double rateHz) {
    const double w = 2.0 * std::numbers::pi * freqHz / rateHz;
    const double cw = std::cos(w), alpha = std::sin(w) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    Biquad f;
    if (highpass) {
        f.b0 = (1.0 + cw) / 2.0 / a0;
        f.b1 = -(1.0 + cw) / a0;
        f.b2 = f.b0;
    } else {
        f.b0 = (1.0 - cw) / 2.0 / a0;
        f.b1 = (1.0 - cw) / a0;
        f.b2 = f.b0;
    }
    f.a1 = -2.0 * cw / a0;
    f.a2 = (1.0 - alpha) / a0;
    return f;
}

// 4th-order Butterworth = two biquads with Q = 1/(2 cos(pi/8)) and 1/(2 cos(3 pi/8)).
struct Butterworth4 {
    Biquad s1, s2;
    Butterworth4(bool highpass, double freqHz, double rateHz)
        : s1(design(highpass, freqHz, 0.54119610014619698, rateHz)),
          s2(design(highpass, freqHz, 1.3065629648763766, rateHz)) {}
    double run(double x) { return s2.run(s1.run(x)); }
};

}  // namespace

struct CuttingAnalyser::State {
    struct Sums {
        double ll = 0, rr = 0, lr = 0;
    };
    struct Channel {  // audible band 20 Hz-20 kHz, top octave 10-20 kHz, sibilance octave 5-10 kHz
        Butterworth4 fullHp, fullLp, hiHp, hiLp, bandHp, bandLp;
        Channel(double rate)
            : fullHp(true, 20.0, rate), fullLp(false, 20000.0, rate), hiHp(true, 10000.0, rate),
              hiLp(false, 20000.0, rate), bandHp(true, 5000.0, rate), bandLp(false, 10000.0, rate) {}
    };
    double rateHz;
    int channels;
    // Correlation: low-passed left and right, summed per hop (0.5 s).
    std::vector<Butterworth4> low;
    std::size_t hop;
    Sums current;
    std::vector<Sums> blocks;
    // Brightness.
    std::vector<Channel> bands;
    std::size_t win;
    double total = 0, top = 0;
    std::vector<double> winTotal, winBand;  // the windows the current block touches
    HfReading hf;
    std::size_t frames = 0;

    State(double rate, int ch, double cutoffHz)
        : rateHz(rate),
          channels(ch),
          hop(std::max<std::size_t>(1, static_cast<std::size_t>(rate * 0.5))),
          win(std::max<std::size_t>(1, static_cast<std::size_t>(rate * 0.05))) {
        for (int c = 0; c < std::min(ch, 2); ++c) low.emplace_back(false, cutoffHz, rate);
        if (rate >= 44100.0)  // the brightness bands reach 20 kHz
            for (int c = 0; c < ch; ++c) bands.emplace_back(rate);
    }

    // A 50 ms window is complete (or the programme ended in it): gate it and keep the brightest.
    void closeWindow(HfReading& into, std::size_t index, double windowTotal, double windowBand,
                     std::size_t windowFrames) const {
        const double gate = std::pow(10.0, -40.0 / 10.0);  // mean square of -40 dBFS RMS
        if (windowTotal / (static_cast<double>(windowFrames) * channels) < gate) return;
        const double share = 10.0 * std::log10(std::max(windowBand, 1e-30) / windowTotal);
        if (!into.sibilanceShareDb || share > *into.sibilanceShareDb) {
            into.sibilanceShareDb = share;
            into.sibilanceAtS = static_cast<double>(index * win) / rateHz;
        }
    }
};

CuttingAnalyser::CuttingAnalyser(double sampleRateHz, int channels, double cutoffHz)
    : state_(std::make_unique<State>(sampleRateHz, channels, cutoffHz)) {}

CuttingAnalyser::~CuttingAnalyser() = default;

void CuttingAnalyser::add(const BlockView& block) {
    State& s = *state_;
    const std::size_t n = block.frames;
    if (n == 0) return;
    // Correlation, frame by frame into the 0.5 s sums.
    if (s.channels == 2) {
        const float* l = block.channel(0);
        const float* r = block.channel(1);
        for (std::size_t i = 0; i < n; ++i) {
            const double a = s.low[0].run(l[i]), b = s.low[1].run(r[i]);
            s.current.ll += a * a;
            s.current.rr += b * b;
            s.current.lr += a * b;
            if ((s.frames + i + 1) % s.hop == 0) s.blocks.push_back(std::exchange(s.current, {}));
        }
    }
    if (s.bands.empty()) {  // under 44.1 kHz: no brightness reading
        s.frames += n;
        return;
    }
    // Brightness: the 50 ms windows this block touches, channel by channel.
    const std::size_t first = s.frames / s.win, last = (s.frames + n - 1) / s.win;
    const std::size_t count = last - first + 1;
    // winTotal[0]/winBand[0] carry the window the previous block left open.
    s.winTotal.resize(count, 0.0);
    s.winBand.resize(count, 0.0);
    for (int c = 0; c < block.channels; ++c) {
        auto& f = s.bands[static_cast<std::size_t>(c)];
        const float* x = block.channel(c);
        for (std::size_t i = 0; i < n; ++i) {
            const double full = f.fullLp.run(f.fullHp.run(x[i]));
            const double hi = f.hiLp.run(f.hiHp.run(x[i]));
            const double band = f.bandLp.run(f.bandHp.run(x[i]));
            s.total += full * full;
            s.top += hi * hi;
            const std::size_t w = (s.frames + i) / s.win - first;
            s.winTotal[w] += full * full;
            s.winBand[w] += band * band;
        }
    }
    s.frames += n;
    // Close every window that ended inside this block; keep the open one (if any) at index 0.
    const bool lastOpen = s.frames % s.win != 0;
    const std::size_t closed = lastOpen ? count - 1 : count;
    for (std::size_t w = 0; w < closed; ++w) s.closeWindow(s.hf, first + w, s.winTotal[w], s.winBand[w], s.win);
    if (lastOpen) {
        s.winTotal = {s.winTotal[count - 1]};
        s.winBand = {s.winBand[count - 1]};
    } else {
        s.winTotal.clear();
        s.winBand.clear();
    }
}

CorrelationReading CuttingAnalyser::correlation() const {
    const State& s = *state_;
    assert(s.channels == 2);
    using Sums = State::Sums;
    std::vector<Sums> blocks = s.blocks;
    if (s.frames % s.hop != 0) blocks.push_back(s.current);  // the last, shorter block
    CorrelationReading r;
    Sums total;
    for (const auto& b : blocks) {
        total.ll += b.ll;
        total.rr += b.rr;
        total.lr += b.lr;
    }
    auto corr = [](const Sums& x) -> std::optional<double> {
        if (x.ll <= 1e-20 || x.rr <= 1e-20) return std::nullopt;
        return x.lr / std::sqrt(x.ll * x.rr);
    };
    r.overall = corr(total);
    // 1 s windows with 50 % overlap: two consecutive blocks.
    std::vector<Sums> windows;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        Sums w = blocks[b];
        if (b + 1 < blocks.size()) {
            w.ll += blocks[b + 1].ll;
            w.rr += blocks[b + 1].rr;
            w.lr += blocks[b + 1].lr;
        }
        windows.push_back(w);
        if (b + 1 >= blocks.size() - 1) break;  // last window reaches the end
    }
    double loudest = 0.0;
    for (const auto& w : windows) loudest = std::max(loudest, w.ll + w.rr);
    for (std::size_t b = 0; b < windows.size(); ++b) {
        const auto& w = windows[b];
        if (w.ll + w.rr < loudest * 1e-3) continue;  // more than 30 dB below the loudest window
        if (auto c = corr(w); c && (!r.minimum || *c < *r.minimum)) {
            r.minimum = c;
            r.minimumAtS = static_cast<double>(b * s.hop) / s.rateHz;
        }
    }
    return r;
}

HfReading CuttingAnalyser::hf() const {
    const State& s = *state_;
    assert(!s.bands.empty());  // a rate of at least 44.1 kHz
    HfReading r = s.hf;
    if (s.total > 1e-20) r.topOctaveShareDb = 10.0 * std::log10(std::max(s.top, 1e-30) / s.total);
    if (!s.winTotal.empty())  // the programme ended inside a window
        s.closeWindow(r, s.frames / s.win, s.winTotal[0], s.winBand[0], s.frames % s.win);
    return r;
}

namespace {
BlockView viewOf(const AudioBuffer& audio) {  // add() only reads
    BlockView v{};
    v.channels = audio.channels();
    v.frames = audio.frames();
    for (int c = 0; c < v.channels; ++c)
        v.data[static_cast<std::size_t>(c)] = const_cast<float*>(audio.samples[static_cast<std::size_t>(c)].data());
    return v;
}
}  // namespace

CorrelationReading lowFrequencyCorrelation(const AudioBuffer& audio, double cutoffHz) {
    assert(audio.channels() == 2);
    CuttingAnalyser a(audio.sampleRateHz, 2, cutoffHz);
    a.add(viewOf(audio));
    return a.correlation();
}

HfReading hfEnergy(const AudioBuffer& audio) {
    assert(audio.sampleRateHz >= 44100.0);
    CuttingAnalyser a(audio.sampleRateHz, audio.channels());
    a.add(viewOf(audio));
    return a.hf();
}

std::vector<Diagnostic> cuttingWarnings(const std::string& where, const CorrelationReading& corr,
                                        const HfReading& hf) {
    std::vector<Diagnostic> d;
    char buf[160];
    if (corr.overall && *corr.overall < kMinCorrelation) {
        std::snprintf(buf, sizeof buf, "low-frequency stereo correlation is %+.2f, below +0.5",
                      *corr.overall);
        d.push_back(
            {where, buf,
             "make the bass more mono (mono_bass_hz) so the groove's vertical motion stays cuttable"});
    } else if (corr.minimum && *corr.minimum < kMinCorrelation) {
        std::snprintf(buf, sizeof buf, "low-frequency stereo correlation falls to %+.2f at %s, below +0.5",
                      *corr.minimum, clock(corr.minimumAtS).c_str());
        d.push_back({where, buf, "make the bass more mono (mono_bass_hz) there"});
    }
    if (hf.topOctaveShareDb && *hf.topOctaveShareDb > kTopOctaveWarnDb) {
        std::snprintf(
            buf, sizeof buf,
            "the top octave (above 10 kHz) holds %.1f dB of the energy, more than pink noise's -10 dB",
            *hf.topOctaveShareDb);
        d.push_back({where, buf, "tame the top octave (high shelf) for the cut"});
    }
    if (hf.sibilanceShareDb && *hf.sibilanceShareDb > kSibilanceWarnDb) {
        std::snprintf(buf, sizeof buf,
                      "5-10 kHz holds %.1f dB of the energy at %s, more than pink noise's -10 dB",
                      *hf.sibilanceShareDb, clock(hf.sibilanceAtS).c_str());
        d.push_back({where, buf, "de-ess before the cut"});
    }
    return d;
}

// ---------------------------------------------------------------------------------------------
AudioBuffer assembleSide(const std::vector<const AudioBuffer*>& trackFiles, double leadInS, double leadOutS) {
    assert(!trackFiles.empty());
    assert(leadInS >= kMinLeadInS && leadOutS >= kMinLeadInS);
    const double rate = trackFiles.front()->sampleRateHz;
    const int channels = trackFiles.front()->channels();
    const auto in = static_cast<std::size_t>(std::lround(leadInS * rate));
    const auto out = static_cast<std::size_t>(std::lround(leadOutS * rate));
    std::size_t total = in + out;
    for (const AudioBuffer* t : trackFiles) {
        assert(t->sampleRateHz == rate && t->channels() == channels);
        total += t->frames();
    }
    AudioBuffer side(channels, total, rate);
    std::size_t pos = in;
    for (const AudioBuffer* t : trackFiles) {
        for (int c = 0; c < channels; ++c) {
            const auto& src = t->samples[static_cast<std::size_t>(c)];
            std::copy(src.begin(), src.end(),
                      side.samples[static_cast<std::size_t>(c)].begin() + static_cast<std::ptrdiff_t>(pos));
        }
        pos += t->frames();
    }
    return side;
}

std::vector<CuttingRow> cuttingSheet(const VinylPlan& plan, const std::vector<TrackFacts>& facts,
                                     double leadInS) {
    std::vector<CuttingRow> rows;
    for (const auto& side : plan.sides) {
        double t = leadInS;
        for (int n : side.tracks) {
            auto it =
                std::find_if(facts.begin(), facts.end(), [&](const TrackFacts& f) { return f.number == n; });
            if (it == facts.end()) continue;
            rows.push_back({side.name, n, it->title, t, it->durationS, it->peakDbtp, it->integratedLufs});
            t += it->durationS;
        }
    }
    return rows;
}

std::string cuttingSheetMarkdown(const std::vector<CuttingRow>& rows) {
    std::string s =
        "| side | track | title | start | duration | peak dBTP | loudness LUFS "
        "|\n|---|---|---|---|---|---|---|\n";
    char buf[32];
    for (const auto& r : rows) {
        const std::string title = text::forMarkdown(r.title);  // one table cell of plain text
        s += "| " + r.side + " | " + std::to_string(r.track) + " | " + title + " | " + clock(r.startS) +
             " | " + clock(r.durationS) + " | ";
        if (r.peakDbtp) {
            std::snprintf(buf, sizeof buf, "%.1f", *r.peakDbtp);
            s += buf;
        }
        s += " | ";
        if (r.integratedLufs) {
            std::snprintf(buf, sizeof buf, "%.1f", *r.integratedLufs);
            s += buf;
        }
        s += " |\n";
    }
    return s;
}

std::string vinylSideName(std::size_t i) {
    std::string s;
    std::size_t n = i;
    do {
        s.insert(s.begin(), static_cast<char>('A' + n % 26));
        n = n / 26;
    } while (n-- > 0);
    return s;
}

}  // namespace lacquer::delivery

