#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_carve.sh — the carve-phase integration tests: an unchanged reader (carve_workload) runs on the zoo
# under HDF5_VOL_CONNECTOR="carve mode=carve"; the container and manifest carve writes are then checked
# by carve_verify (data, raw chunks, coverage, sizes, manifest; see verify.c) and, natively, with the
# stock HDF5 tools (h5dump -A / -A -p of origin and container equal after normalize_dump.awk, h5dump of
# the container succeeds, h5ls -r lists the same objects).
#
# usage: run_carve.sh <case> <work-dir> [case arguments]
#   zoo <workload>      one workload; the full set of checks
#   again               two workloads one after the other: union kept, generation 2, two runs
#   concurrent          two workload processes at once on the same origin (three rounds): union kept
#   changed_origin      the origin's mtime, then its size changes between runs: the later runs' commit
#                       fails (reported by the close or at exit) naming the origin and "changed";
#                       container and manifest stay byte-identical
#   dir                 CARVE_DIR and dir= choose the container directory (dir= wins); two origins with
#                       the same name in different directories get different containers
#   skipped             a program that also creates one file and modifies another: both listed as
#                       skipped in the manifest, neither carved
#   touched             skeleton=touched (datasets read, a committed-type dataset, attributes read by
#                       name): only the touched objects and their parent groups
#   no_exit_close       a program that returns from main with the file open: the exit handler commits
#   bad_container       a foreign file, a garbage container, a container without its bookkeeping at the
#                       container's name: the commit is refused naming it, the file is left as it was
#   objects             a program iterating a group, visiting a subtree and querying an object: all three
#                       listed as touched in the manifest, no data carved
#   missing_dir         dir= a missing directory, or a path through a regular file: the commit fails
#                       (reported by the close or at exit) naming the directory, the program's results
#                       are unchanged, nothing is written
#   ros3 <s3-state-dir> <s3-data-dir> <bucket> <region,id,secret>
#                       the zoo on the loopback S3 server read over ROS3 (HDF5 shutting down at exit, and
#                       by an explicit H5close): container in CARVE_DIR, verified against the local copy;
#                       manifest origin is the URL, stamp has the ETag
#
# Environment (set by test/carve/CMakeLists.txt): HDF5_PLUGIN_PATH (the plugin's directory) and
# CARVE_TEST_MAKE_ZOO, CARVE_TEST_WORKLOAD, CARVE_TEST_VERIFY, CARVE_TEST_H5DUMP, CARVE_TEST_H5LS.
# CARVE_TEST_WRAPPER (valgrind, test/memcheck.sh) goes in front of carve's own programs, CARVE_TEST_PRELOAD
# (sanitizer runtimes) into the HDF5 tools only, as in the other test directories.
# Work files stay in <work-dir> for inspection. Prints PASS/FAIL per check; exits 1 on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ $# -ge 2 ]] || { echo "usage: $0 <case> <work-dir> [args]" >&2; exit 2; }
case_name=$1 work=$2
shift 2

# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment

# shellcheck source=carve_test_lib.sh
source "$here/carve_test_lib.sh"
carve_test_setup "$work" CARVE_TEST_MAKE_ZOO CARVE_TEST_WORKLOAD CARVE_TEST_VERIFY CARVE_TEST_H5DUMP CARVE_TEST_H5LS

# expect_success <label>: exit 0, carve in the path, nothing on stderr.
expect_carved_run() {
    local label=$1
    check "$label: the program succeeds (exit $(rc_of "$label"))" test "$(rc_of "$label")" = 0
    check "$label: the file was served by carve" grep -q '^carve_workload: connector carve$' "$label.out"
    if [[ -s $label.err ]]; then
        checks=$((checks + 1))
        fail "$label: nothing on stderr, but:"
        sed -n '1,30p' "$label.err"
    else
        pass "$label: nothing on stderr"
    fi
}



lacks_line() { ! grep -q "$1" "$2"; }

