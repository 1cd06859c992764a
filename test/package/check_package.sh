#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check_package.sh — installs carve from a build tree into a scratch prefix, then builds and runs a
# downstream project twice: with find_package(carve) (CMake) and with pkg-config carve.
# usage: check_package.sh <carve build dir> <consumer source dir> <C compiler>
set -euo pipefail
build=$1 consumer=$2 cc=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/carve-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
libdir=$(find "$work/prefix" -name 'libcarve_vol.so' -printf '%h\n' | head -n1)
[ -n "$libdir" ] || { echo "libcarve_vol.so was not installed"; exit 1; }
[ -f "$work/prefix/include/carve_vol.h" ] || { echo "carve_vol.h was not installed"; exit 1; }

# 1. CMake: find_package(carve)
cmake -S "$consumer" -B "$work/cmake-build" -G Ninja -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake-build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
[ "$(cat "$work/cmake-build/plugin_dir.txt")" = "$libdir" ] ||
  { echo "carve_PLUGIN_DIR is $(cat "$work/cmake-build/plugin_dir.txt"), expected $libdir"; exit 1; }
# CARVE_TEST_PRELOAD: sanitizer runtimes, when the installed plugin was built with them.
(cd "$work" && LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" ${CARVE_TEST_WRAPPER:-} "$work/cmake-build/consumer" "$work/a.h5")

# 2. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
"$cc" "$consumer/consumer.c" -o "$work/consumer-pc" $(pkg-config --cflags --libs carve) -Wl,-rpath,"$libdir"
(cd "$work" && LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" ${CARVE_TEST_WRAPPER:-} "$work/consumer-pc" "$work/b.h5")
echo "package: find_package(carve) and pkg-config carve both work"
