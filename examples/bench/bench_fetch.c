/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_fetch.c — carve_bench_fetch: what keeping several range requests in flight (carve_origin_fetch,
 * carve_origin_set_parallel) saves against reading the same ranges one after another with HDF5's ROS3
 * driver, on an object of an S3 server (test/s3/s3server.py with --latency-ms plays a remote store).
 *
 *   carve_bench_fetch <url> [--ranges N] [--bytes B] [--reps R] [--parallel K,K,...] [--cold]
 *       (defaults: 64 ranges of 65536 bytes, 3 repetitions, parallel 1,8)
 *
 * The ranges are spread evenly over the object past its first 16 MiB (which HDF5 1.14.5's ROS3 driver
 * reads whole when it opens a file, and serves from memory), one at the middle of each of N equal
 * stretches, so that ranges farther apart than carve's 64 KiB gap are separate requests. Each repetition
 * runs, interleaved: ROS3 (H5FDopen once, untimed, then one H5FDread per range, timed) and
 * carve_origin_fetch of all ranges at each parallel setting (timed whole: its handles are set up inside the
 * call). ROS3 keeps its connection from the open on; carve keeps those of its requests from one call to the
 * next (carve_origin_conn_open, untimed, as its fetch driver does while an origin is open), unless --cold:
 * then every call opens its own. Every run's bytes are compared with ROS3's. Prints a markdown table (minimum
 * and median wall time, requests, speed-up against ROS3) and one "FETCH mode=... s=... requests=..." line
 * per row. Signed with AWS_* from the environment when set (carve_origin_use_ros3), anonymous otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hdf5.h>
#include <H5FDros3.h> /* after hdf5.h */

#include "bench_common.h"
#include "carve_error.h"
#include "carve_origin.h"

#define MODES_MAX 16
#define REPS_MAX  50
/* What ROS3 reads at open and serves from memory afterwards (ROS3_MAX_CACHE_SIZE in H5FDros3.c). */
#define ROS3_OPEN_CACHE ((uint64_t)16 * 1024 * 1024)

static void
die(const char *what)
{
    fprintf(stderr, "carve_bench_fetch: %s\n", what);
    H5Eprint2(H5E_DEFAULT, stderr);
    exit(1);
}

/* Reads every range with the ROS3 driver, one H5FDread after another, into bufs; returns the seconds. */
static double
read_ros3(H5FD_t *file, const carve_origin_range_t *ranges, size_t n, unsigned char **bufs)
{
    double start = bench_now();

    for (size_t i = 0; i < n; i++)
        if (H5FDread(file, H5FD_MEM_DRAW, H5P_DEFAULT, ranges[i].offset, ranges[i].size, bufs[i]) < 0)
            die("H5FDread through ROS3 failed");
    return bench_now() - start;
}

/* carve_origin_fetch of every range with `parallel` requests in flight; checks the bytes against want. */
static double
read_carve(const char *url, hid_t fapl, carve_origin_range_t *ranges, size_t n, int parallel,
           unsigned char **want, size_t *requests)
{
    double start, seconds;

    carve_origin_set_parallel(parallel);
    *requests = 0;
    start     = bench_now();
    if (carve_origin_fetch(url, fapl, ranges, n, requests) < 0)
        die("carve_origin_fetch failed");
    seconds = bench_now() - start;
    /* The ranges were given sorted by offset and stay in that order, with their buffers. */
    for (size_t i = 0; i < n; i++) {
        if (!ranges[i].ok) {
            fprintf(stderr, "carve_bench_fetch: range %zu not read: %s\n", i, ranges[i].why);
            exit(1);
        }
        if (memcmp(ranges[i].buf, want[i], ranges[i].size) != 0)
            die("carve_origin_fetch returned other bytes than ROS3");
    }
    return seconds;
}

/* The value of a count option, or exit 2 with bench_parse_count's message. */
static size_t
count_option(const char *flag, const char *text, unsigned long max)
{
    unsigned long value;

    if (bench_parse_count("carve_bench_fetch", flag, text, 1, max, &value) < 0)
        exit(2);
    return (size_t)value;
}

