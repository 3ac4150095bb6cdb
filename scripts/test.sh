#!/usr/bin/env bash
# The README's second command: install, build, pass every test.
#  1. every test -- unit and end-to-end -- built with AddressSanitizer + UBSan (STYLE.md rule 10),
#     through ctest. This build's `probity` derives keys at libsodium's minimum Argon2id cost
#     (-DPROBITY_TEST_ONLY_WEAK_KDF=ON): the end-to-end suite runs it hundreds of times, and at
#     the "moderate" cost (~0.25 s, 256 MiB a run) that alone took six minutes of CI's twenty.
#  2. the release build of `probity` (what users run), end to end
#     on the demo ledger at the real cost (scripts/demo.sh: init, donors, gifts, refund, consent,
#     export, offline verification).
# The whole end-to-end suite against the release binary (slow, about six minutes):
#   PROBITY_TEST_BIN=$PWD/build/probity build-asan/tests/cli_tests
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== sanitizer build (ASan + UBSan): every test" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPROBITY_SANITIZE=ON \
  -DPROBITY_TEST_ONLY_WEAK_KDF=ON >/dev/null
cmake --build build-asan -j "$jobs" --target probity ledger_tests policies_tests reports_tests cli_tests
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== release build: the demo, end to end, at the real key-derivation cost" >&2
scripts/demo.sh >/dev/null
echo "demo: ok (scripts/demo.sh)" >&2
