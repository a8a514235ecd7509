// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/render/render.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/log.hpp"
#include "lacquer/common/progress.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/codec.hpp"
#include "lacquer/delivery/service_codec.hpp"
#include "lacquer/delivery/ddp.hpp"
#include "lacquer/delivery/streaming.hpp"
#include "lacquer/delivery/vinyl.hpp"
#include "lacquer/dither/quantiser.hpp"
#include "lacquer/dynamics/apply.hpp"
#include "lacquer/eq/design.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/loudness/reference_peak.hpp"
#include "lacquer/report/html.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/resample/resample.hpp"
#include "render/delivery_meta.hpp"
#include "render/loudness_solve.hpp"
#include "render/spill.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// File names

std::string trackFileName(int number, const std::string& title, const std::string& extension) {
    std::string safe;
    for (unsigned char c : title) {
        if (c < 0x20 || c == 0x7f || std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) != std::string_view::npos)
            safe += '_';
        else
            safe += static_cast<char>(c);
    }
    // No leading dots or spaces (hidden files, "..") and no trailing dots or spaces (Windows).
    while (!safe.empty() && (safe.front() == '.' || safe.front() == ' ')) safe.erase(safe.begin());
    while (!safe.empty() && (safe.back() == '.' || safe.back() == ' ')) safe.pop_back();
    if (safe.size() > 120) {
        // Cut at 120 bytes, or earlier at the start of the UTF-8 sequence that byte 120 continues.
        std::size_t cut = 120;
        while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
        safe.resize(cut);
    }
    if (safe.empty()) safe = "Track";
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d - ", number);
    return prefix + safe + "." + extension;
}

// ---------------------------------------------------------------------------------------------
// CD metadata from the plan

delivery::CdDiscMeta cdDisc(const AlbumPlan& plan) {
    return {plan.album.title, plan.album.artist, "", plan.album.catalog};
}

std::vector<delivery::CdTrackMeta> cdTracks(const AlbumPlan& plan) {
    std::vector<delivery::CdTrackMeta> tracks;
    for (const auto& t : plan.tracks)
        tracks.push_back({t.title, t.artist.empty() ? plan.album.artist : t.artist, t.composer, t.isrc});
    return tracks;
}

// ---------------------------------------------------------------------------------------------
// The per-track chain (shared by every variant)

namespace {
// Blocks in which the per-track stages stream a track (a multiple of the dynamics chain's 8192).
constexpr std::size_t kStreamBlockFrames = 65536;

// Reads frames [from, to) of `source` in blocks of kStreamBlockFrames and hands each to `use`
// (one block of memory; cancellation checked between blocks).
template <class Use>
void forEachBlock(const AudioSource& source, std::size_t from, std::size_t to, Use&& use) {
    AudioBuffer block(source.channels(), kStreamBlockFrames, source.sampleRateHz());
    for (std::size_t at = from; at < to; at += kStreamBlockFrames) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kStreamBlockFrames, to - at));
        source.read(at, v);
        use(v);
    }
}
}  // namespace

convolution::DeviceRequest parseDevice(const std::string& text) {
    convolution::DeviceRequest r;
    if (text == "auto") return r;
    if (text == "cpu") {
        r.mode = convolution::DeviceRequest::Mode::Cpu;
        return r;
    }
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 6) {
        r.mode = convolution::DeviceRequest::Mode::Vulkan;
        r.vulkanIndex = std::stoi(text);
        return r;
    }
    throw Error(ErrorKind::Usage, "--device " + text, "not a device", "use auto, cpu, or an index from `lacquer devices`");
}

IrCache loadImpulseResponses(const AlbumPlan& plan) {
    IrCache irs;
    auto load = [&](const ChainParams& chain) {
        if (chain.reverb && !irs.count(chain.reverb->irPath))
            irs.emplace(chain.reverb->irPath, io::decode(chain.reverb->irPath, io::Channels::Native));
    };
    for (const auto& t : plan.tracks) load(t.chain);
    for (const auto& v : plan.variants)  // a variant's own chain may name another IR
        for (const auto& c : v.trackChains) load(c);
    return irs;
}

ProcessedTrack processTrack(const AlbumPlan& plan, const TrackPlan& track, convolution::Engine& engine, const IrCache& irs,
                            Scratch* scratch) {
    // The track streams, kStreamBlockFrames at a time: decoded (checked as it is read), resampled
    // to the processing rate, into the source spectrum, through the convolution (a few overlap-save
    // blocks at a time) and the dynamics chain, into its spill file. Memory is the stages' state
    // and a few blocks, however long the track.
    ProcessedTrack out;
    out.convolutionRuns = 0;
    const io::FileSource file(track.file, io::Channels::Stereo);
    const int channels = file.channels();
    const double rate = plan.processingRateHz;
    out.sourceDurationS = static_cast<double>(file.frames()) / file.sampleRateHz();
    out.sourceRateHz = static_cast<int>(file.sampleRateHz());
    StreamResampler resampler(channels, file.sampleRateHz(), rate, file.frames());
    out.sourceSpectrum = std::make_shared<report::SpectrumAverager>(rate);

    const auto& chain = track.chain;
    // EQ ⊛ (dry + wet·IR) in one convolution; the reverb tail lengthens the track.
    const reverb::Params* rv = chain.reverb ? &*chain.reverb : nullptr;
    const AudioBuffer* ir = rv ? &irs.at(rv->irPath) : nullptr;
    std::optional<convolution::Stream> convolver;
    if (!eq::isFlat(chain.eq) || (rv && rv->mix > 0)) {
        convolver.emplace(engine, engine.kernelFor(rate, channels, chain.eq, rv, ir), channels, rate,
                          resampler.outputFrames());
        ++out.convolutionRuns;
    }
    dynamics::Chain dynamics(rate, channels, {chain.deesser, chain.multiband, chain.stereo});
    auto store = SpillFile::empty(scratch, "track" + std::to_string(track.number), channels, rate);
    std::size_t at = 0;
    auto toStore = [&](const BlockView& b) {
        dynamics.process(b);
        store->write(at, b);
        at += b.frames;
    };
    auto toConvolver = [&](const BlockView& b) {
        out.sourceSpectrum->add(b);
        if (convolver)
            convolver->push(b, toStore);
        else
            toStore(b);
    };
    forEachBlock(file, 0, file.frames(), [&](const BlockView& v) { resampler.push(v, toConvolver); });
    resampler.finish(toConvolver);
    if (convolver) convolver->finish(toStore);
    throwIfCancelled();
    if (!dynamics.empty()) {
        const dynamics::ChainReport rep = dynamics.report();
        out.deesserMaxReductionDb = rep.deesserMaxReductionDb;
        out.multibandMaxReductionDb = rep.bandMaxReductionDb;
        out.multibandTraceDb = rep.bandTraceDb;
        out.multibandTraceS = static_cast<double>(rep.tracePeriodFrames) / rate;
    }
    out.audio = std::move(store);
    return out;
}

// ---------------------------------------------------------------------------------------------
// The per-variant album pass

namespace {

// Working memory the shared chain's streams may hold at once (see perJob in renderAlbum): tracks
// run in parallel only while their estimated working sets fit.
constexpr double kTrackMemoryBudgetBytes = 1.25 * 1024 * 1024 * 1024;

unsigned workersFor(double bytesPerJob) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const double fit = std::floor(kTrackMemoryBudgetBytes / std::max(bytesPerJob, 1.0));
    return static_cast<unsigned>(std::clamp(fit, 1.0, static_cast<double>(hw)));
}

std::vector<sequence::TrackPlacement> placementsFor(const AlbumPlan& plan) {
    std::vector<sequence::TrackPlacement> p;
    for (const auto& t : plan.tracks) {
        sequence::TrackPlacement tp;
        tp.fadeInS = t.fadeInS;
        tp.fadeOutS = t.fadeOutS;
        tp.fadeInCurve = t.fadeInCurve;
        tp.fadeOutCurve = t.fadeOutCurve;
        tp.crossfadeS = t.crossfadeS;
        tp.crossfadeCurve = t.crossfadeCurve;
        tp.gapAfterS = t.gapAfterS.value_or(plan.sequence.gapS);
        p.push_back(tp);
    }
    return p;
}

}  // namespace

