#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_reliability.sh — carve under damage and at the edges of a process's life (issue 12).
#
# usage: run_reliability.sh <case> <work-dir>
#   reopen   a program that shuts HDF5 down (H5close) and opens the file again, in modes off, carve and
#            replay: both rounds read the native values, exit 0, nothing on stderr (HDF5 forgets carve's
#            error class at H5close: carve must register it again without asking HDF5 about a stale ID)
#   damage   containers damaged on disk after carving — bytes flipped inside a stored uncompressed chunk,
#            inside a deflated chunk, inside the stored elements of a contiguous and of a compact dataset; a lean manifest
#            edited to claim a chunk that is not stored; a truncated and an overwritten container — replayed with the origin present (the native
#            checksum, the damage said once on stderr and counted) and away (exit 1, a message naming the
#            container, the dataset and the chunk): never a wrong value; then a re-carve repairs the
#            damaged chunks from the origin and replays clean
#   exit_sigv4  commits at exit that sign their requests (SigV4: libcurl and OpenSSL): a carve and a replay
#            with read_through=yes of a URL on a private loopback S3 server, each with and without
#            H5close() before exit: exit 0 (never a signal), output whole, the container committed
#   hostile  a hostile S3 server (500s, 200 for a range, short bodies, connections closed mid-body, a wrong
#            Content-Length on HEAD): native ROS3, carve, and replays of a healthy carve (all hits,
#            and a miss) against it: any run that ends well has the healthy values; where native reads
#            well, carve does too; the outcomes are printed as a table
#   commit_short  a server that answers carve's own range requests (the commit's fetch of the chunks and of
#            the elements of contiguous datasets, /grid2d and /data/contiguous) with short bodies, while the
#            program's ROS3 reads are answered well: once (the retry reads the range whole: everything
#            stored, all hits later), and always (no chunk and no element box stored, each named on
#            stderr; later replays read them from the origin): the program's values are native's in every
#            run, and no replay ever serves a short body as a hit
#            garbled bodies of the right length: a compressed chunk that does not decode is not stored;
#            uncompressed chunks and contiguous elements cannot be told from good bytes (README): they are
#            stored, and a replay serves the garbled values (checked, so that the limit stays documented)
#   stall    a local carve replayed with origin= a URL whose server answers after 60 s and timeout=2: an
#            all-hit replay ends with the native values, a read needing the origin fails naming the
#            timeout (each run under `timeout 20`, less than the default bound of 30 s: a hang fails the test, no time is asserted)
#
# Environment (test/reliability/CMakeLists.txt): HDF5_PLUGIN_PATH, CARVE_TEST_MAKE_ZOO,
# CARVE_TEST_WORKLOAD, CARVE_TEST_VERIFY, CARVE_TEST_REOPEN, CARVE_TEST_DAMAGE.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 2 ]] || { echo "usage: $0 <case> <work-dir>" >&2; exit 2; }
case_name=$1
# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment
# shellcheck source=../carve/carve_test_lib.sh
source "$here/../carve/carve_test_lib.sh"
carve_test_setup "$2" CARVE_TEST_MAKE_ZOO CARVE_TEST_WORKLOAD CARVE_TEST_VERIFY CARVE_TEST_REOPEN CARVE_TEST_DAMAGE

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

checksum_of_run() { sed -n 's/^carve_workload: .* checksum \([0-9a-f]*\)$/\1/p' "$1.out"; }
replay_counter() { sed -n '/^replay:/,/^[^ ]/s/^  *'"$2"': *\([0-9][0-9]*\) *$/\1/p' "$1" | head -1; }

# damage_chunk <container> <dataset>: flips 4 bytes in the middle of the dataset's first stored chunk.
damage_chunk() {
    local offset size
    read -r offset size < <("$CARVE_TEST_DAMAGE" where "$1" "$2")
    flip "$1" $((offset + size / 2))
    echo "  flipped 4 bytes of $2's first chunk (at $offset, $size bytes) in ${1##*/}"
}

