/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_merge.c — h5carve merge: containers of the same origin, carved separately (on other machines,
 * into other directories), merged into one container in OUT.
 *
 * There is no second merger here: the union of what the sources' manifests say was read (selections,
 * attributes, objects touched, files skipped) becomes one access log, which is committed into OUT with
 * carve_container_commit — the path every carving run takes, which merges a run into an existing
 * container (the one in OUT, if any) and keeps its invariants: data copied from the origin and validated,
 * checksums embedded, the old container replaced atomically, a changed origin refused; the sources' runs
 * are carried into the run list (carve_commit_t.runs). So the origin must
 * be readable (a local path, for now), and unchanged: every source's stamp must equal the others' and the
 * origin's own, or nothing is written.
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
    "usage: h5carve merge [-v] OUT SRC...\n"
    "\n"
    "Merges carved containers of the same origin — carved separately, e.g. on different machines — into\n"
    "one container in directory OUT (created if missing; a container of that origin already there is\n"
    "merged into). Each SRC is a container, a manifest or a directory of them; containers of several\n"
    "origins are merged per origin.\n"
    "\n"
    "What the sources' manifests say was read is committed into OUT the way a carving run is: the data is\n"
    "copied from the origin (which must be readable, a local file, and unchanged), checked and\n"
    "checksummed, and the container in OUT replaced atomically. Sources whose origin stamps differ are\n"
    "refused, naming both, and so is an origin that changed since they were carved: nothing is written.\n"
    "\n"
    "Exit status: 0 merged; 2 a usage error, a missing file, different stamps, or an origin that cannot\n"
    "be read or changed.\n";

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

/* The token of the object at path in the origin; -1 (said) when it is not there. */
static int
object_token(hid_t origin, const char *origin_name, const char *path, H5O_token_t *token)
{
    H5O_info2_t info;
    if (H5Oget_info_by_name3(origin, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        H5Eclear2(H5E_DEFAULT);
        h5carve_error("merge: %s has no object %s, which a source lists: refused", origin_name, path);
        return -1;
    }
    *token = info.token;
    return 0;
}

/* One source's reads of one dataset, added to the access log. */
static int
merge_dataset(carve_access_t *acc, hid_t origin, const char *origin_name, const carve_manifest_dataset_t *d)
{
    H5O_token_t             token;
    hid_t                   dset = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t                 dims[H5S_MAX_RANK];
    int                     rank, ret = -1;
    size_t                  type_size;
    carve_access_dataset_t *ads;

    if (object_token(origin, origin_name, d->path, &token) < 0)
        return -1;
    if ((dset = H5Dopen2(origin, d->path, H5P_DEFAULT)) < 0 || (type = H5Dget_type(dset)) < 0 ||
        (space = H5Dget_space(dset)) < 0 || (rank = H5Sget_simple_extent_dims(space, dims, NULL)) < 0 ||
        0 == (type_size = H5Tget_size(type))) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: %s: cannot open dataset %s: %s", origin_name, d->path, why);
        free(why);
        goto done;
    }
    if (rank != d->rank || memcmp(dims, d->dims, (size_t)rank * sizeof *dims) != 0) {
        h5carve_error("merge: %s: dataset %s has another shape than a source recorded: refused", origin_name,
                      d->path);
        goto done;
    }
    if (NULL == (ads = carve_access_dataset(acc, &token, rank, dims, type_size)) ||
        carve_selection_union(&ads->selections, &d->selections) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: %s: %s", d->path, why);
        free(why);
        goto done;
    }
    ads->reads++;
    ads->elements_read += d->elements_read;
    ads->bytes_read += d->bytes_read;
    ret = 0;

done:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (dset >= 0)
        H5Dclose(dset);
    return ret;
}

/* Everything one source recorded, added to the access log, and its skipped files and runs to `lists`. */
static int
merge_source(carve_access_t *acc, hid_t origin, const char *origin_name, const carve_manifest_t *m,
             carve_manifest_t *lists)
{
    H5O_token_t token;

    for (size_t i = 0; i < m->ndatasets; i++)
        if (merge_dataset(acc, origin, origin_name, &m->datasets[i]) < 0)
            return -1;
    for (size_t i = 0; i < m->nattributes; i++)
        if (object_token(origin, origin_name, m->attributes[i].object, &token) < 0 ||
            carve_access_record_attr(acc, &token, m->attributes[i].name) < 0)
            return -1;
    for (size_t i = 0; i < m->nobjects; i++)
        if (object_token(origin, origin_name, m->objects[i], &token) < 0 ||
            carve_access_touch(acc, &token) < 0)
            return -1;
    for (size_t i = 0; i < m->nskipped; i++)
        if (carve_manifest_add_skipped(lists, m->skipped[i].path, m->skipped[i].reason) < 0)
            return -1;
    for (size_t i = 0; i < m->nruns; i++)
        if (carve_manifest_add_run(lists, m->runs[i].time, m->runs[i].pid, m->runs[i].program) < 0)
            return -1;
    return 0;
}

