/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_replay.c — carve_bench_replay: what carve's replay mode costs (or saves) against native HDF5,
 * measured in one run. It runs carve_bench_prog (an ordinary HDF5 reader, bench_prog.c) as separate
 * processes: natively, once with HDF5_VOL_CONNECTOR="carve mode=carve;dir={...}" to carve workload
 * "rows" (about 10% of /field in 10 row blocks, as carve_bench_read's workload a), then with
 * HDF5_VOL_CONNECTOR="carve mode=replay;dir={...};log=summary" opening the origin's name, so that carve
 * serves the reads the container holds from it and the rest from the origin. Every run is timed as a
 * whole process (fork to reaped exit: loading the plugin, opening the container, the replay counters
 * carve adds to the manifest at exit) and by the program's own H5Fopen..H5Fclose time.
 *
 * Sections (all ratios against native runs of the same run, --reps interleaved repetitions, the order
 * rotating; median and minimum):
 *   R1 all hits, local  "rows" replayed (every read held) vs native on the local origin; also with
 *                       in_memory=yes (the container loaded into memory)
 *   R2 all hits, ROS3   with --url (the data file on an S3 server): "rows" carved once through ROS3, then
 *                       native ROS3 reads of the URL vs replay of the URL (every read held): the speed-up;
 *                       the server's requests per run are counted in its log (--s3-log). --s3-skip REASON
 *                       prints the section as SKIPPED with the reason instead
 *   R3 misses, local    "misses" (another 10%, in chunk rows "rows" does not touch: every read a miss, read
 *                       from the origin) and "partial" (every read half held) replayed vs native
 *   R4 counters         carve's log=summary line of every replay run: reads, hits, misses, partial, bytes
 *                       from the container and from the origin, origin requests; digest equal to native's
 * The parent never loads HDF5. Every container directory is made empty first and removed at the end.
 * --steady-heap runs every child, native and carve alike, with glibc's heap trimming off
 * (MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_): otherwise the heap's top is given back and faulted in again
 * around HDF5's chunk-sized buffers as often as the heap's layout happens to allow, which moves a run by
 * a few percent either way (the minor page faults below each table show it).
 *
 * Output: markdown tables on stdout and in --markdown FILE, then one "REPLAY section=... key=value ..."
 * line per measurement and "REPLAY_DONE failures=N ...". Nothing here asserts a time. Failures (exit 1)
 * are correctness only: a run failed, was not served by the expected connector, read other data than
 * native (digest or byte count), the carve run left no container, or a replay run printed no summary or
 * one that does not account for what the program read (reads; bytes from the container = the bytes the
 * program read in chunks the container holds, the rest from the origin; hit, miss or partial as planned).
 *
 * Usage: carve_bench_replay --prog PATH --plugin-dir DIR --work DIR --data FILE [--reps N]
 *                           [--url URL [--s3-cred region,id,secret] [--s3-log FILE] [--s3-latency-ms N]
 *                            | --s3-skip REASON] [--steady-heap] [--markdown FILE]
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

#define MAX_REPS    100u
#define MAX_CONFIGS 8u
#define MIB         1048576.0

extern char **environ;

/* carve's log=summary counters of one replay run. */
typedef struct counters_t {
    uint64_t reads, hits, misses, partial, bytes_container, bytes_origin, origin_requests;
} counters_t;

/* One process run. */
typedef struct run_t {
    int        ok;
    double     wall;   /* fork to reaped exit, seconds */
    double     prog_s; /* the program's own H5Fopen..H5Fclose time */
    long       maxrss_kib;
    long       minflt; /* minor page faults */
    uint64_t   bytes, checksum, held_bytes, reads;
    char       connector[32];
    int        summaries; /* carve's "replay of ..." lines on stderr */
    counters_t counters;
    int        other_stderr;     /* stderr held something besides carve's summary */
    char       first_other[200]; /* its first such line */
    int64_t    server_requests;  /* REQ lines the S3 server logged during the run (-1: not counted) */
    int        digest_differs;   /* it read other bytes than native */
    char       message[256];
} run_t;

/* A configuration: one program workload, run natively, or replayed with some settings. */
typedef struct config_t {
    const char  *key;       /* for REPLAY lines */
    const char  *label;     /* for tables */
    const char  *workload;  /* carve_bench_prog's: rows, misses, partial */
    int          remote;    /* opens the URL (ROS3) instead of the local file */
    int          replay;    /* under carve mode=replay (else native) */
    const char  *settings;  /* more replay settings, e.g. "in_memory=yes" */
    const run_t *reference; /* native's run of the same workload (digest, bytes) */
    /* results */
    unsigned   n;
    double     wall[MAX_REPS], prog[MAX_REPS], minflt[MAX_REPS];
    long       maxrss_kib;
    counters_t counters; /* the last replay run's */
    int        have_counters, counters_vary;
    int64_t    server_requests; /* of the last run; -1 when not counted */
    uint64_t   held_bytes, reads;
    int        digest_differs; /* runs that read other bytes than native */
    int        runs_failed;
    int        other_stderr;
    char       first_other[200];
} config_t;

typedef struct bench_t {
    const char *prog, *plugin_dir, *work, *data, *url, *s3_cred, *s3_log, *s3_skip, *markdown_path;
    const char *s3_latency_ms; /* the delay the S3 server adds to each object request, as given; NULL: none */
    unsigned    reps;
    int         steady_heap; /* glibc heap trimming off in every child */
    char *
        *base_env; /* the environment without HDF5_VOL_CONNECTOR, CARVE_*, HDF5_PLUGIN_PATH, BENCH_S3_CRED */
    size_t         nbase_env;
    bench_report_t report; /* the tables, the "REPLAY ..." lines printed after them, the failures */
    char           local_dir[4096], remote_dir[4096]; /* the containers' directories */
    run_t          ref_rows, ref_misses, ref_partial, ref_remote_rows;
    int            have_misses; /* the file is large enough for "misses" */
} bench_t;

/* ---------------------------------------------------------------------------------------------- */
/* the S3 server's log                                                                              */

/* REQ lines in the server's log so far (-1 without a log). */
static int64_t
server_request_count(const bench_t *b)
{
    FILE   *log;
    char    line[1024];
    int64_t n = 0;

    if (!b->s3_log || !(log = fopen(b->s3_log, "r")))
        return -1;
    while (fgets(line, sizeof line, log))
        if (!strncmp(line, "REQ ", 4))
            n++;
    fclose(log);
    return n;
}

/* ---------------------------------------------------------------------------------------------- */
/* running carve_bench_prog                                                                         */

static int
env_is_ours(const bench_t *b, const char *entry)
{
    return !strncmp(entry, "HDF5_VOL_CONNECTOR=", 19) || !strncmp(entry, "CARVE_", 6) ||
           !strncmp(entry, "HDF5_PLUGIN_PATH=", 17) || !strncmp(entry, "BENCH_S3_CRED=", 14) ||
           (b->steady_heap &&
            (!strncmp(entry, "MALLOC_TRIM_THRESHOLD_=", 23) || !strncmp(entry, "MALLOC_TOP_PAD_=", 16)));
}

static int
make_base_env(bench_t *b)
{
    static char trim[] = "MALLOC_TRIM_THRESHOLD_=1073741824", pad[] = "MALLOC_TOP_PAD_=67108864";
    size_t      n = 0;

    for (char **e = environ; *e; e++)
        n++;
    if (!(b->base_env = calloc(n + 3, sizeof *b->base_env)))
        return -1;
    for (char **e = environ; *e; e++)
        if (!env_is_ours(b, *e))
            b->base_env[b->nbase_env++] = *e;
    if (b->steady_heap) {
        b->base_env[b->nbase_env++] = trim;
        b->base_env[b->nbase_env++] = pad;
    }
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
    if ((v = bench_prog_field(line, "held_bytes")))
        run->held_bytes = strtoull(v, NULL, 10);
    if ((v = bench_prog_field(line, "reads")))
        run->reads = strtoull(v, NULL, 10);
    run->ok = 1;
}

/* carve's summary lines ("carve: replay of <origin> from <container>: N reads: H hits, M misses, P
 * partial; B bytes from the container, O from the origin; R origin requests"), and anything else. */
static void
parse_stderr(const char *err, run_t *run)
{
    const char *line = err;

    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t      len = end ? (size_t)(end - line) : strlen(line);
        char        text[1024];
        const char *at;

        snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), line);
        if (!strncmp(text, "carve: replay of ", 17) && (at = strstr(text, " reads: "))) {
            counters_t c = {0};

            while (at > text && at[-1] >= '0' && at[-1] <= '9')
                at--;
            if (sscanf(at,
                       "%" SCNu64 " reads: %" SCNu64 " hits, %" SCNu64 " misses, %" SCNu64
                       " partial; %" SCNu64 " bytes from the container, %" SCNu64 " from the origin; %" SCNu64
                       " origin requests",
                       &c.reads, &c.hits, &c.misses, &c.partial, &c.bytes_container, &c.bytes_origin,
                       &c.origin_requests) == 7) {
                run->summaries++;
                run->counters = c;
            }
            else if (!run->other_stderr++)
                snprintf(run->first_other, sizeof run->first_other, "%.199s", text);
        }
        else if (len && !run->other_stderr++)
            snprintf(run->first_other, sizeof run->first_other, "%.199s", text);
        line = end ? end + 1 : NULL;
    }
}

