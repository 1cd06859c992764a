#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_cli.sh <case> <work-dir> — the h5carve tests (test/cli/CMakeLists.txt registers one per case).
# Environment: H5CARVE (the tool, which finds the plugin itself, relative to its own path),
# CARVE_TEST_MAKE_ZOO, CARVE_TEST_WORKLOAD, CARVE_TEST_VERSION (carve's version), CARVE_TEST_DAMAGE
# (carve_damage: where a container stores a chunk; the verify case only).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../common/compare_lib.sh
source "$here/../common/compare_lib.sh"
clear_connector_environment
unset HDF5_PLUGIN_PATH CARVE_PLUGIN_DIR

case_name=$1
rm -rf "$2" && mkdir -p "$2" && cd "$2" || exit 1
work=$(pwd)
failures=0
checks=0

# h <label> <h5carve args...>: runs h5carve, keeping <label>.out/.err/.rc.
h() {
    local label=$1 rc=0
    shift
    "$H5CARVE" "$@" >"$label.out" 2>"$label.err" || rc=$?
    echo "$rc" >"$label.rc"
    printf '  %-18s exit %-3s h5carve %s\n' "$label" "$rc" "$*"
}
rc_is() { [[ $(cat "$1.rc") == "$2" ]] || { echo "    $1: exit $(cat "$1.rc"), expected $2"; sed -n 1,15p "$1.err"; return 1; }; }
not_says() { ! grep -qF -- "$2" "$1" || { echo "    $1 says: $2"; return 1; }; }
says() { grep -qF -- "$2" "$1" || { echo "    $1 does not say: $2"; sed -n 1,15p "$1"; return 1; }; }

# The zoo and a native run of a workload (its checksum is the reference).
zoo() { "$CARVE_TEST_MAKE_ZOO" "$1" >/dev/null; }
checksum() { sed -n 's/^carve_workload: .* checksum \([0-9a-f]*\)$/\1/p' "$1"; }
native() { "$CARVE_TEST_WORKLOAD" "$1" "$2" "native.$2.txt" >"native.$2.out" 2>&1; }
same_checksum() { # <label> <workload>
    local a b
    a=$(checksum "$1.out") b=$(checksum "native.$2.out")
    [[ -n $a && $a == "$b" ]] || { echo "    $1: checksum '$a', native '$b'"; return 1; }
}

# Sums over a manifest's datasets, and its replay counters, read with awk from the YAML carve writes.
manifest_sum() { awk -v k="$2" '$1 == k":" { s += $2 } END { print s + 0 }' "$1"; }
manifest_replay() { awk -v k="$2" '/^replay:/ { r = 1; next } r && $1 == k":" { print $2; exit }' "$1"; }
the_manifest() { local f=("$1"/zoo.h5-*.carve.yaml); [[ -e ${f[0]} ]] && echo "${f[0]}"; }

# The summary's line for a container: its numbers, as "reads hits misses partial container origin".
replay_numbers() {
    sed -n 's/.*: \([0-9]*\) reads: \([0-9]*\) hits, \([0-9]*\) misses, \([0-9]*\) partial; \([0-9]*\) bytes from the container, \([0-9]*\) from the origin.*/\1 \2 \3 \4 \5 \6/p' "$1"
}
replay_numbers_of_manifest() {
    local m=$1
    echo "$(manifest_replay "$m" reads) $(manifest_replay "$m" hits) $(manifest_replay "$m" misses)" \
        "$(manifest_replay "$m" partial) $(manifest_replay "$m" bytes_from_container)" \
        "$(manifest_replay "$m" bytes_from_origin)"
}
minus_numbers() { # <after...6> <before...6>
    local a b i out=()
    read -r -a a <<<"$1"
    read -r -a b <<<"$2"
    for i in 0 1 2 3 4 5; do out+=($((a[i] - ${b[i]:-0}))); done
    echo "${out[*]}"
}

case $case_name in
help)
    h help --help
    check "--help: exit 0, the usage on stdout" rc_is help 0
    check "--help names every subcommand and the exit codes" says help.out "inspect"
    check "--help documents exit status 2" says help.out "2 a usage or environment error"
    h version --version
    check "--version: exit 0" rc_is version 0
    check "--version prints carve's version" says version.out "h5carve (carve) $CARVE_TEST_VERSION"
    for sub in record replay inspect verify map bundle merge; do
        h "help.$sub" "$sub" --help
        check "$sub --help: exit 0" rc_is "help.$sub" 0
        check "$sub --help: its usage" says "help.$sub.out" "usage: h5carve $sub"
    done
    ;;
usage)
    h none
    check "no subcommand: exit 2" rc_is none 2
    h unknown frobnicate
    check "an unknown subcommand: exit 2" rc_is unknown 2
    check "an unknown subcommand is named" says unknown.err "unknown subcommand 'frobnicate'"
    h nocmd record
    check "record without a command: exit 2" rc_is nocmd 2
    h badopt record --bogus -- true
    check "record with an unknown option: exit 2" rc_is badopt 2
    h badskel record --skeleton half -- true
    check "record --skeleton half: exit 2" rc_is badskel 2
    h nodir record --dir "$work/missing" -- true
    check "record --dir of a missing directory: exit 2" rc_is nodir 2
    h both replay --offline --origin x.h5 -- true
    check "replay --offline --origin: exit 2" rc_is both 2
    h nostart record -- "$work/no-such-program"
    check "a command that cannot start: exit 2" rc_is nostart 2
    check "a command that cannot start is named" says nostart.err "cannot run $work/no-such-program"
    CARVE_PLUGIN_DIR=$work h noplugin record -- true
    check "CARVE_PLUGIN_DIR without the plugin: exit 2" rc_is noplugin 2
    ;;
status)
    h exit7 record -- sh -c 'exit 7'
    check "the program's exit status is h5carve's (record)" rc_is exit7 7
    check "the summary gives the program's status" says exit7.err "(exit status 7)"
    h exit5 replay -- sh -c 'exit 5'
    check "the program's exit status is h5carve's (replay)" rc_is exit5 5
    h killed record -- sh -c 'kill -TERM $$'
    check "a program ended by SIGTERM: 128 + 15" rc_is killed 143
    h env record --dir "$work" -- sh -c 'printf "%s\n%s\n" "$HDF5_VOL_CONNECTOR" "$HDF5_PLUGIN_PATH"'
    check "the connector string given to the program" \
        test "$(sed -n 1p env.out)" = "carve mode=carve;dir={$work}"
    check "the plugin path given to the program holds the plugin" test -e "$(sed -n 2p env.out)/libcarve_vol.so"
    ;;
