// SPDX-License-Identifier: GPL-3.0-or-later
// make_demo_album: synthesises the sources of lacquer's demo album (albums/demo/album.yaml).
//
//   make_demo_album OUTDIR [--force]
//
// Writes OUTDIR/mixes/0N-*.{wav,flac,aiff} (six short pieces with drums, bass, chords and a
// melody, in six different formats) and OUTDIR/irs/room.wav (a stereo room impulse response),
// then measures every file through lacquer's own decode and loudness path and prints a table.
// Existing files are kept unless --force. Output is deterministic: every random number comes from
// a fixed-seed splitmix64 generator (the standard library's distributions differ between
// implementations), so reruns on any machine give the same samples.
#include <fftw3.h>
#include <sndfile.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "lacquer/common/audio.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/loudness/meter.hpp"

namespace fs = std::filesystem;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// ---------------------------------------------------------------------------------------------
// Building blocks

// splitmix64: tiny, fast, and identical on every platform.
struct Rng {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    double bipolar() { return 2.0 * uniform() - 1.0; }                         // [-1, 1)
    int below(int n) { return static_cast<int>(uniform() * n); }
};

double midiToHz(double note) { return 440.0 * std::pow(2.0, (note - 69.0) / 12.0); }

// Equal-power pan: -1 hard left, 0 centre (-3 dB each side), +1 hard right.
struct PanGains {
    double l, r;
};
PanGains panGains(double pan) {
    const double a = (std::clamp(pan, -1.0, 1.0) + 1.0) * kPi / 4.0;
    return {std::cos(a), std::sin(a)};
}

// A stereo mix bus in double precision.
struct Bus {
    double rate;
    std::vector<double> l, r;
    Bus(double rateHz, std::size_t frames) : rate(rateHz), l(frames, 0.0), r(frames, 0.0) {}
    std::size_t frames() const { return l.size(); }
    std::size_t frameAt(double t) const { return static_cast<std::size_t>(std::max(0.0, t) * rate); }
    void add(std::size_t n, double left, double right) {
        if (n < l.size()) {
            l[n] += left;
            r[n] += right;
        }
    }
};

double onePoleCoef(double cutoffHz, double rate) { return 1.0 - std::exp(-kTwoPi * cutoffHz / rate); }

// Topology-preserving state-variable low-pass (Zavalishin); stable under fast cutoff changes.
struct Svf {
    double ic1 = 0, ic2 = 0, a1 = 0, a2 = 0, a3 = 0;
    void set(double cutoffHz, double q, double rate) {
        const double g = std::tan(kPi * std::min(cutoffHz, 0.45 * rate) / rate);
        const double k = 1.0 / q;
        a1 = 1.0 / (1.0 + g * (g + k));
        a2 = g * a1;
        a3 = g * a2;
    }
    double lowpass(double x) {
        const double v3 = x - ic2;
        const double v1 = a1 * ic1 + a2 * v3;
        const double v2 = ic2 + a2 * ic1 + a3 * v3;
        ic1 = 2.0 * v1 - ic1;
        ic2 = 2.0 * v2 - ic2;
        return v2;
    }
};

// Band-limited sawtooth and pulse by polyBLEP (removes most aliasing of the naive waveforms).
double polyBlep(double t, double dt) {
    if (t < dt) {
        t /= dt;
        return t + t - t * t - 1.0;
    }
    if (t > 1.0 - dt) {
        t = (t - 1.0) / dt;
        return t * t + t + t + 1.0;
    }
    return 0.0;
}
double sawBlep(double phase, double dt) { return 2.0 * phase - 1.0 - polyBlep(phase, dt); }
double pulseBlep(double phase, double dt, double width) {
    double p2 = phase + (1.0 - width);
    if (p2 >= 1.0) p2 -= 1.0;
    return (phase < width ? 1.0 : -1.0) + polyBlep(phase, dt) - polyBlep(p2, dt);
}

// Attack-decay-sustain-release amplitude at time t of a note held for `gate` seconds.
struct Adsr {
    double attackS, decayS, sustain, releaseS;
    double at(double t, double gate) const {
        auto held = [&](double x) {
            if (x < attackS) return x / attackS;
            return sustain + (1.0 - sustain) * std::exp(-(x - attackS) / decayS);
        };
        if (t < gate) return held(t);
        return held(gate) * std::exp(-(t - gate) / (releaseS / 4.6));  // -40 dB after releaseS
    }
    double lengthS(double gate) const { return gate + releaseS; }
};

// ---------------------------------------------------------------------------------------------
// Instruments. Each adds one event into a bus at time t0 (seconds).

void kick(Bus& b, Rng& rng, double t0, double vel, double tuneHz, double decayS) {
    const std::size_t n0 = b.frameAt(t0);
    const auto len = static_cast<std::size_t>((decayS * 5.0) * b.rate);
    double phase = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const double t = static_cast<double>(i) / b.rate;
        const double f = tuneHz * (1.0 + 2.8 * std::exp(-t / 0.025));  // pitch drop gives the punch
        phase += f / b.rate;
        const double body = std::sin(kTwoPi * phase) * std::exp(-t / decayS) * std::min(1.0, t / 0.0008);
        const double click = 0.18 * rng.bipolar() * std::exp(-t / 0.0012);
        const double v = vel * 0.707 * (body + click);
        b.add(n0 + i, v, v);
    }
}

void snare(Bus& b, Rng& rng, double t0, double vel, double pan, double toneHz, double decayS) {
    const std::size_t n0 = b.frameAt(t0);
    const auto len = static_cast<std::size_t>(decayS * 6.0 * b.rate);
    const PanGains g = panGains(pan);
    const double hp = onePoleCoef(1200.0, b.rate), lp = onePoleCoef(9000.0, b.rate);
    double zHp = 0, zLp = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const double t = static_cast<double>(i) / b.rate;
        const double tone = 0.55 * std::sin(kTwoPi * toneHz * t) * std::exp(-t / 0.045) +
                            0.25 * std::sin(kTwoPi * toneHz * 1.78 * t) * std::exp(-t / 0.03);
        const double x = rng.bipolar();
        zHp += hp * (x - zHp);
        zLp += lp * ((x - zHp) - zLp);
        const double v = vel * (tone + 0.75 * zLp * std::exp(-t / decayS)) * std::min(1.0, t / 0.0005);
        b.add(n0 + i, v * g.l, v * g.r);
    }
}

// Closed/open hi-hat or ride: high-passed noise with a few metallic square partials.
void hat(Bus& b, Rng& rng, double t0, double vel, double pan, double decayS, double brightHz) {
    const std::size_t n0 = b.frameAt(t0);
    const auto len = static_cast<std::size_t>(decayS * 6.0 * b.rate);
    const PanGains g = panGains(pan);
    const double hp = onePoleCoef(brightHz, b.rate), lp = onePoleCoef(15000.0, b.rate);
    static constexpr std::array<double, 4> kPartialsHz{3210.0, 4730.0, 5880.0, 7390.0};
    double z1 = 0, z2 = 0, z3 = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const double t = static_cast<double>(i) / b.rate;
        double metal = 0;
        for (double f : kPartialsHz) metal += std::sin(kTwoPi * f * t) > 0 ? 0.25 : -0.25;
        const double x = 0.7 * rng.bipolar() + 0.3 * metal;
        z1 += hp * (x - z1);
        const double h1 = x - z1;
        z2 += hp * (h1 - z2);
        z3 += lp * ((h1 - z2) - z3);
        const double v = vel * 1.6 * z3 * std::exp(-t / decayS);
        b.add(n0 + i, v * g.l, v * g.r);
    }
}

