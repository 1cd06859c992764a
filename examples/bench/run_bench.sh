#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_bench.sh — runs carve's benchmarks against native HDF5: builds the programs if needed, makes the
# deterministic input files under a scratch directory (kept and reused while their parameters and
# carve_bench_make are unchanged), then runs three parts and prints their tables:
#   read    carve_bench_read: the pass-through workloads a-e natively and in modes off/carve/replay
#   carve   carve_bench_carve: the carve phase — first carve and re-carve time (workload a, whole process,
#           commit at exit included), container size against touched chunks + skeleton, peak RSS (10% and
#           100% reads), skeleton commit time against the number of objects (--scaling files), and the
#           skeleton's commit against H5Ocopy of the same file over attribute-walk files (--skeleton)
#   replay  carve_bench_replay: the replay phase — workload a carved once, then replayed (all hits) against
#           native on the local file (also in_memory=yes) and over ROS3 from a loopback S3 server this script
#           starts (test/s3/s3ctl.sh, 127.0.0.1 only) and stops, and the cost of misses and partial reads;
#           carve's log=summary counters and a digest check of every replayed read
# The parts' tables also go to <scratch>/results-<label>.md (carve's sections 1-5, the read table, then
# replay's sections R1-R4) — results-<part>-<label>.md when one part runs — and replay's alone to
# results-replay-<label>.md.
#
#   full run (default): a 1024 MiB chunked shuffle+deflate dataset, 100k objects, 7 repetitions, skeleton
#                       scaling over 25k/50k/100k objects, skeleton vs H5Ocopy over 2k/20k/200k objects
#                       (about 10k, 100k and 1M attributes; the opt-in target `bench`)
#   --quick:            16 MiB, 2k objects, 1 repetition, fewer calls in workloads b/c/e, scaling over
#                       500/1000/2000 objects, skeleton vs H5Ocopy over 200/400 objects, replay on a 64 MiB
#                       file — the ctest bench.smoke, which checks
#                       only correctness: every workload ran in every mode and read exactly what native read,
#                       every carve run wrote a non-empty container, every carve-phase figure was computed,
#                       and every replayed read gave native's digest with counters that account for it (no
#                       timing; an S3 server that cannot run makes the ROS3 section SKIPPED, with the reason)
#
# Usage: bash examples/bench/run_bench.sh [build-dir] [--quick] [--reps N] [--size-mib N] [--objects K]
#                                         [--parts read,carve,replay] [--scaling N,N,...] [--mem-reps N]
#                                         [--scaling-reps N] [--skeleton K,K,...] [--skeleton-reps N]
#                                         [--replay-size-mib N] [--no-s3] [--s3-latency-ms N] [--steady-heap]
#                                         [--scratch DIR] [--no-build] [-- carve_bench_read options...]
#   build-dir       default <repo>/build; configured and built first when it holds no build
#   --parts         which parts to run (default read,carve,replay)
#   --scaling       object counts of the skeleton-scaling files (default 25000,50000,100000)
#   --mem-reps      repetitions of the 100% read in the carve part (default 3)
#   --scaling-reps  repetitions of the skeleton scaling (default 5)
#   --skeleton      object counts of the attribute-walk files (carve_bench_make --objects K --extra-attrs 2,
#                   about 4.9 attributes an object) on which the carve part compares the skeleton's commit
#                   with H5Ocopy (default 2000,20000,200000; "none" skips it)
#   --skeleton-reps repetitions of that comparison (default 3)
#   --replay-size-mib  the data file of the replay part (default --size-mib, at least 64: a smaller file has
#                   no chunk rows that workload a leaves untouched, so no reads that miss)
#   --no-s3         replay part: no S3 server, the ROS3 section is SKIPPED
#   --s3-latency-ms replay part: the S3 server delays every object request by N ms (a remote store's
#                   time to first byte; default 0: the loopback server as it is)
#   --steady-heap   replay part: every run (native and carve) with glibc's heap trimming off, which otherwise
#                   moves runs by a few percent either way depending on the heap's layout
#   --scratch       where the inputs go (default $CARVE_BENCH_SCRATCH, else <build-dir>/bench-work)
#   --no-build      use the programs as they are (the `bench` target and ctest build them beforehand)
# Exit status: 0 when every workload ran in every configuration with results identical to native's, the
# carve part reported no failure and every figure, and the replay part no failure (digests, counters).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=""
quick=0
no_build=0
reps=""
size_mib=""
objects=""
scratch=${CARVE_BENCH_SCRATCH:-}
parts=read,carve,replay
scaling=""
mem_reps=""
scaling_reps=""
skeleton=""
skeleton_reps=""
replay_size_mib=""
no_s3=0
s3_latency_ms=0
steady_heap=()
read_args=()

