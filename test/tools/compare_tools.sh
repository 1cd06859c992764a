#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# compare_tools.sh — runs one HDF5 command-line tool on the zoo natively and through carve (selected by
# --vol-name, by --vol-name + --vol-info, and by HDF5_VOL_CONNECTOR with and without an info string),
# and fails unless every connector run gives byte-identical stdout and stderr and the same exit status
# as the native run. It also proves that carve was really in the path: the same tool, selected the same
# way but with an invalid carve info string ("mode=bogus"), must fail.
#
# Usage: compare_tools.sh <case> <zoo-dir> <h5dump> <h5ls> <h5diff>
#   <case>: h5dump-full | h5dump-header | h5dump-attrs | h5dump-props | h5ls | h5ls-data |
#           h5diff-self | h5diff-differ | load-proof
#   <zoo-dir> holds zoo.h5, zoo_ext.h5, zoo_variant.h5, zoo_variant_ext.h5 (from carve_make_zoo).
#   HDF5_PLUGIN_PATH must name the directory holding libcarve_vol.so.
# Work files go to <zoo-dir>/out/<case>/ (kept for inspection).
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ $# -ne 5 ]]; then
    echo "usage: $0 <case> <zoo-dir> <h5dump> <h5ls> <h5diff>" >&2
    exit 2
fi
case_name=$1
zoo_dir=$(cd "$2" && pwd)
h5dump=$3
h5ls=$4
h5diff=$5

if [[ -z ${HDF5_PLUGIN_PATH:-} || ! -e ${HDF5_PLUGIN_PATH}/libcarve_vol.so ]]; then
    echo "FAIL: HDF5_PLUGIN_PATH ('${HDF5_PLUGIN_PATH:-}') does not hold libcarve_vol.so" >&2
    exit 1
fi

# shellcheck source=../common/compare_lib.sh
source "$script_dir/../common/compare_lib.sh"
clear_connector_environment

# Each case works on its own copy (carve may later write a container next to the file it reads).
work="$zoo_dir/out/$case_name"
rm -rf "$work"
mkdir -p "$work"
for f in zoo.h5 zoo_ext.h5 zoo_variant.h5 zoo_variant_ext.h5; do
    cp "$zoo_dir/$f" "$work/"
done
cd "$work"

failures=0
checks=0

# --- The tool invocation of each case ------------------------------------------------------------
# tool_args <kind> <info>: prints nothing, fills the global array `cmd` with the command line.
#   kind: native | cli | cli1 (h5diff: only the first file through carve) | env
#   info: carve info string for cli/cli1 ("" = no --vol-info at all)
cmd=()
tool_args() {
    local kind=$1 info=$2
    local vol=()
    case $case_name in
    h5diff-*)
        case $kind in
        cli)
            vol=(--vol-name-1=carve --vol-name-2=carve)
            [[ -n $info ]] && vol+=("--vol-info-1=$info" "--vol-info-2=$info")
            ;;
        cli1)
            vol=(--vol-name-1=carve)
            [[ -n $info ]] && vol+=("--vol-info-1=$info")
            ;;
        esac
        ;;
    *)
        if [[ $kind == cli ]]; then
            vol=(--vol-name=carve)
            [[ -n $info ]] && vol+=("--vol-info=$info")
        fi
        ;;
    esac
    # --enable-error-stack=2 makes h5dump/h5diff print the error stack of a failed file open; without
    # it, a failed open through HDF5_VOL_CONNECTOR would silently fall back to native and go unnoticed
    # (h5ls has no such level: its env runs rely on the bogus-info check below).
    case $case_name in
    h5dump-full) cmd=("$h5dump" --enable-error-stack=2 "${vol[@]}" zoo.h5) ;;
    h5dump-header) cmd=("$h5dump" --enable-error-stack=2 "${vol[@]}" -H zoo.h5) ;;
    h5dump-attrs) cmd=("$h5dump" --enable-error-stack=2 "${vol[@]}" -A zoo.h5) ;;
    h5dump-props) cmd=("$h5dump" --enable-error-stack=2 "${vol[@]}" -p -R zoo.h5) ;;
    h5ls) cmd=("$h5ls" "${vol[@]}" -r -v zoo.h5) ;;
    h5ls-data) cmd=("$h5ls" "${vol[@]}" -r -d -S zoo.h5) ;;
    h5diff-self) cmd=("$h5diff" --enable-error-stack=2 "${vol[@]}" -r zoo.h5 zoo.h5) ;;
    h5diff-differ) cmd=("$h5diff" --enable-error-stack=2 "${vol[@]}" -r zoo.h5 zoo_variant.h5) ;;
    *)
        echo "unknown case '$case_name'" >&2
        exit 2
        ;;
    esac
}






