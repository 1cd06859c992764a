#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# count_requests.sh — carve adds no I/O to a program's own reads: the same program reading the same files
# over ROS3 makes exactly the same HTTP requests natively and through carve (in every mode). In carve
# mode carve adds one HEAD before each origin's open (the stamp the bytes it keeps belong to), the
# program's requests are otherwise native's, and the commit's follow, starting with the HEAD of the stamp
# check and asking for no byte the program already read (requests_lib.sh splits the log).
# A private
# s3server.py (its own state directory, so that parallel tests cannot add lines to its log) serves the
# test files; for each scenario the REQ lines a native run adds to the server log are compared with those
# a carve run adds: same sequence of method, path, Range, status and byte count, hence the same number
# of HEADs and GETs. The counts are printed.
#
# usage: count_requests.sh <work-dir> <data-dir> <carve_test_ros3> <h5dump> <h5ls>
#   HDF5_PLUGIN_PATH must name the directory holding libcarve_vol.so.
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 5 ]] || { echo "usage: $0 <work-dir> <data-dir> <carve_test_ros3> <h5dump> <h5ls>" >&2; exit 2; }
work=$1 data=$2 ros3_test=$3 h5dump=$4 h5ls=$5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=../common/compare_lib.sh
source "$script_dir/../common/compare_lib.sh"
# shellcheck source=requests_lib.sh
source "$script_dir/requests_lib.sh"
clear_connector_environment

region=us-east-1 id=AKIDCOUNT secret=count-secret bucket=count
rm -rf "$work"
mkdir -p "$work"
state=$work/server
trap 'bash "$here/s3ctl.sh" stop "$state" >/dev/null' EXIT
bash "$here/s3_fixture.sh" start "$state" "$data" "$bucket" --access-key "$id" --secret-key "$secret" --region "$region"
base="$(bash "$here/s3ctl.sh" url "$state")/$bucket"
log=$state/server.log
cd "$work"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run <label> <env connector or -> <preload: yes|no> <command...>: the command's REQ lines to <label>.req
run() {
    local label=$1 env_conn=$2 preload=$3
    shift 3
    local before rc=0 wrapper=() pre=""
    read -r -a wrapper <<<"${CARVE_TEST_WRAPPER:-}"
    [[ $preload == yes ]] && pre=${CARVE_TEST_PRELOAD:-}
    before=$(grep -c '^REQ ' "$log" || true)
    if [[ $env_conn == - ]]; then
        LD_PRELOAD="$pre" "${wrapper[@]}" "$@" >"$label.out" 2>"$label.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$env_conn" LD_PRELOAD="$pre" "${wrapper[@]}" "$@" >"$label.out" 2>"$label.err" || rc=$?
    fi
    grep '^REQ ' "$log" | tail -n +"$((before + 1))" >"$label.req" || true
    echo "$rc" >"$label.rc"
    [[ $rc == 0 ]] || { fail "$label: exit status $rc"; sed -n '1,20p' "$label.err"; tail -5 "$label.out"; }
}

counts() {
    printf 'HEAD=%d GET=%d (total %d, %d bytes)' "$(grep -c '^REQ HEAD ' "$1" || true)" \
        "$(grep -c '^REQ GET ' "$1" || true)" "$(wc -l <"$1")" \
        "$(awk '{sub("bytes=", "", $NF); s += $NF} END {print s + 0}' "$1")"
}

# compare <scenario> <native label> <carve labels...>
compare() {
    local scenario=$1 native=$2 label
    shift 2
    printf '%-34s %-16s %s\n' "$scenario" native "$(counts "$native.req")"
    [[ -s $native.req ]] || fail "$scenario: the native run made no requests (log not written?)"
    if grep -qv ' status=20[06] ' "$native.req"; then
        fail "$scenario: a native request failed:"
        grep -v ' status=20[06] ' "$native.req" | head -5
    fi
    for label in "$@"; do
        printf '%-34s %-16s %s\n' "" "$label" "$(counts "$label.req")"
        if [[ $label == *carve-carve* || $label == *cli-carve* ]]; then
            local origins
            split_carve_requests "$native.req" "$label.req" "$label"
            origins=$(awk '$2 == "HEAD" {print $3}' "$native.req" | sort -u | wc -l)
            printf '%-34s %-16s %s\n' "" "  carve's stamps" "HEAD=$(cat "$label.stamps")"
            printf '%-34s %-16s %s\n' "" "  of which commit" "$(counts "$label.commit.req")"
            cmp -s "$native.req" "$label.program.req" ||
                fail "$scenario: $label: the program's own requests (carve's stamps aside) differ from native's"
            [[ $(cat "$label.stamps") == "$origins" ]] ||
                fail "$scenario: $label: $(cat "$label.stamps") stamp HEADs before ROS3's opens, not one per origin ($origins)"
            head -1 "$label.commit.req" | grep -q '^REQ HEAD ' ||
                fail "$scenario: $label: carve's commit does not start with the stamp's HEAD"
            # Every chunk stored was read by the program: the commit takes it from the bytes kept, and asks
            # the server only for metadata the program did not read (at most one page per origin here).
            [[ $(grep -c '^REQ GET ' "$label.commit.req") -le $origins ]] ||
                fail "$scenario: $label: the commit made $(grep -c '^REQ GET ' "$label.commit.req") GETs for what the program read ($origins origins)"
        elif ! cmp -s "$native.req" "$label.req"; then
            fail "$scenario: $label made other requests than native (diff $native.req $label.req):"
            diff "$native.req" "$label.req" | head -20 || true
        fi
    done
}

