#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# replay_connections.sh — a replay's misses over S3 share connections: the fetch driver keeps the
# connections of carve's range requests to its origin for as long as the origin is open
# (carve_origin_conn_open), so a replay with several misses opens fewer connections than it makes requests.
# A private s3server.py with --log-connections serves big.h5; h5dump reads one element of /big2d (a
# contiguous dataset, each read a request of its own) every 256 rows. Carved reading the first 4, replayed
# reading all 9: 5 misses. With parallel=1 the replay opens exactly 2 connections: the stamp's HEAD at open,
# and one for every GET of the origin; with the default parallel setting, fewer than its requests. The
# replayed output is native's. The counts are printed.
# With CARVE_TEST_MAKE_BENCH (carve_bench_make), the parallel setting reaches the requests: a chunked
# dataset whose missing chunks lie apart is replayed with parallel=1 (never two requests at the server at
# once, its --log-inflight lines; 2 connections) and parallel=4 (more than one at once, never more than 4).
#
# usage: replay_connections.sh <work-dir> <data-dir> <h5dump>
#   HDF5_PLUGIN_PATH must name the directory holding libcarve_vol.so.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 3 ]] || { echo "usage: $0 <work-dir> <data-dir> <h5dump>" >&2; exit 2; }
work=$1 data=$2 h5dump=$3

# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment
# shellcheck source=../carve/carve_test_lib.sh
source "$here/../carve/carve_test_lib.sh"
data=$(cd "$data" && pwd)
carve_test_setup "$work"

state=$work/server
trap 'bash "$here/s3ctl.sh" stop "$state" >/dev/null' EXIT
mkdir -p files
cp "$data/big.h5" files/
if [[ -n ${CARVE_TEST_MAKE_BENCH:-} ]]; then
    "$CARVE_TEST_MAKE_BENCH" --size-mib 64 --chunk-kib 256 files/field.h5 >/dev/null
fi
# Each answer waits 50 ms: requests in flight together overlap at the server, which counts them.
bash "$here/s3_fixture.sh" start "$state" "$work/files" conns --log-connections --log-inflight --latency-ms 50 >/dev/null
base="$(bash "$here/s3ctl.sh" url "$state")/conns"
url=$base/big.h5
log=$state/server.log
# h5dump is not built with the sanitizers: under CARVE_SANITIZE their runtimes go in front of it.
preload=${CARVE_TEST_PRELOAD:-}

half=(-d /big2d -s "0,0" -S "256,1" -c "4,1")
all=(-d /big2d -s "0,0" -S "256,1" -c "9,1")

# run <label> <connector string or -> <h5dump args...>: exit status to <label>.rc, the run's requests to
# <label>.req, the connections it opened to <label>.conn and the server's in-flight counts to <label>.inflight.
run() {
    local label=$1 conn=$2 before before_conn before_inflight rc=0
    shift 2
    before=$(grep -c '^REQ ' "$log" || true)
    before_conn=$(grep -c '^CONNECT ' "$log" || true)
    before_inflight=$(grep -c '^INFLIGHT ' "$log" || true)
    if [[ $conn == - ]]; then
        LD_PRELOAD="$preload" "${wrapper[@]}" "$h5dump" --filedriver=ros3 "$@" "$url" >"$label.out" 2>"$label.err" || rc=$?
    else
        CARVE_DIR=$work HDF5_VOL_CONNECTOR="$conn" LD_PRELOAD="$preload" "${wrapper[@]}" "$h5dump" --filedriver=ros3 \
            "$@" "$url" >"$label.out" 2>"$label.err" || rc=$?
    fi
    echo "$rc" >"$label.rc"
    grep '^REQ ' "$log" | tail -n +"$((before + 1))" >"$label.req" || true
    grep '^CONNECT ' "$log" | tail -n +"$((before_conn + 1))" >"$label.conn" || true
    grep '^INFLIGHT ' "$log" | tail -n +"$((before_inflight + 1))" | awk '{print $2}' >"$label.inflight" || true
    echo "$label: exit $rc, $(grep -c '^REQ HEAD ' "$label.req" || true) HEAD, $(grep -c '^REQ GET ' "$label.req" || true) GET," \
        "$(wc -l <"$label.conn") connections, at most $(sort -n "$label.inflight" | tail -1) requests at once"
}
most_at_once() { sort -n "$1.inflight" | tail -1; }

