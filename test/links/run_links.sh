#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_links.sh — files reached through external links and virtual datasets, carved and replayed where the
# origins no longer are (issue 9). carve_linked (linked.c) makes a detector-style master whose
# /entry/data/data_00000{1,2,3} are external links to three data files and whose /entry/sum is a virtual
# dataset with its sources in two of them; carve_linked read reads through all of it.
#
# usage: run_links.sh <case> <work-dir>
#   placements  carve into CARVE_DIR=bundle (every linked file gets its own container; the reads include
#               the master reached again through a data file's link back), then replay with
#               the origins present, with their whole directory renamed away, and from a copy of the bundle
#               (tar, unpacked elsewhere, run from another working directory with the same relative name);
#               also carved beside the origins and replayed with every origin file removed. Each replay:
#               native checksum, stderr only carve's summary lines, every container's summary line says
#               nothing came from an origin, and each data file's container served its reads, all hits
#   prefix      data files in another directory, found through HDF5_EXT_PREFIX and through
#               H5Pset_elink_prefix (--prefix): carved and replayed with every origin gone: native checksum
#   direct      one data file also opened by its own name: both opens served from its container
#   h5dump      h5dump -A of the replayed master (origins gone) equals native h5dump -A
#   passthrough the links of a file replayed without any container: native checksum (the traversal that
#               carve takes over in replay must find the targets as HDF5 does)
#   ros3        the file set on a private loopback S3 server (test/s3/s3ctl.sh, anonymous), read by URL over
#               ROS3: carved into CARVE_DIR (four containers, named after the URLs), the server stopped,
#               replayed: native checksum, all hits, nothing from an origin
#
# Environment (test/links/CMakeLists.txt): HDF5_PLUGIN_PATH, CARVE_TEST_LINKED, CARVE_TEST_H5DUMP.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 2 ]] || { echo "usage: $0 <case> <work-dir>" >&2; exit 2; }
case_name=$1
# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment
# shellcheck source=../carve/carve_test_lib.sh
source "$here/../carve/carve_test_lib.sh"
carve_test_setup "$2" CARVE_TEST_LINKED CARVE_TEST_H5DUMP

CARVE="carve mode=carve"
REPLAY="carve mode=replay"
SUMMARY_RE='^carve: replay of .* from .*: [0-9]+ reads: [0-9]+ hits, [0-9]+ misses, [0-9]+ partial; [0-9]+ bytes from the container, [0-9]+ from the origin; [0-9]+ origin requests$'

# linked <label> <connector or -> <args...>: carve_linked, output in <label>.out/.err/.rc.
linked() {
    local label=$1 conn=$2 rc=0
    shift 2
    if [[ $conn == - ]]; then
        "${wrapper[@]}" "$CARVE_TEST_LINKED" "$@" >"$label.out" 2>"$label.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$conn" "${wrapper[@]}" "$CARVE_TEST_LINKED" "$@" >"$label.out" 2>"$label.err" || rc=$?
    fi
    echo "$rc" >"$label.rc"
    printf '  %-26s exit %-3s %s%s\n' "$label" "$rc" "$([[ $conn != - ]] && printf 'HDF5_VOL_CONNECTOR=%q ' "$conn")" \
        "carve_linked $*"
}
sum_of() { sed -n 's/^carve_linked: checksum \([0-9a-f]*\)$/\1/p' "$1.out"; }

# served <label> <native label> [containers expected in the summary]: exit 0, through carve, the native
# checksum, nothing on stderr but summary lines, nothing read from an origin, and the data files served.
served() {
    local label=$1 native=$2 n=${3:-4} other lines
    check "$label: exit 0 ($(rc_of "$label"))" test "$(rc_of "$label")" = 0
    check "$label: served by carve" grep -q '^carve_linked: connector carve$' "$label.out"
    check "$label: checksum $(sum_of "$label") equals native's $(sum_of "$native")" \
        test -n "$(sum_of "$label")" -a "$(sum_of "$label")" = "$(sum_of "$native")"
    other=$(grep -Ev "$SUMMARY_RE" "$label.err" || true)
    check "$label: nothing on stderr but carve's summary lines" test -z "$other"
    [[ -z $other ]] || echo "$other" | grep -Ev '^ +(major|minor): ' | sed -n '1,20p'
    lines=$(grep -cE "$SUMMARY_RE" "$label.err" || true)
    check "$label: a summary line for each of the $n containers ($lines)" test "$lines" = "$n"
    check "$label: nothing from an origin" test -z "$(grep -E "$SUMMARY_RE" "$label.err" | grep -v ' 0 from the origin;' || true)"
    check "$label: each of the three data files' containers served its reads, every one a hit" \
        test "$(grep -cE '^carve: replay of .*/data_00000[123]\.h5 from .*: ([1-9][0-9]*) reads: \1 hits' "$label.err" || true)" = 3
}

