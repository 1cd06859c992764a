/*
 * bench_common.h — helpers shared by the benchmark programs of examples/bench (no HDF5 here: the
 * carve-phase driver does not link it).
 */
#ifndef CARVE_BENCH_COMMON_H
#define CARVE_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The most values bench_median_of sorts (larger counts are cut to this many). */
#define BENCH_MAX_VALUES 1000u

/* Monotonic wall clock, in seconds. */
double bench_now(void);

/* Word-at-a-time hash: each step is a bijection of the state, so any one changed word changes it. Every
 * program uses this one, so checksums of equal reads agree. */
uint64_t bench_digest(uint64_t hash, const void *data, size_t size);

/* Median and minimum of n values (0 for none). */
double bench_median_of(const double *values, unsigned n);
double bench_min_of(const double *values, unsigned n);

/* The 1-minute load average (Linux); -1 if unknown. */
double bench_load_average(void);

/* Parses a decimal whole number in [min, max] into *value (untouched on failure); on failure prints
 * "<prog>: <flag> needs a whole number in min..max, got '<text>'" to stderr and returns -1. */
int bench_parse_count(const char *prog, const char *flag, const char *text, unsigned long min, unsigned long max,
                      unsigned long *value);

#endif
