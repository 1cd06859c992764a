#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_mpi.sh <case> <work-dir> — carve under MPI (test/mpi/CMakeLists.txt registers one ctest per case).
#   ranks1 ranks2 ranks4 ranks8  N ranks carve the origin (each its rows, a shared region, attributes, opened
#                                collectively with MPI-IO): output equals native; one container, committed
#                                once (one run in the manifest); h5carve verify passes; N ranks replay it
#                                with the origin's whole directory gone: equal native, all hits, the counters
#                                written once (one replay run) and summed over the ranks
#   replay   a 4-rank carve replayed by 4 ranks from a copied container directory (origin gone), and with
#            misses (origin present, rows nobody carved): equal native; counters summed
#   killed   a rank SIGKILLed during a carve run: mpirun fails, no temporary file is left, the container of
#            an earlier run is intact (verify passes, still one run, replay equals native)
#   commit_fails  4 ranks carve into a directory that does not exist: the program's output and exit status are
#            native's, and the failure is reported once (by rank 0, which committed for all)
#   hdf5_tests  HDF5's parallel tests (testphdf5, t_shapesame, t_filters_parallel) through carve in mode off,
#            2 ranks: the exit status and the counts of tests run and skipped equal native's
# Environment: CARVE_TEST_MPIEXEC, CARVE_TEST_MPI_READER, CARVE_TEST_PLUGIN_DIR, H5CARVE,
# CARVE_TEST_HDF5_TESTS (the parallel HDF5 build's bin directory).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment

case_name=$1
rm -rf "$2" && mkdir -p "$2" && cd "$2" || exit 1
work=$(pwd)
failures=0
checks=0
reader=$CARVE_TEST_MPI_READER

# mpi <ranks> <connector string or ""> <args...>: the reader under mpirun (as root too, oversubscribed: up
# to 8 ranks on this machine's cores), the connector given to every rank.
mpi() {
    local n=$1 conn=$2
    shift 2
    local env=()
    if [[ -n $conn ]]; then
        env=(-x HDF5_PLUGIN_PATH="$CARVE_TEST_PLUGIN_DIR" -x HDF5_VOL_CONNECTOR="$conn")
    fi
    timeout 300 "$CARVE_TEST_MPIEXEC" --allow-run-as-root --oversubscribe -np "$n" "${env[@]}" "$@"
}
same() { cmp -s "$1" "$2" || { echo "    $2 differs from $1:"; diff "$1" "$2" | head -10; return 1; }; }
no_failure() { ! grep -q FAILED "$1" || { echo "    $1:"; head -5 "$1"; return 1; }; }
count_of() { local f=("$1"/data.h5-*.carve."$2"); [[ -e ${f[0]} ]] && echo "${#f[@]}" || echo 0; }
manifest() { local f=("$1"/data.h5-*.carve.yaml); echo "${f[0]}"; }
runs_in() { awk '/^runs:/ { r = 1; next } r && /^- / { n++ } r && /^[a-z]/ { r = 0 } END { print n + 0 }' "$1"; }
replay_field() { awk -v k="$2" '/^replay:/ { r = 1; next } r && $1 == k":" { print $2; exit }' "$1"; }
no_temporaries() {
    local left
    left=$(find "$1" -name '*.tmp*' -o -name '*.carve.h5.*' | grep -v '\.lock$' || true)
    [[ -z $left ]] || { echo "    left behind: $left"; return 1; }
}
is() { [[ $1 == "$2" ]] || { echo "    got '$1', expected '$2'"; return 1; }; }
positive() { [[ $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || { echo "    got '$1', expected > 0"; return 1; }; }

# The origin, in a directory of its own (removed whole for the placements without it).
make_origin() {
    mkdir -p "$work/origin"
    "$reader" make "$work/origin/data.h5" || { fail "making the origin"; exit 1; }
}

# carve_then_replay <ranks>: the ranksN cases.
carve_then_replay() {
    local n=$1 m
    make_origin
    mpi "$n" "" "$reader" read "$work/origin/data.h5" >native.txt 2>native.err
    check "native run of $n ranks" no_failure native.txt
    mpi "$n" "carve mode=carve" "$reader" read "$work/origin/data.h5" >carve.txt 2>carve.err
    check "carve run of $n ranks: output equals native" same native.txt carve.txt
    check "carve run: nothing on stderr" is "$(cat carve.err)" ""
    check "one container" is "$(count_of origin h5)" 1
    m=$(manifest origin)
    check "committed once: one run in the manifest" is "$(runs_in "$m")" 1
    check "no temporary file" no_temporaries origin
    "$H5CARVE" verify origin >verify.out 2>&1
    check "h5carve verify passes" is "$?" 0
    # Every rank's reads are in it: replayed with the origin's whole directory gone, all hits.
    mkdir -p containers && mv origin/data.h5-* containers/ && rm -rf origin
    mpi "$n" "carve mode=replay;dir=$work/containers" "$reader" read "$work/origin/data.h5" >replay.txt \
        2>replay.err
    check "replay of $n ranks, origin gone: output equals native" same native.txt replay.txt
    m=$(manifest containers)
    check "replay counters written once" is "$(replay_field "$m" runs)" 1
    check "every read a hit" is "$(replay_field "$m" hits) $(replay_field "$m" misses)" "$((3 * n)) 0"
    check "the counters summed over $n ranks (3 dataset reads per rank)" is "$(replay_field "$m" reads)" $((3 * n))
}

case $case_name in
ranks1 | ranks2 | ranks4 | ranks8)
    carve_then_replay "${case_name#ranks}"
    ;;
replay)
    make_origin
    mpi 4 "" "$reader" read "$work/origin/data.h5" >native.txt 2>&1
    mpi 4 "" "$reader" read "$work/origin/data.h5" more >native-more.txt 2>&1
    check "native runs" no_failure native-more.txt
    mkdir -p carved
    mpi 4 "carve mode=carve;dir=$work/carved" "$reader" read "$work/origin/data.h5" >carve.txt 2>carve.err
    check "carve into dir=: equals native" same native.txt carve.txt
    # The container directory copied elsewhere, the origin moved away: hits only.
    cp -r carved shipped && mv origin origin.away
    mpi 4 "carve mode=replay;dir=$work/shipped" "$reader" read "$work/origin/data.h5" >replay.txt 2>replay.err
    check "replay from a copied directory, origin gone: equals native" same native.txt replay.txt
    # Misses: the origin back, rows no rank carved.
    mv origin.away origin
    mpi 4 "carve mode=replay;dir=$work/shipped" "$reader" read "$work/origin/data.h5" more >more.txt 2>more.err
    check "replay with misses: equals native" same native-more.txt more.txt
    m=$(manifest shipped)
    check "two replays, each written once" is "$(replay_field "$m" runs)" 2
    check "misses were read from the origin" positive "$(replay_field "$m" misses)"
    check "and hits from the container" positive "$(replay_field "$m" hits)"
    check "reads summed over 4 ranks, both runs (3 + 5 per rank)" is "$(replay_field "$m" reads)" 32
    # Without the origin, a miss is an error, never other values.
    mv origin origin.away
    mpi 4 "carve mode=replay;dir=$work/shipped" "$reader" read "$work/origin/data.h5" more >gone.txt 2>gone.err
    check "a miss without the origin fails, naming container and origin" grep -q "cannot serve them" gone.err
    check "  and the reader reports the failure" grep -q FAILED gone.txt
    ;;
