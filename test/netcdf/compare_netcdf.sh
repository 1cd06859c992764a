#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# compare_netcdf.sh — netCDF-C's ncgen and ncdump (a real HDF5 1.14 client, built by
# cmake/bootstrap-netcdf.sh) natively and through carve, selected by HDF5_VOL_CONNECTOR only (no
# preloading, no code change in the client). Every run through carve must give byte-identical
# stdout and stderr and the same exit status as the native run.
#
# Usage: compare_netcdf.sh <case> <work-dir> <ncgen> <ncdump> <sample.cdl>
#   <case>: generate        ncgen writes <work-dir>/sample.nc natively (the fixture of the other cases)
#           ncdump-full | ncdump-header | ncdump-special | ncdump-var
#                           ncdump of sample.nc natively and through carve in every mode
#           ncgen-write     ncgen writes the file through carve (every mode); the files, read natively,
#                           must hold what the native file holds
#           load-proof      carve's own parser and file open are in the path of the netCDF library
#   HDF5_PLUGIN_PATH must name the directory holding libcarve_vol.so.
# Work files go to <work-dir>/out/<case>/ (kept for inspection).
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ $# -ne 5 ]]; then
    echo "usage: $0 <case> <work-dir> <ncgen> <ncdump> <sample.cdl>" >&2
    exit 2
fi
case_name=$1
mkdir -p "$2"
work_dir=$(cd "$2" && pwd)
ncgen=$3
ncdump=$4
cdl=$5

if [[ -z ${HDF5_PLUGIN_PATH:-} || ! -e ${HDF5_PLUGIN_PATH}/libcarve_vol.so ]]; then
    echo "FAIL: HDF5_PLUGIN_PATH ('${HDF5_PLUGIN_PATH:-}') does not hold libcarve_vol.so" >&2
    exit 1
fi

# shellcheck source=../common/compare_lib.sh
source "$script_dir/../common/compare_lib.sh"
clear_connector_environment

failures=0
checks=0

# Every way of naming carve in HDF5_VOL_CONNECTOR: label | connector string
selections=(
    "env|carve"
    "env-off|carve mode=off"
    "env-carve|carve mode=carve"
    "env-replay|carve mode=replay"
)

finish() {
    echo "$checks checks, $failures failed"
    [[ $failures -eq 0 ]]
    exit
}

# --- generate: the native reference file ---------------------------------------------------------
if [[ $case_name == generate ]]; then
    cd "$work_dir"
    rm -f sample.nc
    run native-ncgen - "$ncgen" -k nc4 -o sample.nc "$cdl"
    checks=$((checks + 1))
    if [[ $(cat native-ncgen.rc) != 0 || ! -s sample.nc ]]; then
        fail "native ncgen -k nc4 failed:"
        cat native-ncgen.err
    fi
    finish
fi

[[ -s $work_dir/sample.nc ]] || { echo "FAIL: $work_dir/sample.nc is missing (netcdf.generate failed?)"; exit 1; }

# Each case works on its own copy (carve may later write a container next to the file it reads).
work="$work_dir/out/$case_name"
rm -rf "$work"
mkdir -p "$work"
cp "$work_dir/sample.nc" "$work/"
cd "$work"
echo "case $case_name in $work"

# --- ncgen-write: the file written through carve reads back as the native one ---------------------
if [[ $case_name == ncgen-write ]]; then
    # ncdump prints the file's base name in its first line: every file is called sample.nc.
    mkdir -p native-file
    run native - "$ncgen" -k nc4 -o native-file/sample.nc "$cdl"
    [[ $(cat native.rc) == 0 ]] || { fail "native ncgen failed"; cat native.err; finish; }
    run native-dump - "$ncdump" -s native-file/sample.nc
    [[ $(cat native-dump.rc) == 0 && -s native-dump.out ]] || { fail "native ncdump of the native file failed"; cat native-dump.err; finish; }
    for selection in "${selections[@]}"; do
        IFS='|' read -r label conn <<<"$selection"
        mkdir -p "$label-file"
        run "$label" "$conn" "$ncgen" -k nc4 -o "$label-file/sample.nc" "$cdl"
        same_as_native "$label"
        # Read back natively (no connector), in full with the special attributes.
        ( cd "$label-file" && run dump - "$ncdump" -s sample.nc )
        checks=$((checks + 1))
        if [[ $(cat "$label-file/dump.rc") != 0 ]]; then
            fail "$label: ncdump (native) of the file written through carve exited $(cat "$label-file/dump.rc"):"
            sed -n '1,20p' "$label-file/dump.err"
        elif ! cmp -s native-dump.out "$label-file/dump.out" || ! cmp -s native-dump.err "$label-file/dump.err"; then
            fail "$label: the file written through '$conn' does not read back as the native one (diff native-dump.out $label-file/dump.out):"
            diff native-dump.out "$label-file/dump.out" | sed -n '1,40p' || true
            diff native-dump.err "$label-file/dump.err" | sed -n '1,10p' || true
        fi
    done
    # No byte-wise comparison of the files: HDF5 stamps object headers with the time of writing, so two
    # native runs differ whenever they straddle a second. `ncdump -s` above compares what netCDF stores,
    # special attributes (storage, chunking, filters, endianness, format) included.
    finish
