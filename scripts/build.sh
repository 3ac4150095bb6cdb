#!/usr/bin/env bash
# Configures and builds the `probity` binary into build/ (release, -O2, with
# line-table debug info). The tests are built by scripts/test.sh (in
# build-asan/); the benchmarks by bench/run (in its own Release build), or here
# with `cmake --build build --target benches`.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target probity
