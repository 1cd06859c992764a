/*
 * bench_common.c — helpers shared by the benchmark programs of examples/bench (see bench_common.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "bench_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t
bench_digest(uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    size_t               words = size / 8, i;

    for (i = 0; i < words; i++) {
        uint64_t word;

        memcpy(&word, bytes + i * 8, 8);
        hash = (hash ^ word) * 0x100000001b3ull;
        hash ^= hash >> 32;
    }
    for (i = words * 8; i < size; i++) {
        hash = (hash ^ bytes[i]) * 0x100000001b3ull;
        hash ^= hash >> 32;
    }
    return hash;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
bench_median_of(const double *values, unsigned n)
{
    double sorted[BENCH_MAX_VALUES];

    if (n > BENCH_MAX_VALUES)
        n = BENCH_MAX_VALUES;
    if (!n)
        return 0;
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double
bench_min_of(const double *values, unsigned n)
{
    double least = n ? values[0] : 0;

    for (unsigned i = 1; i < n; i++)
        if (values[i] < least)
            least = values[i];
    return least;
}

double
bench_load_average(void)
{
    FILE  *loadavg = fopen("/proc/loadavg", "r");
    double load    = -1;

    if (loadavg) {
        if (fscanf(loadavg, "%lf", &load) != 1)
            load = -1;
        fclose(loadavg);
    }
    return load;
}

int
bench_parse_count(const char *prog, const char *flag, const char *text, unsigned long min, unsigned long max,
                  unsigned long *value)
{
    char         *end = NULL;
    unsigned long parsed;

    errno  = 0;
    parsed = strtoul(text ? text : "", &end, 10);
    if (!text || text[0] == '-' || errno || end == text || *end || parsed < min || parsed > max) {
        fprintf(stderr, "%s: %s needs a whole number in %lu..%lu, got '%s'\n", prog, flag, min, max,
                text ? text : "");
        return -1;
    }
    *value = parsed;
    return 0;
}