struct BassTone {
    double cutoffHz, envHz, envDecayS, q, sub, saw;  // sub/saw: mix of sine sub and sawtooth
    Adsr amp;
};

void bassNote(Bus& b, double t0, double gateS, double note, double vel, const BassTone& tone) {
    const std::size_t n0 = b.frameAt(t0);
    const auto len = static_cast<std::size_t>(tone.amp.lengthS(gateS) * b.rate);
    const double f = midiToHz(note), dt = f / b.rate;
    Svf svf;
    double phase = 0, subPhase = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const double t = static_cast<double>(i) / b.rate;
        if (i % 16 == 0) svf.set(tone.cutoffHz + tone.envHz * std::exp(-t / tone.envDecayS), tone.q, b.rate);
        const double osc = tone.saw * sawBlep(phase, dt) + tone.sub * std::sin(kTwoPi * subPhase);
        phase += dt;
        if (phase >= 1.0) phase -= 1.0;
        subPhase += dt * 0.5;
        if (subPhase >= 1.0) subPhase -= 1.0;
        const double v = vel * 0.707 * svf.lowpass(osc) * tone.amp.at(t, gateS);
        b.add(n0 + i, v, v);
    }
}

struct PadTone {
    double cutoffHz, lfoDepth, detuneCents, width, q;
    Adsr amp;
};

// Three detuned sawtooth voices per note, spread left/centre/right, through a slowly breathing
// low-pass per side: the width comes from the detuning, not from a mono copy.
void padChord(Bus& b, double t0, double gateS, const std::vector<int>& notes, double vel, const PadTone& tone,
              std::uint64_t seed) {
    const std::size_t n0 = b.frameAt(t0);
    const auto len = static_cast<std::size_t>(tone.amp.lengthS(gateS) * b.rate);
    Rng rng{seed};
    for (int note : notes) {
        std::array<double, 3> phase{rng.uniform(), rng.uniform(), rng.uniform()};
        std::array<double, 3> dt{};
        const std::array<double, 3> cents{-tone.detuneCents, 0.0, tone.detuneCents * 1.07};
        for (int v = 0; v < 3; ++v) dt[v] = midiToHz(note + cents[v] / 100.0) / b.rate;
        const std::array<PanGains, 3> pans{panGains(-tone.width), panGains(0), panGains(tone.width)};
        Svf svfL, svfR;
        const double lfoPhase = rng.uniform() * kTwoPi;
        const double noteVel = vel / std::sqrt(static_cast<double>(notes.size())) * 0.5;
        for (std::size_t i = 0; i < len; ++i) {
            const double t = static_cast<double>(i) / b.rate;
            if (i % 32 == 0) {
                const double fc = tone.cutoffHz * (1.0 + tone.lfoDepth * std::sin(kTwoPi * 0.15 * t + lfoPhase));
                svfL.set(fc, tone.q, b.rate);
                svfR.set(fc * 1.05, tone.q, b.rate);
            }
            double l = 0, r = 0;
            for (int v = 0; v < 3; ++v) {
                const double s = sawBlep(phase[v], dt[v]);
                phase[v] += dt[v];
                if (phase[v] >= 1.0) phase[v] -= 1.0;
                l += s * pans[v].l;
                r += s * pans[v].r;
            }
            const double a = noteVel * tone.amp.at(t, gateS);
            b.add(n0 + i, a * svfL.lowpass(l), a * svfR.lowpass(r));
        }
    }
}

enum class LeadKind { Bell, ElectricPiano, Pluck, Square };

// One melody note. Bell and electric piano are two-operator FM; pluck is Karplus-Strong; square is
// a band-limited pulse with delayed vibrato through a low-pass.
void leadNote(Bus& b, Rng& rng, LeadKind kind, double t0, double gateS, double note, double vel, double pan,
              double brightness) {
    const std::size_t n0 = b.frameAt(t0);
    const double f = midiToHz(note);
    const PanGains g = panGains(pan);
    switch (kind) {
    case LeadKind::Bell:
    case LeadKind::ElectricPiano: {
        const bool bell = kind == LeadKind::Bell;
        const double ratio = bell ? 3.5 : 1.0, decayS = bell ? 2.2 : 1.1;
        const double index0 = (bell ? 2.5 : 2.2) * brightness, indexDecayS = bell ? 0.5 : 0.25;
        const auto len = static_cast<std::size_t>((std::min(gateS, decayS) + 0.6) * b.rate);
        for (std::size_t i = 0; i < len; ++i) {
            const double t = static_cast<double>(i) / b.rate;
            const double index = index0 * std::exp(-t / indexDecayS);
            const double mod = std::sin(kTwoPi * f * ratio * t);
            double v = std::sin(kTwoPi * f * t + index * mod);
            if (!bell) v += 0.12 * std::sin(kTwoPi * f * 14.0 * t) * std::exp(-t / 0.02);  // tine
            const double env = std::min(1.0, t / 0.003) * std::exp(-t / decayS) *
                               (t < gateS ? 1.0 : std::exp(-(t - gateS) / 0.08));
            v *= vel * 0.5 * env;
            b.add(n0 + i, v * g.l, v * g.r);
        }
        break;
    }
    case LeadKind::Pluck: {
        // Karplus-Strong with a fractional delay: period P = rate/f; the two-point average adds half
        // a sample, so the line is P - 0.5 long, read with linear interpolation.
        const double delay = b.rate / f - 0.5;
        const auto size = static_cast<std::size_t>(delay) + 2;
        std::vector<double> line(size);
        double z = 0;
        const double lp = onePoleCoef(1500.0 + 6000.0 * brightness, b.rate);
        for (auto& x : line) {
            z += lp * (rng.bipolar() - z);
            x = z;
        }
        const double loss = std::pow(0.001, 1.0 / (f * 2.5));  // about -60 dB after 2.5 s
        const auto len = static_cast<std::size_t>((std::min(gateS + 0.3, 2.5)) * b.rate);
        const double frac = delay - std::floor(delay);
        const auto whole = static_cast<std::size_t>(delay);
        std::size_t w = 0;
        double prev = 0;
        for (std::size_t i = 0; i < len; ++i) {
            const std::size_t r1 = (w + size - whole) % size, r2 = (w + size - whole - 1) % size;
            const double y = (1.0 - frac) * line[r1] + frac * line[r2];
            const double out = loss * 0.5 * (y + prev);
            prev = y;
            line[w] = out;
            w = (w + 1) % size;
            const double t = static_cast<double>(i) / b.rate;
            const double env = t < gateS + 0.2 ? 1.0 : std::exp(-(t - gateS - 0.2) / 0.05);
            const double v = vel * 0.9 * y * env;
            b.add(n0 + i, v * g.l, v * g.r);
        }
        break;
    }
    case LeadKind::Square: {
        const Adsr amp{0.01, 0.3, 0.75, 0.15};
        const auto len = static_cast<std::size_t>(amp.lengthS(gateS) * b.rate);
        Svf svf;
        double phase = 0;
        for (std::size_t i = 0; i < len; ++i) {
            const double t = static_cast<double>(i) / b.rate;
            const double vib = 1.0 + 0.006 * std::min(1.0, std::max(0.0, t - 0.25) / 0.3) * std::sin(kTwoPi * 5.5 * t);
            const double dt = f * vib / b.rate;
            if (i % 32 == 0) svf.set(900.0 + 4000.0 * brightness * (0.4 + 0.6 * std::exp(-t / 0.4)), 0.9, b.rate);
            const double s = pulseBlep(phase, dt, 0.42);
            phase += dt;
            if (phase >= 1.0) phase -= 1.0;
            const double v = vel * 0.35 * svf.lowpass(s) * amp.at(t, gateS);
            b.add(n0 + i, v * g.l, v * g.r);
        }
        break;
    }
    }
}