VariantMaster masterVariant(const AlbumPlan& plan, const VariantPlan& variant, const std::vector<ProcessedTrack>& tracks,
                            Scratch* scratch, const std::vector<double>& trackCeilingsDbtp) {
    const double rate = variant.exportSpec.sampleRateHz;
    const std::size_t n = tracks.size();
    std::vector<std::shared_ptr<AudioStore>> delivery(n);
    VariantMaster m;
    m.trackFrames.resize(n);
    // Each track streams from its spill file through the resampler and the variant's deltas into
    // a delivery-rate spill file: a worker holds libsoxr's state and a few blocks, not the track.
    // Variant deltas at the delivery rate: de-esser, then stereo (mono below monoBassHz for vinyl,
    // and/or the variant's own stereo settings).
    dynamics::ChainOptions deltaOptions{variant.deesser, std::nullopt, variant.stereo};
    if (variant.monoBassHz > 0) {
        if (!deltaOptions.stereo) deltaOptions.stereo = dynamics::StereoParams{};
        deltaOptions.stereo->monoBelowHz = std::max(deltaOptions.stereo->monoBelowHz, variant.monoBassHz);
    }
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const AudioStore& processed = *tracks[i].audio;
        const int channels = processed.channels();
        StreamResampler resampler(channels, processed.sampleRateHz(), rate, processed.frames());
        dynamics::Chain deltas(rate, channels, deltaOptions);
        auto store = SpillFile::empty(scratch, variant.name + "-track" + std::to_string(i + 1), channels, rate);
        std::size_t at = 0;
        auto sink = [&](const BlockView& b) {
            deltas.process(b);
            store->write(at, b);
            at += b.frames;
        };
        forEachBlock(processed, 0, processed.frames(), [&](const BlockView& v) { resampler.push(v, sink); });
        resampler.finish(sink);
        m.trackFrames[i] = at;
        delivery[i] = std::move(store);
    });
    std::vector<const AudioSource*> sources;
    for (const auto& d : delivery) sources.push_back(d.get());

    std::vector<double> offsets;
    for (const auto& t : plan.tracks) offsets.push_back(t.loudnessOffsetLu);
    const int channels = delivery.empty() ? 2 : delivery[0]->channels();
    m.timeline = SpillFile::empty(scratch, variant.name + "-timeline", channels, rate);
    SolveResult solved = solveLoudness(sources, placementsFor(plan), offsets, variant.loudness, variant.limiter,
                                       [&](std::size_t at, const BlockView& block) { m.timeline->write(at, block); },
                                       trackCeilingsDbtp);
    m.codecCeilingsDbtp = trackCeilingsDbtp;
    delivery.clear();  // the delivery-rate tracks are in the timeline now
    m.marks = solved.marks;
    m.gainsDb = solved.gainsDb;
    m.limiterMaxGrDb = solved.limiterMaxGrDb;
    m.loudnessDefined = solved.loudnessDefined;
    m.solveIterations = solved.iterations;
    m.limiterTraceDb = std::move(solved.limiterTraceDb);

    // Quantise in place, block by block, and take what the report plots from the quantised audio.
    dither::Quantiser quantiser(channels, variant.exportSpec.bitDepth, variant.exportSpec.dither, dither::seedFromName(variant.name));
    loudness::MeterOptions history;
    history.history = loudness::History::Every100Ms;
    history.truePeak = loudness::TruePeak::Off;
    loudness::Meter shortTerm(channels, rate, history);
    m.spectrumAfter = std::make_shared<report::SpectrumAverager>(rate);
    constexpr std::size_t kBlock = 64 * dither::Quantiser::kSilenceBlockFrames;
    AudioBuffer block(channels, kBlock, rate);
    for (std::size_t at = 0; at < solved.frames; at += kBlock) {
        throwIfCancelled();
        const BlockView v = block.view().slice(0, std::min(kBlock, solved.frames - at));
        m.timeline->read(at, v);
        quantiser.process(v);
        m.timeline->write(at, v);
        shortTerm.add(v);
        m.spectrumAfter->add(v);
    }
    m.shortTermLufs = report::shortTermLoudnessJson(shortTerm.result(), 1.0);
    return m;
}

// ---------------------------------------------------------------------------------------------
// Writing and measuring

namespace {

// Holds an exclusive lock on DIR/.lacquer.lock for the render's lifetime: a second render into
// the same folder refuses instead of interleaving files.
class OutputLock {
public:
    explicit OutputLock(const fs::path& dir) {
        const auto path = dir / ".lacquer.lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error(ErrorKind::Io, dir.string(), "cannot create the lock file", "check permissions on the output folder");
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw Error(ErrorKind::Usage, dir.string(), "another lacquer render is writing into this folder",
                        "wait for it to finish or choose another --out");
        }
    }
    ~OutputLock() { ::close(fd_); }
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    int fd_ = -1;
};

void prepareOutputFolder(const fs::path& dir, bool force) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error(ErrorKind::Usage, dir.string(), "exists and is not a folder", "choose another --out");
    // report.json or the lock file: a folder lacquer rendered into, finished or interrupted.
    if (fs::exists(dir, ec) && !force && !fs::exists(dir / "report.json", ec) && !fs::exists(dir / ".lacquer.lock", ec)) {
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.path().filename() == ".lacquer.lock") continue;
            throw Error(ErrorKind::Usage, dir.string(), "the output folder holds files lacquer did not write",
                        "choose an empty or new folder with --out, or pass --force");
        }
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot create the output folder: " + ec.message(), "check the path and permissions");
}

std::string extensionFor(const ExportSpec& e) { return e.format == ExportFormat::Flac ? "flac" : "wav"; }

json check(const std::string& name, bool ok, const std::string& detail) {
    return json{{"name", name}, {"ok", ok}, {"detail", detail}};
}

std::string fmt2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v + 0.0);
    if (std::string(buf) == "-0.00") return "0.00";
    return buf;
}

// A source shifted later by `offset` frames of silence and `frames` long (zeros past its end):
// the CD programme is the timeline after a 2 s lead-in, padded to a whole sector.
class OffsetSource final : public AudioSource {
public:
    OffsetSource(const AudioSource& inner, std::size_t offset, std::size_t frames)
        : inner_(inner), offset_(offset), frames_(frames) {}
    int channels() const override { return inner_.channels(); }
    double sampleRateHz() const override { return inner_.sampleRateHz(); }
    std::size_t frames() const override { return frames_; }
    void read(std::size_t from, const BlockView& dst) const override {
        const std::size_t silent = from < offset_ ? std::min(dst.frames, offset_ - from) : 0;
        for (int c = 0; c < dst.channels; ++c) std::fill(dst.channel(c), dst.channel(c) + silent, 0.0f);
        if (silent < dst.frames) inner_.read(from + silent - offset_, dst.slice(silent, dst.frames - silent));
    }

private:
    const AudioSource& inner_;
    std::size_t offset_, frames_;
};

// Streams frames [from, to) of a source into a writer (WavWriter or FlacWriter).
template <class Writer>
void copyFrames(const AudioSource& source, std::size_t from, std::size_t to, Writer& writer) {
    forEachBlock(source, from, to, [&](const BlockView& v) { writer.write(v); });
}

// The per-track files of a variant: frame ranges of one source (the timeline, or the CD
// programme), each read block by block by the stages that need it.
struct Parts {
    const AudioSource* source = nullptr;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;  // [from, to) per track
    std::size_t size() const { return ranges.size(); }
    std::size_t frames(std::size_t i) const { return ranges[i].second - ranges[i].first; }
    double durationS(std::size_t i) const { return static_cast<double>(frames(i)) / source->sampleRateHz(); }
};