usage() {
    sed -n '/^# Usage:/,/^# Exit status/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) quick=1 ;;
        --no-build) no_build=1 ;;
        --reps) reps=${2:?--reps needs a value}; shift ;;
        --size-mib) size_mib=${2:?--size-mib needs a value}; shift ;;
        --objects) objects=${2:?--objects needs a value}; shift ;;
        --scratch) scratch=${2:?--scratch needs a value}; shift ;;
        --parts) parts=${2:?--parts needs a value}; shift ;;
        --scaling) scaling=${2:?--scaling needs a value}; shift ;;
        --mem-reps) mem_reps=${2:?--mem-reps needs a value}; shift ;;
        --scaling-reps) scaling_reps=${2:?--scaling-reps needs a value}; shift ;;
        --skeleton) skeleton=${2:?--skeleton needs a value}; shift ;;
        --skeleton-reps) skeleton_reps=${2:?--skeleton-reps needs a value}; shift ;;
        --replay-size-mib) replay_size_mib=${2:?--replay-size-mib needs a value}; shift ;;
        --no-s3) no_s3=1 ;;
        --s3-latency-ms) s3_latency_ms=${2:?--s3-latency-ms needs a value}; shift ;;
        --steady-heap) steady_heap=(--steady-heap) ;;
        -h|--help) usage; exit 0 ;;
        --) shift; read_args=("$@"); break ;;
        -*) echo "run_bench.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
        *)
            if [[ -n $build ]]; then
                echo "run_bench.sh: more than one build directory given ('$build', '$1')" >&2
                exit 2
            fi
            build=$1
            ;;
    esac
    shift
done

if [[ $quick -eq 1 ]]; then
    : "${size_mib:=16}" "${objects:=2000}" "${reps:=1}" "${scaling:=500,1000,2000}" "${mem_reps:=1}"
    : "${scaling_reps:=1}" "${skeleton:=200,400}" "${skeleton_reps:=1}"
    # Fewer calls in the per-call workloads (before the caller's options, which win): still every code path.
    read_args=(--small-reads 20000 --point-calls 200 --opens 200 "${read_args[@]}")
    label=quick
else
    : "${size_mib:=1024}" "${objects:=100000}" "${reps:=7}" "${scaling:=25000,50000,100000}" "${mem_reps:=3}"
    : "${scaling_reps:=5}" "${skeleton:=2000,20000,200000}" "${skeleton_reps:=3}"
    label=full
fi
# The replay part's misses need chunk rows workload a leaves alone: 64 MiB at least.
if [[ -z $replay_size_mib ]]; then
    replay_size_mib=$size_mib
    [[ $size_mib =~ ^[0-9]+$ && $size_mib -lt 64 ]] && replay_size_mib=64
fi
run_read=0
run_carve=0
run_replay=0
IFS=, read -r -a part_list <<<"$parts"
for part in "${part_list[@]}"; do
    case $part in
        read) run_read=1 ;;
        carve) run_carve=1 ;;
        replay) run_replay=1 ;;
        *) echo "run_bench.sh: unknown part '$part' (read, carve, replay)" >&2; exit 2 ;;
    esac
