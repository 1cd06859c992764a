/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_carving.c — carve mode (its hook table, carve_mode_carve): deciding which opened files are
 * origins, telling the access log (core/carve_access) what the program reads and touches, and committing
 * each origin's log into its container (core/carve_container) at shutdown (its step of carve_lifecycle.h:
 * once per origin and process, however often the program opened it, after its last handle is gone).
 *
 * Everything here is glue: the VOL callbacks reach these hooks through the file's mode table; the
 * decisions about selections, containers and manifests live in core/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carve_access_codec.h"
#include "carve_carving.h"
#include "carve_container.h"
#include "carve_lifecycle.h"
#include "carve_mode.h"
#include "carve_mpi.h"
#include "carve_origin.h"
#include "carve_origin_vfd.h"

/* A file location opened in carve mode (carve_file_ctx_t.carving), shared by every open of it: what the
 * program reads of it, committed at shutdown if the file was only ever read. */
struct carve_carving_t {
    char          *location;    /* canonical location */
    char          *open_name;   /* the name a read-only open used */
    char          *dir;         /* the dir setting of that open, or NULL */
    hid_t          origin_fapl; /* its access list, selecting the connector below; <0: never
                                          * read-only */
    int            touched_only;
    int            written;  /* opened for writing or created at some point: not carved */
    unsigned       users;    /* file contexts holding this entry */
    carve_mpi_t   *job;      /* the MPI job that opened it with the MPI-IO driver, or NULL */
    int            job_done; /* rank != 0 of a job: rank 0 took this rank's log and commits it */
    carve_access_t access;
    /* A URL origin read with ROS3: what the program's run read of it (carve_origin_vfd's tee), and the
     * origin's stamp when it was first opened, for the commit to take instead of asking again. seen_state:
     * 0 not tried, 1 kept, -1 not kept (not ROS3, or the stamp could not be measured). */
    carve_bytestore_t      *seen;
    carve_stamp_t           seen_stamp;
    int                     seen_state;
    struct carve_carving_t *prev, *next; /* every entry of the process */
};

/* Per-object flags (carve_obj_t.carving_flags). */
#define CARVING_DATASET_RESOLVED  0x1u /* dataset_log is set, or the dataset is not carved */
#define CARVING_ATTR_RECORDED     0x2u /* the attribute's read is in the log */
#define CARVING_ATTR_OBJECT_KNOWN 0x4u /* attr_object is the token of the object it is attached to */

/*
 * Process-wide state, each for a stated reason:
 *  - carvings_g: one entry per file location opened in carve mode, shared by every open of it, so that
 *    a file is carved once, after the program's last handle on it is gone (HDF5 shares an open file's
 *    state between opens: carve may reopen the origin only once nothing else holds it open);
 *  - skipped_g: files this process wrote, listed in every manifest the process commits.
 * Both are touched only from VOL callbacks, which HDF5 serialises, and from the shutdown hook.
 */
static carve_carving_t       *carvings_g = NULL;
static carve_manifest_skip_t *skipped_g  = NULL;
static size_t                 nskipped_g = 0;

static void
carving_report(const char *what, const char *name)
{
    fprintf(stderr, "carve: %s %s:\n", what, name);
    H5Eprint2(H5E_DEFAULT, stderr);
}

static void
carving_note_skipped_location(const char *location, const char *reason)
{
    carve_manifest_skip_t *grown;
    char                  *copy;

    for (size_t i = 0; i < nskipped_g; i++)
        if (strcmp(skipped_g[i].path, location) == 0)
            return;
    if (NULL == (copy = strdup(location)))
        return;
    if (NULL == (grown = realloc(skipped_g, (nskipped_g + 1) * sizeof *grown))) {
        free(copy);
        return; /* the list is informational: a file left off it loses nothing */
    }
    skipped_g                    = grown;
    skipped_g[nskipped_g].path   = copy;
    skipped_g[nskipped_g].reason = (char *)reason; /* static strings only */
    nskipped_g++;
}

/* Lists a file the program wrote (not carved) in the manifests this process writes. */
static void
carving_note_skipped(const char *name, const char *reason)
{
    char  *location = NULL;
    herr_t located  = -1;

    CARVE_TRY_IGNORED(located = carve_origin_location(name, &location)); /* then listed by its own name */
    if (located < 0)
        location = strdup(name);
    if (location)
        carving_note_skipped_location(location, reason);
    free(location);
}