killed)
    make_origin
    mpi 4 "" "$reader" read "$work/origin/data.h5" >native.txt 2>&1
    mpi 4 "carve mode=carve" "$reader" read "$work/origin/data.h5" >carve.txt 2>carve.err
    check "a first carve" same native.txt carve.txt
    m=$(manifest origin)
    cp "$m" manifest.before
    rc=0
    mpi 4 "carve mode=carve" "$reader" read "$work/origin/data.h5" die >killed.txt 2>killed.err || rc=$?
    check "a rank killed: the job fails (exit $rc)" test "$rc" -ne 0
    check "no temporary file" no_temporaries origin
    check "the container's manifest is the first run's" cmp -s manifest.before "$m"
    "$H5CARVE" verify origin >verify.out 2>&1
    check "the container verifies" is "$?" 0
    mkdir -p containers && cp origin/data.h5-*.carve.* containers/ && mv origin origin.away
    mpi 4 "carve mode=replay;dir=$work/containers" "$reader" read "$work/origin/data.h5" >replay.txt 2>&1
    check "and replays to native values, origin gone" same native.txt replay.txt
    ;;
commit_fails)
    make_origin
    mpi 4 "" "$reader" read "$work/origin/data.h5" >native.txt 2>&1
    rc=0
    mpi 4 "carve mode=carve;dir=$work/no/such/dir" "$reader" read "$work/origin/data.h5" >carve.txt 2>carve.err || rc=$?
    check "the program's exit status is native's (0), whatever the commit did" is "$rc" 0
    check "the program's output equals native" same native.txt carve.txt
    check "the failure reported once, naming the origin" \
        is "$(grep -c "carve: cannot write the container of $work/origin/data.h5" carve.err)" 1
    check "  with the reason" grep -q "set CARVE_DIR or dir= to a writable directory" carve.err
    check "no container written anywhere" is "$(find "$work" -name '*.carve.h5' | wc -l)" 0
    ;;
hdf5_tests)
    for t in t_shapesame testphdf5 t_filters_parallel; do
        if [[ ! -x $CARVE_TEST_HDF5_TESTS/$t ]]; then
            fail "$t was not built in $CARVE_TEST_HDF5_TESTS"
            continue
        fi
        mkdir -p "native-$t" "carve-$t"
        (cd "native-$t" && mpi 2 "" "$CARVE_TEST_HDF5_TESTS/$t" >out.txt 2>&1)
        nrc=$?
        (cd "carve-$t" && mpi 2 "carve mode=off" "$CARVE_TEST_HDF5_TESTS/$t" >out.txt 2>&1)
        crc=$?
        check "$t: exit status $crc, native $nrc" is "$crc" "$nrc"
        for what in Testing SKIP; do
            check "$t: lines saying $what equal native's" \
                is "$(grep -ci "$what" "carve-$t/out.txt")" "$(grep -ci "$what" "native-$t/out.txt")"
        done
    done
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac

echo "$case_name: $checks checks, $failures failed"
[[ $checks -gt 0 && $failures -eq 0 ]]