cred="$region,$id,$secret"

# 1. carve_test_ros3: hyperslabs, points, an attribute, reads beyond ROS3's cache; carve from C.
# Mode replay runs first, before any container exists (and with CARVE_DIR an empty directory later):
# a file without a container is read as it is, request for request.
mkdir -p no-containers
run c.native - no "$ros3_test" read "$base/zoo.h5" "$base/big.h5" --cred "$cred" --via native
c_labels=()
for mode in replay off carve; do
    run "c.carve-$mode" - no "$ros3_test" read "$base/zoo.h5" "$base/big.h5" --cred "$cred" --via carve --mode "$mode"
    c_labels+=("c.carve-$mode")
done
compare "carve_test_ros3 read" c.native "${c_labels[@]}"

# Replaying what c.carve-carve carved: every read is in the containers (written to the current
# directory, as for every URL), so the program's only requests are the stamp checks at open: one HEAD
# per file (zoo.h5, big.h5), and no GET.
run c.replay-hits - no "$ros3_test" read "$base/zoo.h5" "$base/big.h5" --cred "$cred" --via carve --mode replay
printf '%-34s %-16s %s\n' "carve_test_ros3 read, replayed" c.replay-hits "$(counts c.replay-hits.req)"
[[ $(grep -c '^REQ HEAD ' c.replay-hits.req) == 2 && $(wc -l <c.replay-hits.req) == 2 ]] ||
    fail "c.replay-hits: an all-hit replay must make exactly one HEAD per file (c.replay-hits.req)"
cmp -s c.carve-replay.out c.replay-hits.out || fail "c.replay-hits: the program's output (checks, values read) differs from the run without a container"

# 2. h5dump of selections of big.h5 (larger than the cache), carve by --vol-name and by the environment.
dump_big=(-d /bigchunk -s "100,300" -c "130,90" -d /big2d -s "2100,1500" -c "10,40" "$base/big.h5")
run d.native - yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" "${dump_big[@]}"
run d.cli-carve - yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" --vol-name=carve --vol-info=mode=carve "${dump_big[@]}"
CARVE_DIR=$work/no-containers run d.env-replay "carve mode=replay" yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" "${dump_big[@]}"
compare "h5dump big.h5 selections" d.native d.cli-carve d.env-replay
for label in d.cli-carve d.env-replay; do
    cmp -s d.native.out "$label.out" || fail "$label: h5dump output differs from native"
done

# 3. h5dump of the whole zoo (its external link opens zoo_ext.h5 over ROS3 too).
run z.native - yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" "$base/zoo.h5"
run z.cli-off - yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" --vol-name=carve --vol-info=mode=off "$base/zoo.h5"
run z.env carve yes "$h5dump" --filedriver=ros3 "--s3-cred=($cred)" "$base/zoo.h5"
compare "h5dump zoo.h5" z.native z.cli-off z.env

# 4. h5ls -r -d of the zoo.
run l.native - yes "$h5ls" --vfd=ros3 "--s3-cred=($cred)" -r -d "$base/zoo.h5"
run l.cli - yes "$h5ls" --vfd=ros3 "--s3-cred=($cred)" --vol-name=carve -r -d "$base/zoo.h5"
compare "h5ls -r -d zoo.h5" l.native l.cli

if [[ $failures -eq 0 ]]; then
    echo "carve made exactly native's requests in every scenario"
else
    echo "$failures failures"
fi
[[ $failures -eq 0 ]]
