#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh — the carve example, end to end: build carve if needed, write an example HDF5 file, and run a
# small job (carve_read_subset: a hyperslab and two attributes) three times:
#   1. native          no connector: the reference output
#   2. carve           HDF5_VOL_CONNECTOR="carve mode=carve": carve records what the job reads
#   3. replay          HDF5_VOL_CONNECTOR="carve mode=replay", with the example file moved away: carve
#                      serves the job from the container alone (CARVE_LOG=summary prints its counters)
# and check that the three outputs are identical (exit 1 if not). Any carved container found next to
# the example file (*.carve.h5, *.carve.yaml) is listed.
#
# Usage: bash examples/run.sh [build-dir]      (default: <repo>/build, as for test/run.sh)
#   When build-dir holds no configured build, the project is configured (cmake -G Ninja) and built
#   first; extra configure arguments may be given in CARVE_CMAKE_ARGS (e.g. "-DHDF5_DIR=/x/cmake").
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}

section() {
    printf '\n=== %s\n' "$*"
}

if [[ ! -f $build/CMakeCache.txt ]]; then
    section "no build in '$build': configuring and building carve"
    read -r -a extra_cmake_args <<<"${CARVE_CMAKE_ARGS:-}"
    bash "$repo/cmake/setup-build.sh" "$build" "${extra_cmake_args[@]}"
fi
build=$(cd "$build" && pwd)

make_example=$build/examples/carve_make_example
read_subset=$build/examples/carve_read_subset
plugin=$build/connector/libcarve_vol.so
if [[ ! -x $make_example || ! -x $read_subset || ! -e $plugin ]]; then
    section "building the example programs and the plugin in $build"
    cmake --build "$build" --target carve_make_example carve_read_subset carve_vol
fi
for f in "$make_example" "$read_subset" "$plugin"; do
    if [[ ! -e $f ]]; then
        echo "run.sh: $f is missing after the build" >&2
        exit 1
    fi
done
plugin_dir=$(dirname "$plugin")

work=$build/example-run
mkdir -p "$work"
example=$work/example.h5
# Start clean: the example file and anything carve wrote for a previous run of it.
rm -f "$example" "$work"/*.carve.h5 "$work"/*.carve.yaml "$work"/*.out "$work"/*.err

section "writing the example input file"
"$make_example" "$example"
ls -l "$example"

list_containers() {
    local found
    found=$(find "$work" -maxdepth 1 -type f \( -name '*.carve.h5' -o -name '*.carve.yaml' \) | sort)
    if [[ -n $found ]]; then
        echo "carved container files next to $(basename "$example"):"
        while read -r f; do
            printf '  %10s bytes  %s\n' "$(stat -c %s "$f")" "$f"
        done <<<"$found"
    else
        echo "no carved container files (*.carve.h5, *.carve.yaml) next to $(basename "$example") yet"
    fi
}

failures=0

# run_phase <name> <expected connector> <HDF5_VOL_CONNECTOR value, or "" for none>
run_phase() {
    local name=$1 expected=$2 connector=$3 rc=0
    local start end
    start=$(date +%s.%N)
    if [[ -z $connector ]]; then
        env -u HDF5_VOL_CONNECTOR "$read_subset" "$example" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$connector" HDF5_PLUGIN_PATH="$plugin_dir" \
            "$read_subset" "$example" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    fi
    end=$(date +%s.%N)
    cat "$work/$name.out"
    sed 's/^/  (stderr) /' "$work/$name.err"
    printf '  exit status %d, %s s\n' "$rc" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
    if [[ $rc -ne 0 ]]; then
        echo "FAIL: phase '$name' exited with status $rc"
        failures=$((failures + 1))
    fi
    if ! grep -qx "connector: $expected" "$work/$name.err"; then
        echo "FAIL: phase '$name' was not served by the '$expected' connector"
        failures=$((failures + 1))
    fi
}

section "phase 1/3: native (no VOL connector) — the reference"
run_phase native native ""

section "phase 2/3: carve — HDF5_VOL_CONNECTOR=\"carve mode=carve\""
run_phase carve carve "carve mode=carve"
list_containers

section "phase 3/3: replay — HDF5_VOL_CONNECTOR=\"carve mode=replay\", the origin moved away"
mv "$example" "$example.away"
CARVE_LOG=summary run_phase replay carve "carve mode=replay"
mv "$example.away" "$example"
list_containers
manifest=$(find "$work" -maxdepth 1 -name '*.carve.yaml' | head -1)
if [[ -n $manifest ]]; then
    echo "replay counters in $(basename "$manifest"):"
    sed -n '/^replay:/,$p' "$manifest" | sed 's/^/  /'
fi

section "comparing the three outputs"
for phase in carve replay; do
    if cmp -s "$work/native.out" "$work/$phase.out"; then
        echo "$phase output is identical to native"
    else
        echo "FAIL: $phase output differs from native:"
        diff "$work/native.out" "$work/$phase.out" || true
        failures=$((failures + 1))
    fi
done

if [[ $failures -ne 0 ]]; then
    section "FAILED ($failures problems); outputs are in $work"
    exit 1
fi
section "OK: native, carve and replay give identical output (files in $work)"
