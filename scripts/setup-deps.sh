#!/usr/bin/env bash
# Install what salesim needs from Debian's archive, only what is missing.
# As root it installs; otherwise it prints the exact command and exits 1 if
# something required is missing (optional packages only get a note).
set -eu
pkgs="cmake make gcc pkg-config libgsl-dev libglpk-dev libconfig-dev libcmocka-dev
libjansson-dev libxlsxwriter-dev libcairo2-dev"
# Optional: used by tests when present (the Excel reader and headless browser
# checks, the numpy peer of bench/peer/); the tests say so and skip those
# checks without them. Open MPI (openmpi-bin for mpirun, libopenmpi-dev for
# the build; docs/cluster.md): cmake builds the MPI support when it finds it,
# scripts/check-mpi.sh skips without it.
optional="${SALESIM_OPTIONAL_PKGS:-python3-openpyxl chromium python3-numpy openmpi-bin libopenmpi-dev}"
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing="" missing_opt=""
for p in $pkgs; do installed "$p" || missing="$missing $p"; done
for p in $optional; do installed "$p" || missing_opt="$missing_opt $p"; done
[ -z "$missing$missing_opt" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if [ -n "$missing" ]; then
    echo "salesim setup: missing Debian packages:$missing" >&2
    echo "salesim setup: run as root: apt-get update && apt-get install -y$missing$missing_opt" >&2
    exit 1
  fi
  echo "salesim setup: optional packages not installed:$missing_opt (some report checks will be skipped)" >&2
  exit 0
fi
echo "salesim setup: installing$missing$missing_opt"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing $missing_opt >/dev/null
