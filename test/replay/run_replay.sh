#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_replay.sh — the replay-phase integration tests: an unchanged reader (carve_workload, or h5dump) is
# carved under HDF5_VOL_CONNECTOR="carve mode=carve", then run again under "carve mode=replay" opening the
# same origin name; what it reads must be exactly what it reads natively (carve_workload's checksum of
# every value read, the tools' output), served from the container where it holds the data and from the
# origin otherwise, and the replay counters carve adds to the manifest file must say so.
#
# usage: run_replay.sh <case> <work-dir> [case arguments]
#
# Placements — where the containers are and where the origin is at replay time. `beside` is the default;
# in the others the zoo is data/zoo.h5 (with data/zoo_ext.h5, its external link's target), opened by that
# relative name, and carved into the directory bundle/ (CARVE_DIR, or dir= in the connector string):
#   beside              containers beside the origin (zoo.h5 in the work directory)
#   dir                 containers in bundle/, the origin present
#   gone                containers in bundle/, the whole directory data/ renamed away before the replay
#   copied              bundle/ shipped: tar, unpacked as elsewhere/shipped, bundle/ removed, data/ renamed
#                       away; the program replayed from other/ (where data/zoo.h5 does not exist) with
#                       CARVE_DIR=elsewhere/shipped
#
#   zoo <workload> [<placement>]
#                       native run, carve run, then replays: exit 0, carve served the file, stderr empty,
#                       same checksum and same reads logged as native; the manifest's replay section: 1
#                       run, reads = hits = the dataset reads logged, no miss, no partial, nothing from
#                       the origin and no request to it (and any other container the run used, the
#                       external link's target for `links`, hits only); container and the rest of the
#                       manifest untouched. beside: origin renamed away, replayed; then with the origin
#                       back, a second replay: counters summed over the two runs. dir: replayed with
#                       CARVE_DIR, then with dir=. gone, copied: replayed as the placement says
#   overlap [beside|dir|gone]
#                       several pairs A->B: carve A, replay a partly overlapping B. beside, dir: the
#                       origin present (log=summary, log=reads, in_memory=yes; beside also
#                       CARVE_IN_MEMORY=64M): B's native checksum; the summary line shows misses or
#                       partial reads, agrees with the manifest and with the per-read lines. gone: B
#                       replayed with log=reads, origin present (its first read needing the origin),
#                       then with data/ renamed away: exit 1 naming that dataset, "not in container", the
#                       container and the origin; then with origin={the moved file}: B's native
#                       checksum, bytes from the origin
#   missing_origin      carve A, origin removed, replay B that needs it: exit 1 (no signal), the error
#                       names the dataset, "not in container", the container and the origin; container
#                       and manifest (but its replay section) unchanged
#   changed_origin      carve A; origin's mtime changed, then a byte appended: replay refused ("changed
#                       since", naming the origin) by default; on_change=hits serves A (all hits) and
#                       refuses B ("changed"); on_change=trust serves A and B when only the mtime changed
#   read_through        carve A, replay B with read_through=yes (origin present): B's checksum, the
#                       container gains B; origin removed, B replayed again: all hits; carve_verify of the
#                       container against A's and B's reads
#   direct              the container's own path opened in replay mode (origin removed): all hits
#   origin_override     carve A, origin moved to another directory, replay B with origin={new path} (and
#                       CARVE_ORIGIN): B's native checksum, misses read from the new path
#   h5dump [<placement>]
#                       beside: carve `all` and h5dump -A, origin removed: replayed h5dump -d <ds> of each
#                       dataset `all` read equals native h5dump -d; replayed h5dump -A equals native's;
#                       with the origin present, h5dump -A after carving `all` only (misses from the
#                       origin) too. dir, gone, copied: the same carved into bundle/ and replayed as the
#                       placement says; every read of the six runs a hit (dir: also h5dump -A with only
#                       `all` carved, the origin present)
#   passthrough         a file with no container in replay mode: native checksum, nothing created
#   bad_container       garbage with carve's header, or another origin's container, at the container's
#                       name: with the origin there, it is read itself instead (native values, the reason
#                       on stderr); without it the open is refused naming the container; the file is left
#                       as it was; the real one back: served again
#   ambiguous           two different origins a/zoo.h5 and b/zoo.h5 (a variant zoo, older mtime) carved
#                       into one CARVE_DIR, both directories renamed away: zoo.h5 opened where it does not
#                       exist is refused (exit 1, "cannot tell which container stands for", both
#                       containers named); a/zoo.h5 and b/zoo.h5, opened from their parent directory and
#                       from another one, are each served by their own container (all hits, the other's
#                       counters untouched)
#   api                 carve_replay_api (replay_api.c): H5Fget_name, the creation list of a dataset stored
#                       in another layout, direct chunk reads, chunk queries, H5Dvlen_get_buf_size and a
#                       mixed H5Dread_multi against native, with the origin present and removed
#   ros3 <s3-state-dir> <s3-data-dir> <bucket> <region,id,secret>
#                       carve A over ROS3 (CARVE_DIR), replay B over ROS3: B's native ROS3 checksum; an
#                       S3 object carved then changed: replay refused naming the URL ("changed since"),
#                       on_change=hits serves A; a local copy carved, deleted, replayed with origin={URL}
#                       (credentials from AWS_*): B's native checksum
#
# Environment (set by test/replay/CMakeLists.txt): HDF5_PLUGIN_PATH (the plugin's directory) and
# CARVE_TEST_MAKE_ZOO, CARVE_TEST_WORKLOAD, CARVE_TEST_VERIFY, CARVE_TEST_H5DUMP.
# CARVE_TEST_WRAPPER (valgrind, test/memcheck.sh) goes in front of carve's own programs, CARVE_TEST_PRELOAD
# (sanitizer runtimes) into the HDF5 tools only, as in the other test directories.
# Work files stay in <work-dir> for inspection. Prints PASS/FAIL per check; exits 1 on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ $# -ge 2 ]] || { echo "usage: $0 <case> <work-dir> [args]" >&2; exit 2; }
case_name=$1 work=$2
shift 2

# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment

# shellcheck source=../carve/carve_test_lib.sh
source "$here/../carve/carve_test_lib.sh"
carve_test_setup "$work" CARVE_TEST_MAKE_ZOO CARVE_TEST_WORKLOAD CARVE_TEST_VERIFY CARVE_TEST_H5DUMP

CARVE="carve mode=carve"
REPLAY="carve mode=replay"

differ() { ! cmp -s "$1" "$2"; }
# dataset reads a carve_workload log (expected-out file) records
reads_logged() { grep -c '^dataset ' "$1" || true; }



# stderr_is_clean <label> [<regex of allowed lines>]: nothing on stderr but lines matching the regex.
stderr_is_clean() {
    local label=$1 allowed=${2:-}
    if [[ -n $allowed ]]; then
        grep -Ev "$allowed" "$label.err" >"$label.err.other" || true
    else
        cp "$label.err" "$label.err.other"
    fi
    if [[ -s $label.err.other ]]; then
        checks=$((checks + 1))
        fail "$label: nothing on stderr${allowed:+ but the carve log lines}, but (major/minor lines left out):"
        grep -Ev '^ +(major|minor): ' "$label.err.other" | sed -n '1,30p'
    else
        pass "$label: nothing on stderr${allowed:+ but the carve log lines}"
    fi
}

# expect_served <label> [<regex of allowed stderr lines>]: exit 0, carve in the path, a clean stderr.
expect_served() {
    local label=$1
    check "$label: the program succeeds (exit $(rc_of "$label"))" test "$(rc_of "$label")" = 0
    check "$label: the file was served by carve" grep -q '^carve_workload: connector carve$' "$label.out"
    stderr_is_clean "$@"
}