// Every setting of a chain that shapes the sound (the render certificate; `lacquer diff` compares them).
json settingsJson(const ChainParams& c) {
    static const char* kTypes[] = {"highpass", "lowpass", "lowshelf", "highshelf", "bell", "notch", "tilt"};
    json eqs = json::array();
    for (const auto& b : c.eq)
        eqs.push_back({{"type", kTypes[static_cast<int>(b.type)]}, {"freq_hz", b.freqHz}, {"gain_db", b.gainDb}, {"q", b.q},
                       {"slope_db_oct", b.slopeDbOct}});
    json j = {{"eq", eqs}};
    if (c.reverb)
        j["reverb"] = {{"ir", c.reverb->irPath.filename().string()}, {"mix", c.reverb->mix}, {"predelay_ms", c.reverb->predelayMs},
                       {"wet_lowcut_hz", c.reverb->wetLowCutHz}, {"wet_highcut_hz", c.reverb->wetHighCutHz}};
    if (c.multiband) {
        json bands = json::array();
        for (const auto& b : c.multiband->bands)
            bands.push_back({{"threshold_db", b.thresholdDb}, {"ratio", b.ratio}, {"knee_db", b.kneeDb}, {"attack_ms", b.attackMs},
                             {"release_ms", b.releaseMs}, {"makeup_db", b.makeupDb}, {"stereo_link", b.stereoLink},
                             {"detector", b.detector == dynamics::Detector::Rms ? "rms" : "peak"},
                             {"mode", b.stereoMode == dynamics::StereoMode::MidSide ? "ms" : "lr"}});
        j["multiband"] = {{"crossovers_hz", c.multiband->crossoversHz}, {"bands", bands}};
    }
    if (c.stereo) j["stereo"] = {{"width", c.stereo->width}, {"mono_below_hz", c.stereo->monoBelowHz}};
    if (c.deesser)
        j["deesser"] = {{"freq_hz", c.deesser->freqHz}, {"threshold_db", c.deesser->thresholdDb},
                        {"max_reduction_db", c.deesser->maxReductionDb}};
    return j;
}

// The designed EQ curves (what the convolution realises), for plots: the album chain and each
// track's resolved chain, at the processing rate.
json chainsJson(const AlbumPlan& plan) {
    auto curve = [&](const eq::Bands& bands) {
        json f = json::array(), db = json::array();
        for (const auto& p : eq::designLinearPhase(bands, plan.processingRateHz).predictedCurve(128)) {
            f.push_back(report::numberOrNull(p.freqHz, 1));
            db.push_back(report::numberOrNull(p.gainDb, 3));
        }
        return json{{"freqs_hz", f}, {"db", db}};
    };
    json tracks = json::array();
    const json albumSettings = settingsJson(plan.albumChain);
    for (const auto& t : plan.tracks) {
        // A track's settings are listed only where its chain differs from the album's.
        json c = settingsJson(t.chain);
        if (c == albumSettings) c = json::object();
        c["number"] = t.number;
        c["eq_curve"] = curve(t.chain.eq);
        tracks.push_back(c);
    }
    json album = settingsJson(plan.albumChain);
    album["eq_curve"] = curve(plan.albumChain.eq);
    if (plan.albumLimiter)
        album["limiter"] = {{"ceiling_dbtp", plan.albumLimiter->ceilingDbtp}, {"lookahead_ms", plan.albumLimiter->lookaheadMs},
                            {"release_ms", plan.albumLimiter->releaseMs}};
    return json{{"album", album}, {"tracks", tracks}};
}

json bandsJson(const std::vector<double>& bands) {
    json a = json::array();
    for (double b : bands) a.push_back(report::numberOrNull(b));
    return a;
}

io::Tags tagsFor(const AlbumPlan& plan, const TrackPlan& t) {
    io::Tags tags;
    tags.title = t.title;
    tags.artist = t.artist.empty() ? plan.album.artist : t.artist;
    tags.album = plan.album.title;
    tags.albumArtist = plan.album.artist;
    tags.date = plan.album.date;
    tags.genre = plan.album.genre;
    tags.composer = t.composer;
    tags.isrc = t.isrc;
    tags.catalog = plan.album.catalog;
    tags.trackNumber = t.number;
    tags.trackTotal = static_cast<int>(plan.tracks.size());
    tags.discNumber = plan.album.discNumber;
    tags.discTotal = plan.album.discTotal;
    tags.cover = plan.album.cover;
    addDeliveryMeta(plan, tags, 0);
    return tags;
}

json fileEntry(const fs::path& file, const fs::path& outDir, const std::string& format) {
    const auto info = io::probe(file);
    return {{"path", fs::relative(file, outDir).generic_string()}, {"sha256", report::sha256File(file)},
            {"format", format}, {"sample_rate", info.sampleRateHz}, {"bit_depth", info.bitDepth},
            {"channels", info.channels}, {"frames", info.frames}};
}

// The CD image of a variant: album.wav + album.cue (CD-TEXT, ISRC, INDEX 00/01) and a DDP 2.0
// fileset in ddp/. Returns the "cd" report section with "files" and "checks" to merge.
json writeCdImage(const AlbumPlan& plan, const VariantPlan& variant, const AudioSource& programme,
                  const delivery::CdLayout& layout, const fs::path& dir) {
    const auto disc = cdDisc(plan);
    const auto tracks = cdTracks(plan);
    const fs::path outDir = dir.parent_path();
    json files = json::array(), checks = json::array();
    for (const auto& d : delivery::checkCdAudio(programme)) checks.push_back(check("CD audio", false, d.line()));
    io::Tags tags;
    tags.title = plan.album.title;
    tags.artist = plan.album.artist;
    tags.album = plan.album.title;
    tags.date = plan.album.date;
    tags.genre = plan.album.genre;
    addDeliveryMeta(plan, tags, 0);
    {
        io::WavWriter writer(dir / "album.wav", programme.channels(), programme.sampleRateHz(), io::WavSampleFormat::Pcm16,
                             tags, programme.frames());
        copyFrames(programme, 0, programme.frames(), writer);
        writer.commit();
    }
    files.push_back(fileEntry(dir / "album.wav", outDir, "wav"));
    const std::string cue = delivery::cueSheet(layout, disc, tracks, {"album.wav", delivery::CueEncoding::Latin1,
                                                                      std::string("lacquer ") + LACQUER_VERSION});
    io::writeTextFile(dir / "album.cue", cue);
    files.push_back({{"path", fs::relative(dir / "album.cue", outDir).generic_string()},
                     {"sha256", report::sha256File(dir / "album.cue")}, {"format", "cue"}});
    const auto ddp = delivery::writeDdp(dir / "ddp", programme, layout, disc, tracks,
                                        {plan.album.catalog.empty() ? variant.name : plan.album.catalog, true});
    for (const auto& f : ddp.files)
        files.push_back({{"path", fs::relative(dir / "ddp" / f, outDir).generic_string()},
                         {"sha256", report::sha256File(dir / "ddp" / f)}, {"format", "ddp"}});
    const auto rows = delivery::pqSheet(layout, tracks);
    json pq = json::array();
    for (const auto& r : rows)
        pq.push_back({{"track", r.track}, {"index", r.index}, {"sector", r.sector}, {"msf", r.msf}, {"isrc", r.isrc},
                      {"title", r.title}, {"length_sectors", r.lengthSectors ? json(*r.lengthSectors) : json(nullptr)}});
    checks.push_back(check("CD frame alignment", true,
                           "every INDEX on a 588-sample sector; lead-out at " + delivery::msf(layout.leadOutSector)));
    return {{"cue", cue}, {"pq_sheet", pq}, {"pq_sheet_markdown", delivery::pqSheetMarkdown(rows)},
            {"lead_out_msf", delivery::msf(layout.leadOutSector)}, {"ddp_image_md5", ddp.imageMd5},
            {"files", files}, {"checks", checks}};
}

