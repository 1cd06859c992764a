#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# compare_ros3_tools.sh — h5dump/h5ls of files on the test S3 server over HDF5's read-only S3 driver
# (ROS3): natively, then through carve selected by --vol-name (no info; mode=off|carve|replay) and by
# HDF5_VOL_CONNECTOR ("carve", "carve mode=off|carve|replay"). Every carve run must print exactly what the
# native run prints (stdout and stderr byte for byte, same exit status). Every run uses the same URL (the
# tools print it). Proof that carve was in the path: --vol-info=mode=bogus must make the tool fail, and
# HDF5_VOL_CONNECTOR="carve mode=bogus" must be refused.
#
# usage: compare_ros3_tools.sh <case> <state-dir> <bucket> <work-dir> <h5dump> <h5ls> [<region,id,secret>]
#   <case>: h5dump-full | h5dump-header | h5dump-big | h5ls | h5ls-data
#   <state-dir>: the server's (s3ctl.sh); without credentials, requests are anonymous.
#   HDF5_PLUGIN_PATH must name the directory holding libcarve_vol.so.
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ $# -lt 6 || $# -gt 7 ]]; then
    echo "usage: $0 <case> <state-dir> <bucket> <work-dir> <h5dump> <h5ls> [<region,id,secret>]" >&2
    exit 2
fi
case_name=$1 state=$2 bucket=$3 work=$4 h5dump=$5 h5ls=$6 cred=${7:-}

if [[ -z ${HDF5_PLUGIN_PATH:-} || ! -e ${HDF5_PLUGIN_PATH}/libcarve_vol.so ]]; then
    echo "FAIL: HDF5_PLUGIN_PATH ('${HDF5_PLUGIN_PATH:-}') does not hold libcarve_vol.so" >&2
    exit 1
fi
[[ -s $state/port ]] || { echo "FAIL: no server port in $state (fixture not started?)" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$state/port")/$bucket"

# shellcheck source=../common/compare_lib.sh
source "$script_dir/../common/compare_lib.sh"
clear_connector_environment

rm -rf "$work"
mkdir -p "$work"
cd "$work"

failures=0
checks=0

# The driver options of each tool (the option names differ: h5dump --filedriver, h5ls --vfd).
dump_vfd=(--filedriver=ros3)
ls_vfd=(--vfd=ros3)
if [[ -n $cred ]]; then
    dump_vfd+=("--s3-cred=($cred)")
    ls_vfd+=("--s3-cred=($cred)")
fi

# tool_args <vol options...>: fills `cmd` with the case's command line.
cmd=()
tool_args() {
    case $case_name in
    h5dump-full) cmd=("$h5dump" --enable-error-stack=2 "${dump_vfd[@]}" "$@" "$base/zoo.h5") ;;
    h5dump-header) cmd=("$h5dump" --enable-error-stack=2 "${dump_vfd[@]}" "$@" -H "$base/zoo.h5") ;;
    h5dump-big)
        # Selections of the file larger than ROS3's 16 MiB cache: reads beyond it are ranged GETs.
        cmd=("$h5dump" --enable-error-stack=2 "${dump_vfd[@]}" "$@" -d /bigchunk -s "100,300" -c "130,90"
            -d /big2d -s "2100,1500" -c "10,40" "$base/big.h5")
        ;;
    h5ls) cmd=("$h5ls" "${ls_vfd[@]}" "$@" -r -v "$base/zoo.h5") ;;
    h5ls-data) cmd=("$h5ls" "${ls_vfd[@]}" "$@" -r -d -S "$base/zoo.h5") ;;
    *)
        echo "unknown case '$case_name'" >&2
        exit 2
        ;;
    esac
}



echo "case $case_name on $base in $work"
tool_args
run native - "${cmd[@]}"
checks=$((checks + 1))
if [[ $(cat native.rc) != 0 ]]; then
    fail "the native run failed (exit $(cat native.rc)):"
    sed -n '1,30p' native.err
fi
if [[ ! -s native.out ]]; then
    fail "the native run printed nothing"
fi

# The replay runs come first, while the files have no container (carve writes a URL's into the current
# directory): mode replay then reads them as they are. Replaying from containers over ROS3 is replay.ros3's.
for selection in "cli-replay|cli|mode=replay" "env-replay|env|mode=replay" "cli|cli|" "cli-off|cli|mode=off" \
    "cli-carve|cli|mode=carve" "env|env|" "env-off|env|mode=off" "env-carve|env|mode=carve"; do
    IFS='|' read -r label kind info <<<"$selection"
    if [[ $kind == env ]]; then
        tool_args
        run "$label" "carve${info:+ $info}" "${cmd[@]}"
    else
        vol=(--vol-name=carve)
        [[ -n $info ]] && vol+=("--vol-info=$info")
        tool_args "${vol[@]}"
        run "$label" - "${cmd[@]}"
    fi
    same_as_native "$label"
done

# carve was in the path: its own parser refuses mode=bogus, however it was selected.
tool_args --vol-name=carve --vol-info=mode=bogus
run bogus-cli - "${cmd[@]}"
checks=$((checks + 1))
[[ $(cat bogus-cli.rc) != 0 ]] || fail "bogus-cli: succeeded, but carve must refuse mode=bogus"
tool_args
run bogus-env "carve mode=bogus" "${cmd[@]}"
checks=$((checks + 1))
if [[ $(cat bogus-env.rc) == 0 ]] && ! grep -q "unable to set default VOL connector" bogus-env.err; then
    fail "bogus-env: HDF5 accepted 'carve mode=bogus' (carve not in the path?)"
fi

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
