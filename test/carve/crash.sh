#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# crash.sh — carve.crash: carve's commit survives SIGKILL at any point. README "Carving", "Safety": a
# commit locks <stem>.carve.lock, builds the new container in <container>.tmp.<pid>, renames it over the
# container (the commit point), then writes the manifest the same way; a killed commit leaves the old
# container (or none) and at worst the manifest file as it was, one generation behind (more after
# consecutive kills between the renames); the next commit removes the leftovers.
#
# usage: crash.sh <work-dir>
#
# The origin: carve_bench_make (examples/bench) with a 16 MiB chunked shuffle+deflate /field and 4000
# objects, so that a commit (mostly the skeleton walk) takes a few hundred ms. The reader: carve_workload's
# `band` workload under HDF5_VOL_CONNECTOR="carve mode=carve" (it commits at exit); every run reads its
# own block of /field (CARVE_TEST_BAND) and logs it to <label>.txt before its commit starts.
#
#   1. the very first commit is killed as soon as its temporary container appears: no container;
#   2. two runs commit normally; the second measures how long a re-commit keeps its temporary container
#      (W). Then the state a kill between the two renames leaves, made deterministically (the manifest
#      file put back as it was before the second commit): the checks of 3. must accept it;
#   3. twelve kills (SIGKILL): when the reads are logged (before or at the start of the commit); once
#      the temporary container <container>.tmp.<pid> has appeared (polled), after 0, 2 and 10 ms and
#      after 25, 50, 75, 90, 100 and 150% of W; as soon as it is renamed (just after the commit point);
#      and as soon as the manifest's temporary file appears (between the renames). After each kill:
#        - no container, when no commit ever completed; or
#        - the generation in the container's header unchanged and the container byte-identical to
#          before the run (the killed run is absent); or
#        - the generation one higher (the killed run committed: its reads become part of the union);
#      the manifest file is of the container's generation, and then carve_verify passes for the union
#      of every committed run's reads (data equal to the origin's, raw chunks, coverage exactly the
#      union, sizes, manifest fields, embedded manifest equal to the file, skeleton; both files opened
#      with stock HDF5) and the manifest's run list is exactly the committed runs' pids; or, killed
#      between the renames, the manifest file is byte-identical to the one before the run and lower
#      than the container's (one lower after one such kill; each consecutive one adds one): the
#      container is then checked through a copy an unkilled run commits into (that commit reads the
#      embedded manifest) and carve_verify passes on the copy. A state byte-identical (container and
#      manifest file) to one carve_verify passed on is not verified again. Any temporary file left is
#      the killed commit's own (its commit had removed the older ones). At least 6 kills must have
#      landed in a commit, and at least one before its rename (else the test proved nothing);
#   3b. with CARVE_TEST_CRASH_RANDOM=N (opt-in: the carve.crash.long test), N more kills at random moments
#      up to 1.5 W after the temporary container appeared, each checked as in 3.;
#   5. (run before 4.) SIGTERM and SIGHUP once the temporary container exists: the process ends by the
#      signal, leaves no temporary file, and the state is a committed one (as after a kill);
#   4. a normal run: it succeeds, leaves no temporary file, keeps the union (carve_verify), and its
#      manifest file is of the container's generation and equal to the embedded one.
# Under CARVE_TEST_WRAPPER (valgrind: every program is much slower) the origin has 300 objects and 8 of
# the kills are made (0 and 10 ms, 25 .. 90% of W, renamed, manifest).
#
# Environment (test/carve/CMakeLists.txt): HDF5_PLUGIN_PATH, CARVE_TEST_WORKLOAD, CARVE_TEST_VERIFY,
# CARVE_TEST_MAKE_BENCH (carve_bench_make); CARVE_TEST_WRAPPER as in run_carve.sh.
# Work files stay in <work-dir>. Prints PASS/FAIL per check; exits 1 on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ $# -eq 1 ]] || { echo "usage: $0 <work-dir>" >&2; exit 2; }
work=$1

# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment

# shellcheck source=carve_test_lib.sh
source "$here/carve_test_lib.sh"
carve_test_setup "$work" CARVE_TEST_WORKLOAD CARVE_TEST_VERIFY CARVE_TEST_MAKE_BENCH
CARVE="carve mode=carve"
ORIGIN=origin.h5

failed() {
    checks=$((checks + 1))
    fail "$*"
}

# Times are microseconds since the epoch, ${EPOCHREALTIME//[!0-9]/} (its locale's decimal separator
# dropped; six decimals), expanded in place: a command substitution would fork at every poll.