# no_leftovers <dir>: no temporary files of a commit remain.
no_leftovers() {
    local left
    left=$(find "$1" -name '*.carve.h5.tmp.*' -o -name '*.carve.yaml.tmp*' | head -5)
    [[ -z $left ]] || { echo "left behind: $left" >&2; return 1; }
}

# verify <label> <origin> <container> <expected> [carve_verify options]
verify() {
    local label=$1 origin=$2 container=$3 expected=$4
    shift 4
    local rc=0
    "${wrapper[@]}" "$CARVE_TEST_VERIFY" "$origin" "$container" "$(manifest_of "$container")" "$expected" "$@" \
        >"$label.verify.log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then
        pass "$label: carve_verify ($(tail -1 "$label.verify.log"))"
    else
        checks=$((checks + 1))
        fail "$label: carve_verify exit $rc ($(tail -1 "$label.verify.log")); its failures:"
        grep -E '^(FAIL|    |NOTE)' "$label.verify.log" | sed -n '1,80p' || true
        echo "  (whole log: $work/$label.verify.log)"
    fi
}

# tool <output> <tool> <args...>: an HDF5 tool, natively, with the sanitizer preload when set.
tool() {
    local out=$1
    shift
    local rc=0
    env -u HDF5_VOL_CONNECTOR LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$@" >"$out" 2>"$out.err" || rc=$?
    return $rc
}

# compare_with_tools <label> <origin> <container>: the stock tools, natively, see the origin's skeleton.
compare_with_tools() {
    local label=$1 origin=$2 container=$3
    local conv
    for props in attrs props; do
        local opt=(-A)
        [[ $props == props ]] && opt=(-A -p)
        if ! tool "$label.origin.$props" "$CARVE_TEST_H5DUMP" "${opt[@]}" "$origin"; then
            checks=$((checks + 1))
            fail "$label: h5dump ${opt[*]} of the origin failed"
            continue
        fi
        if ! tool "$label.container.$props" "$CARVE_TEST_H5DUMP" "${opt[@]}" "$container"; then
            checks=$((checks + 1))
            fail "$label: h5dump ${opt[*]} of the container failed natively:"
            sed -n '1,20p' "$label.container.$props.err"
            continue
        fi
        conv=$(awk -v mode=list -f "$here/normalize_dump.awk" "$label.origin.props" 2>/dev/null || true)
        awk -v side=origin -v converted="$conv" -f "$here/normalize_dump.awk" "$label.origin.$props" \
            >"$label.origin.$props.norm"
        # h5dump names the file as it was given in the references it dereferences: the paths as passed.
        awk -v side=container -v converted="$conv" -v from="$container" -v to="$origin" -f "$here/normalize_dump.awk" \
            "$label.container.$props" >"$label.container.$props.norm"
        if cmp -s "$label.origin.$props.norm" "$label.container.$props.norm"; then
            pass "$label: h5dump ${opt[*]} of the container equals the origin's (normalize_dump.awk)"
        else
            checks=$((checks + 1))
            fail "$label: h5dump ${opt[*]} differs between origin and container (after normalize_dump.awk):"
            diff "$label.origin.$props.norm" "$label.container.$props.norm" | sed -n '1,40p' || true
        fi
    done
    check "$label: h5dump (with data) of the container succeeds natively" \
        tool "$label.container.full" "$CARVE_TEST_H5DUMP" "$container"
    if tool "$label.origin.ls" "$CARVE_TEST_H5LS" -r "$origin" && tool "$label.container.ls" "$CARVE_TEST_H5LS" -r "$container" &&
        cmp -s "$label.origin.ls" "$label.container.ls"; then
        pass "$label: h5ls -r lists the same objects in origin and container"
    else
        checks=$((checks + 1))
        fail "$label: h5ls -r differs between origin and container:"
        diff "$label.origin.ls" "$label.container.ls" | sed -n '1,30p' || true
    fi
}


CARVE="carve mode=carve"