containers_in() { find "$1" -maxdepth 1 -name '*.carve.h5' | wc -l; }

case_placements() {
    mkdir -p data bundle other elsewhere
    "$CARVE_TEST_LINKED" make data
    linked native - read data/master.h5 --back
    check "native: reads the file set" test "$(rc_of native)" = 0
    CARVE_DIR=$work/bundle linked carve "$CARVE" read data/master.h5 --back
    check "carve: exit 0" test "$(rc_of carve)" = 0
    check "carve: native checksum" test "$(sum_of carve)" = "$(sum_of native)"
    check "carve: nothing on stderr" test ! -s carve.err
    check "carve: a container for the master and each data file ($(containers_in bundle))" test "$(containers_in bundle)" = 4
    for f in master data_000001 data_000002 data_000003; do
        check "carve: a container of $f.h5" test -n "$(find bundle -name "$f.h5-*.carve.h5")"
    done

    echo "--- dir=, origins present"
    CARVE_LOG=summary CARVE_DIR=$work/bundle linked dir "$REPLAY" read data/master.h5 --back
    served dir native
    HDF5_VOL_CONNECTOR="$REPLAY;dir={$work/bundle};log=summary" "$CARVE_TEST_LINKED" read data/master.h5 --back \
        >dir-string.out 2>dir-string.err || echo $? >dir-string.rc
    [[ -e dir-string.rc ]] || echo 0 >dir-string.rc
    served dir-string native

    echo "--- the origins' whole directory gone"
    mv data data.away
    CARVE_LOG=summary CARVE_DIR=$work/bundle linked gone "$REPLAY" read data/master.h5 --back
    served gone native

    echo "--- the bundle shipped: tar, unpacked elsewhere, run from another directory"
    tar -C "$work" -cf bundle.tar bundle
    tar -C "$work/elsewhere" -xf bundle.tar
    mv elsewhere/bundle elsewhere/shipped
    mv bundle bundle.away
    (cd other && CARVE_LOG=summary CARVE_DIR=$work/elsewhere/shipped linked ../copied "$REPLAY" read data/master.h5 --back)
    served copied native
    mv bundle.away bundle
    mv data.away data

    echo "--- beside the origins, every origin file removed"
    mkdir -p beside
    "$CARVE_TEST_LINKED" make beside
    linked beside-native - read beside/master.h5
    linked beside-carve "$CARVE" read beside/master.h5
    check "beside-carve: native checksum" test "$(sum_of beside-carve)" = "$(sum_of beside-native)"
    check "beside-carve: four containers beside the origins" test "$(containers_in beside)" = 4
    mkdir -p beside.away
    mv beside/master.h5 beside/data_00000?.h5 beside.away/
    CARVE_LOG=summary linked beside-replay "$REPLAY" read beside/master.h5
    served beside-replay beside-native
}

case_prefix() {
    mkdir -p m raw bundle
    "$CARVE_TEST_LINKED" make m raw
    HDF5_EXT_PREFIX=$work/raw linked native-env - read m/master.h5
    check "native-env: reads through HDF5_EXT_PREFIX" test "$(rc_of native-env)" = 0
    linked native-prefix - read m/master.h5 --prefix raw
    check "native-prefix: reads through H5Pset_elink_prefix" test "$(rc_of native-prefix)" = 0
    linked native-none - read m/master.h5
    check "native-none: without a prefix the data files are not found" test "$(rc_of native-none)" != 0
    HDF5_EXT_PREFIX=$work/raw CARVE_DIR=$work/bundle linked carve-env "$CARVE" read m/master.h5
    check "carve-env: native checksum" test "$(sum_of carve-env)" = "$(sum_of native-env)"
    CARVE_DIR=$work/bundle linked carve-prefix "$CARVE" read m/master.h5 --prefix raw
    check "carve-prefix: native checksum" test "$(sum_of carve-prefix)" = "$(sum_of native-prefix)"
    check "carve: four containers ($(containers_in bundle))" test "$(containers_in bundle)" = 4
    mv m m.away
    mv raw raw.away
    HDF5_EXT_PREFIX=$work/raw CARVE_LOG=summary CARVE_DIR=$work/bundle linked replay-env "$REPLAY" read m/master.h5
    served replay-env native-env
    CARVE_LOG=summary CARVE_DIR=$work/bundle linked replay-prefix "$REPLAY" read m/master.h5 --prefix raw
    served replay-prefix native-prefix
    # Without the prefix the program's own rules find no data file: the replay must not find one either.
    CARVE_DIR=$work/bundle linked replay-none "$REPLAY" read m/master.h5
    check "replay-none: fails as natively without a prefix (exit $(rc_of replay-none))" test "$(rc_of replay-none)" != 0
}