record_replay)
    zoo "$work/zoo.h5"
    native zoo.h5 rows && native zoo.h5 strided
    h rec record -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rec.txt
    check "record: exit 0" rc_is rec 0
    m=$(the_manifest "$work")
    check "record wrote a container and its manifest" test -n "$m"
    check "record: the program read what it reads natively" same_checksum rec rows
    check "record: one container written" says rec.err "h5carve record: 1 container written (exit status 0)"
    read_sum=$(manifest_sum "$m" bytes_read) stored_sum=$(manifest_sum "$m" bytes_stored)
    nds=$(grep -c '^- path:' "$m")
    check "record: the summary's numbers are the manifest's ($nds datasets, $read_sum read, $stored_sum stored)" \
        says rec.err "${m%.carve.yaml}.carve.h5: origin $work/zoo.h5, generation 1, $nds datasets: $read_sum bytes read, $stored_sum stored"
    check "record: bytes were read" test "$read_sum" -gt 0

    # Replay, all hits, with the origin away.
    mv zoo.h5 zoo.h5.away
    h rep1 replay -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rep1.txt
    check "replay without the origin: exit 0" rc_is rep1 0
    check "replay: the values read natively" same_checksum rep1 rows
    check "replay: one container used" says rep1.err "h5carve replay: 1 container used (exit status 0)"
    got=$(replay_numbers rep1.err) want=$(replay_numbers_of_manifest "$m")
    check "replay: the summary ($got) is the manifest's replay section ($want)" test "$got" = "$want"
    check "replay: every read a hit, nothing from the origin" test "$(awk '{ print ($1 == $2 && $1 > 0 && $6 == 0) }' <<<"$got")" = 1
    mv zoo.h5.away zoo.h5

    # Replay with misses and partial reads, the origin present: the summary is this run's difference.
    before=$(replay_numbers_of_manifest "$m")
    h rep2 replay -- "$CARVE_TEST_WORKLOAD" zoo.h5 strided rep2.txt
    check "replay with misses: exit 0" rc_is rep2 0
    check "replay with misses: the values read natively" same_checksum rep2 strided
    got=$(replay_numbers rep2.err) want=$(minus_numbers "$(replay_numbers_of_manifest "$m")" "$before")
    check "replay: the summary ($got) is the change of the manifest's replay section ($want)" test "$got" = "$want"
    check "replay: some bytes came from the origin" test "$(awk '{ print ($6 > 0) }' <<<"$got")" = 1

    # A failing program: its status, and the summary still printed.
    h fail replay -- "$CARVE_TEST_WORKLOAD" zoo.h5 no-such-workload x.txt
    check "a failing program's status is h5carve's (2: carve_workload's usage error)" rc_is fail 2
    check "the summary is printed after a failing program" says fail.err "(exit status 2)"
    ;;
offline)
    zoo "$work/zoo.h5"
    native zoo.h5 rows && native zoo.h5 strided
    h rec record --skeleton touched -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rec.txt
    check "record --skeleton touched: exit 0" rc_is rec 0
    m=$(the_manifest "$work")
    check "record --skeleton touched: the manifest says so" grep -q '^skeleton: touched' "$m"
    h hits replay --offline -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows hits.txt
    check "replay --offline, every read held: exit 0" rc_is hits 0
    check "replay --offline, every read held: the native values" same_checksum hits rows
    got=$(replay_numbers hits.err)
    check "replay --offline: nothing from the origin ($got)" test "$(awk '{ print ($1 == $2 && $6 == 0) }' <<<"$got")" = 1
    h miss replay --offline -- "$CARVE_TEST_WORKLOAD" zoo.h5 strided miss.txt
    check "replay --offline, a read the container does not hold: the program fails" test "$(cat miss.rc)" != 0
    check "replay --offline: the refusal names the unreachable origin" says miss.err "/dev/null/h5carve-offline"
    check "replay --offline: the origin served nothing" test "$(manifest_replay "$m" bytes_from_origin)" = 0
    ;;
dir)
    mkdir -p data bundle
    zoo "$work/data/zoo.h5"
    (cd data && native zoo.h5 rows) && mv data/native.rows.out .
    h rec record --dir bundle -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows rec.txt
    check "record --dir: exit 0" rc_is rec 0
    m=$(the_manifest "$work/bundle")
    check "record --dir: the container is in the directory" test -n "$m"
    check "record --dir: the summary names it" says rec.err "$work/bundle/zoo.h5-"
    mv data data.away
    h rep replay --dir bundle -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows rep.txt
    check "replay --dir with the origin's directory gone: exit 0" rc_is rep 0
    check "replay --dir: the native values" same_checksum rep rows
    got=$(replay_numbers rep.err) want=$(replay_numbers_of_manifest "$m")
    check "replay --dir: the summary ($got) is the manifest's ($want)" test "$got" = "$want"
    ;;