/* Runs carve_bench_prog <workload> <file or URL>: natively (mode NULL) or under carve in that mode with
 * dir={dir}, log=summary for replay, and the extra settings. */
static void
run_prog(bench_t *b, const char *workload, int remote, const char *mode, const char *dir,
         const char *settings, run_t *run)
{
    char          plugin_env[4200], connector_env[8800], cred_env[512];
    char         *argv[4];
    char        **envp;
    size_t        nenv = b->nbase_env;
    bench_child_t child;
    int64_t       before = remote ? server_request_count(b) : -1;

    memset(run, 0, sizeof *run);
    run->server_requests = -1;
    argv[0]              = (char *)b->prog;
    argv[1]              = (char *)workload;
    argv[2]              = (char *)(remote ? b->url : b->data);
    argv[3]              = NULL;
    if (!(envp = calloc(nenv + 4, sizeof *envp))) {
        snprintf(run->message, sizeof run->message, "out of memory");
        return;
    }
    memcpy(envp, b->base_env, nenv * sizeof *envp);
    snprintf(plugin_env, sizeof plugin_env, "HDF5_PLUGIN_PATH=%s", b->plugin_dir);
    envp[nenv++] = plugin_env;
    if (mode) {
        snprintf(connector_env, sizeof connector_env, "HDF5_VOL_CONNECTOR=carve mode=%s;dir={%s}%s%s%s", mode,
                 dir, !strcmp(mode, "replay") ? ";log=summary" : "", settings ? ";" : "",
                 settings ? settings : "");
        envp[nenv++] = connector_env;
    }
    if (remote && b->s3_cred) {
        snprintf(cred_env, sizeof cred_env, "BENCH_S3_CRED=%s", b->s3_cred);
        envp[nenv++] = cred_env;
    }
    if (bench_run_child(b->prog, argv, envp, 0, &child) == 0)
        parse_prog_line(child.out, run);
    else
        snprintf(run->message, sizeof run->message, "%.80s; stderr: %.160s", child.message, child.err);
    if (child.ok && !run->ok)
        snprintf(run->message, sizeof run->message, "no PROG line in its output; stderr: %.160s", child.err);
    run->wall       = child.wall;
    run->maxrss_kib = child.maxrss_kib;
    run->minflt     = child.minflt;
    parse_stderr(child.err, run);
    if (before >= 0) {
        int64_t after = server_request_count(b);

        run->server_requests = after >= before ? after - before : -1;
    }
    free(envp);
}

