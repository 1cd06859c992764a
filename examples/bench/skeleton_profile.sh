#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# skeleton_profile.sh — the skeleton's commit against H5Ocopy in instructions (valgrind's callgrind), which
# stay put on a machine whose wall-clock times wander. Three processes of carve_bench_prog on FILE (an
# attribute-walk file: carve_bench_make --objects K --extra-attrs 2):
#   open    natively: the baseline (loading HDF5, opening and closing the file)
#   carve   "open" with HDF5_VOL_CONNECTOR="carve mode=carve" into an empty directory: the commit at exit
#           builds the whole skeleton
#   ocopy   natively: H5Ocopy of every object of the root into a new file, in one process
# and prints commit = carve - open and copy = ocopy - open in instructions, their ratio (the issue's target:
# <= 1.0), and the top entries of the commit's profile (inclusive, under carve_skeleton_build) and of the
# copy's (under H5Ocopy). The callgrind outputs stay in the work directory for callgrind_annotate.
#
# Usage: bash examples/bench/skeleton_profile.sh [--build DIR] [--work DIR] [--top N] FILE
#   --build  the build directory (default <repo>/build)
#   --work   where the outputs go (default a new temporary directory, printed)
#   --top    how many profile entries to print (default 20)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build
work=""
top=20
file=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --build) build=${2:?--build needs a value}; shift ;;
        --work) work=${2:?--work needs a value}; shift ;;
        --top) top=${2:?--top needs a value}; shift ;;
        -h|--help) sed -n '/^# Usage:/,/^set -e/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "skeleton_profile.sh: unknown option '$1'" >&2; exit 2 ;;
        *) file=$1 ;;
    esac
    shift
done
if [[ -z $file || ! -f $file ]]; then
    echo "skeleton_profile.sh: give an existing HDF5 file (carve_bench_make --objects K --extra-attrs 2)" >&2
    exit 2
fi
for tool in valgrind callgrind_annotate; do
    command -v "$tool" >/dev/null || { echo "skeleton_profile.sh: $tool is not installed" >&2; exit 1; }
done
prog=$build/examples/bench/carve_bench_prog
[[ -x $prog && -f $build/connector/libcarve_vol.so ]] ||
    { echo "skeleton_profile.sh: build carve_bench_prog and carve_vol in $build first" >&2; exit 1; }
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/carve-skeleton-profile.XXXXXX")}
mkdir -p "$work/carve"
[[ -z $(ls -A "$work/carve") ]] || { echo "skeleton_profile.sh: $work/carve is not empty" >&2; exit 1; }

# profile <name> <env...> -- <program args...>: runs one process under callgrind; prints its instructions.
profile() {
    local name=$1 envs=()
    shift
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    env -u HDF5_VOL_CONNECTOR "${envs[@]}" HDF5_PLUGIN_PATH="$build/connector" \
        valgrind --tool=callgrind --callgrind-out-file="$work/$name.callgrind" "$prog" "$@" \
        >"$work/$name.out" 2>"$work/$name.err" ||
        { echo "skeleton_profile.sh: the $name run failed (see $work/$name.err)" >&2; exit 1; }
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$work/$name.err" | tr -d ,
}

echo "profiling $(basename "$file") in $work (three runs under callgrind)" >&2
open_ir=$(profile open -- open "$file")
carve_ir=$(profile carve "HDF5_VOL_CONNECTOR=carve mode=carve;dir={$work/carve}" -- open "$file")
ocopy_ir=$(profile ocopy -- ocopy "$file" "$work/ocopy.h5")
ls "$work"/carve/*.carve.h5 >/dev/null 2>&1 || { echo "skeleton_profile.sh: the carve run left no container" >&2; exit 1; }
rm -f "$work/ocopy.h5"

awk -v o="$open_ir" -v c="$carve_ir" -v y="$ocopy_ir" -v f="$(basename "$file")" 'BEGIN {
    ratio = y - o > 0 ? (c - o) / (y - o) : 0
    printf "| %s | instructions |\n|---|---:|\n", f
    printf "| open (native) | %d |\n| carve (open + commit) | %d |\n| ocopy (open + H5Ocopy) | %d |\n", o, c, y
    printf "| commit = carve - open | %d |\n| copy = ocopy - open | %d |\n", c - o, y - o
    printf "| **commit / copy** | **%.2f** |\n", ratio
    printf "SKELETON_PROFILE open_ir=%d carve_ir=%d ocopy_ir=%d commit_ir=%d copy_ir=%d ratio=%.4f\n",
           o, c, y, c - o, y - o, ratio
}'
# top <callgrind file> <function>: the largest inclusive entries of the profile.
top_entries() {
    printf '\n%s: top %s inclusive entries (instructions, share of the whole process)\n' "$1" "$top"
    callgrind_annotate --inclusive=yes "$work/$1.callgrind" 2>/dev/null |
        grep -E '^ *[0-9,]+ \(' | grep -v -E "PROGRAM TOTALS|\\?\\?\\?:0x|below main|libc-start|exit\\.c|carve_lifecycle|carve_carving|'[0-9]" |
        sed -E 's/ \[[^]]*\]$//; s#[^ ]*/##' | uniq | head -n "$top"
}
top_entries carve
top_entries ocopy