// Ping-pong echo with darkening feedback, added to the bus in place.
void pingPong(Bus& b, double delayS, double feedback, double wet) {
    const auto d = static_cast<std::size_t>(delayS * b.rate);
    std::vector<double> dl(b.frames(), 0.0), dr(b.frames(), 0.0);
    const double lp = onePoleCoef(3500.0, b.rate);
    double zl = 0, zr = 0;
    for (std::size_t n = 0; n < b.frames(); ++n) {
        const double yl = n >= d ? dl[n - d] : 0.0, yr = n >= d ? dr[n - d] : 0.0;
        zl += lp * (yl - zl);
        zr += lp * (yr - zr);
        dl[n] = 0.5 * (b.l[n] + b.r[n]) + feedback * zr;
        dr[n] = feedback * zl;
        b.l[n] += wet * yl;
        b.r[n] += wet * yr;
    }
}

// ---------------------------------------------------------------------------------------------
// Songs

enum Part : unsigned {
    kKick = 1u << 0,
    kSnare = 1u << 1,
    kHats = 1u << 2,
    kBass = 1u << 3,
    kPad = 1u << 4,
    kLead = 1u << 5,
    kArp = 1u << 6,
};

struct Section {
    int bars;
    unsigned parts;
    double level;  // scales every part in the section (the song's dynamics)
};

enum class BassStyle { Pattern, Walking };

struct Song {
    std::string file;
    std::string title;
    int sfFormat;
    double rateHz;
    int channels;       // 1: rendered in stereo, then folded to mono
    double targetLufs;  // integrated, as our meter reads the written file
    double kneeLinear;  // soft-clip knee; lower = denser, louder master bus
    double bpm;
    double swing;     // 0..0.5: delay of the off-beat 16ths (or 8ths with swingEighths), in 16ths
    bool swingEighths;
    int rootMidi;  // the key's tonic, in the pad's register
    std::vector<int> scale;
    std::vector<int> progression;  // scale degree (0-based) of each bar's chord
    bool sevenths;
    std::vector<Section> sections;
    std::string kickPat, snarePat, hatPat;  // 16 steps: '.' rest, 'o' ghost, 'x' normal, 'X' accent, 'O' open hat
    std::string bassPat;  // 16 steps: 'R' root, '5' fifth, 'O' octave, '3' third, '-' hold, '.' rest
    BassStyle bassStyle;
    BassTone bassTone;
    PadTone padTone;
    LeadKind lead;
    double leadBrightness, leadDensity;
    int leadCentreMidi;
    double kickTuneHz, kickDecayS, snareToneHz, snareDecayS, hatDecayS, hatBrightHz;
    double drumsDb, bassDb, padDb, leadDb, arpDb;
    double echoBeats;  // ping-pong delay on the lead, in beats (0 = none)
    std::uint64_t seed;
};

const std::vector<int> kMajor{0, 2, 4, 5, 7, 9, 11};
const std::vector<int> kMinor{0, 2, 3, 5, 7, 8, 10};
const std::vector<int> kDorian{0, 2, 3, 5, 7, 9, 10};

int scaleNote(const Song& s, int degree) {
    const int n = static_cast<int>(s.scale.size());
    const int octave = degree >= 0 ? degree / n : -((-degree + n - 1) / n);
    return s.rootMidi + 12 * octave + s.scale[static_cast<std::size_t>(degree - octave * n)];
}

// The chord on `degree`, voiced near `centre` (each tone in the octave closest to it): smooth voice
// leading between bars without a full voice-leading solver.
std::vector<int> chordNotes(const Song& s, int degree, int centre) {
    std::vector<int> notes;
    for (int k = 0; k < (s.sevenths ? 4 : 3); ++k) {
        int n = scaleNote(s, degree + 2 * k);
        while (n > centre + 6) n -= 12;
        while (n < centre - 6) n += 12;
        notes.push_back(n);
    }
    std::sort(notes.begin(), notes.end());
    // No semitone clusters (a major seventh folded under its root sounds muddy in a pad): lift
    // the lower note of such a pair an octave.
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i + 1 < notes.size(); ++i)
            if (notes[i + 1] - notes[i] <= 1) {
                notes[i] += 12;
                std::sort(notes.begin(), notes.end());
                changed = true;
                break;
            }
    }
    return notes;
}

double dbToLinear(double db) { return std::pow(10.0, db / 20.0); }

double velocityOf(char c) {
    switch (c) {
    case 'o': return 0.35;
    case 'x': return 0.7;
    case 'X': case 'O': return 1.0;
    default: return 0.0;
    }
}

struct MelodyNote {
    int step;    // 8th-note step within the 2-bar motif
    int length;  // in 8ths
    int degree;  // scale degrees above the chord root
};

// A 2-bar motif on an 8th-note grid: a random walk over the scale whose strong-beat notes land on
// chord tones (degree 0, 2, 4 or 7 above the chord's root).
std::vector<MelodyNote> makeMotif(Rng& rng, double density, bool resolve) {
    std::vector<MelodyNote> motif;
    int degree = 2 + 2 * rng.below(2);
    for (int step = 0; step < 16;) {
        const bool strong = step % 2 == 0;  // on the beat: a chord tone
        if (rng.uniform() < (strong ? density + 0.25 : density)) {
            static constexpr std::array<int, 6> kLengths{1, 1, 2, 2, 3, 4};
            int length = std::min(kLengths[static_cast<std::size_t>(rng.below(6))], 16 - step);
            static constexpr std::array<int, 7> kMoves{-2, -1, -1, 0, 1, 1, 2};
            degree = std::clamp(degree + kMoves[static_cast<std::size_t>(rng.below(7))], -2, 9);
            if (strong) {
                static constexpr std::array<int, 4> kChordTones{0, 2, 4, 7};
                int best = 0;
                for (int c : kChordTones)
                    if (std::abs(c - degree) < std::abs(best - degree)) best = c;
                degree = best;
            }
            motif.push_back({step, length, degree});
            step += length;
        } else {
            ++step;
        }
    }
    if (resolve && !motif.empty()) {
        motif.back().degree = motif.back().degree > 3 ? 7 : 0;
        motif.back().length = 16 - motif.back().step;
    }
    return motif;
}

