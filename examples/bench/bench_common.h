/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_common.h — helpers shared by the benchmark programs of examples/bench (no HDF5 here: the
 * carve- and replay-phase drivers do not link it): clock, digest and statistics for all of them; for the
 * two drivers, running carve_bench_prog as a child, reading its PROG line, and their report (tables,
 * recorded lines, failures).
 */
#ifndef CARVE_BENCH_COMMON_H
#define CARVE_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most values bench_median_of sorts (larger counts are cut to this many). */
#define BENCH_MAX_VALUES 1000u

/* Monotonic wall clock, in seconds. */
double bench_now(void);

/* Word-at-a-time hash: each step is a bijection of the state, so any one changed word changes it. Every
 * program uses this one, so checksums of equal reads agree. */
uint64_t bench_digest(uint64_t hash, const void *data, size_t size);

/* splitmix64: the deterministic positions of the random workloads (carve_bench_read's b and c and
 * carve_bench_prog's small and points draw the same ones). A value in [0, bound) (0 for bound 0). */
uint64_t bench_random_below(uint64_t *state, uint64_t bound);

/* The "hot band" of /field that the small and points workloads read at random: whole chunk rows of float64,
 * as many as fit half a chunk cache of cache_bytes (1 to 4), in the middle of the rows: [*row0, *row0 + *nrows). */
void bench_hot_band(uint64_t rows, uint64_t cols, uint64_t chunk_rows, uint64_t chunk_cols,
                    uint64_t cache_bytes, uint64_t *row0, uint64_t *nrows);

/* Median and minimum of n values (0 for none). */
double bench_median_of(const double *values, unsigned n);
double bench_min_of(const double *values, unsigned n);

/* a / b, or 0 when b is not positive (a figure that was not measured). */
double bench_ratio(double a, double b);

/* The 1-minute load average (Linux); -1 if unknown. */
double bench_load_average(void);

/* Parses a decimal whole number in [min, max] into *value (untouched on failure); on failure prints
 * "<prog>: <flag> needs a whole number in min..max, got '<text>'" to stderr and returns -1. */
int bench_parse_count(const char *prog, const char *flag, const char *text, unsigned long min,
                      unsigned long max, unsigned long *value);

/* One child process as its parent saw it (bench_run_child). */
typedef struct bench_child_t {
    int    ok;           /* it ran and exited with status 0 */
    double wall;         /* fork to reaped exit, seconds */
    long   maxrss_kib;   /* the child's ru_maxrss (wait4) */
    long   minflt;       /* the child's minor page faults (ru_minflt) */
    char   out[8192];    /* the start of its stdout, NUL-terminated (the rest is read and dropped) */
    char   err[16384];   /* the start of its stderr, likewise */
    char   message[256]; /* when not ok: why (exit status, signal, fork or exec failure) */
} bench_child_t;

/* bench_run_child's flags. */
#define BENCH_CHILD_PASS_STDERR 1u /* the child writes to the parent's stderr (child->err stays empty) */

/* Runs the program at path with argv and envp as a child process (stdin /dev/null, stdout and, unless
 * flags has BENCH_CHILD_PASS_STDERR, stderr captured), waits for it and fills *child. Returns 0 when it
 * exited with status 0, else -1. */
int bench_run_child(const char *path, char *const argv[], char *const envp[], unsigned flags,
                    bench_child_t *child);

/* Removes a directory that holds plain files only (a carve directory); a missing one is fine. */
int bench_remove_flat_dir(const char *path);

/* carve_bench_prog's result line ("PROG key=value ..." on its stdout) as the drivers read it: finds it in out
 * and reads the fields every data workload prints into connector (NUL-terminated, cut to connector_size),
 * *bytes, *checksum (hex) and *seconds (its own H5Fopen..H5Fclose time); a field the line lacks is left as it
 * is. Returns the line, for bench_prog_field, or NULL when out has none. */
const char *bench_prog_line(const char *out, char *connector, size_t connector_size, uint64_t *bytes,
                            uint64_t *checksum, double *seconds);

/* The value after " key=" in a PROG line, or NULL. */
const char *bench_prog_field(const char *line, const char *key);

/* What a driver (carve_bench_carve, carve_bench_replay) prints: markdown tables on stdout and in its
 * --markdown file, key=value lines ("CARVE ...", "REPLAY ...") kept for after the tables so that the
 * tables stay in one piece, and its count of correctness failures. */
typedef struct bench_report_t {
    const char *prog;     /* the program's name, for messages */
    FILE       *markdown; /* the --markdown file, or NULL */
    char       *lines;    /* the recorded lines so far */
    size_t      lines_len;
    int         failures;
} bench_report_t;

/* Starts an empty report of prog; with a markdown_path, opens that file for writing (when it cannot,
 * prints "<prog>: cannot write <path>: <reason>" to stderr and returns -1). */
int bench_report_open(bench_report_t *report, const char *prog, const char *markdown_path);

/* A piece of the tables: to stdout and to the markdown file. */
void bench_emit(bench_report_t *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keeps a line for bench_report_end (dropped when out of memory). */
void bench_record(bench_report_t *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A correctness failure: counted, printed to stderr at once as "<prog>: FAILED: ...". */
void bench_fail(bench_report_t *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the tables ("load average L at the end; N correctness failures; S s."), then prints an empty line
 * and the recorded lines on stdout. */
void bench_report_end(bench_report_t *report, double load_end, double elapsed_s);

/* Closes the markdown file and frees the recorded lines. */
void bench_report_close(bench_report_t *report);

#endif