case_damage() {
    local container manifest ds wl
    make_zoo zoo.h5
    for wl in rows strided union; do
        workload "native-$wl" - zoo.h5 "$wl" "native-$wl.txt"
    done
    # rows reads /data/chunked_plain (uncompressed chunks) and /data/contiguous (stored as elements),
    # strided /data/chunked_deflate.
    workload carve-rows "$CARVE" zoo.h5 rows carve-rows.txt
    workload carve-strided "$CARVE" zoo.h5 strided carve-strided.txt
    check "carve: exit 0" test "$(rc_of carve-rows)$(rc_of carve-strided)" = 00
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "a container"; return; }
    container=$(realpath "$container")
    manifest=$(manifest_of "$container")

    echo "--- bytes flipped in an uncompressed chunk, a deflated chunk and stored elements of a contiguous dataset"
    for ds in /data/chunked_plain /data/chunked_deflate /data/contiguous; do
        damage_chunk "$container" "$ds"
    done
    for wl in rows strided; do
        workload "present-$wl" "$REPLAY" zoo.h5 "$wl" "present-$wl.txt"
        check "origin present, $wl: exit 0 ($(rc_of "present-$wl"))" test "$(rc_of "present-$wl")" = 0
        check "origin present, $wl: the native checksum ($(checksum_of_run "present-$wl"))" \
            test "$(checksum_of_run "present-$wl")" = "$(checksum_of_run "native-$wl")"
    done
    for ds in /data/chunked_plain /data/contiguous; do
        check "origin present: stderr says $ds is damaged, read from the origin" \
            grep -qE "^carve: container .*: $ds: chunk \[[0-9, ]+\] does not match its checksum; read from the origin" present-rows.err
    done
    check "origin present: stderr says /data/chunked_deflate is damaged, read from the origin" \
        grep -qE "^carve: container .*: /data/chunked_deflate: chunk \[[0-9, ]+\] does not match its checksum; read from the origin" present-strided.err
    # Four reads took a damaged unit: rows's of chunked_plain and contiguous, strided's of chunked_deflate
    # and of contiguous (its first stored chunk, which both workloads read).
    check "origin present: every read of a damaged unit is counted (damaged: $(replay_counter "$manifest" damaged))" \
        test "$(replay_counter "$manifest" damaged)" = 4
    mv zoo.h5 zoo.h5.away
    for wl in rows strided; do
        workload "away-$wl" "$REPLAY" zoo.h5 "$wl" "away-$wl.txt"
        check "origin away, $wl: exit 1, not a signal ($(rc_of "away-$wl"))" test "$(rc_of "away-$wl")" = 1
        check "origin away, $wl: the message names the container, a damaged dataset and its chunk" \
            grep -qE "cannot read /data/[a-z_]+ .*container $container holds it damaged \(chunk \[[0-9, ]+\] does not match its checksum\)" "away-$wl.err"
        check "origin away, $wl: the program saw its read fail" grep -q "FAILED: H5Dread of /data/" "away-$wl.out" "away-$wl.err"
    done
    mv zoo.h5.away zoo.h5

    echo "--- a re-carve copies the damaged units again from the origin"
    workload recarve "$CARVE" zoo.h5 rows recarve.txt
    check "recarve: exit 0" test "$(rc_of recarve)" = 0
    check "recarve: says what it copied again" grep -q "do not match their checksums; copied again from the origin" recarve.err
    if "${wrapper[@]}" "$CARVE_TEST_VERIFY" zoo.h5 "$container" "$manifest" carve-rows.txt --also-expected carve-strided.txt \
        --also-expected recarve.txt --generation 3 --runs 3 >verify.log 2>&1; then
        pass "recarve: carve_verify finds every stored byte equal to the origin's ($(tail -1 verify.log))"
    else
        checks=$((checks + 1))
        fail "recarve: carve_verify ($(tail -1 verify.log)):"
        grep -E '^(FAIL|    )' verify.log | sed -n '1,30p' || true
    fi
    mv zoo.h5 zoo.h5.away
    for wl in rows strided; do
        workload "repaired-$wl" "$REPLAY" zoo.h5 "$wl" "repaired-$wl.txt"
        check "repaired, origin away, $wl: exit 0 and the native checksum" \
            test "$(rc_of "repaired-$wl") $(checksum_of_run "repaired-$wl")" = "0 $(checksum_of_run "native-$wl")"
        check "repaired, origin away, $wl: nothing on stderr" test ! -s "repaired-$wl.err"
    done
    mv zoo.h5.away zoo.h5

    echo "--- bytes flipped in the stored elements of a compact dataset"
    mkdir -p compact
    make_zoo compact/zoo.h5
    workload compact/native - compact/zoo.h5 compact compact/native.txt
    workload compact/carve "$CARVE" compact/zoo.h5 compact compact/carve.txt
    container=$(the_container compact zoo.h5) || { checks=$((checks + 1)); fail "a container in compact/"; return; }
    damage_chunk "$container" /data/compact
    workload compact/present "$REPLAY" compact/zoo.h5 compact compact/present.txt
    check "compact, origin present: exit 0 and the native checksum" \
        test "$(rc_of compact/present) $(checksum_of_run compact/present)" = "0 $(checksum_of_run compact/native)"
    check "compact, origin present: stderr says /data/compact is damaged, read from the origin" \
        grep -qE "^carve: container .*: /data/compact: (chunk \[[0-9, ]+\] does not match its checksum|its stored values do not match their checksum); read from the origin" compact/present.err
    mv compact/zoo.h5 compact/zoo.h5.away
    workload compact/away "$REPLAY" compact/zoo.h5 compact compact/away.txt
    check "compact, origin away: exit 1 naming the container and /data/compact" \
        grep -q "cannot read /data/compact .*container .* holds it damaged" compact/away.err
    mv compact/zoo.h5.away compact/zoo.h5

    echo "--- a truncated container, and one overwritten with other bytes"
    mkdir -p trunc
    make_zoo trunc/zoo.h5
    workload trunc/carve "$CARVE" trunc/zoo.h5 rows trunc/carve.txt
    container=$(the_container trunc zoo.h5) || { checks=$((checks + 1)); fail "a container in trunc/"; return; }
    cp "$container" trunc/whole.carve.h5
    for how in truncated overwritten; do
        if [[ $how == truncated ]]; then
            truncate -s $(($(stat -c %s "$container") / 2)) "$container"
        else
            head -c "$(stat -c %s trunc/whole.carve.h5)" /dev/urandom >"$container"
        fi
        workload "trunc/$how-present" "$REPLAY" trunc/zoo.h5 rows "trunc/$how-present.txt"
        check "$how, origin present: exit 0 and the native checksum (the origin read instead)" \
            test "$(rc_of "trunc/$how-present") $(checksum_of_run "trunc/$how-present")" = "0 $(checksum_of_run native-rows)"
        check "$how, origin present: stderr names the container and says the origin is read instead" \
            grep -q "^carve: .*${container##*/}.*; reading trunc/zoo.h5 itself instead" "trunc/$how-present.err"
        mv trunc/zoo.h5 trunc/zoo.h5.away
        workload "trunc/$how-away" "$REPLAY" trunc/zoo.h5 rows "trunc/$how-away.txt"
        check "$how, origin away: exit 1, naming the container" \
            test "$(rc_of "trunc/$how-away")" = 1 -a -n "$(grep -l "${container##*/}" "trunc/$how-away.err")"
        mv trunc/zoo.h5.away trunc/zoo.h5
        cp trunc/whole.carve.h5 "$container"
    done

    echo "--- a lean manifest edited to claim a chunk the container does not store"
    mkdir -p claim
    make_zoo claim/zoo.h5
    workload claim/carve "$CARVE" claim/zoo.h5 rows claim/carve.txt
    container=$(the_container claim zoo.h5) || { checks=$((checks + 1)); fail "a container in claim/"; return; }
    # union reads chunk [4, 0] of /data/chunked_plain, which rows did not: claimed now, never stored.
    "$CARVE_TEST_DAMAGE" claim "$container" /data/chunked_plain 4 0
    workload claim/present "$REPLAY" claim/zoo.h5 union claim/present.txt
    check "claim, origin present: the native checksum" \
        test "$(checksum_of_run claim/present)" = "$(checksum_of_run native-union)"
    check "claim, origin present: stderr names the false claim" \
        grep -q "/data/chunked_plain: the manifest claims chunk \[4, 0\], which the container's checksums do not list; read from the origin" claim/present.err
    mv claim/zoo.h5 claim/zoo.h5.away
    workload claim/away "$REPLAY" claim/zoo.h5 union claim/away.txt
    check "claim, origin away: exit 1" test "$(rc_of claim/away)" = 1
    check "claim, origin away: the message names the dataset and the chunk" \
        grep -q "cannot read /data/chunked_plain .*holds it damaged (the manifest claims chunk \[4, 0\]" claim/away.err
}