static void
carving_free(carve_carving_t *c)
{
    if (!c)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else if (carvings_g == c)
        carvings_g = c->next;
    if (c->next)
        c->next->prev = c->prev;
    carve_access_clear(&c->access);
    carve_mpi_leave(c->job); /* NULL once carving_gather_job ran, which releases it collectively */
    if (c->origin_fapl >= 0)
        H5Pclose(c->origin_fapl);
    carve_bytestore_unref(c->seen);
    carve_stamp_clear(&c->seen_stamp);
    free(c->open_name);
    free(c->location);
    free(c->dir);
    free(c);
}

/* The program's own path, for the manifest's run list. */
static char *
carving_program_path(void)
{
    char    buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return strdup(buf);
}

static herr_t
carving_commit(carve_carving_t *c)
{
    carve_commit_t commit;
    char          *program = carving_program_path();
    herr_t         ret_value;

    memset(&commit, 0, sizeof commit);
    commit.location     = c->location;
    commit.open_name    = c->open_name;
    commit.origin_fapl  = c->origin_fapl;
    commit.dir          = c->dir;
    commit.touched_only = c->touched_only;
    commit.access       = &c->access;
    commit.nskipped     = nskipped_g;
    commit.skipped      = skipped_g;
    commit.program      = program;
    if (c->seen_state == 1) {
        commit.seen       = c->seen;
        commit.seen_stamp = &c->seen_stamp;
    }
    ret_value = carve_container_commit(&commit);
    free(program);
    return ret_value;
}

/* Shutdown hook: 1 while an origin is still open inside HDF5 (its IDs are then released first). */
static int
carving_pending(void)
{
    for (carve_carving_t *c = carvings_g; c; c = c->next)
        if (c->users > 0)
            return 1;
    return 0;
}

/* 1 when this process would commit the entry itself. */
static int
carving_committable(const carve_carving_t *c)
{
    return c->users == 0 && !c->written && c->origin_fapl >= 0;
}

/*
 * An origin opened by an MPI job (collectively, with the MPI-IO driver): every rank's log goes to rank 0,
 * which merges them into its own and commits once for the job; a rank whose log rank 0 could not take
 * (too large, damaged, MPI failing, rank 0 not committing) commits its own, through the container lock,
 * like a process of an array job. Collective over the job: every rank calls it for the same entries in
 * the same order (carving_gather_jobs).
 */
static void
carving_gather_job(carve_carving_t *c)
{
    carve_dynbuf_t wire;
    void         **parts    = NULL;
    size_t        *lens     = NULL;
    int           *verdicts = NULL, mine = 1, size = carve_mpi_size(c->job);
    int            root = carve_mpi_rank(c->job) == 0, merged = 0;
    herr_t         gathered = -1, told = -1;

    carve_dynbuf_init(&wire, (size_t)1 << 31);
    /* Tried and ignored: a log that cannot be encoded is sent as nothing, and this rank commits it. */
    if (!root && carving_committable(c))
        CARVE_TRY_IGNORED(carve_access_encode(&c->access, &wire));
    /* Tried and ignored: a failed gather leaves every rank committing its own log. */
    CARVE_TRY_IGNORED(gathered = carve_mpi_gather(c->job, wire.bytes, wire.len, &parts, &lens));
    if (root && NULL != (verdicts = malloc((size_t)size * sizeof *verdicts))) {
        for (int r = 0; r < size; r++) {
            herr_t status = -1;

            verdicts[r] = 1;
            if (r == 0 || gathered < 0 || !carving_committable(c) || !parts || !parts[r])
                continue;
            CARVE_TRY_QUIETLY(status = carve_access_merge_encoded(&c->access, parts[r], lens[r]));
            if (status < 0) {
                carving_report("rank 0 cannot take the reads of another rank of", c->location);
                H5Eclear2(H5E_DEFAULT); /* said: that rank commits its own */
            }
            else {
                verdicts[r] = 0;
                merged++;
            }
        }
    }
    /* Tried and ignored: without its verdict, a rank commits its own log (a second, merging commit). */
    CARVE_TRY_IGNORED(told = carve_mpi_scatter_verdicts(c->job, verdicts, &mine));
    if (told < 0)
        mine = 1;
    if (!root && mine == 0)
        c->job_done = 1;
    if (root && merged + 1 < size && carving_committable(c))
        fprintf(stderr,
                "carve: %s: rank 0 commits the reads of %d of %d ranks; the others commit their own\n",
                c->location, merged + 1, size);
    carve_mpi_parts_free(c->job, parts, lens);
    free(verdicts);
    carve_dynbuf_free(&wire);
    carve_mpi_leave(c->job);
    c->job = NULL;
}

