#!/usr/bin/env bash
# Installs the Debian 12 packages pg_cdp needs, only those that are missing.
set -euo pipefail

packages=(
  postgresql-15 postgresql-server-dev-15 postgresql-client-15
  libroaring-dev libabsl-dev
  libgtest-dev googletest libbenchmark-dev
  cmake g++ make pkg-config
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "missing packages: ${missing[*]}" >&2
  echo "run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
