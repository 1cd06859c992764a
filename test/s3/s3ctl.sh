#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# s3ctl.sh — starts and stops a background s3server.py for tests (ctest FIXTURES_SETUP / FIXTURES_CLEANUP).
#
#   s3ctl.sh start <state-dir> [server args...]   start on a free port; wait until it answers
#   s3ctl.sh stop  <state-dir>                     SIGTERM (then SIGKILL after 10 s); succeeds if none runs
#   s3ctl.sh url   <state-dir>                     print http://127.0.0.1:<port>
#
# <state-dir> receives: pid, port, server.log (the server's stderr: one "REQ ..." line per request), and
# root/ (the directory served, unless the server args name another --root). The server's stdin, stdout
# and stderr are redirected (</dev/null >server.log 2>&1): a background process holding ctest's pipes
# open would make ctest wait for it until the test's timeout.
# A start into a state dir whose server still runs stops that one first. The server is started with
# --max-lifetime (default 1800 s, S3CTL_MAX_LIFETIME) so that it can never outlive a test run by long
# even when the clean-up step never runs. PYTHON names the interpreter (default python3).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}

usage() {
    echo "usage: $0 start|stop|url <state-dir> [server args...]" >&2
    exit 2
}
[[ $# -ge 2 ]] || usage
cmd=$1 state=$2
shift 2

# is_our_server <pid>: the process exists and is an s3server.py (not a recycled pid).
is_our_server() {
    [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' </proc/"$1"/cmdline | grep -q 's3server\.py'
}

# alive <pid>: the process exists and has not exited (a zombie has).
alive() {
    local stat
    stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

stop_server() {
    [[ -f $state/pid ]] || return 0
    local pid
    pid=$(cat "$state/pid")
    if [[ $pid =~ ^[0-9]+$ ]] && is_our_server "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            is_our_server "$pid" || break
            sleep 0.1
        done
        if is_our_server "$pid"; then
            echo "s3ctl: server $pid did not stop on SIGTERM; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$state/pid" "$state/port"
}

case $cmd in
start)
    mkdir -p "$state"
    stop_server
    rm -f "$state/port" "$state/port.tmp"
    root_args=()
    [[ " $* " == *" --root "* ]] || root_args=(--root "$state/root")
    # Descriptors above stderr are closed for the server: it outlives the caller, and one it inherited (a
    # flock'ed lock file of the build, a pipe) would stay held for as long as it runs.
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            [[ $fd -gt 2 ]] && eval "exec $fd>&-" 2>/dev/null
        done
        exec "$python" "$here/s3server.py" "${root_args[@]}" --port 0 --port-file "$state/port" \
            --max-lifetime "${S3CTL_MAX_LIFETIME:-1800}" "$@" </dev/null >"$state/server.log" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$state/pid"
    for _ in $(seq 200); do
        [[ -s $state/port ]] && break
        if ! alive "$pid"; then
            echo "s3ctl: the server exited at start-up:" >&2
            cat "$state/server.log" >&2
            stop_server
            exit 1
        fi
        sleep 0.05
    done
    if [[ ! -s $state/port ]]; then
        echo "s3ctl: the server did not write its port within 10 s" >&2
        stop_server
        exit 1
    fi
    port=$(cat "$state/port")
    # It answers HTTP (any status will do: without credentials a HEAD of / is refused).
    if ! "$python" - "$port" <<'EOF'; then
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("HEAD", "/")
sys.exit(0 if c.getresponse().status > 0 else 1)
EOF
        echo "s3ctl: the server on port $port does not answer" >&2
        stop_server
        exit 1
    fi
    echo "s3ctl: server $pid on http://127.0.0.1:$port (state $state)"
    ;;
stop)
    stop_server
    echo "s3ctl: stopped (state $state)"
    ;;
url)
    echo "http://127.0.0.1:$(cat "$state/port")"
    ;;
*)
    usage
    ;;
esac
