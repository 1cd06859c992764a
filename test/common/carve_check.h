/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_check.h — the check-and-count helpers of carve's C test programs: one PASS/FAIL line per check,
 * and the closing "N passed, M failed" line that ctest's log readers understand.
 */
#ifndef CARVE_CHECK_H
#define CARVE_CHECK_H

/* Records one check; prints "PASS: ..." or "FAIL: ..." with the printf-style description. */
void carve_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Number of failed checks so far. */
int carve_check_failures(void);
/* Prints the closing line; EXIT_SUCCESS when nothing failed and something was checked. */
int carve_check_finish(void);

#endif /* CARVE_CHECK_H */
