#!/usr/bin/env bash
# Finds file-local names that clash in the unity build (scripts/test.sh builds the tests with
# CMAKE_UNITY_BUILD, eight sources per compiler run). Stricter than CMake's batches: each
# target's sources are syntax-checked as ONE translation unit, so a clash shows whichever batch
# the files would land in, now or after a file is added. Takes about a minute on 2 cores.
#   scripts/check-unity.sh            every target
#   scripts/check-unity.sh ledger     one folder
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The compile definitions the targets get from CMake, with placeholder values.
for d in SOURCE_PACKS_DIR VECTORS_DIR SOURCE_DIR VENDOR_FEC_DIR BIN BINARY_DIR VERSION; do
  echo "#define PROBITY_$d \"x\"" >> "$work/defs.h"
done
flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Wconversion -Wsign-conversion -Werror
       -Wno-maybe-uninitialized -DSQLITE_HAS_CODEC -I. $(pkg-config --cflags sqlcipher)
       -include "$work/defs.h")
status=0
for dir in "${@:-ledger policies reports cli tests/ledger tests/policies tests/reports tests/cli}"; do
  for d in $dir; do
    unit="$work/$(echo "$d" | tr / _).cc"
    for f in $(LC_ALL=C ls "$d"/*.cc); do echo "#include \"$PWD/$f\"" >> "$unit"; done
    if g++ "${flags[@]}" "$unit" 2> "$unit.err"; then
      echo "$d: ok"
    else
      echo "$d: clashes (first errors below)"; grep "error:" "$unit.err" | head -10; status=1
    fi
  done
done
exit $status