# Commits at exit that sign requests (SigV4) with libcurl and OpenSSL: carve and read-through, with and
# without H5close() before exit. Each must end with exit 0 (not a signal) and its output whole.
case_exit_sigv4() {
    local s3=$here/../s3 url cred=us-east-1,AKIDEXIT,exit-secret gen wl close label
    mkdir -p data cdir
    make_zoo data/zoo.h5
    trap 'bash "$here/../s3/s3ctl.sh" stop "$work/server" >/dev/null 2>&1 || true' EXIT
    bash "$s3/s3_fixture.sh" start "$work/server" "$work/data" exitb --access-key AKIDEXIT --secret-key exit-secret \
        --region us-east-1 >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/server")/exitb/zoo.h5"
    for wl in rows strided; do
        workload "native-$wl" - "$url" "$wl" "native-$wl.txt" --cred "$cred"
    done
    for close in "" --h5close; do
        label=carve${close:+-h5close}
        rm -rf cdir && mkdir cdir
        CARVE_DIR=$work/cdir workload "$label" "$CARVE" "$url" rows "$label.txt" --cred "$cred" $close
        check "$label: exit 0, not a signal ($(rc_of "$label"))" test "$(rc_of "$label")" = 0
        check "$label: its output is whole (the checksum line)" \
            test "$(checksum_of_run "$label")" = "$(checksum_of_run native-rows)"
        check "$label: a container was committed" test -n "$(find cdir -name 'zoo.h5-*.carve.h5')"
        label=through${close:+-h5close}
        CARVE_DIR=$work/cdir workload "$label" "$REPLAY;read_through=yes" "$url" strided "$label.txt" --cred "$cred" $close
        check "$label: exit 0, not a signal ($(rc_of "$label"))" test "$(rc_of "$label")" = 0
        check "$label: its output is whole (the checksum line)" \
            test "$(checksum_of_run "$label")" = "$(checksum_of_run native-strided)"
        gen=$(sed -n 's/^generation: //p' cdir/zoo.h5-*.carve.yaml)
        check "$label: the read-through commit added the misses (generation $gen)" test "$gen" = 2
        check "$label: nothing on stderr" test ! -s "$label.err"
    done
}