static int
carving_by_location(const void *a, const void *b)
{
    return strcmp((*(carve_carving_t *const *)a)->location, (*(carve_carving_t *const *)b)->location);
}

/* carving_gather_job for every entry opened by an MPI job, in the order of their locations (the same on
 * every rank, whatever order each rank's list has). */
static void
carving_gather_jobs(void)
{
    carve_carving_t **jobs = NULL;
    size_t            n = 0, i = 0;

    for (carve_carving_t *c = carvings_g; c; c = c->next)
        n += c->job != NULL;
    if (n == 0)
        return;
    if (NULL == (jobs = malloc(n * sizeof *jobs))) {
        /* Without the order, no collective: each rank commits its own (the lock merges them). */
        for (carve_carving_t *c = carvings_g; c; c = c->next)
            c->job = NULL; /* leaked on purpose: releasing it would be a collective in no agreed order */
        return;
    }
    for (carve_carving_t *c = carvings_g; c; c = c->next)
        if (c->job)
            jobs[i++] = c;
    qsort(jobs, n, sizeof *jobs, carving_by_location);
    for (i = 0; i < n; i++)
        carving_gather_job(jobs[i]);
    free(jobs);
}

/*
 * Shutdown hook (CARVE_SHUTDOWN_CARVE, after replay's counters): this is when carve commits, once per
 * origin and process, however often the program opened it (and once per MPI job: carving_gather_jobs).
 * The lifecycle has released the IDs the program left open, because carve may only reopen a file that
 * nothing else holds open.
 */
static void
carving_shutdown(void)
{
    carving_gather_jobs();
    while (carvings_g) {
        carve_carving_t *c = carvings_g;

        if (c->users > 0)
            fprintf(stderr, "carve: %s is still open inside HDF5 at shutdown: its container is not written\n",
                    c->location);
        else if (!c->written && !c->job_done && c->origin_fapl >= 0 && carving_commit(c) < 0)
            carving_report("cannot write the container of", c->location);
        carving_free(c);
    }
    for (size_t i = 0; i < nskipped_g; i++)
        free(skipped_g[i].path);
    free(skipped_g);
    skipped_g  = NULL;
    nskipped_g = 0;
}

/* Registers the shutdown hook that commits (and the lifecycle's handlers for this HDF5 session). */
static void
carving_arm_shutdown(void)
{
    static const carve_shutdown_hook_t hook = {carving_pending, carving_shutdown};

    carve_lifecycle_hook(CARVE_SHUTDOWN_CARVE, &hook);
}

/* The entry of a location, or NULL. */
static carve_carving_t *
carving_find(const char *location)
{
    for (carve_carving_t *c = carvings_g; c; c = c->next)
        if (strcmp(c->location, location) == 0)
            return c;
    return NULL;
}

/* A new entry for a location (taken over by the entry), first in the process's list. */
static carve_carving_t *
carving_add(char *location)
{
    carve_carving_t *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->origin_fapl = H5I_INVALID_HID;
    carve_access_init(&c->access);
    c->location = location;
    c->next     = carvings_g;
    if (carvings_g)
        carvings_g->prev = c;
    carvings_g = c;
    return c;
}

