/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_merge.c — h5carve merge: containers of the same origin, carved separately (on other machines,
 * into other directories), merged into one container in OUT.
 *
 * There is no second merger here: the sources are handed to carve_container_commit as its data source
 * (carve_commit_t.sources), which merges them into the container in OUT (created, or merged into when there)
 * on the path every carving run takes, keeping its invariants: the skeleton the union of the sources', each
 * unit of data copied from a source that holds it intact by that source's checksums (else from the origin
 * when it is available, else not stored and named), checksums embedded, the old container replaced
 * atomically; the sources' runs are carried into the run list and their replay counters summed.
 *
 * The origin is not needed. When it can be stamped (a local file that is there; a URL that answers a HEAD
 * within --timeout) it must be in the state the sources were carved from, or nothing is written; it then
 * gives what no source holds intact. When it cannot (gone, moved, a server that does not answer), the data
 * comes from the containers only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carve_container.h"
#include "h5carve.h"

static const char *const merge_usage =
    "usage: h5carve merge [-v] [--timeout SECONDS] OUT SRC...\n"
    "\n"
    "Merges carved containers of the same origin — carved separately, e.g. on different machines — into\n"
    "one container in directory OUT (created if missing; a container of that origin already there is\n"
    "merged into). Each SRC is a container or a directory of them; containers of several origins are\n"
    "merged per origin. Sources whose origin stamps differ are refused, naming both: nothing is written.\n"
    "\n"
    "The origin is not needed: every byte stored in OUT is copied from a source container that holds it,\n"
    "after checking it against that source's embedded checksums. The skeleton is the union of the\n"
    "sources' (full where any source's is full). A unit (a chunk, or a source's block of elements) that\n"
    "matches its checksums in no source is taken from the origin when it is available, else left out of\n"
    "OUT and named on stderr. The sources' runs and replay counters are carried into OUT (a source merged\n"
    "into the same OUT twice has its replay counters counted twice).\n"
    "\n"
    "The origin is checked when it can be reached (a local file that is there, a URL that answers a HEAD\n"
    "within --timeout seconds, default 10, 1 to 3600): one that changed since the sources were carved is\n"
    "refused and nothing is written. One that cannot be reached is not needed.\n"
    "\n"
    "Exit status: 0 merged; 1 merged, but units the sources held were intact in none of them and the\n"
    "origin was not available (they are named, and OUT does not claim them); 2 a usage error, a missing\n"
    "file or container, different stamps, or a changed origin.\n";

/* The sources of one origin. */
typedef struct merge_group_t {
    const char             *origin;
    size_t                  n;
    const h5carve_entry_t **entries;
} merge_group_t;

static const char *
entry_name(const h5carve_entry_t *e)
{
    return e->container_path ? e->container_path : e->manifest_path;
}

/* Sources in groups by origin; different stamps within a group refused. */
static int
merge_group(const h5carve_entries_t *all, merge_group_t **groups, size_t *ngroups)
{
    for (size_t i = 0; i < all->n; i++) {
        const h5carve_entry_t *e = &all->list[i];
        merge_group_t         *g = NULL;
        if (!e->m.origin) {
            h5carve_error("merge: %s names no origin", entry_name(e));
            return -1;
        }
        for (size_t k = 0; k < *ngroups && !g; k++)
            if (0 == strcmp((*groups)[k].origin, e->m.origin))
                g = &(*groups)[k];
        if (!g) {
            merge_group_t *grown = realloc(*groups, (*ngroups + 1) * sizeof *grown);
            if (!grown)
                return -1;
            *groups = grown;
            g       = &grown[(*ngroups)++];
            memset(g, 0, sizeof *g);
            g->origin = e->m.origin;
        }
        else if (!carve_stamp_equal(&g->entries[0]->m.stamp, &e->m.stamp)) {
            char *change = carve_stamp_describe_change(&g->entries[0]->m.stamp, &e->m.stamp);
            h5carve_error("merge: %s and %s were carved from different states of %s (%s): refused",
                          entry_name(g->entries[0]), entry_name(e), g->origin,
                          change ? change : "stamps differ");
            free(change);
            return -1;
        }
        const h5carve_entry_t **grown = realloc(g->entries, (g->n + 1) * sizeof *grown);
        if (!grown)
            return -1;
        g->entries         = grown;
        g->entries[g->n++] = e;
    }
    return 0;
}