# A stalled server (every HEAD and GET answered after 60 s): an all-hit replay does not wait on it longer
# than the timeout setting, and a read that needs it fails naming the timeout.
case_stall() {
    local s3=$here/../s3 url rc
    mkdir -p data
    make_zoo data/zoo.h5
    make_zoo zoo.h5
    workload native-rows - zoo.h5 rows native-rows.txt
    workload carve "$CARVE" zoo.h5 rows carve.txt
    check "carve: exit 0" test "$(rc_of carve)" = 0
    trap 'bash "$here/../s3/s3ctl.sh" stop "$work/server" >/dev/null 2>&1 || true' EXIT
    bash "$s3/s3_fixture.sh" start "$work/server" "$work/data" stallb --latency-ms 60000 >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/server")/stallb/zoo.h5"
    rc=0
    HDF5_VOL_CONNECTOR="$REPLAY;origin={$url};timeout=2" timeout 20 "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" zoo.h5 rows \
        hits.txt >hits.out 2>hits.err || rc=$?
    check "all hits, origin stalled: the replay ends (exit $rc; 124: still waiting after 20 s)" test "$rc" = 0
    check "all hits, origin stalled: the native checksum" test "$(checksum_of_run hits)" = "$(checksum_of_run native-rows)"
    rc=0
    HDF5_VOL_CONNECTOR="$REPLAY;origin={$url};timeout=2" timeout 20 "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" zoo.h5 strided \
        miss.txt >miss.out 2>miss.err || rc=$?
    check "a miss, origin stalled: the program fails (exit $rc), not waits" test "$rc" = 1
    check "a miss, origin stalled: the message names the timeout" grep -q "timed out after 2 s (the timeout setting)" miss.err
}