finish() {
    echo "run_carve.sh $case_name: $((checks - failures)) passed, $failures failed (work files in $work)"
    [[ $failures -eq 0 && $checks -gt 0 ]]
}

# --- the cases ------------------------------------------------------------------------------------

case_zoo() {
    local wl=$1 container
    make_zoo zoo.h5
    workload native - zoo.h5 "$wl" native.txt
    check "native: $wl runs natively" test "$(rc_of native)" = 0
    workload carve "$CARVE" zoo.h5 "$wl" expected.txt
    expect_carved_run carve
    same_results carve native
    check "carve: logged the same reads as the native run" cmp -s native.txt expected.txt
    check "no commit leftovers" no_leftovers .
    if ! container=$(the_container . zoo.h5); then
        checks=$((checks + 1))
        fail "carve: a container beside the origin"
        ls -la
        return
    fi
    pass "carve: container $(basename "$container") beside the origin"
    verify "$wl" zoo.h5 "$container" expected.txt
    compare_with_tools "$wl" zoo.h5 "$container"
}

case_again() {
    local container
    make_zoo zoo.h5
    workload first "$CARVE" zoo.h5 rows first.txt
    expect_carved_run first
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "first: a container"; return; }
    verify first zoo.h5 "$container" first.txt
    workload second "$CARVE" zoo.h5 points second.txt
    expect_carved_run second
    check "the second run commits into the same container" test "$(the_container . zoo.h5)" = "$container"
    verify union zoo.h5 "$container" first.txt --also-expected second.txt --generation 2 --runs 2
    workload third "$CARVE" zoo.h5 union third.txt
    expect_carved_run third
    verify union3 zoo.h5 "$container" first.txt --also-expected second.txt --also-expected third.txt --generation 3
    compare_with_tools again zoo.h5 "$container"
    # Re-carving what is held already stores nothing new: the manifest and checksum texts are rewritten in
    # place, so the container does not grow from one generation to the next (it grew by their size).
    local size size4
    size=$(stat -c %s "$container")
    workload fourth "$CARVE" zoo.h5 union fourth.txt
    expect_carved_run fourth
    size4=$(stat -c %s "$container")
    check "a re-carve of held data keeps the container's size ($size -> $size4 bytes)" test "$size4" = "$size"
    verify union4 zoo.h5 "$container" first.txt --also-expected second.txt --also-expected third.txt \
        --also-expected fourth.txt --generation 4
}

case_concurrent() {
    local round container pids
    for round in 1 2 3; do
        mkdir -p "round$round"
        (
            cd "round$round"
            make_zoo zoo.h5
        )
        # Both processes start together; each commits when it closes the file.
        (cd "round$round" && workload a "$CARVE" zoo.h5 rows a.txt) &
        pids=$!
        (cd "round$round" && workload b "$CARVE" zoo.h5 strided b.txt) &
        pids="$pids $!"
        # shellcheck disable=SC2086
        wait $pids
        expect_carved_run "round$round/a"
        expect_carved_run "round$round/b"
        container=$(the_container "round$round" zoo.h5) || {
            checks=$((checks + 1))
            fail "round $round: one container"
            continue
        }
        verify "round$round" "round$round/zoo.h5" "$container" "round$round/a.txt" \
            --also-expected "round$round/b.txt" --generation 2 --runs 2
        check "round $round: no commit leftovers" no_leftovers "round$round"
    done
}

# expect_commit_error <label> <text>: carve could not commit the run. carve commits when HDF5 shuts down
# (H5close, or HDF5's exit handler), so the failure shows either as a failed close (exit 3) or, after the
# program's last output, as carve's report on stderr with the program's own exit status (0). Either way
# the report must be on stderr and hold <text>; the values the program read are native's.
expect_commit_error() {
    local label=$1 text=$2 rc
    rc=$(rc_of "$label")
    check "$label: the program ends normally or with the close error (exit 0 or 3, got $rc)" \
        test "$rc" = 0 -o "$rc" = 3
    check "$label: carve reports the failed commit on stderr" grep -qE 'carve-DIAG|^carve: ' "$label.err"
    check "$label: the report names $text" grep -qF "$text" "$label.err"
    if [[ $rc == 0 ]]; then
        echo "  ($label: reported at exit: H5Fclose succeeded, carve commits when HDF5 shuts down)"
    fi
    same_results "$label" native
}

