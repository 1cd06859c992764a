/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_replay_cache.c — replay's container cache: every container opened in replay mode by this
 * process, parsed once however often the program opens its file (a program opening a file a thousand
 * times would otherwise parse its manifest a thousand times), what it holds per dataset, and this
 * process's read counters, written into each manifest's replay section at shutdown (its step of
 * carve_lifecycle.h, before carve's commits).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carve_lifecycle.h"
#include "carve_lookup.h"
#include "carve_mpi.h"
#include "carve_replay.h"

/*
 * Process-wide: the containers opened in replay mode, whose counters are reported once, at shutdown.
 * Touched only from VOL callbacks, which HDF5 serialises, and from the shutdown hook.
 */
static replay_container_t *containers_g = NULL;

static void
cache_container_free(replay_container_t *c)
{
    if (!c)
        return;
    if (c->held)
        for (size_t i = 0; i < c->manifest.ndatasets; i++)
            if (c->held[i]) {
                carve_held_clear(c->held[i]);
                free(c->held[i]);
            }
    free(c->held);
    free(c->tokens);
    free(c->token_known);
    if (c->checks)
        for (size_t i = 0; i < c->manifest.ndatasets; i++)
            free(c->checks[i].verified);
    free(c->checks);
    carve_integrity_clear(&c->integrity);
    carve_manifest_clear(&c->manifest);
    carve_mpi_leave(c->job); /* NULL once cache_sum_jobs ran, which releases it collectively */
    free(c->path);
    free(c);
}

replay_container_t *
carve_replay_cache_get(const char *path)
{
    replay_container_t *c = NULL;
    struct stat         st;
    replay_container_t *ret_value = NULL;

    if (stat(path, &st) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "cannot read container %s: %s", path,
                         strerror(errno));
    for (c = containers_g; c; c = c->next)
        if (!c->stale && strcmp(c->path, path) == 0) {
            if (c->dev == st.st_dev && c->ino == st.st_ino && c->size == st.st_size &&
                c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec)
                return c;
            c->stale = 1; /* rewritten since (a read-through or carve commit): parse it again */
        }
    if (NULL == (c = calloc(1, sizeof *c)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory opening container %s", path);
    carve_manifest_init(&c->manifest);
    if (NULL == (c->path = strdup(path)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory opening container %s", path);
    if (carve_container_read_replay_manifest(path, &c->manifest) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, NULL,
                         "cannot replay from container %s: its manifest is unreadable", path);
    carve_manifest_sort_datasets(&c->manifest); /* held[] and tokens[] are indexed in this order */
    {
        int    found  = 0;
        herr_t status = -1;

        carve_integrity_init(&c->integrity);
        /* Tried, and said later: damaged checksums mean nothing the container stores can be trusted, which
         * the first read says (carve_replay_verify.c); the reason here is dropped. */
        CARVE_TRY_IGNORED(status = carve_container_read_integrity(path, &c->integrity, &found));
        c->checked = status < 0 ? -1 : found;
    }
    if (c->manifest.ndatasets && (NULL == (c->held = calloc(c->manifest.ndatasets, sizeof *c->held)) ||
                                  NULL == (c->checks = calloc(c->manifest.ndatasets, sizeof *c->checks))))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory opening container %s", path);
    c->dev       = st.st_dev;
    c->ino       = st.st_ino;
    c->size      = st.st_size;
    c->mtime     = st.st_mtim;
    c->next      = containers_g;
    containers_g = c;
    carve_replay_cache_arm(); /* the entry is freed (and its counters written) at shutdown */
    ret_value = c;
    c         = NULL;

done:
    CARVE_CLEANUP_BEGIN
    cache_container_free(c);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The index of a dataset path in a container's manifest, or SIZE_MAX. */
static size_t
cache_find_by_path(const replay_container_t *c, const char *path)
{
    const carve_manifest_dataset_t *entry = carve_manifest_find_dataset(&c->manifest, path);

    return entry ? (size_t)(entry - c->manifest.datasets) : SIZE_MAX;
}

/* The index of the manifest dataset that is the object with this token, or SIZE_MAX. The tokens of
 * the manifest's datasets are looked up (by path, relative to any object of the container) the first
 * time a dataset is not found by its name; only datasets that hold data are in the manifest. */
static size_t
cache_find_by_token(replay_container_t *c, carve_obj_t *o, const H5O_token_t *token)
{
    if (!c->tokens) {
        if (NULL == (c->tokens = calloc(c->manifest.ndatasets, sizeof *c->tokens)) ||
            NULL == (c->token_known = calloc(c->manifest.ndatasets, 1))) {
            free(c->tokens);
            c->tokens = NULL;
            return SIZE_MAX; /* out of memory: treated as not held (read from the origin), never wrong */
        }
        for (size_t i = 0; i < c->manifest.ndatasets; i++) {
            H5VL_loc_params_t      loc;
            H5VL_object_get_args_t args;
            H5O_info2_t            info;

            memset(&loc, 0, sizeof loc);
            loc.type                         = H5VL_OBJECT_BY_NAME;
            loc.obj_type                     = H5I_DATASET;
            loc.loc_data.loc_by_name.name    = c->manifest.datasets[i].path;
            loc.loc_data.loc_by_name.lapl_id = H5P_LINK_ACCESS_DEFAULT;
            args.op_type                     = H5VL_OBJECT_GET_INFO;
            args.args.get_info.oinfo         = &info;
            args.args.get_info.fields        = H5O_INFO_BASIC;
            /* Tried and ignored: a dataset that cannot be looked up is not found by its token. */
            CARVE_TRY_IGNORED(c->token_known[i] = H5VLobject_get(o->under_object, &loc, o->under_vol_id,
                                                                 &args, H5P_DATASET_XFER_DEFAULT, NULL) >= 0);
            if (c->token_known[i])
                c->tokens[i] = info.token;
        }
    }
    for (size_t i = 0; i < c->manifest.ndatasets; i++)
        if (c->token_known[i] && memcmp(&c->tokens[i], token, sizeof *token) == 0)
            return i;
    return SIZE_MAX;
}

/* Shutdown hook: 1 while a replayed file is still open inside HDF5 (its origin must be closed, its IDs
 * released, before a read-through commit reopens it). */
static int
cache_pending(void)
{
    for (replay_container_t *c = containers_g; c; c = c->next)
        if (c->users > 0)
            return 1;
    return 0;
}

static int
cache_by_path(const void *a, const void *b)
{
    return strcmp((*(replay_container_t *const *)a)->path, (*(replay_container_t *const *)b)->path);
}

/* The counters of containers an MPI job replayed, summed over its ranks into rank 0's, which writes them
 * once; the other ranks' are then cleared (nothing to write). Collective: in the order of the containers'
 * paths, the same on every rank. When MPI fails, every rank writes its own counters. */
static void
cache_sum_jobs(void)
{
    replay_container_t **jobs = NULL;
    size_t               n = 0, i = 0;

    _Static_assert(sizeof(carve_replay_counters_t) % sizeof(uint64_t) == 0, "counters are uint64_t only");
    for (replay_container_t *c = containers_g; c; c = c->next)
        n += c->job != NULL;
    if (n == 0 || NULL == (jobs = malloc(n * sizeof *jobs)))
        return; /* out of memory: no agreed order, so no collective; each rank writes its own */
    for (replay_container_t *c = containers_g; c; c = c->next)
        if (c->job)
            jobs[i++] = c;
    qsort(jobs, n, sizeof *jobs, cache_by_path);
    for (i = 0; i < n; i++) {
        replay_container_t *c      = jobs[i];
        herr_t              summed = -1;

        /* Tried and ignored: unsummed, each rank's counters are written by that rank. */
        CARVE_TRY_IGNORED(
            summed = carve_mpi_sum(c->job, (uint64_t *)&c->counters, sizeof c->counters / sizeof(uint64_t)));
        if (summed >= 0 && carve_mpi_rank(c->job) != 0) {
            memset(&c->counters, 0, sizeof c->counters);
            c->stale = 1; /* nothing of this rank's to write */
        }
        carve_mpi_leave(c->job);
        c->job = NULL;
    }
    free(jobs);
}

/* Shutdown hook (CARVE_SHUTDOWN_REPLAY, before carve's commits): every container's counters into its
 * manifest (and onto stderr with CARVE_LOG); containers no file uses any more are freed. */
static void
cache_shutdown(void)
{
    replay_container_t **link = &containers_g;

    carve_lookup_reset(); /* directories may change before HDF5 is used again */
    cache_sum_jobs();

    while (*link) {
        replay_container_t *c = *link;

        if (c->counters.reads || !c->stale) {
            /* The counters are informational: a container on read-only media cannot take them, and
             * the program's results do not depend on them. Said only when the log is on. */
            if (carve_container_add_replay(c->path, &c->counters) < 0) {
                if (c->log >= CARVE_LOG_SUMMARY) {
                    fprintf(stderr, "carve: cannot record replay counters for %s:\n", c->path);
                    H5Eprint2(H5E_DEFAULT, stderr);
                }
                H5Eclear2(H5E_DEFAULT); /* said above under the log, or deliberately dropped: not an error */
            }
            if (c->log >= CARVE_LOG_SUMMARY)
                fprintf(stderr,
                        "carve: replay of %s from %s: %" PRIu64 " reads: %" PRIu64 " hits, %" PRIu64
                        " misses, %" PRIu64 " partial; %" PRIu64 " bytes from the container, %" PRIu64
                        " from the origin; %" PRIu64 " origin requests\n",
                        c->manifest.origin ? c->manifest.origin : "?", c->path, c->counters.reads,
                        c->counters.hits, c->counters.misses, c->counters.partial,
                        c->counters.bytes_container, c->counters.bytes_origin, c->counters.origin_requests);
            if (c->log >= CARVE_LOG_SUMMARY && c->counters.damaged)
                fprintf(stderr,
                        "carve: %" PRIu64 " of those reads found the container's copy damaged and were "
                        "served by the origin\n",
                        c->counters.damaged);
            memset(&c->counters, 0, sizeof c->counters);
        }
        if (c->users == 0) {
            *link = c->next;
            cache_container_free(c);
        }
        else
            link = &c->next; /* still open inside HDF5: freed with the process */
    }
}

void
carve_replay_cache_arm(void)
{
    static const carve_shutdown_hook_t hook = {cache_pending, cache_shutdown};

    carve_lifecycle_hook(CARVE_SHUTDOWN_REPLAY, &hook);
}

size_t
carve_replay_cache_find_dataset(replay_container_t *c, carve_obj_t *o, const char *path,
                                const H5O_token_t *token)
{
    size_t entry = cache_find_by_path(c, path);

    if (entry == SIZE_MAX && c->manifest.ndatasets > 0)
        entry = cache_find_by_token(c, o, token);
    return entry;
}