/* One origin's sources committed into OUT. */
static int
merge_commit(const merge_group_t *g, const char *out)
{
    carve_access_t   acc;
    carve_manifest_t lists; /* only its lists of skipped files and runs are used: the sources' */
    carve_stamp_t    now;
    carve_commit_t   c;
    hid_t            fapl = H5I_INVALID_HID, origin = H5I_INVALID_HID;
    int              touched = 1, ret = -1;
    char            *container = NULL, *manifest = NULL;

    carve_access_init(&acc);
    carve_manifest_init(&lists);
    memset(&now, 0, sizeof now);
    if (carve_origin_is_url(g->origin)) {
        h5carve_error("merge: the origin %s is a URL: merging URL origins is not supported yet", g->origin);
        goto done;
    }
    /* The sources must describe the origin as it is now: the commit copies their data from it. */
    if (carve_origin_stamp(g->origin, H5P_DEFAULT, &now) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: the origin is needed to merge (the data is copied from it): %s", why);
        free(why);
        goto done;
    }
    if (!carve_stamp_equal(&g->entries[0]->m.stamp, &now)) {
        char *change = carve_stamp_describe_change(&g->entries[0]->m.stamp, &now);
        h5carve_error("merge: the origin %s changed since %s was carved (%s): refused", g->origin,
                      entry_name(g->entries[0]), change ? change : "stamp differs");
        free(change);
        goto done;
    }
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || (origin = H5Fopen(g->origin, H5F_ACC_RDONLY, fapl)) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: cannot open the origin %s: %s", g->origin, why);
        free(why);
        goto done;
    }
    for (size_t i = 0; i < g->n; i++) {
        h5carve_note("merge: %s", entry_name(g->entries[i]));
        if (merge_source(&acc, origin, g->origin, &g->entries[i]->m, &lists) < 0)
            goto done;
        touched = touched && g->entries[i]->m.skeleton && 0 == strcmp(g->entries[i]->m.skeleton, "touched");
    }
    H5Fclose(origin);
    origin = H5I_INVALID_HID;
    memset(&c, 0, sizeof c);
    c.location     = g->origin;
    c.open_name    = g->origin;
    c.origin_fapl  = fapl;
    c.dir          = out;
    c.touched_only = touched;
    c.access       = &acc;
    c.nskipped     = lists.nskipped;
    c.skipped      = lists.skipped;
    c.nruns        = lists.nruns;
    c.runs         = lists.runs;
    c.program      = "h5carve merge";
    if (carve_container_commit(&c) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("merge: %s into %s: %s", g->origin, out, why);
        free(why);
        goto done;
    }
    if (carve_origin_container_paths(g->origin, out, &container, &manifest, NULL) >= 0) {
        carve_manifest_t m;
        uint64_t         read, stored;
        carve_manifest_init(&m);
        if (carve_container_read_manifest(container, &m) >= 0) {
            h5carve_totals(&m, &read, &stored);
            fprintf(stderr,
                    "  %s: origin %s, generation %" PRIu64 ", %zu datasets: %" PRIu64 " bytes read, %" PRIu64
                    " stored (merged from %zu container%s)\n",
                    container, g->origin, m.generation, m.ndatasets, read, stored, g->n,
                    g->n == 1 ? "" : "s");
        }
        H5Eclear2(H5E_DEFAULT);
        carve_manifest_clear(&m);
    }
    ret = 0;

done:
    if (origin >= 0)
        H5Fclose(origin);
    if (fapl >= 0)
        H5Pclose(fapl);
    free(container);
    free(manifest);
    carve_stamp_clear(&now);
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
    int               ret = H5CARVE_USAGE;
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
    ret = H5CARVE_OK;
    for (size_t k = 0; k < ngroups; k++)
        if (merge_commit(&groups[k], out) < 0)
            ret = H5CARVE_USAGE;

done:
    for (size_t k = 0; k < ngroups; k++)
        free(groups[k].entries);
    free(groups);
    h5carve_entries_free(&all);
    return ret;
}