# expect_fallback <label> <text>...: the container could not be used, so the file the program named was
# read itself: exit 0, native's values, and stderr says why (every text) and that the file was read instead.
expect_fallback() {
    local label=$1 text
    shift
    check "$label: the program succeeds (exit $(rc_of "$label"))" test "$(rc_of "$label")" = 0
    same_results "$label" native
    check "$label: stderr says the file itself was read instead" grep -q "; reading zoo.h5 itself instead$" "$label.err"
    for text in "$@"; do
        check "$label: stderr says \"$text\"" grep -qF -- "$text" "$label.err"
    done
}

# expect_refused <label> <exit status> <text>...: the run failed with that status (not a signal) and
# its stderr holds every text.
expect_refused() {
    local label=$1 want=$2 rc text before=$failures
    shift 2
    rc=$(rc_of "$label")
    check "$label: the program fails with exit $want, not a signal (exit $rc)" test "$rc" = "$want"
    for text in "$@"; do
        check "$label: stderr says \"$text\"" grep -qF -- "$text" "$label.err"
    done
    if [[ $failures -gt $before ]]; then
        echo "  ($label: stderr, first lines:)"
        sed -n '1,25p' "$label.err" | sed 's/^/    /'
    fi
}

# names_origin <label> <name as opened> <absolute path>: carve's message names the origin, as the
# program named it or by its absolute path.
names_origin() {
    check "$1: the message names the origin ($2 or $3)" \
        grep -qF -e "origin $2 " -e "origin $3 " -e "origin '$2'" -e "origin '$3'" "$1.err"
}

# --- the manifest's replay section ----------------------------------------------------------------

# replay_counter <manifest> <key>: the value of replay.<key> ("" when there is no replay section).
replay_counter() {
    sed -n '/^replay:/,/^[^ ]/s/^  *'"$2"': *\([0-9][0-9]*\) *$/\1/p' "$1" | head -1
}
COUNTER_KEYS=(runs reads hits misses partial bytes_from_container bytes_from_origin origin_requests)
# counters <manifest>: the replay counters, in COUNTER_KEYS order, 0 for a missing section.
counters() {
    local k v values=()
    for k in "${COUNTER_KEYS[@]}"; do
        v=$(replay_counter "$1" "$k")
        values+=("${v:-0}")
    done
    echo "${values[*]}"
}
# delta <before> <after> <key>: what one or more runs added to counter <key>.
delta() {
    local -a was now
    local i
    read -r -a was <<<"$1"
    read -r -a now <<<"$2"
    for i in "${!COUNTER_KEYS[@]}"; do
        [[ ${COUNTER_KEYS[i]} == "$3" ]] && { echo $((now[i] - was[i])); return; }
    done
    echo "delta: no key $3" >&2
    return 1
}
# without_replay <manifest>: the manifest without its replay section.
without_replay() { awk '/^replay:/ { skip = 1; next } skip && /^[^ ]/ { skip = 0 } !skip' "$1"; }

# save_container <container> <prefix>: copies to compare with later (unchanged_container).
save_container() {
    cp -p "$1" "$2.saved.carve.h5"
    without_replay "$(manifest_of "$1")" >"$2.saved.manifest"
}
unchanged_container() {
    local label=$1 container=$2 prefix=$3
    check "$label: the container is byte-identical to before" cmp -s "$container" "$prefix.saved.carve.h5"
    without_replay "$(manifest_of "$container")" >"$prefix.now.manifest"
    if cmp -s "$prefix.saved.manifest" "$prefix.now.manifest"; then
        pass "$label: the manifest is unchanged but for its replay section"
    else
        checks=$((checks + 1))
        fail "$label: the manifest changed outside its replay section:"
        diff "$prefix.saved.manifest" "$prefix.now.manifest" | sed -n '1,20p' || true
    fi
}

# expect_counters <label> <before> <after> <key>=<value|+> ...: the counters one run added.
# "+" means greater than 0, "reads" means equal to the reads counter's delta.
expect_counters() {
    local label=$1 before=$2 after=$3 spec key want got
    shift 3
    for spec in "$@"; do
        key=${spec%%=*} want=${spec#*=}
        got=$(delta "$before" "$after" "$key")
        case $want in
        +) check "$label: replay counter $key grew (by $got)" test "$got" -gt 0 ;;
        reads) check "$label: replay counter $key ($got) equals reads ($(delta "$before" "$after" reads))" \
            test "$got" = "$(delta "$before" "$after" reads)" ;;
        *) check "$label: replay counter $key grew by $want (by $got)" test "$got" = "$want" ;;
        esac
    done
}

# summary_of <label>: "reads hits misses partial from_container from_origin requests" of its log=summary line.
summary_of() {
    sed -n 's/^carve: replay of .* from .*: \([0-9]*\) reads: \([0-9]*\) hits, \([0-9]*\) misses, \([0-9]*\) partial; \([0-9]*\) bytes from the container, \([0-9]*\) from the origin; \([0-9]*\) origin requests$/\1 \2 \3 \4 \5 \6 \7/p' \
        "$1.err"
}
SUMMARY_RE='^carve: replay of .* from .*: [0-9]+ reads: [0-9]+ hits, [0-9]+ misses, [0-9]+ partial; [0-9]+ bytes from the container, [0-9]+ from the origin; [0-9]+ origin requests$'
READ_LINE_RE='^carve: replay [^ ]+ [^ ]+: (hit|miss|partial), [0-9]+ elements from the container, [0-9]+ from the origin$'

# tool <output> <connector or -> <program> <args...>: an HDF5 tool, with the sanitizer preload when set.
tool() {
    local out=$1 conn=$2
    shift 2
    local rc=0
    if [[ $conn == - ]]; then
        env -u HDF5_VOL_CONNECTOR LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$@" >"$out" 2>"$out.err" || rc=$?
    else
        HDF5_VOL_CONNECTOR="$conn" LD_PRELOAD="${CARVE_TEST_PRELOAD:-}" "${wrapper[@]}" "$@" >"$out" 2>"$out.err" || rc=$?
    fi
    echo "$rc" >"$out.rc"
    printf '  %-22s exit %-3s %s%s\n' "${out##*/}" "$rc" \
        "$(if [[ $conn != - ]]; then printf 'HDF5_VOL_CONNECTOR=%q ' "$conn"; fi)" "${1##*/} ${*:2}"
    return 0
}

finish() {
    echo "run_replay.sh $case_name: $((checks - failures)) passed, $failures failed (work files in $work)"
    [[ $failures -eq 0 && $checks -gt 0 ]]
}

# carve_first <label> <dir> <workload> [<connector> <container dir>]: carves <dir>/zoo.h5 with one
# workload (under "$CARVE", or <connector>); sets `container` to the container written beside it (or in
# <container dir>: the caller sets dir= or CARVE_DIR to match), returns 1 after a FAIL when there is none.
carve_first() {
    local label=$1 dir=$2 wl=$3 conn=${4:-$CARVE} cdir=${5:-$2}
    workload "$label" "$conn" "$dir/zoo.h5" "$wl" "$label.txt"
    check "$label: carving $wl succeeds (exit $(rc_of "$label"))" test "$(rc_of "$label")" = 0
    if ! container=$(the_container "$cdir" zoo.h5); then
        checks=$((checks + 1))
        fail "$label: a container of $dir/zoo.h5 in $cdir"
        return 1
    fi
    container=$(realpath "$container")
    if [[ $cdir != "$dir" ]]; then
        check "$label: nothing carved beside the origin" test -z "$(find "$dir" -maxdepth 1 -name '*.carve.*')"
    fi
}

# in_dir <dir> <command> <args...>: the command run with <dir> as the working directory (a subshell: the
# caller stays in $work; output names given to tool must then be absolute, "$work/<name>").
in_dir() {
    local dir=$1
    shift
    (cd "$dir" && "$@")
}

# workload_in <dir> <label> <connector or -> <file> <workload>: carve_workload run from <dir>, its files
# (<label>.out, .err, .rc and the read log <label>.txt) in $work as for workload.
workload_in() {
    local dir=$1 label=$2 up
    up=$(cd "$dir" && realpath -m --relative-to="$PWD" "$work")
    in_dir "$dir" workload "$up/$label" "$3" "$4" "$5" "$up/$label.txt"
}

