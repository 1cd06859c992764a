#!/usr/bin/env bash
# run_reliability.sh — carve under damage and at the edges of a process's life (issue 12).
#
# usage: run_reliability.sh <case> <work-dir>
#   reopen   a program that shuts HDF5 down (H5close) and opens the file again, in modes off, carve and
#            replay: both rounds read the native values, exit 0, nothing on stderr (HDF5 forgets carve's
#            error class at H5close: carve must register it again without asking HDF5 about a stale ID)
#   damage   containers damaged on disk after carving — bytes flipped inside a stored uncompressed chunk,
#            inside a deflated chunk, inside the stored elements of a contiguous dataset; a lean manifest
#            edited to claim a chunk that is not stored — replayed with the origin present (the native
#            checksum, the damage said once on stderr and counted) and away (exit 1, a message naming the
#            container, the dataset and the chunk): never a wrong value; then a re-carve repairs the
#            damaged chunks from the origin and replays clean
#
# Environment (test/reliability/CMakeLists.txt): HDF5_PLUGIN_PATH, CARVE_TEST_MAKE_ZOO,
# CARVE_TEST_WORKLOAD, CARVE_TEST_VERIFY, CARVE_TEST_REOPEN.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 2 ]] || { echo "usage: $0 <case> <work-dir>" >&2; exit 2; }
case_name=$1
# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment
# shellcheck source=../carve/carve_test_lib.sh
source "$here/../carve/carve_test_lib.sh"
carve_test_setup "$2" CARVE_TEST_MAKE_ZOO CARVE_TEST_WORKLOAD CARVE_TEST_VERIFY CARVE_TEST_REOPEN

CARVE="carve mode=carve"
REPLAY="carve mode=replay"

case_reopen() {
    local mode rc
    make_zoo zoo.h5
    "${wrapper[@]}" "$CARVE_TEST_REOPEN" zoo.h5 /data/contiguous >native.out 2>native.err
    check "native: two sessions" test "$(grep -c '^carve_reopen: ' native.out)" = 2
    for mode in off carve replay; do
        rc=0
        HDF5_VOL_CONNECTOR="carve mode=$mode" "${wrapper[@]}" "$CARVE_TEST_REOPEN" zoo.h5 /data/contiguous \
            >"$mode.out" 2>"$mode.err" || rc=$?
        check "$mode: exit 0 ($rc)" test "$rc" = 0
        check "$mode: both sessions read the native values" cmp -s native.out "$mode.out"
        check "$mode: nothing on stderr" test ! -s "$mode.err"
        [[ -s $mode.err ]] && sed -n '1,12p' "$mode.err"
    done
    check "carve: the container was written" test -n "$(find . -maxdepth 1 -name 'zoo.h5-*.carve.h5')"
}

case "$case_name" in
reopen) "case_$case_name" ;;
*) echo "unknown case $case_name" >&2; exit 2 ;;
esac
echo "run_reliability.sh $case_name: $((checks - failures)) passed, $failures failed (work files in $work)"
[[ $failures -eq 0 && $checks -gt 0 ]]