# --- load-proof: carve's own parser and loader are what the tools go through --------------------------
if [[ $case_name == load-proof ]]; then
    echo "carve loading checks in $work"
    run ok.cli - "$h5dump" --vol-name=carve --vol-info=mode=carve -H zoo.h5
    run ok.env "carve mode=carve" "$h5dump" -H zoo.h5
    run native - "$h5dump" -H zoo.h5
    same_as_native ok.cli
    same_as_native ok.env

    # carve's info-string parser rejects an invalid mode, however carve was selected. (With the
    # environment variable, the plugin is found but its string is refused: no "can't find plugin".)
    run bogus.h5dump.cli - "$h5dump" --enable-error-stack --vol-name=carve --vol-info=mode=bogus -H zoo.h5
    must_fail bogus.h5dump.cli
    must_show_carve_error bogus.h5dump.cli "bad value 'bogus' for mode"
    run bogus.h5dump.env "carve mode=bogus" "$h5dump" -H zoo.h5
    must_be_rejected bogus.h5dump.env
    must_show_carve_error bogus.h5dump.env "bad value 'bogus' for mode"
    checks=$((checks + 1))
    if grep -q "can't find plugin" bogus.h5dump.env.err; then
        fail "bogus.h5dump.env: HDF5 did not find the carve plugin at all"
    fi
    run bogus.h5ls.cli - "$h5ls" --vol-name=carve --vol-info=mode=bogus zoo.h5
    must_fail bogus.h5ls.cli
    run bogus.h5ls.env "carve mode=bogus" "$h5ls" zoo.h5
    must_be_rejected bogus.h5ls.env
    run bogus.h5diff.cli - "$h5diff" --vol-name-1=carve --vol-info-1=mode=bogus zoo.h5 zoo.h5
    must_fail bogus.h5diff.cli
    run bogus.key.cli - "$h5dump" --enable-error-stack --vol-name=carve --vol-info=no_such_key=1 -H zoo.h5
    must_fail bogus.key.cli
    must_show_carve_error bogus.key.cli "unknown key 'no_such_key'"
    # HDF5's own pass_through connector crashes on most info strings: carve refuses them, saying why.
    run passthru.cli - "$h5dump" --enable-error-stack --vol-name=carve \
        "--vol-info=under_vol=pass_through;under_info={x}" -H zoo.h5
    must_fail passthru.cli
    must_show_carve_error passthru.cli "cannot be given to HDF5's pass_through connector"
    run passthru.env "carve under_vol=pass_through;under_info={x}" "$h5dump" -H zoo.h5
    must_be_rejected passthru.env
    must_show_carve_error passthru.env "cannot be given to HDF5's pass_through connector"
    # A connector name that nothing provides: rejected, so the variable is honoured at all.
    run unknown.env "carve_no_such_connector" "$h5dump" -H zoo.h5
    must_be_rejected unknown.env "can't find plugin"
    # Without the plugin directory, --vol-name=carve cannot be satisfied: carve came from there.
    mkdir -p empty-plugin-dir
    HDF5_PLUGIN_PATH="$work/empty-plugin-dir" run noplugin.cli - "$h5dump" --vol-name=carve -H zoo.h5
    must_fail noplugin.cli
    # The file open itself goes through carve when it is selected by the environment: carve reads
    # CARVE_CONFIG when it opens a file, so an invalid config file makes that open fail with carve's
    # error. (h5dump then retries natively and succeeds; --enable-error-stack=2 shows the failed open.)
    echo "mode: bogus" >bad-config.yaml
    CARVE_CONFIG="$work/bad-config.yaml" run badconfig.env "carve" "$h5dump" --enable-error-stack=2 -H zoo.h5
    must_show_carve_error badconfig.env "bad value 'bogus' for mode"
    CARVE_CONFIG="$work/bad-config.yaml" run badconfig.cli - "$h5dump" --enable-error-stack=2 --vol-name=carve -H zoo.h5
    must_fail badconfig.cli
    must_show_carve_error badconfig.cli
    echo "$checks checks, $failures failed"
    [[ $failures -eq 0 ]]
    exit
fi

# --- comparison cases -------------------------------------------------------------------------------
echo "case $case_name in $work"
tool_args native ""
run native - "${cmd[@]}"

# Sanity of the reference itself: h5diff of a file against itself finds nothing, against the variant
# finds differences; every other tool succeeds.
case $case_name in
h5diff-differ) expected_rc=1 ;;
*) expected_rc=0 ;;
esac
if [[ $(cat native.rc) != "$expected_rc" ]]; then
    fail "native run exited $(cat native.rc), expected $expected_rc"
    sed -n '1,20p' native.err
fi
if [[ ! -s native.out ]]; then
    fail "native run printed nothing"
fi

# label | kind | carve info (cli: --vol-info, env: text after "carve ")
# The replay runs come first, while the file has no container: replay then reads the file as it is.
# After the carve runs have written a container, the *-carved runs replay from it: every value the tool
# prints must still be native's. Not for h5ls -v and h5dump -p, which print how the data is stored (the
# container stores only what was read; README, Replay).
selections=(
    "cli-replay|cli|mode=replay"
    "env-replay|env|mode=replay"
    "cli|cli|"
    "cli-carve|cli|mode=carve"
    "cli-off|cli|mode=off"
    "env|env|"
    "env-carve|env|mode=carve"
    "env-off|env|mode=off"
)
if [[ $case_name == h5diff-* ]]; then
    selections+=("cli1-carve|cli1|mode=carve")
fi
if [[ $case_name != h5ls && $case_name != h5dump-props ]]; then
    selections+=("cli-replay-carved|cli|mode=replay" "env-replay-carved|env|mode=replay")
fi

for selection in "${selections[@]}"; do
    IFS='|' read -r label kind info <<<"$selection"
    if [[ $kind == env ]]; then
        tool_args native ""
        run "$label" "carve${info:+ $info}" "${cmd[@]}"
    else
        tool_args "$kind" "$info"
        run "$label" - "${cmd[@]}"
    fi
    same_as_native "$label"
done

# Proof that each way of selecting carve really reached carve: an invalid mode must make the tool fail.
tool_args cli mode=bogus
run bogus-cli - "${cmd[@]}"
must_fail bogus-cli
tool_args native ""
run bogus-env "carve mode=bogus" "${cmd[@]}"
must_be_rejected bogus-env

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
