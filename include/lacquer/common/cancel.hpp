// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Cooperative cancellation: the CLI's SIGINT/SIGTERM handler only sets a flag; long loops call
// throwIfCancelled() between blocks, which unwinds through RAII temporaries (removing them).
namespace lacquer {

void requestCancel(int signalNumber);   // async-signal-safe
bool cancelRequested();
void throwIfCancelled();                 // throws Error(ErrorKind::Interrupted)

}  // namespace lacquer
