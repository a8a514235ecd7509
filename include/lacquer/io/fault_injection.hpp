// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test-only fault seam for the file writers (AtomicFile, writeTextFile, WavWriter, FlacWriter).
// Some failures cannot be provoked for real in a test: fsync and close returning EIO, a rename
// failing once the file is complete. failNext() makes the next `count` calls of one operation fail
// with the given errno, as if the system call had returned it, so the tests can check that every
// such failure ends in one Error(ErrorKind::Io) naming the file and the operation, with the
// temporary removed and nothing (new) under the final name.
//
// Always compiled in. When nothing is armed each guarded call costs one relaxed atomic load.
// Process-wide and thread-safe; meant for single-threaded tests (any thread's next call fails).
// The product never arms it.
namespace lacquer::io::testing {

enum class Op {
    Write,   // writing bytes to the file (a writer's write(), and the flush of its tail at commit)
    Close,   // close() of the written file
    Fsync,   // fsync() of the temporary before it is renamed into place
    Rename,  // renaming the temporary over the final name
};

// The next `count` calls of `op` fail with `errnoValue` (consumed one per call). For Close the
// descriptor is still closed; the failure is reported as close() would report it.
void failNext(Op op, int errnoValue, int count = 1);
// Disarms every operation.
void clearFaults();

}  // namespace lacquer::io::testing