done
nparts=$((run_read + run_carve + run_replay))
# check_counts <option> <its value> <counts...>: every count a positive whole number.
check_counts() {
    local option=$1 value=$2 n
    shift 2
    for n in "$@"; do
        if [[ ! $n =~ ^[1-9][0-9]*$ ]]; then
            echo "run_bench.sh: $option needs object counts like 2000,20000,200000, got '$value'" >&2
            exit 2
        fi
    done
}
IFS=, read -r -a scaling_list <<<"$scaling"
check_counts --scaling "$scaling" "${scaling_list[@]}"
skeleton_list=()
if [[ $skeleton != none ]]; then
    IFS=, read -r -a skeleton_list <<<"$skeleton"
fi
check_counts --skeleton "$skeleton" "${skeleton_list[@]}"
chunk_kib=512
deflate=4

section() {
    printf '\n=== %s\n' "$*"
}

started=$(date +%s.%N)
build=${build:-$repo/build}
if [[ $no_build -eq 0 ]]; then
    if [[ ! -f $build/CMakeCache.txt ]]; then
        section "no build in '$build': configuring and building carve"
        read -r -a extra_cmake_args <<<"${CARVE_CMAKE_ARGS:-}"
        bash "$repo/cmake/setup-build.sh" "$build" "${extra_cmake_args[@]}"
    fi
    section "building the benchmark programs in $build"
    cmake --build "$build" --target carve_bench_make carve_bench_read carve_bench_prog carve_bench_carve \
        carve_bench_replay carve_vol
fi
build=$(cd "$build" && pwd)
make_prog=$build/examples/bench/carve_bench_make
read_prog=$build/examples/bench/carve_bench_read
prog_prog=$build/examples/bench/carve_bench_prog
carve_prog=$build/examples/bench/carve_bench_carve
replay_prog=$build/examples/bench/carve_bench_replay
plugin_dir=$build/connector
for prog in "$make_prog" "$read_prog" "$prog_prog" "$carve_prog" "$replay_prog"; do
    if [[ ! -x $prog ]]; then
        echo "run_bench.sh: $prog is missing (build the targets carve_bench_make, carve_bench_read," \
            "carve_bench_prog, carve_bench_carve and carve_bench_replay)" >&2
        exit 1
    fi
done
if [[ $((run_carve + run_replay)) -gt 0 && ! -f $plugin_dir/libcarve_vol.so ]]; then
    echo "run_bench.sh: $plugin_dir/libcarve_vol.so is missing (build the target carve_vol)" >&2
    exit 1
fi

scratch=${scratch:-$build/bench-work}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)

# make_input <file> <carve_bench_make arguments...>: (re)writes <file> unless it exists with a stamp
# saying it came from the same arguments and the same carve_bench_make.
make_input() {
    local file=$1 stamp want made
    shift
    stamp=$file.stamp
    want="$* $(cksum <"$make_prog")"
    if [[ -f $file && -f $stamp && -f $file.made && $(cat "$stamp") == "$want" ]]; then
        echo "reusing $file ($(stat -c %s "$file") bytes)"
        return
    fi
    rm -f "$file" "$stamp" "$file.made"
    # Written under a temporary name, renamed when complete; its report names the final file and is kept
    # beside it ($file.made: the counts carve_bench_make reports).
    made=$("$make_prog" "$@" "$file.tmp")
    printf '%s\n' "${made//"$file.tmp"/"$file"}" | tee "$file.made"
    mv "$file.tmp" "$file"
    printf '%s\n' "$want" >"$stamp"
}

data=$scratch/data-${size_mib}MiB-c${chunk_kib}K-z${deflate}.h5
replay_data=$scratch/data-${replay_size_mib}MiB-c${chunk_kib}K-z${deflate}.h5
tree=$scratch/objects-${objects}.h5
section "input files in $scratch"
if [[ $((run_read + run_carve)) -gt 0 ]]; then
    make_input "$data" --size-mib "$size_mib" --chunk-kib "$chunk_kib" --deflate "$deflate"
fi
if [[ $run_replay -eq 1 && ($replay_data != "$data" || $((run_read + run_carve)) -eq 0) ]]; then
    make_input "$replay_data" --size-mib "$replay_size_mib" --chunk-kib "$chunk_kib" --deflate "$deflate"
