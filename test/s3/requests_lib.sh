#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# requests_lib.sh — splits the request log of a carve-mode run over ROS3 (sourced by count_requests.sh and
# commit_elements.sh).
#
# A carve run makes, for each URL origin it opens, one HEAD of its own right before ROS3's open (the stamp
# that the bytes it keeps from the program's reads belong to: connector/core/carve_origin_vfd.h), then
# exactly native's requests, then the commit's. split_carve_requests <native.req> <carve.req> <prefix>
# writes <prefix>.program.req (the program's part without carve's HEADs: equal to native.req when carve
# added nothing else), <prefix>.commit.req (the rest) and <prefix>.stamps (the number of HEADs dropped:
# a HEAD immediately followed by the same HEAD, inside the program's part).
split_carve_requests() {
    local native=$1 carve=$2 prefix=$3
    awk -v n="$(wc -l <"$native")" -v prog="$prefix.program.req" -v commit="$prefix.commit.req" \
        -v stamps="$prefix.stamps" '
        { line[NR] = $0 }
        END {
            kept = 0; dropped = 0
            printf "" >prog; printf "" >commit
            for (i = 1; i <= NR; i++) {
                if (kept < n) {
                    if (line[i] ~ /^REQ HEAD / && i < NR && line[i + 1] == line[i]) { dropped++; continue }
                    print line[i] >prog; kept++
                } else
                    print line[i] >commit
            }
            print dropped >stamps
        }' "$carve"
}
