#!/usr/bin/env bash
# The README's second command: install, build, pass every test.
#  1. the library, policy and report unit tests under AddressSanitizer + UBSan (STYLE.md rule 10);
#  2. the release build and every test, unit and end-to-end, through ctest (last, so its
#     summary closes the run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== sanitizer build (ASan + UBSan): unit tests" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPROBITY_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" --target ledger_tests policies_tests reports_tests
ASAN_OPTIONS=detect_leaks=1 build-asan/tests/ledger_tests --gtest_brief=1
ASAN_OPTIONS=detect_leaks=1 build-asan/tests/policies_tests --gtest_brief=1
ASAN_OPTIONS=detect_leaks=1 build-asan/tests/reports_tests --gtest_brief=1

echo "== release build: every test" >&2
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$jobs"