fi

# same_as <label> <reference label>: same exit status, stdout and stderr.
same_as() {
    local label=$1 ref=$2 stream
    checks=$((checks + 1))
    [[ $(cat "$label.rc") == $(cat "$ref.rc") ]] || fail "$label: exit status $(cat "$label.rc"), $ref $(cat "$ref.rc")"
    for stream in out err; do
        if ! cmp -s "$ref.$stream" "$label.$stream"; then
            fail "$label: std$stream differs from $ref's (first lines):"
            diff "$ref.$stream" "$label.$stream" | sed -n '1,40p' || true
        fi
    done
}

# --- carve: the container of a netCDF-4 file is a netCDF-4 file -----------------------------------------
# ncdump of some variables runs under mode=carve on a private copy of sample.nc; the container carve
# writes, opened natively by ncdump, has the origin's header exactly (groups, user types by name,
# variable order, dimension scales, attributes) and the carved variables' values. Then mode=replay
# (also with the origin gone, netCDF opening the container by its own path):
# the same ncdump, all hits, equals native's, and so does a full ncdump (the variables not carved come
# from the origin).
if [[ $case_name == carve ]]; then
    rm -rf carve-run
    mkdir carve-run
    cp sample.nc carve-run/
    cd carve-run
    vars="temp,cloud,/forecast/t2m"
    run carve "carve mode=carve" "$ncdump" -v "$vars" sample.nc
    run native - "$ncdump" -v "$vars" sample.nc
    same_as_native carve
    containers=(sample.nc-*.carve.h5)
    checks=$((checks + 1))
    if [[ ${#containers[@]} -ne 1 || ! -s ${containers[0]} ]]; then
        fail "mode=carve wrote no container (found: ${containers[*]})"
        finish
    fi
    cp "${containers[0]}" container.nc
    for what in header values; do
        if [[ $what == header ]]; then opts=(-h); else opts=(-v "$vars"); fi
        run "origin-$what" - "$ncdump" "${opts[@]}" sample.nc
        run "container-$what" - "$ncdump" "${opts[@]}" container.nc
        checks=$((checks + 1))
        # Only the first line, which names the file, may differ.
        if ! diff <(tail -n +2 "origin-$what.out") <(tail -n +2 "container-$what.out") >"$what.diff"; then
            fail "ncdump ${opts[*]} of the container differs from the origin's:"
            sed -n '1,30p' "$what.diff"
        fi
    done
    # Replay (netCDF-C reads a file's first bytes itself before HDF5 opens it, so the origin stays in
    # place): the same ncdump is served by the container alone (no miss: log=reads lists no miss or
    # partial read), the header too, and a full ncdump (most of it not carved) gets the rest from the
    # origin.
    run replay "carve mode=replay;log=reads" "$ncdump" -v "$vars" sample.nc
    checks=$((checks + 1))
    if grep -q '^carve: replay .*: \(miss\|partial\)' replay.err || ! grep -q '^carve: replay .*: hit' replay.err; then
        fail "replay of the carved variables was not all hits:"
        grep '^carve: replay' replay.err | head -10
    fi
    sed -i '/^carve: replay /d' replay.err
    same_as_native replay
    run replay-header "carve mode=replay" "$ncdump" -h sample.nc
    run native-header - "$ncdump" -h sample.nc
    same_as replay-header native-header
    run native-full - "$ncdump" sample.nc
    run replay-full "carve mode=replay" "$ncdump" sample.nc
    same_as replay-full native-full
    # The origin gone: netCDF cannot open its name, but it opens the container by its own path, served
    # all from the container: the carved variables as native, but for the name on the first line.
    mv sample.nc sample.nc.away
    run direct "carve mode=replay;log=reads" "$ncdump" -v "$vars" "${containers[0]}"
    checks=$((checks + 1))
    if [[ $(cat direct.rc) != 0 ]] || grep -q '^carve: replay .*: \(miss\|partial\)' direct.err ||
        ! grep -q '^carve: replay .*: hit' direct.err; then
        fail "direct: the container opened by its own path, origin gone: exit $(cat direct.rc), not all hits:"
        sed -n '1,10p' direct.err
    fi
    checks=$((checks + 1))
    if ! diff <(sed 1d native.out) <(sed 1d direct.out) >/dev/null ||
        [[ $(head -1 direct.out) != "netcdf ${containers[0]%.h5} {" ]]; then
        fail "direct: ncdump of the container differs from native's beyond the name line:"
        diff native.out direct.out | sed -n '1,20p' || true
    fi
    mv sample.nc.away sample.nc
    finish
fi

# --- load-proof: carve's parser and file open are in netCDF's path ----------------------------------
if [[ $case_name == load-proof ]]; then
    run native - "$ncdump" -h sample.nc
    run ok.env "carve mode=carve" "$ncdump" -h sample.nc
    same_as_native ok.env
    # An invalid info string: HDF5 finds the plugin, carve's parser refuses the string, HDF5's
    # initialisation reports it ("unable to set default VOL connector") and the library goes on natively.
    run bogus.env "carve mode=bogus" "$ncdump" -h sample.nc
    must_be_rejected bogus.env
    checks=$((checks + 1))
    if ! grep -qF "bad value 'bogus' for mode" bogus.env.err; then
        fail "bogus.env: carve's message \"bad value 'bogus' for mode\" is not on stderr:"
        sed -n '1,20p' bogus.env.err
    fi
    checks=$((checks + 1))
    if grep -q "can't find plugin" bogus.env.err; then
        fail "bogus.env: HDF5 did not find the carve plugin at all"
    fi
    # A name nothing provides is rejected too, so the variable is honoured at all.
    run unknown.env "carve_no_such_connector" "$ncdump" -h sample.nc
    must_be_rejected unknown.env "can't find plugin"
    # The file open itself goes through carve: carve reads CARVE_CONFIG when it opens a file, so an
    # invalid config file makes netCDF's open fail. (netCDF silences HDF5's error stack: ncdump only
    # says "NetCDF: HDF error".) The same run with a valid config file is the control.
    echo "mode: off" >good-config.yaml
    CARVE_CONFIG="$work/good-config.yaml" run goodconfig.ncdump "carve" "$ncdump" -h sample.nc
    same_as_native goodconfig.ncdump
    echo "mode: bogus" >bad-config.yaml
    CARVE_CONFIG="$work/bad-config.yaml" run badconfig.ncdump "carve" "$ncdump" -h sample.nc
    must_fail badconfig.ncdump
    CARVE_CONFIG="$work/bad-config.yaml" run badconfig.ncgen "carve" "$ncgen" -k nc4 -o badconfig.nc "$cdl"
    must_fail badconfig.ncgen
    finish
fi

# --- ncdump comparison cases ---------------------------------------------------------------------------
case $case_name in
ncdump-full) cmd=("$ncdump" sample.nc) ;;
ncdump-header) cmd=("$ncdump" -h sample.nc) ;;
ncdump-special) cmd=("$ncdump" -s sample.nc) ;;
ncdump-var) cmd=("$ncdump" -v "temp,cloud,/forecast/t2m,/forecast/nested/words" sample.nc) ;;
*)
    echo "unknown case '$case_name'" >&2
    exit 2
    ;;
esac

run native - "${cmd[@]}"
checks=$((checks + 1))
if [[ $(cat native.rc) != 0 || ! -s native.out ]]; then
    fail "native run exited $(cat native.rc) or printed nothing"
    sed -n '1,20p' native.err
fi
for selection in "${selections[@]}"; do
    IFS='|' read -r label conn <<<"$selection"
    run "$label" "$conn" "${cmd[@]}"
    same_as_native "$label"
done
# The same run with an invalid carve info string must not pass silently: carve parsed the string.
run bogus-env "carve mode=bogus" "${cmd[@]}"
must_be_rejected bogus-env "bad value 'bogus' for mode"
finish
