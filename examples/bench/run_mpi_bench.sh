#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_mpi_bench.sh — carve under MPI against native MPI reads (on demand; ratios, never assertions).
#
# For 1, 2, 4 and 8 ranks reading 10 % of a 1 GiB chunked dataset (each rank its block of rows, one
# collective read, through the MPI-IO driver): the whole job's time natively and carved into a fresh
# container (including the commit at MPI_Finalize), the minimum of --reps interleaved runs, and what the
# carve wrote: the runs in the manifest (commits) and the container's generation (rewrites).
#
# usage: bash examples/bench/run_mpi_bench.sh [mpi-build-dir] [--size-mib N] [--percent P] [--reps N]
#        (the build: cmake/setup-build.sh <repo>/build/mpi -DCARVE_MPI=ON; default <repo>/build/mpi)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build/mpi
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
size=1024 percent=10 reps=3 ranks_list="1 2 4 8"
while [[ $# -gt 0 ]]; do
  case $1 in
  --size-mib) size=$2; shift 2 ;;
  --percent) percent=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  --ranks) ranks_list=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
prog=$build/examples/bench/carve_bench_mpi
plugin=$build/connector
[[ -x $prog ]] || { echo "no $prog: configure $build with -DCARVE_MPI=ON and build it" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/carve-mpi-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mpi() { mpirun --allow-run-as-root --oversubscribe "$@"; }
now() { date +%s.%N; }

"$prog" make "$scratch/data.h5" "$size"
echo "| ranks | native s | carve s | carve / native | commits (runs) | container writes (generation) | stored MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in $ranks_list; do
  best_native="" best_carve=""
  for ((r = 0; r < reps; r++)); do
    t0=$(now)
    mpi -np "$n" "$prog" read "$scratch/data.h5" "$percent" >"$scratch/native.out"
    t1=$(now)
    rm -rf "$scratch/c" && mkdir -p "$scratch/c"
    mpi -np "$n" -x HDF5_PLUGIN_PATH="$plugin" -x HDF5_VOL_CONNECTOR="carve mode=carve;dir=$scratch/c" \
      "$prog" read "$scratch/data.h5" "$percent" >"$scratch/carve.out"
    t2=$(now)
    cmp -s "$scratch/native.out" "$scratch/carve.out" || { echo "carve's output differs from native's" >&2; exit 1; }
    tn=$(echo "$t1 - $t0" | bc) tc=$(echo "$t2 - $t1" | bc)
    if [[ -z $best_native ]] || (($(echo "$tn < $best_native" | bc))); then best_native=$tn; fi
    if [[ -z $best_carve ]] || (($(echo "$tc < $best_carve" | bc))); then best_carve=$tc; fi
  done
  m=$(ls "$scratch"/c/*.carve.yaml)
  runs=$(awk '/^runs:/ { r = 1; next } r && /^- / { n++ } r && /^[a-z]/ { r = 0 } END { print n + 0 }' "$m")
  gen=$(awk '$1 == "generation:" { print $2; exit }' "$m")
  stored=$(du -m "$scratch"/c/*.carve.h5 | cut -f1)
  printf '| %d | %.2f | %.2f | %.2f | %d | %d | %d |\n' "$n" "$best_native" "$best_carve" \
    "$(echo "$best_carve / $best_native" | bc -l)" "$runs" "$gen" "$stored"
done