// Streaming deliveries: what each service's normalisation does to every track (from the files'
// measurements), and the true peak after a lossy round trip (Ogg Vorbis, Opus) of each track,
// streamed from the parts (encoded into temporary files in tempDir, the render's scratch folder).
json streamingJson(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master, const Parts& parts,
                   const std::vector<report::FileMeasurement>& measured, std::optional<double> albumLufs,
                   const fs::path& tempDir, json& checks) {
    std::vector<delivery::TrackLevels> levels;
    std::vector<std::string> titles;
    for (std::size_t i = 0; i < measured.size(); ++i) {
        levels.push_back({measured[i].loudness.integratedLufs, measured[i].loudness.truePeakDbtp});
        titles.push_back(plan.tracks[i].title);
    }
    json services = json::array();
    for (const auto service : delivery::allServices()) {
        const auto rule = delivery::serviceRule(service);
        json tracks = json::array();
        const auto sim = delivery::simulatePlayback(service, levels, albumLufs);
        for (std::size_t i = 0; i < sim.size(); ++i) {
            const auto& t = sim[i];
            tracks.push_back({{"number", plan.tracks[i].number},
                              {"gain_db", report::numberOrNull(t.gainDb)},
                              {"direction", t.direction == delivery::PlaybackTrack::Direction::Down ? "down"
                                            : t.direction == delivery::PlaybackTrack::Direction::Up ? "up" : "none"},
                              {"heard_lufs", report::numberOrNull(t.heardLufs)},
                              {"peak_after_dbtp", report::numberOrNull(t.peakAfterDbtp)},
                              {"raise_limited_by_peak", t.raiseLimitedByPeak},
                              {"over_peak_guidance", t.overPeakGuidance}});
        }
        services.push_back({{"service", delivery::serviceName(service)}, {"reference_lufs", rule.referenceLufs},
                            {"rule", rule.note}, {"tracks", tracks}});
    }
    // Lossy round trips, tracks in parallel. Each streams its part in blocks (a few MiB of codec
    // state per worker, however long the track), so no memory budget limits the workers.
    std::vector<delivery::CodecResult> vorbis = master.vorbisRoundTrips, opus = master.opusRoundTrips;
    if (vorbis.size() != parts.size() || opus.size() != parts.size()) {  // not made by codec_headroom
        vorbis.assign(parts.size(), {});
        opus.assign(parts.size(), {});
        // One job per track and codec, so even a one-track album keeps two cores busy.
        parallelFor(2 * parts.size(), [&](std::size_t job) {
            throwIfCancelled();
            const std::size_t i = job / 2;
            const auto& [from, to] = parts.ranges[i];
            if (job % 2 == 0)
                vorbis[i] = delivery::codecRoundTrip(*parts.source, from, to, delivery::Codec::Vorbis, tempDir);
            else
                opus[i] = delivery::codecRoundTrip(*parts.source, from, to, delivery::Codec::Opus, tempDir);
        });
    }
    // AAC (Apple Music, YouTube, Spotify's web player) and MP3 (Deezer; promo copies): reported
    // and warned about; codec_headroom's lowering acts on Vorbis and Opus (docs/delivery.md).
    std::vector<delivery::CodecResult> aac(parts.size()), mp3(parts.size());
    parallelFor(2 * parts.size(), [&](std::size_t job) {
        throwIfCancelled();
        const std::size_t i = job / 2;
        const auto& [from, to] = parts.ranges[i];
        (job % 2 == 0 ? aac : mp3)[i] =
            delivery::codecRoundTrip(*parts.source, from, to, job % 2 == 0 ? delivery::Codec::Aac : delivery::Codec::Mp3, tempDir);
    });
    std::vector<delivery::DecodedPeaks> peaks(parts.size());
    json codec = json::array();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        peaks[i] = {vorbis[i].decodedTruePeakDbtp, opus[i].decodedTruePeakDbtp, aac[i].decodedTruePeakDbtp, mp3[i].decodedTruePeakDbtp};
        codec.push_back({{"number", plan.tracks[i].number},
                         {"vorbis_true_peak_dbtp", report::numberOrNull(vorbis[i].decodedTruePeakDbtp)},
                         {"vorbis_kbps", report::numberOrNull(vorbis[i].bitrateKbps, 0)},
                         {"opus_true_peak_dbtp", report::numberOrNull(opus[i].decodedTruePeakDbtp)},
                         {"opus_kbps", report::numberOrNull(opus[i].bitrateKbps, 0)},
                         {"aac_true_peak_dbtp", report::numberOrNull(aac[i].decodedTruePeakDbtp)},
                         {"aac_kbps", report::numberOrNull(aac[i].bitrateKbps, 0)},
                         {"mp3_true_peak_dbtp", report::numberOrNull(mp3[i].decodedTruePeakDbtp)},
                         {"mp3_kbps", report::numberOrNull(mp3[i].bitrateKbps, 0)}});
        for (const auto* r : {&aac[i], &mp3[i]})
            if (r->decodedTruePeakDbtp && *r->decodedTruePeakDbtp > variant.maxDecodedDbtp)
                checks.push_back(check("track " + std::to_string(plan.tracks[i].number) + " (" + plan.tracks[i].title + ") " +
                                           delivery::codecName(r->codec) + " headroom",
                                       true,
                                       "decoded true peak " + fmt2(*r->decodedTruePeakDbtp) + " dBTP after " +
                                           delivery::codecName(r->codec) + " at " + fmt2(r->bitrateKbps) + " kb/s — over " +
                                           fmt2(variant.maxDecodedDbtp) + " dBTP"));
        if (!master.codecCeilingsDbtp.empty()) codec.back()["ceiling_dbtp"] = report::numberOrNull(master.codecCeilingsDbtp[i]);
        double worst = -1e9;
        for (const auto* r : {&vorbis[i], &opus[i]})
            if (r->decodedTruePeakDbtp) worst = std::max(worst, *r->decodedTruePeakDbtp);
        if (worst > -1e9) {
            const std::string who = "track " + std::to_string(plan.tracks[i].number) + " (" + plan.tracks[i].title + ") lossy headroom";
            const bool over = worst > variant.maxDecodedDbtp;
            if (variant.lowerCeilingForCodecs) {
                // codec_headroom mode lower: the ceiling was lowered for this; a miss is a failure.
                checks.push_back(check(who, !over,
                                       "decoded true peak " + fmt2(worst) + " dBTP after Ogg Vorbis/Opus vs " +
                                           fmt2(variant.maxDecodedDbtp) + " dBTP (max_decoded_dbtp), limiter ceiling " +
                                           fmt2(master.codecCeilingsDbtp.empty() ? variant.limiter->ceilingDbtp : master.codecCeilingsDbtp[i]) +
                                           " dBTP" + (over ? " — still over after lowering; lower max_decoded_dbtp's target ceiling or the loudness" : "")));
            } else {
                // A warning, not a failure: the file itself meets its ceiling; the services'
                // encoders are what clip. 0 dBTP after decoding is where audible clipping starts.
                checks.push_back(check(who, true,
                                       "decoded true peak " + fmt2(worst) + " dBTP after Ogg Vorbis/Opus" +
                                           (over ? " — over " + fmt2(variant.maxDecodedDbtp) +
                                                       " dBTP: set codec_headroom: { mode: lower } to lower this track's ceiling"
                                                 : "")));
            }
        }
    }
    for (auto& sv : services)
        for (auto service : delivery::allServices())
            if (sv["service"] == delivery::serviceName(service)) {
                const auto sc = delivery::serviceCodec(service);
                sv["codec"] = delivery::codecName(sc.codec);
                sv["codec_streams"] = sc.streams;
            }
    return {{"playback", services}, {"playback_markdown", delivery::playbackMarkdown(titles, levels, albumLufs)},
            {"codec", codec}, {"codec_markdown", delivery::serviceCodecMarkdown(peaks, variant.maxDecodedDbtp)}};
}