/* A run and its correctness checks: it succeeded, on the connector expected, reading native's data. */
static int
measured_run(bench_t *b, const char *workload, int remote, const char *mode, const char *dir,
             const char *settings, const run_t *reference, run_t *run)
{
    const char *expect = mode ? "carve" : "native";
    char        what[256];

    snprintf(what, sizeof what, "%s of %s (%s%s%s%s)", workload, remote ? "the URL" : "the local file",
             mode ? "mode " : "native", mode ? mode : "", settings ? ", " : "", settings ? settings : "");
    run_prog(b, workload, remote, mode, dir, settings, run);
    if (!run->ok) {
        bench_fail(&b->report, "%s: %s", what, run->message);
        return -1;
    }
    if (strcmp(run->connector, expect)) {
        bench_fail(&b->report, "%s: served by connector '%s', expected '%s'", what, run->connector, expect);
        run->ok = 0;
        return -1;
    }
    if (reference && (run->checksum != reference->checksum || run->bytes != reference->bytes)) {
        bench_fail(&b->report,
                   "%s: read %" PRIu64 " bytes, digest %016" PRIx64 "; native read %" PRIu64
                   ", digest %016" PRIx64,
                   what, run->bytes, run->checksum, reference->bytes, reference->checksum);
        run->ok             = 0;
        run->digest_differs = 1;
        return -1;
    }
    return 0;
}

/* Checks a replay run's summary against what the program read; the kind expected: every read a hit
 * ("rows"), a miss ("misses") or partial ("partial"). */
static int
check_counters(bench_t *b, const config_t *cfg, const run_t *run)
{
    const counters_t *c = &run->counters;
    uint64_t          kind_count;
    const char       *kind;

    if (run->summaries != 1) {
        bench_fail(&b->report, "%s: %d summary lines of carve on stderr (log=summary), expected 1%s%s",
                   cfg->label, run->summaries, run->other_stderr ? "; stderr: " : "",
                   run->other_stderr ? run->first_other : "");
        return -1;
    }
    if (!strcmp(cfg->workload, "rows"))
        kind = "hits", kind_count = c->hits;
    else if (!strcmp(cfg->workload, "misses"))
        kind = "misses", kind_count = c->misses;
    else
        kind = "partial", kind_count = c->partial;
    if (c->reads != run->reads || c->hits + c->misses + c->partial != c->reads || kind_count != c->reads ||
        c->bytes_container + c->bytes_origin != run->bytes || c->bytes_container != run->held_bytes) {
        bench_fail(&b->report,
                   "%s: carve counted %" PRIu64 " reads (%" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64
                   " partial), %" PRIu64 " bytes from the container and %" PRIu64
                   " from the origin; the program made %" PRIu64 " reads, all expected %s, of %" PRIu64
                   " bytes, %" PRIu64 " of them in chunks the container holds",
                   cfg->label, c->reads, c->hits, c->misses, c->partial, c->bytes_container, c->bytes_origin,
                   run->reads, kind, run->bytes, run->held_bytes);
        return -1;
    }
    return 0;
}

/* Runs a configuration once and adds the run to its results. */
static void
config_run(bench_t *b, config_t *cfg)
{
    run_t       run;
    const char *dir = cfg->remote ? b->remote_dir : b->local_dir;

    if (measured_run(b, cfg->workload, cfg->remote, cfg->replay ? "replay" : NULL, dir, cfg->settings,
                     cfg->reference, &run) < 0) {
        cfg->runs_failed++;
        cfg->digest_differs += run.digest_differs;
        fprintf(stderr, " %s FAILED", cfg->key);
        return;
    }
    if (cfg->n < MAX_REPS) {
        cfg->wall[cfg->n]   = run.wall;
        cfg->prog[cfg->n]   = run.prog_s;
        cfg->minflt[cfg->n] = (double)run.minflt;
        cfg->n++;
    }
    if (run.maxrss_kib > cfg->maxrss_kib)
        cfg->maxrss_kib = run.maxrss_kib;
    cfg->server_requests = run.server_requests;
    cfg->held_bytes      = run.held_bytes;
    cfg->reads           = run.reads;
    if (cfg->replay) {
        if (check_counters(b, cfg, &run) == 0) {
            if (cfg->have_counters && memcmp(&cfg->counters, &run.counters, sizeof run.counters))
                cfg->counters_vary = 1;
            cfg->counters      = run.counters;
            cfg->have_counters = 1;
        }
        /* Anything on stderr besides the summary: noted (carve should be silent), not a failure. */
        if (run.other_stderr && !cfg->other_stderr++)
            snprintf(cfg->first_other, sizeof cfg->first_other, "%s", run.first_other);
    }
    fprintf(stderr, " %s %.3f s", cfg->key, run.wall);
}