int
main(int argc, char **argv)
{
    const char           *url     = NULL;
    size_t                nranges = 64, bytes = 65536, reps = 3, nmodes = 0;
    int                   cold = 0;
    carve_origin_conn_t  *conn = NULL;
    int                   parallel[MODES_MAX];
    char                 *list = NULL;
    carve_stamp_t         stamp;
    hid_t                 fapl;
    H5FD_t               *file;
    carve_origin_range_t *ranges;
    unsigned char       **want, **got;
    double                times[MODES_MAX + 1][REPS_MAX], mins[MODES_MAX + 1];
    size_t                requests[MODES_MAX + 1] = {0};
    uint64_t              base, step;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ranges") == 0 && i + 1 < argc)
            nranges = count_option("--ranges", argv[++i], 1000000);
        else if (strcmp(argv[i], "--bytes") == 0 && i + 1 < argc)
            bytes = count_option("--bytes", argv[++i], 1UL << 30);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = count_option("--reps", argv[++i], REPS_MAX);
        else if (strcmp(argv[i], "--parallel") == 0 && i + 1 < argc)
            list = argv[++i];
        else if (strcmp(argv[i], "--cold") == 0)
            cold = 1;
        else if (argv[i][0] != '-' && url == NULL)
            url = argv[i];
        else {
            fprintf(stderr, "usage: carve_bench_fetch <url> [--ranges N] [--bytes B] [--reps R] "
                            "[--parallel K,K,...] [--cold]\n");
            return 2;
        }
    }
    if (url == NULL) {
        fprintf(stderr, "carve_bench_fetch: no URL (see the comment atop bench_fetch.c)\n");
        return 2;
    }
    for (char *k = strtok(list ? list : (char[]){"1,8"}, ","); k && nmodes < MODES_MAX; k = strtok(NULL, ","))
        parallel[nmodes++] = (int)count_option("--parallel", k, 64);

    if (carve_error_init() < 0)
        die("cannot register carve's error class");
    carve_origin_global_init();
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || carve_origin_use_ros3(fapl, url) < 0)
        die("cannot set up the ROS3 access list");
    if (carve_origin_stamp(url, fapl, &stamp) < 0 || stamp.size <= 0)
        die("cannot measure the object (HEAD)");
    base = (uint64_t)stamp.size > 2 * ROS3_OPEN_CACHE ? ROS3_OPEN_CACHE : 0;
    step = ((uint64_t)stamp.size - base) / nranges;
    if (step < bytes)
        die("the object is too small for that many ranges of that size");
    ranges = calloc(nranges, sizeof *ranges);
    want   = calloc(nranges, sizeof *want);
    got    = calloc(nranges, sizeof *got);
    if (!ranges || !want || !got)
        die("out of memory");
    for (size_t i = 0; i < nranges; i++) {
        ranges[i].offset = base + i * step + (step - bytes) / 2;
        ranges[i].size   = bytes;
        want[i]          = malloc(bytes);
        got[i]           = malloc(bytes);
        ranges[i].buf    = got[i];
        if (!want[i] || !got[i])
            die("out of memory");
    }
    if ((file = H5FDopen(url, H5F_ACC_RDONLY, fapl, HADDR_UNDEF)) == NULL ||
        H5FDset_eoa(file, H5FD_MEM_DEFAULT, H5FDget_eof(file, H5FD_MEM_DEFAULT)) < 0)
        die("cannot open the object with the ROS3 driver");
    if (!cold && (conn = carve_origin_conn_open(url)) == NULL)
        die("cannot keep connections to the object");

    for (size_t r = 0; r < reps; r++) {
        times[0][r] = read_ros3(file, ranges, nranges, want);
        for (size_t m = 0; m < nmodes; m++)
            times[m + 1][r] = read_carve(url, fapl, ranges, nranges, parallel[m], want, &requests[m + 1]);
    }
    requests[0] = nranges;

    printf("%zu ranges of %zu bytes, one every %llu bytes from byte %llu of %s (%lld bytes); %zu "
           "repetitions; carve's connections %s\n\n",
           nranges, bytes, (unsigned long long)step, (unsigned long long)base, url, (long long)stamp.size,
           reps, cold ? "opened by each call" : "kept between calls");
    for (size_t m = 0; m <= nmodes; m++)
        mins[m] = bench_min_of(times[m], (unsigned)reps);
    printf("| reader | requests | min s | median s | ROS3 / this (min) |\n|---|---:|---:|---:|---:|\n");
    for (size_t m = 0; m <= nmodes; m++) {
        char name[64];

        if (m == 0)
            snprintf(name, sizeof name, "ROS3, one read after another");
        else
            snprintf(name, sizeof name, "carve_origin_fetch, parallel %d", parallel[m - 1]);
        printf("| %s | %zu | %.3f | %.3f | %.2f |\n", name, requests[m], mins[m],
               bench_median_of(times[m], (unsigned)reps), bench_ratio(mins[0], mins[m]));
    }
    printf("\n");
    for (size_t m = 0; m <= nmodes; m++)
        printf("FETCH mode=%s parallel=%d s=%.4f requests=%zu speedup=%.2f\n", m == 0 ? "ros3" : "carve",
               m == 0 ? 1 : parallel[m - 1], mins[m], requests[m], bench_ratio(mins[0], mins[m]));

    carve_origin_conn_close(conn);
    H5FDclose(file);
    H5Pclose(fapl);
    carve_stamp_clear(&stamp);
    for (size_t i = 0; i < nranges; i++) {
        free(want[i]);
        free(got[i]);
    }
    free(ranges);
    free(want);
    free(got);
    return 0;
}