/* Makes an entry an origin to commit: the name to reopen it by, its access list, the container settings. */
static herr_t
carving_set_origin(carve_carving_t *c, const carve_file_ctx_t *ctx, const char *name, hid_t fapl)
{
    herr_t ret_value = 0;

    if (NULL == (c->open_name = strdup(name)) ||
        (ctx->config.dir && NULL == (c->dir = strdup(ctx->config.dir))))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory carving %s", name);
    if ((c->origin_fapl = H5Pcopy(fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot keep the access list of %s", name);
    /* An MPI job's open (collective, as this call is then): the job is kept to gather its ranks' logs at
     * shutdown, and the commit reopens the origin on rank 0 alone, so with sec2, not MPI-IO. */
    if (carve_mpi_is_mpio(fapl)) {
        if (NULL == (c->job = carve_mpi_join(fapl)) && carve_mpi_usable())
            CARVE_GOTO_DONE(-1);
        if (carve_mpi_make_independent(c->origin_fapl) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot set up the sec2 driver for %s",
                             name);
    }
    c->touched_only = ctx->config.skeleton && strcmp(ctx->config.skeleton, "touched") == 0;

done:
    return ret_value;
}

/* Hook file_opened: registers a file opened or created in carve mode. Read-only opens make it an origin
 * (containers and unnameable files excepted); writing makes it skipped. */
static herr_t
carving_file_opened(carve_file_ctx_t *ctx, const carve_file_open_t *how, void *under_file)
{
    const char      *name     = how->name;
    unsigned         flags    = how->flags;
    int              created  = how->created;
    carve_carving_t *c        = NULL;
    char            *location = NULL;
    int              probe;
    herr_t           ret_value = 0;

    if (carve_origin_location(name, &location) < 0) {
        /* Not a file carve can name (a driver's pattern, a memory image): the program goes on, uncarved. */
        carving_report("not carving", name);
        H5Eclear2(H5E_DEFAULT); /* said, not ignored: carving_report printed the stack as the reason */
        carving_note_skipped(name, "no carvable location");
        CARVE_GOTO_DONE(0);
    }
    c = carving_find(location);
    /* A file seen before was probed then; a new local one read-only may be a container itself (or
     * unreadable: tried and ignored, the program's own reads say why). */
    if (!c && !created && !(flags & H5F_ACC_RDWR) && !carve_origin_is_url(location)) {
        probe = -1;
        CARVE_TRY_IGNORED(probe = carve_container_probe(location));
        if (probe != 0) {
            carving_note_skipped_location(location, probe > 0 ? "a carve container" : "unreadable");
            CARVE_GOTO_DONE(0);
        }
    }
    if (!c) {
        if (NULL == (c = carving_add(location)))
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory carving %s", name);
        location = NULL;
    }
    c->users++;
    ctx->carving = c;
    {
        H5O_info2_t info;

        /* The file number identifies the file (HDF5 shares it between opens of one file); asking the
         * connector below for the file object instead would mark it as having an ID and keep files
         * reached through external links open. */
        if (carve_under_info(under_file, ctx->under_vol_id, H5I_FILE, &info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot identify %s", name);
        ctx->fileno = info.fileno;
    }
    if (created || (flags & H5F_ACC_RDWR)) {
        c->written = 1;
        carving_note_skipped_location(c->location, created ? "created" : "opened for writing");
    }
    else if (c->origin_fapl < 0 && carving_set_origin(c, ctx, name, how->under_fapl) < 0)
        CARVE_GOTO_DONE(-1);
    carving_arm_shutdown();
    if (carve_origin_is_url(c->location))
        carve_lifecycle_use_network();

done:
    free(location);
    return ret_value;
}

/* Hook file_finish: releases the file's entry; an origin is committed at shutdown (carving_shutdown). */
static herr_t
carving_file_finish(carve_file_ctx_t *ctx)
{
    carve_carving_t *c = ctx->carving;

    if (!c)
        return 0;
    ctx->carving = NULL;
    c->users--;
    return 0;
}

/* carving_linked_entry's work, for a parent that is an origin: NULL when the file is not carved, with the
 * error stack saying why when something failed. */
static carve_carving_t *
carving_linked_entry_find(carve_obj_t *o, H5I_type_t type, carve_carving_t *parent)
{
    carve_carving_t     *c;
    H5VL_file_get_args_t args;
    size_t               len  = 0;
    char                *name = NULL, *location = NULL;

    memset(&args, 0, sizeof args);
    args.op_type                     = H5VL_FILE_GET_NAME;
    args.args.get_name.type          = type;
    args.args.get_name.file_name_len = &len;
    if (H5VLfile_get(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0 ||
        NULL == (name = malloc(len + 1)))
        goto ignored;
    args.args.get_name.buf_size = len + 1;
    args.args.get_name.buf      = name;
    if (H5VLfile_get(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0 ||
        carve_origin_location(name, &location) < 0)
        goto ignored;
    if ((c = carving_find(location)) != NULL) {
        free(name);
        free(location);
        return c->written || c->origin_fapl < 0 ? NULL : c;
    }
    if (!carve_origin_is_url(location) && carve_container_probe(location) != 0)
        goto ignored; /* a container (or unreadable): never an origin */
    if (NULL == (c = carving_add(location)))
        goto ignored;
    location = NULL;
    /* The parent's settings (its context's dir and skeleton) and its access list. */
    if (carving_set_origin(c, o->ctx, name, parent->origin_fapl) < 0) {
        carving_free(c);
        goto ignored;
    }
    free(name);
    return c;

ignored:
    free(name);
    free(location);
    return NULL;
}

/* The carving entry of a file reached through an external link from an origin, found or made from the
 * name HDF5 opened it by, with the parent's settings: a file reached only through a link is carved like
 * an origin, so that replay can serve it when the origins are gone. NULL (no error) when it is not carved:
 * the parent is written, the file is a container, or it cannot be named. */
static carve_carving_t *
carving_linked_entry(carve_obj_t *o, H5I_type_t type)
{
    carve_carving_t *parent = o->ctx->carving, *c = NULL;

    if (!parent || parent->written || parent->origin_fapl < 0)
        return NULL;
    /* Tried and ignored: the program goes on, the linked file only not carved (replay reads it as it is). */
    CARVE_TRY_IGNORED(c = carving_linked_entry_find(o, type, parent));
    return c;
}

/* The carving entry of the file an object lives in (the origin itself, or a file reached through an
 * external link) and the object's token there. Returns 1 with *entry set, 0 when the object is not carved,
 * -1 when it cannot be identified. */
static int
carving_entry_of(carve_obj_t *o, H5I_type_t type, carve_carving_t **entry, H5O_token_t *token)
{
    H5O_info2_t info;

    *entry = NULL;
    if (!o->ctx->carving)
        return 0;
    if (carve_under_info(o->under_object, o->under_vol_id, type, &info) < 0)
        return -1;
    *token = info.token;
    *entry = info.fileno == o->ctx->fileno ? o->ctx->carving : carving_linked_entry(o, type);
    return *entry != NULL;
}

/* Counts an object as touched in the entry of the file it lives in; -1 when it cannot be identified or
 * recorded. */
static herr_t
carving_touch_object(carve_obj_t *o, H5I_type_t type)
{
    H5O_token_t      token;
    carve_carving_t *c;
    int              found = carving_entry_of(o, type, &c, &token);

    return found <= 0 ? found : carve_access_touch(&c->access, &token);
}

/* Hook object_opened: an object opened counts as touched. */
static herr_t
carving_object_opened(carve_obj_t *o, H5I_type_t type, hid_t apl_id)
{
    (void)apl_id;
    if (!o->ctx->carving)
        return 0;
    /* Tried and ignored: the object list is informational (and drives skeleton=touched). */
    CARVE_TRY_IGNORED(carving_touch_object(o, type));
    return 0;
}

/* Hook object_queried: an object queried (H5Oget_info*) counts as touched, when it lives in this file:
 * one reached through an external link has a token of another file, which names an unrelated object here. */
static void
carving_object_queried(carve_obj_t *loc, const H5O_info2_t *info)
{
    carve_carving_t *c = loc->ctx->carving;

    if (c && info->fileno == loc->ctx->fileno)
        CARVE_TRY_IGNORED(carve_access_touch(&c->access, &info->token)); /* informational, as above */
}

/* The log entry of a dataset of an origin (created on first use from its shape and element size), the
 * dataset counted as touched. *log is NULL for a dataset with a null dataspace (nothing to read or carve). */
static herr_t
carving_log_dataset(carve_carving_t *c, void *under_dset, hid_t under_vol_id, const H5O_token_t *token,
                    carve_access_dataset_t **log)
{
    H5VL_dataset_get_args_t args;
    hid_t                   space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    hsize_t                 dims[H5S_MAX_RANK];
    int                     rank;
    herr_t                  ret_value = 0;

    *log                         = NULL;
    args.op_type                 = H5VL_DATASET_GET_SPACE;
    args.args.get_space.space_id = H5I_INVALID_HID;
    if (H5VLdataset_get(under_dset, under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "cannot read the dataspace of a dataset being read");
    space                      = args.args.get_space.space_id;
    args.op_type               = H5VL_DATASET_GET_TYPE;
    args.args.get_type.type_id = H5I_INVALID_HID;
    if (H5VLdataset_get(under_dset, under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "cannot read the datatype of a dataset being read");
    type = args.args.get_type.type_id;
    if ((rank = H5Sget_simple_extent_ndims(space)) < 0 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "cannot read the shape of a dataset being read");
    if (H5Sget_simple_extent_type(space) == H5S_NULL)
        CARVE_GOTO_DONE(0); /* no element to read, none to carve */
    if (NULL == (*log = carve_access_dataset(&c->access, token, rank, dims, H5Tget_size(type))))
        CARVE_GOTO_DONE(-1);
    carve_access_touch(&c->access, token);

done:
    CARVE_CLEANUP_BEGIN
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Finds or creates the log entry of a dataset object (in the origin, or in a file reached through an
 * external link). */
static herr_t
carving_resolve_dataset(carve_obj_t *o)
{
    H5O_token_t      token;
    carve_carving_t *c;

    o->carving_flags |= CARVING_DATASET_RESOLVED;
    switch (carving_entry_of(o, H5I_DATASET, &c, &token)) {
        case -1:
            CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot identify a dataset being read");
            return -1;
        case 0:
            return 0; /* not carved: a file reached through a link that carve cannot carve */
        default:
            break;
    }
    return carving_log_dataset(c, o->under_object, o->under_vol_id, &token, &o->dataset_log);
}

/* Records a dataset read's file selection (after the read succeeded). */
static herr_t
carving_record_read(carve_obj_t *o, hid_t file_space_id)
{
    herr_t ret_value = 0;

    if (!o->ctx->carving)
        return 0;
    if (!(o->carving_flags & CARVING_DATASET_RESOLVED) && carving_resolve_dataset(o) < 0)
        CARVE_GOTO_DONE(-1);
    if (!o->dataset_log)
        CARVE_GOTO_DONE(0);
    /* H5S_PLIST (a selection carried in the transfer list) and H5S_BLOCK are recorded as the whole
     * dataset: more than was read, never less. */
    if (file_space_id == H5S_PLIST || file_space_id == H5S_BLOCK)
        file_space_id = H5S_ALL;
    if (carve_access_record_read(o->dataset_log, file_space_id) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1,
                         "carve could not record a read (the container would miss it)");

done:
    return ret_value;
}

/* Basic information of the object a location names (itself, or a path relative to it; an index is
 * taken as naming the object its name gives, as for H5Aopen_by_idx and H5Literate_by_name). */
static herr_t
carving_info_at(carve_obj_t *o, const H5VL_loc_params_t *loc_params, H5O_info2_t *info)
{
    H5VL_loc_params_t      where = *loc_params;
    H5VL_object_get_args_t args;

    if (where.type == H5VL_OBJECT_BY_IDX) {
        const char *name = loc_params->loc_data.loc_by_idx.name;
        hid_t       lapl = loc_params->loc_data.loc_by_idx.lapl_id;

        where.type                         = H5VL_OBJECT_BY_NAME;
        where.loc_data.loc_by_name.name    = name;
        where.loc_data.loc_by_name.lapl_id = lapl;
    }
    args.op_type              = H5VL_OBJECT_GET_INFO;
    args.args.get_info.oinfo  = info;
    args.args.get_info.fields = H5O_INFO_BASIC;
    return H5VLobject_get(o->under_object, &where, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL);
}

/* Hook location_touched: the object a location names was iterated or visited. */
static void
carving_location_touched(carve_obj_t *o, const H5VL_loc_params_t *loc_params)
{
    H5O_info2_t info;
    herr_t      found = -1;

    if (!o->ctx->carving)
        return;
    /* Tried and ignored, both: the object list is informational (and drives skeleton=touched). */
    CARVE_TRY_IGNORED(found = carving_info_at(o, loc_params, &info));
    if (found >= 0 && info.fileno == o->ctx->fileno)
        CARVE_TRY_IGNORED(carve_access_touch(&o->ctx->carving->access, &info.token));
}

/* Hook attr_opened: notes which object an attribute just opened belongs to. */
static void
carving_attr_opened(carve_obj_t *parent, const H5VL_loc_params_t *loc_params, carve_obj_t *attr)
{
    H5O_info2_t info;
    herr_t      found = -1;

    if (!attr || !parent->ctx->carving)
        return;
    /* The object the attribute is attached to: the location itself, or the object named relative to it
     * (H5Aopen_by_name, H5Aopen_by_idx). Tried and ignored: unknown, the attribute's read is not recorded. */
    CARVE_TRY_IGNORED(found = carving_info_at(parent, loc_params, &info));
    if (found < 0)
        return;
    if (info.fileno != parent->ctx->fileno)
        return; /* an attribute of an object in another file */
    attr->attr_object = info.token;
    attr->carving_flags |= CARVING_ATTR_OBJECT_KNOWN;
}

/* Hook attr_read: records an attribute read (after it succeeded). */
static void
carving_attr_read(carve_obj_t *attr)
{
    H5VL_attr_get_args_t args;
    char                 name[1024];
    size_t               len = 0;
    herr_t               got = -1;

    if (!attr->ctx->carving || (attr->carving_flags & CARVING_ATTR_RECORDED) ||
        !(attr->carving_flags & CARVING_ATTR_OBJECT_KNOWN))
        return;
    attr->carving_flags |= CARVING_ATTR_RECORDED;
    memset(&args, 0, sizeof args);
    args.op_type                           = H5VL_ATTR_GET_NAME;
    args.args.get_name.loc_params.type     = H5VL_OBJECT_BY_SELF;
    args.args.get_name.loc_params.obj_type = H5I_ATTR;
    args.args.get_name.buf_size            = sizeof name;
    args.args.get_name.buf                 = name;
    args.args.get_name.attr_name_len       = &len;
    /* Tried and ignored, both: informational, the attribute's value is in the skeleton anyway. */
    CARVE_TRY_IGNORED(
        got = H5VLattr_get(attr->under_object, attr->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL));
    if (got >= 0 && len < sizeof name)
        CARVE_TRY_IGNORED(carve_access_record_attr(&attr->ctx->carving->access, &attr->attr_object, name));
}

herr_t
carve_carving_record_origin_read(carve_file_ctx_t *ctx, const char *origin_name, hid_t origin_fapl,
                                 void *origin_dset, hid_t file_space_id)
{
    carve_carving_t        *c        = NULL;
    char                   *location = NULL;
    H5O_info2_t             info;
    carve_access_dataset_t *log;
    herr_t                  ret_value = 0;

    if (carve_origin_location(origin_name, &location) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "read-through: cannot name the origin %s",
                         origin_name);
    if (NULL == (c = carving_find(location))) {
        if (NULL == (c = carving_add(location)))
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory for read-through of %s",
                             origin_name);
        location = NULL;
        if (carving_set_origin(c, ctx, origin_name, origin_fapl) < 0)
            CARVE_GOTO_DONE(-1);
        carving_arm_shutdown();
    }
    if (carve_under_info(origin_dset, ctx->under_vol_id, H5I_DATASET, &info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                         "read-through: cannot identify a dataset of %s", origin_name);
    if (carving_log_dataset(c, origin_dset, ctx->under_vol_id, &info.token, &log) < 0)
        CARVE_GOTO_DONE(-1);
    if (log && carve_access_record_read(log, file_space_id) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "read-through: cannot record a read of %s",
                         origin_name);

done:
    free(location);
    return ret_value;
}

/* Hook dataset_read: the read below, then each dataset's selection recorded. */
static herr_t
carving_dataset_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                     hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    herr_t ret_value;

    ret_value =
        carve_mode_read_below(count, dset, mem_type_id, mem_space_id, file_space_id, plist_id, buf, req);
    for (size_t i = 0; ret_value >= 0 && i < count; i++)
        if (carving_record_read(dset[i], file_space_id[i]) < 0)
            ret_value = -1;
    return ret_value;
}

/* Starts keeping what the program's run reads of a URL origin: its stamp now (one HEAD, before ROS3's own
 * open: bytes kept are only used by a commit that finds the origin with the same stamp), and a store. */
static void
carving_seen_start(carve_carving_t *c, hid_t fapl)
{
    herr_t status = -1;

    c->seen_state = -1;
    carve_lifecycle_use_network();
    CARVE_TRY_IGNORED(status = carve_origin_stamp(c->location, fapl, &c->seen_stamp));
    if (status < 0) /* the program's own open says what is wrong with the origin */
        return;
    if (NULL == (c->seen = carve_bytestore_new(CARVE_ORIGIN_SEEN_LIMIT)))
        return;
    c->seen_state = 1;
}

/* Hook file_open: a URL opened read-only with ROS3 is opened through carve's tee over the same ROS3
 * settings (carve_origin_vfd.h): ROS3 makes the same requests, and the commit takes what they returned
 * instead of asking the server again. Anything else, or a tee that cannot be set up, opens below as usual
 * (tried and ignored: the open below reports its own failure). */
static void *
carving_file_open(carve_file_ctx_t *ctx, const carve_file_open_t *how, int *pass_through)
{
    carve_carving_t *c        = NULL;
    char            *location = NULL;
    hid_t            tee_fapl = H5I_INVALID_HID;
    herr_t           status   = -1;
    void            *under    = NULL;

    (void)ctx;
    *pass_through = 1;
    if (how->created || (how->flags & H5F_ACC_RDWR) || !carve_origin_is_url(how->name) ||
        carve_origin_vfd_is_ros3(how->under_fapl) != 1)
        return NULL;
    CARVE_TRY_IGNORED(status = carve_origin_location(how->name, &location));
    if (status < 0)
        return NULL;
    if (NULL == (c = carving_find(location))) {
        if (NULL == (c = carving_add(location))) {
            free(location);
            return NULL;
        }
        location = NULL;
    }
    free(location);
    if (c->seen_state == 0)
        carving_seen_start(c, how->under_fapl);
    if (c->seen_state != 1)
        return NULL;
    status = -1;
    CARVE_TRY_IGNORED(if ((tee_fapl = H5Pcopy(how->under_fapl)) >= 0) status =
                          carve_origin_vfd_set_tee(tee_fapl, how->name, c->seen));
    if (status >= 0)
        CARVE_TRY_IGNORED(under = H5VLfile_open(how->name, how->flags, tee_fapl, how->dxpl_id, how->req));
    if (tee_fapl >= 0)
        H5Pclose(tee_fapl);
    return under;
}

/* Hook file_get: the program's access list of a file opened through the tee names ROS3, as natively. */
static int
carving_file_get(carve_obj_t *file, H5VL_file_get_args_t *args)
{
    if (args->op_type != H5VL_FILE_GET_FAPL)
        return 0;
    if (H5VLfile_get(file->under_object, file->under_vol_id, args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        return -1;
    if (carve_origin_vfd_restore(args->args.get_fapl.fapl_id) < 0) {
        H5Pclose(args->args.get_fapl.fapl_id);
        return -1;
    }
    return 1;
}

const carve_mode_hooks_t carve_mode_carve = {
    .name             = "carve",
    .file_accessible  = carve_mode_no_file_accessible,
    .file_open        = carving_file_open,
    .file_opened      = carving_file_opened,
    .file_finish      = carving_file_finish,
    .file_get         = carving_file_get,
    .file_optional    = carve_mode_no_file_optional,
    .carved_origin    = carve_mode_no_carved_origin,
    .object_opened    = carving_object_opened,
    .object_released  = carve_mode_no_object_released,
    .object_queried   = carving_object_queried,
    .location_touched = carving_location_touched,
    .attr_opened      = carving_attr_opened,
    .attr_read        = carving_attr_read,
    .dataset_read     = carving_dataset_read,
    .dataset_get      = carve_mode_no_dataset_get,
    .dataset_optional = carve_mode_no_dataset_optional,
};