# A run that must not commit because the origin changed: the report, the container untouched.
expect_changed() {
    local label=$1 container=$2
    expect_commit_error "$label" "$(realpath zoo.h5)"
    check "$label: the report says the origin changed" grep -q 'changed' "$label.err"
    check "$label: the container is byte-identical to before" cmp -s "$container" saved.carve.h5
    check "$label: the manifest is byte-identical to before" cmp -s "$(manifest_of "$container")" saved.carve.yaml
    check "$label: no commit leftovers" no_leftovers .
}

case_changed_origin() {
    local container
    make_zoo zoo.h5
    workload native - zoo.h5 points native.txt
    workload first "$CARVE" zoo.h5 rows first.txt
    expect_carved_run first
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "first: a container"; return; }
    verify first zoo.h5 "$container" first.txt
    cp -p "$container" saved.carve.h5
    cp -p "$(manifest_of "$container")" saved.carve.yaml

    # Same bytes, another modification time.
    touch -d '2001-02-03 04:05:06' zoo.h5
    workload mtime "$CARVE" zoo.h5 points mtime.txt
    expect_changed mtime "$container"

    # One byte more at the end (HDF5 still opens the file: its end-of-address is unchanged).
    printf '\0' >>zoo.h5
    workload size "$CARVE" zoo.h5 points size.txt
    expect_changed size "$container"
    check "size: the message gives the size change" grep -q 'size' size.err
}

