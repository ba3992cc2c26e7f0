#!/usr/bin/env bash
# Install what salesim needs from Debian's archive, only what is missing.
# As root it installs; otherwise it prints the exact command and exits 1.
set -eu
pkgs="cmake make gcc pkg-config libgsl-dev libglpk-dev libconfig-dev libcmocka-dev
libjansson-dev libxlsxwriter-dev libcairo2-dev"
# Optional: used by tests when present (the Excel reader and headless browser checks).
optional="${SALESIM_OPTIONAL_PKGS:-python3-openpyxl chromium}"
missing=""
for p in $pkgs $optional; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "salesim setup: missing Debian packages:$missing" >&2
  echo "salesim setup: run as root: apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
echo "salesim setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