# snapshot <container>: the counters of every container in its directory, one line each: "<path> <counters>".
snapshot() {
    local c
    shopt -s nullglob
    for c in "${1%/*}"/*.carve.h5; do
        echo "$c $(counters "$(manifest_of "$c")")"
    done
    shopt -u nullglob
}
# counters_in <snapshot> <container>: that container's counters in the snapshot (zeros when absent).
counters_in() {
    local line
    line=$(grep -F -- "$2 " <<<"$1" | head -1 || true)
    if [[ -n $line ]]; then
        echo "${line#"$2 "}"
    else
        echo "0 0 0 0 0 0 0 0"
    fi
}

# expect_all_hits <label> <native label> <container> <snapshot before>: the run was served by carve
# with a clean stderr, read what the native run read (checksum and read log), and the container's
# manifest counted one run whose every dataset read was a hit: nothing from the origin, no request to
# it. Any other container beside it that the run used (an external link's target) served hits only too.
expect_all_hits() {
    local label=$1 native=$2 container=$3 snap=$4 manifest before after logged
    manifest=$(manifest_of "$container")
    before=$(counters_in "$snap" "$container")
    expect_served "$label"
    same_results "$label" "$native"
    check "$label: logged the same reads as the native run" cmp -s "$native.txt" "$label.txt"
    after=$(counters "$manifest")
    echo "  $label counters: ${COUNTER_KEYS[*]}"
    echo "  $(printf '%*s' ${#label} '')    after: $after"
    logged=$(reads_logged "$native.txt")
    check "$label: the manifest has a replay section" test -n "$(replay_counter "$manifest" runs)"
    expect_counters "$label" "$before" "$after" runs=1 reads="$logged" hits=reads misses=0 partial=0 \
        bytes_from_origin=0 origin_requests=0
    if [[ $logged -gt 0 ]]; then
        expect_counters "$label" "$before" "$after" hits=+
    fi
    others_all_hits "$label" "$container" "$snap"
}

# others_all_hits <label> <container> <snapshot before>: every other container beside <container> whose
# counters moved since the snapshot (an external link's target) counted hits only.
others_all_hits() {
    local label=$1 container=$2 snap=$3 c b a
    shopt -s nullglob
    for c in "${container%/*}"/*.carve.h5; do
        [[ $c != "$container" ]] || continue
        b=$(counters_in "$snap" "$c") a=$(counters "$(manifest_of "$c")")
        [[ $a != "$b" ]] || continue
        echo "  $label also used ${c##*/}: $a"
        expect_counters "$label (${c##*/})" "$b" "$a" hits=reads misses=0 partial=0 bytes_from_origin=0 \
            origin_requests=0
    done
    shopt -u nullglob
}

# expect_link_target_hit <label> <container> <snapshot before>: for the links workload, the read through
# the external link (into zoo_ext.h5) was served by zoo_ext.h5's own container beside <container>: one
# read, a hit.
expect_link_target_hit() {
    local label=$1 ext
    if ! ext=$(the_container "${2%/*}" zoo_ext.h5); then
        checks=$((checks + 1))
        fail "$label: a container of zoo_ext.h5 (the external link's target) beside ${2##*/}"
        return 0
    fi
    expect_counters "$label (${ext##*/}, the external link's target)" "$(counters_in "$3" "$ext")" \
        "$(counters "$(manifest_of "$ext")")" reads=1 hits=1
}

# --- the cases ------------------------------------------------------------------------------------

case_zoo() {
    local wl=$1 container manifest before after logged snap
    make_zoo zoo.h5
    workload native - zoo.h5 "$wl" native.txt
    check "native: $wl runs natively" test "$(rc_of native)" = 0
    carve_first carve . "$wl" || return 0
    manifest=$(manifest_of "$container")
    check "carve: no replay section before any replay" test -z "$(replay_counter "$manifest" runs)"
    save_container "$container" carve

    mv zoo.h5 zoo.h5.away
    snap=$(snapshot "$container")
    workload replay "$REPLAY" zoo.h5 "$wl" replay.txt
    expect_all_hits replay native "$container" "$snap"
    if [[ $wl == links ]]; then
        expect_link_target_hit replay "$container" "$snap"
    fi
    after=$(counters "$manifest")
    logged=$(reads_logged native.txt)
    check "replay: the origin was not recreated" test ! -e zoo.h5
    unchanged_container replay "$container" carve
    mv zoo.h5.away zoo.h5

    # Again, the origin back in place: still all hits, counters summed.
    workload again "$REPLAY" zoo.h5 "$wl" again.txt
    expect_served again
    same_results again native
    before=$after
    after=$(counters "$manifest")
    expect_counters again "$before" "$after" runs=1 reads="$logged" hits=reads misses=0 partial=0 bytes_from_origin=0
    check "again: replay.runs is 2" test "$(replay_counter "$manifest" runs)" = 2
    check "again: replay.reads is the sum over both runs ($((2 * logged)))" \
        test "$(replay_counter "$manifest" reads)" = "$((2 * logged))"
    check "again: replay.last is set" grep -qE '^  last: [0-9]{4}-' "$manifest"
    unchanged_container again "$container" carve
}

# --- placements: where the containers are, and whether the origin is still where it was carved -------
# In every placement but `beside` (case_zoo, case_overlap, case_h5dump) the zoo is data/zoo.h5 (and
# data/zoo_ext.h5, its external link's target), opened by that relative name from $work, and carved into
# the directory $work/bundle (CARVE_DIR or dir=):
#   dir     the origin stays where it is
#   gone    the whole directory data is renamed away (data.away) before the replay
#   copied  the bundle is shipped (tar, unpacked as $work/elsewhere/shipped, the original bundle removed),
#           data renamed away, and the program replayed from $work/other, where data/zoo.h5 does not
#           exist, with CARVE_DIR=$work/elsewhere/shipped
PLACED_NAME=data/zoo.h5

# origin_gone: data renamed away (and checked to be gone).
origin_gone() {
    mv data data.away
    check "data/ is renamed away (data.away)" test ! -e data -a -f data.away/zoo.h5
}

# ship_bundle: the `copied` placement's move: sets `shipped` (the unpacked bundle) and `other` (the
# working directory to replay from); data renamed away.
ship_bundle() {
    tar -C "$work" -cf bundle.tar bundle
    mkdir -p elsewhere other
    tar -C elsewhere -xf bundle.tar
    mv elsewhere/bundle elsewhere/shipped
    rm -rf bundle
    shipped=$work/elsewhere/shipped
    other=$work/other
    origin_gone
    check "the bundle is shipped: bundle/ removed, the containers in elsewhere/shipped" \
        test ! -e bundle -a -n "$(find elsewhere/shipped -name '*.carve.h5')"
    check "other/ holds no data/zoo.h5" test ! -e other/data/zoo.h5
}

