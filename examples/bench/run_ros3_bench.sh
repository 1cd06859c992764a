#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_ros3_bench.sh — replay over S3 with misses against native ROS3 (on demand; ratios, never assertions).
#
# A carve_bench_make file (/field, chunked 256 KiB, shuffle + deflate) is served by the test S3 server
# (test/s3/s3server.py) with a latency added to every request, and a further one to the first request of
# every new connection (--connect-latency-ms, by default twice the latency: a real store's TCP and TLS
# handshakes). h5dump reads one element of each of 2 x ROWS x 4 chunks: natively over ROS3; carved reading
# the first half of those chunks; replayed reading all of them, so half the chunks are misses. Prints the
# minimum wall time of --reps interleaved runs, the ratios against native, and each run's requests
# (HEAD/GET, bytes) and new connections from the server's log. The replayed output must equal native's byte
# for byte. --parallel N adds parallel=N to carve's settings (unset: carve's default).
#
# usage: bash examples/bench/run_ros3_bench.sh [build-dir] [--latency-ms L] [--connect-latency-ms C]
#                                              [--rows R] [--size-mib N] [--reps N] [--parallel N]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
latency=20 connect="" rows=16 size=512 reps=3 parallel=""
while [[ $# -gt 0 ]]; do
  case $1 in
  --latency-ms) latency=$2; shift 2 ;;
  --connect-latency-ms) connect=$2; shift 2 ;;
  --parallel) parallel=";parallel=$2"; shift 2 ;;
  --rows) rows=$2; shift 2 ;;
  --size-mib) size=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $connect ]] || connect=$((2 * latency))
make=$build/examples/bench/carve_bench_make
h5dump=$(sed -n "s/^CARVE_H5DUMP:[A-Z]*=//p" "$build/CMakeCache.txt")
[[ -x $make ]] || { echo "no $make: build $build first" >&2; exit 2; }
[[ -x $h5dump ]] || h5dump=$(command -v h5dump)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/carve-ros3-bench.XXXXXX")
state=$scratch/server
trap 'bash "$repo/test/s3/s3ctl.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
export HDF5_PLUGIN_PATH=$build/connector
now() { date +%s.%N; }

mkdir -p "$scratch/data"
"$make" --size-mib "$size" --chunk-kib 256 "$scratch/data/field.h5" >/dev/null
bash "$repo/test/s3/s3_fixture.sh" start "$state" "$scratch/data" bench --latency-ms "$latency" \
  --connect-latency-ms "$connect" --log-connections >/dev/null
url="$(bash "$repo/test/s3/s3ctl.sh" url "$state")/bench/field.h5"
log=$state/server.log
# One element of a chunk (16 rows x 2048 columns of float64) every 256 rows and 2048 columns: 2*rows x 4
# chunks spread over the file (most past the 16 MiB ROS3 reads at open).
all=(-d /field -s "0,0" -S "256,2048" -c "$((2 * rows)),4" -k "1,1")
half=(-d /field -s "0,0" -S "256,2048" -c "$rows,4" -k "1,1")

# run <label> <connector string or -> <h5dump args...>: the wall time; the run's requests to <label>.req,
# the connections it opened to <label>.conn
run() {
  local label=$1 conn=$2 before before_conn t0 t1
  shift 2
  before=$(grep -c '^REQ ' "$log" || true)
  before_conn=$(grep -c '^CONNECT ' "$log" || true)
  t0=$(now)
  if [[ $conn == - ]]; then
    "$h5dump" --filedriver=ros3 "$@" "$url" >"$scratch/$label.out"
  else
    HDF5_VOL_CONNECTOR="$conn" "$h5dump" --filedriver=ros3 "$@" "$url" >"$scratch/$label.out"
  fi
  t1=$(now)
  grep '^REQ ' "$log" | tail -n +"$((before + 1))" >"$scratch/$label.req" || true
  grep '^CONNECT ' "$log" | tail -n +"$((before_conn + 1))" >"$scratch/$label.conn" || true
  echo "$t1 - $t0" | bc
}
requests() {
  printf '%d HEAD, %d GET, %d MiB | %d' "$(grep -c '^REQ HEAD ' "$1" || true)" "$(grep -c '^REQ GET ' "$1" || true)" \
    "$(awk '{sub("bytes=", "", $NF); s += $NF} END {print int(s / 1048576)}' "$1")" "$(wc -l <"${1%.req}.conn")"
}
min() { if [[ -z $1 ]] || (($(echo "$2 < $1" | bc))); then echo "$2"; else echo "$1"; fi; }

best_native="" best_carve="" best_replay=""
for ((r = 0; r < reps; r++)); do
  rm -rf "$scratch/c" && mkdir -p "$scratch/c"
  best_native=$(min "$best_native" "$(run native - "${all[@]}")")
  best_carve=$(min "$best_carve" "$(run carve "carve mode=carve;dir=$scratch/c$parallel" "${half[@]}")")
  best_replay=$(min "$best_replay" "$(run replay "carve mode=replay;dir=$scratch/c$parallel" "${all[@]}")")
  cmp -s "$scratch/native.out" "$scratch/replay.out" || { echo "the replay's output differs from native's" >&2; exit 1; }
done
echo "ROS3, ${latency} ms per request, ${connect} ms more per new connection, $((8 * rows)) chunks read, half of them carved (min of $reps runs)"
echo "| run | seconds | / native | requests | connections |"
echo "|---|---:|---:|---|---:|"
printf '| native ROS3, all chunks | %.3f | 1.00 | %s |\n' "$best_native" "$(requests "$scratch/native.req")"
printf '| carve, first half | %.3f | %.2f | %s |\n' "$best_carve" "$(echo "$best_carve / $best_native" | bc -l)" \
  "$(requests "$scratch/carve.req")"
printf '| replay, all (half misses) | %.3f | %.2f | %s |\n' "$best_replay" \
  "$(echo "$best_replay / $best_native" | bc -l)" "$(requests "$scratch/replay.req")"
