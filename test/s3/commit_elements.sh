#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# commit_elements.sh — the commit of a URL origin fetches the selected elements of a contiguous dataset with
# carve's own validated range requests (connector/core/carve_elements.c), in batches: h5dump reads
# 2 x 2304 blocks of 40 elements of big.h5's /big2d (2048 columns: 4608 runs of 160 bytes, more than one
# batch's 4096 ranges, in a buffer that grows as they arrive). The carve run prints native's output; the
# container then replays the same dump with the origin unreachable: native's output, every read a hit, no
# origin request; the commit read the element runs with few requests (neighbours less than 64 KiB apart
# share one).
#
# usage: commit_elements.sh <work-dir> <data-dir> <h5dump>
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
# shellcheck source=requests_lib.sh
source "$here/requests_lib.sh"
data=$(cd "$data" && pwd)
carve_test_setup "$work"

state=$work/server
trap 'bash "$here/s3ctl.sh" stop "$state" >/dev/null' EXIT
bash "$here/s3_fixture.sh" start "$state" "$data" elements >/dev/null
url="$(bash "$here/s3ctl.sh" url "$state")/elements/big.h5"
log=$state/server.log
# h5dump is not built with the sanitizers: under CARVE_SANITIZE their runtimes go in front of it.
preload=${CARVE_TEST_PRELOAD:-}

sel=(-d /big2d -s "0,5" -S "1,1000" -c "2304,2" -k "1,40")
rc=0
before=$(grep -c '^REQ ' "$log" || true)
LD_PRELOAD="$preload" "${wrapper[@]}" "$h5dump" --filedriver=ros3 "${sel[@]}" "$url" >native.out 2>native.err || rc=$?
grep '^REQ ' "$log" | tail -n +"$((before + 1))" >native.req || true
check "native: exit 0 ($rc)" test "$rc" = 0

rc=0
before=$(grep -c '^REQ ' "$log" || true)
CARVE_DIR=$work LD_PRELOAD="$preload" "${wrapper[@]}" "$h5dump" --filedriver=ros3 --vol-name=carve --vol-info=mode=carve "${sel[@]}" "$url" \
    >carve.out 2>carve.err || rc=$?
grep '^REQ ' "$log" | tail -n +"$((before + 1))" >carve.req || true
check "carve: exit 0 ($rc), native's output, nothing on stderr" \
    test "$rc" = 0 -a ! -s carve.err -a -n "$(cmp -s native.out carve.out && echo same)"
manifest=$(ls "$work"/big.h5-*.carve.yaml 2>/dev/null || true)
check "carve: a manifest" test -n "$manifest"
# The commit's requests follow the program's (native's, with carve's stamp HEAD before ROS3's open): the
# stamp's HEAD, and what the program did not read (the element runs it read are kept from its run).
split_carve_requests native.req carve.req carve
cp carve.commit.req commit.req
echo "native: $(wc -l <native.req) requests; the commit: $(grep -c '^REQ HEAD' commit.req) HEAD, $(grep -c '^REQ GET' commit.req) GET"
check "the program's requests are native's and one stamp HEAD" \
    test "$(cat carve.stamps)" = 1 -a -n "$(cmp -s native.req carve.program.req && echo same)"
# The program read every run through ROS3 (the sieve buffer): the commit takes them from the bytes kept.
check "the commit read the 4608 element runs with few requests ($(grep -c '^REQ GET' commit.req) GETs in all)" \
    test "$(grep -c '^REQ GET' commit.req)" -le 2
check "every request of the commit answered 206" test -z "$(grep '^REQ GET' commit.req | grep -v ' status=206 ')"

rc=0
before=$(grep -c '^REQ ' "$log" || true)
CARVE_DIR=$work HDF5_VOL_CONNECTOR="carve mode=replay;log=summary;origin=/dev/null/commit-elements-away" \
    LD_PRELOAD="$preload" "${wrapper[@]}" "$h5dump" --filedriver=ros3 "${sel[@]}" "$url" >replay.out 2>replay.err || rc=$?
check "replay, origin unreachable: exit 0 ($rc) and native's output" \
    test "$rc" = 0 -a -n "$(cmp -s native.out replay.out && echo same)"
check "replay: every read a hit, no origin request ($(grep -o '[0-9]* reads: .*' replay.err))" \
    grep -q ": 2304 reads: 2304 hits, 0 misses, 0 partial; .* 0 origin requests" replay.err

echo "commit_elements.sh: $((checks - failures)) passed, $failures failed (work files in $work)"
[[ $failures -eq 0 && $checks -gt 0 ]]