fi
if [[ $run_read -eq 1 ]]; then
    make_input "$tree" --objects "$objects"
fi
scaling_args=()
if [[ $run_carve -eq 1 ]]; then
    for n in "${scaling_list[@]}"; do
        make_input "$scratch/objects-$n.h5" --objects "$n"
        scaling_args+=(--scaling "$n=$scratch/objects-$n.h5")
    done
    # The skeleton-vs-H5Ocopy files, named to carve_bench_carve by their attribute count.
    for n in "${skeleton_list[@]}"; do
        file=$scratch/attrs-$n.h5
        make_input "$file" --objects "$n" --extra-attrs 2
        attributes=$(sed -n 's/.* attributes=\([0-9][0-9]*\).*/\1/p' "$file.made" | head -n 1)
        if [[ -z $attributes ]]; then
            echo "run_bench.sh: no attribute count in $file.made" >&2
            exit 1
        fi
        scaling_args+=(--skeleton "$attributes=$file")
    done
fi
# Anything a carving run left next to the inputs goes; the benchmark starts from the inputs alone.
rm -f "$scratch"/*.carve.h5 "$scratch"/*.carve.yaml "$scratch"/*.carve.lock
rm -rf "$scratch/carve-phase" "$scratch/replay-phase"

out=$scratch/results-$label.txt
carve_out=$scratch/results-carve-$label.txt
replay_out=$scratch/results-replay-$label.txt
replay_markdown=$scratch/results-replay-$label.md
# The parts' tables in one markdown file; a single part's in its own, so that runs of one part keep the others'.
if [[ $nparts -gt 1 ]]; then
    markdown=$scratch/results-$label.md
elif [[ $run_carve -eq 1 ]]; then
    markdown=$scratch/results-carve-$label.md
elif [[ $run_replay -eq 1 ]]; then
    markdown=$replay_markdown
else
    markdown=$scratch/results-read-$label.md
fi
rc=0
carve_rc=0
replay_rc=0
if [[ $run_read -eq 1 ]]; then
    section "carve_bench_read ($label: ${size_mib} MiB, ${objects} objects, repetitions: $reps)"
    "$read_prog" --data "$data" --objects "$tree" --reps "$reps" "${read_args[@]}" | tee "$out" || rc=$?
fi
if [[ $run_carve -eq 1 ]]; then
    section "carve_bench_carve ($label: ${size_mib} MiB, scaling over $scaling objects, repetitions: $reps," \
        "100% read: $mem_reps, scaling: $scaling_reps)"
    "$carve_prog" --prog "$prog_prog" --plugin-dir "$plugin_dir" --work "$scratch/carve-phase" --data "$data" \
        "${scaling_args[@]}" --reps "$reps" --mem-reps "$mem_reps" --scaling-reps "$scaling_reps" \
        --skeleton-reps "$skeleton_reps" --markdown "$markdown" | tee "$carve_out" || carve_rc=$?
elif [[ $markdown != "$replay_markdown" ]]; then
    printf '# carve benchmarks\n' >"$markdown"
fi
if [[ $run_read -eq 1 ]]; then
    {
        printf '\n## 6. Pass-through workloads (carve_bench_read, %s)\n\n' "$label"
        printf 'In-program times exclude what carve does at exit; the process table includes it (mode carve:'
        printf ' the commit onto an existing container, a re-carve).\n\n```\n'
        grep -v -E '^BENCH' "$out" || true
        printf '```\n'
    } >>"$markdown"
fi

# The replay part. Its ROS3 section reads the data file from test/s3's loopback server (stdlib Python,
# bound to 127.0.0.1, SigV4 keys made up for the run), started here and stopped on exit; when it cannot
# run, the section says SKIPPED and why.
s3_state=$scratch/s3-server
s3_skip=""
stop_s3() {
    if [[ -d $s3_state ]]; then
        bash "$repo/test/s3/s3ctl.sh" stop "$s3_state" >/dev/null 2>&1 || true
        rm -rf "$s3_state"
    fi
}
if [[ $run_replay -eq 1 ]]; then
    replay_args=()
    s3_bucket=carve-bench
    s3_region=us-east-1
    s3_id=AKIDCARVEBENCH
    s3_secret=carve-bench-secret
    s3_keys=(--access-key "$s3_id" --secret-key "$s3_secret" --region "$s3_region")
    python=${PYTHON:-python3}
    if [[ $no_s3 -eq 1 ]]; then
        s3_skip="--no-s3 given"
    elif ! command -v "$python" >/dev/null 2>&1; then
        s3_skip="no Python interpreter ('$python') for the S3 server"
    elif [[ ! -f $repo/test/s3/s3ctl.sh || ! -f $repo/test/s3/s3client.py ]]; then
        s3_skip="test/s3/s3ctl.sh or s3client.py is missing"
    else
        section "starting the loopback S3 server (test/s3/s3ctl.sh) and uploading $(basename "$replay_data")"
        trap stop_s3 EXIT
        rm -rf "$s3_state"
        if ! PYTHON=$python bash "$repo/test/s3/s3ctl.sh" start "$s3_state" "${s3_keys[@]}" --latency-ms "$s3_latency_ms" \
            2>"$scratch/s3-start.err"; then
            s3_skip="the S3 server did not start: $(tr '\n' ' ' <"$scratch/s3-start.err" | cut -c1-300)"
        else
            s3_base=$(bash "$repo/test/s3/s3ctl.sh" url "$s3_state")
            s3_url=$s3_base/$s3_bucket/$(basename "$replay_data")
            if "$python" "$repo/test/s3/s3client.py" "${s3_keys[@]}" "$s3_base/$s3_bucket" mb 2>"$scratch/s3-start.err" &&
                "$python" "$repo/test/s3/s3client.py" "${s3_keys[@]}" "$s3_url" put "$replay_data" \
                    2>"$scratch/s3-start.err"; then
                echo "uploaded to $s3_url"
                replay_args=(--url "$s3_url" --s3-cred "$s3_region,$s3_id,$s3_secret" --s3-log "$s3_state/server.log"
                    --s3-latency-ms "$s3_latency_ms")
            else
                s3_skip="the upload to the S3 server failed: $(tr '\n' ' ' <"$scratch/s3-start.err" | cut -c1-300)"
            fi
        fi
        rm -f "$scratch/s3-start.err"
    fi
    if [[ -n $s3_skip ]]; then
        replay_args=(--s3-skip "$s3_skip")
        stop_s3
        echo "ROS3 section SKIPPED: $s3_skip"
    fi
    section "carve_bench_replay ($label: ${replay_size_mib} MiB, repetitions: $reps)"
    "$replay_prog" --prog "$prog_prog" --plugin-dir "$plugin_dir" --work "$scratch/replay-phase" \
        --data "$replay_data" --reps "$reps" --markdown "$replay_markdown" "${steady_heap[@]}" "${replay_args[@]}" |
        tee "$replay_out" || replay_rc=$?
    stop_s3
    trap - EXIT
    if [[ $markdown != "$replay_markdown" ]]; then
        { printf '\n'; cat "$replay_markdown"; } >>"$markdown"
    fi
fi

problems=0
section "checks"
# What the smoke test asserts of the read part: every workload ran in every mode, and read what native read.
workloads=abcde
if [[ $run_read -eq 1 ]]; then
    modes=(off carve replay)
    for ((i = 0; i < ${#read_args[@]}; i++)); do
        case ${read_args[i]} in
            --workloads) workloads=${read_args[i + 1]:-$workloads} ;;
            --modes) IFS=, read -r -a modes <<<"${read_args[i + 1]:-off,carve,replay}" ;;
        esac
    done
    for ((i = 0; i < ${#workloads}; i++)); do
        w=${workloads:i:1}
        for mode in "${modes[@]}"; do
            line=$(grep -E "^BENCH workload=$w .*mode=$mode " "$out" || true)
            if [[ -z $line ]]; then
                echo "FAIL: no result for workload $w in mode $mode"
                problems=$((problems + 1))
            elif [[ $line != *" status=ok "* || $line != *" match=yes"* ]]; then
                echo "FAIL: workload $w in mode $mode: ${line#BENCH }"
                problems=$((problems + 1))
            fi
        done
    done
    if ! grep -q '^BENCH_DONE .*failures=0' "$out"; then
        echo "FAIL: carve_bench_read reported failures (exit status $rc)"
        problems=$((problems + 1))
    fi
fi

# carve_line <pattern>: the one CARVE line matching the pattern (empty if none).
carve_line() {
    grep -E "^CARVE $1" "$carve_out" | head -n 1 || true
}

# expect_positive <line> <key>...: each key's value is a number > 0.
expect_positive() {
    local line=$1 key value
    shift
    for key in "$@"; do
        value=$(sed -n "s/.* $key=\([^ ]*\).*/\1/p" <<<"$line")
        if ! awk -v v="$value" 'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]+)?$/ && v + 0 > 0) }'; then
            echo "FAIL: '$key' is '${value}', not a positive number, in: ${line:-(no line)}"
            problems=$((problems + 1))
        fi
    done
}

