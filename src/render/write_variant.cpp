// SPDX-License-Identifier: GPL-3.0-or-later
// Writing a variant: the track files split from the mastered timeline (or the CD programme), the
// CD image, vinyl sides, streaming round trips; then every written file measured back from disk
// and judged by src/checks/, into the variant's report section.
#include <algorithm>
#include <cmath>
#include <optional>

#include "lacquer/checks/delivery_meta.hpp"
#include "lacquer/checks/files.hpp"
#include "lacquer/checks/targets.hpp"
#include "lacquer/common/cancel.hpp"
#include "lacquer/common/error.hpp"
#include "lacquer/common/parallel.hpp"
#include "lacquer/common/units.hpp"
#include "lacquer/delivery/cd.hpp"
#include "lacquer/delivery/codec.hpp"
#include "lacquer/delivery/service_codec.hpp"
#include "lacquer/delivery/ddp.hpp"
#include "lacquer/delivery/streaming.hpp"
#include "lacquer/delivery/vinyl.hpp"
#include "lacquer/io/atomic_file.hpp"
#include "lacquer/io/decode.hpp"
#include "lacquer/io/encode.hpp"
#include "lacquer/io/m4a.hpp"
#include "lacquer/loudness/meter.hpp"
#include "lacquer/render/render.hpp"
#include "lacquer/report/plots.hpp"
#include "lacquer/report/report.hpp"
#include "lacquer/report/settings.hpp"
#include "render/blocks.hpp"
#include "render/quality_pass.hpp"
#include "render/loudness_solve.hpp"
#include "render/steps.hpp"
#include "render/tool_report.hpp"

