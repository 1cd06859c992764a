#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_ros3.sh — runs a program against a running test S3 server: every "@BASE@" in its arguments becomes
# the server's base URL http://127.0.0.1:<port> (read from <state-dir>/port, written by s3ctl.sh).
#
# usage: run_ros3.sh <state-dir> <program> [args...]
# CARVE_TEST_WRAPPER (e.g. valgrind, test/memcheck.sh) is put in front of the program. CARVE_TEST_PRELOAD is
# not: the program here is one of carve's own test programs, built with the sanitizers when they are on
# (the preload, with its exit shim, is for the HDF5 tools, which are not).
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 <state-dir> <program> [args...]" >&2; exit 2; }
state=$1 program=$2
shift 2
[[ -s $state/port ]] || { echo "run_ros3.sh: no server port in $state (fixture not started?)" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$state/port")"
args=()
for a in "$@"; do
    args+=("${a//@BASE@/$base}")
done
wrapper=()
read -r -a wrapper <<<"${CARVE_TEST_WRAPPER:-}"
exec "${wrapper[@]}" "$program" "${args[@]}"