# What the smoke test asserts of the carve part: no failure (every run served by the right connector and
# reading native's data, every carve run leaving a non-empty container whose manifest accounts for the
# touched chunks), and every figure computed — never a time bound.
if [[ $run_carve -eq 1 ]]; then
    if ! grep -q '^CARVE_DONE failures=0' "$carve_out"; then
        echo "FAIL: carve_bench_carve reported failures (exit status $carve_rc)"
        problems=$((problems + 1))
    fi
    for run in carve recarve; do
        expect_positive "$(carve_line "section=time workload=rows run=$run ")" native_s carve_s ratio ratio_min \
            container_bytes
    done
    expect_positive "$(carve_line 'section=size ')" origin_bytes bytes_read touched_chunk_bytes skeleton_bytes \
        container_bytes recarve_container_bytes bound_ratio all_container_bytes all_bound_ratio
    for w in rows all; do
        expect_positive "$(carve_line "section=memory workload=$w ")" native_rss_kib carve_rss_kib ratio
    done
    for n in "${scaling_list[@]}"; do
        expect_positive "$(carve_line "section=scaling objects=$n ")" native_s carve_s container_bytes carve_rss_kib
    done
    if [[ ${#scaling_list[@]} -ge 2 ]]; then
        line=$(carve_line 'section=scaling-linearity ')
        if [[ ! $line =~ \ per_object_ratio=-?[0-9]+\.[0-9]+ ]]; then
            echo "FAIL: no per-object ratio computed: ${line:-(no line)}"
            problems=$((problems + 1))
        fi
    fi
    # Skeleton vs H5Ocopy: every figure present (sizes and memory positive; the times' differences of the
    # small quick files may be anything, so only their being numbers is checked).
    count=$(grep -cE '^CARVE section=skeleton attributes=' "$carve_out" || true)
    if [[ $count -ne ${#skeleton_list[@]} ]]; then
        echo "FAIL: $count skeleton-vs-H5Ocopy lines for ${#skeleton_list[@]} files"
        problems=$((problems + 1))
    fi
    while read -r line; do
        expect_positive "$line" container_bytes copy_bytes carve_rss_kib ocopy_rss_kib
        if [[ ! $line =~ \ ratio=-?[0-9]+\.[0-9]+\ .*\ ratio_min=-?[0-9]+\.[0-9]+ ]]; then
            echo "FAIL: no commit / copy ratio computed: $line"
            problems=$((problems + 1))
        fi
    done < <(grep -E '^CARVE section=skeleton attributes=' "$carve_out" || true)
    if [[ ${#skeleton_list[@]} -ge 2 ]] && ! carve_line 'section=skeleton-linearity ' | grep -qE ' per_attribute_ratio=-?[0-9]+\.[0-9]+'; then
        echo "FAIL: no per-attribute skeleton ratio computed"
        problems=$((problems + 1))
    fi
    if [[ ! -s $markdown ]] || ! grep -q '^## 4\. Skeleton scaling' "$markdown"; then
        echo "FAIL: $markdown is missing or incomplete"
        problems=$((problems + 1))
    fi
    if [[ -e $scratch/carve-phase ]]; then
        echo "FAIL: carve_bench_carve left carve directories in $scratch/carve-phase"
        problems=$((problems + 1))
    fi
fi
# What the smoke test asserts of the replay part: no failure (every run served by the right connector, every
# replayed read giving native's digest, carve's counters accounting for what the program read), every
# figure computed, the ROS3 section measured or SKIPPED with its reason — never a time bound.
replay_line() {
    grep -E "^REPLAY $1" "$replay_out" | head -n 1 || true
}
if [[ $run_replay -eq 1 ]]; then
    if ! grep -q '^REPLAY_DONE failures=0' "$replay_out"; then
        echo "FAIL: carve_bench_replay reported failures (exit status $replay_rc)"
        problems=$((problems + 1))
    fi
    for config in replay-rows replay-mem-rows; do
        expect_positive "$(replay_line "section=hit config=$config ")" native_s replay_s ratio ratio_min prog_ratio
    done
    for config in replay-misses replay-partial; do
        expect_positive "$(replay_line "section=miss config=$config ")" native_s replay_s ratio ratio_min prog_ratio
    done
    replay_configs=(native-rows replay-rows replay-mem-rows native-misses replay-misses native-partial replay-partial)
    if [[ -z $s3_skip ]]; then
        for config in replay-ros3-rows replay-ros3-mem-rows; do
            expect_positive "$(replay_line "section=ros3 config=$config ")" native_s replay_s speedup speedup_min
        done
        replay_configs+=(native-ros3-rows replay-ros3-rows replay-ros3-mem-rows)
    elif ! grep -q '^SKIPPED: ' "$replay_out"; then
        echo "FAIL: the ROS3 section was to be skipped ($s3_skip) but does not say SKIPPED"
        problems=$((problems + 1))
    else
        echo "ROS3 section SKIPPED: $s3_skip"
    fi
    for config in "${replay_configs[@]}"; do
        line=$(replay_line "section=counters config=$config ")
        if [[ $line != *" failed_runs=0 "* || $line != *" digest=equal"* ]]; then
            echo "FAIL: replay configuration $config: ${line:-no counters line}"
            problems=$((problems + 1))
        fi
    done
    if [[ ! -s $replay_markdown ]] || ! grep -q '^## R4\. ' "$replay_markdown"; then
        echo "FAIL: $replay_markdown is missing or incomplete"
        problems=$((problems + 1))
    fi
    if [[ -e $scratch/replay-phase ]]; then
        echo "FAIL: carve_bench_replay left container directories in $scratch/replay-phase"
        problems=$((problems + 1))
    fi
    if [[ -e $s3_state ]]; then
        echo "FAIL: the S3 server's state directory $s3_state is still there"
        problems=$((problems + 1))
    fi
fi
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
if [[ $problems -ne 0 || $rc -ne 0 || $carve_rc -ne 0 || $replay_rc -ne 0 ]]; then
    section "FAILED ($problems problems, exit status $rc/$carve_rc/$replay_rc) after ${elapsed} s; output in" \
        "$out, $carve_out, $replay_out"
    exit 1
fi
summary=""
if [[ $run_read -eq 1 ]]; then
    summary="${#workloads} workloads x ${#modes[@]} modes ran, carve read exactly what native read; "
fi
if [[ $run_carve -eq 1 ]]; then
    summary+="carve phase measured, every carve run wrote its container; "
fi
if [[ $run_replay -eq 1 ]]; then
    summary+="replay measured (ROS3: ${s3_skip:+SKIPPED, }${s3_skip:-measured}), every replayed read gave native's digest; "
fi
section "OK: ${summary}${elapsed} s; tables in $markdown"