namespace lacquer::render {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The per-track files of a variant: frame ranges of one source (the timeline, or the CD
// programme), each read block by block by the stages that need it.
struct Parts {
    const AudioSource* source = nullptr;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;  // [from, to) per track
    std::size_t size() const { return ranges.size(); }
    std::size_t frames(std::size_t i) const { return ranges[i].second - ranges[i].first; }
    double durationS(std::size_t i) const { return static_cast<double>(frames(i)) / source->sampleRateHz(); }
};



json fileEntry(const fs::path& file, const fs::path& outDir, const std::string& format) {
    const auto info = io::probe(file);
    return {{"path", fs::relative(file, outDir).generic_string()}, {"sha256", sha256File(file)},
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
    for (const auto& d : delivery::checkCdAudio(programme)) checks.push_back(checks::toJson(checks::fromDiagnostic("cd.audio", "CD audio", d, checks::Status::Fail)));
    io::Tags tags;
    tags.title = plan.album.title;
    tags.artist = plan.album.artist;
    tags.album = plan.album.title;
    tags.date = plan.album.date;
    tags.genre = plan.album.genre;
    checks::addDeliveryMeta(plan, tags, 0);
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
                     {"sha256", sha256File(dir / "album.cue")}, {"format", "cue"}});
    const auto ddp = delivery::writeDdp(dir / "ddp", programme, layout, disc, tracks,
                                        {plan.album.catalog.empty() ? variant.name : plan.album.catalog, true});
    for (const auto& f : ddp.files)
        files.push_back({{"path", fs::relative(dir / "ddp" / f, outDir).generic_string()},
                         {"sha256", sha256File(dir / "ddp" / f)}, {"format", "ddp"}});
    const auto rows = delivery::pqSheet(layout, tracks);
    json pq = json::array();
    for (const auto& r : rows)
        pq.push_back({{"track", r.track}, {"index", r.index}, {"sector", r.sector}, {"msf", r.msf}, {"isrc", r.isrc},
                      {"title", r.title}, {"length_sectors", r.lengthSectors ? json(*r.lengthSectors) : json(nullptr)}});
    checks.push_back(checks::toJson(checks::judged("cd.frame_alignment", 0, "CD frame alignment", true,
                                                   "every INDEX on a 588-sample sector; lead-out at " +
                                                       delivery::msf(layout.leadOutSector))));
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
    if (!variant.codecRoundTrips) {  // codec_headroom: { mode: off }
        vorbis.clear();
        opus.clear();
    } else if (vorbis.size() != parts.size() || opus.size() != parts.size()) {  // not made by codec_headroom
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
    // codec_headroom: { mode: off } skips them too (no lossy round trips at all).
    std::vector<delivery::CodecResult> aac(vorbis.size()), mp3(vorbis.size());
    parallelFor(2 * vorbis.size(), [&](std::size_t job) {
        throwIfCancelled();
        const std::size_t i = job / 2;
        const auto& [from, to] = parts.ranges[i];
        (job % 2 == 0 ? aac : mp3)[i] =
            delivery::codecRoundTrip(*parts.source, from, to, job % 2 == 0 ? delivery::Codec::Aac : delivery::Codec::Mp3, tempDir);
    });
    std::vector<delivery::DecodedPeaks> peaks(vorbis.size());
    json codec = json::array();
    for (std::size_t i = 0; i < vorbis.size(); ++i) {
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
                checks.push_back(checks::toJson(checks::warning(
                    "track.lossy_headroom_" + std::string(r->codec == delivery::Codec::Aac ? "aac" : "mp3"), plan.tracks[i].number,
                    "track " + std::to_string(plan.tracks[i].number) + " (" + plan.tracks[i].title + ") " +
                        delivery::codecName(r->codec) + " headroom",
                    "decoded true peak " + checks::fmt2(*r->decodedTruePeakDbtp) + " dBTP after " + delivery::codecName(r->codec) +
                        " at " + checks::fmt2(r->bitrateKbps) + " kb/s — over " + checks::fmt2(variant.maxDecodedDbtp) + " dBTP")));
        // With codec_headroom mode lower, the ceiling each track was limited with.
        if (variant.lowerCeilingForCodecs && variant.limiter)
            codec.back()["ceiling_dbtp"] = report::numberOrNull(master.ceilingDbtp(i, variant));
        double worst = -1e9;
        for (const auto* r : {&vorbis[i], &opus[i]})
            if (r->decodedTruePeakDbtp) worst = std::max(worst, *r->decodedTruePeakDbtp);
        if (worst > -1e9)
            checks.push_back(checks::toJson(checks::checkLossyHeadroom(
                variant, plan.tracks[i].number, plan.tracks[i].title, worst,
                master.ceilingDbtp(i, variant))));
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
            checks.push_back(checks::toJson(checks::fromDiagnostic("vinyl.warning", "vinyl warning", w, checks::Status::Warn)));
    }
    const auto order = variant.sideOrder == VinylSideOrder::Running ? delivery::SideOrder::KeepRunningOrder
                                                                   : delivery::SideOrder::LoudBrightFirst;
    const auto vp = variant.sides.empty() ? delivery::planSides(tracks, format, order)
                                          : delivery::manualSides(tracks, variant.sides, format);
    for (const auto& e : vp.errors)
        checks.push_back(checks::toJson(checks::fromDiagnostic("vinyl.sides", "vinyl sides", e, checks::Status::Fail)));
    for (const auto& w : vp.warnings)
        checks.push_back(checks::toJson(checks::fromDiagnostic("vinyl.warning", "vinyl warning", w, checks::Status::Warn)));
    json sides = json::array();
    for (const auto& side : vp.sides) {
        const fs::path file = dir / ("Side " + side.name + ".wav");
        io::Tags tags;
        tags.title = plan.album.title + " — side " + side.name;
        tags.artist = plan.album.artist;
        tags.album = plan.album.title;
        checks::addDeliveryMeta(plan, tags, 0);
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

}  // namespace

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

    // ReplayGain 2.0 values come from the quantised audio, which is what gets written: metered by
    // masterVariant's quantisation pass, or here for a CD (files cut from the programme).
    std::vector<loudness::Meter> meters;
    std::vector<loudness::Measurement> inMemory(n);
    std::vector<loudness::SoundStats> masterStats(n);  // what the chain did: after (quality_pass)
    std::vector<const loudness::Meter*> meterPtrs;
    if (ex.format != ExportFormat::Cd && master.trackMeters && master.trackMeters->size() == n) {
        for (const auto& m : *master.trackMeters) meterPtrs.push_back(&m);
        for (std::size_t i = 0; i < n; ++i) inMemory[i] = meterPtrs[i]->result();
        parallelFor(n, [&](std::size_t i) {
            throwIfCancelled();
            const auto& [from, to] = parts.ranges[i];
            loudness::SoundMeter sound(tl.channels(), rate, loudness::SoundMeter::Loudness::Off);
            forEachBlock(*parts.source, from, to, [&](const BlockView& v) { sound.add(v); });
            masterStats[i] = sound.result(inMemory[i]);
        });
    } else {
        for (std::size_t i = 0; i < n; ++i) meters.emplace_back(tl.channels(), rate);
        parallelFor(n, [&](std::size_t i) {
            throwIfCancelled();
            const auto& [from, to] = parts.ranges[i];
            loudness::SoundMeter sound(tl.channels(), rate, loudness::SoundMeter::Loudness::Off);
            forEachBlock(*parts.source, from, to, [&](const BlockView& v) {
                meters[i].add(v);
                sound.add(v);
            });
            inMemory[i] = meters[i].result();
            masterStats[i] = sound.result(inMemory[i]);
        });
        for (const auto& m : meters) meterPtrs.push_back(&m);
    }
    const auto albumLufs = loudness::Meter::combinedIntegratedLufs(meterPtrs);
    double albumPeak = 0;
    for (const auto& m : inMemory)
        if (m.truePeakDbtp) albumPeak = std::max(albumPeak, dbToGain(*m.truePeakDbtp));

    std::vector<fs::path> files(n);
    parallelFor(n, [&](std::size_t i) {
        throwIfCancelled();
        const auto& t = plan.tracks[i];
        io::Tags tags = checks::trackTags(plan, t);
        if (inMemory[i].integratedLufs) tags.trackGainDb = -18.0 - *inMemory[i].integratedLufs;
        if (inMemory[i].truePeakDbtp) tags.trackPeak = dbToGain(*inMemory[i].truePeakDbtp);
        if (albumLufs) tags.albumGainDb = -18.0 - *albumLufs;
        if (albumPeak > 0) tags.albumPeak = albumPeak;
        files[i] = dir / trackFileName(t.number, t.title, checks::trackFileExtension(ex));
        const auto& [from, to] = parts.ranges[i];
        tags.broadcast.timeReferenceFrames = from;  // bext: where the file starts on the album timeline
        if (ex.format == ExportFormat::Flac) {
            io::FlacWriter writer(files[i], parts.source->channels(), rate, ex.bitDepth, tags, to - from);
            copyFrames(*parts.source, from, to, writer);
            writer.commit();
        } else if (ex.format == ExportFormat::Mp3) {
            io::Mp3Writer writer(files[i], parts.source->channels(), rate, ex.bitrateKbps, tags);
            // With the makeup gain masterForCodecs measured for this track's MP3.
            const ScaledSource scaled(*parts.source, i < master.lossyGainDb.size() ? master.lossyGainDb[i] : 0.0);
            copyFrames(scaled, from, to, writer);
            writer.commit();
        } else if (ex.format == ExportFormat::Aac) {
            io::M4aWriter writer(files[i], parts.source->channels(), rate, ex.bitrateKbps, tags);
            // With the makeup gain masterForCodecs measured for this track's AAC.
            const ScaledSource scaled(*parts.source, i < master.lossyGainDb.size() ? master.lossyGainDb[i] : 0.0);
            copyFrames(scaled, from, to, writer);
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
    v["targets"] = {{"integrated_lufs", variant.loudness.targetLufs},
                    {"true_peak_dbtp", variant.limiter ? json(variant.limiter->ceilingDbtp) : json(nullptr)},
                    {"mode", variant.loudness.mode == LoudnessMode::Album ? "album" : "track"},
                    {"anchor", variant.loudness.anchor == AlbumAnchor::LoudestTrack ? "loudest" : "average"}};
    json tracks = json::array(), filesJson = json::array(), checks = json::array();
    std::vector<checks::TrackReading> readings;
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
                          {"multiband_max_gain_reduction_db", report::bandsJson(processed[i].multibandMaxReductionDb)},
                          {"deesser_max_reduction_db", report::numberOrNull(processed[i].deesserMaxReductionDb)},
                          {"compressor_max_gain_reduction_db", report::numberOrNull(processed[i].compressorMaxReductionDb)},
                          {"loudness_offset_lu", t.loudnessOffsetLu}});
        filesJson.push_back({{"path", rel},
                             {"sha256", m.sha256},
                             {"format", m.info.format},
                             {"sample_rate", m.info.sampleRateHz},
                             {"bit_depth", m.info.bitDepth},
                             {"channels", m.info.channels},
                             {"frames", m.info.frames}});
        addTrimJson(processed[i], "track " + std::to_string(t.number) + " (" + t.title + ")", tracks.back(), checks);
        // An MP3 variant: the ceiling this track was limited with so that its MP3 decodes under
        // the variant's ceiling (masterForCodecs), and the bitrate written.
        if (ex.lossy() && variant.lowerCeilingForCodecs && variant.limiter)
            tracks.back()["ceiling_dbtp"] = report::numberOrNull(master.ceilingDbtp(i, variant));
        if (ex.lossy() && i < master.lossyGainDb.size()) tracks.back()["lossy_gain_db"] = report::numberOrNull(master.lossyGainDb[i]);

        checks::TrackReading reading;
        reading.number = t.number;
        reading.title = t.title;
        reading.loudnessOffsetLu = t.loudnessOffsetLu;
        reading.file = files[i];
        reading.frames = m.info.frames;
        reading.expectedFrames = static_cast<std::int64_t>(parts.frames(i));
        reading.loudness = m.loudness;
        reading.loudnessDefined = master.loudnessDefined[i];
        reading.limiterMaxGrDb = master.limiterMaxGrDb[i];
        if (!reading.loudnessDefined) tracks.back()["loudness_defined"] = false;  // for verify
        const checks::TrackVerdict verdict = checks::checkTrack(variant, reading);
        if (verdict.reread8x) tracks.back()["true_peak_8x_dbtp"] = report::numberOrNull(verdict.truePeak8xDbtp);
        for (const auto& c : verdict.checks) checks.push_back(checks::toJson(c));
        readings.push_back(std::move(reading));
    }
    const auto fileAlbumLufs = loudness::Meter::combinedIntegratedLufs(filePtrs);
    if (const auto album = checks::checkAlbumLoudness(variant, fileAlbumLufs, readings)) checks.push_back(checks::toJson(*album));
    v["album"] = {{"integrated_lufs", report::numberOrNull(fileAlbumLufs)},
                  {"loudness_range_lu", report::numberOrNull(albumLra)},
                  {"true_peak_dbtp", report::numberOrNull(albumTp)},
                  {"duration_s", report::numberOrNull(totalS, 6)}};
    v["tracks"] = tracks;
    v["files"] = filesJson;
    v["checks"] = checks;
    v["export"] = {{"format", std::string(exportFormatName(ex.format))},
                   {"sample_rate", ex.sampleRateHz},
                   {"bit_depth", ex.lossy() ? json(nullptr) : json(ex.bitDepth)},  // a lossy file has no word length
                   {"dither", ex.bitDepth == 16 ? (ex.dither == DitherKind::None ? "none" : ex.dither == DitherKind::Shaped ? "shaped" : "tpdf") : "none"}};
    if (ex.lossy()) v["export"]["bitrate_kbps"] = ex.bitrateKbps;
    v["loudness_solve_iterations"] = master.solveIterations;
    if (!variant.preset.empty()) v["preset"] = variant.preset;
    if (variant.overridesChain) {
        // The variant ran its own shared chain: its resolved settings per track.
        json chains = json::array();
        for (std::size_t i = 0; i < n && i < variant.trackChains.size(); ++i) {
            json c = report::settingsJson(variant.trackChains[i]);
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
    addQuality(plan, variant, master, processed, masterStats,
               variant.loudness.mode == LoudnessMode::Album ? fileAlbumLufs : std::nullopt, v);
    report::PlotFacts facts;
    facts.rateHz = rate;
    facts.timelineFrames = tl.frames();
    facts.marks = master.marks;
    facts.trackFrames = master.trackFrames;
    facts.shortTermLufs = master.shortTermLufs;
    facts.limiterTraceDb = master.limiterTraceDb;
    // The trace holds the maximum of every limiterPlotBuckets(rate) buckets of kTraceFrames
    // frames: one value per plot period already (that many buckets, exactly).
    facts.limiterTracePeriodS = static_cast<double>(limiterPlotBuckets(rate)) / (rate / kTraceFrames);
    for (const auto& p : processed)
        facts.tracks.push_back({&p.multibandTraceDb, p.multibandTraceS, p.sourceSpectrum.get()});
    facts.spectrumAfter = master.spectrumAfter.get();
    report::addPlotData(plan, variant, facts, v);
    return v;
}

}  // namespace lacquer::render