/* 1 when two paths name the same file (both exist). */
static int
same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The origin's state: 1 reachable and as the sources describe it, 0 not reachable (said), -1 changed
 * (said: refused). */
static int
merge_origin_state(const merge_group_t *g, hid_t fapl)
{
    carve_stamp_t now;
    int           ret;

    memset(&now, 0, sizeof now);
    if (fapl < 0 || carve_origin_stamp(g->origin, fapl, &now) < 0) {
        char *why = h5carve_hdf5_errors();

        fprintf(stderr,
                "h5carve merge: the origin %s is not available (%s): the data comes from the containers\n",
                g->origin, why);
        free(why);
        return 0;
    }
    ret = carve_stamp_equal(&g->entries[0]->m.stamp, &now) ? 1 : -1;
    if (ret < 0) {
        char *change = carve_stamp_describe_change(&g->entries[0]->m.stamp, &now);

        h5carve_error("merge: the origin %s changed since %s was carved (%s): refused", g->origin,
                      entry_name(g->entries[0]), change ? change : "stamp differs");
        free(change);
    }
    carve_stamp_clear(&now);
    return ret;
}

/* One origin's sources committed into OUT. Returns H5CARVE_OK, H5CARVE_DIFFERENCE (merged, but units the
 * sources held were intact in none of them: named) or H5CARVE_USAGE. */
static int
merge_commit(const merge_group_t *g, const char *out)
{
    carve_access_t         acc;   /* empty: the sources' manifests say what was read */
    carve_manifest_t       lists; /* only its lists of skipped files and runs are used: the sources' */
    carve_commit_t         c;
    carve_commit_source_t *sources  = NULL;
    size_t                 nsources = 0;
    hid_t                  fapl     = H5I_INVALID_HID;
    int                    touched = 1, available, ret = H5CARVE_USAGE;
    uint64_t               lost      = 0;
    char                  *container = NULL, *manifest = NULL;

    carve_access_init(&acc);
    carve_manifest_init(&lists);
    if (carve_origin_container_paths(g->origin, out, &container, &manifest, NULL) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: %s", why);
        free(why);
        goto done;
    }
    if (NULL == (sources = calloc(g->n, sizeof *sources)))
        goto done;
    for (size_t i = 0; i < g->n; i++) {
        const h5carve_entry_t *e    = g->entries[i];
        int                    seen = 0;

        if (!e->container_path) {
            h5carve_error("merge: %s: its container is missing (the data is taken from the containers)",
                          entry_name(e));
            goto done;
        }
        for (size_t k = 0; k < nsources && !seen; k++)
            seen = same_file(sources[k].path, e->container_path);
        if (seen || same_file(container, e->container_path)) {
            h5carve_note("merge: %s: %s", e->container_path,
                         seen ? "given twice, taken once" : "is OUT's container");
            continue;
        }
        h5carve_note("merge: %s", e->container_path);
        sources[nsources].path       = e->container_path;
        sources[nsources++].manifest = &e->m;
        for (size_t k = 0; k < e->m.nskipped; k++)
            if (carve_manifest_add_skipped(&lists, e->m.skipped[k].path, e->m.skipped[k].reason) < 0)
                goto done;
        for (size_t k = 0; k < e->m.nruns; k++)
            if (carve_manifest_add_run(&lists, e->m.runs[k].time, e->m.runs[k].pid, e->m.runs[k].program) < 0)
                goto done;
        touched = touched && e->m.skeleton && 0 == strcmp(e->m.skeleton, "touched");
    }
    if (nsources == 0) {
        h5carve_error("merge: nothing to merge into %s for %s", container, g->origin);
        goto done;
    }
    fapl = h5carve_native_fapl(g->origin);
    if ((available = merge_origin_state(g, fapl)) < 0)
        goto done;
    memset(&c, 0, sizeof c);
    c.location         = g->origin;
    c.open_name        = g->origin;
    c.origin_fapl      = fapl >= 0 ? fapl : H5P_FILE_ACCESS_DEFAULT; /* not opened then: not available */
    c.dir              = out;
    c.touched_only     = touched;
    c.access           = &acc;
    c.nskipped         = lists.nskipped;
    c.skipped          = lists.skipped;
    c.nruns            = lists.nruns;
    c.runs             = lists.runs;
    c.program          = "h5carve merge";
    c.nsources         = nsources;
    c.sources          = sources;
    c.origin_available = available;
    c.stamp            = &g->entries[0]->m.stamp;
    c.lost             = &lost;
    if (carve_container_commit(&c) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: %s into %s: %s", g->origin, out, why);
        free(why);
        goto done;
    }
    {
        carve_manifest_t m;
        uint64_t         read, stored;
        carve_manifest_init(&m);
        if (carve_container_read_manifest(container, &m) >= 0) {
            h5carve_totals(&m, &read, &stored);
            fprintf(stderr,
                    "  %s: origin %s, generation %" PRIu64 ", %zu datasets: %" PRIu64 " bytes read, %" PRIu64
                    " stored (merged from %zu container%s)\n",
                    container, g->origin, m.generation, m.ndatasets, read, stored, nsources,
                    nsources == 1 ? "" : "s");
        }
        H5Eclear2(H5E_DEFAULT);
        carve_manifest_clear(&m);
    }
    if (lost)
        h5carve_error("merge: %" PRIu64
                      " unit(s) the sources held were intact in none of them and are not in %s "
                      "(named above)",
                      lost, container);
    ret = lost ? H5CARVE_DIFFERENCE : H5CARVE_OK;

done:
    if (fapl >= 0)
        H5Pclose(fapl);
    free(sources);
    free(container);
    free(manifest);
    carve_manifest_clear(&lists);
    carve_access_clear(&acc);
    return ret;
}

