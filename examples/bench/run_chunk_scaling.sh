#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_chunk_scaling.sh — the commit's cost against chunk counts (issue 13's scale target), on demand.
#
# For each N of --chunks (default 10000,100000,1000000), carve_bench_chunks makes a dataset of N 1x1
# chunks; it is then read whole (every chunk touched) and as 0.1% of its chunks (one point each), natively
# and carved (a fresh container directory each run, so every carve is a first carve and commits at exit).
# Prints the minimum wall time of --reps interleaved runs of each, the commit's time (carve - native), the
# commit's microseconds per chunk touched (linear in chunks touched: about constant down a column), and the
# peak RSS of both; beside them, the time HDF5 takes to write all N chunks natively (the make, one H5Dwrite):
# what storing that many chunks costs HDF5 itself. The carved run must print native's checksum.
#
# usage: bash examples/bench/run_chunk_scaling.sh [build-dir] [--chunks N,N,...] [--reps R]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
sizes=10000,100000,1000000 reps=3
while [[ $# -gt 0 ]]; do
  case $1 in
  --chunks) sizes=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
prog=$build/examples/bench/carve_bench_chunks
[[ -x $prog ]] || { echo "no $prog: build $build first" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/carve-chunk-scaling.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HDF5_PLUGIN_PATH=$build/connector
unset HDF5_VOL_CONNECTOR

# run <label> <connector or -> <file> <how>: prints "seconds peak-kib checksum".
run() {
  local connector=$2 file=$3 how=$4 out t0 t1 rss
  rm -rf "$scratch/c"; mkdir -p "$scratch/c"
  t0=$(date +%s.%N)
  if [[ $connector == - ]]; then
    out=$(/usr/bin/time -f 'RSS %M' "$prog" read "$file" "$how" 2>"$scratch/err")
  else
    out=$(HDF5_VOL_CONNECTOR="$connector;dir=$scratch/c" /usr/bin/time -f 'RSS %M' "$prog" read "$file" "$how" 2>"$scratch/err")
  fi
  t1=$(date +%s.%N)
  rss=$(sed -n 's/^RSS //p' "$scratch/err" | tail -1)
  [[ -z $(grep -v '^RSS ' "$scratch/err") ]] || { echo "$1: stderr:" >&2; cat "$scratch/err" >&2; exit 1; }
  echo "$(echo "$t1 - $t0" | bc -l) $rss ${out##*checksum=}"
}
min() { printf '%s\n' "$@" | sort -g | head -1; }

echo "| chunks | native write of all s | read | touched | native s | carve s | commit s (carve - native) | commit us / chunk touched | native RSS MiB | carve RSS MiB |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
IFS=, read -ra list <<<"$sizes"
for n in "${list[@]}"; do
  file=$scratch/grid-$n.h5
  t0=$(date +%s.%N)
  made=$("$prog" make "$n" "$file")
  write=$(echo "$(date +%s.%N) - $t0" | bc -l)
  n=$(sed -n 's/.*chunks=\([0-9]*\).*/\1/p' <<<"$made")
  for how in all permille; do
    nt=() ct=() nr=0 cr=0 sum=""
    for ((r = 0; r < reps; r++)); do
      read -r t rss s < <(run native - "$file" "$how"); nt+=("$t"); nr=$((rss > nr ? rss : nr)); sum=$s
      read -r t rss s < <(run carve "carve mode=carve" "$file" "$how"); ct+=("$t"); cr=$((rss > cr ? rss : cr))
      [[ $s == "$sum" ]] || { echo "carve read other values than native ($s, native $sum)" >&2; exit 1; }
      [[ -n $(ls "$scratch"/c/*.carve.h5 2>/dev/null) ]] || { echo "carve wrote no container" >&2; exit 1; }
    done
    touched=$([[ $how == all ]] && echo "$n" || echo $((n / 1000 > 0 ? n / 1000 : 1)))
    tn=$(min "${nt[@]}") tc=$(min "${ct[@]}")
    printf '| %s | %.2f | %s | %s | %.3f | %.3f | %.3f | %.2f | %.0f | %.0f |\n' "$n" "$write" "$how" "$touched" "$tn" "$tc" \
      "$(echo "$tc - $tn" | bc -l)" "$(echo "($tc - $tn) * 1000000 / $touched" | bc -l)" \
      "$(echo "$nr / 1024" | bc -l)" "$(echo "$cr / 1024" | bc -l)"
  done
  rm -f "$file"
done