# --- files ---------------------------------------------------------------------------------------

# The container of ORIGIN in <dir> (default .), or nothing.
container_in() {
    local found
    shopt -s nullglob
    found=("${1:-.}/$ORIGIN"-????????????????.carve.h5)
    shopt -u nullglob
    [[ ${#found[@]} -le 1 ]] || { echo "more than one container: ${found[*]}" >&2; return 1; }
    echo "${found[0]:-}"
}

# The generation in a container's user block ("CARVE-CONTAINER 1", "generation N"); nothing if none.
header_generation() {
    head -c 512 "$1" | tr -d '\0' | awk 'NR == 1 && $0 != "CARVE-CONTAINER 1" { exit } NR == 2 && /^generation [0-9]+$/ { print $2 }'
}
# A manifest file's generation (0 when the file is absent).
manifest_generation() {
    if [[ -e $1 ]]; then sed -n 's/^generation: \([0-9][0-9]*\)$/\1/p' "$1"; else echo 0; fi
}

# The pids of a manifest's run list, comma-separated.
run_pids() { sed -n '/^runs:/,$s/.*[{ ,]pid: \([0-9][0-9]*\).*/\1/p' "$1" | paste -sd,; }

# Temporary files of commits in <dir> (container's and manifest's).
temps_in() { find "${1:-.}" -maxdepth 1 -name "$ORIGIN-*.carve.*.tmp.*" -printf '%f\n' | sort; }

# verify <label> <container> <expected> <generation>: carve_verify, its summary line, its failures.
verify() {
    local label=$1 container=$2 expected=$3 generation=$4 rc=0
    "${wrapper[@]}" "$CARVE_TEST_VERIFY" "$ORIGIN" "$container" "$(manifest_of "$container")" "$expected" \
        --generation "$generation" >"$label.verify.log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then
        verified=1
        pass "$label: carve_verify, union of $(grep -c '^checksum' "$expected") runs' reads, generation $generation ($(tail -1 "$label.verify.log"))"
    else
        failed "$label: carve_verify exit $rc ($(tail -1 "$label.verify.log")); its failures:"
        grep -E '^(FAIL|    |NOTE)' "$label.verify.log" | sed -n '1,40p' || true
        echo "  (whole log: $work/$label.verify.log)"
        verified=0
    fi
}

# --- runs ----------------------------------------------------------------------------------------

# start_reader <label> <band> [extra connector settings]: the reader in the background (reader_pid).
start_reader() {
    local label=$1 band=$2 conn=$CARVE${3:+;$3}
    CARVE_TEST_BAND=$band HDF5_VOL_CONNECTOR=$conn "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" "$ORIGIN" band "$label.txt" \
        >"$label.out" 2>"$label.err" &
    reader_pid=$!
}

# 1 while <pid> runs (a child that exited stays a zombie until waited for, so its pid is not reused).
running() {
    local state=""
    { read -r _ _ state _ </proc/"$1"/stat; } 2>/dev/null || return 1
    [[ $state != Z ]]
}

# wait_for <pid> <glob>: polls (no sleep: the windows are milliseconds) until a file matching <glob>
# exists (status 0) or the process ended (1); 2 after 60 s.
wait_for() {
    local pid=$1 glob=$2 deadline
    deadline=$((${EPOCHREALTIME//[!0-9]/} + 60000000))
    while :; do
        compgen -G "$glob" >/dev/null && return 0
        running "$pid" || { compgen -G "$glob" >/dev/null && return 0; return 1; }
        ((${EPOCHREALTIME//[!0-9]/} < deadline)) || return 2
    done
}

spin_us() {
    local until=$((${EPOCHREALTIME//[!0-9]/} + $1))
    while ((${EPOCHREALTIME//[!0-9]/} < until)); do :; done
}

# State of what has been committed so far, checked after every run:
#   gen            the container's generation (0: no container yet)
#   committed.txt  every committed run's reads (the carve_verify union), run after run
#   saved.carve.h5 / saved.carve.yaml  the container and manifest file after the last check
gen=0
: >committed.txt
: >committed.pids
verified=0    # 1: the saved state passed carve_verify
interrupted=0 # kills that left the container as it was although the commit had started
after_commit=0
killed_in_commit=0

# same_manifest <container>: its manifest file is the saved one (or both are absent).
same_manifest() {
    local manifest
    manifest=$(manifest_of "$1")
    if [[ -e saved.carve.yaml ]]; then cmp -s "$manifest" saved.carve.yaml; else [[ ! -e $manifest ]]; fi
}

save_state() {
    local container=$1
    cp -p "$container" saved.carve.h5
    if [[ -e $(manifest_of "$container") ]]; then
        cp -p "$(manifest_of "$container")" saved.carve.yaml
    else
        rm -f saved.carve.yaml
    fi
}

# A manifest file behind the container (killed between the renames): the container is checked through
# a copy that an unkilled run commits into (the commit reads the embedded manifest; no manifest file
# lies beside the copy), then carve_verify checks the copy with the union and that run's reads.
check_stale() {
    local label=$1 container=$2 pc rc=0
    rm -rf "$label.probe"
    mkdir "$label.probe"
    cp -p "$container" "$label.probe/"
    start_reader "$label.probe/run" 99 "dir=$work/$label.probe"
    { wait "$reader_pid" || rc=$?; } 2>/dev/null
    check "$label: a run carving into a copy of the container succeeds (exit $rc), nothing on stderr" \
        test "$rc" = 0 -a ! -s "$label.probe/run.err"
    if pc=$(container_in "$label.probe") && [[ -n $pc ]]; then
        cat committed.txt "$label.probe/run.txt" >"$label.probe/expected.txt"
        verify "$label.probe" "$pc" "$label.probe/expected.txt" $((gen + 1))
    else
        failed "$label: the run into the copy left a container"
    fi
}

# after_run <label> <pid> <exit status> <killed: 0|1> <temp seen: 0|1>: the state must be a committed one.
after_run() {
    local label=$1 pid=$2 rc=$3 killed=$4 seen=$5 container new_gen mgen others
    if [[ $seen == 1 ]]; then
        others=$(temps_in . | grep -v "\.tmp\.$pid\$" || true)
        check "$label: no other commit's temporary file is left (the commit removed them)" test -z "$others"
    fi
    if ! container=$(container_in .); then
        failed "$label: at most one container"
        return
    fi
    if [[ -z $container ]]; then
        check "$label: no container, and no commit had completed before (generation $gen)" test "$gen" = 0
        [[ $killed == 1 ]] || failed "$label: the run finished (exit $rc) but no container was committed"
        [[ $seen == 1 && $killed == 1 ]] && interrupted=$((interrupted + 1))
        echo "  $label: not committed (no container)"
        return
    fi
    new_gen=$(header_generation "$container")
    if [[ -z $new_gen ]]; then
        failed "$label: $container has carve's header (CARVE-CONTAINER 1, generation N)"
        return
    fi
    if [[ $new_gen == "$gen" ]]; then
        echo "  $label: not committed (generation $gen)"
        check "$label: the container is byte-identical to before the run" cmp -s "$container" saved.carve.h5
        [[ $killed == 1 ]] || failed "$label: the run finished (exit $rc) but its commit is missing"
        [[ $seen == 1 && $killed == 1 ]] && interrupted=$((interrupted + 1))
        if [[ $verified == 1 ]] && cmp -s "$container" saved.carve.h5 && same_manifest "$container"; then
            pass "$label: container and manifest file are the state carve_verify passed on (not verified again)"
            return
        fi
    elif [[ $new_gen == $((gen + 1)) ]]; then
        echo "  $label: committed (generation $new_gen)"
        [[ $killed == 1 ]] && after_commit=$((after_commit + 1))
        cat "$label.txt" >>committed.txt
        echo "$pid" >>committed.pids
        gen=$new_gen
    else
        failed "$label: the container's generation is $gen or $((gen + 1)), not $new_gen"
        return
    fi
    check_state "$label" "$container" "$killed"
}

# check_state <label> <container> <stale allowed: 0|1>: the container of generation $gen with the union
# committed.txt, and the manifest file beside it of the same generation (or, when allowed, one lower).
check_state() {
    local label=$1 container=$2 stale_ok=$3 mgen
    verified=0
    mgen=$(manifest_generation "$(manifest_of "$container")")
    if [[ $mgen == "$gen" ]]; then
        pass "$label: the manifest file's generation is the container's ($gen)"
        verify "$label" "$container" committed.txt "$gen"
        check "$label: the manifest's run list is the committed runs, in order ($(paste -sd, committed.pids))" \
            test "$(run_pids "$(manifest_of "$container")")" = "$(paste -sd, committed.pids)"
    elif [[ $stale_ok == 1 ]] && ((mgen < gen)) && same_manifest "$container"; then
        # One behind after one such kill; each further kill between the renames adds one.
        pass "$label: the manifest file is the one before the run (generation $mgen, $((gen - mgen)) behind the container's $gen): killed between the renames"
        check_stale "$label" "$container"
    elif [[ $stale_ok == 1 ]]; then
        failed "$label: the manifest file (generation $mgen) is of the container's generation ($gen) or the one before the run (generation $(manifest_generation saved.carve.yaml))"
    else
        failed "$label: the manifest file's generation ($mgen) is the container's ($gen)"
    fi
    save_state "$container"
}

# normal <label> <band>: an unkilled run; the time its temporary container existed goes to <label>.window (us).
normal() {
    local label=$1 band=$2 rc=0 t0 t1=""
    start_reader "$label" "$band"
    local pid=$reader_pid
    if wait_for "$pid" "$ORIGIN-*.carve.h5.tmp.$pid"; then
        t0=${EPOCHREALTIME//[!0-9]/}
        while running "$pid"; do
            compgen -G "$ORIGIN-*.carve.h5.tmp.$pid" >/dev/null || { t1=${EPOCHREALTIME//[!0-9]/}; break; }
        done
        [[ -n $t1 ]] || t1=${EPOCHREALTIME//[!0-9]/}
        echo $((t1 - t0)) >"$label.window"
    fi
    { wait "$pid" || rc=$?; } 2>/dev/null
    check "$label: the run succeeds (exit $rc), nothing on stderr" test "$rc" = 0 -a ! -s "$label.err"
    after_run "$label" "$pid" "$rc" 0 0
    check "$label: no temporary file is left" test -z "$(temps_in .)"
}

# killed <label> <band> <when>: a run killed with SIGKILL. <when>: "reads" (its reads are logged: before
# or at the start of its commit), "+<us>" (that long after its temporary container appeared), "renamed"
# (its temporary container is gone: just after the commit point), "manifest" (its temporary manifest
# appeared: between the renames).
killed() {
    local label=$1 band=$2 when=$3 rc=0 seen=0 t0=0 t1 at="" log=""
    start_reader "$label" "$band"
    local pid=$reader_pid
    local tmp="$ORIGIN-*.carve.h5.tmp.$pid"
    case $when in
    reads)
        while running "$pid"; do
            { IFS= read -r -d '' log <"$label.txt" || true; } 2>/dev/null
            [[ $log == *$'\nchecksum '* ]] && break
        done
        ;;
    manifest)
        wait_for "$pid" "$tmp" && seen=1 t0=${EPOCHREALTIME//[!0-9]/}
        wait_for "$pid" "$ORIGIN-*.carve.yaml.tmp.$pid" || true
        ;;
    renamed)
        if wait_for "$pid" "$tmp"; then
            seen=1 t0=${EPOCHREALTIME//[!0-9]/}
            while running "$pid" && compgen -G "$tmp" >/dev/null; do :; done
        fi
        ;;
    +*)
        if wait_for "$pid" "$tmp"; then
            seen=1 t0=${EPOCHREALTIME//[!0-9]/}
            spin_us "${when#+}"
        fi
        ;;
    esac
    # What the kill interrupts, as far as the directory tells (for the log; the checks need no guess).
    if ! running "$pid"; then
        at="the run had ended"
    elif compgen -G "$tmp" >/dev/null; then
        at="its temporary container exists"
        seen=1
    elif [[ $seen == 1 ]]; then
        at="its temporary container is renamed"
    else
        at="no temporary container yet"
    fi
    kill -KILL "$pid" 2>/dev/null || true
    t1=${EPOCHREALTIME//[!0-9]/}
    { wait "$pid" || rc=$?; } 2>/dev/null
    echo "  $label: band $band, kill $when$([[ $seen == 1 && $t0 != 0 ]] && echo " (sent $(((t1 - t0) / 1000)) ms after the temporary container appeared)"): $at, exit $rc"
    if [[ $rc == 137 ]]; then
        [[ $seen == 1 ]] && killed_in_commit=$((killed_in_commit + 1))
    else
        check "$label: a run that ended before the kill succeeded (exit $rc), nothing on stderr" \
            test "$rc" = 0 -a ! -s "$label.err"
    fi
    after_run "$label" "$pid" "$rc" "$([[ $rc == 137 ]] && echo 1 || echo 0)" "$seen"
}

finish() {
    echo "crash.sh: $((checks - failures)) passed, $failures failed (work files in $work)"
    [[ $failures -eq 0 && $checks -gt 0 ]]
}
give_up() {
    failed "$* (cannot go on)"
    finish || exit 1
}

# --- the test ------------------------------------------------------------------------------------

# Under a wrapper (valgrind) every program is some 20 times slower: fewer objects give as long a commit.
objects=4000
[[ ${#wrapper[@]} -eq 0 ]] || objects=300
"$CARVE_TEST_MAKE_BENCH" --size-mib 16 --objects "$objects" "$ORIGIN" >make.log 2>&1 || {
    echo "FAIL: carve_bench_make failed:"
    cat make.log
    exit 1
}

# 1. The first commit, killed as soon as it started.
killed first-killed 0 +0
# 2. Committed runs; the re-commit's window. Then the window between the two renames, made
# deterministically: the manifest file put back as it was before the last commit (what a kill right
# before the manifest's rename leaves).
normal first 1
container=$(container_in .) || container=""
[[ -n $container && -e $(manifest_of "$container") ]] || give_up "first: no container and manifest"
cp -p "$(manifest_of "$container")" second.before.yaml
normal second 2
cp -p second.before.yaml "$(manifest_of "$container")"
cp -p second.before.yaml saved.carve.yaml
echo "  second: its manifest file put back to generation $(manifest_generation second.before.yaml) (container: $gen)"
check_state second-stale "$container" 1
window=$(cat second.window 2>/dev/null || echo 0)
echo "  a re-commit kept its temporary container for $((window / 1000)) ms"
[[ $window -gt 20000 ]] || { echo "  (that is short: kill delays use 200 ms instead)"; window=200000; }
# 3. Kills all over the commit.
kills=(reads +0 +2000 +10000 +$((window / 4)) +$((window / 2)) +$((window * 3 / 4)) +$((window * 9 / 10)) "+$window"
    +$((window * 3 / 2)) renamed manifest)
# Under a wrapper, 8 of them (valgrind takes seconds to start a program).
[[ ${#wrapper[@]} -eq 0 ]] ||
    kills=(+0 +10000 +$((window / 4)) +$((window / 2)) +$((window * 3 / 4)) +$((window * 9 / 10)) renamed manifest)
band=3
for when in "${kills[@]}"; do
    label=$([[ $when == +* ]] && echo "$((${when#+} / 1000))ms" || echo "$when")
    killed "kill$band-$label" "$band" "$when"
    band=$((band + 1))
done
# 3b. Opt-in (CARVE_TEST_CRASH_RANDOM=N, the carve.crash.long test): N more kills at random moments, from
#     the reads being logged to 1.5 W after the temporary container appeared.
for ((k = 0; k < ${CARVE_TEST_CRASH_RANDOM:-0}; k++)); do
    when=+$((RANDOM * 32768 + RANDOM))
    when=+$((${when#+} % (window * 3 / 2 + 1)))
    killed "random$k-$((${when#+} / 1000))ms" "$band" "$when"
    band=$((band + 1))
done
check "kills that landed in a commit: $killed_in_commit (at least 6)" test "$killed_in_commit" -ge 6
check "kills that interrupted a commit before its rename: $interrupted (at least 1); killed after the commit point: $after_commit" \
    test "$interrupted" -ge 1
# 5. SIGTERM and SIGHUP (a batch system's time limit, a closed terminal) once the temporary container
#    exists: the process ends by that signal and no temporary file of it remains (SIGINT is ignored by a
#    background job of a script, so it is not sent here).
for sig in TERM HUP; do
    start_reader "sig$sig" "$band"
    pid=$reader_pid rc=0 seen=0
    wait_for "$pid" "$ORIGIN-*.carve.h5.tmp.$pid" && seen=1
    kill -"$sig" "$pid" 2>/dev/null || true
    { wait "$pid" || rc=$?; } 2>/dev/null
    check "SIG$sig during the commit (temporary container seen: $seen): the process ended by it (exit $rc)" \
        test "$rc" = $((128 + $(kill -l "$sig")))
    check "SIG$sig during the commit: no temporary file of it remains" test -z "$(find . -maxdepth 1 -name "*.tmp.$pid")"
    after_run "sig$sig" "$pid" "$rc" 1 "$seen"
    band=$((band + 1))
done
# 4. A normal run after all that.
normal final "$band"
check "final: the manifest file's generation equals the container's header ($gen)" \
    test "$(manifest_generation "$(manifest_of "$container")")" = "$(header_generation "$container")"

finish