run native - "${all[@]}"
check "native: exit 0" test "$(cat native.rc)" = 0
run carve "carve mode=carve" "${half[@]}"
check "carve: exit 0, nothing on stderr" test "$(cat carve.rc)" = 0 -a ! -s carve.err

run replay1 "carve mode=replay;parallel=1;log=summary" "${all[@]}"
check "replay, parallel=1: exit 0 and native's output" \
    test "$(cat replay1.rc)" = 0 -a -n "$(cmp -s native.out replay1.out && echo same)"
check "replay, parallel=1: 5 misses ($(grep -o '[0-9]* reads: .*' replay1.err || true))" \
    grep -q ": 9 reads: 4 hits, 5 misses, 0 partial" replay1.err
check "replay, parallel=1: one HEAD and GETs for the misses ($(wc -l <replay1.req) requests)" \
    test "$(grep -c '^REQ HEAD ' replay1.req)" = 1 -a "$(grep -c '^REQ GET ' replay1.req)" -ge 5
check "replay, parallel=1: every answer 206" test -z "$(grep '^REQ GET' replay1.req | grep -v ' status=206 ')"
check "replay, parallel=1: 2 connections (the stamp's, and one kept for every GET), not $(wc -l <replay1.conn)" \
    test "$(wc -l <replay1.conn)" = 2

run replay8 "carve mode=replay;log=summary" "${all[@]}"
check "replay, parallel 8: exit 0 and native's output" \
    test "$(cat replay8.rc)" = 0 -a -n "$(cmp -s native.out replay8.out && echo same)"
check "replay, parallel 8: fewer connections ($(wc -l <replay8.conn)) than requests ($(wc -l <replay8.req))" \
    test "$(wc -l <replay8.conn)" -lt "$(wc -l <replay8.req)"

if [[ -n ${CARVE_TEST_MAKE_BENCH:-} ]]; then
    # One element of chunks (16 x 2048 elements, about 87 KiB stored each, a row of 4 chunks after another)
    # in every other chunk row: carved, of the first and third chunk of a row; replayed, of all four. A
    # read's missing chunks are fetched together, the second and the fourth of a row (a chunk apart) by
    # requests of their own, in flight together up to the parallel setting.
    url=$base/field.h5
    half=(-d /field -s "0,0" -S "32,4096" -c "8,2" -k "1,1")
    all=(-d /field -s "0,0" -S "32,2048" -c "8,4" -k "1,1")
    rm -f "$work"/*.carve.*
    run field-native - "${all[@]}"
    check "field, native: exit 0" test "$(cat field-native.rc)" = 0
    run field-carve "carve mode=carve" "${half[@]}"
    check "field, carve: exit 0, nothing on stderr" test "$(cat field-carve.rc)" = 0 -a ! -s field-carve.err
    run field-replay1 "carve mode=replay;parallel=1" "${all[@]}"
    check "field, replay, parallel=1: exit 0 and native's output" \
        test "$(cat field-replay1.rc)" = 0 -a -n "$(cmp -s field-native.out field-replay1.out && echo same)"
    check "field, replay, parallel=1: one request at a time ($(most_at_once field-replay1))" \
        test "$(most_at_once field-replay1)" = 1
    check "field, replay, parallel=1: 2 connections, not $(wc -l <field-replay1.conn)" \
        test "$(wc -l <field-replay1.conn)" = 2
    run field-replay4 "carve mode=replay;parallel=4" "${all[@]}"
    check "field, replay, parallel=4: exit 0 and native's output" \
        test "$(cat field-replay4.rc)" = 0 -a -n "$(cmp -s field-native.out field-replay4.out && echo same)"
    check "field, replay, parallel=4: more than one request at once, at most 4 ($(most_at_once field-replay4))" \
        test "$(most_at_once field-replay4)" -gt 1 -a "$(most_at_once field-replay4)" -le 4
    check "field, replay, parallel=4: fewer connections ($(wc -l <field-replay4.conn)) than requests ($(wc -l <field-replay4.req))" \
        test "$(wc -l <field-replay4.conn)" -lt "$(wc -l <field-replay4.req)"
fi

echo "replay_connections.sh: $((checks - failures)) passed, $failures failed (work files in $work)"
[[ $failures -eq 0 && $checks -gt 0 ]]
