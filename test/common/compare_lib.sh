# SPDX-License-Identifier: BSD-3-Clause
# compare_lib.sh — shared by the scripts that run an HDF5 tool natively and through carve and compare
# the results (test/tools/compare_tools.sh, test/s3/compare_ros3_tools.sh). Sourced, not run.
#
# clear_connector_environment: nothing from the caller's environment may select a connector or carve
# settings behind the test's back (the sanitizer/valgrind hooks CARVE_TEST_* stay).
clear_connector_environment() {
    local var
    unset HDF5_VOL_CONNECTOR
    while read -r var; do
        if [[ $var == CARVE_* && $var != CARVE_TEST_* ]]; then
            unset "$var"
        fi
    done < <(compgen -e)
}

# The caller sets `failures=0 checks=0` and works in its own directory; `run` leaves <label>.out,
# <label>.err and <label>.rc there, and the checks compare them with the run labelled "native".

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# check <what> <command...>: one check, counted in $checks, passed when the command succeeds.
check() {
    local what=$1
    shift
    checks=$((checks + 1))
    if "$@"; then echo "PASS: $what"; else fail "$what"; fi
}

# run <label> <env-connector-string or "-"> <command...>: stdout/stderr/exit status to <label>.{out,err,rc}
run() {
    local label=$1 env_conn=$2
    shift 2
    local rc=0
    # CARVE_TEST_PRELOAD: the sanitizer runtimes, when the plugin is built with them (test/CMakeLists.txt).
    # CARVE_TEST_WRAPPER (e.g. valgrind, see test/memcheck.sh) runs every tool, native ones too, so that
    # only a difference that carve makes shows up in the comparison.
    local wrapper=()
    read -r -a wrapper <<<"${CARVE_TEST_WRAPPER:-}"
    if [[ $env_conn == - ]]; then
        LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$@" >"$label.out" 2>"$label.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$env_conn" LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$@" \
            >"$label.out" 2>"$label.err" || rc=$?
    fi
    echo "$rc" >"$label.rc"
    printf '  %-14s exit %-3s %s\n' "$label" "$rc" "$(if [[ $env_conn != - ]]; then printf 'HDF5_VOL_CONNECTOR=%q ' "$env_conn"; fi)${*##*/}"
}

# same_as_native <label>: the connector run must match the native reference exactly.
same_as_native() {
    local label=$1
    checks=$((checks + 1))
    if [[ $(cat "$label.rc") != $(cat native.rc) ]]; then
        fail "$label: exit status $(cat "$label.rc"), native $(cat native.rc)"
        sed -n '1,20p' "$label.err"
    fi
    local stream
    for stream in out err; do
        if ! cmp -s "native.$stream" "$label.$stream"; then
            fail "$label: std$stream differs from native (diff native.$stream $label.$stream, first lines):"
            diff "native.$stream" "$label.$stream" | sed -n '1,40p' || true
        fi
    done
}

# must_fail <label>: the run must have exited non-zero.
must_fail() {
    local label=$1
    checks=$((checks + 1))
    if [[ $(cat "$label.rc") == 0 ]]; then
        fail "$label: succeeded, but it must fail (carve was not in the path?)"
    fi
}

# must_be_rejected <label> [<pattern the error output must also match>]: an HDF5_VOL_CONNECTOR value
# HDF5 could not use. HDF5 1.14 does not make the tools fail then: the library's initialisation fails
# once ("unable to set default VOL connector" on stderr) and the tool goes on natively, exit 0. So a
# rejection is a non-zero exit or that message.
must_be_rejected() {
    local label=$1 pattern=${2:-}
    checks=$((checks + 1))
    if [[ $(cat "$label.rc") == 0 ]] && ! grep -q "unable to set default VOL connector" "$label.err"; then
        fail "$label: HDF5 accepted the connector string, but it must reject it (carve was not in the path?)"
        return
    fi
    if [[ -n $pattern ]] && ! grep -Eq "$pattern" "$label.err"; then
        fail "$label: rejected, but the error output does not match /$pattern/"
    fi
}

# must_show_carve_error <label>: the run printed an error stack entry of carve's own (its error class
# "carve-DIAG", or a message naming CARVE_CONFIG): the file open reached carve.
# must_show_carve_error <label> [text]: carve's error class is on stderr, naming the problem when given.
must_show_carve_error() {
    local label=$1 text=${2:-}
    checks=$((checks + 1))
    if ! grep -Eq 'carve-DIAG|CARVE_CONFIG' "$label.err"; then
        fail "$label: no error from carve on stderr (the file open did not reach carve?)"
    elif [[ -n $text ]] && ! grep -qF "$text" "$label.err"; then
        fail "$label: carve's error does not say \"$text\""
    fi
}

# flip <file> <offset>: inverts 4 bytes at offset (the test's hostile user).
flip() {
    python3 - "$1" "$2" <<'PY'
import sys
path, at = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(at)
    b = f.read(4)
    f.seek(at)
    f.write(bytes(x ^ 0xFF for x in b))
PY
}
