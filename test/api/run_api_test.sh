#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_api_test.sh — runs one category of HDF5's API conformance suite (h5_api_test) natively and then
# through carve, and fails unless carve was really loaded and the counts (passed, failed, skipped)
# equal the native run of the same binary.
#
# usage: run_api_test.sh <h5_api_test> <plugin-dir> <category> <connector string, e.g. "carve mode=off">
# CARVE_TEST_WRAPPER, when set, prefixes the run through carve (e.g. "valgrind --error-exitcode=99 -q");
# CARVE_TEST_PRELOAD (set by sanitizer builds) is preloaded into it.
set -euo pipefail

api_test=$1 plugin_dir=$2 category=$3 connector=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/carve-api.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# The three closing lines: "P/T ... passed", "F/T ... did not pass", "S/T ... were skipped".
summary() {
  grep -E '^[0-9]+/[0-9]+ \([0-9.]+%\) API tests (passed|did not pass|were skipped) with VOL connector' "$1" |
    sed -E "s/ \([0-9.]+%\)//; s/with VOL connector '[^']*'//"
}

env -u HDF5_VOL_CONNECTOR -u HDF5_PLUGIN_PATH "$api_test" "$category" > native.log 2>&1 ||
  { echo "native run of h5_api_test $category failed:"; tail -20 native.log; exit 1; }
HDF5_VOL_CONNECTOR="$connector" HDF5_PLUGIN_PATH="$plugin_dir" LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" \
  ${CARVE_TEST_WRAPPER:-} "$api_test" "$category" > carve.log 2>&1 ||
  { echo "h5_api_test $category through '$connector' failed:"; tail -40 carve.log; exit 1; }

if ! grep -q "API tests passed with VOL connector 'carve'" carve.log; then
  echo "carve was not the connector under test:"; grep -E "VOL connector" carve.log | head -5; exit 1
fi
summary native.log > native.counts
summary carve.log > carve.counts
if [ "$(wc -l < native.counts)" -ne 3 ]; then
  echo "could not read the native counts:"; tail -5 native.log; exit 1
fi
if ! diff -u native.counts carve.counts; then
  echo "h5_api_test $category: counts through '$connector' differ from native (above)"
  grep -E "FAILED|SKIPPED" carve.log | head -40
  exit 1
fi
if ! grep -q '^0/[0-9]* API tests did not pass' carve.counts; then
  echo "h5_api_test $category: failures (native fails the same ones)"; cat carve.counts; exit 1
fi
echo "h5_api_test $category through '$connector': $(tr '\n' ';' < carve.counts)"