tools)
    # record and replay around the HDF5 tools and netCDF's ncdump: the output of each, recorded and replayed
    # with the origin's directory gone, equals its native output.
    mkdir -p data carved
    # Under the sanitizers, the tools (not built with them) get their runtimes preloaded (CARVE_TEST_PRELOAD).
    pre=()
    [[ -n ${CARVE_TEST_PRELOAD:-} ]] && pre=(env "LD_PRELOAD=$CARVE_TEST_PRELOAD")
    zoo "$work/data/zoo.h5"
    ran=0
    if [[ -x ${CARVE_TEST_H5DUMP:-} ]]; then
        ran=1
        "${pre[@]}" "$CARVE_TEST_H5DUMP" -d /grid2d -d /data/chunked_plain data/zoo.h5 >h5dump.native 2>&1
        h rec-h5dump record --dir carved -- "${pre[@]}" "$CARVE_TEST_H5DUMP" -d /grid2d -d /data/chunked_plain data/zoo.h5
        check "record h5dump: exit 0" rc_is rec-h5dump 0
        check "record h5dump: native output" cmp -s h5dump.native rec-h5dump.out
    else
        echo "SKIP (part): h5dump not found"
    fi
    if [[ -x ${CARVE_TEST_NCDUMP:-} && -x ${CARVE_TEST_NCGEN:-} ]]; then
        ran=1
        "${pre[@]}" "$CARVE_TEST_NCGEN" -k nc4 -o data/sample.nc "$CARVE_TEST_CDL"
        (cd data && "${pre[@]}" "$CARVE_TEST_NCDUMP" sample.nc) >ncdump.native 2>&1
        (cd data && "$H5CARVE" record --dir ../carved -- "${pre[@]}" "$CARVE_TEST_NCDUMP" sample.nc) >rec-ncdump.out \
            2>rec-ncdump.err
        check "record ncdump: exit 0 and native output" cmp -s ncdump.native rec-ncdump.out
    else
        echo "SKIP (part): ncgen/ncdump not built (netCDF tests off)"
    fi
    [[ $ran == 1 ]] || { echo "SKIP: neither h5dump nor ncdump available"; exit 77; }
    # ncdump (netCDF-C) reads a file's first bytes itself, before HDF5 opens it, to learn its format: it
    # needs the origin's file, so it replays with the origin there (every value from the container).
    if [[ -x ${CARVE_TEST_NCDUMP:-} && -x ${CARVE_TEST_NCGEN:-} ]]; then
        (cd data && "$H5CARVE" replay --dir ../carved -- "${pre[@]}" "$CARVE_TEST_NCDUMP" sample.nc) >rep-ncdump.out \
            2>rep-ncdump.err
        check "replay ncdump: native output" cmp -s ncdump.native rep-ncdump.out
        check "replay ncdump: all hits" says rep-ncdump.err " 0 misses, 0 partial"
    fi
    mv data data.away && mkdir data
    if [[ -x ${CARVE_TEST_H5DUMP:-} ]]; then
        h rep-h5dump replay --dir carved -- "${pre[@]}" "$CARVE_TEST_H5DUMP" -d /grid2d -d /data/chunked_plain data/zoo.h5
        check "replay h5dump, origin's directory gone: exit 0" rc_is rep-h5dump 0
        check "replay h5dump: native output" cmp -s h5dump.native rep-h5dump.out
        check "replay h5dump: all hits" says rep-h5dump.err " 0 misses, 0 partial"
    fi
    ;;
inspect)
    zoo "$work/zoo.h5"
    h rec record -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rec.txt
    h rep replay -- "$CARVE_TEST_WORKLOAD" zoo.h5 strided rep.txt
    m=$(the_manifest "$work")
    c=${m%.carve.yaml}.carve.h5
    h json inspect --json "$c"
    check "inspect --json: exit 0" rc_is json 0
    check "inspect --json: valid JSON" python3 -m json.tool json.out /dev/null
    # The numbers, from the JSON, against the manifest (awk over carve's YAML).
    field() { python3 -c "import json,sys; c=json.load(open('json.out'))['containers'][0]; print(eval(sys.argv[1]))" "$1"; }
    check "inspect: one container" test "$(field 'len(json.load(open("json.out"))["containers"])')" = 1
    check "inspect: the origin" test "$(field 'c["origin"]')" = "$work/zoo.h5"
    check "inspect: the generation" test "$(field 'c["generation"]')" = "$(awk '$1 == "generation:" { print $2 }' "$m")"
    check "inspect: the datasets" test "$(field 'len(c["datasets"])')" = "$(grep -c '^- path:' "$m")"
    check "inspect: bytes read (sum over datasets)" \
        test "$(field 'sum(d["bytes_read"] for d in c["datasets"])')" = "$(manifest_sum "$m" bytes_read)"
    check "inspect: bytes stored (sum over datasets)" \
        test "$(field 'sum(d["bytes_stored"] for d in c["datasets"])')" = "$(manifest_sum "$m" bytes_stored)"
    check "inspect: chunks stored (sum over datasets)" \
        test "$(field 'sum(d["chunks_stored"] for d in c["datasets"])')" = "$(manifest_sum "$m" chunks_stored)"
    check "inspect: the replay counters" test "$(field '" ".join(str(c["replay"][k]) for k in ("reads","hits","misses","partial","bytes_from_container","bytes_from_origin"))')" = "$(replay_numbers_of_manifest "$m")"
    check "inspect: one run" test "$(field 'len(c["runs"])')" = 1
    check "inspect: coverage is a fraction in [0, 1], and covered <= elements" \
        test "$(field 'all(0 <= d["coverage"] <= 1 and 0 <= d["held"] <= 1 and d["elements_covered"] <= d["elements"] for d in c["datasets"])')" = True
    check "inspect: /grid2d's type, layout and coverage (the rows workload's union)" \
        test "$(field '[(d["type"], d["layout"], d["elements"]) for d in c["datasets"] if d["path"] == "/grid2d"][0]')" = "('int32', 'contiguous', 3000)"
    h table inspect "$c"
    check "inspect (table): exit 0" rc_is table 0
    check "inspect (table): the dataset table" grep -Eq '^  dataset +shape +type +layout +store +chunks +read +stored +coverage +held$' table.out
    check "inspect (table): the replay line" says table.out "hits,"
    h dir inspect --json .
    check "inspect DIR: every container in it" test "$(python3 -c "import json; print(len(json.load(open('dir.out'))['containers']))")" = 1
    h manifest inspect --json "$m"
    check "inspect MANIFEST: exit 0, the same datasets" \
        test "$(python3 -c "import json; print(len(json.load(open('manifest.out'))['containers'][0]['datasets']))")" = "$(grep -c '^- path:' "$m")"
    if python3 -c 'import yaml' 2>/dev/null; then
        h yaml inspect --yaml "$c"
        check "inspect --yaml: valid YAML, the same document as --json" python3 -c "
import json, yaml
assert yaml.safe_load(open('yaml.out')) == json.load(open('json.out'))"
    fi
    h missing inspect "$work/nothing.h5"
    check "inspect of a missing file: exit 2" rc_is missing 2
    echo "not a manifest" >junk.txt
    h junk inspect junk.txt
    check "inspect of a file that is no container or manifest: exit 2" rc_is junk 2
    h noarg inspect
    check "inspect without a path: exit 2" rc_is noarg 2
    ;;