# run_hostile <label> <connector or -> <url> <workload> [connector additions]: carve_workload against the
# hostile server, bounded by `timeout 90`; prints "<exit> <checksum or ->".
run_hostile() {
    local label=$1 conn=$2 url=$3 wl=$4 rc=0
    if [[ $conn == - ]]; then
        timeout 90 "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" "$url" "$wl" "$label.txt" >"$label.out" 2>"$label.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$conn" timeout 90 "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" "$url" "$wl" "$label.txt" \
            >"$label.out" 2>"$label.err" || rc=$?
    fi
    local sum
    sum=$(checksum_of_run "$label")
    echo "$rc ${sum:--}"
}

# outcome <exit> <checksum> <healthy checksum>: a table cell.
outcome() {
    if [[ $1 != 0 ]]; then
        echo "fails (exit $1)"
    elif [[ $2 == "$3" ]]; then
        echo "right values"
    else
        echo "WRONG VALUES"
    fi
}

# A hostile S3 server (test/s3/s3server.py --fault): for each misbehaviour, a native ROS3 read, a carve
# run, and replays (all hits, and a read that needs the origin) of a container carved from a healthy
# server. Never a wrong value: any run that ends well gives the healthy native checksum. The outcomes are
# printed as a table (carve against native).
case_hostile() {
    local s3=$here/../s3 healthy url good_rows good_strided container fault n r c h m
    local -a table=()
    mkdir -p data cdir
    make_zoo data/zoo.h5
    trap 'bash "$here/../s3/s3ctl.sh" stop "$work/healthy" >/dev/null 2>&1 || true; bash "$here/../s3/s3ctl.sh" stop "$work/hostile" >/dev/null 2>&1 || true' EXIT
    bash "$s3/s3_fixture.sh" start "$work/healthy" "$work/data" hostileb >/dev/null
    healthy="$(bash "$s3/s3ctl.sh" url "$work/healthy")/hostileb/zoo.h5"
    read -r _ good_rows < <(run_hostile native-rows - "$healthy" rows)
    read -r _ good_strided < <(run_hostile native-strided - "$healthy" strided)
    check "healthy server: native reads" test "$good_rows" != - -a "$good_strided" != -
    read -r r c < <(CARVE_DIR=$work/cdir run_hostile carve-healthy "$CARVE" "$healthy" rows)
    check "healthy server: carve ($r $c)" test "$r $c" = "0 $good_rows"
    bash "$s3/s3ctl.sh" stop "$work/healthy" >/dev/null
    # The same objects (one root, so their ETags and Last-Modified stay), a new server each time. A
    # stalled server is reliability.stall's (native ROS3 would wait on it as long as it stalls).
    for fault in status500 full200 short close head-length; do
        bash "$s3/s3ctl.sh" start "$work/hostile" --root "$work/healthy/root" --fault "$fault" >/dev/null
        url="$(bash "$s3/s3ctl.sh" url "$work/hostile")/hostileb/zoo.h5"
        read -r n nsum < <(run_hostile "$fault-native" - "$url" rows)
        rm -rf "cdir-$fault" && mkdir "cdir-$fault"
        read -r r rsum < <(CARVE_DIR=$work/cdir-$fault run_hostile "$fault-carve" "$CARVE;timeout=5" "$url" rows)
        read -r h hsum < <(CARVE_DIR=$work/cdir run_hostile "$fault-hits" "$REPLAY;origin={$url};timeout=5" "$healthy" rows)
        read -r m msum < <(CARVE_DIR=$work/cdir run_hostile "$fault-miss" "$REPLAY;origin={$url};timeout=5" "$healthy" strided)
        bash "$s3/s3ctl.sh" stop "$work/hostile" >/dev/null
        for c in "native:$n:$nsum:$good_rows" "carve:$r:$rsum:$good_rows" "hits:$h:$hsum:$good_rows" "miss:$m:$msum:$good_strided"; do
            IFS=: read -r what rc sum good <<<"$c"
            if [[ $rc == 0 ]]; then
                check "$fault, $what: ended well (exit 0), so its values are the healthy ones" test "$sum" = "$good"
            else
                pass "$fault, $what: failed (exit $rc), no values claimed"
            fi
        done
        if [[ $n == 0 && $nsum == "$good_rows" ]]; then
            check "$fault: native read well, so carve does too ($r)" test "$r $rsum" = "0 $good_rows"
        fi
        # An all-hit replay needs the server only for the stamp: served, unless the server lies about it.
        if [[ $fault == head-length ]]; then
            check "$fault, hits: refused, the stamp says the origin changed (exit $h)" \
                grep -q "changed since container" "$fault-hits.err"
        else
            check "$fault, hits: served with the healthy values despite the server ($h)" test "$h $hsum" = "0 $good_rows"
        fi
        # A read that needs this server cannot be served right: it must fail, never give other values.
        check "$fault, miss: fails (exit $m)" test "$m" != 0
        if [[ $fault == full200 ]]; then
            check "$fault: the commit refused the server's whole-object answer, saying why" \
                grep -Eq "does not honour byte ranges|HTTP 200, not 206|sent more bytes than the range asked for" "$fault-carve.err"
            check "$fault: the replay's miss refused to read the server, saying why" \
                grep -Eq "does not honour byte ranges|HTTP 200, not 206|sent more bytes than the range asked for" "$fault-miss.err"
        fi
        table+=("| $fault | $(outcome "$n" "$nsum" "$good_rows") | $(outcome "$r" "$rsum" "$good_rows") | $(outcome "$h" "$hsum" "$good_rows") | $(outcome "$m" "$msum" "$good_strided") |")
    done
    echo "| fault | native ROS3 | carve | replay, all hits | replay, a miss |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${table[@]}"
}

