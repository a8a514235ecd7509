// SPDX-License-Identifier: GPL-3.0-or-later
// Faults during a render: a signal, the file-size limit, a full disk, no Vulkan device. Each must
// end in one clear line and the documented exit code, with no partial file under a final name and
// no temporary left behind.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostile_support.hpp"

namespace lacquer::hostile {
namespace {

using nlohmann::json;
using test::runCommand;

// A one-track album of `seconds`, one FLAC and one WAV variant.
fs::path album(double seconds) {
    const auto dir = test::scratchDir();
    writeMix(dir / "mixes/a.wav", seconds);
    writeText(dir / "album.yaml",
              manifestText("  - { file: mixes/a.wav, title: Alpha }\n", "",
                           "  streaming: { export: { format: flac, sample_rate: 48000, bit_depth: 24 } }\n"
                           "  studio: { export: { format: wav, sample_rate: 48000, bit_depth: 24 } }\n"));
    return dir;
}

// No temporary (".<name>.part-<pid>-<n>") anywhere under `outDir`, and every FLAC there is whole.
void expectNoPartialFiles(const fs::path& outDir) {
    for (const auto& name : leftovers(outDir)) {
        EXPECT_EQ(name.find(".part-"), std::string::npos) << name;
        if (fs::path(name).extension() == ".flac") {
            std::string t;
            EXPECT_EQ(runCommand("flac -s -t " + q(outDir / name), &t), 0) << name << ": " << t;
        }
    }
}

TEST(Faults, SigtermMidRenderExits130WithNoPartialFileAndTheRenderRunsAgain) {
    const auto dir = album(60.0);
    // Signal once the render holds its output folder (the lock file exists), then a little later
    // so that it lands in the middle of the work.
    const std::string cmd = cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out") +
                            " & pid=\\$!; while [ ! -e " + q(dir / "out/.lacquer.lock") +
                            " ]; do sleep 0.05; done; sleep 0.5; kill -TERM \\$pid; wait \\$pid";
    std::string out;
    EXPECT_EQ(runCommand("bash -c \"" + cmd + "\"", &out), 130) << out;
    EXPECT_EQ(
        out, "error: render: interrupted by SIGTERM — no file was left half-written; run the render again\n");
    expectNoPartialFiles(dir / "out");
    // "run the render again" must work: what the interrupted render left is lacquer's own.
    ASSERT_EQ(render(dir, &out), 0) << out;
    EXPECT_EQ(leftoverFiles(dir / "out"),
              (std::vector<std::string>{"report.html", "report.json", "report.md",
                                        "streaming/01 - Alpha.flac", "studio/01 - Alpha.wav"}));
}

// Runs the render under `ulimit -f <kib>` (RLIMIT_FSIZE): a write past the limit fails with EFBIG
// once SIGXFSZ is ignored, as it is on a full disk.
int renderUnderFileSizeLimit(const fs::path& dir, int kib, const std::string& variant, std::string* out,
                             const std::string& extra = "") {
    return runCommand("bash -c \"ulimit -f " + std::to_string(kib) + "; exec " + cli() + " render " +
                          q(dir / "album.yaml") + " --out " + q(dir / "out") + " --variant " + variant + extra + "\"",
                      out);
}

// The album pass spills every track to scratch files (32-bit float at the processing rate) before
// any delivery file is opened, so a disk too small for the render fails there: nothing under a
// final name, no variant folder, the scratch folder removed. (The delivery writers' own
// file-size-limit and disk-full failures are tested in tests/io and by FullDisk... below, which
// keeps the scratch files off the small disk.) --spill-memory 0 makes every spill a file (by
// default an album this short stays in memory).
TEST(Faults, FileSizeLimitDuringTheScratchWritesIsExitThreeWithNothingLeft) {
    const auto dir = album(20.0);
    std::string out;
    EXPECT_EQ(renderUnderFileSizeLimit(dir, 256, "streaming", &out, " --spill-memory 0"), 3) << out;
    const std::string head = "error: " + (dir / "out/.lacquer-scratch/").string();
    EXPECT_EQ(out.rfind(head, 0), 0u) << out;
    EXPECT_NE(out.find(": cannot write the scratch file: File too large — free disk space"), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_EQ(leftovers(dir / "out"), std::vector<std::string>{});
}

TEST(Faults, FullDiskIsExitThreeWithNoPartialFile) {
    // A 1 MiB tmpfs mounted over the output folder, in a private mount namespace (unshare -rm works
    // for root and, where user namespaces are enabled, for anyone).
    std::string probe;
    if (runCommand("unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt'", &probe) != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs in a private mount namespace here (" << probe
                     << "); the file-size-limit tests cover the same write path";
    const auto dir = album(20.0);
    fs::create_directories(dir / "out");
    // Inside the namespace: mount, render, then list what is left (the tmpfs vanishes on exit).
    // The scratch files go outside the small disk, so the delivery writer is what meets it.
    const std::string script = "mount -t tmpfs -o size=1m tmpfs " + q(dir / "out") + " || exit 99; " + cli() +
                               " render " + q(dir / "album.yaml") + " --out " + q(dir / "out") + " --scratch " +
                               q(dir) + " --variant streaming; echo rc=\\$?; cd " + q(dir / "out") +
                               " && find . -type f | sort; ls " + q(dir) + " | grep -c lacquer- || true";
    std::string out;
    ASSERT_EQ(runCommand("unshare -rm bash -c \"" + script + "\"", &out), 0) << out;
    const std::string want =
        "error: " + (dir / "out/streaming/01 - Alpha.flac").string() +
        ": write failed: No space left on device — check free space and permissions on the output "
        "disk\nrc=3\n./.lacquer.lock\n0\n";  // 0: the scratch folder is gone
    EXPECT_EQ(out, want);
}

// The no-device tests run the CLI with a Vulkan loader that finds no driver at all.
const std::string kNoVulkan = "VK_ICD_FILENAMES=/nonexistent VK_DRIVER_FILES=/nonexistent ";

TEST(Faults, WithoutAnyVulkanDeviceTheDeviceListSaysSoAndAutoIsTheCpu) {
    std::string out;
    EXPECT_EQ(runCommand(kNoVulkan + cli() + " devices", &out), 0) << out;
    EXPECT_EQ(out,
              "no Vulkan devices found\nauto: CPU (FFTW) — no hardware GPU; a software Vulkan device is "
              "slower than "
              "FFTW on the CPU (choose it with --device N)\n");
}

TEST(Faults, WithoutAnyVulkanDeviceAutoFallsBackToTheCpuWithAWarning) {
    const auto dir = album(2.0);
    std::string out;
    // Only stderr: the summary table on stdout is not the point here.
    ASSERT_EQ(runCommand("{ " + kNoVulkan + cli() + " render " + q(dir / "album.yaml") + " --out " +
                             q(dir / "out") + " --variant streaming --device auto >/dev/null; }",
                         &out),
              0)
        << out;
    EXPECT_EQ(out, "warning: --device auto: no Vulkan device found; using the CPU backend (FFTW)\n");
    std::ifstream in(dir / "out/report.json");
    EXPECT_EQ(json::parse(in)["backend"], "cpu-fftw-float");
}

TEST(Faults, WithoutAnyVulkanDeviceAnExplicitDeviceIsExitThreeAndWritesNothing) {
    const auto dir = album(2.0);
    std::string out;
    EXPECT_EQ(runCommand(kNoVulkan + cli() + " render " + q(dir / "album.yaml") + " --out " + q(dir / "out") +
                             " --variant streaming --device 0",
                         &out),
              3)
        << out;
    EXPECT_EQ(
        out,
        "error: vulkan: creating the Vulkan context failed: vkCreateInstance: ErrorIncompatibleDriver — run "
        "`lacquer devices`, or render with --device cpu\n");
    EXPECT_EQ(leftovers(dir / "out"), std::vector<std::string>{});
}

}  // namespace
}  // namespace lacquer::hostile