// A vinyl premaster: sides (from the manifest or planned within the disc's side length), one file
// per side with lead-in and lead-out silence, a cutting sheet, and the cutting warnings.
json vinylJson(const AlbumPlan& plan, const VariantPlan& variant, const Parts& parts,
               const std::vector<report::FileMeasurement>& measured, const fs::path& dir, const fs::path& outDir,
               json& checks, json& files) {
    constexpr double kLeadS = 0.5;  // plants ask for at least 200 ms; half a second is kinder to the cutter
    const auto format = *delivery::vinylFormat(variant.vinylDisc);
    std::vector<delivery::VinylTrack> tracks;
    std::vector<delivery::TrackFacts> facts;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& t = plan.tracks[i];
        // The cutting readings, streamed from the timeline.
        delivery::CuttingAnalyser analyser(parts.source->sampleRateHz(), parts.source->channels());
        const auto& [from, to] = parts.ranges[i];
        forEachBlock(*parts.source, from, to, [&](const BlockView& v) { analyser.add(v); });
        const auto hf = analyser.hf();
        const auto corr = analyser.correlation();
        tracks.push_back({t.number, t.title, parts.durationS(i), measured[i].loudness.integratedLufs, hf.topOctaveShareDb});
        facts.push_back({t.number, t.title, parts.durationS(i), measured[i].loudness.truePeakDbtp, measured[i].loudness.integratedLufs});
        for (const auto& w : delivery::cuttingWarnings("track " + std::to_string(t.number) + " (" + t.title + ")", corr, hf))
            checks.push_back(check("vinyl warning", true, w.line()));
    }
    const auto order = variant.sideOrder == VinylSideOrder::Running ? delivery::SideOrder::KeepRunningOrder
                                                                   : delivery::SideOrder::LoudBrightFirst;
    const auto vp = variant.sides.empty() ? delivery::planSides(tracks, format, order)
                                          : delivery::manualSides(tracks, variant.sides, format);
    for (const auto& e : vp.errors) checks.push_back(check("vinyl sides", false, e.line()));
    for (const auto& w : vp.warnings) checks.push_back(check("vinyl warning", true, w.line()));
    json sides = json::array();
    for (const auto& side : vp.sides) {
        const fs::path file = dir / ("Side " + side.name + ".wav");
        io::Tags tags;
        tags.title = plan.album.title + " — side " + side.name;
        tags.artist = plan.album.artist;
        tags.album = plan.album.title;
        addDeliveryMeta(plan, tags, 0);
        const auto bits = variant.exportSpec.bitDepth;
        // Lead-in silence, the side's track files one after another, lead-out silence (what
        // delivery::assembleSide builds), streamed from the timeline into the file.
        const double rate = parts.source->sampleRateHz();
        const auto lead = static_cast<std::size_t>(std::lround(kLeadS * rate));
        std::uint64_t total = 2 * lead;
        for (int number : side.tracks) total += parts.frames(static_cast<std::size_t>(number - 1));
        io::WavWriter writer(file, parts.source->channels(), rate,
                             bits == 16 ? io::WavSampleFormat::Pcm16 : bits == 24 ? io::WavSampleFormat::Pcm24 : io::WavSampleFormat::Float32,
                             tags, total);
        OffsetSource silence(*parts.source, lead, lead);  // reads zeros only
        copyFrames(silence, 0, lead, writer);
        for (int number : side.tracks) {
            const auto& [from, to] = parts.ranges[static_cast<std::size_t>(number - 1)];
            copyFrames(*parts.source, from, to, writer);
        }
        copyFrames(silence, 0, lead, writer);
        writer.commit();
        files.push_back(fileEntry(file, outDir, "wav"));
        sides.push_back({{"side", side.name}, {"tracks", side.tracks}, {"duration_s", report::numberOrNull(side.durationS, 3)},
                         {"file", fs::relative(file, outDir).generic_string()}});
    }
    const auto rows = delivery::cuttingSheet(vp, facts, kLeadS);
    json sheet = json::array();
    for (const auto& r : rows)
        sheet.push_back({{"side", r.side}, {"track", r.track}, {"title", r.title}, {"start_s", report::numberOrNull(r.startS, 3)},
                         {"duration_s", report::numberOrNull(r.durationS, 3)}, {"peak_dbtp", report::numberOrNull(r.peakDbtp)},
                         {"integrated_lufs", report::numberOrNull(r.integratedLufs)}});
    return {{"disc", format.name}, {"sides", sides}, {"cutting_sheet", sheet},
            {"cutting_sheet_markdown", delivery::cuttingSheetMarkdown(rows)}, {"lead_in_s", kLeadS}};
}

// Data for report.html's plots and tables (docs/report.md): short-term loudness of the written
// timeline, limiter gain reduction, spectra before/after, the timeline, and the sheets.
void addPlotData(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                 const std::vector<ProcessedTrack>& processed, json& v) {
    const double rate = master.timeline->sampleRateHz();
    const double durationS = static_cast<double>(master.timeline->frames()) / rate;
    json plots;
    plots["short_term_lufs"] = master.shortTermLufs;
    if (!master.limiterTraceDb.empty()) {
        // The trace holds the maximum of every limiterPlotBuckets(rate) buckets of kTraceFrames
        // frames: one value per plot period already (period_s: that many buckets, exactly).
        json trace = report::maxPerPeriodJson(master.limiterTraceDb, 1.0, 1.0);
        trace["period_s"] = static_cast<double>(limiterPlotBuckets(rate)) / (rate / kTraceFrames);
        plots["limiter_gain_reduction_db"] = trace;
    }
    // Multiband gain reduction over the album timeline, 0.5 s resolution, per band: each track's
    // trace placed at its position (overlapping crossfades take the larger value).
    if (!processed.empty() && !processed[0].multibandTraceDb.empty()) {
        constexpr double kPeriodS = 0.5;
        const auto buckets = static_cast<std::size_t>(std::ceil(durationS / kPeriodS)) + 1;
        const std::size_t bands = processed[0].multibandTraceDb.size();
        std::vector<std::vector<float>> grid(bands, std::vector<float>(buckets, 0.0f));
        for (std::size_t i = 0; i < processed.size(); ++i) {
            const auto& p = processed[i];
            const double startS = static_cast<double>(master.marks[i]) / rate;
            for (std::size_t b = 0; b < std::min(bands, p.multibandTraceDb.size()); ++b)
                for (std::size_t k = 0; k < p.multibandTraceDb[b].size(); ++k) {
                    const auto at = static_cast<std::size_t>((startS + static_cast<double>(k) * p.multibandTraceS) / kPeriodS);
                    if (at < buckets) grid[b][at] = std::max(grid[b][at], p.multibandTraceDb[b][k]);
                }
        }
        json bandsJ = json::array();
        const auto* mb = plan.albumChain.multiband ? &*plan.albumChain.multiband : nullptr;
        for (std::size_t b = 0; b < bands; ++b) {
            std::string label = "band " + std::to_string(b + 1);
            if (mb && mb->crossoversHz.size() + 1 == bands) {
                const auto hz = [](double f) { return f >= 1000 ? fmt2(f / 1000).substr(0, fmt2(f / 1000).find('.') + 2) + " kHz" : std::to_string(static_cast<int>(f)) + " Hz"; };
                label = b == 0 ? "< " + hz(mb->crossoversHz[0]) : b + 1 == bands ? "> " + hz(mb->crossoversHz[b - 1]) : hz(mb->crossoversHz[b - 1]) + "–" + hz(mb->crossoversHz[b]);
            }
            json values = json::array();
            for (float g : grid[b]) values.push_back(report::numberOrNull(g, 2));
            bandsJ.push_back({{"label", label}, {"values", values}});
        }
        plots["multiband_gain_reduction_db"] = {{"period_s", kPeriodS}, {"bands", bandsJ}};
    }
    report::SpectrumAverager before(plan.processingRateHz);
    for (const auto& p : processed)
        if (p.sourceSpectrum) before.merge(*p.sourceSpectrum);
    plots["spectrum_db"] = report::spectrumJson(before, *master.spectrumAfter);
    v["plots"] = plots;

    json timeline = json::array();
    for (std::size_t i = 0; i < plan.tracks.size(); ++i) {
        const auto& t = plan.tracks[i];
        // Where the track's audio starts on the timeline (for a CD, without the 2 s lead-in).
        json e = {{"number", t.number}, {"start_s", report::numberOrNull(static_cast<double>(master.marks[i]) / rate, 6)},
                  {"duration_s", report::numberOrNull(static_cast<double>(master.trackFrames[i]) / rate, 6)},
                  {"crossfade_in_s", i > 0 ? plan.tracks[i - 1].crossfadeS : 0.0},
                  {"gap_after_s", t.crossfadeS > 0 || i + 1 == plan.tracks.size() ? 0.0 : t.gapAfterS.value_or(plan.sequence.gapS)}};
        if (v.contains("cd")) {
            // CD index marks, in seconds on the timeline the plot draws (lead-in excluded).
            json marks = json::array();
            for (const auto& row : v["cd"]["pq_sheet"])
                if (row["track"] == t.number && row["sector"].get<std::int64_t>() >= delivery::kLeadInSectors)
                    marks.push_back(report::numberOrNull(static_cast<double>(row["sector"].get<std::int64_t>() - delivery::kLeadInSectors) /
                                                             static_cast<double>(delivery::kSectorsPerSecond), 3));
            e["index_s"] = marks;
        }
        if (v.contains("vinyl"))
            for (const auto& side : v["vinyl"]["sides"])
                for (int n : side["tracks"])
                    if (n == t.number) e["side"] = side["side"];
        timeline.push_back(e);
    }
    v["timeline"] = timeline;
    v["settings"] = {{"loudness", {{"mode", variant.loudness.mode == LoudnessMode::Album ? "album" : "track"},
                                   {"target_lufs", variant.loudness.targetLufs},
                                   {"max_limiting_db", variant.loudness.maxLimitingDb}}},
                     {"limiter", variant.limiter ? json{{"ceiling_dbtp", variant.limiter->ceilingDbtp},
                                                         {"lookahead_ms", variant.limiter->lookaheadMs},
                                                         {"release_ms", variant.limiter->releaseMs}}
                                                 : json("off")},
                     {"mono_bass_hz", variant.monoBassHz}};
    if (v.contains("streaming")) {
        json rows = json::array();
        for (const auto& svc : v["streaming"]["playback"])
            for (const auto& t : svc["tracks"]) {
                json row = {{"service", svc["service"]}, {"track", t["number"]}};
                for (const auto& [k, val] : t.items())
                    if (k != "number") row[k] = val;
                rows.push_back(row);
            }
        v["playback_simulation"] = rows;
    }
    if (v.contains("vinyl")) v["cutting_sheet"] = v["vinyl"]["cutting_sheet"];
    if (v.contains("cd")) v["pq_sheet"] = v["cd"]["pq_sheet"];
}