int
h5carve_merge(int argc, char **argv)
{
    const char       *out     = NULL;
    h5carve_entries_t all     = {0, NULL};
    merge_group_t    *groups  = NULL;
    size_t            ngroups = 0, nsrc = 0;
    int               ret     = H5CARVE_USAGE;
    long              timeout = 10;
    struct stat       st;

    for (int i = 1; i < argc; i++)
        if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h")) {
            fputs(merge_usage, stdout);
            return H5CARVE_OK;
        }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "-v") || 0 == strcmp(argv[i], "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(argv[i], "--timeout")) {
            char *end = NULL;

            timeout = i + 1 < argc ? strtol(argv[++i], &end, 10) : 0;
            if (!end || *end || timeout < 1 || timeout > 3600) {
                fprintf(stderr, "h5carve: merge: --timeout takes whole seconds, 1 to 3600\n%s", merge_usage);
                goto done;
            }
        }
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "h5carve: merge: unknown option: %s\n%s", argv[i], merge_usage);
            goto done;
        }
        else if (!out)
            out = argv[i];
        else if (h5carve_load(argv[i], &all) < 0)
            goto done;
        else
            nsrc++;
    }
    if (!out || nsrc == 0) {
        fprintf(stderr, "h5carve: merge needs an output directory and at least one source\n%s", merge_usage);
        goto done;
    }
    if (all.n == 0) {
        h5carve_error("merge: no containers in the sources");
        goto done;
    }
    if (merge_group(&all, &groups, &ngroups) < 0)
        goto done;
    if (stat(out, &st) < 0 && mkdir(out, 0777) < 0) {
        h5carve_error("merge: cannot create %s: %s", out, strerror(errno));
        goto done;
    }
    if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode)) {
        h5carve_error("merge: %s is not a directory (OUT is where the merged containers go)", out);
        goto done;
    }
    fprintf(stderr, "h5carve merge: %zu origin%s into %s\n", ngroups, ngroups == 1 ? "" : "s", out);
    /* A URL origin's HEAD is bounded: an origin that does not answer is only not needed. */
    carve_origin_set_timeout(timeout);
    ret = H5CARVE_OK;
    for (size_t k = 0; k < ngroups; k++) {
        int one = merge_commit(&groups[k], out);

        ret = one > ret ? one : ret;
    }

done:
    for (size_t k = 0; k < ngroups; k++)
        free(groups[k].entries);
    free(groups);
    h5carve_entries_free(&all);
    return ret;
}