// Time of 16th step `step16` (may exceed 16) of the bar starting at barStartS, with swing.
double stepTime(const Song& s, double barStartS, double step16) {
    const double sixteenthS = 60.0 / s.bpm / 4.0;
    const int whole = static_cast<int>(step16);
    double t = barStartS + step16 * sixteenthS;
    const bool offBeat = s.swingEighths ? (whole % 4 == 2) : (whole % 2 == 1);
    if (offBeat && static_cast<double>(whole) == step16) t += s.swing * sixteenthS * (s.swingEighths ? 2.0 : 1.0);
    return t;
}

struct Rendered {
    Bus bus;
    double durationS;
};

Rendered renderSong(const Song& s) {
    const double barS = 4.0 * 60.0 / s.bpm, sixteenthS = barS / 16.0;
    int totalBars = 0;
    for (const auto& sec : s.sections) totalBars += sec.bars;
    const double tailS = 2.5;
    const double durationS = totalBars * barS + tailS;
    Bus mix(s.rateHz, static_cast<std::size_t>(durationS * s.rateHz));
    Bus drums(s.rateHz, mix.frames()), bass(s.rateHz, mix.frames()), pads(s.rateHz, mix.frames()),
        lead(s.rateHz, mix.frames()), arp(s.rateHz, mix.frames());
    Rng rng{s.seed};
    Rng drumRng{s.seed ^ 0xD5u};

    // Two motif pairs (A, B) and resolving variants, repeated phrase-wise: A B A B' ...
    const auto motifA = makeMotif(rng, s.leadDensity, false);
    const auto motifB = makeMotif(rng, s.leadDensity, false);
    const auto motifB2 = makeMotif(rng, s.leadDensity * 0.8, true);
    const int leadCentreDegree = [&] {
        int d = 0;
        while (scaleNote(s, d) < s.leadCentreMidi - 6) ++d;
        return d;
    }();

    int bar = 0, leadBar = 0;
    int prevCentre = s.rootMidi + 4;
    for (const auto& sec : s.sections) {
        for (int sb = 0; sb < sec.bars; ++sb, ++bar) {
            const double t0 = bar * barS;
            const int degree = s.progression[static_cast<std::size_t>(bar) % s.progression.size()];
            const int nextDegree = s.progression[static_cast<std::size_t>(bar + 1) % s.progression.size()];
            const auto chord = chordNotes(s, degree, prevCentre);
            prevCentre = (chord.front() + chord.back()) / 2;
            const double lvl = sec.level;
            // Fills: the last bar of a section before a louder one gets a snare roll.
            const bool fill = sb == sec.bars - 1 && (sec.parts & kSnare);

            if (sec.parts & kPad) padChord(pads, t0, barS * 0.98, chord, lvl, s.padTone, s.seed * 131 + static_cast<std::uint64_t>(bar));

            for (int st = 0; st < 16; ++st) {
                const double t = stepTime(s, t0, st) + 0.003 * drumRng.bipolar();
                const double human = 1.0 + 0.08 * drumRng.bipolar();
                if ((sec.parts & kKick) && velocityOf(s.kickPat[st]) > 0)
                    kick(drums, drumRng, t, lvl * human * velocityOf(s.kickPat[st]), s.kickTuneHz, s.kickDecayS);
                if (sec.parts & kSnare) {
                    double v = velocityOf(s.snarePat[st]);
                    if (fill && st >= 12) v = std::max(v, 0.3 + 0.15 * (st - 12));
                    if (v > 0) snare(drums, drumRng, t, lvl * human * v, -0.12, s.snareToneHz, s.snareDecayS);
                }
                if ((sec.parts & kHats) && velocityOf(s.hatPat[st]) > 0) {
                    const bool open = s.hatPat[st] == 'O';
                    hat(drums, drumRng, t, lvl * human * velocityOf(s.hatPat[st]) * (open ? 0.8 : 1.0), 0.35,
                        open ? s.hatDecayS * 5.0 : s.hatDecayS, s.hatBrightHz);
                }
            }

            if (sec.parts & kBass) {
                // Bass roots sit in E1..D#2 (MIDI 28..39), chord tones above them.
                auto bassRoot = [&](int deg) {
                    int n = scaleNote(s, deg);
                    while (n >= 40) n -= 12;
                    while (n < 28) n += 12;
                    return n;
                };
                const int root = bassRoot(degree);
                const int third = root + scaleNote(s, degree + 2) - scaleNote(s, degree);
                const int fifth = root + scaleNote(s, degree + 4) - scaleNote(s, degree);
                if (s.bassStyle == BassStyle::Walking) {
                    // Quarter notes: root, third, fifth, then a chromatic approach into the next
                    // bar's root.
                    const std::array<int, 4> walk{root, third, rng.uniform() < 0.5 ? fifth : root + 12,
                                                  bassRoot(nextDegree) + (rng.uniform() < 0.5 ? 1 : -1)};
                    for (int q = 0; q < 4; ++q)
                        bassNote(bass, stepTime(s, t0, q * 4), sixteenthS * 3.6, walk[static_cast<std::size_t>(q)],
                                 lvl * (q == 0 ? 1.0 : 0.85), s.bassTone);
                } else {
                    for (int st = 0; st < 16; ++st) {
                        const char c = s.bassPat[static_cast<std::size_t>(st)];
                        if (c == '.' || c == '-') continue;
                        int hold = 1;
                        while (st + hold < 16 && s.bassPat[static_cast<std::size_t>(st + hold)] == '-') ++hold;
                        const int note = c == '5' ? fifth : c == 'O' ? root + 12 : c == '3' ? third : root;
                        bassNote(bass, stepTime(s, t0, st), sixteenthS * (hold - 0.25), note, lvl, s.bassTone);
                    }
                }
            }

            if (sec.parts & kArp) {
                // 16th-note arpeggio over the chord, up and down across two octaves.
                static constexpr std::array<int, 8> kOrder{0, 1, 2, 3, 4, 3, 2, 1};
                for (int st = 0; st < 16; ++st) {
                    const int k = kOrder[static_cast<std::size_t>(st % 8)];
                    const int n = chord[static_cast<std::size_t>(k % static_cast<int>(chord.size()))] + 12 * (k / static_cast<int>(chord.size())) + 12;
                    leadNote(arp, rng, LeadKind::Pluck, stepTime(s, t0, st), sixteenthS * 0.8, n,
                             lvl * (st % 4 == 0 ? 0.9 : 0.6), st % 2 ? 0.45 : -0.45, 0.5);
                }
            }

            if (sec.parts & kLead) {
                const bool secondHalf = leadBar % 4 >= 2;
                const bool lastPhrase = leadBar % 8 >= 4;
                const auto& motif = !secondHalf ? motifA : (lastPhrase ? motifB2 : motifB);
                const int half = leadBar % 2;
                for (const auto& m : motif) {
                    if (m.step / 8 != half) continue;
                    // The chord's root in the melody's register: the degree a third or so under the
                    // centre that names the same pitch class as the chord root, so the motif's
                    // offsets 0/2/4/7 are chord tones of whatever bar it lands on.
                    const int base = leadCentreDegree - 3;
                    const int chordRootDegree = base + (((degree - base) % 7) + 7) % 7;
                    const int n = scaleNote(s, chordRootDegree + m.degree);
                    const double t = stepTime(s, t0, (m.step % 8) * 2) + 0.004 * rng.bipolar();
                    const double gate = m.length * 2 * sixteenthS * 0.92;
                    leadNote(lead, rng, s.lead, t, gate, n, lvl * (0.85 + 0.15 * rng.uniform()), 0.2 * rng.bipolar(),
                             s.leadBrightness);
                }
                ++leadBar;
            }
        }
    }
    if (s.echoBeats > 0) pingPong(lead, s.echoBeats * 60.0 / s.bpm, 0.38, 0.3);
    pingPong(arp, 0.75 * 60.0 / s.bpm, 0.3, 0.25);

    const double gd = dbToLinear(s.drumsDb), gb = dbToLinear(s.bassDb), gp = dbToLinear(s.padDb),
                 gl = dbToLinear(s.leadDb), ga = dbToLinear(s.arpDb);
    for (std::size_t n = 0; n < mix.frames(); ++n) {
        mix.l[n] = gd * drums.l[n] + gb * bass.l[n] + gp * pads.l[n] + gl * lead.l[n] + ga * arp.l[n];
        mix.r[n] = gd * drums.r[n] + gb * bass.r[n] + gp * pads.r[n] + gl * lead.r[n] + ga * arp.r[n];
    }
    // A 20 Hz high-pass (DC and sub rumble), a 5 ms fade-in and a fade over the last bar and tail.
    const double hp = onePoleCoef(20.0, s.rateHz);
    double zl = 0, zr = 0;
    const double fadeOutStartS = durationS - tailS - barS * 0.5;
    for (std::size_t n = 0; n < mix.frames(); ++n) {
        zl += hp * (mix.l[n] - zl);
        zr += hp * (mix.r[n] - zr);
        const double t = static_cast<double>(n) / s.rateHz;
        double g = std::min(1.0, t / 0.005);
        if (t > fadeOutStartS) g *= std::pow(std::max(0.0, 1.0 - (t - fadeOutStartS) / (durationS - fadeOutStartS)), 2.0);
        mix.l[n] = (mix.l[n] - zl) * g;
        mix.r[n] = (mix.r[n] - zr) * g;
    }
    return {std::move(mix), durationS};
}