case_dir() {
    local container envdir=$work/env-dir strdir=$work/string-dir shared=$work/shared
    make_zoo a/zoo.h5
    make_zoo b/zoo.h5
    mkdir -p "$envdir" "$strdir" "$shared" "$work/env-dir-2"

    # CARVE_DIR alone.
    CARVE_DIR=$envdir workload env "$CARVE" a/zoo.h5 rows env.txt
    expect_carved_run env
    if container=$(the_container "$envdir" zoo.h5); then
        pass "env: CARVE_DIR holds the container"
        verify env a/zoo.h5 "$container" env.txt
    else
        checks=$((checks + 1))
        fail "env: CARVE_DIR holds the container"
    fi
    check "env: nothing carved beside the origin" test -z "$(find a -name '*.carve.*')"

    # dir= in the connector string wins over CARVE_DIR.
    CARVE_DIR=$work/env-dir-2 workload string "$CARVE;dir=$strdir" b/zoo.h5 points string.txt
    expect_carved_run string
    if container=$(the_container "$strdir" zoo.h5); then
        pass "string: dir= holds the container"
        verify string b/zoo.h5 "$container" string.txt
    else
        checks=$((checks + 1))
        fail "string: dir= holds the container"
    fi
    check "string: the CARVE_DIR it overrides stays empty" test -z "$(ls -A "$work/env-dir-2")"
    check "string: nothing carved beside the origin" test -z "$(find b -name '*.carve.*')"

    # Two origins of the same name in different directories, one container directory.
    CARVE_DIR=$shared workload same-a "$CARVE" a/zoo.h5 rows same-a.txt
    CARVE_DIR=$shared workload same-b "$CARVE" b/zoo.h5 strided same-b.txt
    expect_carved_run same-a
    expect_carved_run same-b
    local found=("$shared"/zoo.h5-????????????????.carve.h5)
    check "same name: two different containers in the shared directory (${#found[@]})" test "${#found[@]}" = 2
    if [[ ${#found[@]} == 2 ]]; then
        for container in "${found[@]}"; do
            if grep -qF "$(realpath a/zoo.h5)" "$(manifest_of "$container")"; then
                verify same-a a/zoo.h5 "$container" same-a.txt
            else
                verify same-b b/zoo.h5 "$container" same-b.txt
            fi
        done
    fi
}

case_skipped() {
    local container
    make_zoo zoo.h5
    make_zoo other/zoo2.h5
    mkdir -p out
    workload native - zoo.h5 rows native.txt
    workload carve "$CARVE" zoo.h5 rows expected.txt --write out/new.h5 --modify other/zoo2.h5
    expect_carved_run carve
    same_results carve native
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "a container for the origin"; return; }
    verify skipped zoo.h5 "$container" expected.txt --expect-skipped out/new.h5 --expect-skipped other/zoo2.h5
    check "the created file is not carved" test -z "$(find "$work" -name 'new.h5-*.carve.h5' -o -name 'new.h5-*.carve.yaml')"
    check "the modified file is not carved" test -z "$(find "$work" -name 'zoo2.h5-*.carve.h5' -o -name 'zoo2.h5-*.carve.yaml')"
    check "the created file holds what the program wrote" tool new.dump "$CARVE_TEST_H5DUMP" -d /written out/new.h5
    check "... its 8 values" grep -q '1, 2, 3, 4, 5, 6, 7, 8' new.dump
    check "the modified file has the program's attribute" tool zoo2.dump "$CARVE_TEST_H5DUMP" -a /carve_workload_was_here other/zoo2.h5
}

# objects: a program that reads no data but iterates a group, visits a subtree and queries an object —
# the manifest lists exactly those objects as touched, and the container holds no data but the datasets
# of references (held whole).
case_objects() {
    local container manifest
    make_zoo zoo.h5
    workload native - zoo.h5 iterate native.txt
    workload carve "$CARVE" zoo.h5 iterate expected.txt
    expect_carved_run carve
    same_results carve native
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "a container for the origin"; return; }
    manifest=$(manifest_of "$container")
    verify objects zoo.h5 "$container" expected.txt
    sed -n '/^objects:/,/^[a-z]/{/^- /p}' "$manifest" >objects.list
    printf -- '- %s\n' /groups/g1 /groups/g2 /types/compound_t >objects.expected
    check "the manifest lists exactly the iterated, visited and queried objects as touched" \
        cmp -s objects.expected objects.list
    # No dataset read: the only entries are the datasets of references, which carve stores whole.
    check "the manifest lists no dataset but those held whole ($(grep -c '^  held: all$' "$manifest") of $(sed -n '/^datasets:/,/^[a-z]/p' "$manifest" | grep -c '^- path:'))" \
        test "$(sed -n '/^datasets:/,/^[a-z]/p' "$manifest" | grep -c '^- path:')" = "$(grep -c '^  held: all$' "$manifest")"
    check "no dataset entry records a read" test -z "$(grep -E '^  elements_read: [1-9]' "$manifest" || true)"
    # A container opened read-only under carve is never carved itself.
    HDF5_VOL_CONNECTOR="$CARVE" LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "$CARVE_TEST_H5DUMP" -H "$container" >container.dump 2>&1 || true
    check "h5dump of the container under carve succeeds" grep -q '^HDF5 ' container.dump
    check "a container read under carve gets no container of its own" \
        test -z "$(find . -name '*.carve.h5-*.carve.*')"
}

# touched_run <label> <workload> <present paths...> -- <absent paths...>: one skeleton=touched carve in
# its own directory; carve_verify checks the skeleton against the manifest, h5ls against the workload.
touched_run() {
    local label=$1 wl=$2 container p
    shift 2
    mkdir -p "$label"
    make_zoo "$label/zoo.h5"
    workload "$label/carve" "$CARVE;skeleton=touched" "$label/zoo.h5" "$wl" "$label/expected.txt"
    expect_carved_run "$label/carve"
    container=$(the_container "$label" zoo.h5) || { checks=$((checks + 1)); fail "$label: a container"; return; }
    verify "$label" "$label/zoo.h5" "$container" "$label/expected.txt" --skeleton touched
    if ! tool "$label/touched.ls" "$CARVE_TEST_H5LS" -r "$container"; then
        checks=$((checks + 1))
        fail "$label: h5ls -r of the container"
        return
    fi
    while [[ $# -gt 0 && $1 != -- ]]; do
        check "$label: the container has the touched $1" grep -q "^$1 " "$label/touched.ls"
        shift
    done
    [[ $# -gt 0 ]] && shift
    for p in "$@"; do
        check "$label: the container has no untouched $p" lacks_line "^$p " "$label/touched.ls"
    done
}

case_touched() {
    # Datasets read (and the groups on their paths).
    touched_run rows rows /grid2d /grid3d /data /data/chunked_plain /data/contiguous \
        -- /typed /groups /vds /links /types /data/compact /data/chunked_deflate
    # A dataset of a committed datatype.
    touched_run compound compound_subset /typed/compound /data/committed_typed -- /grid2d /groups /vds /links
    # Attributes read by name (H5Aopen_by_name): their objects are touched.
    touched_run attrs attrs /grid3d /groups/g1 /groups/ordered /types/compound_t /data \
        -- /grid2d /typed /vds /links /groups/g2
}

case_no_exit_close() {
    local container
    make_zoo zoo.h5
    workload native - zoo.h5 rows native.txt
    workload carve "$CARVE" zoo.h5 rows expected.txt --leave-open
    expect_carved_run carve
    same_results carve native
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "a container written at exit"; ls -la; return; }
    pass "a container written at exit: $(basename "$container")"
    verify leave-open zoo.h5 "$container" expected.txt
}

case_missing_dir() {
    local dir label pair
    make_zoo zoo.h5
    : >a-file
    workload native - zoo.h5 rows native.txt
    for pair in "missing:$work/no/such/dir" "through-a-file:$work/a-file/sub"; do
        label=${pair%%:*} dir=${pair#*:}
        workload "$label" "$CARVE;dir=$dir" zoo.h5 rows "$label.txt"
        expect_commit_error "$label" "$dir"
        check "$label: the program's reads are unaffected (same log as native)" cmp -s native.txt "$label.txt"
        check "$label: no container anywhere" test -z "$(find "$work" -name '*.carve.h5' -o -name '*.carve.yaml')"
        check "$label: carve did not create the directory" test ! -e "$dir"
    done
    if [[ $(id -u) != 0 ]]; then
        mkdir -p read-only
        chmod 555 read-only
        workload read-only "$CARVE;dir=$work/read-only" zoo.h5 rows read-only.txt
        expect_commit_error read-only "$work/read-only"
        chmod 755 read-only
    else
        echo "  (running as root: a directory without write permission is still writable; that variant is not run)"
    fi
}

# bad_container: what sits at the container's name is not a usable container — a file that is not a
# container, a container whose HDF5 part is garbage, one whose bookkeeping is gone — the commit is refused
# with a message naming the file, the program's results are unaffected and the file is left as it was.
case_bad_container() {
    local container label
    make_zoo zoo.h5
    workload native - zoo.h5 rows native.txt
    workload first "$CARVE" zoo.h5 rows first.txt
    container=$(the_container . zoo.h5) || { checks=$((checks + 1)); fail "a first container"; return; }
    cp "$container" good.carve.h5
    for label in foreign garbage-body lost-bookkeeping; do
        rm -f "$container" "$(manifest_of "$container")"
        case $label in
        foreign) printf 'not a carve container\n' >"$container" ;;
        garbage-body)
            head -c 512 good.carve.h5 >"$container"
            head -c 4096 /dev/urandom >>"$container"
            ;;
        lost-bookkeeping)
            # A valid HDF5 file behind a carve header naming an object that is not there.
            cp good.carve.h5 "$container"
            printf 'CARVE-CONTAINER 1\ngeneration 1\nbookkeeping %s\n' 00000000000000000000000000000000 |
                dd of="$container" conv=notrunc status=none
            ;;
        esac
        cp "$container" "$label.before"
        workload "$label" "$CARVE" zoo.h5 rows "$label.txt"
        expect_commit_error "$label" "$(basename "$container")"
        check "$label: the file at the container's name is left as it was" cmp -s "$container" "$label.before"
        check "$label: no manifest written beside it" test ! -e "$(manifest_of "$container")"
        check "$label: no commit leftovers" no_leftovers .
    done
}

case_ros3() {
    [[ $# -eq 4 ]] || { echo "usage: $0 ros3 <work-dir> <s3-state-dir> <s3-data-dir> <bucket> <cred>" >&2; exit 2; }
    local state=$1 data=$2 bucket=$3 cred=$4 url container etag
    [[ -s $state/port ]] || { echo "FAIL: no server port in $state (fixture not started?)"; exit 1; }
    url="http://127.0.0.1:$(cat "$state/port")/$bucket/zoo.h5"
    workload native - "$data/zoo.h5" rows native.txt
    workload native-ros3 - "$url" rows native-ros3.txt --cred "$cred"
    check "native: rows over ROS3 succeeds" test "$(rc_of native-ros3)" = 0
    same_results native-ros3 native
    # As most programs end (HDF5 shuts down at exit), and with an explicit H5close() before main returns.
    local label
    for label in carve h5close; do
        local extra=()
        [[ $label == h5close ]] && extra=(--h5close)
        mkdir -p "$label.dir"
        CARVE_DIR=$work/$label.dir workload "$label" "$CARVE" "$url" rows "$label.txt" --cred "$cred" "${extra[@]}"
        expect_carved_run "$label"
        same_results "$label" native
        container=$(the_container "$label.dir" zoo.h5) || {
            checks=$((checks + 1))
            fail "$label: a container in CARVE_DIR"
            continue
        }
        pass "$label: a container in CARVE_DIR: $(basename "$container")"
        etag="\"$(md5sum "$data/zoo.h5" | cut -d' ' -f1)\""
        verify "$label" "$data/zoo.h5" "$container" "$label.txt" --origin-location "$url" --etag "$etag"
        # The zoo's external links name zoo_ext.h5 relative to the file: give the container its neighbour
        # too, so that h5dump follows them the same way on both sides.
        cp "$data/zoo_ext.h5" "$label.dir/"
        compare_with_tools "$label" "$data/zoo.h5" "$container"
        # h5carve verify against the URL itself: every stored byte against the origin read over ROS3,
        # signed with the credentials of the environment (and refused by the server without them).
        local region id secret vrc=0
        IFS=, read -r region id secret <<<"$cred"
        AWS_REGION=$region AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret \
            "$CARVE_TEST_H5CARVE" verify "$container" >"$label.verify.out" 2>&1 || vrc=$?
        check "$label: h5carve verify against the URL origin passes (exit $vrc)" test "$vrc" = 0
        vrc=0
        "$CARVE_TEST_H5CARVE" verify "$container" >"$label.verify-anon.out" 2>&1 || vrc=$?
        check "$label: h5carve verify without credentials: exit 2, the server's refusal named" \
            test "$vrc" = 2 -a -n "$(grep -F "$url" "$label.verify-anon.out")"
    done
}

case $case_name in
zoo)
    [[ $# -eq 1 ]] || { echo "usage: $0 zoo <work-dir> <workload>" >&2; exit 2; }
    case_zoo "$1"
    ;;
again | concurrent | changed_origin | dir | skipped | touched | no_exit_close | missing_dir | objects | bad_container)
    "case_$case_name"
    ;;
ros3)
    case_ros3 "$@"
    ;;
*)
    echo "run_carve.sh: unknown case '$case_name'" >&2
    exit 2
    ;;
esac
finish
