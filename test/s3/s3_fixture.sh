#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# s3_fixture.sh — a test S3 server holding the test files (ctest FIXTURES_SETUP / FIXTURES_CLEANUP).
#
#   s3_fixture.sh start <state-dir> <data-dir> <bucket> [server args...]
#       starts s3server.py (s3ctl.sh start), creates <bucket> and uploads every *.h5 of <data-dir> into it
#       with PUT requests (signed when the server args hold --access-key/--secret-key/--region).
#   s3_fixture.sh stop <state-dir>
#
# On a failed upload the server is stopped again, so a failed set-up leaves nothing running.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}

[[ $# -ge 2 ]] || { echo "usage: $0 start <state-dir> <data-dir> <bucket> [server args] | stop <state-dir>" >&2; exit 2; }
cmd=$1 state=$2
case $cmd in
stop)
    exec bash "$here/s3ctl.sh" stop "$state"
    ;;
start)
    [[ $# -ge 4 ]] || { echo "usage: $0 start <state-dir> <data-dir> <bucket> [server args]" >&2; exit 2; }
    data=$3 bucket=$4
    shift 4
    # The keys, for signing the uploads.
    client_args=()
    args=("$@")
    for ((i = 0; i < ${#args[@]}; i++)); do
        case ${args[i]} in
        --access-key | --secret-key | --region) client_args+=("${args[i]}" "${args[i + 1]}") ;;
        esac
    done
    rm -rf "$state"
    bash "$here/s3ctl.sh" start "$state" "$@"
    base=$(bash "$here/s3ctl.sh" url "$state")
    upload() {
        "$python" "$here/s3client.py" "${client_args[@]}" "$base/$bucket" mb || return 1
        local f n=0
        for f in "$data"/*.h5; do
            [[ -e $f ]] || continue
            "$python" "$here/s3client.py" "${client_args[@]}" "$base/$bucket/${f##*/}" put "$f" || return 1
            n=$((n + 1))
        done
        [[ $n -gt 0 ]] || { echo "s3_fixture: no *.h5 in $data" >&2; return 1; }
        echo "s3_fixture: uploaded $n files to $base/$bucket"
    }
    if ! upload; then
        echo "s3_fixture: upload failed; server log:" >&2
        tail -20 "$state/server.log" >&2
        bash "$here/s3ctl.sh" stop "$state"
        exit 1
    fi
    ;;
*)
    echo "usage: $0 start|stop ..." >&2
    exit 2
    ;;
esac