// Writes one variant's files and returns its report section.
json writeVariant(const AlbumPlan& plan, const VariantPlan& variant, const VariantMaster& master,
                  const std::vector<ProcessedTrack>& processed, const fs::path& outDir,
                  const fs::path& scratchDir) {
    const fs::path dir = outDir / variant.name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::Io, dir.string(), "cannot create the variant folder: " + ec.message(), "check permissions");
    const AudioStore& tl = *master.timeline;
    const double rate = tl.sampleRateHz();
    const std::size_t n = plan.tracks.size();
    const auto& ex = variant.exportSpec;

    // The per-track parts: split at the timeline's marks, or for a CD at the layout's INDEX 01
    // sectors of the programme (2 s lead-in + timeline + padding to a whole sector).
    Parts parts;
    parts.source = &tl;
    std::vector<double> partStartS(n);
    json cdJson;
    std::optional<OffsetSource> programme;
    if (ex.format == ExportFormat::Cd) {
        const auto layout = delivery::cdLayout(master.marks, master.trackFrames, tl.frames());
        programme.emplace(tl, static_cast<std::size_t>(delivery::kLeadInSectors * delivery::kFramesPerSector), layout.programmeFrames());
        parts.source = &*programme;
        for (const auto& t : layout.tracks) parts.ranges.emplace_back(t.fileStartFrame(), std::max(t.fileStartFrame(), std::min(t.fileEndFrame(), layout.programmeFrames())));
        for (std::size_t i = 0; i < n; ++i) partStartS[i] = static_cast<double>(layout.tracks[i].index01) / delivery::kSectorsPerSecond;
        cdJson = writeCdImage(plan, variant, *programme, layout, dir);
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            parts.ranges.emplace_back(master.marks[i], master.fileEnd(i));
            partStartS[i] = static_cast<double>(master.marks[i]) / rate;
        }
    }

    // ReplayGain 2.0 values come from the quantised audio, which is what gets written.
    std::vector<loudness::Meter> meters;
    for (std::size_t i = 0; i < n; ++i) meters.emplace_back(tl.channels(), rate);
    std::vector<loudness::Measurement> inMemory(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const auto& [from, to] = parts.ranges[i];
        forEachBlock(*parts.source, from, to, [&](const BlockView& v) { meters[i].add(v); });
        inMemory[i] = meters[i].result();
    });
    std::vector<const loudness::Meter*> meterPtrs;
    for (const auto& m : meters) meterPtrs.push_back(&m);
    const auto albumLufs = loudness::Meter::combinedIntegratedLufs(meterPtrs);
    double albumPeak = 0;
    for (const auto& m : inMemory)
        if (m.truePeakDbtp) albumPeak = std::max(albumPeak, dbToGain(*m.truePeakDbtp));

    std::vector<fs::path> files(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const auto& t = plan.tracks[i];
        io::Tags tags = tagsFor(plan, t);
        if (inMemory[i].integratedLufs) tags.trackGainDb = -18.0 - *inMemory[i].integratedLufs;
        if (inMemory[i].truePeakDbtp) tags.trackPeak = dbToGain(*inMemory[i].truePeakDbtp);
        if (albumLufs) tags.albumGainDb = -18.0 - *albumLufs;
        if (albumPeak > 0) tags.albumPeak = albumPeak;
        files[i] = dir / trackFileName(t.number, t.title, extensionFor(ex));
        const auto& [from, to] = parts.ranges[i];
        tags.broadcast.timeReferenceFrames = from;  // bext: where the file starts on the album timeline
        if (ex.format == ExportFormat::Flac) {
            io::FlacWriter writer(files[i], parts.source->channels(), rate, ex.bitDepth, tags, to - from);
            copyFrames(*parts.source, from, to, writer);
            writer.commit();
        } else {
            const auto wf = ex.bitDepth == 16 ? io::WavSampleFormat::Pcm16 : ex.bitDepth == 24 ? io::WavSampleFormat::Pcm24 : io::WavSampleFormat::Float32;
            io::WavWriter writer(files[i], parts.source->channels(), rate, wf, tags, to - from);
            copyFrames(*parts.source, from, to, writer);
            writer.commit();
        }
    });

    // Measure what was written, from the files.
    std::vector<report::FileMeasurement> measured(n);
    std::vector<std::unique_ptr<loudness::Meter>> fileMeters(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        measured[i] = report::measureFile(files[i], &fileMeters[i]);  // streamed from the file
    });
    std::vector<const loudness::Meter*> filePtrs;
    for (const auto& m : fileMeters) filePtrs.push_back(m.get());

    json v;
    const double ceiling = variant.limiter ? variant.limiter->ceilingDbtp : 0.0;
    v["targets"] = {{"integrated_lufs", variant.loudness.targetLufs},
                    {"true_peak_dbtp", variant.limiter ? json(variant.limiter->ceilingDbtp) : json(nullptr)},
                    {"mode", variant.loudness.mode == LoudnessMode::Album ? "album" : "track"},
                    {"anchor", variant.loudness.anchor == AlbumAnchor::LoudestTrack ? "loudest" : "average"}};
    json tracks = json::array(), filesJson = json::array(), checks = json::array();
    std::optional<double> albumTp;
    std::optional<double> albumLra = loudness::Meter::combinedLoudnessRangeLu(filePtrs);
    double totalS = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = plan.tracks[i];
        const auto& m = measured[i];
        const auto rel = fs::relative(files[i], outDir).generic_string();
        if (m.loudness.truePeakDbtp) albumTp = std::max(albumTp.value_or(-1e9), *m.loudness.truePeakDbtp);
        totalS += m.info.durationS();
        tracks.push_back({{"number", t.number},
                          {"title", t.title},
                          {"file", rel},
                          {"sha256", m.sha256},
                          {"start_s", report::numberOrNull(partStartS[i], 6)},
                          {"duration_s", report::numberOrNull(m.info.durationS(), 6)},
                          {"integrated_lufs", report::numberOrNull(m.loudness.integratedLufs)},
                          {"loudness_range_lu", report::numberOrNull(m.loudness.loudnessRangeLu)},
                          {"true_peak_dbtp", report::numberOrNull(m.loudness.truePeakDbtp)},
                          {"sample_peak_dbfs", report::numberOrNull(m.loudness.samplePeakDbfs)},
                          {"gain_db", report::numberOrNull(master.gainsDb[i])},
                          {"limiter_max_gain_reduction_db", report::numberOrNull(master.limiterMaxGrDb[i])},
                          {"multiband_max_gain_reduction_db", bandsJson(processed[i].multibandMaxReductionDb)},
                          {"deesser_max_reduction_db", report::numberOrNull(processed[i].deesserMaxReductionDb)},
                          {"loudness_offset_lu", t.loudnessOffsetLu}});
        filesJson.push_back({{"path", rel},
                             {"sha256", m.sha256},
                             {"format", m.info.format},
                             {"sample_rate", m.info.sampleRateHz},
                             {"bit_depth", m.info.bitDepth},
                             {"channels", m.info.channels},
                             {"frames", m.info.frames}});

        const std::string who = "track " + std::to_string(t.number) + " (" + t.title + ")";
        const bool lengthOk = static_cast<std::size_t>(m.info.frames) == parts.frames(i);
        checks.push_back(check(who + " file complete", lengthOk,
                               std::to_string(m.info.frames) + " frames written of " + std::to_string(parts.frames(i))));
        // The track's own audio decides (a 0.3 s sting followed by its gap measures in the file,
        // but was given no gain): no on-target check for it.
        if (!m.loudness.integratedLufs || !master.loudnessDefined[i]) {
            checks.push_back(check(who + " loudness", true, "undefined (silence or under 400 ms): no gain applied"));
        } else if (variant.loudness.mode == LoudnessMode::Track) {
            const double want = variant.loudness.targetLufs + t.loudnessOffsetLu;
            const double err = *m.loudness.integratedLufs - want;
            // ±0.1 LU: EBU Tech 3341's tolerance for integrated loudness.
            checks.push_back(check(who + " loudness on target", std::abs(err) <= 0.1,
                                   fmt2(*m.loudness.integratedLufs) + " LUFS vs target " + fmt2(want) + " (" + fmt2(err) + " LU)"));
        }
        if (m.loudness.truePeakDbtp) {
            if (variant.limiter) {
                bool under = *m.loudness.truePeakDbtp <= ceiling;
                std::string detail = fmt2(*m.loudness.truePeakDbtp) + " dBTP vs ceiling " + fmt2(ceiling) + " dBTP";
                if (!under) {
                    // libebur128's 4x meter over-reads dense content near Nyquist (within EBU Tech
                    // 3341's meter tolerance): read the file again 8x oversampled before failing it.
                    const auto ref = loudness::referenceTruePeakDbtp(io::FileSource(files[i], io::Channels::Native));
                    under = ref && *ref <= ceiling;
                    tracks.back()["true_peak_8x_dbtp"] = report::numberOrNull(ref);
                    detail = "8x oversampled " + (ref ? fmt2(*ref) : std::string("n/a")) + " dBTP vs ceiling " + fmt2(ceiling) +
                             " dBTP (libebur128's 4x meter reads " + fmt2(*m.loudness.truePeakDbtp) + ")";
                }
                checks.push_back(check(who + " true peak under ceiling", under, detail));
            } else if (m.loudness.samplePeakDbfs) {
                checks.push_back(check(who + " no clipping", *m.loudness.samplePeakDbfs < 0.0,
                                       "sample peak " + fmt2(*m.loudness.samplePeakDbfs) + " dBFS"));
            }
        }
        if (variant.limiter && master.limiterMaxGrDb[i] > variant.loudness.maxLimitingDb)
            checks.push_back(check(who + " limiting within bounds", false,
                                   "needs " + fmt2(master.limiterMaxGrDb[i]) + " dB of limiting to reach the target under " +
                                       fmt2(ceiling) + " dBTP; the limit is " + fmt2(variant.loudness.maxLimitingDb) +
                                       " dB (max_limiting_db) — lower the target or raise the limit"));
    }
    const auto fileAlbumLufs = loudness::Meter::combinedIntegratedLufs(filePtrs);
    if (variant.loudness.mode == LoudnessMode::Album) {
        // What lands on target: the album's integrated loudness, or its loudest track (TD1008).
        const bool loudest = variant.loudness.anchor == AlbumAnchor::LoudestTrack;
        std::optional<double> anchor = fileAlbumLufs;
        if (loudest) {
            double top = -1e300;
            for (const auto& m : measured) top = std::max(top, m.loudness.integratedLufs.value_or(-1e300));
            anchor = top > -1e300 ? std::optional<double>(top) : std::nullopt;
        }
        const std::string name = loudest ? "loudest track on target" : "album loudness on target";
        if (anchor) {
            const double err = *anchor - variant.loudness.targetLufs;
            // ±0.1 LU: EBU Tech 3341's tolerance for integrated loudness.
            checks.push_back(check(name, std::abs(err) <= 0.1,
                                   fmt2(*anchor) + " LUFS vs target " + fmt2(variant.loudness.targetLufs) + " (" + fmt2(err) + " LU)"));
        } else {
            checks.push_back(check(name, false, "album loudness is undefined (all silence)"));
        }
    }
    v["album"] = {{"integrated_lufs", report::numberOrNull(fileAlbumLufs)},
                  {"loudness_range_lu", report::numberOrNull(albumLra)},
                  {"true_peak_dbtp", report::numberOrNull(albumTp)},
                  {"duration_s", report::numberOrNull(totalS, 6)}};
    v["tracks"] = tracks;
    v["files"] = filesJson;
    v["checks"] = checks;
    v["export"] = {{"format", ex.format == ExportFormat::Flac ? "flac" : ex.format == ExportFormat::Wav ? "wav" : "cd"},
                   {"sample_rate", ex.sampleRateHz},
                   {"bit_depth", ex.bitDepth},
                   {"dither", ex.bitDepth == 16 ? (ex.dither == DitherKind::None ? "none" : ex.dither == DitherKind::Shaped ? "shaped" : "tpdf") : "none"}};
    v["loudness_solve_iterations"] = master.solveIterations;
    if (!variant.preset.empty()) v["preset"] = variant.preset;
    if (variant.overridesChain) {
        // The variant ran its own shared chain: its resolved settings per track.
        json chains = json::array();
        for (std::size_t i = 0; i < n && i < variant.trackChains.size(); ++i) {
            json c = settingsJson(variant.trackChains[i]);
            c["number"] = plan.tracks[i].number;
            chains.push_back(c);
        }
        v["chains"] = chains;
    }
    if (!cdJson.is_null()) {
        for (const auto& f : cdJson["files"]) v["files"].push_back(f);
        for (const auto& c : cdJson["checks"]) v["checks"].push_back(c);
        cdJson.erase("files");
        cdJson.erase("checks");
        v["cd"] = cdJson;
    }
    if (ex.format == ExportFormat::Flac)
        v["streaming"] =
            streamingJson(plan, variant, master, parts, measured, fileAlbumLufs, scratchDir, v["checks"]);
    if (!variant.vinylDisc.empty()) v["vinyl"] = vinylJson(plan, variant, parts, measured, dir, outDir, v["checks"], v["files"]);
    addPlotData(plan, variant, master, processed, v);
    return v;
}

}  // namespace

