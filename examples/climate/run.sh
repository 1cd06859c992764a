#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh — the h5carve story on a climate-like file, end to end:
#   1. make the file          carve_make_climate: daily tas (time x lat x lon float32, chunked, deflated),
#                             with coordinate variables and attributes; a few hundred MB by default
#   2. native                 carve_climate_season: summer in Europe, per year — the reference output
#   3. h5carve record         the same analysis under carve: a container of what it read
#   4. h5carve inspect        what the container holds
#   5. h5carve map            two pictures of /tas's coverage (a day's lat x lon, and time x lat)
#   6. h5carve bundle         the container and its manifest in one .tar.gz
#   7. remove the original    the data directory and the container directory, gone
#   8. h5carve replay --bundle  the analysis again, from the bundle alone
# and check that the outputs of 2, 3 and 8 are identical (exit 1 if not).
# With --s3 the file is served by the local S3 test server (test/s3/s3server.py, on the loopback
# interface) and read over HDF5's ROS3 driver: recorded from its URL, and replayed from the bundle with
# the server stopped.
#
# Usage: bash examples/climate/run.sh [build-dir] [--s3] [--days N] [--nlat N] [--nlon N]
#   build-dir: as for examples/run.sh (default <repo>/build, configured and built when it holds no build);
#   the sizes go to carve_make_climate (default 1460 days on a 1-degree grid: 378 MB before compression).
#   Files go to <build-dir>/climate-run/ (climate-run-s3/ with --s3); the bundle cache too
#   (XDG_CACHE_HOME is set there, so that the example leaves nothing in ~/.cache).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build
if [[ $# -gt 0 && $1 != --* ]]; then
    build=$1
    shift
fi
s3=0
if [[ ${1:-} == --s3 ]]; then
    s3=1
    shift
fi
sizes=("$@")

section() {
    printf '\n=== %s\n' "$*"
}
# show <command...>: prints the command as a user would type it (paths shortened; on stderr, so that its
# output alone can be redirected), then runs it.
show() {
    printf '$ %s\n' "$(printf '%s ' "$@" | sed "s|$build/connector/cli/||g; s|$build/examples/climate/||g; s|$work/||g")" >&2
    "$@"
}

if [[ ! -f $build/CMakeCache.txt ]]; then
    section "no build in '$build': configuring and building carve"
    bash "$repo/cmake/setup-build.sh" "$build"
fi
build=$(cd "$build" && pwd)
h5carve=$build/connector/cli/h5carve
make_climate=$build/examples/climate/carve_make_climate
season=$build/examples/climate/carve_climate_season
if [[ ! -x $h5carve || ! -x $make_climate || ! -x $season || ! -e $build/connector/libcarve_vol.so ]]; then
    section "building h5carve, the plugin and the climate programs in $build"
    cmake --build "$build" --target h5carve carve_vol carve_make_climate carve_climate_season
fi

# Apart with --s3, so that both ctests may run at once.
work=$build/climate-run
if [[ $s3 -eq 1 ]]; then
    work=$build/climate-run-s3
fi
rm -rf "$work"
mkdir -p "$work/data" "$work/carved" "$work/ship"
cd "$work"
export XDG_CACHE_HOME=$work/cache
unset HDF5_VOL_CONNECTOR
while read -r var; do [[ $var == CARVE_* ]] && unset "$var"; done < <(compgen -e)

section "1. a climate-like file"
start=$(date +%s.%N)
show "$make_climate" data/climate.h5 "${sizes[@]}" | tee make.out
printf '  %s bytes on disk, written in %.1f s\n' "$(stat -c %s data/climate.h5)" \
    "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
read -r days nlat nlon < <(sed -n 's/.*tas \([0-9]*\) days x \([0-9]*\) x \([0-9]*\) .*/\1 \2 \3/p' make.out)

section "2. the analysis, natively (the reference)"
show "$season" data/climate.h5 | tee native.out

# What the analysis opens: the file, or its URL on the local S3 server (stopped when the script ends).
input=data/climate.h5
if [[ $s3 -eq 1 ]]; then
    section "2b. the file served by the local S3 test server, read over ROS3"
    trap 'bash "$repo/test/s3/s3ctl.sh" stop "$work/s3"' EXIT
    bash "$repo/test/s3/s3_fixture.sh" start "$work/s3" data carve-climate
    input=$(bash "$repo/test/s3/s3ctl.sh" url "$work/s3")/carve-climate/climate.h5
    show "$season" "$input" >native-s3.out
    if ! cmp -s native.out native-s3.out; then
        echo "FAIL: the analysis over ROS3 differs from the local one:"
        diff native.out native-s3.out || true
        exit 1
    fi
    echo "  the same output as from the local file"
fi

section "3. h5carve record"
show "$h5carve" record --dir carved -- "$season" "$input" >recorded.out
tail -n 1 recorded.out

section "4. h5carve inspect"
show "$h5carve" inspect carved

section "5. h5carve map"
# A day in July (or the last day of a shorter file), and the longitude nearest 10 E.
day=$((days > 196 ? 196 : days - 1))
lon_index=$(((190 * nlon) / 360))
show "$h5carve" map carved /tas -o tas-lat-lon.svg --slice "$day,:,:"
show "$h5carve" map carved /tas -o tas-time-lat.svg --axes 0,1 --slice ":,:,$lon_index"
ls -l tas-*.svg | sed 's/^/  /'

section "6. h5carve bundle"
show "$h5carve" bundle carved -o ship/europe-summer.tar.gz
printf '  the bundle: %s bytes; the original: %s bytes\n' "$(stat -c %s ship/europe-summer.tar.gz)" \
    "$(stat -c %s data/climate.h5)"

section "7. the original removed (and the carved directory: the bundle is all there is)"
if [[ $s3 -eq 1 ]]; then
    show bash "$repo/test/s3/s3ctl.sh" stop "$work/s3"
fi
show rm -rf data carved

section "8. h5carve replay --bundle"
show "$h5carve" replay --bundle ship/europe-summer.tar.gz -- "$season" "$input" >replayed.out
tail -n 1 replayed.out

section "comparing the outputs"
failures=0
for run in recorded replayed; do
    if cmp -s native.out "$run.out"; then
        echo "$run output is identical to native"
    else
        echo "FAIL: $run output differs from native:"
        diff native.out "$run.out" || true
        failures=$((failures + 1))
    fi
done
if [[ $failures -ne 0 ]]; then
    section "FAILED; the files are in $work"
    exit 1
fi
section "OK: recorded and replayed from the bundle, the original gone: identical output (files in $work)"