verify)
    zoo "$work/zoo.h5"
    h rec record -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rec.txt
    m=$(the_manifest "$work")
    c=${m%.carve.yaml}.carve.h5
    check "verify: a container was carved" test -f "$c"
    cp "$c" good.carve.h5.keep
    h good verify -v "$c"
    check "verify of an intact container: exit 0" rc_is good 0
    check "verify of an intact container: no differences on stdout" test ! -s good.out
    check "verify -v names each dataset checked" says good.err "/data/chunked_plain (chunks)"
    h gooddir verify .
    check "verify DIR: exit 0" rc_is gooddir 0

    # 4 bytes flipped in the middle of /data/chunked_plain's first stored chunk.
    read -r offset size < <("$CARVE_TEST_DAMAGE" where "$c" /data/chunked_plain)
    flip "$c" $((offset + size / 2))
    h flipped verify "$c"
    check "verify of a damaged chunk: exit 1" rc_is flipped 1
    check "verify names the container, dataset and chunk, and the first differing byte" \
        grep -qE "^$c: /data/chunked_plain: chunk \[[0-9, ]+\]: differs from the origin at byte $((size / 2)) of $size$" flipped.out
    check "verify: the chunk does not match its embedded checksum" \
        grep -qE "^$c: /data/chunked_plain: chunk \[[0-9, ]+\]: does not match its checksum$" flipped.out
    check "verify: nothing else differs" test "$(wc -l <flipped.out)" = 2
    h flippeddir verify .
    check "verify DIR with a damaged container: exit 1" rc_is flippeddir 1
    cp good.carve.h5.keep "$c"

    # The skeleton: an attribute of the root group changed in the container.
    "$CARVE_TEST_DAMAGE" attr "$c" / float64_be
    h attr verify "$c"
    check "verify of a changed attribute: exit 1" rc_is attr 1
    check "verify names the object and the attribute" \
        grep -qE "^$c: /: attribute float64_be: differs from the origin at byte 0 of [0-9]+$" attr.out
    check "verify: nothing else differs" test "$(wc -l <attr.out)" = 1
    cp good.carve.h5.keep "$c"

    # The origin changed (its mtime): the stamp is named, the data still checked (and equal).
    touch -d '2001-02-03 04:05:06' zoo.h5
    h stamp verify "$c"
    check "verify of a changed origin: exit 1" rc_is stamp 1
    check "verify names the stamp" says stamp.out "$c: stamp: the origin $work/zoo.h5 changed since it was carved (mtime"
    check "verify of a changed origin: only the stamp differs" test "$(wc -l <stamp.out)" = 1

    h missing verify "$work/nothing.carve.h5"
    check "verify of a missing container: exit 2" rc_is missing 2
    mv zoo.h5 zoo.h5.away
    h noorigin verify "$c"
    check "verify with the origin gone: exit 2" rc_is noorigin 2
    mv zoo.h5.away zoo.h5
    h url verify --origin http://localhost:1/zoo.h5 "$c"
    check "verify --origin URL of a server that is not there: exit 2" rc_is url 2
    check "verify --origin URL says why, naming it" says url.err "origin http://localhost:1/zoo.h5: "
    check "  (the cause, not 'no further detail')" not_says url.err "no further detail"
    h noarg verify
    check "verify without a path: exit 2" rc_is noarg 2
    h badopt verify --bogus "$c"
    check "verify with an unknown option: exit 2" rc_is badopt 2
    ;;
bundle)
    # Record in src/, bundle, move the bundle elsewhere, delete the origin's whole directory, replay from
    # the bundle: the native values. The cache is the test's own.
    export XDG_CACHE_HOME=$work/cache
    mkdir -p src/data elsewhere
    zoo "$work/src/data/zoo.h5"
    (cd src && native data/zoo.h5 rows && native data/zoo.h5 strided) && mv src/native.*.out .
    (cd src && h rec record -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows rec.txt && h rec2 record -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided rec2.txt)
    h bundle bundle src/data -o src/subset.tar
    check "bundle: exit 0" rc_is bundle 0
    check "bundle: its summary" says bundle.err "h5carve bundle: 1 container ("
    h bundlegz bundle src/data -o elsewhere/subset.tar.gz
    check "bundle -o X.tar.gz: exit 0" rc_is bundlegz 0
    check "bundle -o X.tar.gz is gzip-compressed" test "$(head -c 2 elsewhere/subset.tar.gz | od -An -tx1 | tr -d ' ')" = 1f8b
    if command -v tar >/dev/null; then
        check "tar(1) lists the bundle: README.txt, the container and its manifest" \
            test "$(tar tf src/subset.tar | sed 's/-[0-9a-f]*\.carve\./-H.carve./' | tr '\n' ' ')" = "README.txt zoo.h5-H.carve.h5 zoo.h5-H.carve.yaml "
        check "tar(1) reads the gzipped bundle too" test "$(tar tzf elsewhere/subset.tar.gz | wc -l)" = 3
        check "the README says how to replay" grep -q "h5carve replay --bundle subset.tar -- PROGRAM" <(tar xOf src/subset.tar README.txt)
    fi
    mv src/subset.tar elsewhere/
    rm -rf src/data
    check "the origin's directory is gone" test ! -e src/data
    for b in subset.tar subset.tar.gz; do
        (cd src && h "rep.$b" -v replay --bundle "$work/elsewhere/$b" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows "rep.$b.txt")
        check "replay --bundle $b, the origin gone: exit 0" rc_is "src/rep.$b" 0
        check "replay --bundle $b: the native values" same_checksum "src/rep.$b" rows
        check "replay --bundle $b: every read a hit" test "$(replay_numbers "src/rep.$b.err" | tail -n 1 | awk '{ print ($1 == $2 && $1 > 0 && $6 == 0) }')" = 1
    done
    (cd src && h strided replay --bundle "$work/elsewhere/subset.tar" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided s.txt)
    check "replay --bundle, the second program recorded: the native values" same_checksum src/strided strided
    check "replay --bundle: unpacked under XDG_CACHE_HOME" says src/rep.subset.tar.err "unpacked in $work/cache/carve/bundles/"
    (cd src && h again -v replay --bundle "$work/elsewhere/subset.tar" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows again.txt)
    check "replay --bundle again: the unpacked directory reused" says src/again.err "already unpacked in"
    # A damaged unpacked container is noticed and the bundle unpacked again.
    unpacked=$(sed -n 's/.*already unpacked in \(.*\)$/\1/p' src/again.err)
    flip "$(echo "$unpacked"/*.carve.h5)" 3000
    (cd src && h damaged -v replay --bundle "$work/elsewhere/subset.tar" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows damaged.txt)
    check "replay --bundle after damage in the cache: unpacked again" says src/damaged.err "is not as unpacked; unpacking again"
    check "replay --bundle after damage in the cache: the native values" same_checksum src/damaged rows

    # Bundles that would write outside their directory, or are no bundle, are refused before anything is
    # written (tar files made with Python's tarfile).
    python3 - <<'PY'
