#!/usr/bin/env bash
# The README's second command: install, build, pass every test.
# Every test -- unit, end-to-end through the real binary, and scripts/demo.sh (the README's first
# command's script) -- is built with AddressSanitizer + UBSan (STYLE.md rule 10) and run through
# ctest, on every core.
#  - This build's `probity` derives keys at libsodium's minimum Argon2id cost
#    (-DPROBITY_TEST_ONLY_WEAK_KDF=ON): the end-to-end suite runs it hundreds of times, and at
#    the "moderate" cost (~0.25 s, 256 MiB a run) that alone took six minutes of CI's twenty.
#  - It is a unity build (CMAKE_UNITY_BUILD: eight sources per compiler run): templates are
#    instantiated once per eight files instead of once per file (eight ledger sources: 26 s of
#    CPU one by one, 16 s as one unit). The sources are kept free of clashing file-local names
#    for it (scripts/check-unity.sh finds clashes in a minute). Normal builds (scripts/build.sh,
#    bench/run) compile file by file.
# The release build (scripts/build.sh, -O2) is what scripts/demo.sh builds and runs at the real
# cost; the whole end-to-end suite against it (slow, about six minutes):
#   PROBITY_TEST_BIN=$PWD/build/probity build-asan/tests/cli_tests
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== sanitizer build (ASan + UBSan): every test" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPROBITY_SANITIZE=ON \
  -DPROBITY_TEST_ONLY_WEAK_KDF=ON -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build-asan -j "$jobs" --target probity ledger_tests policies_tests reports_tests cli_tests
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
