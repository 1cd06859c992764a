#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check_format.sh — style.format: every C file of carve is as clang-format (with the repository's
# .clang-format) writes it. The output of clang-format differs between major versions, so the check runs
# with the version the style was fixed with (14, Debian 12's); with another or none it is skipped (exit
# 77, the reason printed) — except in CI (CI=true), where a missing check is a failure.
#
# usage: check_format.sh <repo>        fix: clang-format -i $(git ls-files '*.c' '*.h')
set -euo pipefail
repo=${1:?usage: check_format.sh <repo>}
want=14
tool=""
for c in clang-format-$want clang-format; do
    if command -v "$c" >/dev/null 2>&1 && "$c" --version | grep -q "version $want\."; then
        tool=$c
        break
    fi
done
if [[ -z $tool ]]; then
    echo "style.format: clang-format $want not found (Debian: apt-get install clang-format); not checked"
    [[ ${CI:-} == true ]] && exit 1
    exit 77
fi
cd "$repo"
mapfile -t files < <(find connector include test examples -name '*.[ch]' -not -path '*/build*' | sort)
bad=()
for f in "${files[@]}"; do
    "$tool" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [[ ${#bad[@]} -gt 0 ]]; then
    echo "style.format: ${#bad[@]} of ${#files[@]} files differ from clang-format's output:"
    printf '  %s\n' "${bad[@]}"
    echo "fix: $tool -i ${bad[*]}"
    exit 1
fi
echo "style.format: ${#files[@]} files as clang-format $want writes them"
