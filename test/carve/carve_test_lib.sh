# shellcheck shell=bash
# carve_test_lib.sh — what the carve-phase test scripts (run_carve.sh, crash.sh) share: checking their
# environment, a fresh work directory, the PASS/FAIL counters, and running carve_workload.
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