// Soft clip: linear up to the knee, then a tanh curve that never reaches the ceiling. Sources stay
// unclipped (|x| < 0.97); a low knee makes a dense, loud master like commercial loud releases.
double softClip(double x, double knee) {
    constexpr double kCeiling = 0.97;
    const double a = std::abs(x);
    if (a <= knee) return x;
    const double y = knee + (kCeiling - knee) * std::tanh((a - knee) / (kCeiling - knee));
    return x < 0 ? -y : y;
}

lacquer::AudioBuffer toBuffer(const Bus& bus, int channels, double gain, double knee) {
    lacquer::AudioBuffer out(channels, bus.frames(), bus.rate);
    for (std::size_t n = 0; n < bus.frames(); ++n) {
        if (channels == 1) {
            out.samples[0][n] = static_cast<float>(softClip(gain * 0.5 * (bus.l[n] + bus.r[n]), knee));
        } else {
            out.samples[0][n] = static_cast<float>(softClip(gain * bus.l[n], knee));
            out.samples[1][n] = static_cast<float>(softClip(gain * bus.r[n], knee));
        }
    }
    return out;
}

double integratedOf(const lacquer::AudioBuffer& audio) {
    const auto m = lacquer::loudness::measure(audio, {.truePeak = lacquer::loudness::TruePeak::Off});
    if (!m.integratedLufs) throw lacquer::Error(lacquer::ErrorKind::Io, "make_demo_album", "a song measured silent");
    return *m.integratedLufs;
}

// Finds the master gain that puts the soft-clipped song on its target loudness (a few fixed-point
// steps: loudness grows monotonically with gain, a little less than 1 dB per dB past the knee).
lacquer::AudioBuffer master(const Bus& bus, const Song& s) {
    double gain = 1.0;
    lacquer::AudioBuffer out = toBuffer(bus, s.channels, gain, 1e9);  // unclipped
    gain = dbToLinear(s.targetLufs - integratedOf(out));
    for (int iteration = 0; iteration < 8; ++iteration) {
        out = toBuffer(bus, s.channels, gain, s.kneeLinear);
        const double errorDb = s.targetLufs - integratedOf(out);
        if (std::abs(errorDb) < 0.02) break;
        gain *= dbToLinear(errorDb * (iteration < 2 ? 1.0 : 1.5));
    }
    return out;
}

// A mix as sessions deliver it (for chain.trim in albums/demo/album.yaml): 2 s of silence, a
// count-in of four stick clicks on the beats, the song from the fifth beat (2 + 4·60/bpm s), and
// 3 s of silence after its own tail.
lacquer::AudioBuffer withCountIn(const lacquer::AudioBuffer& song, double bpm) {
    const double fs = song.sampleRateHz, beatS = 60.0 / bpm;
    const auto head = static_cast<std::size_t>(std::llround((2.0 + 4 * beatS) * fs)), tail = static_cast<std::size_t>(3.0 * fs);
    lacquer::AudioBuffer out(song.channels(), head + song.frames() + tail, fs);
    Rng rng{0xC0417u};
    for (int k = 0; k < 4; ++k) {
        const auto at = static_cast<std::size_t>(std::llround((2.0 + k * beatS) * fs));
        for (std::size_t i = 0; i < static_cast<std::size_t>(0.03 * fs); ++i) {  // a 30 ms stick click, 2.5 kHz, decaying
            const double t = static_cast<double>(i) / fs;
            const double v = 0.25 * std::exp(-t / 0.006) * (std::sin(2 * 3.141592653589793 * 2500 * t) + 0.3 * rng.bipolar());
            for (auto& ch : out.samples) ch[at + i] = static_cast<float>(v);
        }
    }
    for (std::size_t c = 0; c < out.samples.size(); ++c)
        std::copy(song.samples[c].begin(), song.samples[c].end(), out.samples[c].begin() + static_cast<std::ptrdiff_t>(head));
    return out;
}

