#!/usr/bin/env bash
# Installs the Debian packages listed in .ci/debian-packages.txt (as root): used by .ci/run and by the dev container
# (.devcontainer/Dockerfile), so both get the same machine. `--list` prints the package names and installs nothing.
set -euo pipefail
list="$(dirname "$0")/debian-packages.txt"
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
