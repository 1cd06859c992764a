/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_check.c — counts and prints the checks of carve's C test programs (see carve_check.h).
 */
#include "carve_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* One test program = one process: the counts are its whole result. */
static int checks_passed;
static int checks_failed;

void
carve_check(int ok, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("%s: ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (ok)
        checks_passed++;
    else
        checks_failed++;
}

int
carve_check_failures(void)
{
    return checks_failed;
}

int
carve_check_finish(void)
{
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
