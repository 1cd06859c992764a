/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_read.c — carve_bench_read: carve's read benchmarks against native HDF5, in one process tree.
 *
 * Workloads (inputs from carve_bench_make: a data file with /field, an objects file with /tree):
 *   a  rows     about 10% of /field as 10 contiguous blocks of whole rows (1% of the rows each)
 *   b  small    many 1x16 hyperslab reads at random places in a hot band of /field (per-call overhead)
 *   c  points   point selections (many calls of several hundred random points in the hot band)
 *   d  walk     H5Ovisit over the objects file and H5Aread of every attribute of every object
 *   e  open     H5Fopen + H5Fclose of the data file, many times
 * Each runs natively (the native connector set on the access list) and through carve in the modes asked
 * for (off, carve, replay: H5Pset_fapl_carve with carve_vol_info_t.mode). Every run is a forked child of
 * a parent that never calls HDF5, so no library state, cache or memory carries from one run to the next.
 * Before the timed runs each workload runs once natively (the reference checksum; it also warms the page
 * cache) and once in mode carve (so a replay always follows a carve of the same workload). Then the runs
 * are repeated --reps times, interleaved: every repetition runs every workload in every configuration,
 * the order of configurations rotating between repetitions.
 *
 * Measured per run: wall time from H5Fopen to H5Fclose inclusive, with the checksumming of the data read
 * excluded; peak RSS growth over the run (getrusage ru_maxrss at the end minus at the start, in the
 * child); a checksum of everything read; and, by the parent, the whole process: wall time from fork to
 * the reaped exit and its peak RSS (wait4). Only the process figures include what carve does at exit —
 * in mode carve, the commit into the container (every timed carve run after the warm-up commits onto
 * the container the earlier runs wrote: a re-carve). Reported per workload and mode: medians and minima
 * of native and carve, their ratios (carve/native), the largest RSS growth, whether every checksum equals
 * native's; then the same ratios and peak RSS for the whole process. Output: readable tables and one
 * "BENCH key=value ..." line per row. Exit status 1 if any run failed, was not served by the expected
 * connector, or read something different from native.
 *
 * Usage: carve_bench_read --data FILE --objects FILE [options]       (--help lists them)
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_vol.h"

#include "bench_common.h"
#include "bench_hdf5.h"

#define FIELD_NAME  "/field"
#define SMALL_COUNT 16u         /* elements per small read (1 x 16) */
#define HOT_CACHE   (32u << 20) /* the chunk cache the hot-band workloads give /field */
#define HOT_SLOTS   12421u      /* a prime well above the chunks that cache can hold */
#define ROW_BLOCKS  10u         /* workload a: blocks of 1% of the rows, one per tenth */
#define MAX_REPS    1000u

/* The configurations a workload runs in: native, then carve in each mode. */
enum { CONF_NATIVE, CONF_OFF, CONF_CARVE, CONF_REPLAY, CONF_COUNT };
static const char *const  conf_names[CONF_COUNT] = {"native", "off", "carve", "replay"};
static const carve_mode_t conf_modes[CONF_COUNT] = {CARVE_MODE_DEFAULT, CARVE_MODE_OFF, CARVE_MODE_CARVE,
                                                    CARVE_MODE_REPLAY};

typedef struct bench_params_t {
    const char   *data_path;
    const char   *objects_path;
    const char   *workloads; /* letters, in order */
    int           conf_on[CONF_COUNT];
    const char   *carve_settings; /* carve_vol_info_t.settings, or NULL */
    unsigned      reps;
    unsigned long small_reads;
    unsigned long point_calls;
    unsigned long points_per_call;
    unsigned long opens;
} bench_params_t;

/* What a child reports to the parent through a pipe. */
typedef struct run_report_t {
    int      ok;
    double   seconds;
    uint64_t checksum;
    uint64_t calls; /* read calls made (objects visited for the walk, opens for open) */
    uint64_t bytes; /* bytes delivered to the program */
    long     rss_start_kib;
    long     rss_peak_kib;
    char     connector[32];
    char     message[200];
    double   proc_seconds;    /* set by the parent: fork to reaped exit (includes carve's commit at exit) */
    long     proc_maxrss_kib; /* set by the parent: the child's peak RSS (wait4) */
} run_report_t;

/* Accumulates wall time between start and stop calls. */
typedef struct stopwatch_t {
    double total;
    double started;
} stopwatch_t;

/* A child's run: the parameters, the access list selecting the configuration, the clock, the report. */
typedef struct run_ctx_t {
    const bench_params_t *params;
    hid_t                 fapl;
    const char           *expect_connector;
    stopwatch_t           clock;
    run_report_t         *report;
} run_ctx_t;

typedef int (*workload_fn)(run_ctx_t *ctx);

typedef struct workload_t {
    char        letter;
    const char *name;
    const char *summary;
    workload_fn run;
} workload_t;

/* ---------------------------------------------------------------------------------------------- */
/* time, checksums, random numbers                                                                 */

static void
clock_start(stopwatch_t *watch)
{
    watch->started = bench_now();
}

static void
clock_stop(stopwatch_t *watch)
{
    watch->total += bench_now() - watch->started;
}

static uint64_t
digest_u64(uint64_t hash, uint64_t value)
{
    return bench_digest(hash, &value, sizeof value);
}

