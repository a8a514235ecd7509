// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A render's identity: the content-addressed job key of an album and the SHA-256 of every input
// file it reads. Two renders with the same key produce the same files (same manifest content, same
// input bytes, same lacquer version and build, same options), so a catalogue run skips an album
// whose output folder already holds a completed render with its key.
//
// The key is the SHA-256 of a small canonical JSON document (`material` below):
//   manifest:  SHA-256 of the manifest's canonical content (its YAML tree as JSON with sorted keys:
//              comments, layout, key order and quoting style do not count; every value does)
//   inputs:    [ { role, sha256 } ] for every mix ("track N"), reverb IR ("reverb ir") and the
//              cover ("cover"), in the plan's order (paths are informational only, not hashed:
//              moving an album keeps its key)
//   lacquer:   version and build (LACQUER_VERSION, LACQUER_BUILD)
//   options:   the variants rendered (sorted; all of the manifest's when none was asked) and the
//              --device request
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lacquer/convolution/engine.hpp"
#include "lacquer/manifest/input_files.hpp"
#include "lacquer/manifest/plan.hpp"

namespace lacquer::render {

using manifest::InputFile;

struct JobIdentity {
    std::string key;                   // hex SHA-256 of material.dump()
    std::string manifestCanonicalSha256;
    std::vector<InputFile> inputs;
    nlohmann::json options;            // { variants: [...], device: "..." }
    // report.json's "job" section: key, manifest_canonical_sha256, lacquer_version, lacquer_build,
    // options, inputs [ { role, path (relative to the manifest's folder), sha256 } ].
    nlohmann::json toJson(const std::filesystem::path& manifestDir) const;
};

// --device as text ("auto", "cpu", "0", ...), the form the key and report.json record.
std::string deviceText(const convolution::DeviceRequest& device);

// Hashes every input and the manifest's canonical content. `variants` empty = all of the plan's.
// Throws Error(Input) when an input cannot be read. The manifest part is the canonical content's
// hash when the file still holds the bytes `plan` was read from, else "bytes:" + manifestSha256.
JobIdentity jobIdentity(const AlbumPlan& plan, const std::vector<std::string>& variants, const std::string& device);

}  // namespace lacquer::render
