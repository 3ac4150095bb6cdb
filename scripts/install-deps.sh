#!/usr/bin/env bash
# Installs the Debian 12 packages Probity builds, tests and runs with.
# Everything comes from Debian's archive; the build downloads nothing.
set -euo pipefail
packages=(g++ make cmake pkg-config libsodium-dev libssl-dev libsqlcipher-dev sqlcipher
          libboost-dev libcli11-dev libgtest-dev nlohmann-json3-dev libtomlplusplus-dev openssl
          python3 python3-jsonschema chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