/* Checksums a buffer of data read, outside the measured time. */
static void
digest_read_data(run_ctx_t *ctx, const void *data, size_t size)
{
    clock_stop(&ctx->clock);
    ctx->report->checksum = bench_digest(ctx->report->checksum, data, size);
    clock_start(&ctx->clock);
}

static hsize_t
random_below(uint64_t *state, hsize_t bound)
{
    return (hsize_t)bench_random_below(state, bound);
}

static long
rss_peak_kib(void)
{
    struct rusage usage;

    return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

static int
run_fail(run_ctx_t *ctx, const char *what)
{
    if (!ctx->report->message[0])
        snprintf(ctx->report->message, sizeof ctx->report->message, "%s failed", what);
    return -1;
}

/* ---------------------------------------------------------------------------------------------- */
/* opening the inputs                                                                              */

/* Opens a file with the run's access list; the first open records which connector serves it. */
static hid_t
bench_open_file(run_ctx_t *ctx, const char *path)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, ctx->fapl);

    if (file < 0) {
        run_fail(ctx, "H5Fopen");
        return H5I_INVALID_HID;
    }
    if (!ctx->report->connector[0]) {
        clock_stop(&ctx->clock);
        if (H5VLget_connector_name(file, ctx->report->connector, sizeof ctx->report->connector) < 0)
            snprintf(ctx->report->connector, sizeof ctx->report->connector, "?");
        clock_start(&ctx->clock);
    }
    return file;
}

/* /field opened, with its geometry and the "hot band" the random workloads read from. */
typedef struct field_t {
    hid_t   file, dset, fspace;
    hsize_t rows, cols, chunk_rows, chunk_cols;
    hsize_t band_row0, band_rows; /* whole chunk rows, fitting half the chunk cache, in the middle */
} field_t;

static void
field_close(field_t *field)
{
    if (field->fspace >= 0)
        H5Sclose(field->fspace);
    if (field->dset >= 0)
        H5Dclose(field->dset);
    if (field->file >= 0)
        H5Fclose(field->file);
    field->fspace = field->dset = field->file = H5I_INVALID_HID;
}

