#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# valgrind-command.sh — prints the valgrind command line carve's memory checks use (test/memcheck.sh,
# the memcheck.smoke test): any memory error or definite/indirect leak fails with exit status 99.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
echo "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
     "--show-leak-kinds=definite,indirect --suppressions=$here/valgrind.supp"
