// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Message digests (OpenSSL's EVP), as lower-case hex: SHA-256 for report.json's file hashes and
// the manifest's, MD5 for the DDP image checksum.
#include <filesystem>
#include <string>
#include <string_view>

namespace lacquer {

enum class DigestKind { Sha256, Md5 };

// The digest of `bytes`. Throws Error(Io) only if OpenSSL cannot run the digest.
std::string digestHex(DigestKind kind, std::string_view bytes);

// The digest of a file's bytes, read in 1 MiB blocks. Throws Error(Io) naming the file when it
// cannot be opened or read.
std::string fileDigestHex(DigestKind kind, const std::filesystem::path& file);

// report.json's "sha256" of a written file.
inline std::string sha256File(const std::filesystem::path& file) { return fileDigestHex(DigestKind::Sha256, file); }

}  // namespace lacquer