case_direct() {
    mkdir -p data bundle
    "$CARVE_TEST_LINKED" make data
    linked native - read data/master.h5 --direct data/data_000002.h5
    CARVE_DIR=$work/bundle linked carve "$CARVE" read data/master.h5 --direct data/data_000002.h5
    check "carve: native checksum" test "$(sum_of carve)" = "$(sum_of native)"
    mv data data.away
    CARVE_LOG=summary CARVE_DIR=$work/bundle linked replay "$REPLAY" read data/master.h5 --direct data/data_000002.h5
    served replay native
}

case_h5dump() {
    mkdir -p data bundle
    "$CARVE_TEST_LINKED" make data
    CARVE_DIR=$work/bundle linked carve "$CARVE" read data/master.h5
    check "carve: exit 0" test "$(rc_of carve)" = 0
    (cd data && LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$CARVE_TEST_H5DUMP" -A master.h5 >../native.dump 2>&1) || true
    mv data data.away
    mkdir data
    (cd data && CARVE_DIR=$work/bundle HDF5_VOL_CONNECTOR="$REPLAY" LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" \
        "${wrapper[@]}" "$CARVE_TEST_H5DUMP" -A master.h5 >../replay.dump 2>&1) || true
    check "h5dump -A of the replayed master (origins gone) equals native's" cmp -s native.dump replay.dump
    cmp -s native.dump replay.dump || diff native.dump replay.dump | sed -n '1,20p'
}

case_passthrough() {
    mkdir -p data
    "$CARVE_TEST_LINKED" make data
    linked native - read data/master.h5
    linked replay "$REPLAY" read data/master.h5
    check "replay without containers: exit 0" test "$(rc_of replay)" = 0
    check "replay without containers: native checksum" test "$(sum_of replay)" = "$(sum_of native)"
    check "replay without containers: nothing on stderr" test ! -s replay.err
    check "replay without containers: nothing created" test -z "$(find . -name '*.carve.*')"
    (cd data && linked ../native-cd - read master.h5 && linked ../replay-cd "$REPLAY" read master.h5)
    check "replay without containers, from the file's directory: native checksum" test "$(sum_of replay-cd)" = "$(sum_of native-cd)"
}

case_ros3() {
    local s3=$here/../s3 url
    mkdir -p data bundle
    "$CARVE_TEST_LINKED" make data
    trap 'bash "$here/../s3/s3ctl.sh" stop "$work/server" >/dev/null 2>&1 || true' EXIT
    bash "$s3/s3_fixture.sh" start "$work/server" "$work/data" linked >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/server")/linked"
    linked native - read "$url/master.h5"
    check "native: reads the file set over ROS3" test "$(rc_of native)" = 0
    CARVE_DIR=$work/bundle linked carve "$CARVE" read "$url/master.h5"
    check "carve: native checksum" test "$(sum_of carve)" = "$(sum_of native)"
    check "carve: nothing on stderr" test ! -s carve.err
    check "carve: four containers ($(containers_in bundle))" test "$(containers_in bundle)" = 4
    bash "$s3/s3ctl.sh" stop "$work/server" >/dev/null
    CARVE_LOG=summary CARVE_DIR=$work/bundle linked replay "$REPLAY" read "$url/master.h5"
    served replay native
}

case "$case_name" in
placements | prefix | direct | h5dump | passthrough | ros3) "case_$case_name" ;;
*) echo "unknown case $case_name" >&2; exit 2 ;;
esac
echo "run_links.sh $case_name: $((checks - failures)) passed, $failures failed (work files in $work)"
[[ $failures -eq 0 && $checks -gt 0 ]]
