#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# sanitize.sh — builds carve with AddressSanitizer + UndefinedBehaviorSanitizer into its own build
# directory and runs the whole test suite there. Programs that load the plugin but are not built with
# the sanitizers (h5_api_test, the HDF5 tools) get the runtimes preloaded (see test/CMakeLists.txt).
#
# usage: bash test/sanitize.sh [build-dir] [ctest arguments...]   (default: <repo>/build-sanitize)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-sanitize}
shift || true
bash "$repo/cmake/setup-build.sh" "$build" -DCARVE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ctest --test-dir "$build" --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