# case_zoo_placed <placement> <workload>: one zoo workload carved into the bundle and replayed in the
# placement; every replay must be all hits with the native checksum (expect_all_hits), the container
# byte-identical and the manifest unchanged but for its replay section.
case_zoo_placed() {
    local placement=$1 wl=$2 container manifest snap shipped other
    make_zoo "$PLACED_NAME"
    workload native - "$PLACED_NAME" "$wl" native.txt
    check "native: $wl runs natively" test "$(rc_of native)" = 0
    mkdir -p bundle
    CARVE_DIR=$work/bundle carve_first carve data "$wl" "$CARVE" bundle || return 0
    manifest=$(manifest_of "$container")
    save_container "$container" carve
    case $placement in
    dir)
        echo "--- $placement: the origin present, CARVE_DIR=bundle"
        snap=$(snapshot "$container")
        CARVE_DIR=$work/bundle workload replay "$REPLAY" "$PLACED_NAME" "$wl" replay.txt
        expect_all_hits replay native "$container" "$snap"
        [[ $wl != links ]] || expect_link_target_hit replay "$container" "$snap"
        echo "--- $placement: the origin present, dir=bundle in the connector string"
        snap=$(snapshot "$container")
        workload replay-dir "$REPLAY;dir={$work/bundle}" "$PLACED_NAME" "$wl" replay-dir.txt
        expect_all_hits replay-dir native "$container" "$snap"
        [[ $wl != links ]] || expect_link_target_hit replay-dir "$container" "$snap"
        check "replay-dir: replay.runs is 2" test "$(replay_counter "$manifest" runs)" = 2
        unchanged_container replay-dir "$container" carve
        ;;
    gone)
        echo "--- $placement: data/ renamed away, CARVE_DIR=bundle"
        origin_gone
        snap=$(snapshot "$container")
        CARVE_DIR=$work/bundle workload replay "$REPLAY" "$PLACED_NAME" "$wl" replay.txt
        expect_all_hits replay native "$container" "$snap"
        [[ $wl != links ]] || expect_link_target_hit replay "$container" "$snap"
        check "replay: data/ was not recreated" test ! -e data
        unchanged_container replay "$container" carve
        ;;
    copied)
        echo "--- $placement: the bundle shipped to elsewhere/shipped, data/ renamed away, run from other/"
        ship_bundle
        container=$shipped/${container##*/}
        manifest=$(manifest_of "$container")
        snap=$(snapshot "$container")
        CARVE_DIR=$shipped workload_in "$other" replay "$REPLAY" "$PLACED_NAME" "$wl"
        expect_all_hits replay native "$container" "$snap"
        [[ $wl != links ]] || expect_link_target_hit replay "$container" "$snap"
        check "replay: nothing was created in other/ or beside the origin's names" \
            test -z "$(find other -mindepth 1)" -a ! -e data
        unchanged_container replay "$container" carve
        ;;
    *)
        echo "run_replay.sh: unknown placement '$placement'" >&2
        exit 2
        ;;
    esac
}

# overlap_pair <placement> <A> <B>: one pair of the overlap case, in its own directory <A>-<B>: `beside`
# (the zoo <A>-<B>/zoo.h5, containers beside it) or `dir` (the zoo <A>-<B>/data/zoo.h5, carved with dir=
# in the connector string into <A>-<B>/bundle, replayed with dir= too); the origin present throughout.
overlap_pair() {
    local placement=$1 a=$2 b=$3 d="$2-$3" zdir container manifest before after s reads hits misses partial
    local from_c from_o n zoo carve_conn=$CARVE replay_conn=$REPLAY
    echo "--- $placement: carve $a, replay $b"
    zdir=$d
    if [[ $placement == dir ]]; then
        zdir=$d/data
        mkdir -p "$d/bundle"
        carve_conn="$CARVE;dir={$work/$d/bundle}"
        replay_conn="$REPLAY;dir={$work/$d/bundle}"
    fi
    zoo=$zdir/zoo.h5
    make_zoo "$zoo"
    workload "$d/native" - "$zoo" "$b" "$d/native.txt"
    check "$d: $b runs natively" test "$(rc_of "$d/native")" = 0
    if [[ $placement == dir ]]; then
        carve_first "$d/carve" "$zdir" "$a" "$carve_conn" "$d/bundle" || return 0
    else
        carve_first "$d/carve" "$zdir" "$a" || return 0
    fi
    manifest=$(manifest_of "$container")

    before=$(counters "$manifest")
    CARVE_LOG=summary workload "$d/summary" "$replay_conn" "$zoo" "$b" "$d/summary.txt"
    expect_served "$d/summary" "$SUMMARY_RE"
    same_results "$d/summary" "$d/native"
    check "$d/summary: logged the same reads as the native run" cmp -s "$d/native.txt" "$d/summary.txt"
    after=$(counters "$manifest")
    n=$(grep -cE "$SUMMARY_RE" "$d/summary.err" || true)
    check "$d/summary: one summary line on stderr ($n)" test "$n" = 1
    s=$(summary_of "$d/summary")
    echo "  summary: ${s:-none}"
    if [[ -n $s ]]; then
        read -r reads hits misses partial from_c from_o _ <<<"$s"
        check "$d/summary: $b reads outside $a: misses ($misses) or partial ($partial) > 0" \
            test $((misses + partial)) -gt 0
        check "$d/summary: hits + misses + partial = reads ($reads)" test $((hits + misses + partial)) = "$reads"
        check "$d/summary: reads ($reads) = the dataset reads logged" test "$reads" = "$(reads_logged "$d/native.txt")"
        check "$d/summary: bytes from the origin > 0 ($from_o)" test "$from_o" -gt 0
        check "$d/summary: names the container" grep -qF "from $container:" "$d/summary.err"
        check "$d/summary: agrees with the manifest's counters" test \
            "$(delta "$before" "$after" reads) $(delta "$before" "$after" hits) $(delta "$before" "$after" misses) $(delta "$before" "$after" partial) $(delta "$before" "$after" bytes_from_container) $(delta "$before" "$after" bytes_from_origin)" \
            = "$reads $hits $misses $partial $from_c $from_o"
    fi

    # log=reads: a line per dataset read, classified as the counters say.
    before=$(counters "$manifest")
    workload "$d/reads" "$replay_conn;log=reads" "$zoo" "$b" "$d/reads.txt"
    expect_served "$d/reads" "$SUMMARY_RE|$READ_LINE_RE"
    same_results "$d/reads" "$d/native"
    after=$(counters "$manifest")
    n=$(grep -cE "$READ_LINE_RE" "$d/reads.err" || true)
    check "$d/reads: one line per dataset read ($n, logged $(reads_logged "$d/native.txt"))" \
        test "$n" = "$(reads_logged "$d/native.txt")"
    local kind
    for kind in hit:hits miss:misses partial:partial; do
        n=$(grep -cE "^carve: replay [^ ]+ [^ ]+: ${kind%%:*}, " "$d/reads.err" || true)
        check "$d/reads: ${kind%%:*} lines ($n) = the ${kind#*:} counted" test "$n" = "$(delta "$before" "$after" "${kind#*:}")"
    done

    # The container read into memory.
    workload "$d/in-memory" "$replay_conn;in_memory=yes" "$zoo" "$b" "$d/in-memory.txt"
    expect_served "$d/in-memory"
    same_results "$d/in-memory" "$d/native"
    # The size form and its environment variable do not depend on the placement: beside only (time).
    if [[ $placement == beside ]]; then
        CARVE_IN_MEMORY=64M workload "$d/in-memory-size" "$replay_conn" "$zoo" "$b" "$d/in-memory-size.txt"
        expect_served "$d/in-memory-size"
        same_results "$d/in-memory-size" "$d/native"
    fi
}

# overlap_gone_pair <A> <B>: in <A>-<B>, the zoo data/zoo.h5 carved with A into bundle (CARVE_DIR);
# B replayed with the origin present (log=reads: its first read that needs the origin), then with data/
# renamed away: refused at that read, as case_missing_origin says; then with origin= naming the moved
# file: B's native checksum, the misses read from there.
overlap_gone_pair() {
    local a=$1 b=$2 d="$1-$2" container manifest before after first moved
    echo "--- gone: carve $a, replay $b"
    mkdir -p "$d/bundle"
    make_zoo "$d/$PLACED_NAME"
    workload_in "$d" "$d/native" - "$PLACED_NAME" "$b"
    check "$d: $b runs natively" test "$(rc_of "$d/native")" = 0
    CARVE_DIR=$work/$d/bundle workload_in "$d" "$d/carve" "$CARVE" "$PLACED_NAME" "$a"
    check "$d/carve: carving $a succeeds (exit $(rc_of "$d/carve"))" test "$(rc_of "$d/carve")" = 0
    if ! container=$(the_container "$d/bundle" zoo.h5); then
        checks=$((checks + 1))
        fail "$d/carve: a container of $d/$PLACED_NAME in $d/bundle"
        return 0
    fi
    container=$(realpath "$container")
    manifest=$(manifest_of "$container")
    save_container "$container" "$d/carve"

    CARVE_DIR=$work/$d/bundle workload_in "$d" "$d/present" "$REPLAY;log=reads" "$PLACED_NAME" "$b"
    expect_served "$d/present" "$SUMMARY_RE|$READ_LINE_RE"
    same_results "$d/present" "$d/native"
    first=$(sed -n 's/^carve: replay [^ ]* \([^ ]*\): \(miss\|partial\), .*/\1/p' "$d/present.err" | head -1)
    check "$d/present: a read of $b needs the origin (first: ${first:-none})" test -n "$first"
    [[ -n $first ]] || return 0

    (cd "$d" && mv data data.away)
    moved=$work/$d/data.away/zoo.h5
    CARVE_DIR=$work/$d/bundle workload_in "$d" "$d/gone" "$REPLAY" "$PLACED_NAME" "$b"
    expect_refused "$d/gone" 1 "cannot read $first" "not in container" "$container" "is not available"
    check "$d/gone: the message names exactly $first" grep -qE "cannot read ${first}[ :]" "$d/gone.err"
    names_origin "$d/gone" "$PLACED_NAME" "$work/$d/$PLACED_NAME"
    check "$d/gone: data/ was not recreated" test ! -e "$d/data"
    unchanged_container "$d/gone" "$container" "$d/carve"

    before=$(counters "$manifest")
    CARVE_DIR=$work/$d/bundle workload_in "$d" "$d/override" "$REPLAY;origin={$moved}" "$PLACED_NAME" "$b"
    expect_served "$d/override"
    same_results "$d/override" "$d/native"
    after=$(counters "$manifest")
    expect_counters "$d/override" "$before" "$after" runs=1 bytes_from_origin=+
    check "$d/override: nothing was carved beside the moved origin" test -z "$(find "$d/data.away" -name '*.carve.*')"
}

OVERLAP_PAIRS=(rows:strided rows:union points:rows compound_subset:types compound_subset:convert vlen:types
    multi:rows edge:all strided:multi union:rows rows:refs)

# case_overlap [<placement>]: every pair of OVERLAP_PAIRS, beside (default), dir or gone.
case_overlap() {
    local placement=${1:-beside} pair
    for pair in "${OVERLAP_PAIRS[@]}"; do
        case $placement in
        beside | dir) overlap_pair "$placement" "${pair%%:*}" "${pair#*:}" ;;
        gone) overlap_gone_pair "${pair%%:*}" "${pair#*:}" ;;
        *)
            echo "run_replay.sh: overlap has no placement '$placement'" >&2
            exit 2
            ;;
        esac
    done
}

