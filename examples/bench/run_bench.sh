#!/usr/bin/env bash
# run_bench.sh — runs carve's read benchmarks against native HDF5: builds the programs if needed, makes
# the deterministic input files under a scratch directory (kept and reused while their parameters and
# carve_bench_make are unchanged), runs carve_bench_read and prints its table.
#
#   full run (default): a 1024 MiB chunked shuffle+deflate dataset, 100k objects, 7 repetitions
#                       (the opt-in target `bench`: cmake --build <build> --target bench)
#   --quick:            16 MiB, 2k objects, 1 repetition — the ctest bench.smoke, which checks only that
#                       every workload ran in every mode and read exactly what native read (no timing)
#
# Usage: bash examples/bench/run_bench.sh [build-dir] [--quick] [--reps N] [--size-mib N] [--objects K]
#                                         [--scratch DIR] [--no-build] [-- carve_bench_read options...]
#   build-dir   default <repo>/build; configured and built first when it holds no build
#   --scratch   where the inputs go (default $CARVE_BENCH_SCRATCH, else <build-dir>/bench-work)
#   --no-build  use the programs as they are (the `bench` target and ctest build them beforehand)
# Exit status: 0 when every workload ran in every configuration with results identical to native's.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=""
quick=0
no_build=0
reps=""
size_mib=""
objects=""
scratch=${CARVE_BENCH_SCRATCH:-}
read_args=()

usage() {
    sed -n '/^# Usage:/,/^# Exit status/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) quick=1 ;;
        --no-build) no_build=1 ;;
        --reps) reps=${2:?--reps needs a value}; shift ;;
        --size-mib) size_mib=${2:?--size-mib needs a value}; shift ;;
        --objects) objects=${2:?--objects needs a value}; shift ;;
        --scratch) scratch=${2:?--scratch needs a value}; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; read_args=("$@"); break ;;
        -*) echo "run_bench.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
        *)
            if [[ -n $build ]]; then
                echo "run_bench.sh: more than one build directory given ('$build', '$1')" >&2
                exit 2
            fi
            build=$1
            ;;
    esac
    shift
done

if [[ $quick -eq 1 ]]; then
    : "${size_mib:=16}" "${objects:=2000}" "${reps:=1}"
    label=quick
else
    : "${size_mib:=1024}" "${objects:=100000}" "${reps:=7}"
    label=full
fi
chunk_kib=512
deflate=4

section() {
    printf '\n=== %s\n' "$*"
}

started=$(date +%s.%N)
build=${build:-$repo/build}
if [[ $no_build -eq 0 ]]; then
    if [[ ! -f $build/CMakeCache.txt ]]; then
        section "no build in '$build': configuring and building carve"
        read -r -a extra_cmake_args <<<"${CARVE_CMAKE_ARGS:-}"
        bash "$repo/cmake/setup-build.sh" "$build" "${extra_cmake_args[@]}"
    fi
    section "building the benchmark programs in $build"
    cmake --build "$build" --target carve_bench_make carve_bench_read carve_vol
fi
build=$(cd "$build" && pwd)
make_prog=$build/examples/bench/carve_bench_make
read_prog=$build/examples/bench/carve_bench_read
for prog in "$make_prog" "$read_prog"; do
    if [[ ! -x $prog ]]; then
        echo "run_bench.sh: $prog is missing (build the targets carve_bench_make and carve_bench_read)" >&2
        exit 1
    fi
done

scratch=${scratch:-$build/bench-work}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)

# make_input <file> <carve_bench_make arguments...>: (re)writes <file> unless it exists with a stamp
# saying it came from the same arguments and the same carve_bench_make.
make_input() {
    local file=$1 stamp want made
    shift
    stamp=$file.stamp
    want="$* $(cksum <"$make_prog")"
    if [[ -f $file && -f $stamp && $(cat "$stamp") == "$want" ]]; then
        echo "reusing $file ($(stat -c %s "$file") bytes)"
        return
    fi
    rm -f "$file" "$stamp"
    # Written under a temporary name, renamed when complete; its report names the final file.
    made=$("$make_prog" "$@" "$file.tmp")
    printf '%s\n' "${made//"$file.tmp"/"$file"}"
    mv "$file.tmp" "$file"
    printf '%s\n' "$want" >"$stamp"
}

data=$scratch/data-${size_mib}MiB-c${chunk_kib}K-z${deflate}.h5
tree=$scratch/objects-${objects}.h5
section "input files in $scratch"
make_input "$data" --size-mib "$size_mib" --chunk-kib "$chunk_kib" --deflate "$deflate"
make_input "$tree" --objects "$objects"
# Anything a carving run left next to the inputs goes; the benchmark starts from the inputs alone.
rm -f "$scratch"/*.carve.h5 "$scratch"/*.carve.yaml

section "carve_bench_read ($label: ${size_mib} MiB, ${objects} objects, repetitions: $reps)"
out=$scratch/results-$label.txt
rc=0
"$read_prog" --data "$data" --objects "$tree" --reps "$reps" "${read_args[@]}" | tee "$out" || rc=$?

# What the smoke test asserts: every workload ran in every mode, and read what native read.
section "checks"
workloads=abcde
modes=(off carve replay)
for ((i = 0; i < ${#read_args[@]}; i++)); do
    case ${read_args[i]} in
        --workloads) workloads=${read_args[i + 1]:-$workloads} ;;
        --modes) IFS=, read -r -a modes <<<"${read_args[i + 1]:-off,carve,replay}" ;;
    esac
done
problems=0
for ((i = 0; i < ${#workloads}; i++)); do
    w=${workloads:i:1}
    for mode in "${modes[@]}"; do
        line=$(grep -E "^BENCH workload=$w .*mode=$mode " "$out" || true)
        if [[ -z $line ]]; then
            echo "FAIL: no result for workload $w in mode $mode"
            problems=$((problems + 1))
        elif [[ $line != *" status=ok "* || $line != *" match=yes"* ]]; then
            echo "FAIL: workload $w in mode $mode: ${line#BENCH }"
            problems=$((problems + 1))
        fi
    done
done
if ! grep -q '^BENCH_DONE .*failures=0' "$out"; then
    echo "FAIL: carve_bench_read reported failures (exit status $rc)"
    problems=$((problems + 1))
fi
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
if [[ $problems -ne 0 || $rc -ne 0 ]]; then
    section "FAILED ($problems problems, exit status $rc) after ${elapsed} s; output in $out"
    exit 1
fi
section "OK: ${#workloads} workloads x ${#modes[@]} modes ran, carve read exactly what native read (${elapsed} s; output in $out)"
