#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# memcheck_smoke.sh — the short form of test/memcheck.sh that every test run includes: valgrind over
# the C API test program and over two categories of HDF5's API suite through carve.
# usage: memcheck_smoke.sh <carve_test_capi> <capi work dir> <h5_api_test or ""> <plugin dir>
set -euo pipefail
capi=$1 capi_work=$2 api_test=$3 plugin_dir=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
read -r -a valgrind <<<"$(bash "$here/valgrind-command.sh")"

mkdir -p "$capi_work"
HDF5_PLUGIN_PATH="$plugin_dir" "${valgrind[@]}" "$capi" select "$capi_work" "$plugin_dir" > "$capi_work/log" 2>&1 ||
  { echo "carve_test_capi under valgrind failed:"; tail -40 "$capi_work/log"; exit 1; }
echo "carve_test_capi select: clean under valgrind ($(tail -1 "$capi_work/log"))"
if [ -n "$api_test" ]; then
  for category in dataset link; do
    CARVE_TEST_WRAPPER="${valgrind[*]}" bash "$here/api/run_api_test.sh" "$api_test" "$plugin_dir" "$category" \
      "carve mode=carve"
  done
fi