case_missing_origin() {
    local container origin label b
    make_zoo zoo.h5
    origin=$(realpath zoo.h5)
    carve_first carve . rows || return 0
    save_container "$container" carve
    mv zoo.h5 zoo.h5.away
    # strided needs /data/chunked_deflate (never read by rows: a miss), points /data/chunked_fletcher32.
    for label in strided points; do
        b=$label
        workload "$label" "$REPLAY" zoo.h5 "$b" "$label.txt"
        case $b in
        strided) expect_refused "$label" 1 "cannot read /data/chunked_deflate" "not in container" "$container" ;;
        points) expect_refused "$label" 1 "cannot read /data/chunked_fletcher32" "not in container" "$container" ;;
        esac
        names_origin "$label" zoo.h5 "$origin"
        check "$label: the error is on HDF5's error stack (carve's error class)" grep -q 'carve-DIAG' "$label.err"
        check "$label: the message says the origin is not available" grep -qF 'is not available' "$label.err"
        check "$label: the origin was not recreated" test ! -e zoo.h5
        unchanged_container "$label" "$container" carve
    done
    # Replaying what was carved still works without the origin.
    workload rows "$REPLAY" zoo.h5 rows rows.txt
    expect_served rows
    mv zoo.h5.away zoo.h5
}

case_changed_origin() {
    local container manifest origin before after
    make_zoo zoo.h5
    origin=$(realpath zoo.h5)
    workload native-a - zoo.h5 rows native-a.txt
    workload native-b - zoo.h5 strided native-b.txt
    carve_first carve . rows || return 0
    manifest=$(manifest_of "$container")
    save_container "$container" carve

    echo "--- the origin's mtime changes"
    touch -d '2001-02-03 04:05:06' zoo.h5
    workload mtime "$REPLAY" zoo.h5 rows mtime.txt
    expect_refused mtime 1 "changed since"
    names_origin mtime zoo.h5 "$origin"
    before=$(counters "$manifest")
    workload mtime-hits "$REPLAY;on_change=hits" zoo.h5 rows mtime-hits.txt
    expect_served mtime-hits
    same_results mtime-hits native-a
    after=$(counters "$manifest")
    expect_counters mtime-hits "$before" "$after" hits=reads misses=0 partial=0 bytes_from_origin=0
    workload mtime-hits-b "$REPLAY;on_change=hits" zoo.h5 strided mtime-hits-b.txt
    expect_refused mtime-hits-b 1 "changed"
    names_origin mtime-hits-b zoo.h5 "$origin"
    workload mtime-trust "$REPLAY;on_change=trust" zoo.h5 rows mtime-trust.txt
    expect_served mtime-trust
    same_results mtime-trust native-a
    workload mtime-trust-b "$REPLAY;on_change=trust" zoo.h5 strided mtime-trust-b.txt
    expect_served mtime-trust-b
    same_results mtime-trust-b native-b
    CARVE_ON_CHANGE=trust workload mtime-trust-env "$REPLAY" zoo.h5 strided mtime-trust-env.txt
    expect_served mtime-trust-env
    same_results mtime-trust-env native-b
    CARVE_ON_CHANGE=hits workload mtime-hits-env "$REPLAY" zoo.h5 rows mtime-hits-env.txt
    expect_served mtime-hits-env
    same_results mtime-hits-env native-a
    unchanged_container mtime "$container" carve

    echo "--- one byte appended"
    printf '\0' >>zoo.h5
    workload size "$REPLAY" zoo.h5 rows size.txt
    expect_refused size 1 "changed since"
    names_origin size zoo.h5 "$origin"
    workload size-hits "$REPLAY;on_change=hits" zoo.h5 rows size-hits.txt
    expect_served size-hits
    same_results size-hits native-a
    workload size-hits-b "$REPLAY;on_change=hits" zoo.h5 strided size-hits-b.txt
    expect_refused size-hits-b 1 "changed"
    names_origin size-hits-b zoo.h5 "$origin"
    unchanged_container size "$container" carve
}