import io, tarfile
def make(path, members):
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
        for name, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                t.addfile(info)
            else:
                info.size = 4
                t.addfile(info, io.BytesIO(b"evil"))
make("dotdot.tar", [("../evil.carve.h5", "file")])
make("absolute.tar", [("/tmp/evil.carve.h5", "file")])
make("subdir.tar", [("sub/evil.carve.h5", "file")])
make("link.tar", [("evil.carve.h5", "link")])
make("empty.tar", [("README.txt", "file")])
PY
    for t in dotdot absolute subdir link empty; do
        h "evil.$t" replay --bundle "$t.tar" -- true
        check "replay --bundle $t.tar: refused, exit 2" rc_is "evil.$t" 2
    done
    check "a member ../x is named as no plain file name" says evil.dotdot.err "member '../evil.carve.h5' is not a plain file name: refused"
    check "a symbolic link member is refused" says evil.link.err "is not a regular file (type '2')"
    check "a bundle without a container is refused" says evil.empty.err "holds no container"
    check "nothing was written outside the cache" test ! -e "$work/cache/carve/evil.carve.h5" -a ! -e /tmp/evil.carve.h5
    check "no temporary directory left in the cache" test -z "$(ls -d "$work"/cache/carve/bundles/*.tmp.* 2>/dev/null)"
    head -c 700 elsewhere/subset.tar >truncated.tar
    h truncated replay --bundle truncated.tar -- true
    check "a truncated bundle: exit 2, said" says truncated.err "truncated or damaged"

    h help bundle --help
    check "bundle --help: exit 0, its usage" says help.out "usage: h5carve bundle"
    h noout bundle src
    check "bundle without -o: exit 2" rc_is noout 2
    h missing bundle "$work/nothing" -o x.tar
    check "bundle of a missing directory: exit 2" rc_is missing 2
    h none bundle elsewhere -o x.tar
    check "bundle of a directory without containers: exit 2, said" says none.err "no container to bundle"
    check "bundle: nothing written on failure" test ! -e x.tar
    mkdir -p other && cp cache/carve/bundles/*/zoo.h5-*.carve.h5 other/
    h twice bundle cache/carve/bundles/* other -o twice.tar
    check "bundle of two containers of the same name: exit 2, both named, merge suggested" \
        says twice.err "a bundle is flat; bundle them separately or merge them"
    h both replay --bundle elsewhere/subset.tar --dir . -- true
    check "replay --bundle --dir: exit 2" rc_is both 2
    h nobundle replay --bundle "$work/no.tar" -- true
    check "replay --bundle of a missing file: exit 2" rc_is nobundle 2
    ;;
merge)
    # Two programs reading different regions, carved into two directories (two machines) and replayed there
    # once each; the origin's whole directory then removed; merged from the containers alone; replay of both
    # from the merged container (origin still gone) gives the native values; verify with the origin back.
    mkdir -p data a b
    zoo "$work/data/zoo.h5"
    native data/zoo.h5 rows && native data/zoo.h5 strided
    h reca record --dir a -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows a.txt
    h recb record --dir b -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided b.txt
    h repsa replay --dir a -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows repsa.txt
    h repsb replay --dir b -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided repsb.txt
    h repsb2 replay --dir b -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows repsb2.txt
    ma=$(the_manifest a) mb=$(the_manifest b)
    ca=${ma%.carve.yaml}.carve.h5 cb=${mb%.carve.yaml}.carve.h5
    mv data data.away
    check "the origin's directory is gone" test ! -e data
    h merge merge out a "$cb"
    check "merge, the origin gone: exit 0" rc_is merge 0
    check "merge, the origin gone: says the data comes from the containers" \
        says merge.err "is not available (origin '$work/data/zoo.h5': cannot stat the file: No such file or directory): the data comes from the containers"
    mo=$(the_manifest out)
    co=${mo%.carve.yaml}.carve.h5
    check "merge: one container in OUT" test -n "$mo" -a "$(ls out/*.carve.h5 | wc -l)" = 1
    check "merge: the summary names it and both sources" says merge.err "(merged from 2 containers)"
    check "merge: bytes read are the sum of the sources'" \
        test "$(manifest_sum "$mo" bytes_read)" = $(($(manifest_sum "$ma" bytes_read) + $(manifest_sum "$mb" bytes_read)))
    runs_of() { awk '/^runs:/ { r = 1; next } /^[a-z]/ { r = 0 } r && /^- \{time:/' "$1"; }
    check "merge: the sources' runs are carried, then merge's own" \
        test "$(runs_of "$mo" | sed 's/.*program: //; s/}$//' | tr '\n' ' ')" = "$(runs_of "$ma" | sed 's/.*program: //; s/}$//') $(runs_of "$mb" | sed 's/.*program: //; s/}$//') h5carve merge "
    for k in runs reads hits misses partial bytes_from_container bytes_from_origin origin_requests; do
        check "merge: replay counter $k is the sum of the sources' ($(manifest_replay "$ma" $k) + $(manifest_replay "$mb" $k))" \
            test "$(manifest_replay "$mo" $k)" = $(($(manifest_replay "$ma" $k) + $(manifest_replay "$mb" $k)))
    done
    check "merge: the latest replay time is kept" \
        test "$(manifest_replay "$mo" last)" = "$(printf '%s\n' "$(manifest_replay "$ma" last)" "$(manifest_replay "$mb" last)" | sort | tail -n 1)"
    h repa replay --offline --dir out -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows repa.txt
    h repb replay --offline --dir out -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided repb.txt
    check "replay of the first program from the merged container, the origin gone: exit 0" rc_is repa 0
    check "replay of the first program: the native values" same_checksum repa rows
    check "replay of the second program, the origin gone: exit 0" rc_is repb 0
    check "replay of the second program: the native values" same_checksum repb strided
    check "neither replay read the origin" \
        test "$(replay_numbers repa.err | awk '{ print $6 }')$(replay_numbers repb.err | awk '{ print $6 }')" = 00
    mv data.away data
    h verify verify "$co"
    check "the merged container verifies against the origin put back" rc_is verify 0
    h present merge out.present a b
    check "merge with the origin there and unchanged: exit 0" rc_is present 0
    check "  (the origin is not said to be missing)" not_says present.err "is not available"
    h verifyp verify out.present
    check "  and it verifies" rc_is verifyp 0

    # Damage. A source chunk that another source holds too (/grid3d's chunk [0, 0, 0], held by both): taken
    # from the other. One that only the damaged source holds (/data/chunked_plain): not stored, named, exit
    # 1; from the origin when it is there. Elements (/grid2d, contiguous in the origin, stored by element
    # blocks in carve's own chunks): the damaged source chunk's part comes from an intact copy.
    cp -r a bad3d && cp -r a badplain && cp -r a badgrid
    bad() { # <dir> <dataset>: 4 bytes flipped in the middle of the dataset's first stored chunk
        local c=("$1"/zoo.h5-*.carve.h5) offset size
        read -r offset size < <("$CARVE_TEST_DAMAGE" where "${c[0]}" "$2")
        flip "${c[0]}" $((offset + size / 2))
    }
    bad bad3d /grid3d && bad badplain /data/chunked_plain && bad badgrid /grid2d
    mv data data.away
    h dmg merge out.dmg bad3d b
    check "merge of a damaged chunk another source holds: exit 0" rc_is dmg 0
    check "  the damaged chunk is named, taken from the other source" \
        says dmg.err "carve: merge: 1 chunk(s) of /grid3d in bad3d/$(basename "$ca") do not match its checksums: not taken from it"
    h dmga replay --offline --dir out.dmg -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows dmga.txt
    check "  replay from it, the origin gone: the native values" same_checksum dmga rows
    h lost merge out.lost badplain b
    check "merge of a damaged chunk no other source holds, the origin gone: exit 1" rc_is lost 1
    check "  the chunk is named as not stored" \
        says lost.err "carve: merge: 1 chunk(s) of /data/chunked_plain that the sources hold are intact in none of them and the origin is not available: not stored"
    check "  the loss is summed up" says lost.err "h5carve: merge: 1 unit(s) the sources held were intact in none of them"
    chunks_of() { awk -v p="$2" '$0 == "- path: " p { d = 1; next } /^- path:/ { d = 0 } d && $1 == "chunks:"' "$1" | grep -o '\[[0-9]' | wc -l; }
    check "  the merged manifest claims the two chunks stored, not the third" \
        test "$(chunks_of "$(the_manifest out.lost)" /data/chunked_plain)" = 2
    h lostgrid merge out.lostgrid badgrid b
    check "merge of damaged elements no other source holds, the origin gone: exit 1, named" \
        says lostgrid.err "element(s) of /grid2d that the sources hold are intact in none of them"
    check "  (exit 1)" rc_is lostgrid 1
    h okgrid merge out.okgrid badgrid a
    check "merge of damaged elements an intact copy holds: exit 0" rc_is okgrid 0
    check "  the damaged source chunk is named" says okgrid.err "chunk(s) of /grid2d in badgrid/$(basename "$ca") do not match its checksums: what they hold is not taken from it"
    h okgrida replay --offline --dir out.okgrid -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows okgrida.txt
    check "  replay from it, the origin gone: the native values" same_checksum okgrida rows
    mv data.away data
    for o in lost lostgrid; do
        h "verify.$o" verify "out.$o"
        check "the container of merge with losses verifies (it claims only what it stores): out.$o" rc_is "verify.$o" 0
        h "rep.$o" replay --dir "out.$o" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows "rep.$o.txt"
        check "  replay from it with the origin back: the native values" same_checksum "rep.$o" rows
    done
    h fromorigin merge out.fromorigin badplain b
    check "merge of a damaged chunk no other source holds, the origin there: exit 0" rc_is fromorigin 0
    check "  the chunk taken from the origin: all three claimed" \
        test "$(chunks_of "$(the_manifest out.fromorigin)" /data/chunked_plain)" = 3
    h verifyfo verify out.fromorigin
    check "  and it verifies" rc_is verifyfo 0
    # Damage in the container merged into, the origin gone: dropped, taken again from the sources.
    cp -r out out.again && bad out.again /grid3d
    mv data data.away
    h again merge out.again a b
    check "merge into a damaged container, the origin gone: exit 0" rc_is again 0
    check "  its damage is named and dropped" says again.err "stored unit(s) of /grid3d do not match their checksums; dropped (taken again from the sources that hold them intact)"
    h againa replay --offline --dir out.again -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows againa.txt
    check "  replay from it, the origin gone: the native values" same_checksum againa rows

    # Skeletons of touched objects only: the union holds what either source holds; with a full one, full.
    mv data.away data
    mkdir -p ta tb
    h recta record --dir ta --skeleton touched -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows ta.txt
    h rectb record --dir tb --skeleton touched -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided tb.txt
    mv data data.away
    h touched merge out.touched ta tb
    check "merge of two touched skeletons, the origin gone: exit 0" rc_is touched 0
    check "  the skeleton is touched" grep -qx "skeleton: touched" "$(the_manifest out.touched)"
    h ta replay --offline --dir out.touched -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows tra.txt
    h tb replay --offline --dir out.touched -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided trb.txt
    check "  replay of the first program from it: the native values" same_checksum ta rows
    check "  replay of the second program from it: the native values" same_checksum tb strided
    h mixed merge out.mixed ta b
    check "merge of a touched and a full skeleton: exit 0, full" grep -qx "skeleton: full" "$(the_manifest out.mixed)"
    mv data.away data
    h verifymixed verify out.mixed
    check "  it verifies against the origin (every link of a full skeleton)" rc_is verifymixed 0

    # Another state of the origin: c carved before, d after a change of its mtime; refused, both named.
    mkdir -p c d
    h recc record --dir c -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 rows c.txt
    touch -d '2001-02-03 04:05:06' data/zoo.h5
    h recd record --dir d -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 strided d.txt
    mc=$(the_manifest c) md=$(the_manifest d)
    h stamps merge out3 c d
    check "merge of different stamps: exit 2" rc_is stamps 2
    check "merge of different stamps: both containers named" \
        says stamps.err "merge: c/$(basename "${mc%.carve.yaml}").carve.h5 and d/$(basename "${md%.carve.yaml}").carve.h5 were carved from different states of $work/data/zoo.h5 (mtime"
    check "merge of different stamps: nothing written" test ! -e out3 -o -z "$(ls out3 2>/dev/null)"
    h changed merge out4 c
    check "merge of a source whose origin changed since: exit 2, said" says changed.err "changed since"
    check "  nothing written" test ! -e out4 -o -z "$(ls out4 2>/dev/null)"

    h help merge --help
    check "merge --help: exit 0, its usage" says help.out "usage: h5carve merge"
    check "merge --help: exit status 1 documented" says help.out "1 merged, but units the sources held were intact in none of them"
    h noarg merge out
    check "merge without a source: exit 2" rc_is noarg 2
    h missing merge out "$work/nothing"
    check "merge of a missing source: exit 2" rc_is missing 2
    h badtimeout merge --timeout 0 out a
    check "merge --timeout 0: exit 2" rc_is badtimeout 2
    rm "$ca"
    h nocontainer merge out5 a
    check "merge of a manifest without its container: exit 2, said" says nocontainer.err "its container is missing"
    ;;
merge_workloads)
    # Every zoo workload carved into its own directory (21 sources: chunks raw, elements, scalars, compact,
    # variable-length data, references held whole, a virtual dataset, external links and their file), the
    # origin's directory removed, all merged into one; each workload replayed --offline from the merged
    # container gives its native values.
    workloads="rows strided points union none all convert compound_subset vlen refs multi attrs edge szip fletcher32 shuffle vds compact types links iterate"
    mkdir -p data
    zoo "$work/data/zoo.h5"
    dirs=()
    for w in $workloads; do
        native data/zoo.h5 "$w"
        mkdir -p "src.$w" && dirs+=("src.$w")
        "$H5CARVE" record --dir "src.$w" -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 "$w" "rec.$w.txt" >"rec.$w.out" 2>&1 ||
            echo "    record of $w: exit $?"
    done
    mv data data.away
    h merge merge all "${dirs[@]}"
    check "merge of ${#dirs[@]} sources (two origins: the zoo and its external file), the origin gone: exit 0" rc_is merge 0
    check "  the zoo's container merged from ${#dirs[@]} containers" says merge.err "(merged from ${#dirs[@]} containers)"
    for w in $workloads; do
        h "rep.$w" replay --offline --dir all -- "$CARVE_TEST_WORKLOAD" data/zoo.h5 "$w" "rep.$w.txt"
        check "replay of $w from the merged container, the origin gone: the native values" same_checksum "rep.$w" "$w"
    done
    mv data.away data
    h verify verify all
    check "the merged containers verify against the origin put back" rc_is verify 0
    ;;
merge_s3)
    # A URL origin on the local S3 test server: merged with the server running (the origin checked with a
    # HEAD), refused once the object changed, and merged from the containers with the server stopped; the
    # merged container replays with the server still stopped.
    s3=$here/../s3
    mkdir -p data a b
    zoo "$work/data/zoo.h5"
    native data/zoo.h5 rows && native data/zoo.h5 strided
    bash "$s3/s3_fixture.sh" start "$work/s3" data carve-merge >s3.out 2>&1 || { echo "SKIP: the S3 test server did not start: $(tail -3 s3.out)"; exit 77; }
    trap 'bash "$s3/s3ctl.sh" stop "$work/s3"' EXIT
    url=$(bash "$s3/s3ctl.sh" url "$work/s3")/carve-merge/zoo.h5
    h reca record --dir a -- "$CARVE_TEST_WORKLOAD" "$url" rows a.txt
    h recb record --dir b -- "$CARVE_TEST_WORKLOAD" "$url" strided b.txt
    check "record of the URL origin: the native values" same_checksum reca rows
    h live merge out.live a b
    check "merge of a URL origin, the server up and the object unchanged: exit 0" rc_is live 0
    check "  (the origin is not said to be missing)" not_says live.err "is not available"
    h verifylive verify out.live
    check "  it verifies against the URL" rc_is verifylive 0
    cp data/zoo.h5 changed.h5 && printf x >>changed.h5 && python3 "$s3/s3client.py" "$url" put changed.h5 >/dev/null
    h changed merge out.changed a b
    check "merge of a URL origin whose object changed: exit 2, said" says changed.err "merge: the origin $url changed since"
    check "  nothing written" test ! -e out.changed -o -z "$(ls out.changed 2>/dev/null)"
    bash "$s3/s3ctl.sh" stop "$work/s3"
    trap - EXIT
    h stopped merge --timeout 5 out a b
    check "merge of a URL origin, the server stopped: exit 0" rc_is stopped 0
    check "  says the data comes from the containers" says stopped.err "h5carve merge: the origin $url is not available ("
    # A server that takes the connection but never answers: the HEAD gives up after --timeout.
    port=${url#http://127.0.0.1:} && port=${port%%/*}
    python3 - "$port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
s.listen(8)
open("silent.ready", "w").close()
time.sleep(60)
PY
    silent=$!
    for _ in $(seq 50); do [[ -e silent.ready ]] && break; sleep 0.1; done
    if [[ -e silent.ready ]]; then
        start=$(date +%s)
        h silent merge --timeout 2 out.silent a b
        took=$(($(date +%s) - start))
        check "merge, the server silent: exit 0 from the containers" rc_is silent 0
        check "  the HEAD timed out after --timeout 2 (said)" says silent.err "timed out after 2 s"
        check "  within the bound ($took s)" test "$took" -le 6
    else
        echo "  (port $port taken again: the silent-server check is not run)"
    fi
    kill "$silent" 2>/dev/null
    wait "$silent" 2>/dev/null
    h repa replay --offline --dir out -- "$CARVE_TEST_WORKLOAD" "$url" rows repa.txt
    h repb replay --offline --dir out -- "$CARVE_TEST_WORKLOAD" "$url" strided repb.txt
    check "replay of the first program from the merged container, the server stopped: the native values" same_checksum repa rows
    check "replay of the second program, the server stopped: the native values" same_checksum repb strided
    check "  every read a hit" test "$(replay_numbers repa.err | awk '{ print ($1 == $2 && $1 > 0 && $6 == 0) }')$(replay_numbers repb.err | awk '{ print ($1 == $2 && $1 > 0 && $6 == 0) }')" = 11
    ;;
map)
    # Pixels of the rendered picture: the SVG rendered to PNG by a real renderer (rsvg-convert), and the
    # colour at each cell's centre compared with what the manifest says the container holds.
    command -v rsvg-convert >/dev/null || { echo "SKIP: rsvg-convert (Debian package librsvg2-bin) is not installed"; exit 77; }
    zoo "$work/zoo.h5"
    h rec record -- "$CARVE_TEST_WORKLOAD" zoo.h5 rows rec.txt
    m=$(the_manifest "$work")
    c=${m%.carve.yaml}.carve.h5
    held=1f77b4 white=ffffff red=d62728
    render() { rsvg-convert "$1.svg" -o "$1.png"; }
    pixels() { python3 "$here/map_pixels.py" "$1.svg" "$1.png" "${@:2}"; }
    # colours_are <label> <mode> <colour> <points...>: every point has that colour.
    colours_are() {
        local label=$1 mode=$2 want=$3 bad
        shift 3
        bad=$(pixels "$label" "$mode" "$@" | awk -v w="$want" '$2 != w')
        [[ -z $bad ]] || { echo "    $label: not $want at: $bad"; return 1; }
    }
    # mixed_is <label> <fraction> <row,col>: the cell's colour is white mixed with the held colour by
    # the fraction (each channel within 3).
    mixed_is() {
        pixels "$1" cell "$3" | python3 -c '
import sys
f, got = float(sys.argv[1]), sys.stdin.read().split()[1]
want = [255 + (h - 255) * f for h in (31, 119, 180)]
have = [int(got[i : i + 2], 16) for i in (0, 2, 4)]
sys.exit(0 if all(abs(a - b) <= 3 for a, b in zip(have, want)) else f"    colour {got}, expected {want}")' "$2"
    }

    # /grid3d (10x20x30, chunks 4x8x16, store: chunks), rows read [1-2, 2-6, 3-12]: at slice 1 (chunk 0
    # of dimension 0) the held chunks are the manifest's [0, j, k]; at slice 9 (chunk 2) none.
    h g3 map "$c" /grid3d -o g3.svg --slice 1,:,:
    check "map: exit 0" rc_is g3 0
    render g3
    chunks=$(awk '/^- path: \/grid3d$/ { d = 1; next } /^- path:/ { d = 0 } d && /^  chunks:/ { print }' "$m")
    check "map /grid3d: the manifest lists chunk [0, 0, 0] ($chunks)" grep -qF "[0, 0, 0]" <<<"$chunks"
    held_cells=() free_cells=()
    for j in 0 1 2; do
        for k in 0 1; do
            if grep -qF "[0, $j, $k]" <<<"$chunks"; then held_cells+=("$j,$k"); else free_cells+=("$j,$k"); fi
        done
    done
    check "map /grid3d slice 1: held chunks shaded (${held_cells[*]})" colours_are g3 cell $held "${held_cells[@]}"
    check "map /grid3d slice 1: chunks not held white (${free_cells[*]})" colours_are g3 cell $white "${free_cells[@]}"
    check "map /grid3d: the read outlined (its left edge at element [2, 3] of the plane)" colours_are g3 edge $red 2,3 6,3
    h g3s9 map "$c" /grid3d -o g3s9.svg --slice 9,:,:
    render g3s9
    check "map /grid3d slice 9: nothing held there" colours_are g3s9 cell $white 0,0 0,1 1,0 1,1 2,0 2,1

    # /grid2d (60x50 contiguous, store: elements), rows read rows 5-9 whole and [40-41, 10-39]: one cell
    # per element, each of the 3000 checked.
    h g2 map "$c" grid2d -o g2.svg
    check "map grid2d (no leading /): exit 0" rc_is g2 0
    render g2
    inside=() outside=()
    for ((r = 0; r < 60; r++)); do
        for ((k = 0; k < 50; k++)); do
            if ((r >= 5 && r <= 9)) || ((r >= 40 && r <= 41 && k >= 10 && k <= 39)); then inside+=("$r,$k"); else outside+=("$r,$k"); fi
        done
    done
    check "map /grid2d: the ${#inside[@]} elements held shaded" colours_are g2 cell $held "${inside[@]}"
    check "map /grid2d: the ${#outside[@]} elements not held white" colours_are g2 cell $white "${outside[@]}"

    # Aggregated: at most 10 cells per axis, so a cell is 6x5 elements, shaded by the fraction held.
    h g2agg map "$c" /grid2d -o g2agg.svg --cells 10
    render g2agg
    check "map --cells 10: the legend says the grid is aggregated" grep -q "aggregated: 60 x 50 elements shown as 10 x 10 cells" g2agg.svg
    check "map --cells 10: cells of rows 6-11 (4 of 6 rows held) at 4/6" mixed_is g2agg 0.6667 1,0
    check "map --cells 10: cells of rows 0-5 (1 of 6 held) at 1/6" mixed_is g2agg 0.1667 0,9
    check "map --cells 10: cells of rows 36-41, columns 10-14 (2 of 6 rows) at 2/6" mixed_is g2agg 0.3333 6,2
    check "map --cells 10: cells of rows 36-41, columns 5-9 white" colours_are g2agg cell $white 6,1 9,9 3,3

    # Rank 1: /data/contiguous (200 elements), read 10-29: 50 cells of 4 elements (no more than 64); the
    # cells at both ends of the read are half held, but the read's outline crosses their centres.
    h c1 map "$c" /data/contiguous -o c1.svg
    render c1
    check "map rank 1: elements 12-27 held" colours_are c1 cell $held 0,3 0,4 0,5 0,6
    check "map rank 1: the rest white" colours_are c1 cell $white 0,0 0,1 0,8 0,49
    for f in g3 g3s9 g2 g2agg c1; do
        check "map: $f.svg is under 64 KiB" test "$(wc -c <"$f.svg")" -lt 65536
    done

    h help map --help
    check "map --help: exit 0, its usage" says help.out "usage: h5carve map"
    h nods map "$c" /no/such -o x.svg
    check "map of a dataset the container does not list: exit 2" rc_is nods 2
    check "map of a dataset the container does not list: named" says nods.err "no dataset /no/such in the container"
    h missing map "$work/nothing.carve.h5" /grid2d -o x.svg
    check "map of a missing file: exit 2" rc_is missing 2
    check "map of a missing file: named" says missing.err "$work/nothing.carve.h5: No such file or directory"
    check "map: nothing written on failure" test ! -e x.svg
    h noout map "$c" /grid2d
    check "map without -o: exit 2" rc_is noout 2
    h badslice map "$c" /grid3d -o x.svg --slice 10,:,:
    check "map --slice past the extent: exit 2, named" says badslice.err "index 10 of dimension 0 is past its extent 10"
    h badaxes map "$c" /grid3d -o x.svg --axes 1,1
    check "map --axes 1,1: exit 2" rc_is badaxes 2
    h axes map "$c" /grid3d -o axes.svg --axes 0,2 --slice :,4,:
    check "map --axes 0,2 --slice :,4,:: exit 0" rc_is axes 0
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
