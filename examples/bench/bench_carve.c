/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_carve.c — carve_bench_carve: the costs of carve's carve phase against native HDF5, measured in
 * one run. It runs carve_bench_prog (an ordinary HDF5 reader, bench_prog.c) as a separate process —
 * natively, and with HDF5_VOL_CONNECTOR="carve mode=carve;dir={...}" so that carve records the reads and
 * writes its container when the process exits — and times the whole process (fork to reaped exit), so
 * carve's numbers include loading the plugin, recording, and the commit at exit.
 *
 * Sections (the data ones need --data, a carve_bench_make --size-mib file; scaling needs --scaling):
 *   1 time     workload "rows" (about 10% of /field in 10 row blocks, as carve_bench_read's workload a):
 *              native vs carve into an empty directory (no container: a first carve) vs re-carve (the
 *              same run again onto the container just written); --reps interleaved repetitions, the
 *              order rotating; median and minimum ratios
 *   2 size     the container of that carve against the origin's size, the bytes the program read, the
 *              stored bytes of the chunks it touched (H5Dget_chunk_info_by_coord on the origin, by
 *              carve_bench_prog chunks) and the skeleton (the container of a run that only opens the
 *              file); the ratio container / (touched chunks + skeleton)
 *   3 memory   peak RSS of the whole process (wait4's ru_maxrss) native vs carve, for "rows" and for a
 *              100% read of /field ("all", --mem-reps repetitions); carve minus native in MiB
 *   4 scaling  for each --scaling N=FILE (carve_bench_make --objects N): a program that opens the file and
 *              reads one small dataset, native vs carve (the whole skeleton is committed); commit time
 *              = carve wall time - native wall time (medians), per 1k objects, and the ratio of that
 *              per-object cost at the largest file to the smallest (1.0 = linear)
 *   5 skeleton vs H5Ocopy  for each --skeleton N=FILE (an attribute-walk file: carve_bench_make --objects K
 *              --extra-attrs 2, N attributes): a carve of a run that only opens the file (the commit builds
 *              the whole skeleton) against carve_bench_prog ocopy, HDF5's H5Ocopy of every object of the
 *              root into a new file in one process, and a native open; commit = carve - open, copy = ocopy
 *              - open (whole processes, medians and minima of --skeleton-reps interleaved repetitions):
 *              the ratio commit / copy (the target: <= 1.0), ms per 1k attributes for both, and
 *              the ratio of that per-attribute cost at the largest file to the smallest (1.0 = linear)
 * Every carve run gets a fresh, empty directory (dir= setting), checked empty first, removed after its
 * container is measured. The parent never loads HDF5 (it stays small: RSS is per child, from wait4).
 *
 * Output: markdown tables on stdout and in --markdown FILE, then one "CARVE section=... key=value ..."
 * line per measurement and "CARVE_DONE failures=N". Nothing here asserts a time. Failures (exit 1) are
 * correctness only: a run failed, was not served by the expected connector, read other data than
 * native, or a carve run left no container (or an empty one, or a manifest that does not account for the
 * chunks the program touched).
 *
 * Usage: carve_bench_carve --prog PATH --plugin-dir DIR --work DIR [--data FILE] [--scaling N=FILE]...
 *                          [--skeleton N=FILE]... [--reps N] [--mem-reps N] [--scaling-reps N]
 *                          [--skeleton-reps N] [--markdown FILE]
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "bench_common.h"

#define MAX_REPS        100u
#define MAX_SCALING     8u
#define SCALING_DATASET "/tree/m000/l00/d00" /* the first small dataset carve_bench_make --objects writes */
#define MIB             1048576.0

extern char **environ;

/* One process run. */
typedef struct run_t {
    int      ok;
    double   wall;       /* fork to reaped exit, seconds */
    double   prog_s;     /* the program's own H5Fopen..H5Fclose time */
    long     maxrss_kib; /* ru_maxrss of the child (wait4) */
    uint64_t bytes;
    uint64_t checksum;
    char     connector[32];
    uint64_t chunks, chunk_bytes, raw_bytes; /* for carve_bench_prog chunks */
    char     message[256];
} run_t;

/* What a carve run left in its directory. */
typedef struct container_t {
    int      found;          /* a .carve.h5 and a .carve.yaml */
    int64_t  bytes;          /* size of the .carve.h5 */
    int64_t  manifest_bytes; /* size of the .carve.yaml */
    uint64_t generation, datasets, bytes_read, bytes_stored, chunks_stored;
} container_t;

/* Series of measurements over repetitions. */
typedef struct series_t {
    unsigned n;
    double   wall[MAX_REPS];
    double   prog[MAX_REPS];
    long     maxrss_kib; /* largest of the repetitions */
} series_t;

/* An input of a series: its size (objects for section 4, attributes for section 5) and its path. */
typedef struct scaling_input_t {
    unsigned long objects;
    const char   *path;
} scaling_input_t;

typedef struct bench_t {
    const char     *prog;
    const char     *plugin_dir;
    const char     *work;
    const char     *data;
    const char     *markdown_path;
    scaling_input_t scaling[MAX_SCALING];
    unsigned        nscaling;
    scaling_input_t skeleton[MAX_SCALING]; /* section 5: .objects holds the attribute count */
    unsigned        nskeleton;
    unsigned        reps, mem_reps, scaling_reps, skeleton_reps;
    char          **base_env; /* the environment without HDF5_VOL_CONNECTOR, CARVE_*, HDF5_PLUGIN_PATH */
    size_t          nbase_env;
    bench_report_t  report; /* the tables, the "CARVE ..." lines printed after them, the failures */
    unsigned        dir_serial;
} bench_t;

/* ---------------------------------------------------------------------------------------------- */
/* statistics                                                                                        */

static void
series_add(series_t *s, const run_t *run)
{
    if (s->n < MAX_REPS) {
        s->wall[s->n] = run->wall;
        s->prog[s->n] = run->prog_s;
        s->n++;
    }
    if (run->maxrss_kib > s->maxrss_kib)
        s->maxrss_kib = run->maxrss_kib;
}

/* ---------------------------------------------------------------------------------------------- */
/* directories                                                                                       */

/* A fresh, empty carve directory under the work directory: no container can be in it. */
static int
fresh_dir(bench_t *b, const char *tag, char *path, size_t size)
{
    snprintf(path, size, "%s/%s-%04u", b->work, tag, ++b->dir_serial);
    if (bench_remove_flat_dir(path) < 0 || mkdir(path, 0755) < 0) {
        bench_fail(&b->report, "cannot make an empty directory %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);

    return n >= s && !strcmp(name + n - s, suffix);
}

/* Sums "key: N" lines of a manifest's datasets (block-style YAML as carve's emitter writes it). */
static void
parse_manifest(const char *path, container_t *c)
{
    FILE *f = fopen(path, "r");
    char  line[8192];

    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        const char *p = line;
        uint64_t    value;

        if (sscanf(line, "generation: %" SCNu64, &value) == 1) {
            c->generation = value;
            continue;
        }
        while (*p == ' ')
            p++;
        if (!strncmp(p, "- path: ", 8))
            c->datasets++;
        else if (sscanf(p, "bytes_read: %" SCNu64, &value) == 1)
            c->bytes_read += value;
        else if (sscanf(p, "bytes_stored: %" SCNu64, &value) == 1)
            c->bytes_stored += value;
        else if (sscanf(p, "chunks_stored: %" SCNu64, &value) == 1)
            c->chunks_stored += value;
    }
    fclose(f);
}

/* What a carve directory holds: its one container and manifest. */
static void
inspect_dir(const char *path, container_t *c)
{
    DIR           *dir = opendir(path);
    struct dirent *entry;
    char           file[4096], manifest[4096] = "";
    int            containers = 0;

    memset(c, 0, sizeof *c);
    if (!dir)
        return;
    while ((entry = readdir(dir))) {
        struct stat st;

        snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
        if (stat(file, &st) < 0)
            continue;
        if (ends_with(entry->d_name, ".carve.h5")) {
            containers++;
            c->bytes = (int64_t)st.st_size;
        }
        else if (ends_with(entry->d_name, ".carve.yaml")) {
            snprintf(manifest, sizeof manifest, "%s", file);
            c->manifest_bytes = (int64_t)st.st_size;
        }
    }
    closedir(dir);
    c->found = containers == 1 && manifest[0];
    if (manifest[0])
        parse_manifest(manifest, c);
}

/* ---------------------------------------------------------------------------------------------- */
/* running carve_bench_prog                                                                         */

static int
env_is_ours(const char *entry)
{
    return !strncmp(entry, "HDF5_VOL_CONNECTOR=", 19) || !strncmp(entry, "CARVE_", 6) ||
           !strncmp(entry, "HDF5_PLUGIN_PATH=", 17);
}

static int
make_base_env(bench_t *b)
{
    size_t n = 0;

    for (char **e = environ; *e; e++)
        n++;
    if (!(b->base_env = calloc(n + 1, sizeof *b->base_env)))
        return -1;
    for (char **e = environ; *e; e++)
        if (!env_is_ours(*e))
            b->base_env[b->nbase_env++] = *e;
    return 0;
}

static void
parse_prog_line(const char *out, run_t *run)
{
    const char *line = bench_prog_line(out, run->connector, sizeof run->connector, &run->bytes,
                                       &run->checksum, &run->prog_s);
    const char *v;

    if (!line)
        return;
    if ((v = bench_prog_field(line, "chunks")))
        run->chunks = strtoull(v, NULL, 10);
    if ((v = bench_prog_field(line, "chunk_bytes")))
        run->chunk_bytes = strtoull(v, NULL, 10);
    if ((v = bench_prog_field(line, "raw_bytes")))
        run->raw_bytes = strtoull(v, NULL, 10);
    run->ok = 1;
}

/* Runs carve_bench_prog with args (argv[1..]); natively when carve_dir is NULL, else carving into it. Its
 * stderr is ours. */
static void
run_prog(bench_t *b, const char *carve_dir, const char *const *args, run_t *run)
{
    char          plugin_env[4200], connector_env[4300];
    char        **envp;
    char         *argv[8];
    size_t        nenv = b->nbase_env;
    bench_child_t child;

    memset(run, 0, sizeof *run);
    argv[0] = (char *)b->prog;
    for (size_t i = 0; i < 6 && args[i]; i++) {
        argv[i + 1] = (char *)args[i];
        argv[i + 2] = NULL;
    }
    if (!(envp = calloc(nenv + 3, sizeof *envp))) {
        snprintf(run->message, sizeof run->message, "out of memory");
        return;
    }
    memcpy(envp, b->base_env, nenv * sizeof *envp);
    snprintf(plugin_env, sizeof plugin_env, "HDF5_PLUGIN_PATH=%s", b->plugin_dir);
    envp[nenv++] = plugin_env;
    if (carve_dir) {
        snprintf(connector_env, sizeof connector_env, "HDF5_VOL_CONNECTOR=carve mode=carve;dir={%s}",
                 carve_dir);
        envp[nenv++] = connector_env;
    }
    bench_run_child(b->prog, argv, envp, BENCH_CHILD_PASS_STDERR, &child);
    free(envp);
    run->wall       = child.wall;
    run->maxrss_kib = child.maxrss_kib;
    if (!child.ok) {
        snprintf(run->message, sizeof run->message, "%s", child.message);
        return;
    }
    parse_prog_line(child.out, run);
    if (!run->ok)
        snprintf(run->message, sizeof run->message, "no PROG line in its output");
}

/* Describes a command for messages. */
static const char *
describe(const char *const *args, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; args[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "", args[i]);
    return buf;
}

/* A run and its correctness checks: ok, the connector expected, native's checksum (when given). */
static int
measured_run(bench_t *b, const char *carve_dir, const char *const *args, const run_t *reference, run_t *run)
{
    char        what[512];
    const char *expect = carve_dir ? "carve" : "native";

    run_prog(b, carve_dir, args, run);
    describe(args, what, sizeof what);
    if (!run->ok) {
        bench_fail(&b->report, "%s (%s): %s", what, expect, run->message);
        return -1;
    }
    if (strcmp(run->connector, expect)) {
        bench_fail(&b->report, "%s: served by connector '%s', expected '%s'", what, run->connector, expect);
        run->ok = 0;
        return -1;
    }
    if (reference && (run->checksum != reference->checksum || run->bytes != reference->bytes)) {
        bench_fail(&b->report,
                   "%s (%s): read %" PRIu64 " bytes, checksum %016" PRIx64 "; native read %" PRIu64
                   ", %016" PRIx64,
                   what, expect, run->bytes, run->checksum, reference->bytes, reference->checksum);
        run->ok = 0;
        return -1;
    }
    return 0;
}

/* Checks a carve directory after a run: one container, non-empty, a manifest of the expected generation. */
static int
check_container(bench_t *b, const char *dir, uint64_t generation, container_t *c)
{
    inspect_dir(dir, c);
    if (!c->found || c->bytes <= 0 || c->manifest_bytes <= 0) {
        bench_fail(&b->report,
                   "%s: no container and manifest written (container %" PRId64 " bytes, manifest %" PRId64
                   " bytes)",
                   dir, c->bytes, c->manifest_bytes);
        return -1;
    }
    if (c->generation != generation) {
        bench_fail(&b->report, "%s: manifest generation %" PRIu64 ", expected %" PRIu64, dir, c->generation,
                   generation);
        return -1;
    }
    return 0;
}

/* A carve run into a fresh directory (checked empty first); the container is inspected and, unless
 * keep_dir is given, the directory removed. */
static int
carve_fresh(bench_t *b, const char *tag, const char *const *args, const run_t *reference, run_t *run,
            container_t *c, char *keep_dir, size_t keep_size)
{
    char dir[4096];
    int  status;

    memset(c, 0, sizeof *c);
    if (fresh_dir(b, tag, dir, sizeof dir) < 0)
        return -1;
    inspect_dir(dir, c);
    if (c->bytes || c->manifest_bytes) {
        bench_fail(&b->report, "%s is not empty before a first carve", dir);
        return -1;
    }
    status = measured_run(b, dir, args, reference, run);
    if (status == 0)
        status = check_container(b, dir, 1, c);
    if (keep_dir)
        snprintf(keep_dir, keep_size, "%s", dir);
    else
        bench_remove_flat_dir(dir);
    return status;
}

/* ---------------------------------------------------------------------------------------------- */
/* sections                                                                                          */

/* Everything the data sections measure. */
typedef struct data_results_t {
    int64_t     origin_bytes;
    run_t       ref_rows, ref_all, chunks_rows, chunks_all;
    series_t    native_rows, carve_rows, recarve_rows;
    series_t    native_all, carve_all;
    container_t rows_c, recarve_c, skeleton_c, all_c;
    int         have_rows, have_recarve, have_skeleton, have_all;
} data_results_t;

static void
print_time_row(bench_t *b, const char *label, const char *key, const series_t *native, const series_t *carve,
               int64_t container_bytes)
{
    double nm = bench_median_of(native->wall, native->n), cm = bench_median_of(carve->wall, carve->n);
    double nn = bench_min_of(native->wall, native->n), cn = bench_min_of(carve->wall, carve->n);
    double npm = bench_median_of(native->prog, native->n), cpm = bench_median_of(carve->prog, carve->n);
    double extra = (cm - cpm) - (nm - npm);

    bench_emit(&b->report,
               "| %s | %.3f | %.3f | **%.2f** | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %.3f |\n", label,
               nm, cm, bench_ratio(cm, nm), nn, cn, bench_ratio(cn, nn), npm, cpm, bench_ratio(cpm, npm),
               extra);
    bench_record(&b->report,
                 "CARVE section=time workload=rows run=%s reps=%u native_s=%.6f carve_s=%.6f ratio=%.4f "
                 "native_min_s=%.6f "
                 "carve_min_s=%.6f ratio_min=%.4f native_prog_s=%.6f carve_prog_s=%.6f exit_extra_s=%.6f "
                 "container_bytes=%" PRId64 "\n",
                 key, carve->n, nm, cm, bench_ratio(cm, nm), nn, cn, bench_ratio(cn, nn), npm, cpm, extra,
                 container_bytes);
}

static void
section_time(bench_t *b, data_results_t *d)
{
    const char *rows[] = {"rows", b->data, NULL};
    run_t       run;
    container_t c;

    fprintf(stderr, "== 1. carve time: workload rows, %u repetitions\n", b->reps);
    for (unsigned rep = 0; rep < b->reps; rep++) {
        char dir[4096];
        int  have_dir = 0;

        /* Rotating order; the re-carve always follows its own first carve. */
        for (unsigned step = 0; step < 3; step++) {
            unsigned native_at = rep % 3;
            int      is_native = step == native_at;
            int      is_first  = !is_native && !have_dir;

            if (is_native) {
                if (measured_run(b, NULL, rows, &d->ref_rows, &run) == 0)
                    series_add(&d->native_rows, &run);
                fprintf(stderr, "  rep %u native %.3f s", rep + 1, run.wall);
            }
            else if (is_first) {
                if (carve_fresh(b, "rows", rows, &d->ref_rows, &run, &c, dir, sizeof dir) == 0) {
                    series_add(&d->carve_rows, &run);
                    if (!d->have_rows)
                        d->rows_c = c;
                    d->have_rows = 1;
                }
                have_dir = 1;
                fprintf(stderr, "  carve %.3f s", run.wall);
            }
            else {
                if (measured_run(b, dir, rows, &d->ref_rows, &run) == 0 &&
                    check_container(b, dir, 2, &c) == 0) {
                    series_add(&d->recarve_rows, &run);
                    if (!d->have_recarve)
                        d->recarve_c = c;
                    d->have_recarve = 1;
                }
                fprintf(stderr, "  re-carve %.3f s", run.wall);
            }
        }
        fprintf(stderr, "\n");
        bench_remove_flat_dir(dir);
    }

    bench_emit(&b->report, "\n## 1. Carve time — workload a (rows: ~10%% of /field in 10 row blocks)\n\n");
    bench_emit(
        &b->report,
        "Whole-process wall time (fork to reaped exit), so carve includes loading the plugin, recording and "
        "the commit at exit. %u interleaved repetitions; a first carve always starts in an empty directory "
        "(no container); a re-carve is the same run again onto the container the first one wrote. "
        "\"in-prog\" = the program's own H5Fopen..H5Fclose time; \"exit extra\" = (carve wall - carve "
        "in-prog) - (native wall - native in-prog), median: mostly the commit.\n\n",
        b->reps);
    bench_emit(&b->report,
               "| run | native med s | carve med s | ratio med | native min s | carve min s | ratio min | "
               "native in-prog s | carve in-prog s | in-prog ratio | exit extra s |\n");
    bench_emit(&b->report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    print_time_row(b, "carve (no container)", "carve", &d->native_rows, &d->carve_rows, d->rows_c.bytes);
    print_time_row(b, "re-carve (container exists)", "recarve", &d->native_rows, &d->recarve_rows,
                   d->recarve_c.bytes);
    bench_emit(&b->report, "\nAll wall times (s): native");
    for (unsigned i = 0; i < d->native_rows.n; i++)
        bench_emit(&b->report, " %.3f", d->native_rows.wall[i]);
    bench_emit(&b->report, "; carve");
    for (unsigned i = 0; i < d->carve_rows.n; i++)
        bench_emit(&b->report, " %.3f", d->carve_rows.wall[i]);
    bench_emit(&b->report, "; re-carve");
    for (unsigned i = 0; i < d->recarve_rows.n; i++)
        bench_emit(&b->report, " %.3f", d->recarve_rows.wall[i]);
    bench_emit(&b->report, "\n");
}

static void
section_memory_runs(bench_t *b, data_results_t *d)
{
    const char *all[] = {"all", b->data, NULL};
    run_t       run;
    container_t c;

    fprintf(stderr, "== 3. memory: workload all (100%% of /field), %u repetitions\n", b->mem_reps);
    for (unsigned rep = 0; rep < b->mem_reps; rep++) {
        for (unsigned step = 0; step < 2; step++) {
            if ((step + rep) % 2 == 0) {
                if (measured_run(b, NULL, all, &d->ref_all, &run) == 0)
                    series_add(&d->native_all, &run);
                fprintf(stderr, "  rep %u native %.3f s %ld KiB", rep + 1, run.wall, run.maxrss_kib);
            }
            else {
                if (carve_fresh(b, "all", all, &d->ref_all, &run, &c, NULL, 0) == 0) {
                    series_add(&d->carve_all, &run);
                    d->all_c    = c;
                    d->have_all = 1;
                }
                fprintf(stderr, "  carve %.3f s %ld KiB", run.wall, run.maxrss_kib);
            }
        }
        fprintf(stderr, "\n");
    }
}

static void
emit_size_row(bench_t *b, const char *what, int64_t bytes, const char *note)
{
    bench_emit(&b->report, "| %s | %" PRId64 " | %.2f | %s |\n", what, bytes, (double)bytes / MIB, note);
}

static void
section_size(bench_t *b, data_results_t *d)
{
    const char *open_args[] = {"open", b->data, NULL};
    run_t       run;
    double      bound = 0, all_bound = 0;
    int64_t     touched = (int64_t)d->chunks_rows.chunk_bytes, skeleton = d->skeleton_c.bytes;
    char        note[256];

    /* The skeleton: a run that opens the file and reads nothing. */
    if (carve_fresh(b, "skeleton", open_args, NULL, &run, &d->skeleton_c, NULL, 0) == 0)
        d->have_skeleton = 1;
    skeleton = d->skeleton_c.bytes;
    if (d->have_rows) {
        if (d->rows_c.chunks_stored != d->chunks_rows.chunks)
            bench_fail(&b->report,
                       "rows: the manifest has %" PRIu64 " chunks stored, the workload touches %" PRIu64,
                       d->rows_c.chunks_stored, d->chunks_rows.chunks);
        if (d->rows_c.bytes_stored != d->chunks_rows.chunk_bytes)
            bench_fail(&b->report,
                       "rows: the manifest has %" PRIu64 " bytes stored, the touched chunks hold %" PRIu64,
                       d->rows_c.bytes_stored, d->chunks_rows.chunk_bytes);
        if (d->rows_c.bytes_read != d->ref_rows.bytes)
            bench_fail(&b->report,
                       "rows: the manifest says %" PRIu64 " bytes read, the program read %" PRIu64,
                       d->rows_c.bytes_read, d->ref_rows.bytes);
    }
    if (d->have_all && d->all_c.chunks_stored != d->chunks_all.chunks)
        bench_fail(&b->report, "all: the manifest has %" PRIu64 " chunks stored, /field has %" PRIu64,
                   d->all_c.chunks_stored, d->chunks_all.chunks);
    if (d->have_rows && d->have_skeleton)
        bound = bench_ratio((double)d->rows_c.bytes, (double)(touched + skeleton));
    if (d->have_all && d->have_skeleton)
        all_bound =
            bench_ratio((double)d->all_c.bytes, (double)((int64_t)d->chunks_all.chunk_bytes + skeleton));

    bench_emit(&b->report, "\n## 2. Container size — workload a (rows)\n\n");
    bench_emit(&b->report, "| quantity | bytes | MiB | note |\n|---|---:|---:|---|\n");
    emit_size_row(b, "origin file", d->origin_bytes, "");
    snprintf(note, sizeof note, "10 row blocks, decompressed");
    emit_size_row(b, "bytes read by the program", (int64_t)d->ref_rows.bytes, note);
    snprintf(note, sizeof note, "%" PRIu64 " chunks (H5Dget_chunk_info_by_coord), %.1f MiB raw",
             d->chunks_rows.chunks, (double)d->chunks_rows.raw_bytes / MIB);
    emit_size_row(b, "touched chunks, stored (compressed)", touched, note);
    emit_size_row(b, "skeleton (container of a run that only opens the file)", skeleton, "");
    snprintf(note, sizeof note,
             "manifest: bytes_read %" PRIu64 ", bytes_stored %" PRIu64 ", chunks_stored %" PRIu64,
             d->rows_c.bytes_read, d->rows_c.bytes_stored, d->rows_c.chunks_stored);
    emit_size_row(b, "**container after the carve**", d->rows_c.bytes, note);
    snprintf(note, sizeof note, "manifest file %" PRId64 " bytes", d->recarve_c.manifest_bytes);
    emit_size_row(b, "container after the re-carve", d->recarve_c.bytes, note);
    bench_emit(&b->report,
               "\n- **container / (touched chunks + skeleton) = %.4f** (the issue's bound: <= 1.05: %s)\n",
               bound,
               !d->have_rows || !d->have_skeleton ? "not measured"
               : bound <= 1.05                    ? "met"
                                                  : "EXCEEDED");
    bench_emit(
        &b->report,
        "- container / origin = %.4f; container / bytes read = %.4f; re-carve container / carve container = "
        "%.4f\n",
        bench_ratio((double)d->rows_c.bytes, (double)d->origin_bytes),
        bench_ratio((double)d->rows_c.bytes, (double)d->ref_rows.bytes),
        bench_ratio((double)d->recarve_c.bytes, (double)d->rows_c.bytes));
    if (d->have_all)
        bench_emit(&b->report,
                   "- 100%% read (workload all): container %" PRId64 " bytes = %.4f x origin; / (all %" PRIu64
                   " chunks %" PRIu64 " bytes + skeleton) = %.4f\n",
                   d->all_c.bytes, bench_ratio((double)d->all_c.bytes, (double)d->origin_bytes),
                   d->chunks_all.chunks, d->chunks_all.chunk_bytes, all_bound);
    bench_record(&b->report,
                 "CARVE section=size origin_bytes=%" PRId64 " bytes_read=%" PRIu64 " touched_chunks=%" PRIu64
                 " touched_chunk_bytes=%" PRId64 " skeleton_bytes=%" PRId64 " container_bytes=%" PRId64
                 " recarve_container_bytes=%" PRId64 " manifest_bytes_stored=%" PRIu64
                 " manifest_chunks_stored=%" PRIu64
                 " bound_ratio=%.4f container_over_origin=%.4f all_container_bytes=%" PRId64
                 " all_bound_ratio=%.4f\n",
                 d->origin_bytes, d->ref_rows.bytes, d->chunks_rows.chunks, touched, skeleton,
                 d->rows_c.bytes, d->recarve_c.bytes, d->rows_c.bytes_stored, d->rows_c.chunks_stored, bound,
                 bench_ratio((double)d->rows_c.bytes, (double)d->origin_bytes), d->all_c.bytes, all_bound);
}

static void
emit_memory_row(bench_t *b, const char *label, const char *key, const series_t *native, const series_t *carve)
{
    double delta = ((double)carve->maxrss_kib - (double)native->maxrss_kib) / 1024.0;
    double nm = bench_median_of(native->wall, native->n), cm = bench_median_of(carve->wall, carve->n);

    bench_emit(&b->report, "| %s | %u | %.1f | %.1f | **%.1f** | %s | %.3f | %.3f | %.2f |\n", label,
               carve->n, (double)native->maxrss_kib / 1024.0, (double)carve->maxrss_kib / 1024.0, delta,
               !carve->n    ? "not measured"
               : delta < 64 ? "met"
                            : "EXCEEDED",
               nm, cm, bench_ratio(cm, nm));
    bench_record(
        &b->report,
        "CARVE section=memory workload=%s reps=%u native_rss_kib=%ld carve_rss_kib=%ld delta_mib=%.2f "
        "native_s=%.6f carve_s=%.6f ratio=%.4f\n",
        key, carve->n, native->maxrss_kib, carve->maxrss_kib, delta, nm, cm, bench_ratio(cm, nm));
}

static void
section_memory(bench_t *b, data_results_t *d)
{
    bench_emit(
        &b->report,
        "\n## 3. Memory — peak RSS of the whole process (wait4 ru_maxrss), largest of the repetitions\n\n");
    bench_emit(&b->report, "| workload | reps | native MiB | carve MiB | carve - native MiB | bound < 64 MiB "
                           "| native wall med s | "
                           "carve wall med s | wall ratio |\n");
    bench_emit(&b->report, "|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
    emit_memory_row(b, "rows (10%)", "rows", &d->native_rows, &d->carve_rows);
    if (b->mem_reps)
        emit_memory_row(b, "all (100%)", "all", &d->native_all, &d->carve_all);
}

static void
section_data(bench_t *b)
{
    data_results_t *d      = calloc(1, sizeof *d);
    const char     *rows[] = {"rows", b->data, NULL}, *all[] = {"all", b->data, NULL};
    const char     *chunks_rows[] = {"chunks", b->data, "rows", NULL},
               *chunks_all[]      = {"chunks", b->data, "all", NULL};
    struct stat st;
    run_t       run;
    container_t c;

    if (!d) {
        bench_fail(&b->report, "out of memory");
        return;
    }
    if (stat(b->data, &st) == 0)
        d->origin_bytes = (int64_t)st.st_size;
    /* References (and page-cache warm-up): native reads, the touched chunks, one carve run. */
    if (measured_run(b, NULL, rows, NULL, &d->ref_rows) < 0 ||
        measured_run(b, NULL, chunks_rows, NULL, &d->chunks_rows) < 0 ||
        measured_run(b, NULL, chunks_all, NULL, &d->chunks_all) < 0 ||
        (b->mem_reps && measured_run(b, NULL, all, NULL, &d->ref_all) < 0)) {
        free(d);
        return;
    }
    fprintf(stderr,
            "warm-up: native rows %.3f s (%" PRIu64 " bytes, %" PRIu64 " chunks touched, %" PRIu64
            " stored bytes)\n",
            d->ref_rows.wall, d->ref_rows.bytes, d->chunks_rows.chunks, d->chunks_rows.chunk_bytes);
    carve_fresh(b, "warmup", rows, &d->ref_rows, &run, &c, NULL, 0);
    fprintf(stderr, "warm-up: carve rows %.3f s, container %" PRId64 " bytes\n", run.wall, c.bytes);

    section_time(b, d);
    if (b->mem_reps)
        section_memory_runs(b, d);
    section_size(b, d);
    section_memory(b, d);
    free(d);
}

static int
compare_scaling(const void *a, const void *b)
{
    const scaling_input_t *x = a, *y = b;

    return (x->objects > y->objects) - (x->objects < y->objects);
}

static void
section_scaling(bench_t *b)
{
    series_t    native[MAX_SCALING], carve[MAX_SCALING];
    container_t cont[MAX_SCALING];
    run_t       ref[MAX_SCALING], run;
    int64_t     origin[MAX_SCALING];
    double      per_1k[MAX_SCALING];
    int         usable[MAX_SCALING];

    memset(native, 0, sizeof native);
    memset(carve, 0, sizeof carve);
    memset(cont, 0, sizeof cont);
    qsort(b->scaling, b->nscaling, sizeof b->scaling[0], compare_scaling);
    fprintf(stderr, "== 4. skeleton scaling: %u files, %u repetitions\n", b->nscaling, b->scaling_reps);
    for (unsigned i = 0; i < b->nscaling; i++) {
        const char *args[] = {"one", b->scaling[i].path, SCALING_DATASET, NULL};
        struct stat st;

        origin[i] = stat(b->scaling[i].path, &st) == 0 ? (int64_t)st.st_size : 0;
        usable[i] = measured_run(b, NULL, args, NULL, &ref[i]) == 0; /* reference, warms the page cache */
        if (usable[i] && i == 0)
            carve_fresh(b, "warmup", args, &ref[i], &run, &cont[i], NULL,
                        0); /* warms the plugin's libraries */
    }
    for (unsigned rep = 0; rep < b->scaling_reps; rep++)
        for (unsigned i = 0; i < b->nscaling; i++) {
            const char *args[] = {"one", b->scaling[i].path, SCALING_DATASET, NULL};

            if (!usable[i])
                continue;
            fprintf(stderr, "  rep %u, %lu objects:", rep + 1, b->scaling[i].objects);
            for (unsigned step = 0; step < 2; step++) {
                if ((step + rep) % 2 == 0) {
                    if (measured_run(b, NULL, args, &ref[i], &run) == 0)
                        series_add(&native[i], &run);
                    fprintf(stderr, " native %.3f s", run.wall);
                }
                else {
                    container_t c;

                    if (carve_fresh(b, "skel", args, &ref[i], &run, &c, NULL, 0) == 0) {
                        series_add(&carve[i], &run);
                        cont[i] = c;
                    }
                    fprintf(stderr, " carve %.3f s (%ld KiB)", run.wall, run.maxrss_kib);
                }
            }
            fprintf(stderr, "\n");
        }

    bench_emit(&b->report,
               "\n## 4. Skeleton scaling — open the objects file, read %s (16 int32), native vs carve\n\n",
               SCALING_DATASET);
    bench_emit(
        &b->report,
        "Groups and compact datasets with 2-3 attributes each (carve_bench_make --objects N); the whole "
        "skeleton is committed at exit. commit = carve wall - native wall (medians of %u interleaved "
        "repetitions, every carve into an empty directory).\n\n",
        b->scaling_reps);
    bench_emit(
        &b->report,
        "| objects | origin MiB | native med s | carve med s | commit s | **commit ms / 1k objects** | "
        "container MiB | container / origin | native RSS MiB | carve RSS MiB |\n");
    bench_emit(&b->report, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (unsigned i = 0; i < b->nscaling; i++) {
        double nm     = bench_median_of(native[i].wall, native[i].n),
               cm     = bench_median_of(carve[i].wall, carve[i].n);
        double commit = cm - nm;

        per_1k[i] = b->scaling[i].objects ? commit * 1000.0 / ((double)b->scaling[i].objects / 1000.0) : 0;
        bench_emit(&b->report, "| %lu | %.2f | %.3f | %.3f | %.3f | **%.2f** | %.2f | %.4f | %.1f | %.1f |\n",
                   b->scaling[i].objects, (double)origin[i] / MIB, nm, cm, commit, per_1k[i],
                   (double)cont[i].bytes / MIB, bench_ratio((double)cont[i].bytes, (double)origin[i]),
                   (double)native[i].maxrss_kib / 1024.0, (double)carve[i].maxrss_kib / 1024.0);
        bench_record(&b->report,
                     "CARVE section=scaling objects=%lu reps=%u native_s=%.6f carve_s=%.6f commit_s=%.6f "
                     "commit_ms_per_1k=%.4f container_bytes=%" PRId64 " origin_bytes=%" PRId64
                     " native_rss_kib=%ld carve_rss_kib=%ld\n",
                     b->scaling[i].objects, carve[i].n, nm, cm, commit, per_1k[i], cont[i].bytes, origin[i],
                     native[i].maxrss_kib, carve[i].maxrss_kib);
    }
    if (b->nscaling >= 2) {
        unsigned last  = b->nscaling - 1;
        double   ratio = bench_ratio(per_1k[last], per_1k[0]);

        bench_emit(&b->report,
                   "\n- **per-object commit cost at %lu objects / at %lu objects = %.2f** (1.0 = linear; "
                   "%.2f would be "
                   "quadratic)\n",
                   b->scaling[last].objects, b->scaling[0].objects, ratio,
                   bench_ratio((double)b->scaling[last].objects, (double)b->scaling[0].objects));
        bench_record(
            &b->report,
            "CARVE section=scaling-linearity small_objects=%lu large_objects=%lu per_object_ratio=%.4f\n",
            b->scaling[0].objects, b->scaling[last].objects, ratio);
    }
}

/* Section 5: the whole skeleton's commit against HDF5 copying the same objects (H5Ocopy), per file. */
typedef struct skeleton_results_t {
    series_t    open, carve, ocopy;
    container_t container;
    int64_t     origin_bytes, copy_bytes;
    double      commit_s, copy_s, ratio, commit_min_s, copy_min_s, ratio_min;
    double      commit_ms_per_1k, copy_ms_per_1k;
} skeleton_results_t;

/* One native ocopy run into a new file under the work directory (removed after, its size kept). */
static int
ocopy_run(bench_t *b, const char *origin, run_t *run, int64_t *copy_bytes)
{
    char        out[4096];
    const char *args[] = {"ocopy", origin, out, NULL};
    struct stat st;
    int         status;

    snprintf(out, sizeof out, "%s/ocopy-%04u.h5", b->work, ++b->dir_serial);
    unlink(out);
    status = measured_run(b, NULL, args, NULL, run);
    if (status == 0 && stat(out, &st) == 0)
        *copy_bytes = (int64_t)st.st_size;
    unlink(out);
    return status;
}

static void
skeleton_figures(const scaling_input_t *in, skeleton_results_t *r)
{
    double nm = bench_median_of(r->open.wall, r->open.n), nn = bench_min_of(r->open.wall, r->open.n);
    double attrs_k = (double)in->objects / 1000.0;

    r->commit_s         = bench_median_of(r->carve.wall, r->carve.n) - nm;
    r->copy_s           = bench_median_of(r->ocopy.wall, r->ocopy.n) - nm;
    r->commit_min_s     = bench_min_of(r->carve.wall, r->carve.n) - nn;
    r->copy_min_s       = bench_min_of(r->ocopy.wall, r->ocopy.n) - nn;
    r->ratio            = bench_ratio(r->commit_s, r->copy_s);
    r->ratio_min        = bench_ratio(r->commit_min_s, r->copy_min_s);
    r->commit_ms_per_1k = attrs_k > 0 ? r->commit_s * 1000.0 / attrs_k : 0;
    r->copy_ms_per_1k   = attrs_k > 0 ? r->copy_s * 1000.0 / attrs_k : 0;
}

static void
section_skeleton(bench_t *b)
{
    skeleton_results_t *res = calloc(b->nskeleton, sizeof *res);
    run_t               run;

    if (!res) {
        bench_fail(&b->report, "out of memory");
        return;
    }
    qsort(b->skeleton, b->nskeleton, sizeof b->skeleton[0], compare_scaling);
    fprintf(stderr, "== 5. skeleton vs H5Ocopy: %u files, %u repetitions\n", b->nskeleton, b->skeleton_reps);
    for (unsigned i = 0; i < b->nskeleton; i++) {
        const char         *open_args[] = {"open", b->skeleton[i].path, NULL};
        skeleton_results_t *r           = &res[i];
        struct stat         st;
        container_t         c;

        r->origin_bytes = stat(b->skeleton[i].path, &st) == 0 ? (int64_t)st.st_size : 0;
        /* Warm-up (page cache, the plugin's libraries), not counted. */
        if (measured_run(b, NULL, open_args, NULL, &run) < 0 ||
            carve_fresh(b, "warmup", open_args, NULL, &run, &c, NULL, 0) < 0)
            continue;
        for (unsigned rep = 0; rep < b->skeleton_reps; rep++) {
            fprintf(stderr, "  rep %u, %lu attributes:", rep + 1, b->skeleton[i].objects);
            for (unsigned step = 0; step < 3; step++) {
                switch ((step + rep) % 3) {
                    case 0:
                        if (measured_run(b, NULL, open_args, NULL, &run) == 0)
                            series_add(&r->open, &run);
                        fprintf(stderr, " open %.3f s", run.wall);
                        break;
                    case 1:
                        if (carve_fresh(b, "skeleton", open_args, NULL, &run, &c, NULL, 0) == 0) {
                            series_add(&r->carve, &run);
                            r->container = c;
                        }
                        fprintf(stderr, " carve %.3f s (%ld KiB)", run.wall, run.maxrss_kib);
                        break;
                    default:
                        if (ocopy_run(b, b->skeleton[i].path, &run, &r->copy_bytes) == 0)
                            series_add(&r->ocopy, &run);
                        fprintf(stderr, " ocopy %.3f s (%ld KiB)", run.wall, run.maxrss_kib);
                        break;
                }
            }
            fprintf(stderr, "\n");
        }
        skeleton_figures(&b->skeleton[i], r);
    }

    bench_emit(&b->report, "\n## 5. Skeleton vs H5Ocopy — the commit of a metadata-heavy file\n\n");
    bench_emit(
        &b->report,
        "Attribute-walk files (carve_bench_make --objects K --extra-attrs 2: groups with 2 attributes, "
        "compact datasets with 5). carve: a program that only opens the file, carving (the commit "
        "builds the whole skeleton); ocopy: carve_bench_prog ocopy, H5Ocopy of every object of the "
        "root into a new file, natively, in one process; open: the same program natively. commit = "
        "carve - open, copy = ocopy - open (whole processes, fork to reaped exit; medians, and "
        "minima, of %u interleaved repetitions). Target: commit / copy <= 1.0.\n\n",
        b->skeleton_reps);
    bench_emit(
        &b->report,
        "| attributes | origin MiB | open s | commit s | copy s | **commit / copy** | ratio of minima | "
        "commit ms / 1k attrs | copy ms / 1k attrs | container MiB | copy MiB | carve RSS MiB | "
        "ocopy RSS MiB |\n");
    bench_emit(&b->report, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (unsigned i = 0; i < b->nskeleton; i++) {
        const skeleton_results_t *r = &res[i];

        bench_emit(&b->report,
                   "| %lu | %.2f | %.3f | %.3f | %.3f | **%.2f** | %.2f | %.3f | %.3f | %.2f | %.2f | %.1f | "
                   "%.1f |\n",
                   b->skeleton[i].objects, (double)r->origin_bytes / MIB,
                   bench_median_of(r->open.wall, r->open.n), r->commit_s, r->copy_s, r->ratio, r->ratio_min,
                   r->commit_ms_per_1k, r->copy_ms_per_1k, (double)r->container.bytes / MIB,
                   (double)r->copy_bytes / MIB, (double)r->carve.maxrss_kib / 1024.0,
                   (double)r->ocopy.maxrss_kib / 1024.0);
        bench_record(&b->report,
                     "CARVE section=skeleton attributes=%lu reps=%u open_s=%.6f commit_s=%.6f copy_s=%.6f "
                     "ratio=%.4f commit_min_s=%.6f copy_min_s=%.6f ratio_min=%.4f commit_ms_per_1k=%.4f "
                     "copy_ms_per_1k=%.4f container_bytes=%" PRId64 " copy_bytes=%" PRId64
                     " origin_bytes=%" PRId64 " carve_rss_kib=%ld ocopy_rss_kib=%ld\n",
                     b->skeleton[i].objects, r->carve.n, bench_median_of(r->open.wall, r->open.n),
                     r->commit_s, r->copy_s, r->ratio, r->commit_min_s, r->copy_min_s, r->ratio_min,
                     r->commit_ms_per_1k, r->copy_ms_per_1k, r->container.bytes, r->copy_bytes,
                     r->origin_bytes, r->carve.maxrss_kib, r->ocopy.maxrss_kib);
    }
    if (b->nskeleton >= 2) {
        unsigned last   = b->nskeleton - 1;
        double   commit = bench_ratio(res[last].commit_ms_per_1k, res[0].commit_ms_per_1k);
        double   copy   = bench_ratio(res[last].copy_ms_per_1k, res[0].copy_ms_per_1k);

        bench_emit(&b->report,
                   "\n- **per-attribute commit cost at %lu attributes / at %lu = %.2f** (1.0 = linear; %.2f "
                   "would be quadratic); H5Ocopy's: %.2f\n",
                   b->skeleton[last].objects, b->skeleton[0].objects, commit,
                   bench_ratio((double)b->skeleton[last].objects, (double)b->skeleton[0].objects), copy);
        bench_record(&b->report,
                     "CARVE section=skeleton-linearity small_attributes=%lu large_attributes=%lu "
                     "per_attribute_ratio=%.4f copy_per_attribute_ratio=%.4f\n",
                     b->skeleton[0].objects, b->skeleton[last].objects, commit, copy);
    }
    free(res);
}

/* ---------------------------------------------------------------------------------------------- */
/* the command line                                                                                  */

static void
usage(FILE *out)
{
    fprintf(
        out,
        "usage: carve_bench_carve --prog PATH --plugin-dir DIR --work DIR [--data FILE]\n"
        "                         [--scaling N=FILE]... [--skeleton N=FILE]... [--reps N] [--mem-reps N]\n"
        "                         [--scaling-reps N] [--skeleton-reps N] [--markdown FILE]\n"
        "  --prog         carve_bench_prog\n"
        "  --plugin-dir   the directory holding libcarve_vol.so (HDF5_PLUGIN_PATH)\n"
        "  --work         scratch directory for the carve runs' directories (made if missing)\n"
        "  --data         a carve_bench_make --size-mib file: sections 1-3\n"
        "  --scaling      a carve_bench_make --objects N file (repeatable, up to %u): section 4\n"
        "  --skeleton     an attribute-walk file of N attributes (carve_bench_make --objects K\n"
        "                 --extra-attrs 2; repeatable, up to %u): section 5, skeleton vs H5Ocopy\n"
        "  --reps         repetitions of section 1 (default 5)\n"
        "  --mem-reps     repetitions of the 100%% read in section 3 (default 3; 0 skips it)\n"
        "  --scaling-reps repetitions of section 4 (default 5)\n"
        "  --skeleton-reps repetitions of section 5 (default 3)\n"
        "  --markdown     also write the tables to this file\n",
        MAX_SCALING, MAX_SCALING);
}

/* N=FILE of --scaling and --skeleton, appended to inputs (at most MAX_SCALING). */
static int
parse_series_input(const char *flag, const char *value, scaling_input_t *inputs, unsigned *ninputs)
{
    const char   *eq = strchr(value, '=');
    unsigned long count;
    char          number[32];

    if (!eq || eq == value || (size_t)(eq - value) >= sizeof number || !eq[1] || *ninputs == MAX_SCALING) {
        fprintf(stderr, "carve_bench_carve: %s needs N=FILE (at most %u), got '%s'\n", flag, MAX_SCALING,
                value);
        return -1;
    }
    memcpy(number, value, (size_t)(eq - value));
    number[eq - value] = '\0';
    if (bench_parse_count("carve_bench_carve", flag, number, 1, 1000000000ul, &count) < 0)
        return -1;
    inputs[*ninputs].objects = count;
    inputs[*ninputs].path    = eq + 1;
    (*ninputs)++;
    return 0;
}

static int
parse_args(int argc, char **argv, bench_t *b)
{
    unsigned long reps = 5, mem_reps = 3, scaling_reps = 5, skeleton_reps = 3;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        int         bad = 0;

        if (!strcmp(flag, "-h") || !strcmp(flag, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!value) {
            fprintf(stderr, "carve_bench_carve: %s needs a value\n", flag);
            return -1;
        }
        i++;
        if (!strcmp(flag, "--prog"))
            b->prog = value;
        else if (!strcmp(flag, "--plugin-dir"))
            b->plugin_dir = value;
        else if (!strcmp(flag, "--work"))
            b->work = value;
        else if (!strcmp(flag, "--data"))
            b->data = value;
        else if (!strcmp(flag, "--markdown"))
            b->markdown_path = value;
        else if (!strcmp(flag, "--reps"))
            bad = bench_parse_count("carve_bench_carve", flag, value, 1, MAX_REPS, &reps);
        else if (!strcmp(flag, "--mem-reps"))
            bad = bench_parse_count("carve_bench_carve", flag, value, 0, MAX_REPS, &mem_reps);
        else if (!strcmp(flag, "--scaling-reps"))
            bad = bench_parse_count("carve_bench_carve", flag, value, 1, MAX_REPS, &scaling_reps);
        else if (!strcmp(flag, "--skeleton-reps"))
            bad = bench_parse_count("carve_bench_carve", flag, value, 1, MAX_REPS, &skeleton_reps);
        else if (!strcmp(flag, "--scaling"))
            bad = parse_series_input(flag, value, b->scaling, &b->nscaling);
        else if (!strcmp(flag, "--skeleton"))
            bad = parse_series_input(flag, value, b->skeleton, &b->nskeleton);
        else {
            fprintf(stderr, "carve_bench_carve: unknown option '%s'\n", flag);
            usage(stderr);
            return -1;
        }
        if (bad)
            return -1;
    }
    b->reps          = (unsigned)reps;
    b->mem_reps      = (unsigned)mem_reps;
    b->scaling_reps  = (unsigned)scaling_reps;
    b->skeleton_reps = (unsigned)skeleton_reps;
    if (!b->prog || !b->plugin_dir || !b->work || (!b->data && !b->nscaling && !b->nskeleton)) {
        usage(stderr);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    bench_t b       = {0};
    double  started = bench_now(), load_start, load_end;

    if (parse_args(argc, argv, &b) < 0)
        return 2;
    if ((mkdir(b.work, 0755) < 0 && errno != EEXIST) || make_base_env(&b) < 0) {
        fprintf(stderr, "carve_bench_carve: cannot use %s: %s\n", b.work, strerror(errno));
        return 1;
    }
    if (bench_report_open(&b.report, "carve_bench_carve", b.markdown_path) < 0)
        return 1;
    load_start = bench_load_average();
    bench_emit(&b.report, "# carve — carve-phase costs against native HDF5\n\n");
    bench_emit(
        &b.report,
        "machine: %ld cores online, load average %.2f at the start. Program: %s (plain HDF5; carve selected "
        "by HDF5_VOL_CONNECTOR=\"carve mode=carve;dir={fresh directory}\").\n",
        sysconf(_SC_NPROCESSORS_ONLN), load_start, b.prog);
    if (b.data)
        bench_emit(&b.report, "data: %s\n", b.data);
    if (b.data)
        section_data(&b);
    if (b.nscaling)
        section_scaling(&b);
    if (b.nskeleton)
        section_skeleton(&b);
    load_end = bench_load_average();
    bench_report_end(&b.report, load_end, bench_now() - started);
    printf("CARVE_DONE failures=%d elapsed_s=%.1f load_start=%.2f load_end=%.2f\n", b.report.failures,
           bench_now() - started, load_start, load_end);
    bench_report_close(&b.report);
    rmdir(b.work); /* only if every carve directory went */
    free(b.base_env);
    return b.report.failures ? 1 : 0;
}