void writeAudio(const fs::path& file, const lacquer::AudioBuffer& audio, int sfFormat, std::uint64_t ditherSeed) {
    const fs::path tmp = file.string() + ".part";
    SF_INFO info{};
    info.samplerate = static_cast<int>(audio.sampleRateHz);
    info.channels = audio.channels();
    info.format = sfFormat;
    SNDFILE* sf = sf_open(tmp.c_str(), SFM_WRITE, &info);
    if (!sf)
        throw lacquer::Error(lacquer::ErrorKind::Io, file.string(), std::string("cannot write: ") + sf_strerror(nullptr));
    sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    // libsndfile adds a PEAK chunk with a timestamp to float files: reruns would differ in bytes.
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    const bool pcm16 = (sfFormat & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16;
    Rng rng{ditherSeed};
    const auto ch = static_cast<std::size_t>(audio.channels());
    std::vector<float> interleaved(audio.frames() * ch);
    for (std::size_t f = 0; f < audio.frames(); ++f)
        for (std::size_t c = 0; c < ch; ++c) {
            double v = audio.samples[c][f];
            if (pcm16) v += (rng.uniform() - rng.uniform()) / 32768.0;  // TPDF, ±1 LSB
            interleaved[f * ch + c] = static_cast<float>(v);
        }
    const auto frames = static_cast<sf_count_t>(audio.frames());
    const sf_count_t written = sf_writef_float(sf, interleaved.data(), frames);
    const std::string err = sf_strerror(sf);
    sf_close(sf);
    if (written != frames) throw lacquer::Error(lacquer::ErrorKind::Io, file.string(), "short write: " + err);
    fs::rename(tmp, file);
}

// ---------------------------------------------------------------------------------------------
// The album

std::vector<Song> album() {
    std::vector<Song> songs;
    // 1. First Light — quiet ambient opener: FM bells over a dark pad, soft kick, no snare.
    songs.push_back(Song{
        "01-first-light.wav", "First Light", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, -29.0, 0.9,
        72, 0.0, false, 62, kMajor, {0, 2, 5, 3}, true,
        {{2, kPad, 0.55}, {2, kPad | kLead, 0.7}, {4, kPad | kLead | kKick | kBass | kHats, 0.9}, {2, kPad | kLead, 0.6}},
        "x.......x.......", "................", "....o.......o...", "R-------5-------", BassStyle::Pattern,
        BassTone{180, 100, 0.3, 0.7, 1.0, 0.1, Adsr{0.02, 0.8, 0.8, 0.4}},
        PadTone{1200, 0.35, 9, 0.8, 0.6, Adsr{1.2, 2.0, 0.85, 1.6}},
        LeadKind::Bell, 0.7, 0.22, 81,
        50, 0.25, 190, 0.12, 0.05, 7500,
        -8, -6, 0, -3, -12, 0.75, 0x0101});
    // 2. Night Drive — synthwave: four-on-the-floor, octave bass, supersaw pad, square lead.
    songs.push_back(Song{
        "02-night-drive.wav", "Night Drive", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 48000, 2, -14.0, 0.7,
        104, 0.0, false, 57, kMinor, {0, 5, 2, 6}, false,
        {{4, kPad | kKick | kHats, 0.75}, {4, kPad | kKick | kHats | kBass | kArp, 0.85},
         {8, kPad | kKick | kSnare | kHats | kBass | kArp | kLead, 1.0}},
        "x...x...x...x...", "....X.......X...", "o.x.o.x.o.x.o.xO", "R.O.R.O.R.O.R.O.", BassStyle::Pattern,
        BassTone{300, 1400, 0.08, 1.2, 0.4, 0.8, Adsr{0.004, 0.2, 0.6, 0.05}},
        PadTone{3500, 0.25, 12, 0.9, 0.7, Adsr{0.3, 1.0, 0.8, 0.8}},
        LeadKind::Square, 0.8, 0.45, 76,
        48, 0.28, 180, 0.16, 0.035, 7000,
        -4, -3, -8, -5, -11, 0.75, 0x0202});
    // 3. Glass Garden — swung jazz-pop: ride, walking bass, electric piano over ii-V-I-vi sevenths.
    songs.push_back(Song{
        "03-glass-garden.wav", "Glass Garden", SF_FORMAT_WAVEX | SF_FORMAT_FLOAT, 96000, 2, -20.0, 0.8,
        88, 0.33, true, 51, kMajor, {1, 4, 0, 5}, true,
        {{2, kPad | kBass | kHats, 0.75}, {8, kPad | kBass | kHats | kKick | kSnare | kLead, 0.95},
         {2, kPad | kBass | kHats | kLead, 0.7}},
        "x.....o...x.....", "........o...x..o", "X...x.X.X...x.X.", "", BassStyle::Walking,
        BassTone{500, 300, 0.1, 0.7, 0.8, 0.35, Adsr{0.006, 0.3, 0.5, 0.08}},
        PadTone{2400, 0.2, 6, 0.7, 0.6, Adsr{0.25, 1.0, 0.7, 0.6}},
        LeadKind::ElectricPiano, 0.8, 0.5, 72,
        55, 0.2, 220, 0.09, 0.12, 5000,
        -9, -4, -9, -2, -40, 0.0, 0x0303});
    // 4. Monolith — dark techno, folded to mono: pounding kick, pulsing acid bass, plucked riff.
    songs.push_back(Song{
        "04-monolith.flac", "Monolith", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 1, -17.0, 0.6,
        122, 0.0, false, 53, kDorian, {0, 0, 3, 5}, false,
        {{4, kKick | kHats | kBass, 0.85}, {6, kKick | kHats | kBass | kPad | kLead, 1.0},
         {2, kPad | kLead | kHats, 0.7}, {6, kKick | kSnare | kHats | kBass | kPad | kLead, 1.0}},
        "X...X...X...X...", "....x.......x...", "..O...O...O...O.", "RRR.RRO.RR5.RRR.", BassStyle::Pattern,
        BassTone{220, 2200, 0.06, 3.0, 0.5, 0.8, Adsr{0.003, 0.12, 0.4, 0.03}},
        PadTone{1100, 0.5, 15, 0.9, 1.0, Adsr{0.8, 2.0, 0.8, 1.0}},
        LeadKind::Pluck, 0.6, 0.5, 65,
        46, 0.32, 200, 0.12, 0.03, 6000,
        -3, -4, -12, -6, -40, 0.5, 0x0404});
    // 5. Overdrive — loud, dense rock-tempo electronica: breakbeat kick, 16th hats, saw bass.
    songs.push_back(Song{
        "05-overdrive.flac", "Overdrive", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 88200, 2, -8.0, 0.25,
        140, 0.0, false, 52, kMinor, {0, 5, 6, 0}, false,
        {{2, kKick | kHats | kBass | kPad, 0.9}, {8, kKick | kSnare | kHats | kBass | kPad | kArp, 1.0},
         {10, kKick | kSnare | kHats | kBass | kPad | kArp | kLead, 1.0}},
        "X..X..X...X.X...", "....X.......X..o", "xxXxxxXxxxXxxxXO", "R.R-O.R.R-5.R.O.", BassStyle::Pattern,
        BassTone{400, 2500, 0.1, 1.0, 0.5, 1.0, Adsr{0.003, 0.15, 0.7, 0.04}},
        PadTone{6500, 0.2, 18, 1.0, 0.8, Adsr{0.05, 0.5, 0.9, 0.3}},
        LeadKind::Square, 1.0, 0.55, 79,
        52, 0.22, 210, 0.14, 0.03, 6500,
        -3, -3, -7, -5, -10, 0.5, 0x0505});
    // 6. Homecoming — laid-back swung groove: round bass, warm pads, plucked-guitar melody.
    songs.push_back(Song{
        "06-homecoming.aiff", "Homecoming", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 44100, 2, -23.0, 0.85,
        92, 0.18, false, 55, kMajor, {0, 4, 5, 3}, true,
        {{2, kPad | kLead, 0.7}, {8, kPad | kLead | kKick | kSnare | kHats | kBass, 0.9},
         {4, kPad | kLead | kKick | kSnare | kHats | kBass, 1.0}, {2, kPad | kLead | kBass, 0.6}},
        "x......x..x.....", "....x.......x...", "x.o.x.ooxoo.x.o.", "R-.....R.-R-5.-.", BassStyle::Pattern,
        BassTone{260, 200, 0.2, 0.8, 0.9, 0.25, Adsr{0.01, 0.5, 0.7, 0.15}},
        PadTone{1900, 0.3, 8, 0.8, 0.6, Adsr{0.5, 1.5, 0.8, 1.0}},
        LeadKind::Pluck, 0.5, 0.5, 71,
        52, 0.3, 190, 0.12, 0.05, 6500,
        -7, -5, -6, -1, -40, 0.5, 0x0606});
    return songs;
}

// Stereo room: early reflections (different per side) then exponentially decaying noise whose
// high frequencies die faster; independent noise per side makes L and R decorrelated.
lacquer::AudioBuffer roomImpulse() {
    constexpr double kRate = 48000, kLengthS = 2.0, kT60S = 1.6;
    const auto frames = static_cast<std::size_t>(kRate * kLengthS);
    lacquer::AudioBuffer ir(2, frames, kRate);
    for (int c = 0; c < 2; ++c) {
        Rng rng{0xAB00u + static_cast<std::uint64_t>(c)};
        auto& x = ir.samples[static_cast<std::size_t>(c)];
        std::vector<double> y(frames, 0.0);
        // Early reflections: 14 taps between 3 and 75 ms, weaker with distance, random sign.
        for (int k = 0; k < 14; ++k) {
            const double t = 0.003 + 0.072 * std::pow(rng.uniform(), 1.3);
            const double g = 0.55 * std::exp(-t / 0.05) * (rng.uniform() < 0.5 ? -1.0 : 1.0);
            y[static_cast<std::size_t>(t * kRate)] += g;
        }
        // Late reverb: noise, fading in over 10-40 ms, decaying -60 dB in kT60S, darkening.
        double z = 0;
        for (std::size_t n = 0; n < frames; ++n) {
            const double t = static_cast<double>(n) / kRate;
            const double cutoff = 1800.0 + 9000.0 * std::exp(-t / 0.35);
            z += onePoleCoef(cutoff, kRate) * (rng.bipolar() - z);
            const double onset = std::clamp((t - 0.01) / 0.03, 0.0, 1.0);
            y[n] += 0.5 * z * onset * std::exp(-6.9078 * t / kT60S);
        }
        // Fade the last 100 ms so the IR ends at zero.
        for (std::size_t n = frames - 4800; n < frames; ++n) y[n] *= static_cast<double>(frames - n) / 4800.0;
        for (std::size_t n = 0; n < frames; ++n) x[n] = static_cast<float>(y[n]);
    }
    // Unit energy on average per channel: a wet mix of 0.05 then means what it says.
    double energy = 0, peak = 0;
    for (const auto& ch : ir.samples)
        for (float v : ch) {
            energy += static_cast<double>(v) * v;
            peak = std::max(peak, static_cast<double>(std::abs(v)));
        }
    const double scale = std::min(1.0 / std::sqrt(energy / 2.0), 0.9 / peak);
    for (auto& ch : ir.samples)
        for (float& v : ch) v = static_cast<float>(v * scale);
    return ir;
}

// ---------------------------------------------------------------------------------------------
// Measuring what was written

// Spectral balance of the mid signal (Hann frames of 8192, no overlap): power-weighted mean
// frequency and the share of power below 200 Hz, 200 Hz-2 kHz, 2-6 kHz and above 6 kHz in dB.
struct Balance {
    double centroidHz;
    std::array<double, 4> bandDb;
};

Balance spectralBalance(const lacquer::AudioBuffer& audio) {
    constexpr int kSize = 8192;
    std::vector<double> in(kSize);
    std::vector<fftw_complex> out(kSize / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(kSize, in.data(), out.data(), FFTW_ESTIMATE);
    std::vector<double> power(kSize / 2 + 1, 0.0);
    for (std::size_t start = 0; start + kSize <= audio.frames(); start += kSize) {
        for (int i = 0; i < kSize; ++i) {
            double m = 0;
            for (const auto& ch : audio.samples) m += ch[start + static_cast<std::size_t>(i)];
            in[static_cast<std::size_t>(i)] = m * (0.5 - 0.5 * std::cos(kTwoPi * i / kSize));
        }
        fftw_execute(plan);
        for (std::size_t k = 0; k < power.size(); ++k) power[k] += out[k][0] * out[k][0] + out[k][1] * out[k][1];
    }
    fftw_destroy_plan(plan);
    double num = 0, den = 0;
    std::array<double, 4> band{};
    for (std::size_t k = 1; k < power.size(); ++k) {
        const double f = static_cast<double>(k) * audio.sampleRateHz / kSize;
        num += power[k] * f;
        den += power[k];
        band[f < 200 ? 0 : f < 2000 ? 1 : f < 6000 ? 2 : 3] += power[k];
    }
    Balance b{den > 0 ? num / den : 0.0, {}};
    for (std::size_t i = 0; i < 4; ++i) b.bandDb[i] = 10.0 * std::log10(band[i] / den + 1e-12);
    return b;
}

std::string fmtOpt(const std::optional<double>& v, const char* f = "%6.1f") {
    if (!v) return "  null";
    char buf[32];
    std::snprintf(buf, sizeof buf, f, *v);
    return buf;
}

void printTable(const fs::path& outDir, const std::vector<Song>& songs) {
    std::printf("\n%-20s %-28s %5s %6s %5s %6s %6s %5s %6s  %s\n", "file", "format", "dur_s", "I_LUFS",
                "LRA", "TP_dB", "SP_dB", "PLR", "cent_Hz", "bands dB <200|-2k|-6k|>6k");
    for (const auto& s : songs) {
        const fs::path file = outDir / "mixes" / s.file;
        const auto info = lacquer::io::probe(file);
        const auto audio = lacquer::io::decode(file, lacquer::io::Channels::Native);
        const auto m = lacquer::loudness::measure(audio);
        char format[64];
        std::snprintf(format, sizeof format, "%s %s %d Hz %s", info.format.c_str(), info.encoding.c_str(),
                      info.sampleRateHz, info.channels == 1 ? "mono" : "stereo");
        std::optional<double> plr;
        if (m.truePeakDbtp && m.integratedLufs) plr = *m.truePeakDbtp - *m.integratedLufs;
        const Balance bal = spectralBalance(audio);
        std::printf("%-20s %-28s %5.1f %6s %5s %6s %6s %5s %7.0f  %5.1f %5.1f %5.1f %5.1f\n", s.file.c_str(), format,
                    m.durationS, fmtOpt(m.integratedLufs).c_str(), fmtOpt(m.loudnessRangeLu, "%5.1f").c_str(),
                    fmtOpt(m.truePeakDbtp).c_str(), fmtOpt(m.samplePeakDbfs).c_str(), fmtOpt(plr, "%5.1f").c_str(),
                    bal.centroidHz, bal.bandDb[0], bal.bandDb[1], bal.bandDb[2], bal.bandDb[3]);
        if (audio.channels() == 1) {
            const auto dual = lacquer::loudness::measure(audio, {.mono = lacquer::loudness::MonoMode::DualMono});
            std::printf("%-20s (as dual mono, as lacquer renders it: I %s LUFS)\n", "", fmtOpt(dual.integratedLufs).c_str());
        }
    }
    const fs::path irFile = outDir / "irs" / "room.wav";
    const auto ir = lacquer::io::decode(irFile, lacquer::io::Channels::Native);
    // Decay: time for the backward-integrated energy (Schroeder) to fall 60 dB, extrapolated from
    // the -5 to -25 dB range (T20 x 3); correlation of L and R over the late part.
    const auto& l = ir.samples[0];
    const auto& r = ir.samples[1];
    std::vector<double> schroeder(ir.frames() + 1, 0.0);
    for (std::size_t n = ir.frames(); n-- > 0;) schroeder[n] = schroeder[n + 1] + 0.5 * (l[n] * l[n] + r[n] * r[n]);
    double t5 = 0, t25 = 0;
    for (std::size_t n = 0; n < ir.frames(); ++n) {
        const double db = 10.0 * std::log10(schroeder[n] / schroeder[0] + 1e-30);
        if (t5 == 0 && db < -5) t5 = static_cast<double>(n) / ir.sampleRateHz;
        if (t25 == 0 && db < -25) t25 = static_cast<double>(n) / ir.sampleRateHz;
    }
    double lr = 0, ll = 0, rr = 0;
    for (std::size_t n = static_cast<std::size_t>(0.08 * ir.sampleRateHz); n < ir.frames(); ++n) {
        lr += l[n] * r[n];
        ll += l[n] * l[n];
        rr += r[n] * r[n];
    }
    std::printf("\nirs/room.wav: %d ch, %.0f Hz, %.2f s, T60 (from T20) %.2f s, L/R correlation %.3f\n",
                ir.channels(), ir.sampleRateHz, ir.durationS(), 3.0 * (t25 - t5), lr / std::sqrt(ll * rr));
}

// Issue 17: the mix that carries steady background hiss (white noise at −62 dBFS RMS, under a
// −29 LUFS ambient piece: plainly audible in its quiet intro) for chain.denoise to clean.
constexpr const char* kHissyMix = "01-first-light.wav";
void addHiss(lacquer::AudioBuffer& audio, std::uint64_t seed) {
    Rng rng{seed};
    const double rms = dbToLinear(-62.0);
    for (auto& ch : audio.samples)
        for (auto& v : ch) v += static_cast<float>(rms * std::sqrt(3.0) * (rng.uniform() + rng.uniform() - 1.0) * std::sqrt(2.0));
}

// Issue 17: refs/reference.wav, a "commercial master" for chain.match: Night Drive's arrangement,
// brighter (+4 dB above ~5 kHz by a one-pole shelf) and with more low end (+3 dB under ~90 Hz),
// mastered to −10 LUFS, 48 kHz/24-bit.
void writeReference(const fs::path& outDir, bool force) {
    const fs::path file = outDir / "refs" / "reference.wav";
    if (fs::exists(file) && !force) {
        std::printf("keep  %s\n", file.c_str());
        return;
    }
    fs::create_directories(outDir / "refs");
    Song s = album()[1];
    s.targetLufs = -10.0;
    Rendered r = renderSong(s);
    const double hiA = onePoleCoef(5000, r.bus.rate), loA = onePoleCoef(90, r.bus.rate);
    for (auto* ch : {&r.bus.l, &r.bus.r}) {
        double hiLp = 0, loLp = 0;
        for (auto& v : *ch) {
            hiLp += hiA * (v - hiLp);
            loLp += loA * (v - loLp);
            v += (dbToLinear(4.0) - 1.0) * (v - hiLp) + (dbToLinear(3.0) - 1.0) * loLp;
        }
    }
    writeAudio(file, master(r.bus, s), SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 0x1717);
    std::printf("wrote %s\n", file.c_str());
}

int run(const fs::path& outDir, bool force) {
    fs::create_directories(outDir / "mixes");
    fs::create_directories(outDir / "irs");
    const auto songs = album();
    for (const auto& s : songs) {
        const fs::path file = outDir / "mixes" / s.file;
        if (fs::exists(file) && !force) {
            std::printf("keep  %s\n", file.c_str());
            continue;
        }
        const auto start = std::chrono::steady_clock::now();
        const Rendered r = renderSong(s);
        auto audio = master(r.bus, s);
        if (s.file == std::string(kHissyMix)) addHiss(audio, s.seed * 13 + 5);
        if (s.file == "05-overdrive.flac") audio = withCountIn(audio, s.bpm);
        writeAudio(file, audio, s.sfFormat, s.seed * 7 + 1);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("wrote %s (%.1f s of audio in %.2f s)\n", file.c_str(), r.durationS, secs);
    }
    const fs::path irFile = outDir / "irs" / "room.wav";
    if (fs::exists(irFile) && !force) {
        std::printf("keep  %s\n", irFile.c_str());
    } else {
        writeAudio(irFile, roomImpulse(), SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 0);
        std::printf("wrote %s\n", irFile.c_str());
    }
    writeReference(outDir, force);
    printTable(outDir, songs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<fs::path> outDir;
    bool force = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--force") {
            force = true;
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: make_demo_album OUTDIR [--force]\n"
                        "Synthesises the demo album's mixes (OUTDIR/mixes) and room impulse response\n"
                        "(OUTDIR/irs/room.wav), keeping files that exist unless --force, and prints\n"
                        "their loudness.\n");
            return 0;
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "error: %s: unknown option — see make_demo_album --help\n", arg.c_str());
            return 2;
        } else if (!outDir) {
            outDir = arg;
        } else {
            std::fprintf(stderr, "error: %s: one output folder only — see make_demo_album --help\n", arg.c_str());
            return 2;
        }
    }
    if (!outDir) {
        std::fprintf(stderr, "error: missing OUTDIR — usage: make_demo_album OUTDIR [--force]\n");
        return 2;
    }
    try {
        return run(*outDir, force);
    } catch (const lacquer::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return lacquer::exitCodeFor(e.kind());
    } catch (const fs::filesystem_error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 3;
    }
}
