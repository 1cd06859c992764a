#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh — README's test command: builds carve from nothing (cmake/setup-build.sh) and runs every test
# with ctest. Extra arguments go to ctest (e.g. -R api, -L unit).
#
# Without arguments it then runs the MPI tests (ctest label mpi) in a second build, <build>/mpi, configured
# with -DCARVE_MPI=ON against a parallel HDF5 (bootstrapped once into ~/.cache/carve): where MPI is
# installed (mpicc), and always in CI (CI=true), which installs Open MPI. CARVE_TEST_MPI=no skips them.
#
# usage: bash test/run.sh [ctest arguments...]      build dir: $CARVE_BUILD_DIR or <repo>/build
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CARVE_BUILD_DIR:-$repo/build}

bash "$repo/cmake/setup-build.sh" "$build"
ctest --test-dir "$build" --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"

if [ $# -eq 0 ] && [ "${CARVE_TEST_MPI:-}" != no ]; then
  if [ "${CI:-}" = true ] || command -v mpicc >/dev/null 2>&1; then
    bash "$repo/cmake/setup-build.sh" "$build/mpi" -DCARVE_MPI=ON
    ctest --test-dir "$build/mpi" --output-on-failure -L mpi
  else
    echo "run.sh: the MPI tests (label mpi) are skipped: no mpicc (Debian: apt-get install libopenmpi-dev openmpi-bin)"
  fi
fi
