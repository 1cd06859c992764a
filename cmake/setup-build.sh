#!/usr/bin/env bash
# setup-build.sh — configures and builds carve into a build directory, from nothing.
#
# On Debian/Ubuntu it first installs the packages the build needs (as root), or names them (otherwise);
# CMake then finds HDF5 >= 1.14 or bootstraps HDF5 1.14.5 into ~/.cache/carve (cmake/bootstrap-hdf5.sh).
# Used by test/run.sh (the test command) and examples/run.sh (the example run).
#
# usage: setup-build.sh [build-dir] [extra cmake arguments...]     (default build dir: <repo>/build)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
shift || true

log() { printf 'carve-setup: %s\n' "$*" >&2; }

# Tools and libraries the build itself needs (HDF5's own build packages are the bootstrap's business).
need_cmds=(cmake ninja cc pkg-config)
need_pkgs=(cmake ninja-build gcc libc6-dev pkg-config libcurl4-openssl-dev libyaml-dev zlib1g-dev bash valgrind
           python3)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${need_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      log "installing: ${missing[*]}"
      apt-get update -qq || log "apt-get update reported problems; trying the install anyway"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      log "missing packages: ${missing[*]}"
      log "install them with: sudo apt-get install ${missing[*]}"
      exit 1
    fi
  fi
else
  for c in "${need_cmds[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { log "missing tool: $c (and libcurl, libyaml development files)"; exit 1; }
  done
fi

generator=()
[ -f "$build/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$repo" -B "$build" "${generator[@]}" "$@"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