/* reps repetitions of every configuration, the order rotating. */
static void
run_interleaved(bench_t *b, config_t *configs, unsigned n, const char *title)
{
    fprintf(stderr, "== %s: %u configurations, %u repetitions\n", title, n, b->reps);
    for (unsigned rep = 0; rep < b->reps; rep++) {
        fprintf(stderr, "  rep %u:", rep + 1);
        for (unsigned step = 0; step < n; step++)
            config_run(b, &configs[(step + rep) % n]);
        fprintf(stderr, "\n");
    }
}

/* A fresh empty directory dir, and a carve of workload rows into it. */
static int
carve_once(bench_t *b, int remote, const char *dir, const run_t *reference)
{
    run_t          run;
    DIR           *d;
    struct dirent *entry;
    int            containers = 0, manifests = 0;

    if (bench_remove_flat_dir(dir) < 0 || mkdir(dir, 0755) < 0) {
        bench_fail(&b->report, "cannot make an empty directory %s: %s", dir, strerror(errno));
        return -1;
    }
    if (measured_run(b, "rows", remote, "carve", dir, NULL, reference, &run) < 0)
        return -1;
    if ((d = opendir(dir))) {
        while ((entry = readdir(d))) {
            size_t len = strlen(entry->d_name);

            containers += len > 9 && !strcmp(entry->d_name + len - 9, ".carve.h5");
            manifests += len > 11 && !strcmp(entry->d_name + len - 11, ".carve.yaml");
        }
        closedir(d);
    }
    fprintf(stderr, "carve of rows%s into %s: %.3f s\n", remote ? " (ROS3)" : "", dir, run.wall);
    bench_record(&b->report, "REPLAY section=carve origin=%s carve_s=%.6f\n", remote ? "ros3" : "local",
                 run.wall);
    if (containers != 1 || manifests != 1) {
        bench_fail(&b->report,
                   "carving rows%s into %s left %d containers and %d manifests, expected one each",
                   remote ? " (ROS3)" : "", dir, containers, manifests);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* tables                                                                                            */

typedef struct figures_t {
    double nm, rm, nn, rn, npm, rpm, npn, rpn; /* native/replay wall median, min; in-prog median, min */
} figures_t;

static figures_t
figures_of(const config_t *native, const config_t *replay)
{
    figures_t f;

    f.nm  = bench_median_of(native->wall, native->n);
    f.rm  = bench_median_of(replay->wall, replay->n);
    f.nn  = bench_min_of(native->wall, native->n);
    f.rn  = bench_min_of(replay->wall, replay->n);
    f.npm = bench_median_of(native->prog, native->n);
    f.rpm = bench_median_of(replay->prog, replay->n);
    f.npn = bench_min_of(native->prog, native->n);
    f.rpn = bench_min_of(replay->prog, replay->n);
    return f;
}

static const char *
target_text(int measured, double value, double target, int at_most)
{
    if (!measured)
        return "not measured";
    return (at_most ? value <= target : value >= target) ? "met" : "not met";
}

/* A row of the ratio tables (sections 1 and 3): replay / native. */
static void
ratio_row(bench_t *b, const char *section, const config_t *native, const config_t *replay, double target)
{
    figures_t f        = figures_of(native, replay);
    int       measured = native->n && replay->n;
    char      target_cell[64];

    if (target > 0)
        snprintf(target_cell, sizeof target_cell, "<= %.2f: %s", target,
                 target_text(measured, bench_ratio(f.rm, f.nm), target, 1));
    else
        snprintf(target_cell, sizeof target_cell, "-");
    bench_emit(
        &b->report,
        "| %s | %u | %.3f | %.3f | **%.3f** | %.3f | %.3f | %.3f | %.4f | %.4f | **%.3f** | %.3f | %s |\n",
        replay->label, replay->n, f.nm, f.rm, bench_ratio(f.rm, f.nm), f.nn, f.rn, bench_ratio(f.rn, f.nn),
        f.npm, f.rpm, bench_ratio(f.rpm, f.npm), bench_ratio(f.rpn, f.npn), target_cell);
    bench_record(&b->report,
                 "REPLAY section=%s config=%s workload=%s reps=%u native_s=%.6f replay_s=%.6f ratio=%.4f "
                 "native_min_s=%.6f "
                 "replay_min_s=%.6f ratio_min=%.4f native_prog_s=%.6f replay_prog_s=%.6f prog_ratio=%.4f "
                 "prog_ratio_min=%.4f "
                 "native_rss_kib=%ld replay_rss_kib=%ld native_minflt=%.0f replay_minflt=%.0f\n",
                 section, replay->key, replay->workload, replay->n, f.nm, f.rm, bench_ratio(f.rm, f.nm), f.nn,
                 f.rn, bench_ratio(f.rn, f.nn), f.npm, f.rpm, bench_ratio(f.rpm, f.npm),
                 bench_ratio(f.rpn, f.npn), native->maxrss_kib, replay->maxrss_kib,
                 bench_median_of(native->minflt, native->n), bench_median_of(replay->minflt, replay->n));
}

static void
ratio_header(bench_t *b)
{
    bench_emit(&b->report, "| replay run | reps | native med s | replay med s | **ratio med** | native min s "
                           "| replay min s | ratio min "
                           "| native in-prog med s | replay in-prog med s | **in-prog ratio med** | in-prog "
                           "ratio min | target |\n");
    bench_emit(&b->report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
}

static void
all_times(bench_t *b, const config_t *configs, unsigned n)
{
    bench_emit(&b->report, "\nAll whole-process wall times (s), per configuration in repetition order:");
    for (unsigned i = 0; i < n; i++) {
        bench_emit(&b->report, "%s %s", i ? ";" : "", configs[i].key);
        for (unsigned r = 0; r < configs[i].n; r++)
            bench_emit(&b->report, " %.3f", configs[i].wall[r]);
    }
    bench_emit(&b->report, "\n\nPeak RSS (MiB, largest run) / minor page faults (median run):");
    for (unsigned i = 0; i < n; i++)
        bench_emit(&b->report, "%s %s %.1f / %.0f", i ? ";" : "", configs[i].key,
                   (double)configs[i].maxrss_kib / 1024.0, bench_median_of(configs[i].minflt, configs[i].n));
    bench_emit(&b->report, "\n");
}

static const char *
digest_text(const config_t *cfg)
{
    if (cfg->digest_differs)
        return "**NO**";
    return cfg->runs_failed ? "yes (some runs failed)" : cfg->n ? "yes" : "no run";
}

static void
counters_row(bench_t *b, const config_t *cfg)
{
    const counters_t *c = &cfg->counters;
    char              server[32];

    if (cfg->server_requests >= 0)
        snprintf(server, sizeof server, "%" PRId64, cfg->server_requests);
    else
        snprintf(server, sizeof server, "-");
    if (!cfg->replay) {
        bench_emit(&b->report, "| %s | %u | %" PRIu64 " | native | | | | | | %s | %s |\n", cfg->label, cfg->n,
                   cfg->reads, server, digest_text(cfg));
        bench_record(&b->report,
                     "REPLAY section=counters config=%s runs=%u failed_runs=%u reads=%" PRIu64
                     " server_requests=%s digest=%s\n",
                     cfg->key, cfg->n, cfg->runs_failed, cfg->reads, server,
                     cfg->digest_differs ? "differs" : "equal");
        return;
    }
    bench_emit(&b->report,
               "| %s | %u | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %.2f | %.2f | %" PRIu64
               " | %s | %s |\n",
               cfg->label, cfg->n, c->reads, c->hits, c->misses, c->partial, (double)c->bytes_container / MIB,
               (double)c->bytes_origin / MIB, c->origin_requests, server, digest_text(cfg));
    bench_record(&b->report,
                 "REPLAY section=counters config=%s runs=%u failed_runs=%u reads=%" PRIu64 " hits=%" PRIu64
                 " misses=%" PRIu64 " partial=%" PRIu64 " bytes_container=%" PRIu64 " bytes_origin=%" PRIu64
                 " origin_requests=%" PRIu64 " server_requests=%s counters_vary=%s digest=%s\n",
                 cfg->key, cfg->n, cfg->runs_failed, c->reads, c->hits, c->misses, c->partial,
                 c->bytes_container, c->bytes_origin, c->origin_requests, server,
                 cfg->counters_vary ? "yes" : "no", cfg->digest_differs ? "differs" : "equal");
}

/* ---------------------------------------------------------------------------------------------- */
/* sections                                                                                          */

/* Sections 1 and 3: the local origin. */
enum {
    L_NATIVE_ROWS,
    L_REPLAY_ROWS,
    L_REPLAY_MEM_ROWS,
    L_NATIVE_MISSES,
    L_REPLAY_MISSES,
    L_NATIVE_PARTIAL,
    L_REPLAY_PARTIAL,
    L_COUNT
};
/* Section 2: ROS3. */
enum { R_NATIVE_ROWS, R_REPLAY_ROWS, R_REPLAY_MEM_ROWS, R_COUNT };

static void
init_config(config_t *cfg, const char *key, const char *label, const char *workload, int remote, int replay,
            const char *settings, const run_t *reference)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->key             = key;
    cfg->label           = label;
    cfg->workload        = workload;
    cfg->remote          = remote;
    cfg->replay          = replay;
    cfg->settings        = settings;
    cfg->reference       = reference;
    cfg->server_requests = -1;
}

static void
section_local(bench_t *b, config_t *l, unsigned *nl)
{
    unsigned n = 0;

    init_config(&l[L_NATIVE_ROWS], "native-rows", "native rows", "rows", 0, 0, NULL, &b->ref_rows);
    init_config(&l[L_REPLAY_ROWS], "replay-rows", "replay rows (all hits)", "rows", 0, 1, NULL, &b->ref_rows);
    init_config(&l[L_REPLAY_MEM_ROWS], "replay-mem-rows", "replay rows (all hits), in_memory=yes", "rows", 0,
                1, "in_memory=yes", &b->ref_rows);
    n = 3;
    if (b->have_misses) {
        init_config(&l[L_NATIVE_MISSES], "native-misses", "native misses", "misses", 0, 0, NULL,
                    &b->ref_misses);
        init_config(&l[L_REPLAY_MISSES], "replay-misses", "replay misses (all misses)", "misses", 0, 1, NULL,
                    &b->ref_misses);
        init_config(&l[L_NATIVE_PARTIAL], "native-partial", "native partial", "partial", 0, 0, NULL,
                    &b->ref_partial);
        init_config(&l[L_REPLAY_PARTIAL], "replay-partial", "replay partial (half held)", "partial", 0, 1,
                    NULL, &b->ref_partial);
        n = L_COUNT;
    }
    *nl = n;
    /* Warm-up (not timed): the container into the page cache, the plugin's libraries. */
    {
        run_t run;

        measured_run(b, "rows", 0, "replay", b->local_dir, NULL, &b->ref_rows, &run);
    }
    run_interleaved(b, l, n, "1, 3. local origin");

    bench_emit(&b->report, "\n## R1. All-hit replay, local origin — workload rows (the carved ~10%% of "
                           "/field, 10 row blocks)\n\n");
    bench_emit(
        &b->report,
        "replay / native, whole process (fork to reaped exit: plugin loading, container open, the counters "
        "carve "
        "adds to the manifest at exit) and the program's own H5Fopen..H5Fclose (\"in-prog\"); %u interleaved "
        "repetitions, each run its own process. The issue's target: <= 1.05.\n\n",
        b->reps);
    ratio_header(b);
    ratio_row(b, "hit", &l[L_NATIVE_ROWS], &l[L_REPLAY_ROWS], 1.05);
    ratio_row(b, "hit", &l[L_NATIVE_ROWS], &l[L_REPLAY_MEM_ROWS], 1.05);
}

static void
section_misses(bench_t *b, config_t *l, unsigned nl)
{
    bench_emit(&b->report, "\n## R3. Miss cost, local origin (replay opens it when a read needs it)\n\n");
    if (nl < L_COUNT) {
        bench_emit(&b->report, "Not measured: /field has too few chunk rows outside those workload rows "
                               "touches for a disjoint 10%% "
                               "(a larger --size-mib is needed).\n");
        bench_record(&b->report, "REPLAY section=miss status=skipped reason=file-too-small\n");
        all_times(b, l, nl);
        return;
    }
    bench_emit(
        &b->report,
        "\"misses\": another ~10%% of /field (10 row blocks in chunk rows the container does not hold: every "
        "read "
        "from the origin). \"partial\": 10 row blocks, each half in a chunk row the container holds and half "
        "after it (every read split). The issue's target for misses: <= 1.10.\n\n");
    ratio_header(b);
    ratio_row(b, "miss", &l[L_NATIVE_MISSES], &l[L_REPLAY_MISSES], 1.10);
    ratio_row(b, "miss", &l[L_NATIVE_PARTIAL], &l[L_REPLAY_PARTIAL], 0);
    all_times(b, l, nl);
}

static void
section_ros3(bench_t *b, config_t *r, unsigned *nr)
{
    *nr = 0;
    bench_emit(
        &b->report,
        "\n## R2. All-hit replay over ROS3 — workload rows, the data file on the loopback S3 server\n\n");
    if (b->s3_latency_ms && strcmp(b->s3_latency_ms, "0") != 0)
        bench_emit(
            &b->report,
            "The server delays every GET and HEAD of an object by %s ms (s3server.py --latency-ms): a remote "
            "store's time to first byte.\n\n",
            b->s3_latency_ms);
    if (b->s3_skip || !b->url) {
        bench_emit(&b->report, "SKIPPED: %s\n", b->s3_skip ? b->s3_skip : "no --url given");
        bench_record(&b->report, "REPLAY section=ros3 status=skipped\n");
        fprintf(stderr, "== R2. ROS3: SKIPPED: %s\n", b->s3_skip ? b->s3_skip : "no --url given");
        return;
    }
    /* Reference over ROS3 (it must read what the local file gives), then the carve through ROS3. */
    if (measured_run(b, "rows", 1, NULL, NULL, NULL, &b->ref_rows, &b->ref_remote_rows) < 0 ||
        carve_once(b, 1, b->remote_dir, &b->ref_rows) < 0) {
        bench_emit(&b->report,
                   "FAILED: the native ROS3 read or the carve through ROS3 failed (see stderr).\n");
        bench_record(&b->report, "REPLAY section=ros3 status=failed\n");
        return;
    }
    init_config(&r[R_NATIVE_ROWS], "native-ros3-rows", "native rows over ROS3", "rows", 1, 0, NULL,
                &b->ref_rows);
    init_config(&r[R_REPLAY_ROWS], "replay-ros3-rows", "replay rows of the URL (all hits)", "rows", 1, 1,
                NULL, &b->ref_rows);
    init_config(&r[R_REPLAY_MEM_ROWS], "replay-ros3-mem-rows",
                "replay rows of the URL (all hits), in_memory=yes", "rows", 1, 1, "in_memory=yes",
                &b->ref_rows);
    *nr = R_COUNT;
    {
        run_t run;

        measured_run(b, "rows", 1, "replay", b->remote_dir, NULL, &b->ref_rows, &run); /* warm-up */
    }
    run_interleaved(b, r, R_COUNT, "R2. ROS3");

    bench_emit(
        &b->report,
        "The program opens the URL with H5Pset_fapl_ros3 (SigV4-signed requests to 127.0.0.1; the server, a "
        "Python process, shares the machine). Workload rows was carved once through ROS3 (container in a "
        "local "
        "directory, dir=); replay opens the same URL and finds the container. **Speed-up = native ROS3 / "
        "replay** (the issue's target: >= 10). Requests = REQ lines the server logged during one run. The "
        "loopback "
        "server answers in a few milliseconds; a real S3 request takes tens of ms more, and ROS3 makes its "
        "requests one after the other, so \"added latency per request for 10x\" = (10 x replay med - native "
        "med) / (native requests - replay requests) is the extra per-request latency at which the speed-up "
        "reaches 10 (an extrapolation, not a measurement).\n\n");
    bench_emit(&b->report, "| replay run | reps | native ROS3 med s | replay med s | **speed-up med** | "
                           "native min s | replay min s | "
                           "speed-up min | native in-prog med s | replay in-prog med s | in-prog speed-up "
                           "med | requests native / "
                           "replay | added latency per request for 10x | target >= 10 |\n");
    bench_emit(&b->report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (unsigned i = R_REPLAY_ROWS; i < R_COUNT; i++) {
        figures_t f        = figures_of(&r[R_NATIVE_ROWS], &r[i]);
        int       measured = r[R_NATIVE_ROWS].n && r[i].n;
        int64_t   requests =
            r[R_NATIVE_ROWS].server_requests - (r[i].server_requests > 0 ? r[i].server_requests : 0);
        /* ROS3 requests are sequential: each ms a real network adds to a request adds requests ms to native's
         * run (replay's requests, none when all hit, likewise). The latency at which the speed-up is 10: */
        double break_even = requests > 0 ? (10 * f.rm - f.nm) / (double)requests * 1000.0 : -1;
        char   break_cell[32];

        if (break_even < 0 && requests > 0)
            snprintf(break_cell, sizeof break_cell, "0 (met)");
        else if (requests > 0)
            snprintf(break_cell, sizeof break_cell, "%.1f ms", break_even);
        else
            snprintf(break_cell, sizeof break_cell, "-");
        bench_emit(&b->report,
                   "| %s | %u | %.3f | %.3f | **%.1f** | %.3f | %.3f | %.1f | %.4f | %.4f | %.1f | %" PRId64
                   " / %" PRId64 " | %s | %s |\n",
                   r[i].label, r[i].n, f.nm, f.rm, bench_ratio(f.nm, f.rm), f.nn, f.rn,
                   bench_ratio(f.nn, f.rn), f.npm, f.rpm, bench_ratio(f.npm, f.rpm),
                   r[R_NATIVE_ROWS].server_requests, r[i].server_requests, break_cell,
                   target_text(measured, bench_ratio(f.nm, f.rm), 10, 0));
        bench_record(
            &b->report,
            "REPLAY section=ros3 config=%s reps=%u native_s=%.6f replay_s=%.6f speedup=%.4f "
            "native_min_s=%.6f "
            "replay_min_s=%.6f speedup_min=%.4f native_prog_s=%.6f replay_prog_s=%.6f prog_speedup=%.4f "
            "native_requests=%" PRId64 " replay_requests=%" PRId64 " break_even_latency_ms=%.2f\n",
            r[i].key, r[i].n, f.nm, f.rm, bench_ratio(f.nm, f.rm), f.nn, f.rn, bench_ratio(f.nn, f.rn), f.npm,
            f.rpm, bench_ratio(f.npm, f.rpm), r[R_NATIVE_ROWS].server_requests, r[i].server_requests,
            break_even < 0 ? 0 : break_even);
    }
    all_times(b, r, R_COUNT);
}

static void
section_counters(bench_t *b, config_t *l, unsigned nl, config_t *r, unsigned nr)
{
    int noted = 0;

    bench_emit(
        &b->report,
        "\n## R4. Replay counters (carve log=summary, the last run of each configuration) and digests\n\n");
    bench_emit(
        &b->report,
        "\"S3 requests\": REQ lines the server logged during that run. \"digest = native\": every run of the "
        "configuration read exactly native's bytes (a difference is a failure).\n\n");
    bench_emit(&b->report, "| configuration | runs | reads | hits | misses | partial | MiB from container | "
                           "MiB from origin | origin "
                           "requests | S3 requests | digest = native |\n");
    bench_emit(&b->report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (unsigned i = 0; i < nl; i++)
        counters_row(b, &l[i]);
    for (unsigned i = 0; i < nr; i++)
        counters_row(b, &r[i]);
    for (unsigned pass = 0; pass < 2; pass++) {
        config_t *set = pass ? r : l;
        unsigned  n   = pass ? nr : nl;

        for (unsigned i = 0; i < n; i++) {
            if (set[i].counters_vary)
                bench_emit(&b->report, "%s- %s: the counters differed between runs\n", noted++ ? "" : "\n",
                           set[i].label);
            if (set[i].other_stderr)
                bench_emit(&b->report,
                           "%s- %s: %d run%s printed more than carve's summary on stderr, first: `%s`\n",
                           noted++ ? "" : "\n", set[i].label, set[i].other_stderr,
                           set[i].other_stderr == 1 ? "" : "s", set[i].first_other);
            if (set[i].replay && !strcmp(set[i].workload, "rows") && set[i].have_counters &&
                set[i].counters.origin_requests)
                bench_emit(&b->report,
                           "%s- %s: every read was a hit, yet carve counted %" PRIu64 " origin requests\n",
                           noted++ ? "" : "\n", set[i].label, set[i].counters.origin_requests);
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* the command line                                                                                  */

static void
usage(FILE *out)
{
    fprintf(
        out,
        "usage: carve_bench_replay --prog PATH --plugin-dir DIR --work DIR --data FILE [--reps N]\n"
        "                          [--url URL [--s3-cred region,id,secret] [--s3-log FILE] [--s3-latency-ms "
        "N]\n"
        "                           | --s3-skip REASON]\n"
        "                          [--steady-heap] [--markdown FILE]\n"
        "  --prog        carve_bench_prog\n"
        "  --plugin-dir  the directory holding libcarve_vol.so (HDF5_PLUGIN_PATH)\n"
        "  --work        scratch directory for the containers (made if missing, removed at the end)\n"
        "  --data        a carve_bench_make --size-mib file (sections R1, R3, R4)\n"
        "  --reps        interleaved repetitions (default 5)\n"
        "  --url         the same file on an S3 server (section R2), read with ROS3\n"
        "  --s3-cred     ROS3 credentials for --url (default: anonymous)\n"
        "  --s3-log      the server's log (REQ lines are counted per run)\n"
        "  --s3-latency-ms the delay the server adds to each object request (for the report)\n"
        "  --s3-skip     skip section R2, printing this reason\n"
        "  --steady-heap every run with glibc's heap trimming off (MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_)\n"
        "  --markdown    also write the tables to this file\n");
}

static int
parse_args(int argc, char **argv, bench_t *b)
{
    unsigned long reps = 5;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(flag, "-h") || !strcmp(flag, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(flag, "--steady-heap")) {
            b->steady_heap = 1;
            continue;
        }
        if (!value) {
            fprintf(stderr, "carve_bench_replay: %s needs a value\n", flag);
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
        else if (!strcmp(flag, "--url"))
            b->url = value;
        else if (!strcmp(flag, "--s3-cred"))
            b->s3_cred = value;
        else if (!strcmp(flag, "--s3-log"))
            b->s3_log = value;
        else if (!strcmp(flag, "--s3-skip"))
            b->s3_skip = value;
        else if (!strcmp(flag, "--s3-latency-ms"))
            b->s3_latency_ms = value;
        else if (!strcmp(flag, "--markdown"))
            b->markdown_path = value;
        else if (!strcmp(flag, "--reps")) {
            if (bench_parse_count("carve_bench_replay", flag, value, 1, MAX_REPS, &reps) < 0)
                return -1;
        }
        else {
            fprintf(stderr, "carve_bench_replay: unknown option '%s'\n", flag);
            usage(stderr);
            return -1;
        }
    }
    b->reps = (unsigned)reps;
    if (!b->prog || !b->plugin_dir || !b->work || !b->data) {
        usage(stderr);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static bench_t  b;
    static config_t local[MAX_CONFIGS], remote[MAX_CONFIGS];
    unsigned        nlocal = 0, nremote = 0;
    double          started = bench_now(), load_start, load_end;
    struct stat     st;

    if (parse_args(argc, argv, &b) < 0)
        return 2;
    if ((mkdir(b.work, 0755) < 0 && errno != EEXIST) || make_base_env(&b) < 0) {
        fprintf(stderr, "carve_bench_replay: cannot use %s: %s\n", b.work, strerror(errno));
        return 1;
    }
    if (bench_report_open(&b.report, "carve_bench_replay", b.markdown_path) < 0)
        return 1;
    snprintf(b.local_dir, sizeof b.local_dir, "%s/local", b.work);
    snprintf(b.remote_dir, sizeof b.remote_dir, "%s/ros3", b.work);
    load_start = bench_load_average();
    bench_emit(&b.report, "# carve — replay against native HDF5\n\n");
    bench_emit(&b.report,
               "machine: %ld cores online, load average %.2f at the start. Program: %s (plain HDF5; carve "
               "selected by "
               "HDF5_VOL_CONNECTOR=\"carve mode=replay;dir={container directory};log=summary\").\n",
               sysconf(_SC_NPROCESSORS_ONLN), load_start, b.prog);
    bench_emit(&b.report, "heap: %s\n",
               b.steady_heap ? "glibc heap trimming off in every run, native and carve alike "
                               "(MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864)"
                             : "as the environment leaves it (glibc's heap trimming moves runs by a few "
                               "percent either way; --steady-heap turns it off)");
    bench_emit(&b.report, "data: %s (%.1f MiB)%s%s\n", b.data,
               stat(b.data, &st) == 0 ? (double)st.st_size / MIB : 0.0, b.url ? "; URL: " : "",
               b.url ? b.url : "");

    /* References (and page-cache warm-up): native reads of each workload; then the one carve of rows. */
    if (measured_run(&b, "rows", 0, NULL, NULL, NULL, NULL, &b.ref_rows) == 0 &&
        carve_once(&b, 0, b.local_dir, &b.ref_rows) == 0) {
        run_t probe;

        /* "misses" needs chunk rows that rows does not touch: a small file may have none. */
        run_prog(&b, "misses", 0, NULL, NULL, NULL, &probe);
        if (probe.ok) {
            b.have_misses = measured_run(&b, "misses", 0, NULL, NULL, NULL, NULL, &b.ref_misses) == 0 &&
                            measured_run(&b, "partial", 0, NULL, NULL, NULL, NULL, &b.ref_partial) == 0;
        }
        else
            fprintf(stderr, "carve_bench_replay: no misses workload on this file: %s\n", probe.message);
        fprintf(stderr, "references: native rows %.3f s (%" PRIu64 " bytes), misses %.3f s, partial %.3f s\n",
                b.ref_rows.wall, b.ref_rows.bytes, b.ref_misses.wall, b.ref_partial.wall);
        section_local(&b, local, &nlocal);
    }
    section_ros3(&b, remote, &nremote);
    if (nlocal)
        section_misses(&b, local, nlocal);
    else
        bench_emit(
            &b.report,
            "\n## R1, R3. Local replay: FAILED (the native reference or the carve failed; see stderr)\n");
    section_counters(&b, local, nlocal, remote, nremote);

    bench_remove_flat_dir(b.local_dir);
    bench_remove_flat_dir(b.remote_dir);
    rmdir(b.work);
    load_end = bench_load_average();
    bench_report_end(&b.report, load_end, bench_now() - started);
    printf("REPLAY_DONE failures=%d ros3=%s misses=%s steady_heap=%s elapsed_s=%.1f load_start=%.2f "
           "load_end=%.2f\n",
           b.report.failures,
           nremote               ? "measured"
           : b.s3_skip || !b.url ? "skipped"
                                 : "failed",
           b.have_misses ? "measured" : "skipped", b.steady_heap ? "yes" : "no", bench_now() - started,
           load_start, load_end);
    bench_report_close(&b.report);
    free(b.base_env);
    return b.report.failures ? 1 : 0;
}
