#!/usr/bin/env bash
# The README's second command: install, build, pass every test.
#  1. every test -- unit and end-to-end -- built with AddressSanitizer + UBSan (STYLE.md rule 10),
#     through ctest;
#  2. the release build (what `probity` users run, and the benchmarks, so that they compile),
#     then the end-to-end tests once more against the release binary.
# The unit tests are compiled once, in the sanitizer build: compiling them a second time at -O2
# cost CI about five minutes of its 20-minute budget on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== sanitizer build (ASan + UBSan): every test" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPROBITY_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" --target probity ledger_tests policies_tests reports_tests cli_tests
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== release build: the end-to-end tests against the release binary" >&2
scripts/build.sh
PROBITY_TEST_BIN="$PWD/build/probity" build-asan/tests/cli_tests --gtest_brief=1
