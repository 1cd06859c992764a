#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# memcheck.sh — runs the test suite under valgrind (memcheck): every program that loads carve fails its
# test on any memory error or definite/indirect leak.
#   - C test programs (unit.*, capi.*) through ctest's memcheck mode;
#   - script tests (api.*, tools.*, package.*, s3.*, netcdf.*, carve.*, replay.*) with CARVE_TEST_WRAPPER, which the scripts put in front
#     of h5_api_test, the HDF5 tools and the consumer program.
#
# usage: bash test/memcheck.sh [build-dir]        (default: <repo>/build, built by test/run.sh; ~10 minutes)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
command -v valgrind >/dev/null || { echo "memcheck.sh: valgrind is not installed (apt-get install valgrind)"; exit 1; }
[ -f "$build/CTestTestfile.cmake" ] || bash "$repo/cmake/setup-build.sh" "$build"

valgrind_args=$(bash "$repo/test/valgrind-command.sh")
jobs=$(nproc 2>/dev/null || echo 2)

CARVE_TEST_WRAPPER="$valgrind_args" ctest --test-dir "$build" --output-on-failure -j "$jobs" -L 'api|tools|package|s3|netcdf|carve|replay'
ctest --test-dir "$build" --output-on-failure -j "$jobs" -T memcheck -L 'unit|capi' \
  --overwrite MemoryCheckCommand="$(command -v valgrind)" \
  --overwrite MemoryCheckCommandOptions="${valgrind_args#valgrind }"
