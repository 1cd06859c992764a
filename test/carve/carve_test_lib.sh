# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# carve_test_lib.sh — what the carve- and replay-phase test scripts (run_carve.sh, crash.sh,
# test/replay/run_replay.sh) share: checking their environment, a fresh work directory, the PASS/FAIL
# counters, running carve_workload and reading its results, making the zoo, finding a container.
# Sourced, not run. Needs compare_lib.sh (fail, clear_connector_environment) sourced first.

# carve_test_setup <work-dir> <variable naming a program>...: every named variable must name an
# executable and HDF5_PLUGIN_PATH must hold the plugin; the work directory is emptied and entered
# (work is set to its absolute path); counters and the CARVE_TEST_WRAPPER words are set up.
carve_test_setup() {
    local dir=$1 var
    shift
    for var in "$@"; do
        [[ -n ${!var:-} && -x ${!var} ]] || { echo "FAIL: $var ('${!var:-}') is not an executable" >&2; exit 1; }
    done
    if [[ -z ${HDF5_PLUGIN_PATH:-} || ! -e ${HDF5_PLUGIN_PATH}/libcarve_vol.so ]]; then
        echo "FAIL: HDF5_PLUGIN_PATH ('${HDF5_PLUGIN_PATH:-}') does not hold libcarve_vol.so" >&2
        exit 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    work=$(cd "$dir" && pwd)
    cd "$work" || exit 1
    # Used by the sourcing script (and by compare_lib.sh's fail).
    # shellcheck disable=SC2034
    failures=0
    checks=0
    wrapper=()
    read -r -a wrapper <<<"${CARVE_TEST_WRAPPER:-}"
}

pass() {
    checks=$((checks + 1))
    echo "PASS: $*"
}

# check <description> <command...>: one check, PASS or FAIL by the command's status.
check() {
    local what=$1
    shift
    if "$@"; then
        pass "$what"
    else
        checks=$((checks + 1))
        fail "$what"
    fi
}

# workload <label> <connector string or "-"> <workload args...>: runs carve_workload (natively for "-"),
# keeping <label>.out/.err/.rc; prints a one-line summary.
workload() {
    local label=$1 conn=$2
    shift 2
    local rc=0
    if [[ $conn == - ]]; then
        "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" "$@" >"$label.out" 2>"$label.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$conn" "${wrapper[@]}" "$CARVE_TEST_WORKLOAD" "$@" >"$label.out" 2>"$label.err" || rc=$?
    fi
    echo "$rc" >"$label.rc"
    printf '  %-22s exit %-3s %s%s\n' "$label" "$rc" \
        "$(if [[ $conn != - ]]; then printf 'HDF5_VOL_CONNECTOR=%q ' "$conn"; fi)" "carve_workload $*"
}

rc_of() { cat "$1.rc"; }

# --- the zoo, carve_workload's results and the container beside an origin ---------------------------

make_zoo() {
    mkdir -p "$(dirname "$1")"
    "$CARVE_TEST_MAKE_ZOO" "$1" >/dev/null
}

# checksum_of <label>: the checksum carve_workload printed for that run.
checksum_of() { sed -n 's/^carve_workload: .* checksum \([0-9a-f]*\)$/\1/p' "$1.out"; }

# same_results <label> <native-label>: the checksum of what was read equals the native run's.
same_results() {
    local a b
    a=$(checksum_of "$1") b=$(checksum_of "$2")
    check "$1: checksum of the values read ($a) equals native's ($b)" test -n "$a" -a "$a" = "$b"
}

# the_container <dir> <origin file name>: prints the one container of that origin in <dir>.
the_container() {
    local dir=$1 base=$2 found=()
    shopt -s nullglob
    found=("$dir/$base"-????????????????.carve.h5)
    shopt -u nullglob
    if [[ ${#found[@]} -ne 1 ]]; then
        echo "expected one container $dir/$base-<hash>.carve.h5, found ${#found[@]}: ${found[*]:-none}" >&2
        return 1
    fi
    echo "${found[0]}"
}

# manifest_of <container>: the manifest file beside it.
manifest_of() { echo "${1%.carve.h5}.carve.yaml"; }
