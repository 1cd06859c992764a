/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_replaying.c — replay mode (its hook table, carve_mode_replay): opening a file's carved container
 * in its place, opening the origin lazily (native or ROS3, as the program opened it) when a read needs
 * it, and the read path: serving each dataset read from the container where it holds the selection and
 * from the origin where it does not, counting what came from where.
 *
 * The decisions live in core/: which container belongs to a file (carve_lookup), what it holds
 * (carve_manifest), how one read splits into held and missing parts (carve_split), whether what it
 * stores is intact (carve_integrity). The other replay files keep the container cache
 * (carve_replay_cache.c), check stored units (carve_replay_verify.c) and answer the program the origin's
 * way (carve_replay_view.c). A dataset reached through an external link is served by the replay state of
 * the file it lives in (carve_elink.c leads the link there; carve_obj_rehome moves the dataset).
 *
 * Every object of a replayed file is an object of the container (metadata comes from there, exactly
 * the origin's skeleton); the origin file and its datasets are extra objects below carve, opened only
 * when a read needs them and closed with the file or dataset that opened them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carve_carving.h"
#include "carve_elink.h"
#include "carve_lifecycle.h"
#include "carve_lookup.h"
#include "carve_mode.h"
#include "carve_mpi.h"
#include "carve_origin.h"
#include "carve_origin_vfd.h"
#include "carve_replay.h"
#include "carve_skeleton.h"

#include <H5FDros3.h> /* after hdf5.h: it needs H5pubconf.h */
#include <H5VLnative.h>

/* Multi-dataset reads of up to this many datasets are planned without allocating. */
#define REPLAY_STACK_COUNT 16

/* ---------------------------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------------------------- */

typedef struct stack_text_t {
    char  buf[1024];
    int   carve_only; /* second pass: only carve's own messages */
    hid_t carve_class;
} stack_text_t;

static herr_t
replaying_collect_message(unsigned n, const H5E_error2_t *err, void *data)
{
    stack_text_t *t   = data;
    size_t        len = strlen(t->buf);

    (void)n;
    if (!err->desc || !err->desc[0] || (t->carve_only && err->cls_id != t->carve_class))
        return 0;
    if (!t->carve_only)
        len = 0; /* keep only the innermost message of another library */
    snprintf(t->buf + len, sizeof t->buf - len, "%s%s", len ? "; " : "", err->desc);
    return 0;
}

/* The current error stack as one line (carve's messages, or else the innermost one), taken off the stack:
 * a failure converted into a reason of carve's, which the caller then says (not a failure ignored). */
static char *
replaying_take_error_text(void)
{
    stack_text_t t;
    hid_t        stack = H5Eget_current_stack();

    memset(&t, 0, sizeof t);
    t.carve_only  = 1;
    t.carve_class = carve_err_class_g;
    if (stack >= 0) {
        H5Ewalk2(stack, H5E_WALK_UPWARD, replaying_collect_message, &t);
        if (!t.buf[0]) {
            t.carve_only = 0;
            H5Ewalk2(stack, H5E_WALK_UPWARD, replaying_collect_message, &t);
        }
        H5Eclose_stack(stack);
    }
    return strdup(t.buf[0] ? t.buf : "no reason given");
}

/* ---------------------------------------------------------------------------------------------------
 * Opening a file
 * ------------------------------------------------------------------------------------------------- */

/* Hook file_accessible: 1 when a file opened by this name would be served from a container. */
static int
replaying_file_accessible(const char *name, const carve_config_t *cfg)
{
    carve_lookup_t lookup;
    herr_t         found = -1;
    int            ret_value;

    carve_replay_cache_arm(); /* frees the lookup's directory listings */
    if (!name)
        return 0;
    /* Tried and ignored: the open itself reports an ambiguous name. */
    CARVE_TRY_IGNORED(found = carve_lookup_container(name, cfg->dir, &lookup));
    if (found < 0)
        return 0;
    ret_value = lookup.container != NULL;
    carve_lookup_clear(&lookup);
    return ret_value;
}

/* An access list for the origin, selecting the connector below: the program's (its driver, ROS3 credentials
 * and all) when it fits the origin's kind; otherwise the same list with the driver that does (ROS3 for a
 * URL, with credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_SESSION_TOKEN
 * when set; sec2 for a local file). */
static hid_t
replaying_origin_fapl(hid_t under_fapl, const char *origin_name)
{
    hid_t fapl = H5I_INVALID_HID;
    hid_t driver;
    int   url       = carve_origin_is_url(origin_name);
    hid_t ret_value = H5I_INVALID_HID;

    if ((fapl = H5Pcopy(under_fapl)) < 0 || (driver = H5Pget_driver(fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot copy an access list");
    /* The origin is opened at a rank's first miss, which the other ranks of an MPI job need not have: so
     * alone, with sec2, never as a collective MPI-IO open. */
    if (carve_mpi_make_independent(fapl) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot set up the sec2 driver to read the origin %s", origin_name);
    if (url && carve_origin_use_ros3(fapl, origin_name) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    else if (!url && driver == H5FD_ROS3 && H5Pset_fapl_sec2(fapl) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot set up the sec2 driver to read the origin %s", origin_name);
    ret_value = fapl;
    fapl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* An access list for the container: the program's settings with the sec2 driver, or the core driver
 * (the whole file read into memory at open) when in_memory allows it. under_fapl itself when it selects
 * sec2 already (*copied 0: a copy and its close cost as much as a tenth of a native open); else a copy
 * (*copied 1, the caller closes it). */
static hid_t
replaying_container_fapl(hid_t under_fapl, const replay_container_t *c, long long in_memory, int *copied)
{
    hid_t fapl      = H5I_INVALID_HID;
    int   in_core   = in_memory < 0 || (in_memory > 0 && (long long)c->size <= in_memory);
    hid_t ret_value = H5I_INVALID_HID;

    *copied = 0;
    if (!in_core && H5Pget_driver(under_fapl) == H5FD_SEC2)
        return under_fapl;
    if ((fapl = H5Pcopy(under_fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot copy an access list");
    if (carve_mpi_make_independent(fapl) < 0 ||
        (in_core ? H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) : H5Pset_fapl_sec2(fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot set up the driver to read container %s", c->path);
    ret_value = fapl;
    fapl      = H5I_INVALID_HID;
    *copied   = 1;

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The origin's access list (replaying_origin_fapl), made on first need from under_fapl (the open's until
 * the file is open, then the kept one): a local origin's stamp is a stat, so a replay that misses nothing
 * never needs it. */
static hid_t
replaying_origin_access(carve_replaying_t *r, hid_t under_fapl)
{
    if (r->origin_fapl < 0)
        r->origin_fapl = replaying_origin_fapl(under_fapl, r->origin_name);
    return r->origin_fapl;
}

static const char *replaying_origin_shown(carve_replaying_t *r);

/* Two stamps of one origin agree. A relocated origin (the origin setting) of another kind (a local carve
 * replayed against an S3 copy) can only be compared by size. */
static int
replaying_stamps_agree(const carve_stamp_t *carved, const carve_stamp_t *now, int overridden)
{
    if (overridden && carved->remote != now->remote)
        return carved->size < 0 || now->size < 0 || carved->size == now->size;
    return carve_stamp_equal(carved, now);
}

/* Checks the origin's stamp against the manifest's. Returns 0 when the origin may serve reads, 1 when
 * it may not (r->origin_problem says why), -1 when the file must not be replayed (on_change=error). */
static int
replaying_check_stamp(carve_replaying_t *r)
{
    carve_stamp_t stamp;
    char         *change;
    int           ret_value = 0;

    memset(&stamp, 0, sizeof stamp);
    r->container->counters.origin_requests += r->origin_url;
    if (carve_origin_stamp(r->origin_name, r->origin_fapl >= 0 ? r->origin_fapl : H5P_DEFAULT, &stamp) < 0) {
        char *why = replaying_take_error_text();

        free(r->origin_problem);
        r->origin_problem = NULL;
        if (why && asprintf(&r->origin_problem, "it is not available (%s)", why) < 0)
            r->origin_problem = NULL;
        free(why);
        r->origin_state = ORIGIN_UNAVAILABLE;
        CARVE_GOTO_DONE(1);
    }
    r->origin_size = stamp.size;
    if (replaying_stamps_agree(&r->container->manifest.stamp, &stamp, r->origin_overridden) ||
        r->on_change == CARVE_ON_CHANGE_TRUST)
        CARVE_GOTO_DONE(0);
    change = carve_stamp_describe_change(&r->container->manifest.stamp, &stamp);
    if (r->on_change == CARVE_ON_CHANGE_ERROR) {
        CARVE_ERROR(
            CARVE_E_ORIGIN, CARVE_E_CHANGED,
            "origin %s changed since container %s was carved (%s): replay refused; set on_change=hits to "
            "serve only what the container holds, on_change=trust to read the changed origin anyway, or "
            "carve again",
            replaying_origin_shown(r), r->container->path, change ? change : "stamp differs");
        free(change);
        CARVE_GOTO_DONE(-1);
    }
    free(r->origin_problem);
    if (asprintf(&r->origin_problem, "it changed since the container was carved (%s; on_change=hits)",
                 change ? change : "stamp differs") < 0)
        r->origin_problem = NULL;
    free(change);
    r->origin_state = ORIGIN_UNAVAILABLE;
    ret_value       = 1;

done:
    carve_stamp_clear(&stamp);
    return ret_value;
}

static void
replaying_free(carve_replaying_t *r)
{
    if (!r)
        return;
    free(r->open_name);
    free(r->origin_name);
    free(r->origin_shown);
    free(r->origin_problem);
    if (r->origin_fapl >= 0)
        H5Pclose(r->origin_fapl);
    if (r->under_fapl >= 0)
        H5Pclose(r->under_fapl);
    if (r->program_vol_info)
        carve_info_free(r->program_vol_info);
    if (r->program_vol_id >= 0)
        H5VLclose(r->program_vol_id);
    carve_bytestore_unref(r->origin_bytes);
    if (r->lib_state)
        H5VLfree_lib_state(r->lib_state);
    free(r);
}

/* A new replay state with the settings of the open; no container yet. */
static carve_replaying_t *
replaying_new(const carve_file_ctx_t *ctx, const char *name)
{
    carve_replaying_t *r = calloc(1, sizeof *r);

    if (!r) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory replaying %s", name);
        return NULL;
    }
    r->origin_fapl    = H5I_INVALID_HID;
    r->under_fapl     = H5I_INVALID_HID;
    r->program_vol_id = H5I_INVALID_HID;
    r->origin_size    = -1;
    r->on_change      = carve_config_on_change(&ctx->config);
    r->log            = carve_config_log(&ctx->config);
    r->read_through   = carve_config_read_through(&ctx->config);
    return r;
}

/* Takes the container the lookup found (parsed, or shared from the cache) and names the origin misses are
 * read from: the origin setting; else the file the program named, when it is there (a relocated origin
 * was matched by its stamp); else where the origin was carved from. */
static herr_t
replaying_take_container(carve_replaying_t *r, const carve_file_ctx_t *ctx, const char *name,
                         const carve_lookup_t *lookup)
{
    const char *carved_origin;
    herr_t      ret_value = 0;

    if (NULL == (r->container = carve_replay_cache_get(lookup->container)))
        CARVE_GOTO_DONE(-1);
    r->container->users++;
    if (r->log > r->container->log)
        r->container->log = r->log;
    carved_origin = r->container->manifest.origin ? r->container->manifest.origin : "";
    if (lookup->how == CARVE_LOOKUP_EXACT && strcmp(carved_origin, lookup->location) != 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s found for %s belongs to another origin (%s): move it away",
                         lookup->container, lookup->location, carved_origin);
    r->origin_overridden = ctx->config.origin != NULL;
    if (NULL == (r->open_name = strdup(name)) ||
        NULL == (r->origin_name =
                     strdup(ctx->config.origin ? ctx->config.origin
                            : lookup->how == CARVE_LOOKUP_DIRECT ||
                                    (lookup->how == CARVE_LOOKUP_RELOCATED && access(name, F_OK) != 0)
                                ? carved_origin
                                : name)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory replaying %s", name);
    r->origin_url = carve_origin_is_url(r->origin_name);

done:
    return ret_value;
}

/* The origin for messages (replaying_t.origin_shown), made when a message first needs it: the origin's
 * name, with where it was carved from when that differs. */
static const char *
replaying_origin_shown(carve_replaying_t *r)
{
    const char *carved_origin = r->container->manifest.origin ? r->container->manifest.origin : "";

    if (r->origin_shown)
        return r->origin_shown;
    if (strcmp(r->origin_name, carved_origin) == 0 || r->origin_overridden)
        return r->origin_name;
    if (asprintf(&r->origin_shown, "%s (%s)", r->origin_name, carved_origin) < 0) {
        r->origin_shown = NULL;
        return r->origin_name; /* out of memory: the message says less */
    }
    return r->origin_shown;
}

/* Prepares the origin's side: the origin's access list for a URL (its HEAD request is signed with it) or
 * an MPI job (a collective; a local origin's is otherwise made at the first miss), and the origin's stamp, checked at open (one stat, or one
 * HEAD request for a URL), so that a changed origin is refused before anything is served, hits included:
 * a run on the changed origin would read other values. on_change=trust asks for no check. */
static herr_t
replaying_prepare_origin(carve_replaying_t *r, hid_t fapl_id, hid_t under_fapl)
{
    herr_t ret_value = 0;

    if (r->read_through && r->origin_overridden)
        CARVE_GOTO_ERROR(
            CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
            "read_through=yes with origin=%s: read-through adds misses to the container of the origin "
            "it was carved from (%s), so it needs that origin, not a relocated one",
            r->origin_name, r->container->manifest.origin);
    /* An MPI-IO list's copy duplicates its communicator, a collective: made now, while every rank opens. */
    if ((r->origin_url || carve_mpi_is_mpio(fapl_id)) && replaying_origin_access(r, under_fapl) < 0)
        CARVE_GOTO_DONE(-1);
    /* The first open of the container by an MPI job (collective, as the program's open): its ranks' counters
     * are summed at shutdown. Tried and ignored: without the job each rank writes its own counters. */
    if (!r->container->job && r->container->users == 1 && carve_mpi_is_mpio(fapl_id))
        CARVE_TRY_IGNORED(r->container->job = carve_mpi_join(fapl_id));
    if (r->on_change != CARVE_ON_CHANGE_TRUST) {
        if (r->origin_url)
            carve_lifecycle_use_network();
        if (replaying_check_stamp(r) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* Opens the container below carve (read-only, with the driver in_memory asks for) and learns its file
 * number, which identifies its objects. Returns the file below, or NULL. */
static void *
replaying_open_container(carve_replaying_t *r, carve_file_ctx_t *ctx, const char *name, hid_t under_fapl,
                         hid_t dxpl_id, void **req)
{
    const char *path           = r->container->path;
    hid_t       container_fapl = H5I_INVALID_HID;
    int         copied         = 0;
    H5O_info2_t info;
    void       *under     = NULL;
    void       *ret_value = NULL;

    if ((container_fapl = replaying_container_fapl(under_fapl, r->container,
                                                   carve_config_in_memory(&ctx->config), &copied)) < 0)
        CARVE_GOTO_DONE(NULL);
    if (NULL == (under = H5VLfile_open(path, H5F_ACC_RDONLY, container_fapl, dxpl_id, req)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, NULL, "cannot open container %s to replay %s",
                         path, name);
    if (carve_under_info(under, ctx->under_vol_id, H5I_FILE, &info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, NULL, "cannot identify container %s", path);
    ctx->fileno = info.fileno;
    ret_value   = under;
    under       = NULL;

done:
    CARVE_CLEANUP_BEGIN
    if (under)
        H5VLfile_close(under, ctx->under_vol_id, dxpl_id, NULL);
    if (copied)
        H5Pclose(container_fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A container that cannot be read (truncated, overwritten, its manifest damaged) found for a file the
 * program named and that is there: the file is read as it is, natively, which gives exactly the run on the
 * original; said on stderr with the reason. Returns 1 (the error stack cleared) or 0 (no fallback: the
 * program opened the container by its own path, or the named file is not there; the error stands). */
static int
replaying_fall_back(const carve_lookup_t *lookup, const char *name)
{
    char *why;

    if (lookup->how == CARVE_LOOKUP_DIRECT || (!carve_origin_is_url(name) && access(name, R_OK) != 0))
        return 0;
    why = replaying_take_error_text();
    /* The reason names the container (every message of the lookup's and the cache's does). */
    fprintf(stderr, "carve: %s; reading %s itself instead\n", why ? why : "the container cannot be read",
            name);
    free(why);
    H5Eclear2(H5E_DEFAULT); /* converted, not ignored: the line above says why; the stack is left empty */
    return 1;
}

/*
 * Hook file_open: opens a file read-only in replay mode. Returns the container's file object below carve
 * and sets ctx->replaying; or returns NULL with *pass_through set (no error) when the file is created,
 * opened for writing, has no container, or has one that cannot be read (replaying_fall_back). In order:
 * the lookup finds the container; the container is taken and the origin named; the origin is prepared (its
 * stamp checked); the container is opened; HDF5's state is kept for the origin's later open; the open's
 * access list is kept (how->under_fapl: the origin's list is made from it at a first miss); the file is
 * published, so that datasets reached through external links of other files are served here.
 */
static void *
replaying_file_open(carve_file_ctx_t *ctx, carve_file_open_t *how, int *pass_through)
{
    carve_replaying_t *r = NULL;
    carve_lookup_t     lookup;
    void              *under     = NULL;
    void              *ret_value = NULL;

    *pass_through = 0;
    if (how->created || (how->flags & H5F_ACC_RDWR)) {
        *pass_through = 1; /* replay serves reads only: a file written is the program's own */
        return NULL;
    }
    memset(&lookup, 0, sizeof lookup);
    carve_replay_cache_arm(); /* frees the lookup's directory listings, whatever happens next */
    if (carve_lookup_container(how->name, ctx->config.dir, &lookup) < 0)
        CARVE_GOTO_DONE(NULL);
    if (lookup.how == CARVE_LOOKUP_NONE) {
        *pass_through = 1; /* no container: the file is read as it is */
        CARVE_GOTO_DONE(NULL);
    }
    if (NULL == (r = replaying_new(ctx, how->name)))
        CARVE_GOTO_DONE(NULL);
    r->ctx = ctx; /* ctx->replaying is set once the open succeeds */
    if (replaying_take_container(r, ctx, how->name, &lookup) < 0) {
        *pass_through = replaying_fall_back(&lookup, how->name);
        CARVE_GOTO_DONE(NULL);
    }
    if (replaying_prepare_origin(r, how->fapl_id, how->under_fapl) < 0)
        CARVE_GOTO_DONE(NULL);
    if (NULL ==
        (under = replaying_open_container(r, ctx, how->name, how->under_fapl, how->dxpl_id, how->req))) {
        *pass_through = replaying_fall_back(&lookup, how->name);
        CARVE_GOTO_DONE(NULL);
    }
    /* The native connector opens a file for the connector named in HDF5's API context, which only a file
     * open sets: the context of this open is kept for the origin's open, at the first read it serves
     * (the way asynchronous connectors carry an operation's context to a later time). */
    if (H5VLretrieve_lib_state(&r->lib_state) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, NULL,
                         "cannot keep HDF5's state to open the origin later");
    if (r->origin_url)
        carve_lifecycle_use_network();
    /* External links of replayed files are followed to their targets' containers (carve_elink.c). */
    if (carve_elink_register() < 0)
        CARVE_GOTO_DONE(NULL);
    /* The program's list as it is now, for H5Fget_access_plist and the origin's open: the open's copy, kept,
     * and the connector and info the program's own list selects. */
    if (H5Pget_vol_id(how->fapl_id, &r->program_vol_id) < 0 ||
        H5Pget_vol_info(how->fapl_id, &r->program_vol_info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, NULL, "cannot keep the access list of %s",
                         how->name);
    r->under_fapl   = how->under_fapl;
    how->under_fapl = H5I_INVALID_HID;
    ctx->replaying  = r;
    carve_file_ctx_publish(ctx);
    r         = NULL;
    ret_value = under;
    under     = NULL;

done:
    if (under || r) { /* a failure to undo (a region costs as much as the rest of the open's own work) */
        CARVE_CLEANUP_BEGIN
        if (under)
            H5VLfile_close(under, ctx->under_vol_id, how->dxpl_id, NULL);
        if (r && r->container)
            r->container->users--;
        replaying_free(r);
        CARVE_CLEANUP_END
    }
    carve_lookup_clear(&lookup);
    return ret_value;
}

/* Hook file_finish: releases a file's replay state, closing the origin if it was opened. */
static herr_t
replaying_file_finish(carve_file_ctx_t *ctx)
{
    carve_replaying_t *r         = ctx->replaying;
    herr_t             ret_value = 0;

    if (!r)
        return 0;
    ctx->replaying = NULL;
    carve_file_ctx_unpublish(ctx);
    if (r->origin_file &&
        H5VLfile_close(r->origin_file, ctx->under_vol_id, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_DONE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot close the origin %s",
                         r->origin_name);
    CARVE_CLEANUP_BEGIN /* freeing closes access lists, which would clear the failure above */
        r->container->users--;
    replaying_free(r);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Hook carved_origin: the origin a replayed file's container was carved from. */
static const char *
replaying_carved_origin(const carve_file_ctx_t *ctx)
{
    const char *origin = ctx->replaying ? ctx->replaying->container->manifest.origin : NULL;

    return origin ? origin : "";
}

/* ---------------------------------------------------------------------------------------------------
 * The origin, opened on first need
 * ------------------------------------------------------------------------------------------------- */

/* What H5Fopen does after a connector opened a file, for the native connector ("post open": the file
 * learns its own VOL object, which it needs to read variable-length data, among others). */
static herr_t
replaying_post_open(void *file, hid_t under_vol_id)
{
    H5VL_optional_args_t args;
    uint64_t             supported = 0;

    if (H5VLintrospect_opt_query(file, under_vol_id, H5VL_SUBCLS_FILE, H5VL_NATIVE_FILE_POST_OPEN,
                                 &supported) < 0)
        return -1;
    if (!(supported & H5VL_OPT_QUERY_SUPPORTED))
        return 0;
    args.op_type = H5VL_NATIVE_FILE_POST_OPEN;
    args.args    = NULL;
    return H5VLfile_optional(file, under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL);
}

/* The access list of a URL origin read through carve's fetch driver (carve_origin_vfd.h), over the ROS3
 * settings of origin_fapl, with the length its stamp measured at open; H5I_INVALID_HID when not a URL read
 * with ROS3 or the driver cannot be set up (tried and ignored: ROS3 reads it then). */
static hid_t
replaying_origin_fetch_fapl(carve_replaying_t *r)
{
    hid_t  fapl   = H5I_INVALID_HID;
    herr_t status = -1;

    if (!r->origin_url || r->origin_size < 0 || carve_origin_vfd_is_ros3(r->origin_fapl) != 1)
        return H5I_INVALID_HID;
    if (!r->origin_bytes && NULL == (r->origin_bytes = carve_bytestore_new(CARVE_ORIGIN_SEEN_LIMIT)))
        return H5I_INVALID_HID;
    CARVE_TRY_IGNORED(if ((fapl = H5Pcopy(r->origin_fapl)) >= 0) status =
                          carve_origin_vfd_set_fetch(fapl, r->origin_name, r->origin_fapl, r->origin_bytes,
                                                     (uint64_t)r->origin_size, NULL));
    if (status < 0 && fapl >= 0) {
        H5Pclose(fapl);
        fapl = H5I_INVALID_HID;
    }
    return fapl;
}

/* Makes the origin ready to serve a read; on failure pushes why (it is missing, changed, unreachable). */
static herr_t
replaying_origin_ready(carve_file_ctx_t *ctx)
{
    carve_replaying_t *r         = ctx->replaying;
    herr_t             ret_value = 0;

    if (r->origin_state == ORIGIN_OPEN)
        CARVE_GOTO_DONE(0);
    /* The stamp was checked at open (replaying_file_open): a missing or changed origin is UNAVAILABLE. */
    if (r->origin_state == ORIGIN_UNCHECKED) {
        void *file;
        hid_t open_fapl;

        r->container->counters.origin_requests++;
        file = NULL;
        /* A URL origin is read through carve's fetch driver (every answer validated; the chunks of a read's
         * misses fetched together, replaying_prefetch); failing that, through ROS3, from a server that
         * honours byte ranges (one that does not would make ROS3 write past its buffer). */
        open_fapl = replaying_origin_fetch_fapl(r);
        carve_origin_vfd_take_failure(NULL, 0);
        if (open_fapl < 0 && r->origin_url && carve_origin_check_ranges(r->origin_name, r->origin_fapl) < 0) {
            char *why = replaying_take_error_text();

            r->origin_state = ORIGIN_UNAVAILABLE;
            free(r->origin_problem);
            if (asprintf(&r->origin_problem, "it cannot be read safely (%s)", why ? why : "no reason given") <
                0)
                r->origin_problem = NULL;
            free(why);
            CARVE_GOTO_DONE(-1);
        }
        /* Quiet, not ignored: a failure is kept, and taken below as the reason the origin is unavailable. */
        H5E_BEGIN_TRY
        {
            if (replaying_origin_access(r, r->under_fapl) >= 0 && H5VLstart_lib_state() >= 0) {
                if (H5VLrestore_lib_state(r->lib_state) >= 0)
                    file = H5VLfile_open(r->origin_name, H5F_ACC_RDONLY,
                                         open_fapl >= 0 ? open_fapl : r->origin_fapl,
                                         H5P_DATASET_XFER_DEFAULT, NULL);
                H5VLfinish_lib_state();
            }
            /* The file's own VOL object is made in this read's context, where HDF5 wraps objects with
             * this file's carve context: the origin then reads variable-length data through carve's
             * objects, like the container does. */
            ctx->wrap_borrowed = 1;
            if (file && replaying_post_open(file, ctx->under_vol_id) < 0) {
                H5VLfile_close(file, ctx->under_vol_id, H5P_DATASET_XFER_DEFAULT, NULL);
                file = NULL;
            }
            ctx->wrap_borrowed = 0;
        }
        H5E_END_TRY
        if (file) {
            if (open_fapl >= 0)
                H5Pclose(open_fapl);
            r->origin_file  = file;
            r->origin_state = ORIGIN_OPEN;
            CARVE_GOTO_DONE(0);
        }
        r->origin_state = ORIGIN_UNAVAILABLE;
        {
            char *why = replaying_take_error_text(); /* before any other HDF5 call clears the stack */
            char  fetch_why[512];

            /* The fetch driver's reason, which HDF5 drops from the stack between the attempts of an open. */
            if (carve_origin_vfd_take_failure(fetch_why, sizeof fetch_why)) {
                free(why);
                why = strdup(fetch_why);
            }
            if (open_fapl >= 0)
                H5Pclose(open_fapl);
            free(r->origin_problem);
            if (asprintf(&r->origin_problem, "it cannot be opened (%s)", why ? why : "no reason given") < 0)
                r->origin_problem = NULL;
            free(why);
        }
    }
    ret_value = -1;

done:
    return ret_value;
}

/* The origin's copy of a dataset, opened on first need. */
static void *
replaying_origin_dataset(carve_obj_t *o)
{
    carve_replay_dataset_t *rd = o->replay;
    carve_replaying_t      *r  = o->ctx->replaying;
    H5VL_loc_params_t       loc;
    void                   *ret_value = NULL;

    if (rd->origin_dset)
        return rd->origin_dset;
    if (replaying_origin_ready(o->ctx) < 0)
        CARVE_GOTO_DONE(NULL);
    memset(&loc, 0, sizeof loc);
    loc.type     = H5VL_OBJECT_BY_SELF;
    loc.obj_type = H5I_FILE;
    r->container->counters.origin_requests++;
    if (NULL == (rd->origin_dset = H5VLdataset_open(r->origin_file, &loc, o->under_vol_id, rd->path,
                                                    rd->dapl >= 0 ? rd->dapl : H5P_DATASET_ACCESS_DEFAULT,
                                                    H5P_DATASET_XFER_DEFAULT, NULL)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, NULL, "it has no dataset %s (origin %s)",
                         rd->path, r->origin_name);
    ret_value = rd->origin_dset;

done:
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Datasets
 * ------------------------------------------------------------------------------------------------- */

/* The replay state of a dataset of this file (its access list kept for the origin's copy). */
static herr_t
replaying_dataset_state(carve_obj_t *dset, hid_t dapl_id)
{
    carve_replay_dataset_t *rd;

    if (NULL == (rd = calloc(1, sizeof *rd))) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory opening a dataset");
        return -1;
    }
    rd->entry = SIZE_MAX;
    rd->dapl  = H5I_INVALID_HID;
    rd->space = H5I_INVALID_HID;
    if (dapl_id >= 0 && dapl_id != H5P_DEFAULT && dapl_id != H5P_DATASET_ACCESS_DEFAULT &&
        (rd->dapl = H5Pcopy(dapl_id)) < 0) {
        free(rd);
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot keep a dataset's access list");
        return -1;
    }
    dset->replay = rd;
    return 0;
}

/* Hook object_opened: a dataset opened (carve_obj_opened moved it here first when it lives in another
 * replayed file) gets its replay state. */
static herr_t
replaying_object_opened(carve_obj_t *obj, H5I_type_t type, hid_t apl_id)
{
    if (type != H5I_DATASET || !obj->ctx->replaying)
        return 0;
    return replaying_dataset_state(obj, apl_id);
}

/* Hook object_released: a dataset's replay state goes, closing the origin's copy if a read opened it. */
static herr_t
replaying_object_released(carve_obj_t *dset)
{
    carve_replay_dataset_t *rd        = dset->replay;
    herr_t                  ret_value = 0;

    if (!rd)
        return 0;
    dset->replay = NULL;
    if (rd->origin_dset &&
        H5VLdataset_close(rd->origin_dset, dset->under_vol_id, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_DONE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot close the origin's dataset %s",
                         rd->path);
    CARVE_CLEANUP_BEGIN /* closing these would clear the failure above, which the program's close reports */
        if (rd->dapl >= 0) H5Pclose(rd->dapl);
    if (rd->space >= 0)
        H5Sclose(rd->space);
    CARVE_CLEANUP_END
    carve_chunkmap_free(rd->origin_chunks);
    free(rd->path);
    free(rd);
    return ret_value;
}

static char *
replaying_object_path(carve_obj_t *o)
{
    H5VL_loc_params_t      loc;
    H5VL_object_get_args_t args;
    size_t                 len = 0;
    char                  *path;

    memset(&loc, 0, sizeof loc);
    loc.type                    = H5VL_OBJECT_BY_SELF;
    loc.obj_type                = H5I_DATASET;
    args.op_type                = H5VL_OBJECT_GET_NAME;
    args.args.get_name.buf_size = 0;
    args.args.get_name.buf      = NULL;
    args.args.get_name.name_len = &len;
    if (H5VLobject_get(o->under_object, &loc, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0 ||
        len == 0 || NULL == (path = malloc(len + 1)))
        return NULL;
    args.args.get_name.buf_size = len + 1;
    args.args.get_name.buf      = path;
    if (H5VLobject_get(o->under_object, &loc, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        free(path);
        return NULL;
    }
    return path;
}

/* Learns what the container holds of a dataset: its path, its manifest entry, its element size. */
static herr_t
replaying_resolve_dataset(carve_obj_t *o)
{
    carve_replay_dataset_t *rd = o->replay;
    replay_container_t     *c  = o->ctx->replaying->container;
    H5VL_dataset_get_args_t args;
    H5O_token_t             token;
    hid_t                   type      = H5I_INVALID_HID;
    herr_t                  ret_value = 0;

    if (rd->resolved)
        return 0;
    {
        H5O_info2_t info;

        if (carve_under_info(o->under_object, o->under_vol_id, H5I_DATASET, &info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot identify a dataset being read");
        if (info.fileno != o->ctx->fileno) {
            rd->foreign  = 1; /* reached through an external link: not part of this container */
            rd->resolved = 1;
            CARVE_GOTO_DONE(0);
        }
        token = info.token;
    }
    if (NULL == (rd->path = replaying_object_path(o)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot name a dataset being read");
    args.op_type               = H5VL_DATASET_GET_TYPE;
    args.args.get_type.type_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot read the datatype of %s",
                         rd->path);
    type                         = args.args.get_type.type_id;
    args.op_type                 = H5VL_DATASET_GET_SPACE;
    args.args.get_space.space_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot read the dataspace of %s",
                         rd->path);
    rd->space        = args.args.get_space.space_id; /* a replayed file is read-only: its extent stays */
    rd->elem_size    = H5Tget_size(type);
    rd->has_refs     = H5Tdetect_class(type, H5T_REFERENCE) > 0; /* anywhere inside it */
    rd->has_pointers = carve_skeleton_type_needs_rewrite(type) > 0;
    rd->entry        = carve_replay_cache_find_dataset(c, o, rd->path, &token);
    if (rd->entry != SIZE_MAX) {
        if (!c->held[rd->entry]) {
            carve_held_t *held = calloc(1, sizeof *held);

            if (!held)
                CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory reading %s", rd->path);
            if (carve_held_init(held, &c->manifest.datasets[rd->entry]) < 0) {
                free(held);
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                                 "the manifest of container %s is inconsistent for dataset %s", c->path,
                                 rd->path);
            }
            c->held[rd->entry] = held;
        }
        rd->held = c->held[rd->entry];
    }
    rd->quick    = rd->held != NULL && o->ctx->replaying->log < CARVE_LOG_READS;
    rd->resolved = 1;

done:
    CARVE_CLEANUP_BEGIN
    if (type >= 0)
        H5Tclose(type);
    CARVE_CLEANUP_END
    return ret_value;
}

/* One dataset of a read, planned: which parts go where. */

/* A dataset of a replayed file, ready to serve: its replay state made (for a dataset HDF5 wrapped rather
 * than opened through carve, at its first use, after moving it to the file it lives in) and resolved. */
static herr_t
replaying_dataset_ready(carve_obj_t *o)
{
    if (!o->replay) {
        carve_obj_rehome(o);
        if (!o->ctx->replaying) {
            CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED,
                        "a dataset of a file that is not replayed, read with "
                        "datasets of a replayed one");
            return -1;
        }
        if (replaying_dataset_state(o, H5P_DEFAULT) < 0)
            return -1;
    }
    return replaying_resolve_dataset(o);
}

typedef struct replay_plan_t {
    carve_split_t split;
    char          damage[512]; /* non-empty: the container's copy is damaged (the read goes to the origin) */
    hid_t         file_space;  /* the read's file selection (H5S_ALL resolved), borrowed */
    hid_t         own_mem_space; /* made here (H5S_BLOCK resolved) */
    hsize_t       elements;
} replay_plan_t;

/* Fills one plan: resolves the selections and splits them by what the container holds. */
static herr_t
replaying_plan(carve_obj_t *o, hid_t mem_space_id, hid_t file_space_id, replay_plan_t *p)
{
    carve_replay_dataset_t *rd     = o->replay;
    hid_t                   fspace = file_space_id, mspace = mem_space_id;
    hssize_t                n;
    hsize_t                 count;
    herr_t                  ret_value = 0;

    if (file_space_id == H5S_ALL)
        fspace = rd->space;
    else if (file_space_id == H5S_BLOCK || file_space_id == H5S_PLIST)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED, -1,
                         "replay of %s: a file selection given as H5S_BLOCK or H5S_PLIST is not supported",
                         rd->path);
    p->file_space = fspace;
    if (!rd->held || mem_space_id == H5S_BLOCK) {
        /* Counted here: nothing is held, or the memory space is made as long as the selection. */
        if ((n = carve_space_npoints(fspace)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot count the selection read from %s",
                             rd->path);
        p->elements = (hsize_t)n;
        if (!rd->held || n == 0) {
            p->split.kind          = n == 0 ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS;
            p->split.hit_elements  = 0;
            p->split.miss_elements = (hsize_t)n;
            CARVE_GOTO_DONE(0);
        }
        count = (hsize_t)n;
        if ((mspace = p->own_mem_space = H5Screate_simple(1, &count, NULL)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot make a memory dataspace");
    }
    else if (mem_space_id == H5S_ALL)
        mspace = fspace;
    else if (mem_space_id == H5S_PLIST)
        mspace = H5I_INVALID_HID; /* only a partial read needs it: refused there */
    if (carve_split_read(rd->held, fspace, mspace, &p->split) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot split a read of %s", rd->path);
    /* The split counts the elements: no dataspace query of replay's own on the way of a read. */
    p->elements = p->split.hit_elements + p->split.miss_elements;

done:
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Reads
 * ------------------------------------------------------------------------------------------------- */

static void
replaying_report_miss(carve_obj_t *o, const replay_plan_t *p, const char *why)
{
    carve_replay_dataset_t *rd   = o->replay;
    carve_replaying_t      *r    = o->ctx->replaying;
    char                   *what = NULL;
    what                         = carve_split_describe(p->file_space);
    if (p->damage[0])
        CARVE_ERROR(
            CARVE_E_CONTAINER, CARVE_E_CORRUPT,
            "cannot read %s (%s): container %s holds it damaged (%s), and the origin %s cannot serve it: %s",
            rd->path, what ? what : "selection", r->container->path, p->damage, replaying_origin_shown(r),
            why);
    else
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING,
                    "cannot read %s (%s): %" PRIuHSIZE " of its %" PRIuHSIZE
                    " elements are not in container %s, and the origin %s cannot serve them: %s",
                    rd->path, what ? what : "selection", p->split.miss_elements, p->elements,
                    r->container->path, replaying_origin_shown(r), why);
    free(what);
}

/*
 * One read's working arrays: the plan of each dataset, and the arguments of the read below on each side,
 * the container's (c*) and the origin's (o*). On the stack up to REPLAY_STACK_COUNT datasets.
 */
typedef struct replay_read_t {
    replay_plan_t  plan_stack[REPLAY_STACK_COUNT];
    void          *obj_stack[2 * REPLAY_STACK_COUNT];
    hid_t          id_stack[6 * REPLAY_STACK_COUNT];
    void          *buf_stack[2 * REPLAY_STACK_COUNT];
    replay_plan_t *plan;   /* NULL until every entry is initialised */
    size_t         nplans; /* initialised entries of plan: what replaying_read_end releases */
    void         **cobj, **oobj;
    hid_t         *ctype, *cmem, *cfile, *otype, *omem, *ofile;
    void         **cbuf, **obuf;
    size_t         nc, no; /* datasets read from each side */
} replay_read_t;

/* Sets up the arrays of a read of count datasets (allocated past the stack's). On failure nothing is
 * left to release but what replaying_read_end releases. */
static herr_t
replaying_read_begin(replay_read_t *rr, size_t count)
{
    replay_plan_t *plan = rr->plan_stack;
    void         **obj = rr->obj_stack, **bufs = rr->buf_stack;
    hid_t         *ids = rr->id_stack;

    rr->plan   = NULL;
    rr->nplans = rr->nc = rr->no = 0;
    rr->cobj                     = rr->obj_stack;
    rr->ctype                    = rr->id_stack;
    rr->cbuf                     = rr->buf_stack;
    if (count > REPLAY_STACK_COUNT) {
        plan = calloc(count, sizeof *plan);
        obj  = calloc(2 * count, sizeof *obj);
        ids  = calloc(6 * count, sizeof *ids);
        bufs = calloc(2 * count, sizeof *bufs);
        if (!plan || !obj || !ids || !bufs) {
            free(plan), free(obj), free(ids), free(bufs);
            CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory for a %zu-dataset read", count);
            return -1;
        }
    }
    rr->cobj = obj, rr->oobj = obj + count;
    rr->ctype = ids, rr->cmem = ids + count, rr->cfile = ids + 2 * count;
    rr->otype = ids + 3 * count, rr->omem = ids + 4 * count, rr->ofile = ids + 5 * count;
    rr->cbuf = bufs, rr->obuf = bufs + count;
    for (size_t i = 0; i < count; i++) {
        /* Field by field: the whole plan is mostly its message buffer, needed only for damage. */
        memset(&plan[i].split, 0, sizeof plan[i].split);
        plan[i].damage[0]      = '\0';
        plan[i].elements       = 0;
        plan[i].split.hit_file = plan[i].split.hit_mem = H5I_INVALID_HID;
        plan[i].split.miss_file = plan[i].split.miss_mem = H5I_INVALID_HID;
        plan[i].file_space = plan[i].own_mem_space = H5I_INVALID_HID;
    }
    rr->plan   = plan;
    rr->nplans = count;
    return 0;
}

/* Releases what a read made: its plans' selections and the arrays allocated past the stack's. */
static void
replaying_read_end(replay_read_t *rr)
{
    int made = 0; /* a hit or a miss makes no dataspace: then nothing below is called */

    for (size_t i = 0; i < rr->nplans && !made; i++)
        made = rr->plan[i].split.kind == CARVE_SPLIT_PARTIAL || rr->plan[i].own_mem_space >= 0;
    if (made) {
        CARVE_CLEANUP_BEGIN
        for (size_t i = 0; i < rr->nplans; i++) {
            carve_split_clear(&rr->plan[i].split);
            if (rr->plan[i].own_mem_space >= 0)
                H5Sclose(rr->plan[i].own_mem_space);
        }
        CARVE_CLEANUP_END
    }
    if (rr->plan != rr->plan_stack)
        free(rr->plan);
    if (rr->cobj != rr->obj_stack)
        free(rr->cobj);
    if (rr->ctype != rr->id_stack)
        free(rr->ctype);
    if (rr->cbuf != rr->buf_stack)
        free(rr->cbuf);
}

/* Plans one dataset: which parts go where. A part the container holds damaged goes to the origin: never
 * serve a damaged byte. */
static herr_t
replaying_read_plan(carve_obj_t *o, replay_container_t *c, hid_t mem_space_id, hid_t file_space_id,
                    replay_plan_t *p)
{
    int damaged;

    if (replaying_dataset_ready(o) < 0)
        return -1;
    if (o->replay->foreign) {
        p->split.kind = CARVE_SPLIT_HIT; /* read as it is, from where it is */
        return 0;
    }
    if (replaying_plan(o, mem_space_id, file_space_id, p) < 0)
        return -1;
    if (p->split.kind == CARVE_SPLIT_MISS)
        return 0;
    damaged = carve_replay_verify(o, p->split.kind == CARVE_SPLIT_HIT ? p->file_space : p->split.hit_file,
                                  p->damage, sizeof p->damage);
    if (damaged < 0)
        return -1;
    if (damaged) {
        carve_split_clear(&p->split);
        p->split.kind          = CARVE_SPLIT_MISS;
        p->split.hit_elements  = 0;
        p->split.miss_elements = p->elements;
        c->counters.damaged++;
    }
    return 0;
}

/* Makes sure the origin can serve what one dataset's plan does not take from the container (before
 * anything is read): its copy of the dataset opens; values that are references are never read there. */
static herr_t
replaying_read_check_origin(carve_obj_t *o, carve_replaying_t *r, const replay_plan_t *p, hid_t mem_space_id)
{
    replay_container_t *c = r->container;

    if (p->split.kind == CARVE_SPLIT_HIT)
        return 0;
    if (o->replay->has_refs) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED,
                    "cannot read %s: its values are references and the part read is not in container %s "
                    "(carve serves references only from the container, where they point into it)",
                    o->replay->path, c->path);
        return -1;
    }
    if (p->split.kind == CARVE_SPLIT_PARTIAL && mem_space_id == H5S_PLIST) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED,
                    "replay of %s: a memory selection given as H5S_PLIST is not supported for a read split "
                    "between the container and the origin",
                    o->replay->path);
        return -1;
    }
    if (p->damage[0] && replaying_origin_dataset(o)) {
        replay_check_t *chk = &c->checks[o->replay->entry];

        if (!chk->said) {
            chk->said = 1;
            fprintf(stderr, "carve: container %s: %s: %s; read from the origin %s instead\n", c->path,
                    o->replay->path, p->damage, replaying_origin_shown(r));
        }
    }
    if (!replaying_origin_dataset(o)) {
        char *why = r->origin_state == ORIGIN_UNAVAILABLE && r->origin_problem ? strdup(r->origin_problem)
                                                                               : replaying_take_error_text();

        H5Eclear2(H5E_DEFAULT); /* converted, not ignored: `why` says it, in carve's message below */
        replaying_report_miss(o, p, why ? why : "cannot be read");
        free(why);
        return -1;
    }
    return 0;
}

static void replaying_prefetch(carve_obj_t *o, hid_t file_space);

/* A read below carve of datasets of first's connector. */
static herr_t
replaying_read_below(carve_obj_t *first, size_t count, void *obj[], hid_t mem_type_id[], hid_t mem_space_id[],
                     hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    carve_under_read_t read_below = carve_mode_under_read(first);

    if (read_below)
        return read_below(count, obj, mem_type_id, mem_space_id, file_space_id, plist_id, buf, req);
    return H5VLdataset_read(count, obj, first->under_vol_id, mem_type_id, mem_space_id, file_space_id,
                            plist_id, buf, req);
}

/* Puts each dataset's parts on their side, then reads: one read below per side; an asynchronous request
 * is passed on only when there is one read. */
static herr_t
replaying_read_sides(replay_read_t *rr, size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                     hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    carve_obj_t       *first = dset[0];
    carve_replaying_t *r     = first->ctx->replaying;
    size_t             nc = 0, no = 0;

    for (size_t i = 0; i < count; i++) {
        carve_obj_t   *o   = dset[i];
        replay_plan_t *p   = &rr->plan[i];
        int            hit = p->split.kind == CARVE_SPLIT_HIT, miss = p->split.kind == CARVE_SPLIT_MISS;

        if (!miss) {
            rr->cobj[nc] = o->under_object, rr->ctype[nc] = mem_type_id[i];
            rr->cmem[nc]   = hit ? mem_space_id[i] : p->split.hit_mem;
            rr->cfile[nc]  = hit ? file_space_id[i] : p->split.hit_file;
            rr->cbuf[nc++] = buf[i];
        }
        if (!hit) {
            rr->oobj[no] = o->replay->origin_dset, rr->otype[no] = mem_type_id[i];
            rr->omem[no]   = miss ? mem_space_id[i] : p->split.miss_mem;
            rr->ofile[no]  = miss ? file_space_id[i] : p->split.miss_file;
            rr->obuf[no++] = buf[i];
            replaying_prefetch(o, miss ? file_space_id[i] : p->split.miss_file);
        }
    }
    rr->nc = nc, rr->no = no;
    if (nc && replaying_read_below(first, nc, rr->cobj, rr->ctype, rr->cmem, rr->cfile, plist_id, rr->cbuf,
                                   no ? NULL : req) < 0) {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot read from container %s",
                    r->container->path);
        return -1;
    }
    if (no) {
        r->container->counters.origin_requests++;
        if (replaying_read_below(first, no, rr->oobj, rr->otype, rr->omem, rr->ofile, plist_id, rr->obuf,
                                 nc ? NULL : req) < 0) {
            CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, "cannot read from the origin %s", r->origin_name);
            return -1;
        }
    }
    if (nc && no && req)
        *req = NULL;
    return 0;
}

/* Chunks prefetched for one read at most (more: HDF5 reads them one by one, as without prefetching). */
#define REPLAY_PREFETCH_MAX 4096

static int
replaying_chunk_found(const hsize_t *offset, unsigned mask, haddr_t addr, hsize_t size, void *udata)
{
    (void)mask;
    if (addr != HADDR_UNDEF && size > 0 && carve_chunkmap_add(udata, offset, addr, size) < 0)
        return H5_ITER_ERROR;
    return H5_ITER_CONT;
}

/* Where the origin's copy of a chunked dataset keeps its chunks: one walk of its chunk index (through the
 * connector below, with the native CHUNK_ITER operation); NULL when it is not chunked or cannot be walked
 * (tried and ignored: the read goes on without prefetching). */
static carve_chunkmap_t *
replaying_chunk_map(carve_obj_t *o)
{
    carve_replay_dataset_t             *rd = o->replay;
    H5VL_dataset_get_args_t             get;
    H5VL_optional_args_t                opt;
    H5VL_native_dataset_optional_args_t native;
    hsize_t                             dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
    int                                 rank;
    herr_t                              status = -1;
    carve_chunkmap_t                   *map    = NULL;

    memset(&get, 0, sizeof get);
    get.op_type               = H5VL_DATASET_GET_DCPL;
    get.args.get_dcpl.dcpl_id = H5I_INVALID_HID;
    CARVE_TRY_IGNORED(
        status = H5VLdataset_get(rd->origin_dset, o->under_vol_id, &get, H5P_DATASET_XFER_DEFAULT, NULL));
    if (status < 0)
        return NULL;
    if (H5Pget_layout(get.args.get_dcpl.dcpl_id) == H5D_CHUNKED && rd->space >= 0 &&
        (rank = H5Sget_simple_extent_dims(rd->space, dims, NULL)) > 0 &&
        H5Pget_chunk(get.args.get_dcpl.dcpl_id, rank, chunk) == rank)
        map = carve_chunkmap_new(rank, dims, chunk);
    H5Pclose(get.args.get_dcpl.dcpl_id);
    if (!map)
        return NULL;
    memset(&opt, 0, sizeof opt);
    native.chunk_iter.op      = replaying_chunk_found;
    native.chunk_iter.op_data = map;
    opt.op_type               = H5VL_NATIVE_DATASET_CHUNK_ITER;
    opt.args                  = &native;
    status                    = -1;
    CARVE_TRY_IGNORED(status = H5VLdataset_optional(rd->origin_dset, o->under_vol_id, &opt,
                                                    H5P_DATASET_XFER_DEFAULT, NULL));
    if (status < 0) {
        carve_chunkmap_free(map);
        return NULL;
    }
    return map;
}

/* Before misses are read from a URL origin through carve's fetch driver: the stored chunks the read touches
 * are fetched together (neighbours in one request, several requests in flight: carve_origin_fetch) into
 * the driver's store, from which HDF5's chunk-by-chunk reads are then answered. A cache: whatever fails
 * here is read as without it, by the driver's own validated requests. */
static void
replaying_prefetch(carve_obj_t *o, hid_t file_space)
{
    carve_replay_dataset_t *rd     = o->replay;
    carve_replaying_t      *r      = o->ctx->replaying;
    carve_chunk_place_t    *places = NULL;
    carve_origin_range_t   *ranges = NULL;
    char                   *buf    = NULL;
    size_t                  n, k = 0, requests = 0;
    uint64_t                total  = 0;
    herr_t                  status = -1;

    if (!r->origin_bytes || !rd || !rd->origin_dset)
        return;
    if (!rd->origin_chunks_tried) {
        rd->origin_chunks_tried = 1;
        rd->origin_chunks       = replaying_chunk_map(o);
    }
    if (!rd->origin_chunks || NULL == (places = malloc(REPLAY_PREFETCH_MAX * sizeof *places)))
        goto done;
    n = carve_chunkmap_touched(rd->origin_chunks, file_space == H5S_ALL ? rd->space : file_space, places,
                               REPLAY_PREFETCH_MAX);
    if (n == (size_t)-1 || n < 2) /* one chunk: the driver reads it alone anyway */
        goto done;
    for (size_t i = 0; i < n; i++)
        if (!carve_bytestore_holds(r->origin_bytes, places[i].addr, (size_t)places[i].size)) {
            places[k++] = places[i];
            total += places[i].size;
        }
    if (k < 2 || total > carve_bytestore_limit(r->origin_bytes) / 2)
        goto done;
    if (carve_bytestore_bytes(r->origin_bytes) + total > carve_bytestore_limit(r->origin_bytes))
        carve_bytestore_clear(r->origin_bytes); /* room for this read's chunks; metadata is read again */
    if (NULL == (ranges = calloc(k, sizeof *ranges)) || NULL == (buf = malloc((size_t)total)))
        goto done;
    total = 0;
    for (size_t i = 0; i < k; i++) {
        ranges[i].offset = places[i].addr;
        ranges[i].size   = (size_t)places[i].size;
        ranges[i].buf    = buf + total;
        total += places[i].size;
    }
    CARVE_TRY_IGNORED(status = carve_origin_fetch(r->origin_name, r->origin_fapl, ranges, k, &requests));
    if (status < 0)
        goto done;
    for (size_t i = 0; i < k; i++)
        if (ranges[i].ok)
            carve_bytestore_put(r->origin_bytes, ranges[i].offset, ranges[i].size, ranges[i].buf);

done:
    free(places);
    free(ranges);
    free(buf);
}

/* Counts one dataset's read (hit, miss or partial, and the bytes from each side), hands its misses to
 * read-through, and says it with CARVE_LOG=reads. */
static herr_t
replaying_read_account(carve_obj_t *o, carve_replaying_t *r, const replay_plan_t *p, hid_t file_space_id)
{
    static const char       *kinds[] = {"hit", "miss", "partial"};
    carve_replay_dataset_t  *rd      = o->replay;
    carve_replay_counters_t *n       = &r->container->counters;

    if (rd->foreign)
        return 0;
    n->reads++;
    n->bytes_container += (uint64_t)(p->elements - p->split.miss_elements) * rd->elem_size;
    n->bytes_origin += (uint64_t)p->split.miss_elements * rd->elem_size;
    if (p->split.kind == CARVE_SPLIT_HIT)
        n->hits++;
    else if (p->split.kind == CARVE_SPLIT_MISS)
        n->misses++;
    else
        n->partial++;
    if (p->split.kind != CARVE_SPLIT_HIT && r->read_through &&
        carve_carving_record_origin_read(o->ctx, r->origin_name, r->origin_fapl, rd->origin_dset,
                                         file_space_id) < 0) /* the whole read, as carving records it */
        return -1;
    if (r->log >= CARVE_LOG_READS)
        fprintf(stderr,
                "carve: replay %s %s: %s, %" PRIuHSIZE " elements from the container, %" PRIuHSIZE
                " from the origin\n",
                r->open_name, rd->path, kinds[p->split.kind], p->elements - p->split.miss_elements,
                p->split.miss_elements);
    return 0;
}

/* replaying_read_hit's check of what it takes from the container (carve_replay_verify), until every unit
 * the container stores of the dataset matched: out of its way (its message buffer is not the common
 * read's). */
static int __attribute__((noinline))
replaying_read_hit_verify(carve_obj_t *o, const replay_container_t *c, hid_t fspace)
{
    carve_replay_dataset_t *rd  = o->replay;
    const replay_check_t   *chk = &c->checks[rd->entry];
    char                    damage[512];
    int                     damaged;

    if ((damaged = carve_replay_verify(o, fspace, damage, sizeof damage)) != 0)
        return damaged;
    rd->verified = c->checked == 0 || (chk->table && chk->good == chk->table->n);
    return 0;
}

/* The common read, served without planning: one dataset of this container, all of whose selection lies in
 * what the container holds (decided cheaply: carve_split_hit) and matched its checksums. Returns 1 when
 * served (and counted), 0 when the read needs planning (nothing done), -1 on failure. */
static inline __attribute__((always_inline)) int
replaying_read_hit(carve_obj_t *o, carve_replaying_t *r, hid_t mem_type_id, hid_t mem_space_id,
                   hid_t file_space_id, hid_t plist_id, void *buf, void **req)
{
    carve_replay_dataset_t *rd = o->replay;
    replay_container_t     *c;
    hid_t                   fspace = file_space_id;
    hid_t                   xfer   = plist_id;
    hsize_t                 elements;
    int                     owned = 0, hit;
    herr_t                  status;
    carve_under_read_t      read_below;

    if (!rd || !rd->quick || mem_space_id == H5S_BLOCK || file_space_id == H5S_BLOCK ||
        file_space_id == H5S_PLIST || !(read_below = carve_mode_under_read(o)))
        return 0;
    if (fspace == H5S_ALL)
        fspace = rd->space;
    if ((hit = carve_split_hit(rd->held, fspace, &elements)) <= 0)
        return hit;
    c = r->container;
    /* Damage (1) goes the planned way, which serves it from the origin and says so. */
    if (!rd->verified && (hit = replaying_read_hit_verify(o, c, fspace)) != 0)
        return hit < 0 ? -1 : 0;
#ifdef CARVE_HAVE_MPI
    if ((xfer = carve_mpi_independent_xfer(plist_id, &owned)) < 0)
        return -1;
#endif
    status =
        o->ctx->under_read(1, &o->under_object, &mem_type_id, &mem_space_id, &file_space_id, xfer, &buf, req);
    if (owned)
        H5Pclose(xfer);
    if (status < 0) {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot read from container %s", c->path);
        return -1;
    }
    c->counters.reads++;
    c->counters.hits++;
    c->counters.bytes_container += (uint64_t)elements * rd->elem_size;
    return 1;
}

/*
 * A (multi-)dataset read planned, hits from the container, the rest from the origin. In order: every
 * dataset is planned (its selection split by what the container holds, the part served from the container
 * checked against its checksums); the origin is made ready for every part it must serve, before anything
 * is read; each side is read once; each dataset's read is counted. A file that replay did not take (no
 * container) is read below as it is.
 */
static herr_t __attribute__((noinline)) /* its arrays' stack frame is not the common read's */
replaying_read_planned(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                       hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    carve_replaying_t *r = ((carve_obj_t *)dset[0])->ctx->replaying;
    replay_read_t      rr;
    int                owned     = 0;
    hid_t              xfer      = H5I_INVALID_HID;
    herr_t             ret_value = 0;

    if (!r)
        return carve_mode_read_below(count, dset, mem_type_id, mem_space_id, file_space_id, plist_id, buf,
                                     req);
    if (replaying_read_begin(&rr, count) < 0)
        CARVE_GOTO_DONE(-1);
    /* An MPI program's collective read: carve's sides (container, origin) are sec2 files, read
     * independently by each rank. */
    if ((xfer = carve_mpi_independent_xfer(plist_id, &owned)) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < count; i++)
        if (replaying_read_plan(dset[i], r->container, mem_space_id[i], file_space_id[i], &rr.plan[i]) < 0)
            CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < count; i++)
        if (replaying_read_check_origin(dset[i], r, &rr.plan[i], mem_space_id[i]) < 0)
            CARVE_GOTO_DONE(-1);
    if (replaying_read_sides(&rr, count, dset, mem_type_id, mem_space_id, file_space_id, xfer, buf, req) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < count; i++)
        if (replaying_read_account(dset[i], r, &rr.plan[i], file_space_id[i]) < 0)
            CARVE_GOTO_DONE(-1);

done:
    if (owned)
        H5Pclose(xfer);
    replaying_read_end(&rr);
    return ret_value;
}

/* Hook dataset_read: a read of a replayed file, the common one served at once (replaying_read_hit), any
 * other planned. */
static herr_t
replaying_dataset_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                       hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    carve_replaying_t *r = ((carve_obj_t *)dset[0])->ctx->replaying;
    int                served;

    if (r && count == 1 &&
        (served = replaying_read_hit(dset[0], r, mem_type_id[0], mem_space_id[0], file_space_id[0], plist_id,
                                     buf[0], req)) != 0)
        return served < 0 ? -1 : 0;
    return replaying_read_planned(count, dset, mem_type_id, mem_space_id, file_space_id, plist_id, buf, req);
}

/* ---------------------------------------------------------------------------------------------------
 * What the program sees of the origin, and the table
 * ------------------------------------------------------------------------------------------------- */

/* Hook dataset_get: a dataset's creation list is the origin's (carve_replay_view.c); the rest is the
 * container's. */
static int
replaying_dataset_get(carve_obj_t *o, H5VL_dataset_get_args_t *args)
{
    if (!o->ctx->replaying || args->op_type != H5VL_DATASET_GET_DCPL)
        return 0;
    if (replaying_dataset_ready(o) < 0)
        return -1;
    return carve_replay_view_dcpl(o, args);
}

/* Hook dataset_optional: direct chunk reads and questions about chunk storage. The container stores only
 * part of a dataset, so the origin answers (carve_replay_view.c says when the container can), opened for
 * it if it was not yet. */
static int
replaying_dataset_optional(carve_obj_t *o, H5VL_optional_args_t *args, hid_t dxpl_id)
{
    carve_replaying_t *r = o->ctx->replaying;
    void              *origin_dset;
    int                answers;

    if (!r || !carve_replay_view_asks_origin(args->op_type))
        return 0;
    if (replaying_dataset_ready(o) < 0)
        return -1;
    if (o->replay->foreign)
        return 0;
    if ((answers = carve_replay_view_origin_answers(o, args)) <= 0)
        return answers;
    if (NULL == (origin_dset = replaying_origin_dataset(o))) {
        char *why = r->origin_state == ORIGIN_UNAVAILABLE && r->origin_problem ? strdup(r->origin_problem)
                                                                               : replaying_take_error_text();

        H5Eclear2(H5E_DEFAULT); /* converted, not ignored: `why` says it, in carve's message below */
        CARVE_ERROR(
            CARVE_E_ORIGIN, CARVE_E_UNDERLYING,
            "cannot answer %s for %s from container %s (it holds part of the data only), and the origin "
            "%s cannot: %s",
            args->op_type == H5VL_NATIVE_DATASET_CHUNK_READ ? "a direct chunk read"
                                                            : "a question about chunk storage",
            o->replay->path, r->container->path, replaying_origin_shown(r), why ? why : "cannot be read");
        free(why);
        return -1;
    }
    r->container->counters.origin_requests++;
    if (H5VLdataset_optional(origin_dset, o->under_vol_id, args, dxpl_id, NULL) < 0) {
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, "the origin %s failed a chunk operation on %s",
                    r->origin_name, o->replay->path);
        return -1;
    }
    return 1;
}

const carve_mode_hooks_t carve_mode_replay = {
    .name             = "replay",
    .file_accessible  = replaying_file_accessible,
    .file_open        = replaying_file_open,
    .file_opened      = carve_mode_no_file_opened,
    .file_finish      = replaying_file_finish,
    .file_get         = carve_replay_view_file_get,
    .file_optional    = carve_replay_view_file_optional,
    .carved_origin    = replaying_carved_origin,
    .object_opened    = replaying_object_opened,
    .object_released  = replaying_object_released,
    .object_queried   = carve_mode_no_object_queried,
    .location_touched = carve_mode_no_location_touched,
    .attr_opened      = carve_mode_no_attr_opened,
    .attr_read        = carve_mode_no_attr_read,
    .dataset_read     = replaying_dataset_read,
    .dataset_get      = replaying_dataset_get,
    .dataset_optional = replaying_dataset_optional,
};
