#!/usr/bin/env bash
# ctest fixture (demo_render): synthesises the demo album's sources and renders it once, so the
# DemoRender tests (each its own process) check one render. The render's exit code and output
# are kept for the tests to assert on; this script fails only if it cannot run the render at all.
set -euo pipefail
build=$1 source=$2
album=$build/test-scratch/demo-album
out=$build/test-scratch/demo-render
mkdir -p "$album"
cp "$source/albums/demo/album.yaml" "$album/album.yaml"
"$build/make_demo_album" "$album"
rm -rf "$out" "$out-2"
set +e
"$build/lacquer" render "$album/album.yaml" --out "$out" >"$build/test-scratch/demo-render.log" 2>&1
echo $? >"$build/test-scratch/demo-render.exit"
"$build/lacquer" render "$album/album.yaml" --out "$out-2" >"$build/test-scratch/demo-render-2.log" 2>&1
echo $? >"$build/test-scratch/demo-render-2.exit"
exit 0
