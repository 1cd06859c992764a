#!/usr/bin/env bash
# run.sh — README's test command: builds carve from nothing (cmake/setup-build.sh) and runs every test
# with ctest. Extra arguments go to ctest (e.g. -R api, -L unit).
#
# usage: bash test/run.sh [ctest arguments...]      build dir: $CARVE_BUILD_DIR or <repo>/build
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CARVE_BUILD_DIR:-$repo/build}

bash "$repo/cmake/setup-build.sh" "$build"
ctest --test-dir "$build" --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
