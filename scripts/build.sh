#!/usr/bin/env bash
# Configures and builds into build/ (release with line-table debug info): the
# `probity` binary and the benchmarks. The tests are built by scripts/test.sh
# (in build-asan/), or here with `cmake --build build` then `ctest --test-dir build`.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target probity benches
