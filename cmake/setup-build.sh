#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
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

die() { log "$*"; exit 1; }
# shellcheck source=debian-lib.sh
source "$repo/cmake/debian-lib.sh"

# Tools and libraries the build and the tests need (HDF5's own build packages are the bootstrap's).
# In CI (CI=true) also clang-format, for the style check (test style.format), and librsvg2-bin, whose
# rsvg-convert renders h5carve map's SVG for the pixel checks of cli.map; warnings are errors.
ci_packages=()
ci_options=()
if [ "${CI:-}" = true ]; then
  ci_packages=(clang-format librsvg2-bin)
  ci_options=(-DCARVE_WERROR=ON)
fi
# A build against a parallel HDF5 (-DCARVE_MPI=ON: test/run.sh's MPI tests) needs Open MPI.
for arg in "$@"; do
  if [ "$arg" = -DCARVE_MPI=ON ]; then
    ci_packages+=(libopenmpi-dev openmpi-bin)
  fi
done
if command -v dpkg-query >/dev/null 2>&1; then
  debian_ensure_packages cmake ninja-build gcc libc6-dev pkg-config libcurl4-openssl-dev libyaml-dev zlib1g-dev \
    bash valgrind python3 "${ci_packages[@]}"
else
  for c in cmake ninja cc pkg-config valgrind python3; do
    command -v "$c" >/dev/null 2>&1 || die "missing tool: $c (and libcurl, libyaml development files)"
  done
fi

generator=()
[ -f "$build/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$repo" -B "$build" "${generator[@]}" "${ci_options[@]}" "$@"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