/* Opens the data file and /field; `hot` gives the dataset the hot-band chunk cache. */
static int
field_open(run_ctx_t *ctx, field_t *field, int hot)
{
    hid_t   dapl = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t dims[2], chunk[2];
    int     status = -1;

    field->file = field->dset = field->fspace = H5I_INVALID_HID;
    if ((field->file = bench_open_file(ctx, ctx->params->data_path)) < 0)
        return -1;
    if ((dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0 ||
        (hot && H5Pset_chunk_cache(dapl, HOT_SLOTS, HOT_CACHE, H5D_CHUNK_CACHE_W0_DEFAULT) < 0)) {
        run_fail(ctx, "creating the dataset access list");
        goto done;
    }
    if ((field->dset = H5Dopen2(field->file, FIELD_NAME, dapl)) < 0) {
        run_fail(ctx, "H5Dopen2 " FIELD_NAME);
        goto done;
    }
    if ((field->fspace = H5Dget_space(field->dset)) < 0 || H5Sget_simple_extent_ndims(field->fspace) != 2 ||
        H5Sget_simple_extent_dims(field->fspace, dims, NULL) < 0 ||
        (dcpl = H5Dget_create_plist(field->dset)) < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED ||
        H5Pget_chunk(dcpl, 2, chunk) != 2) {
        run_fail(ctx, FIELD_NAME " is not a chunked 2-D dataset:");
        goto done;
    }
    field->rows       = dims[0];
    field->cols       = dims[1];
    field->chunk_rows = chunk[0];
    field->chunk_cols = chunk[1];
    {
        uint64_t band_row0, band_rows;

        bench_hot_band(field->rows, field->cols, field->chunk_rows, field->chunk_cols, HOT_CACHE, &band_row0,
                       &band_rows);
        field->band_row0 = band_row0;
        field->band_rows = band_rows;
    }
    if (field->cols < SMALL_COUNT) {
        run_fail(ctx, FIELD_NAME " is too narrow:");
        goto done;
    }
    status = 0;

done:
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (dapl >= 0)
        H5Pclose(dapl);
    if (status < 0)
        field_close(field);
    return status;
}

/* ---------------------------------------------------------------------------------------------- */
/* the workloads: each starts and stops ctx->clock around its HDF5 calls, open to close             */

/* a: about 10% of /field as ROW_BLOCKS blocks of whole rows, one in the middle of each tenth. */
static int
workload_rows(run_ctx_t *ctx)
{
    field_t field;
    hsize_t block_rows, tenth, offset;
    hid_t   mspace = H5I_INVALID_HID;
    double *buffer = NULL;
    int     status = -1;

    clock_start(&ctx->clock);
    if (field_open(ctx, &field, 0) < 0)
        goto out;
    block_rows = field.rows / 100 ? field.rows / 100 : 1;
    tenth      = field.rows / ROW_BLOCKS;
    offset     = tenth > block_rows ? (tenth - block_rows) / 2 : 0;
    clock_stop(&ctx->clock);
    buffer = malloc(block_rows * field.cols * sizeof *buffer);
    clock_start(&ctx->clock);
    {
        hsize_t count[2] = {block_rows, field.cols};

        if (!buffer || (mspace = H5Screate_simple(2, count, NULL)) < 0) {
            run_fail(ctx, "allocating the row buffer");
            goto done;
        }
        for (unsigned block = 0; block < ROW_BLOCKS; block++) {
            hsize_t start[2] = {block * tenth + offset, 0};

            if (start[0] + block_rows > field.rows)
                start[0] = field.rows - block_rows;
            if (H5Sselect_hyperslab(field.fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                H5Dread(field.dset, H5T_NATIVE_DOUBLE, mspace, field.fspace, H5P_DEFAULT, buffer) < 0) {
                run_fail(ctx, "H5Dread of a row block");
                goto done;
            }
            digest_read_data(ctx, buffer, block_rows * field.cols * sizeof *buffer);
            ctx->report->calls++;
            ctx->report->bytes += block_rows * field.cols * sizeof *buffer;
        }
    }
    status = 0;

done:
    if (mspace >= 0)
        H5Sclose(mspace);
    field_close(&field);
out:
    clock_stop(&ctx->clock);
    free(buffer);
    return status;
}

/* b and c: `calls` reads at random places in the hot band of /field — 1 x SMALL_COUNT hyperslabs when
 * `points` is 0, else selections of `points` random points each (unsorted, as a program might). */
static int
workload_hot_band(run_ctx_t *ctx, unsigned long calls, unsigned long points, uint64_t state)
{
    const unsigned long per_call = points ? points : SMALL_COUNT;
    field_t             field;
    hsize_t             count[2] = {1, SMALL_COUNT};
    hsize_t             mdims    = per_call;
    hsize_t            *coords   = points ? malloc(points * 2 * sizeof *coords) : NULL;
    double             *values   = malloc(per_call * sizeof *values);
    hid_t               mspace   = H5I_INVALID_HID;
    int                 status   = -1;

    clock_start(&ctx->clock);
    if ((points && !coords) || !values) {
        run_fail(ctx, points ? "allocating the point buffers" : "allocating the read buffer");
        goto out;
    }
    if (field_open(ctx, &field, 1) < 0)
        goto out;
    if ((mspace = points ? H5Screate_simple(1, &mdims, NULL) : H5Screate_simple(2, count, NULL)) < 0) {
        run_fail(ctx, "H5Screate_simple");
        goto done;
    }
    for (unsigned long call = 0; call < calls; call++) {
        herr_t selected;

        if (points) {
            for (unsigned long p = 0; p < points; p++) {
                coords[2 * p]     = field.band_row0 + random_below(&state, field.band_rows);
                coords[2 * p + 1] = random_below(&state, field.cols);
            }
            selected = H5Sselect_elements(field.fspace, H5S_SELECT_SET, points, coords);
        }
        else {
            hsize_t start[2];

            start[0] = field.band_row0 + random_below(&state, field.band_rows);
            start[1] = random_below(&state, field.cols - SMALL_COUNT + 1);
            selected = H5Sselect_hyperslab(field.fspace, H5S_SELECT_SET, start, NULL, count, NULL);
        }
        if (selected < 0 ||
            H5Dread(field.dset, H5T_NATIVE_DOUBLE, mspace, field.fspace, H5P_DEFAULT, values) < 0) {
            run_fail(ctx, points ? "H5Dread of a point selection" : "H5Dread of a 1x16 hyperslab");
            goto done;
        }
        digest_read_data(ctx, values, per_call * sizeof *values);
        ctx->report->calls++;
        ctx->report->bytes += per_call * sizeof *values;
    }
    status = 0;

done:
    if (mspace >= 0)
        H5Sclose(mspace);
    field_close(&field);
out:
    clock_stop(&ctx->clock);
    free(values);
    free(coords);
    return status;
}

/* b: small_reads reads of 1 x SMALL_COUNT elements at random places in the hot band. */
static int
workload_small(run_ctx_t *ctx)
{
    return workload_hot_band(ctx, ctx->params->small_reads, 0, 0x5eed0001u);
}

/* c: point_calls reads of points_per_call random points of the hot band. */
static int
workload_points(run_ctx_t *ctx)
{
    return workload_hot_band(ctx, ctx->params->point_calls, ctx->params->points_per_call, 0x5eed0002u);
}

/* d: state of the metadata walk. */
typedef struct walk_state_t {
    run_ctx_t     *ctx;
    hid_t          file;
    unsigned char *buffer;
    size_t         buffer_size;
    uint64_t       attributes;
} walk_state_t;

/* Reads one attribute whole, in its file type (no conversion), into the walk's checksum. */
static herr_t
walk_attribute(hid_t location, const char *name, const H5A_info_t *info, void *data)
{
    walk_state_t *walk   = data;
    hid_t         attr   = H5Aopen(location, name, H5P_DEFAULT);
    size_t        size   = 0;
    const char   *what   = "opening an attribute";
    herr_t        status = -1;

    (void)info;
    if (attr < 0 || bench_attr_read_whole(attr, &walk->buffer, &walk->buffer_size, &size, &what) < 0) {
        run_fail(walk->ctx, what);
        goto done;
    }
    walk->ctx->report->checksum = bench_digest(walk->ctx->report->checksum, name, strlen(name));
    walk->ctx->report->checksum = bench_digest(walk->ctx->report->checksum, walk->buffer, size);
    walk->ctx->report->bytes += size;
    walk->attributes++;
    status = 0;

done:
    if (attr >= 0)
        H5Aclose(attr);
    return status;
}

static herr_t
walk_object(hid_t root, const char *name, const H5O_info2_t *info, void *data)
{
    walk_state_t *walk = data;
    run_ctx_t    *ctx  = walk->ctx;

    ctx->report->checksum = bench_digest(ctx->report->checksum, name, strlen(name));
    ctx->report->checksum = digest_u64(ctx->report->checksum, ((uint64_t)info->type << 32) | info->num_attrs);
    ctx->report->calls++;
    if (info->num_attrs && H5Aiterate_by_name(root, name, H5_INDEX_NAME, H5_ITER_INC, NULL, walk_attribute,
                                              walk, H5P_DEFAULT) < 0)
        return run_fail(ctx, "H5Aiterate_by_name");
    return 0;
}

/* d: every object of the objects file by H5Ovisit, and every attribute of each read by H5Aread. */
static int
workload_walk(run_ctx_t *ctx)
{
    walk_state_t walk   = {.ctx = ctx};
    int          status = -1;

    clock_start(&ctx->clock);
    if ((walk.file = bench_open_file(ctx, ctx->params->objects_path)) < 0)
        goto out;
    if (H5Ovisit3(walk.file, H5_INDEX_NAME, H5_ITER_INC, walk_object, &walk,
                  H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS) < 0) {
        run_fail(ctx, "H5Ovisit3");
        goto done;
    }
    ctx->report->checksum = digest_u64(ctx->report->checksum, walk.attributes);
    status                = 0;

done:
    if (H5Fclose(walk.file) < 0)
        status = run_fail(ctx, "H5Fclose");
out:
    clock_stop(&ctx->clock);
    free(walk.buffer);
    return status;
}

/* e: the data file opened and closed `opens` times. */
static int
workload_open(run_ctx_t *ctx)
{
    clock_start(&ctx->clock);
    for (unsigned long i = 0; i < ctx->params->opens; i++) {
        hid_t file = bench_open_file(ctx, ctx->params->data_path);

        if (file < 0)
            break;
        if (H5Fclose(file) < 0) {
            run_fail(ctx, "H5Fclose");
            break;
        }
        ctx->report->calls++;
    }
    clock_stop(&ctx->clock);
    ctx->report->checksum = digest_u64(ctx->report->checksum, ctx->report->calls);
    return ctx->report->calls == ctx->params->opens ? 0 : -1;
}

static const workload_t workloads[] = {
    {'a', "rows", "10% of /field as 10 row blocks", workload_rows},
    {'b', "small", "1x16 hyperslab reads, hot band", workload_small},
    {'c', "points", "point selections, hot band", workload_points},
    {'d', "walk", "H5Ovisit + H5Aread of all attrs", workload_walk},
    {'e', "open", "H5Fopen + H5Fclose of the data file", workload_open},
};
#define WORKLOAD_COUNT (sizeof workloads / sizeof workloads[0])

static const workload_t *
workload_find(char letter)
{
    for (size_t i = 0; i < WORKLOAD_COUNT; i++)
        if (workloads[i].letter == letter)
            return &workloads[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */
/* children                                                                                         */

/* The access list of a configuration: the native connector, or carve in a mode over native. */
static hid_t
conf_fapl(int conf, const bench_params_t *params)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);

    if (fapl < 0)
        return H5I_INVALID_HID;
    if (conf == CONF_NATIVE) {
        if (H5Pset_vol(fapl, H5VL_NATIVE, NULL) >= 0)
            return fapl;
    }
    else {
        carve_vol_info_t info = {
            .version = CARVE_VOL_INFO_VERSION, .mode = conf_modes[conf], .settings = params->carve_settings};

        if (H5Pset_fapl_carve(fapl, &info) >= 0)
            return fapl;
    }
    H5Pclose(fapl);
    return H5I_INVALID_HID;
}

/* The child: one workload in one configuration; the report goes to `fd`. Never returns. */
static void
child_run(const bench_params_t *params, const workload_t *workload, int conf, int fd)
{
    run_report_t report = {0};
    run_ctx_t    ctx    = {.params = params, .report = &report};
    ssize_t      written;

    ctx.expect_connector = conf == CONF_NATIVE ? "native" : CARVE_VOL_NAME;
    if ((ctx.fapl = conf_fapl(conf, params)) < 0)
        snprintf(report.message, sizeof report.message, "cannot make the file access list");
    else {
        report.rss_start_kib = rss_peak_kib();
        report.ok            = workload->run(&ctx) == 0;
        report.rss_peak_kib  = rss_peak_kib();
        report.seconds       = ctx.clock.total;
        H5Pclose(ctx.fapl);
        if (report.ok && strcmp(report.connector, ctx.expect_connector)) {
            report.ok = 0;
            snprintf(report.message, sizeof report.message, "served by connector '%s', expected '%s'",
                     report.connector, ctx.expect_connector);
        }
    }
    written = write(fd, &report, sizeof report);
    close(fd);
    /* exit, not _exit: HDF5 shuts down as in any program (a connector may finish work there). */
    exit(written == (ssize_t)sizeof report ? 0 : 3);
}

/* Runs one workload in one configuration in a child; fills *report (ok = 0 on any failure). */
static void
run_in_child(const bench_params_t *params, const workload_t *workload, int conf, run_report_t *report)
{
    int           fds[2], wstatus = 0;
    size_t        got = 0;
    pid_t         pid;
    struct rusage usage;
    double        started;

    memset(report, 0, sizeof *report);
    memset(&usage, 0, sizeof usage);
    fflush(stdout);
    fflush(stderr);
    started = bench_now();
    if (pipe(fds) < 0) {
        snprintf(report->message, sizeof report->message, "pipe: %s", strerror(errno));
        return;
    }
    if ((pid = fork()) < 0) {
        snprintf(report->message, sizeof report->message, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        child_run(params, workload, conf, fds[1]);
    }
    close(fds[1]);
    while (got < sizeof *report) {
        ssize_t n = read(fds[0], (char *)report + got, sizeof *report - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    while (wait4(pid, &wstatus, 0, &usage) < 0 && errno == EINTR)
        ;
    if (got != sizeof *report) {
        memset(report, 0, sizeof *report);
        if (WIFSIGNALED(wstatus))
            snprintf(report->message, sizeof report->message, "the run died of signal %d", WTERMSIG(wstatus));
        else
            snprintf(report->message, sizeof report->message, "the run exited with status %d, no report",
                     WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    }
    else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        report->ok = 0;
        snprintf(report->message, sizeof report->message, "the run did not exit cleanly (status 0x%x)",
                 wstatus);
    }
    report->proc_seconds    = bench_now() - started;
    report->proc_maxrss_kib = usage.ru_maxrss;
}

/* A child that prints what the inputs hold (the parent itself never calls HDF5). */
static void
describe_inputs(const bench_params_t *params)
{
    pid_t pid;
    int   wstatus;

    fflush(stdout);
    if ((pid = fork()) != 0) {
        if (pid > 0)
            waitpid(pid, &wstatus, 0);
        return;
    }
    {
        hid_t fapl = conf_fapl(CONF_NATIVE, params);
        hid_t file = H5Fopen(params->data_path, H5F_ACC_RDONLY, fapl);
        hid_t dset = file >= 0 ? H5Dopen2(file, FIELD_NAME, H5P_DEFAULT) : H5I_INVALID_HID;

        if (dset >= 0) {
            hid_t   space = H5Dget_space(dset), dcpl = H5Dget_create_plist(dset);
            hsize_t dims[2] = {0, 0}, chunk[2] = {0, 0};
            hsize_t stored = H5Dget_storage_size(dset);
            double  raw;

            H5Sget_simple_extent_dims(space, dims, NULL);
            H5Pget_chunk(dcpl, 2, chunk);
            raw = (double)dims[0] * (double)dims[1] * sizeof(double);
            printf("data:    %s — %s %llu x %llu float64 (%.0f MiB), chunks %llu x %llu (%.0f KiB), "
                   "%.1f MiB stored (compression %.2fx)\n",
                   params->data_path, FIELD_NAME, (unsigned long long)dims[0], (unsigned long long)dims[1],
                   raw / 1048576.0, (unsigned long long)chunk[0], (unsigned long long)chunk[1],
                   (double)chunk[0] * (double)chunk[1] * sizeof(double) / 1024.0, (double)stored / 1048576.0,
                   stored ? raw / (double)stored : 0.0);
            H5Pclose(dcpl);
            H5Sclose(space);
            H5Dclose(dset);
        }
        if (file >= 0)
            H5Fclose(file);
        printf("objects: %s\n", params->objects_path);
        H5Pclose(fapl);
        fflush(stdout);
        exit(0);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* statistics and the report                                                                        */

/* Everything measured for one workload. */
typedef struct workload_results_t {
    const workload_t *workload;
    int               failed[CONF_COUNT];   /* some run failed */
    int               mismatch[CONF_COUNT]; /* some run read something else than native */
    double            seconds[CONF_COUNT][MAX_REPS];
    double            proc_seconds[CONF_COUNT][MAX_REPS]; /* whole process, fork to exit */
    long              rss_kib[CONF_COUNT];                /* the largest growth of any run */
    long              proc_rss_kib[CONF_COUNT];           /* the largest peak RSS of any run's process */
    uint64_t          reference;                          /* native's checksum */
    uint64_t          calls, bytes;                       /* of the reference run */
    char              message[CONF_COUNT][200];
} workload_results_t;

/* Folds one run's report into the results; prints a problem at once. */
static void
record_run(workload_results_t *results, int conf, unsigned rep, const run_report_t *report, const char *phase)
{
    if (!report->ok) {
        if (!results->failed[conf])
            snprintf(results->message[conf], sizeof results->message[conf], "%s", report->message);
        results->failed[conf] = 1;
        fprintf(stderr, "carve_bench_read: workload %c (%s), %s, %s: FAILED: %s\n", results->workload->letter,
                results->workload->name, conf_names[conf], phase, report->message);
        return;
    }
    if (report->checksum != results->reference) {
        results->mismatch[conf] = 1;
        fprintf(stderr,
                "carve_bench_read: workload %c (%s), %s, %s: checksum %016" PRIx64
                " differs from native's %016" PRIx64 "\n",
                results->workload->letter, results->workload->name, conf_names[conf], phase, report->checksum,
                results->reference);
    }
    if (rep < MAX_REPS) {
        long growth = report->rss_peak_kib - report->rss_start_kib;

        results->seconds[conf][rep]      = report->seconds;
        results->proc_seconds[conf][rep] = report->proc_seconds;
        if (growth > results->rss_kib[conf])
            results->rss_kib[conf] = growth;
        if (report->proc_maxrss_kib > results->proc_rss_kib[conf])
            results->proc_rss_kib[conf] = report->proc_maxrss_kib;
    }
}

static void
print_results(const bench_params_t *params, workload_results_t *all, size_t count)
{
    const unsigned n = params->reps;

    printf("\n%u repetition%s per configuration, each run in its own process; time = wall seconds from "
           "H5Fopen to "
           "H5Fclose (checksumming excluded;\nin mode carve this holds the recording, not the commit at exit "
           "— see the "
           "process table below);\nratio = carve/native of the medians (and of the minima); dRSS = peak RSS "
           "growth "
           "during the run (largest of the repetitions)\n\n",
           n, n == 1 ? "" : "s");
    for (size_t w = 0; w < count; w++)
        printf("  %c %-7s %-38s %8" PRIu64 " calls %12" PRIu64 " bytes read\n", all[w].workload->letter,
               all[w].workload->name, all[w].workload->summary, all[w].calls, all[w].bytes);
    printf("\n%-9s %-6s %10s %10s %7s %10s %10s %7s %9s %9s  %s\n", "workload", "mode", "native med",
           "carve med", "ratio", "native min", "carve min", "ratio", "dRSS nat", "dRSS crv", "results");
    for (size_t w = 0; w < count; w++) {
        workload_results_t *r          = &all[w];
        int                 native_ok  = !r->failed[CONF_NATIVE];
        double              native_med = native_ok ? bench_median_of(r->seconds[CONF_NATIVE], n) : 0;
        double              native_min = native_ok ? bench_min_of(r->seconds[CONF_NATIVE], n) : 0;

        for (int conf = CONF_OFF; conf < CONF_COUNT; conf++) {
            const char *verdict;
            double      med = 0, least = 0, ratio = 0, ratio_min = 0;
            int         ok = native_ok && !r->failed[conf];

            if (!params->conf_on[conf])
                continue;
            if (ok) {
                med       = bench_median_of(r->seconds[conf], n);
                least     = bench_min_of(r->seconds[conf], n);
                ratio     = native_med > 0 ? med / native_med : 0;
                ratio_min = native_min > 0 ? least / native_min : 0;
            }
            verdict = !ok ? "FAILED" : r->mismatch[conf] ? "DIFFER" : "identical";
            printf("%c %-7s %-6s %10.4f %10.4f %7.3f %10.4f %10.4f %7.3f %8ldK %8ldK  %s\n",
                   r->workload->letter, r->workload->name, conf_names[conf], native_med, med, ratio,
                   native_min, least, ratio_min, r->rss_kib[CONF_NATIVE], r->rss_kib[conf], verdict);
        }
    }
    printf("\nWhole process (parent's view: fork to reaped exit; peak RSS from wait4). Mode carve's process "
           "time "
           "includes carve's\ncommit at exit — onto the container the warm-up and earlier repetitions wrote, "
           "i.e. a "
           "re-carve (the first carve\ninto no container is measured by carve_bench_carve, section 1)\n\n");
    printf("%-9s %-6s %10s %10s %7s %10s %10s %7s %9s %9s\n", "workload", "mode", "native med", "carve med",
           "ratio", "native min", "carve min", "ratio", "RSS nat", "RSS crv");
    for (size_t w = 0; w < count; w++) {
        workload_results_t *r          = &all[w];
        int                 native_ok  = !r->failed[CONF_NATIVE];
        double              native_med = native_ok ? bench_median_of(r->proc_seconds[CONF_NATIVE], n) : 0;
        double              native_min = native_ok ? bench_min_of(r->proc_seconds[CONF_NATIVE], n) : 0;

        for (int conf = CONF_OFF; conf < CONF_COUNT; conf++) {
            double med = 0, least = 0;

            if (!params->conf_on[conf])
                continue;
            if (native_ok && !r->failed[conf]) {
                med   = bench_median_of(r->proc_seconds[conf], n);
                least = bench_min_of(r->proc_seconds[conf], n);
            }
            printf("%c %-7s %-6s %10.4f %10.4f %7.3f %10.4f %10.4f %7.3f %8ldK %8ldK\n", r->workload->letter,
                   r->workload->name, conf_names[conf], native_med, med,
                   native_med > 0 ? med / native_med : 0, native_min, least,
                   native_min > 0 ? least / native_min : 0, r->proc_rss_kib[CONF_NATIVE],
                   r->proc_rss_kib[conf]);
        }
    }
    printf("\n");
    for (size_t w = 0; w < count; w++) {
        workload_results_t *r           = &all[w];
        int                 native_ok   = !r->failed[CONF_NATIVE];
        double              native_med  = native_ok ? bench_median_of(r->seconds[CONF_NATIVE], n) : 0;
        double              native_min  = native_ok ? bench_min_of(r->seconds[CONF_NATIVE], n) : 0;
        double              native_proc = native_ok ? bench_median_of(r->proc_seconds[CONF_NATIVE], n) : 0;

        for (int conf = CONF_OFF; conf < CONF_COUNT; conf++) {
            int    ok    = native_ok && !r->failed[conf];
            double med   = ok ? bench_median_of(r->seconds[conf], n) : 0,
                   least = ok ? bench_min_of(r->seconds[conf], n) : 0;
            double proc  = ok ? bench_median_of(r->proc_seconds[conf], n) : 0;

            if (!params->conf_on[conf])
                continue;
            printf("BENCH workload=%c name=%s mode=%s reps=%u native_s=%.6f carve_s=%.6f ratio=%.4f "
                   "native_min_s=%.6f carve_min_s=%.6f ratio_min=%.4f native_rss_kib=%ld carve_rss_kib=%ld "
                   "native_proc_s=%.6f carve_proc_s=%.6f proc_ratio=%.4f native_proc_rss_kib=%ld "
                   "carve_proc_rss_kib=%ld "
                   "calls=%" PRIu64 " bytes=%" PRIu64 " checksum=%016" PRIx64 " status=%s match=%s\n",
                   r->workload->letter, r->workload->name, conf_names[conf], n, native_med, med,
                   native_med > 0 ? med / native_med : 0, native_min, least,
                   native_min > 0 ? least / native_min : 0, r->rss_kib[CONF_NATIVE], r->rss_kib[conf],
                   native_proc, proc, native_proc > 0 ? proc / native_proc : 0, r->proc_rss_kib[CONF_NATIVE],
                   r->proc_rss_kib[conf], r->calls, r->bytes, r->reference, ok ? "ok" : "failed",
                   ok && !r->mismatch[conf] ? "yes" : "no");
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* the command line                                                                                  */

static void
bench_usage(FILE *out)
{
    fprintf(out,
            "usage: carve_bench_read --data FILE --objects FILE [options]\n"
            "  --data FILE            a file from carve_bench_make --size-mib (workloads a, b, c, e)\n"
            "  --objects FILE         a file from carve_bench_make --objects (workload d)\n"
            "  --reps N               timed repetitions of every configuration (default 5)\n"
            "  --workloads LETTERS    which workloads, of abcde (default abcde)\n"
            "  --modes LIST           carve modes to compare with native, of off,carve,replay (default all)\n"
            "  --small-reads N        reads of workload b (default 100000)\n"
            "  --point-calls N        reads of workload c (default 1000)\n"
            "  --points-per-call N    points per read of workload c (default 500)\n"
            "  --opens N              opens of workload e (default 1000)\n"
            "  --carve-settings STR   more carve settings, \"key=value;...\" (carve_vol_info_t.settings)\n");
}

static int
bench_parse_modes(const char *list, bench_params_t *params)
{
    char copy[64], *save = NULL;

    if (strlen(list) >= sizeof copy)
        return -1;
    strcpy(copy, list);
    for (int conf = CONF_OFF; conf < CONF_COUNT; conf++)
        params->conf_on[conf] = 0;
    for (char *mode = strtok_r(copy, ",", &save); mode; mode = strtok_r(NULL, ",", &save)) {
        int found = 0;

        for (int conf = CONF_OFF; conf < CONF_COUNT; conf++)
            if (!strcmp(mode, conf_names[conf]))
                params->conf_on[conf] = found = 1;
        if (!found) {
            fprintf(stderr, "carve_bench_read: unknown mode '%s' (off, carve, replay)\n", mode);
            return -1;
        }
    }
    return 0;
}

/* Every option takes a value; these are all of them. */
static int
bench_known_flag(const char *flag)
{
    static const char *const flags[] = {"--data",  "--objects",       "--workloads",   "--modes",
                                        "--reps",  "--small-reads",   "--point-calls", "--points-per-call",
                                        "--opens", "--carve-settings"};

    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(flag, flags[i]))
            return 1;
    return 0;
}

static int
bench_parse(int argc, char **argv, bench_params_t *params)
{
    unsigned long reps = 5;

    *params = (bench_params_t){.workloads       = "abcde",
                               .conf_on         = {1, 1, 1, 1},
                               .small_reads     = 100000,
                               .point_calls     = 1000,
                               .points_per_call = 500,
                               .opens           = 1000};
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        int         bad = 0;

        if (!strcmp(flag, "-h") || !strcmp(flag, "--help")) {
            bench_usage(stdout);
            exit(0);
        }
        if (!bench_known_flag(flag)) {
            fprintf(stderr, "carve_bench_read: unknown option '%s'\n", flag);
            bench_usage(stderr);
            return -1;
        }
        if (!value) {
            fprintf(stderr, "carve_bench_read: %s needs a value\n", flag);
            return -1;
        }
        i++;
        if (!strcmp(flag, "--data"))
            params->data_path = value;
        else if (!strcmp(flag, "--objects"))
            params->objects_path = value;
        else if (!strcmp(flag, "--workloads"))
            params->workloads = value;
        else if (!strcmp(flag, "--carve-settings"))
            params->carve_settings = value;
        else if (!strcmp(flag, "--modes"))
            bad = bench_parse_modes(value, params);
        else if (!strcmp(flag, "--reps"))
            bad = bench_parse_count("carve_bench_read", flag, value, 1, MAX_REPS, &reps);
        else if (!strcmp(flag, "--small-reads"))
            bad = bench_parse_count("carve_bench_read", flag, value, 1, 100000000ul, &params->small_reads);
        else if (!strcmp(flag, "--point-calls"))
            bad = bench_parse_count("carve_bench_read", flag, value, 1, 100000000ul, &params->point_calls);
        else if (!strcmp(flag, "--points-per-call"))
            bad = bench_parse_count("carve_bench_read", flag, value, 1, 10000000ul, &params->points_per_call);
        else if (!strcmp(flag, "--opens"))
            bad = bench_parse_count("carve_bench_read", flag, value, 1, 100000000ul, &params->opens);
        if (bad)
            return -1;
    }
    params->reps = (unsigned)reps;
    if (!params->workloads[0]) {
        fprintf(stderr, "carve_bench_read: --workloads needs at least one of abcde\n");
        return -1;
    }
    for (const char *letter = params->workloads; *letter; letter++) {
        const workload_t *workload = workload_find(*letter);

        if (!workload) {
            fprintf(stderr, "carve_bench_read: unknown workload '%c' (abcde)\n", *letter);
            return -1;
        }
        if (workload->run == workload_walk ? !params->objects_path : !params->data_path) {
            fprintf(stderr, "carve_bench_read: workload %c needs %s\n", *letter,
                    workload->run == workload_walk ? "--objects" : "--data");
            return -1;
        }
    }
    return 0;
}

/* The environment must not change the configurations: native is native, carve's mode is the one given. */
static void
bench_clear_environment(void)
{
    static const char *const names[] = {"HDF5_VOL_CONNECTOR", "CARVE_MODE", "CARVE_UNDER_VOL",
                                        "CARVE_UNDER_INFO", "CARVE_CONFIG"};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (getenv(names[i])) {
            fprintf(stderr, "carve_bench_read: ignoring %s from the environment\n", names[i]);
            unsetenv(names[i]);
        }
}

int
main(int argc, char **argv)
{
    bench_params_t      params;
    workload_results_t *results;
    size_t              count;
    int                 failures = 0;
    double              started  = bench_now();
    double              load_start, load_end;

    if (bench_parse(argc, argv, &params) < 0)
        return 2;
    bench_clear_environment();
    count = strlen(params.workloads);
    if (!(results = calloc(count, sizeof *results))) {
        fprintf(stderr, "carve_bench_read: out of memory\n");
        return 1;
    }
    if (params.data_path)
        describe_inputs(&params);
    load_start = bench_load_average();
    printf("machine: %ld cores online, load average %.2f at the start\n", sysconf(_SC_NPROCESSORS_ONLN),
           load_start);

    /* Reference and warm-up: native (the checksum every run must match), then carve (for replay). */
    for (size_t w = 0; w < count; w++) {
        run_report_t report;
        double       native_seconds;

        results[w].workload = workload_find(params.workloads[w]);
        run_in_child(&params, results[w].workload, CONF_NATIVE, &report);
        native_seconds       = report.seconds;
        results[w].reference = report.checksum;
        results[w].calls     = report.calls;
        results[w].bytes     = report.bytes;
        record_run(&results[w], CONF_NATIVE, MAX_REPS, &report, "warm-up");
        if (params.conf_on[CONF_CARVE] && !results[w].failed[CONF_NATIVE]) {
            run_in_child(&params, results[w].workload, CONF_CARVE, &report);
            record_run(&results[w], CONF_CARVE, MAX_REPS, &report, "warm-up");
        }
        fprintf(stderr, "warm-up %c (%s): native %.3f s, %" PRIu64 " calls, %" PRIu64 " bytes\n",
                results[w].workload->letter, results[w].workload->name, native_seconds, results[w].calls,
                results[w].bytes);
    }

    /* The timed runs: every repetition runs every workload in every configuration, rotating the order. */
    for (unsigned rep = 0; rep < params.reps; rep++) {
        for (size_t w = 0; w < count; w++) {
            if (results[w].failed[CONF_NATIVE])
                continue;
            fprintf(stderr, "rep %u/%u %c (%s):", rep + 1, params.reps, results[w].workload->letter,
                    results[w].workload->name);
            for (int k = 0; k < CONF_COUNT; k++) {
                int          conf = (int)((rep + (unsigned)k) % CONF_COUNT);
                run_report_t report;

                if (!params.conf_on[conf])
                    continue;
                run_in_child(&params, results[w].workload, conf, &report);
                record_run(&results[w], conf, rep, &report, "timed run");
                fprintf(stderr, " %s %.3f", conf_names[conf], report.seconds);
            }
            fprintf(stderr, "\n");
        }
    }

    print_results(&params, results, count);
    for (size_t w = 0; w < count; w++)
        for (int conf = 0; conf < CONF_COUNT; conf++)
            if (params.conf_on[conf] && (results[w].failed[conf] || results[w].mismatch[conf] ||
                                         (conf != CONF_NATIVE && results[w].failed[CONF_NATIVE])))
                failures++;
    load_end = bench_load_average();
    printf("machine: load average %.2f at the end\n", load_end);
    printf("BENCH_DONE workloads=%s reps=%u failures=%d elapsed_s=%.1f load_start=%.2f load_end=%.2f\n",
           params.workloads, params.reps, failures, bench_now() - started, load_start, load_end);
    free(results);
    return failures ? 1 : 0;
}