case_read_through() {
    local container manifest before after gen nruns
    make_zoo zoo.h5
    workload native-b - zoo.h5 strided native-b.txt
    carve_first carve . rows || return 0
    manifest=$(manifest_of "$container")
    cp -p "$container" carve.saved.carve.h5

    before=$(counters "$manifest")
    workload through "$REPLAY;read_through=yes" zoo.h5 strided through.txt
    expect_served through
    same_results through native-b
    after=$(counters "$manifest")
    echo "  counters before: $before"
    echo "            after: $after"
    check "through: the run needed the origin (misses + partial > 0)" \
        test $(($(delta "$before" "$after" misses) + $(delta "$before" "$after" partial))) -gt 0
    check "through: the container was updated at exit" differ "$container" carve.saved.carve.h5
    check "through: no commit leftovers" test -z "$(find . -name '*.carve.h5.tmp.*' -o -name '*.carve.yaml.tmp*')"
    gen=$(sed -n 's/^generation: *\([0-9]*\)$/\1/p' "$manifest")
    nruns=$(sed -n '/^runs:/,/^[^ -]/p' "$manifest" | grep -c '^ *- ' || true)
    echo "  manifest after read-through: generation ${gen:-?}, ${nruns} run(s)"
    local verify_log=through.verify.log rc=0
    "${wrapper[@]}" "$CARVE_TEST_VERIFY" zoo.h5 "$container" "$manifest" carve.txt --also-expected through.txt \
        --generation "${gen:-0}" --runs "$nruns" >"$verify_log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then
        pass "through: carve_verify of the container against rows + strided ($(tail -1 "$verify_log"))"
    else
        checks=$((checks + 1))
        fail "through: carve_verify exit $rc ($(tail -1 "$verify_log")); its failures:"
        grep -E '^(FAIL|    |NOTE)' "$verify_log" | sed -n '1,40p' || true
    fi

    mv zoo.h5 zoo.h5.away
    before=$(counters "$manifest")
    workload after "$REPLAY" zoo.h5 strided after.txt
    expect_served after
    same_results after native-b
    after=$(counters "$manifest")
    expect_counters after "$before" "$after" runs=1 hits=reads misses=0 partial=0 bytes_from_origin=0 hits=+
    workload after-a "$REPLAY" zoo.h5 rows after-a.txt
    expect_served after-a
    same_results after-a carve
    mv zoo.h5.away zoo.h5

    # The environment variable form, on another workload.
    workload native-p - zoo.h5 points native-p.txt
    CARVE_READ_THROUGH=yes workload through-env "$REPLAY" zoo.h5 points through-env.txt
    expect_served through-env
    same_results through-env native-p
    mv zoo.h5 zoo.h5.away
    workload after-env "$REPLAY" zoo.h5 points after-env.txt
    expect_served after-env
    same_results after-env native-p
    mv zoo.h5.away zoo.h5
}

case_direct() {
    local container manifest before after
    make_zoo zoo.h5
    workload native - zoo.h5 rows native.txt
    carve_first carve . rows || return 0
    manifest=$(manifest_of "$container")
    mv zoo.h5 zoo.h5.away
    before=$(counters "$manifest")
    workload direct "$REPLAY" "$container" rows direct.txt
    expect_served direct
    same_results direct native
    after=$(counters "$manifest")
    expect_counters direct "$before" "$after" runs=1 hits=reads hits=+ misses=0 partial=0 bytes_from_origin=0
    workload direct-rel "$REPLAY" "$(basename "$container")" rows direct-rel.txt
    expect_served direct-rel
    same_results direct-rel native
    mv zoo.h5.away zoo.h5
    # With the origin present, a read outside the container comes from it.
    workload native-b - zoo.h5 strided native-b.txt
    workload direct-b "$REPLAY" "$container" strided direct-b.txt
    expect_served direct-b
    same_results direct-b native-b
}

case_origin_override() {
    local container manifest before after moved
    make_zoo zoo.h5
    workload native-b - zoo.h5 strided native-b.txt
    carve_first carve . rows || return 0
    manifest=$(manifest_of "$container")
    mkdir -p elsewhere
    mv zoo.h5 elsewhere/zoo.h5
    moved=$work/elsewhere/zoo.h5
    before=$(counters "$manifest")
    workload override "$REPLAY;origin={$moved}" zoo.h5 strided override.txt
    expect_served override
    same_results override native-b
    after=$(counters "$manifest")
    expect_counters override "$before" "$after" runs=1 bytes_from_origin=+
    CARVE_ORIGIN=$moved workload override-env "$REPLAY" zoo.h5 strided override-env.txt
    expect_served override-env
    same_results override-env native-b
    check "nothing was carved for the moved origin" test -z "$(find elsewhere -name '*.carve.*')"
    # Without the setting the misses cannot be served.
    workload no-override "$REPLAY" zoo.h5 strided no-override.txt
    expect_refused no-override 1 "not in container"
}

# dump_pair <label> <native output> <replayed output>: equal after dropping nothing (same file name).
same_dump() {
    local label=$1 nat=$2 rep=$3
    check "$label: the replayed h5dump succeeds (exit $(cat "$rep.rc"))" test "$(cat "$rep.rc")" = 0
    if cmp -s "$nat" "$rep"; then
        pass "$label: replayed output equals native's"
    else
        checks=$((checks + 1))
        fail "$label: replayed output differs from native's (diff $nat $rep):"
        diff "$nat" "$rep" | sed -n '1,30p' || true
    fi
    if [[ -s $rep.err ]]; then
        checks=$((checks + 1))
        fail "$label: nothing on stderr, but:"
        sed -n '1,20p' "$rep.err"
    else
        pass "$label: nothing on stderr"
    fi
}

# The datasets h5dump -d replays (each read whole by the `all` workload).
H5DUMP_DATASETS=(/data/contiguous /data/compact /data/chunked_fletcher32 /typed/int16_be /groups/g1/g1a/deep/deeper/leaf)

case_h5dump() {
    local container ds i=0
    local datasets=("${H5DUMP_DATASETS[@]}")
    make_zoo zoo.h5
    tool native.A - "$CARVE_TEST_H5DUMP" -A zoo.h5
    for ds in "${datasets[@]}"; do
        i=$((i + 1))
        tool "native.d$i" - "$CARVE_TEST_H5DUMP" -d "$ds" zoo.h5
    done
    carve_first carve . all || return 0

    echo "--- h5dump -A, origin present (only \`all\` carved: the rest from the origin)"
    tool present.A "$REPLAY" "$CARVE_TEST_H5DUMP" -A zoo.h5
    same_dump "h5dump -A (origin present)" native.A present.A

    echo "--- h5dump -d, origin removed"
    mv zoo.h5 zoo.h5.away
    i=0
    for ds in "${datasets[@]}"; do
        i=$((i + 1))
        tool "replay.d$i" "$REPLAY" "$CARVE_TEST_H5DUMP" -d "$ds" zoo.h5
        same_dump "h5dump -d $ds" "native.d$i" "replay.d$i"
    done

    # h5dump -A prints the data of the datasets object-reference attributes point at (/grid2d and
    # others): carve what h5dump -A reads too, then replay it without the origin.
    echo "--- h5dump -A carved, then replayed with the origin removed"
    mv zoo.h5.away zoo.h5
    tool carve.A "$CARVE" "$CARVE_TEST_H5DUMP" -A zoo.h5
    check "carving h5dump -A succeeds, same output as native" cmp -s native.A carve.A
    mv zoo.h5 zoo.h5.away
    tool replay.A "$REPLAY" "$CARVE_TEST_H5DUMP" -A zoo.h5
    same_dump "h5dump -A (origin removed)" native.A replay.A
    mv zoo.h5.away zoo.h5
}