int renderAlbum(const AlbumPlan& plan, const RenderOptions& options, RenderStats* stats) {
    std::vector<const VariantPlan*> variants;
    for (const auto& want : options.variants) {
        auto it = std::find_if(plan.variants.begin(), plan.variants.end(), [&](const auto& v) { return v.name == want; });
        if (it == plan.variants.end()) {
            std::string names;
            for (const auto& v : plan.variants) names += (names.empty() ? "" : ", ") + v.name;
            throw Error(ErrorKind::Usage, "--variant " + want, "no such variant in the manifest", "choose one of: " + names);
        }
        variants.push_back(&*it);
    }
    if (options.variants.empty())
        for (const auto& v : plan.variants) variants.push_back(&v);

    // A render already running in the folder refuses us on its lock before its files look foreign.
    std::optional<OutputLock> lock;
    if (std::error_code ec; fs::exists(options.outDir / ".lacquer.lock", ec)) lock.emplace(options.outDir);
    prepareOutputFolder(options.outDir, options.force);
    if (!lock) lock.emplace(options.outDir);

    // Scratch files of the album pass, inside the locked output folder; removed on every exit.
    Scratch scratch(options.scratchDir.empty() ? options.outDir / ".lacquer-scratch"
                                               : options.scratchDir / ("lacquer-" + std::to_string(::getpid())));

    // One engine for the whole render: FFT plans and kernels are made once and reused.
    const auto engine = convolution::Engine::create(options.device);
    const IrCache irs = loadImpulseResponses(plan);

    // Shared stages, once per track and distinct chain (a variant's own `chain:` makes another),
    // all in parallel.
    const std::size_t n = plan.tracks.size();
    std::vector<TrackPlan> jobs;                           // a track with the chain to run
    std::vector<std::vector<std::size_t>> jobOf(variants.size(), std::vector<std::size_t>(n));
    for (std::size_t k = 0; k < variants.size(); ++k)
        for (std::size_t i = 0; i < n; ++i) {
            const auto& v = *variants[k];
            const ChainParams& chain = v.trackChains.size() == n ? v.trackChains[i] : plan.tracks[i].chain;
            std::size_t j = 0;
            while (j < jobs.size() && !(jobs[j].number == plan.tracks[i].number && jobs[j].chain == chain)) ++j;
            if (j == jobs.size()) {
                jobs.push_back(plan.tracks[i]);
                jobs.back().chain = chain;
            }
            jobOf[k][i] = j;
        }
    std::vector<ProcessedTrack> done(jobs.size());
    std::atomic<int> finished{0};
    // Work units for the percentage: a track through the shared chain, a track mastered (per
    // variant), half a track written (per variant).
    log::ProgressMeter meter(static_cast<double>(jobs.size()) + 1.5 * static_cast<double>(variants.size() * n));
    meter.show("processing tracks 0/" + std::to_string(jobs.size()));
    // A worker streams its track: the most it holds is a convolution segment's input window and
    // output (on a real GPU two batches of the engine's 128 MiB budget each, with the window's
    // growth; on the CPU a few MiB to ~250 MiB for long reverbs on many cores), libsoxr's state
    // and a few blocks — not the track.
    constexpr double perJob = 384.0 * 1024 * 1024;
    parallelFor(jobs.size(), [&](std::size_t j) {
        throwIfCancelled();
        done[j] = processTrack(plan, jobs[j], *engine, irs, &scratch);
        meter.advance(1, "processing tracks " + std::to_string(++finished) + "/" + std::to_string(jobs.size()) + "  " + jobs[j].title);
    }, workersFor(perJob));
    if (stats) {
        stats->sharedChainRuns += static_cast<int>(jobs.size());
        for (const auto& p : done) stats->convolutionRuns += p.convolutionRuns;
    }
    auto processedFor = [&](std::size_t k) {
        std::vector<ProcessedTrack> p;
        for (std::size_t i = 0; i < n; ++i) p.push_back(done[jobOf[k][i]]);
        return p;
    };

    json report;
    report["manifest"] = plan.manifestPath.string();
    report["manifest_sha256"] = plan.manifestSha256;
    report["lacquer_version"] = LACQUER_VERSION;
    report["lacquer_build"] = LACQUER_BUILD;  // commit as of the last configure
    report["album"] = report::albumMetaJson(plan.album);
    report["device"] = engine->deviceName();
    report["backend"] = engine->backendName();
    report["chains"] = chainsJson(plan);
    report["variants"] = json::object();  // a JSON object sorts its keys: the order is kept beside it
    report["variant_order"] = json::array();
    for (const auto* v : variants) report["variant_order"].push_back(v->name);
    bool allOk = true;
    // Every variant is mastered before anything is written, so the Red Book checks of a CD
    // variant (they need the final track lengths) can stop the render with nothing written.
    std::vector<VariantMaster> masters;
    std::vector<Diagnostic> cdErrors;
    std::vector<json> cdWarnings(variants.size(), json::array());
    for (std::size_t k = 0; k < variants.size(); ++k) {
        const auto* v = variants[k];
        meter.show("variant " + v->name + ": loudness and limiting");
        masters.push_back(masterVariant(plan, *v, processedFor(k), &scratch));
        meter.advance(static_cast<double>(n), "variant " + v->name + ": mastered");
        if (v->lowerCeilingForCodecs && v->limiter && v->exportSpec.format == ExportFormat::Flac) {
            // codec_headroom mode lower: round-trip each track through Ogg Vorbis and Opus, lower
            // the ceiling of every track that decodes over max_decoded_dbtp by its excess (plus
            // 0.05 dB, since the overshoot scales with level only roughly) and master again.
            constexpr int kMaxPasses = 4;
            std::vector<double> ceilings(plan.tracks.size(), v->limiter->ceilingDbtp);
            for (int pass = 0; pass < kMaxPasses; ++pass) {
                // The round trips are kept with the master they measured, for its report.
                VariantMaster& m = masters.back();
                const std::size_t n = plan.tracks.size();
                m.vorbisRoundTrips.assign(n, {});
                m.opusRoundTrips.assign(n, {});
                std::vector<double> worst(n, -1e9);
                // Streamed from the timeline in blocks: a few MiB per worker, however long the track.
                // One job per track and codec.
                parallelFor(2 * n, [&](std::size_t job) {
                    throwIfCancelled();
                    const std::size_t i = job / 2;
                    const AudioStore& tl = *m.timeline;
                    const std::size_t from = m.marks[i], to = m.fileEnd(i);
                    const fs::path& tmp = scratch.dir();
                    using delivery::Codec;
                    if (job % 2 == 0)
                        m.vorbisRoundTrips[i] = delivery::codecRoundTrip(tl, from, to, Codec::Vorbis, tmp);
                    else
                        m.opusRoundTrips[i] = delivery::codecRoundTrip(tl, from, to, Codec::Opus, tmp);
                });
                for (std::size_t i = 0; i < n; ++i)
                    for (const auto* r : {&m.vorbisRoundTrips[i], &m.opusRoundTrips[i]})
                        if (r->decodedTruePeakDbtp) worst[i] = std::max(worst[i], *r->decodedTruePeakDbtp);
                bool lowered = false;
                for (std::size_t i = 0; i < ceilings.size(); ++i)
                    if (worst[i] > v->maxDecodedDbtp) {
                        ceilings[i] -= worst[i] - v->maxDecodedDbtp + 0.05;
                        lowered = true;
                    }
                if (!lowered) break;
                meter.show("variant " + v->name + ": lowering ceilings for lossy headroom (pass " + std::to_string(pass + 1) + ")");
                masters.back() = masterVariant(plan, *v, processedFor(k), &scratch, ceilings);
            }
            if (masters.back().codecCeilingsDbtp.empty()) masters.back().codecCeilingsDbtp = ceilings;
        }
        if (v->exportSpec.format != ExportFormat::Cd) continue;
        const auto& tl = masters.back().timeline;
        const auto layout = delivery::cdLayout(masters.back().marks, masters.back().trackFrames, tl->frames());
        auto rb = delivery::checkRedBook(layout, cdDisc(plan), cdTracks(plan));
        for (auto& d : rb.errors) {
            d.where = v->name + (d.where.empty() ? "" : ": " + d.where);
            cdErrors.push_back(d);
        }
        for (const auto& d : rb.warnings) {
            log::warning(v->name, d.line());
            cdWarnings[k].push_back(check("Red Book warning", true, d.line()));
        }
    }
    if (!cdErrors.empty()) throw Error(ErrorKind::Manifest, cdErrors);
    for (auto& p : done) p.audio.reset();  // every variant's timeline holds what it needs
    for (std::size_t k = 0; k < variants.size(); ++k) {
        const auto* v = variants[k];
        const VariantMaster& master = masters[k];
        meter.show("variant " + v->name + ": writing " + std::to_string(plan.tracks.size()) + " files");
        json section = writeVariant(plan, *v, master, processedFor(k), options.outDir, scratch.dir());
        meter.advance(0.5 * static_cast<double>(n), "variant " + v->name + ": written");
        for (const auto& w : cdWarnings[k]) section["checks"].push_back(w);
        for (const auto& c : section["checks"]) allOk = allOk && c["ok"].get<bool>();
        report["variants"][v->name] = std::move(section);
    }
    log::endProgress();
    io::writeTextFile(options.outDir / "report.json", report.dump(2) + "\n");
    io::writeTextFile(options.outDir / "report.md", report::toMarkdown(report));
    io::writeTextFile(options.outDir / "report.html", report::toHtml(report));
    log::info(report::summaryTable(report));
    return allOk ? 0 : 1;
}

}  // namespace lacquer::render