# manifest_selections <manifest> <dataset>: the selections line of the dataset's entry ("[]" when none).
manifest_selections() {
    awk -v ds="$2" '$1 == "-" && $2 == "path:" { mine = ($3 == ds) } mine && $1 == "selections:" { print (NF > 1 ? $2 : "(records)"); exit }' "$1"
}

# chunk_store_chunks <manifest>: the chunks it says are stored, summed over its `store: chunks` datasets.
chunk_store_chunks() {
    awk '$1 == "store:" { chunked = ($2 == "chunks") } $1 == "chunks_stored:" && chunked { n += $2 } END { print n + 0 }' "$1"
}

# The commit of a URL origin takes what the program's run read through ROS3 (carve_origin_vfd's tee) and
# asks the server itself only for the rest, validated (carve_origin_fetch): before, it read every chunk
# again, and a one-off short answer (ROS3 does not check a body's length) became a wrong container that
# every later replay served as hits. Here the server faults only carve's own requests (User-Agent carve/):
# whatever it does, no replay ever gives other values than native's.
case_commit_short() {
    local s3=$here/../s3 url good r rsum h hsum gets
    mkdir -p data cdir-once cdir-always cdir-garble
    make_zoo data/zoo.h5
    trap 'for s in once always garble; do bash "$here/../s3/s3ctl.sh" stop "$work/$s" >/dev/null 2>&1 || true; done' EXIT
    workload native - data/zoo.h5 rows native.txt
    good=$(checksum_of_run native)
    check "native: a checksum" test -n "$good"

    # Once: carve's first GET is answered with half its body, then the server is healthy.
    bash "$s3/s3_fixture.sh" start "$work/once" "$work/data" shortb --fault short --fault-agent carve/ --fault-count 1 >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/once")/shortb/zoo.h5"
    read -r r rsum < <(CARVE_DIR=$work/cdir-once run_hostile once "$CARVE" "$url" rows)
    check "once: carve ends well with native's values ($r)" test "$r $rsum" = "0 $good"
    check "once: nothing said (a short answer is asked again)" test ! -s once.err
    gets=$(grep -c '^REQ GET .*status=206' "$work/once/server.log" || true)
    # What the program read is not read again: the program's one GET (ROS3 reads the file's first 16 MiB at
    # open) and the commit's one GET of the bytes at zoo.h5's end that ROS3 does not keep, answered short,
    # then asked again.
    check "once: the commit asked the server only for what the program did not read ($gets GETs in all, 3 expected)" \
        test "$gets" = 3
    for ds in /grid2d /data/contiguous; do
        check "once: $ds (contiguous) claims what rows read" \
            test "$(manifest_selections cdir-once/*.carve.yaml "$ds")" != "[]"
    done
    check "once: the chunk-stored datasets claim chunks" test "$(chunk_store_chunks cdir-once/*.carve.yaml)" -gt 0
    read -r h hsum < <(CARVE_DIR=$work/cdir-once run_hostile once-replay "$REPLAY;log=summary" "$url" rows)
    check "once: the replay gives native's values ($h)" test "$h $hsum" = "0 $good"
    check "once: every read of the replay was a hit" test "$(replay_counter "$(ls cdir-once/*.carve.yaml)" misses)" = 0

    # Always: every GET of carve's comes short. The program's values are native's; a commit that needs a
    # byte it cannot read validly fails, saying which, and writes nothing; replays give native's values.
    bash "$s3/s3_fixture.sh" start "$work/always" "$work/data" shortb --fault short --fault-agent carve/ >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/always")/shortb/zoo.h5"
    read -r r rsum < <(CARVE_DIR=$work/cdir-always run_hostile always "$CARVE" "$url" rows)
    check "always: carve ends well with native's values ($r)" test "$r $rsum" = "0 $good"
    if [[ -n $(ls cdir-always/*.carve.h5 2>/dev/null) ]]; then
        check "always: the container claims chunks read by the program" test "$(chunk_store_chunks cdir-always/*.carve.yaml)" -gt 0
    else
        check "always: no container, and the commit said why (a short answer)" \
            grep -Eq "Content-Range [0-9]+-[0-9]+, not the bytes|short body" always.err
    fi
    read -r h hsum < <(CARVE_DIR=$work/cdir-always run_hostile always-replay "$REPLAY;log=summary" "$url" rows)
    check "always: the replay gives native's values ($h)" test "$h $hsum" = "0 $good"

    # Garbled: carve's GETs answered with inverted bytes of the right length. Nothing the program read is
    # taken from them; a replay that succeeds gives native's values.
    bash "$s3/s3_fixture.sh" start "$work/garble" "$work/data" shortb --fault garble --fault-agent carve/ >/dev/null
    url="$(bash "$s3/s3ctl.sh" url "$work/garble")/shortb/zoo.h5"
    read -r r rsum < <(CARVE_DIR=$work/cdir-garble run_hostile garble "$CARVE" "$url" rows)
    check "garble: carve ends well with native's values ($r)" test "$r $rsum" = "0 $good"
    read -r h hsum < <(CARVE_DIR=$work/cdir-garble run_hostile garble-replay "$REPLAY;log=summary" "$url" rows)
    bash "$s3/s3ctl.sh" stop "$work/garble" >/dev/null
    if [[ $h == 0 ]]; then
        check "garble: the replay gives native's values" test "$hsum" = "$good"
    else
        pass "garble: the replay failed (exit $h), no values claimed"
    fi
}

case "$case_name" in
reopen | damage | exit_sigv4 | stall | hostile | commit_short) "case_$case_name" ;;
*) echo "unknown case $case_name" >&2; exit 2 ;;
esac
echo "run_reliability.sh $case_name: $((checks - failures)) passed, $failures failed (work files in $work)"
[[ $failures -eq 0 && $checks -gt 0 ]]