# case_h5dump_placed <placement>: data/zoo.h5 in the placement (dir, gone, copied): `all` and h5dump -A
# carved into the bundle (CARVE_DIR); then h5dump -d of each dataset `all` read and h5dump -A, replayed:
# output equal to native's, nothing on stderr, every read a hit (the counters of the six runs). In `dir`,
# first h5dump -A with only `all` carved (the rest from the origin, which is there) too.
case_h5dump_placed() {
    local placement=$1 ds i=0 container manifest snap before after run_dir=$work cdir=$work/bundle shipped other
    make_zoo "$PLACED_NAME"
    tool native.A - "$CARVE_TEST_H5DUMP" -A "$PLACED_NAME"
    for ds in "${H5DUMP_DATASETS[@]}"; do
        i=$((i + 1))
        tool "native.d$i" - "$CARVE_TEST_H5DUMP" -d "$ds" "$PLACED_NAME"
    done
    mkdir -p bundle
    CARVE_DIR=$cdir carve_first carve data all "$CARVE" bundle || return 0
    if [[ $placement == dir ]]; then
        echo "--- $placement: h5dump -A, only \`all\` carved: the rest from the origin"
        CARVE_DIR=$cdir tool present.A "$REPLAY" "$CARVE_TEST_H5DUMP" -A "$PLACED_NAME"
        same_dump "h5dump -A (only \`all\` carved, origin present)" native.A present.A
    fi
    CARVE_DIR=$cdir tool carve.A "$CARVE" "$CARVE_TEST_H5DUMP" -A "$PLACED_NAME"
    check "carving h5dump -A succeeds (exit $(cat carve.A.rc)), same output as native" \
        test "$(cat carve.A.rc)" = 0 -a -z "$(cmp native.A carve.A 2>&1)"
    case $placement in
    dir) echo "--- $placement: the origin present, CARVE_DIR=bundle" ;;
    gone)
        echo "--- $placement: data/ renamed away, CARVE_DIR=bundle"
        origin_gone
        ;;
    copied)
        echo "--- $placement: the bundle shipped to elsewhere/shipped, data/ renamed away, run from other/"
        ship_bundle
        container=$shipped/${container##*/}
        cdir=$shipped
        run_dir=$other
        ;;
    *)
        echo "run_replay.sh: unknown placement '$placement'" >&2
        exit 2
        ;;
    esac
    manifest=$(manifest_of "$container")
    snap=$(snapshot "$container")
    before=$(counters "$manifest")
    i=0
    for ds in "${H5DUMP_DATASETS[@]}"; do
        i=$((i + 1))
        CARVE_DIR=$cdir in_dir "$run_dir" tool "$work/replay.d$i" "$REPLAY" "$CARVE_TEST_H5DUMP" -d "$ds" "$PLACED_NAME"
        same_dump "h5dump -d $ds" "native.d$i" "replay.d$i"
    done
    CARVE_DIR=$cdir in_dir "$run_dir" tool "$work/replay.A" "$REPLAY" "$CARVE_TEST_H5DUMP" -A "$PLACED_NAME"
    same_dump "h5dump -A" native.A replay.A
    after=$(counters "$manifest")
    echo "  counters: ${COUNTER_KEYS[*]}"
    echo "    before: $before"
    echo "     after: $after"
    expect_counters "h5dump replays" "$before" "$after" runs=$((i + 1)) hits=reads hits=+ misses=0 partial=0 \
        bytes_from_origin=0 origin_requests=0
    others_all_hits "h5dump replays" "$container" "$snap"
}

# ambiguous: two different origins of one file name, a/zoo.h5 (the zoo, carved by rows) and b/zoo.h5 (the
# variant zoo with an older mtime, carved by strided), carved into one CARVE_DIR; both directories renamed
# away. zoo.h5 opened from other/ (where it does not exist): refused, exit 1, naming both containers;
# a/zoo.h5 and b/zoo.h5 opened from $work (their exact containers) and from other/ (the container whose
# origin shares the most trailing path segments): each served by its own container, all hits, the
# other container's counters untouched.
case_ambiguous() {
    local bundle=$work/bundle ca cb ma mb snap found x from rundir
    mkdir -p a b bundle other
    make_zoo a/zoo.h5
    "$CARVE_TEST_MAKE_ZOO" --variant b/zoo.h5 >/dev/null
    touch -d '2001-02-03 04:05:06' b/zoo.h5
    workload native-a - a/zoo.h5 rows native-a.txt
    workload native-b - b/zoo.h5 strided native-b.txt
    check "native: rows of a/zoo.h5 and strided of b/zoo.h5 run natively" \
        test "$(rc_of native-a) $(rc_of native-b)" = "0 0"
    CARVE_DIR=$bundle carve_first carve-a a rows "$CARVE" bundle || return 0
    ca=$container
    CARVE_DIR=$bundle workload carve-b "$CARVE" b/zoo.h5 strided carve-b.txt
    check "carve-b: carving strided succeeds (exit $(rc_of carve-b))" test "$(rc_of carve-b)" = 0
    shopt -s nullglob
    found=("$bundle"/zoo.h5-????????????????.carve.h5)
    shopt -u nullglob
    cb=
    for x in "${found[@]}"; do
        [[ $x == "$ca" ]] || cb=$x
    done
    check "two containers of zoo.h5 in the bundle (${#found[@]})" test "${#found[@]}" = 2 -a -n "$cb"
    [[ -n $cb ]] || return 0
    ma=$(manifest_of "$ca") mb=$(manifest_of "$cb")
    mv a a.away
    mv b b.away

    echo "--- zoo.h5 opened from other/: which container?"
    CARVE_DIR=$bundle workload_in other which "$REPLAY" zoo.h5 rows
    expect_refused which 1 "cannot tell which container stands for zoo.h5" "$ca" "$cb"
    check "which: no replay counted in either manifest" \
        test -z "$(replay_counter "$ma" runs)$(replay_counter "$mb" runs)"

    for from in parent other; do
        rundir=$work/other
        [[ $from == parent ]] && rundir=$work
        echo "--- a/zoo.h5 and b/zoo.h5 opened from $rundir"
        snap=$(snapshot "$ca")
        CARVE_DIR=$bundle workload_in "$rundir" "$from-a" "$REPLAY" a/zoo.h5 rows
        expect_all_hits "$from-a" native-a "$ca" "$snap"
        check "$from-a: b's container was not used (its counters unchanged)" \
            test "$(counters "$mb")" = "$(counters_in "$snap" "$cb")"
        snap=$(snapshot "$cb")
        CARVE_DIR=$bundle workload_in "$rundir" "$from-b" "$REPLAY" b/zoo.h5 strided
        expect_all_hits "$from-b" native-b "$cb" "$snap"
        check "$from-b: a's container was not used (its counters unchanged)" \
            test "$(counters "$ma")" = "$(counters_in "$snap" "$ca")"
    done
}

case_passthrough() {
    make_zoo zoo.h5
    workload native - zoo.h5 rows native.txt
    workload replay "$REPLAY" zoo.h5 rows replay.txt
    expect_served replay
    same_results replay native
    CARVE_LOG=summary workload replay-log "$REPLAY;read_through=yes" zoo.h5 rows replay-log.txt
    expect_served replay-log
    same_results replay-log native
    mkdir -p cdir
    CARVE_DIR=$work/cdir workload replay-dir "$REPLAY" zoo.h5 strided replay-dir.txt
    workload native-dir - zoo.h5 strided native-dir.txt
    expect_served replay-dir
    same_results replay-dir native-dir
    check "no container or manifest created" test -z "$(find "$work" -name '*.carve.*')"
}

case_ros3() {
    [[ $# -eq 4 ]] || { echo "usage: $0 ros3 <work-dir> <s3-state-dir> <s3-data-dir> <bucket> <cred>" >&2; exit 2; }
    local state=$1 data=$2 bucket=$3 cred=$4 url container manifest before after region id secret
    [[ -s $state/port ]] || { echo "FAIL: no server port in $state (fixture not started?)"; exit 1; }
    url="http://127.0.0.1:$(cat "$state/port")/$bucket/zoo.h5"
    IFS=, read -r region id secret <<<"$cred"

    echo "--- carve rows over ROS3, replay strided over ROS3"
    workload native-b - "$url" strided native-b.txt --cred "$cred"
    check "native: strided over ROS3 succeeds" test "$(rc_of native-b)" = 0
    workload native-a - "$url" rows native-a.txt --cred "$cred"
    mkdir -p cdir
    CARVE_DIR=$work/cdir workload carve "$CARVE" "$url" rows carve.txt --cred "$cred"
    check "carve: rows over ROS3 succeeds" test "$(rc_of carve)" = 0
    if container=$(the_container cdir zoo.h5); then
        manifest=$(manifest_of "$container")
        before=$(counters "$manifest")
        CARVE_DIR=$work/cdir workload replay "$REPLAY" "$url" strided replay.txt --cred "$cred"
        expect_served replay
        same_results replay native-b
        after=$(counters "$manifest")
        expect_counters replay "$before" "$after" runs=1 bytes_from_origin=+ origin_requests=+
        check "replay: hits + misses + partial = reads" test \
            $(($(delta "$before" "$after" hits) + $(delta "$before" "$after" misses) + $(delta "$before" "$after" partial))) \
            = "$(delta "$before" "$after" reads)"
        CARVE_DIR=$work/cdir workload replay-a "$REPLAY" "$url" rows replay-a.txt --cred "$cred"
        expect_served replay-a
        same_results replay-a native-a
    else
        checks=$((checks + 1))
        fail "carve: a container in CARVE_DIR"
    fi

    echo "--- an S3 origin changed after carving: refused at open (its stamp is one HEAD request)"
    local changing=replay-changing-$$.h5 curl_url put
    put=("${PYTHON:-python3}" "$here/../s3/s3client.py" --access-key "$id" --secret-key "$secret" --region "$region")
    curl_url="http://127.0.0.1:$(cat "$state/port")/$bucket/$changing"
    cp "$data/zoo.h5" "$changing"
    check "upload $changing to the S3 server" "${put[@]}" "$curl_url" put "$changing"
    mkdir -p chdir
    CARVE_DIR=$work/chdir workload changing-carve "$CARVE" "$curl_url" rows changing-carve.txt --cred "$cred"
    check "carve of $changing over ROS3 succeeds" test "$(rc_of changing-carve)" = 0
    CARVE_DIR=$work/chdir workload changing-same "$REPLAY" "$curl_url" rows changing-same.txt --cred "$cred"
    expect_served changing-same
    same_results changing-same native-a
    printf 'x' >>"$changing"
    check "upload a changed $changing" "${put[@]}" "$curl_url" put "$changing"
    CARVE_DIR=$work/chdir workload changing "$REPLAY" "$curl_url" rows changing.txt --cred "$cred"
    check "changed S3 origin: the program fails with exit 1 (exit $(rc_of changing))" test "$(rc_of changing)" = 1
    check "changed S3 origin: stderr says \"changed since\" and names the URL" \
        grep -q "origin $curl_url changed since" changing.err
    CARVE_DIR=$work/chdir workload changing-hits "$REPLAY;on_change=hits" "$curl_url" rows changing-hits.txt --cred "$cred"
    expect_served changing-hits
    same_results changing-hits native-a

    echo "--- a local copy carved, deleted, replayed with origin={URL}"
    mkdir -p local
    cp -p "$data/zoo.h5" "$data/zoo_ext.h5" local/
    workload native-local - local/zoo.h5 strided native-local.txt
    same_results native-local native-b
    carve_first carve-local local rows || return 0
    manifest=$(manifest_of "$container")
    rm local/zoo.h5
    before=$(counters "$manifest")
    AWS_REGION=$region AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret \
        workload url-origin "$REPLAY;origin={$url}" local/zoo.h5 strided url-origin.txt
    expect_served url-origin
    same_results url-origin native-b
    after=$(counters "$manifest")
    expect_counters url-origin "$before" "$after" runs=1 bytes_from_origin=+ origin_requests=+
}

# bad_container: what stands at the container's name is not a usable container: the open is refused
# naming it (never served from it, never silently read from the origin instead), and it is left as it was.
case_bad_container() {
    local saved
    make_zoo zoo.h5
    workload native - zoo.h5 rows native.txt
    carve_first carve . rows || return 0
    saved=$container.saved
    cp -p "$container" "$saved"
    # 1. garbage with carve's header: the manifest cannot be read.
    head -c 512 "$saved" >"$container"
    head -c 4096 /dev/urandom >>"$container"
    cp -p "$container" garbage.copy
    workload garbage "$REPLAY" zoo.h5 rows garbage.txt
    expect_fallback garbage "cannot replay from container $container" "manifest is unreadable"
    mv zoo.h5 zoo.h5.away
    workload garbage-away "$REPLAY" zoo.h5 rows garbage-away.txt
    mv zoo.h5.away zoo.h5
    expect_refused garbage-away 1 "cannot replay from container $container" "manifest is unreadable"
    check "garbage: the file at the container's name is left byte-identical" cmp -s "$container" garbage.copy
    # 2. a container that belongs to another origin (moved here from elsewhere).
    mkdir -p other
    make_zoo other/zoo.h5
    carve_first carve-other other rows || return 0
    cp -p "$container" "$(the_container . zoo.h5)"
    workload foreign "$REPLAY" zoo.h5 rows foreign.txt
    expect_fallback foreign "belongs to another origin" "$work/other/zoo.h5"
    mv zoo.h5 zoo.h5.away
    workload foreign-away "$REPLAY" zoo.h5 rows foreign-away.txt
    mv zoo.h5.away zoo.h5
    expect_refused foreign-away 1 "belongs to another origin" "$work/other/zoo.h5"
    # 3. the real container back: served again.
    cp -p "$saved" "$(the_container . zoo.h5)"
    workload restored "$REPLAY" zoo.h5 rows restored.txt
    expect_served restored
    same_results restored native
}

# api: carve_replay_api's checks of the calls other than H5Dread (replay_api.c), with the origin present
# and without it.
case_api() {
    local rc
    [[ -n ${CARVE_TEST_REPLAY_API:-} && -x $CARVE_TEST_REPLAY_API ]] ||
        { fail "CARVE_TEST_REPLAY_API ('${CARVE_TEST_REPLAY_API:-}') is not an executable"; return 0; }
    make_zoo zoo.h5
    rc=0
    HDF5_VOL_CONNECTOR="$CARVE" "${wrapper[@]}" "$CARVE_TEST_REPLAY_API" zoo.h5 carve >carve.out 2>&1 || rc=$?
    check "carving stage exits 0 (exit $rc)" test "$rc" = 0
    cp zoo.h5 zoo.h5.native
    for stage in present missing; do
        [[ $stage == missing ]] && mv zoo.h5 zoo.h5.away
        rc=0
        HDF5_VOL_CONNECTOR="$REPLAY;log=reads" "${wrapper[@]}" "$CARVE_TEST_REPLAY_API" zoo.h5 $stage >$stage.out \
            2>$stage.err || rc=$?
        sed 's/^/    /' "$stage.out"
        check "$stage: every check of carve_replay_api passes (exit $rc)" test "$rc" = 0
        check "$stage: carve_replay_api ran its checks" grep -q '^PASS: ' "$stage.out"
    done
    # The mixed H5Dread_multi really mixed: a hit, a split read and a miss (log=reads, origin present).
    check "present: /data/chunked_deflate's rows 0-15 were a hit" \
        grep -q '^carve: replay zoo.h5 /data/chunked_deflate: hit, 1024 elements from the container, 0 from' present.err
    check "present: /data/contiguous 0-99 was split (50 held)" \
        grep -q '^carve: replay zoo.h5 /data/contiguous: partial, 50 elements from the container, 50 from' present.err
    check "present: /grid3d was a miss" \
        grep -q '^carve: replay zoo.h5 /grid3d: miss, 0 elements from the container, 6000 from' present.err
    mv zoo.h5.away zoo.h5
}

case $case_name in
api)
    case_api
    ;;
zoo)
    [[ $# -eq 1 || $# -eq 2 ]] || { echo "usage: $0 zoo <work-dir> <workload> [beside|dir|gone|copied]" >&2; exit 2; }
    if [[ ${2:-beside} == beside ]]; then
        case_zoo "$1"
    else
        case_zoo_placed "$2" "$1"
    fi
    ;;
overlap)
    [[ $# -le 1 ]] || { echo "usage: $0 overlap <work-dir> [beside|dir|gone]" >&2; exit 2; }
    case_overlap "$@"
    ;;
h5dump)
    [[ $# -le 1 ]] || { echo "usage: $0 h5dump <work-dir> [beside|dir|gone|copied]" >&2; exit 2; }
    if [[ ${1:-beside} == beside ]]; then
        case_h5dump
    else
        case_h5dump_placed "$1"
    fi
    ;;
missing_origin | changed_origin | read_through | direct | origin_override | passthrough | bad_container | ambiguous)
    "case_$case_name"
    ;;
ros3)
    case_ros3 "$@"
    ;;
*)
    echo "run_replay.sh: unknown case '$case_name'" >&2
    exit 2
    ;;
esac
finish
