/*
 * carve_replaying.c — replay mode on the VOL side: opening a file's carved container in its place,
 * serving each dataset read from the container where it holds the selection and from the origin where
 * it does not, reading the origin lazily (native or ROS3, as the program opened it), and counting what
 * came from where.
 *
 * The decisions live in core/: which container belongs to a file (carve_lookup), what it holds
 * (carve_manifest), how one read splits into held and missing parts (carve_split), whether what it
 * stores is intact (carve_integrity). This file opens and reads through the connector below, checks
 * each stored unit once before serving it, and keeps the state of each open file and dataset. A dataset
 * reached through an external link is served by the replay state of the file it lives in (carve_elink.c
 * leads the link there).
 *
 * Every object of a replayed file is an object of the container (metadata comes from there, exactly
 * the origin's skeleton); the origin file and its datasets are extra objects below carve, opened only
 * when a read needs them and closed with the file or dataset that opened them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_container.h"
#include "carve_lookup.h"
#include "carve_origin.h"
#include "carve_skeleton.h"
#include "carve_split.h"
#include "carve_vol_internal.h"

#include <H5FDros3.h> /* after hdf5.h: it needs H5pubconf.h */
#include <H5VLnative.h>

/* Multi-dataset reads of up to this many datasets are planned without allocating. */
#define REPLAY_STACK_COUNT 16

/*
 * One container opened in replay mode by this process, shared by every open of it: its parsed
 * manifest (datasets in path order), what it holds per dataset (built on first use), and the counters
 * of this process's reads, written into the manifest's replay section at shutdown.
 */
typedef struct replay_container_t {
    char                      *path;       /* the container */
    dev_t                      dev;        /* identity of the file the manifest was read from */
    ino_t                      ino;
    off_t                      size;
    struct timespec            mtime;
    carve_manifest_t           manifest;
    carve_held_t             **held;       /* per manifest dataset, NULL until first needed */
    H5O_token_t               *tokens;     /* per manifest dataset, its token in the container: found when a
                                            * dataset is read by another name than the manifest's (a soft
                                            * link, a second hard link, a reference) */
    unsigned char             *token_known;
    carve_integrity_t          integrity;  /* the checksums of what it stores (carve_integrity.h) */
    struct replay_check_t     *checks;     /* per manifest dataset: what was verified (replaying_verify) */
    int                        checked;    /* 1: it has checksums; 0: carved before carve recorded them;
                                            * -1: they are unreadable (every read goes to the origin) */
    carve_replay_counters_t    counters;   /* this process, every open */
    unsigned                   users;      /* open files using it */
    int                        stale;      /* the file changed since: new opens parse it again */
    carve_log_t                log;        /* the most verbose log setting any open asked for */
    struct replay_container_t *next;
} replay_container_t;

/* What this process verified of one dataset's stored units (replaying_verify), shared by every open. */
typedef struct replay_check_t {
    int                              looked_up;
    const carve_integrity_dataset_t *table;    /* its checksums; NULL: none recorded (damage) */
    unsigned char                   *verified; /* per entry of table: 0 not yet, 1 matches, 2 damaged */
    size_t                           good;     /* entries found to match: all -> nothing left to check */
    int                              said;     /* its damage was reported on stderr */
} replay_check_t;

/* Whether the origin of an open file can serve reads. */
typedef enum replay_origin_state_t {
    ORIGIN_UNCHECKED = 0, /* not opened yet (its stamp checked at open) */
    ORIGIN_OPEN,          /* open and checked: misses are read from it */
    ORIGIN_UNAVAILABLE    /* missing, changed or unreachable: problem says why */
} replay_origin_state_t;

/* One open of a file in replay mode (carve_file_ctx_t.replaying). */
struct carve_replaying_t {
    replay_container_t   *container;
    char                 *open_name;        /* the name the program opened */
    char                 *origin_name;      /* where misses are read: the override, or the manifest's origin */
    char                 *origin_shown;     /* origin_name for messages, with its location when that differs */
    int                   origin_overridden;
    hid_t                 origin_fapl;      /* access list for the origin, selecting the connector below */
    hid_t                 program_fapl;     /* the access list the program opened the file with (H5Fget_access_plist) */
    void                 *origin_file;      /* the origin below carve, once opened */
    replay_origin_state_t origin_state;
    char                 *origin_problem;   /* ORIGIN_UNAVAILABLE: why, for messages */
    unsigned long         container_fileno; /* identifies the container's objects (replaying_rehome) */
    carve_on_change_t     on_change;
    carve_log_t           log;
    int                   read_through;
    void                 *lib_state;        /* HDF5's API state when the program opened the file (below) */
    carve_file_ctx_t     *ctx;              /* the file context this state belongs to */
    struct carve_replaying_t *live_next;    /* every open replayed file of the process (live_g) */
};

/* Replay state of one dataset object (carve_obj_t.replay). */
struct carve_replay_dataset_t {
    int           resolved;
    int           foreign;     /* an object of a file that is not replayed (a link's target without a
                                * container): read as it is, from where it is */
    char         *path;        /* its path in the container, which is its path in the origin */
    size_t        entry;       /* index in the manifest, or SIZE_MAX: nothing held */
    carve_held_t *held;        /* shared with the container entry; NULL: nothing held */
    size_t        elem_size;   /* of its datatype in the file */
    int           has_refs;    /* its values hold references (they point into the container) */
    int           has_pointers; /* its values hold variable-length data or references */
    hid_t         dapl;        /* the access list it was opened with, for the origin's dataset */
    hid_t         space;       /* its dataspace, all selected (a read of H5S_ALL), once resolved */
    void         *origin_dset; /* the origin's dataset below carve, once a read needed it */
};

/*
 * Process-wide: the containers opened in replay mode, each parsed once however often the program opens
 * its file (a program opening a file a thousand times would otherwise parse its manifest a thousand
 * times), and whose counters are reported once, at shutdown. Touched only from VOL callbacks, which HDF5
 * serialises, and from the shutdown handler.
 */
static replay_container_t *containers_g = NULL;

/*
 * Process-wide: every replayed file open now, so that a dataset HDF5 reaches through an external link
 * (it then belongs to the context of the file holding the link) is served by the replay state of the file
 * it lives in (replaying_rehome). Same serialisation as containers_g.
 */
static carve_replaying_t *live_g = NULL;

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

/* The current error stack as one line (carve's messages, or else the innermost one); clears it. */
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
 * Containers (process-wide)
 * ------------------------------------------------------------------------------------------------- */

static void
replaying_container_free(replay_container_t *c)
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
    free(c->path);
    free(c);
}

/* The shared entry of a container, parsed now unless an unchanged copy is parsed already. */
static replay_container_t *
replaying_container_get(const char *path)
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
        int found = 0;

        carve_integrity_init(&c->integrity);
        if (carve_container_read_integrity(path, &c->integrity, &found) < 0) {
            /* Damaged checksums: nothing the container stores can be trusted; said at the first read. */
            H5Eclear2(H5E_DEFAULT);
            c->checked = -1;
        }
        else
            c->checked = found;
    }
    if (c->manifest.ndatasets && (NULL == (c->held = calloc(c->manifest.ndatasets, sizeof *c->held)) ||
                                  NULL == (c->checks = calloc(c->manifest.ndatasets, sizeof *c->checks))))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory opening container %s", path);
    c->dev   = st.st_dev;
    c->ino   = st.st_ino;
    c->size  = st.st_size;
    c->mtime = st.st_mtim;
    c->next  = containers_g;
    containers_g = c;
    carve_carving_register_shutdown(); /* the entry is freed (and its counters written) at shutdown */
    ret_value    = c;
    c            = NULL;

done:
    CARVE_CLEANUP_BEGIN
    replaying_container_free(c);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The index of a dataset path in a container's manifest, or SIZE_MAX. */
static size_t
replaying_find_dataset(const replay_container_t *c, const char *path)
{
    const carve_manifest_dataset_t *entry = carve_manifest_find_dataset(&c->manifest, path);

    return entry ? (size_t)(entry - c->manifest.datasets) : SIZE_MAX;
}

/* The index of the manifest dataset that is the object with this token, or SIZE_MAX. The tokens of
 * the manifest's datasets are looked up (by path, relative to any object of the container) the first
 * time a dataset is not found by its name; only datasets that hold data are in the manifest. */
static size_t
replaying_find_dataset_by_token(replay_container_t *c, carve_obj_t *o, const H5O_token_t *token)
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
            H5E_BEGIN_TRY
            {
                if (H5VLobject_get(o->under_object, &loc, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) >=
                    0) {
                    c->tokens[i]      = info.token;
                    c->token_known[i] = 1;
                }
            }
            H5E_END_TRY
        }
    }
    for (size_t i = 0; i < c->manifest.ndatasets; i++)
        if (c->token_known[i] && memcmp(&c->tokens[i], token, sizeof *token) == 0)
            return i;
    return SIZE_MAX;
}

/* ---------------------------------------------------------------------------------------------------
 * Opening a file
 * ------------------------------------------------------------------------------------------------- */

int
carve_replaying_has_container(const char *name, const carve_config_t *cfg)
{
    carve_lookup_t lookup;
    int            ret_value;

    carve_carving_register_shutdown(); /* frees the lookup's directory listings */
    if (!name || carve_lookup_container(name, cfg->dir, &lookup) < 0) {
        H5Eclear2(H5E_DEFAULT); /* tried and ignored: the open itself reports an ambiguous name */
        return 0;
    }
    ret_value = lookup.container != NULL;
    carve_lookup_clear(&lookup);
    return ret_value;
}

/* An access list for the origin: the program's (its driver, ROS3 credentials and all) when it fits the
 * origin's kind; otherwise the same list with the driver that does (ROS3 for a URL, with credentials
 * from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_SESSION_TOKEN when set; sec2 for a
 * local file). */
static hid_t
replaying_origin_fapl(hid_t under_fapl, const char *origin_name)
{
    hid_t  fapl      = H5I_INVALID_HID;
    hid_t  driver;
    int    url       = carve_origin_is_url(origin_name);
    hid_t  ret_value = H5I_INVALID_HID;

    if ((fapl = H5Pcopy(under_fapl)) < 0 || (driver = H5Pget_driver(fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot copy an access list");
    if (url && driver != H5FD_ROS3) {
        H5FD_ros3_fapl_t fa;
        const char      *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
        const char      *region = getenv("AWS_REGION"), *token = getenv("AWS_SESSION_TOKEN");

        memset(&fa, 0, sizeof fa);
        fa.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
        if (id && secret && region && *id && *secret && *region) {
            fa.authenticate = 1;
            snprintf(fa.aws_region, sizeof fa.aws_region, "%s", region);
            snprintf(fa.secret_id, sizeof fa.secret_id, "%s", id);
            snprintf(fa.secret_key, sizeof fa.secret_key, "%s", secret);
        }
        if (H5Pset_fapl_ros3(fapl, &fa) < 0 ||
            (fa.authenticate && token && *token && H5Pset_fapl_ros3_token(fapl, token) < 0))
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot set up the ROS3 driver to read the origin %s", origin_name);
    }
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
 * (the whole file read into memory at open) when in_memory allows it. */
static hid_t
replaying_container_fapl(hid_t under_fapl, const replay_container_t *c, long long in_memory)
{
    hid_t fapl      = H5I_INVALID_HID;
    int   in_core   = in_memory < 0 || (in_memory > 0 && (long long)c->size <= in_memory);
    hid_t ret_value = H5I_INVALID_HID;

    if ((fapl = H5Pcopy(under_fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot copy an access list");
    if ((in_core ? H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) : H5Pset_fapl_sec2(fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot set up the driver to read container %s", c->path);
    ret_value = fapl;
    fapl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

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
    r->container->counters.origin_requests += carve_origin_is_url(r->origin_name);
    if (carve_origin_stamp(r->origin_name, r->origin_fapl, &stamp) < 0) {
        char *why = replaying_take_error_text();

        free(r->origin_problem);
        r->origin_problem = NULL;
        if (why && asprintf(&r->origin_problem, "it is not available (%s)", why) < 0)
            r->origin_problem = NULL;
        free(why);
        r->origin_state = ORIGIN_UNAVAILABLE;
        CARVE_GOTO_DONE(1);
    }
    if (replaying_stamps_agree(&r->container->manifest.stamp, &stamp, r->origin_overridden) ||
        r->on_change == CARVE_ON_CHANGE_TRUST)
        CARVE_GOTO_DONE(0);
    change = carve_stamp_describe_change(&r->container->manifest.stamp, &stamp);
    if (r->on_change == CARVE_ON_CHANGE_ERROR) {
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_CHANGED,
                    "origin %s changed since container %s was carved (%s): replay refused; set on_change=hits to "
                    "serve only what the container holds, on_change=trust to read the changed origin anyway, or "
                    "carve again",
                    r->origin_shown, r->container->path, change ? change : "stamp differs");
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
    if (r->program_fapl >= 0)
        H5Pclose(r->program_fapl);
    if (r->lib_state)
        H5VLfree_lib_state(r->lib_state);
    free(r);
}

void *
carve_replaying_open(carve_file_ctx_t *ctx, const char *name, hid_t fapl_id, hid_t under_fapl, hid_t dxpl_id,
                     void **req, int *pass_through)
{
    carve_replaying_t *r = NULL;
    carve_lookup_t     lookup;
    const char        *container_path, *carved_origin;
    hid_t              container_fapl = H5I_INVALID_HID;
    void              *under          = NULL;
    void              *ret_value      = NULL;

    *pass_through = 0;
    memset(&lookup, 0, sizeof lookup);
    carve_carving_register_shutdown(); /* frees the lookup's directory listings, whatever happens next */
    if (carve_lookup_container(name, ctx->config.dir, &lookup) < 0)
        CARVE_GOTO_DONE(NULL);
    if (lookup.how == CARVE_LOOKUP_NONE) {
        *pass_through = 1; /* no container: the file is read as it is */
        CARVE_GOTO_DONE(NULL);
    }
    container_path = lookup.container;
    if (NULL == (r = calloc(1, sizeof *r)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, NULL, "out of memory replaying %s", name);
    r->origin_fapl  = H5I_INVALID_HID;
    r->program_fapl = H5I_INVALID_HID;
    r->on_change    = carve_config_on_change(&ctx->config);
    r->log          = carve_config_log(&ctx->config);
    r->read_through = carve_config_read_through(&ctx->config);
    if (NULL == (r->container = replaying_container_get(container_path)))
        CARVE_GOTO_DONE(NULL);
    r->container->users++;
    if (r->log > r->container->log)
        r->container->log = r->log;
    carved_origin = r->container->manifest.origin ? r->container->manifest.origin : "";
    if (lookup.how == CARVE_LOOKUP_EXACT && strcmp(carved_origin, lookup.location) != 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, NULL,
                         "container %s found for %s belongs to another origin (%s): move it away", container_path,
                         lookup.location, carved_origin);
    r->origin_overridden = ctx->config.origin != NULL;
    /* Misses are read from: the origin setting; else the file the program named, when it is there (a
     * relocated origin was matched by its stamp); else where the origin was carved from. */
    if (NULL == (r->open_name = strdup(name)) ||
        NULL == (r->origin_name = strdup(ctx->config.origin ? ctx->config.origin
                                         : lookup.how == CARVE_LOOKUP_DIRECT ||
                                                 (lookup.how == CARVE_LOOKUP_RELOCATED && access(name, F_OK) != 0)
                                             ? carved_origin
                                             : name)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, NULL, "out of memory replaying %s", name);
    if (strcmp(r->origin_name, carved_origin) == 0 || r->origin_overridden)
        r->origin_shown = strdup(r->origin_name);
    else if (asprintf(&r->origin_shown, "%s (%s)", r->origin_name, carved_origin) < 0)
        r->origin_shown = NULL;
    if (!r->origin_shown)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, NULL, "out of memory replaying %s", name);
    if (r->read_through && r->origin_overridden)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                         "read_through=yes with origin=%s: read-through adds misses to the container of the origin "
                         "it was carved from (%s), so it needs that origin, not a relocated one",
                         r->origin_name, r->container->manifest.origin);
    if ((r->origin_fapl = replaying_origin_fapl(under_fapl, r->origin_name)) < 0)
        CARVE_GOTO_DONE(NULL);
    if ((r->program_fapl = H5Pcopy(fapl_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, NULL, "cannot keep the access list of %s", name);
    /* The origin's stamp is checked at open (one stat, or one HEAD request for a URL), so that a changed
     * origin is refused before anything is served, hits included: a run on the changed origin would read
     * other values. on_change=trust asks for no check. */
    if (r->on_change != CARVE_ON_CHANGE_TRUST) {
        if (carve_origin_is_url(r->origin_name)) {
            carve_carving_register_shutdown();
            carve_carving_use_network();
        }
        if (replaying_check_stamp(r) < 0)
            CARVE_GOTO_DONE(NULL);
    }

    if ((container_fapl = replaying_container_fapl(under_fapl, r->container, carve_config_in_memory(&ctx->config))) < 0)
        CARVE_GOTO_DONE(NULL);
    if (NULL == (under = H5VLfile_open(container_path, H5F_ACC_RDONLY, container_fapl, dxpl_id, req)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, NULL, "cannot open container %s to replay %s",
                         container_path, name);
    {
        H5O_info2_t info;

        if (carve_under_info(under, ctx->under_vol_id, H5I_FILE, &info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, NULL, "cannot identify container %s",
                             container_path);
        r->container_fileno = info.fileno;
    }
    /* The native connector opens a file for the connector named in HDF5's API context, which only a file
     * open sets: the context of this open is kept for the origin's open, at the first read it serves
     * (the way asynchronous connectors carry an operation's context to a later time). */
    if (H5VLretrieve_lib_state(&r->lib_state) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, NULL, "cannot keep HDF5's state to open the origin later");
    carve_carving_register_shutdown();
    if (carve_origin_is_url(r->origin_name))
        carve_carving_use_network();
    /* External links of replayed files are followed to their targets' containers (carve_elink.c). */
    if (carve_elink_register() < 0)
        CARVE_GOTO_DONE(NULL);
    ctx->replaying = r;
    r->ctx         = ctx;
    r->live_next   = live_g;
    live_g         = r;
    r              = NULL;
    ret_value      = under;
    under          = NULL;

done:
    CARVE_CLEANUP_BEGIN
    if (under)
        H5VLfile_close(under, ctx->under_vol_id, dxpl_id, NULL);
    if (container_fapl >= 0)
        H5Pclose(container_fapl);
    if (r && r->container)
        r->container->users--;
    replaying_free(r);
    CARVE_CLEANUP_END
    carve_lookup_clear(&lookup);
    return ret_value;
}

herr_t
carve_replaying_finish(carve_file_ctx_t *ctx)
{
    carve_replaying_t *r = ctx->replaying;
    herr_t             ret_value = 0;

    if (!r)
        return 0;
    ctx->replaying = NULL;
    for (carve_replaying_t **link = &live_g; *link; link = &(*link)->live_next)
        if (*link == r) {
            *link = r->live_next;
            break;
        }
    if (r->origin_file && H5VLfile_close(r->origin_file, ctx->under_vol_id, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, "cannot close the origin %s", r->origin_name), ret_value = -1;
    r->container->users--;
    replaying_free(r);
    return ret_value;
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

    if (H5VLintrospect_opt_query(file, under_vol_id, H5VL_SUBCLS_FILE, H5VL_NATIVE_FILE_POST_OPEN, &supported) < 0)
        return -1;
    if (!(supported & H5VL_OPT_QUERY_SUPPORTED))
        return 0;
    args.op_type = H5VL_NATIVE_FILE_POST_OPEN;
    args.args    = NULL;
    return H5VLfile_optional(file, under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL);
}

/* Makes the origin ready to serve a read; on failure pushes why (it is missing, changed, unreachable). */
static herr_t
replaying_origin_ready(carve_file_ctx_t *ctx)
{
    carve_replaying_t *r = ctx->replaying;
    herr_t             ret_value = 0;

    if (r->origin_state == ORIGIN_OPEN)
        CARVE_GOTO_DONE(0);
    /* The stamp was checked at open (carve_replaying_open): a missing or changed origin is UNAVAILABLE. */
    if (r->origin_state == ORIGIN_UNCHECKED) {
        void *file;

        r->container->counters.origin_requests++;
        file = NULL;
        /* A server that ignores byte ranges would make HDF5's ROS3 driver write past its buffer. */
        if (carve_origin_is_url(r->origin_name) && carve_origin_check_ranges(r->origin_name, r->origin_fapl) < 0) {
            char *why = replaying_take_error_text();

            r->origin_state = ORIGIN_UNAVAILABLE;
            free(r->origin_problem);
            if (asprintf(&r->origin_problem, "it cannot be read safely (%s)", why ? why : "no reason given") < 0)
                r->origin_problem = NULL;
            free(why);
            CARVE_GOTO_DONE(-1);
        }
        H5E_BEGIN_TRY
        {
            if (H5VLstart_lib_state() >= 0) {
                if (H5VLrestore_lib_state(r->lib_state) >= 0)
                    file = H5VLfile_open(r->origin_name, H5F_ACC_RDONLY, r->origin_fapl, H5P_DATASET_XFER_DEFAULT,
                                         NULL);
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
            r->origin_file  = file;
            r->origin_state = ORIGIN_OPEN;
            CARVE_GOTO_DONE(0);
        }
        r->origin_state = ORIGIN_UNAVAILABLE;
        {
            char *why = replaying_take_error_text();

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
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, NULL, "it has no dataset %s (origin %s)", rd->path,
                         r->origin_name);
    ret_value = rd->origin_dset;

done:
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Datasets
 * ------------------------------------------------------------------------------------------------- */

/* A dataset HDF5 opened through an external link belongs to the context of the file holding the link;
 * when the file it lives in is a replayed container open in this process, it moves to that file's context
 * so that its reads are split by what that container holds. Only when more than one file is replayed. */
static void
replaying_rehome(carve_obj_t *o)
{
    H5O_info2_t info;

    if (!live_g || (live_g->ctx == o->ctx && !live_g->live_next))
        return;
    if (carve_under_info(o->under_object, o->under_vol_id, H5I_DATASET, &info) < 0) {
        H5Eclear2(H5E_DEFAULT); /* tried and ignored: the dataset stays where it was opened (resolved at its first read) */
        return;
    }
    if (o->ctx->replaying && info.fileno == o->ctx->replaying->container_fileno)
        return;
    for (carve_replaying_t *r = live_g; r; r = r->live_next)
        if (r->container_fileno == info.fileno && r->ctx != o->ctx) {
            carve_file_ctx_t *was = o->ctx;

            o->ctx          = carve_file_ctx_ref(r->ctx);
            o->under_vol_id = r->ctx->under_vol_id;
            carve_file_ctx_unref(was); /* the file holding the link keeps its own context alive */
            return;
        }
}

carve_file_ctx_t *
carve_replaying_file_of(unsigned long fileno)
{
    for (carve_replaying_t *r = live_g; r; r = r->live_next)
        if (r->container_fileno == fileno)
            return r->ctx;
    return NULL;
}

const char *
carve_replaying_carved_origin(const carve_file_ctx_t *ctx)
{
    const char *origin = ctx->replaying ? ctx->replaying->container->manifest.origin : NULL;

    return origin ? origin : "";
}

/* Whether `from` keeps `ctx` alive, directly or through the files it keeps (depth-limited). */
static int
replaying_keeps(const carve_file_ctx_t *from, const carve_file_ctx_t *ctx, int depth)
{
    if (from == ctx)
        return 1;
    if (depth > 32)
        return 1; /* deeper than any real chain of links: treated as a cycle, not kept */
    for (size_t i = 0; i < from->nkept; i++)
        if (replaying_keeps(from->kept[i], ctx, depth + 1))
            return 1;
    return 0;
}

void
carve_replaying_keep(carve_file_ctx_t *holder, carve_file_ctx_t *target)
{
    carve_file_ctx_t **grown;

    /* Files linking to each other would keep each other alive for ever: a link back is not kept (the
     * target is then opened again at its next traversal). */
    if (replaying_keeps(target, holder, 0))
        return;
    for (size_t i = 0; i < holder->nkept; i++)
        if (holder->kept[i] == target)
            return;
    if (NULL == (grown = realloc(holder->kept, (holder->nkept + 1) * sizeof *grown)))
        return; /* out of memory: the target is then opened again at the next traversal */
    holder->kept                  = grown;
    holder->kept[holder->nkept++] = carve_file_ctx_ref(target);
}

herr_t
carve_replaying_dataset_opened(carve_obj_t *dset, hid_t dapl_id)
{
    carve_replay_dataset_t *rd;

    if (!dset)
        return 0;
    replaying_rehome(dset);
    if (!dset->ctx->replaying)
        return 0;
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

herr_t
carve_replaying_dataset_closed(carve_obj_t *dset)
{
    carve_replay_dataset_t *rd = dset->replay;
    herr_t                  ret_value = 0;

    if (!rd)
        return 0;
    dset->replay = NULL;
    if (rd->origin_dset &&
        H5VLdataset_close(rd->origin_dset, dset->under_vol_id, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, "cannot close the origin's dataset %s", rd->path);
        ret_value = -1;
    }
    if (rd->dapl >= 0)
        H5Pclose(rd->dapl);
    if (rd->space >= 0)
        H5Sclose(rd->space);
    free(rd->path);
    free(rd);
    return ret_value;
}

/* The path HDF5 knows for an object below carve (the one it was opened by, or one found in the file). */
static char *
replaying_object_path(carve_obj_t *o)
{
    H5VL_loc_params_t      loc;
    H5VL_object_get_args_t args;
    size_t                 len = 0;
    char                  *path;

    memset(&loc, 0, sizeof loc);
    loc.type                       = H5VL_OBJECT_BY_SELF;
    loc.obj_type                   = H5I_DATASET;
    args.op_type                   = H5VL_OBJECT_GET_NAME;
    args.args.get_name.buf_size    = 0;
    args.args.get_name.buf         = NULL;
    args.args.get_name.name_len    = &len;
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
    hid_t                   type = H5I_INVALID_HID;
    herr_t                  ret_value = 0;

    if (rd->resolved)
        return 0;
    {
        H5O_info2_t info;

        if (carve_under_info(o->under_object, o->under_vol_id, H5I_DATASET, &info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot identify a dataset being read");
        if (info.fileno != o->ctx->replaying->container_fileno) {
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
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot read the datatype of %s", rd->path);
    type                         = args.args.get_type.type_id;
    args.op_type                 = H5VL_DATASET_GET_SPACE;
    args.args.get_space.space_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot read the dataspace of %s", rd->path);
    rd->space     = args.args.get_space.space_id; /* a replayed file is read-only: its extent stays */
    rd->elem_size = H5Tget_size(type);
    rd->has_refs  = H5Tdetect_class(type, H5T_REFERENCE) > 0; /* anywhere inside it */
    rd->has_pointers = carve_skeleton_type_needs_rewrite(type) > 0;
    rd->entry     = replaying_find_dataset(c, rd->path);
    if (rd->entry == SIZE_MAX && c->manifest.ndatasets > 0)
        rd->entry = replaying_find_dataset_by_token(c, o, &token);
    if (rd->entry != SIZE_MAX) {
        if (!c->held[rd->entry]) {
            carve_held_t *held = calloc(1, sizeof *held);

            if (!held)
                CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory reading %s", rd->path);
            if (carve_held_init(held, &c->manifest.datasets[rd->entry]) < 0) {
                free(held);
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                                 "the manifest of container %s is inconsistent for dataset %s", c->path, rd->path);
            }
            c->held[rd->entry] = held;
        }
        rd->held = c->held[rd->entry];
    }
    rd->resolved = 1;

done:
    CARVE_CLEANUP_BEGIN
    if (type >= 0)
        H5Tclose(type);
    CARVE_CLEANUP_END
    return ret_value;
}

/* One dataset of a read, planned: which parts go where. */
typedef struct replay_plan_t {
    carve_split_t split;
    char          damage[512];    /* non-empty: the container's copy is damaged (the read goes to the origin) */
    hid_t         file_space;     /* the read's file selection (H5S_ALL resolved), borrowed */
    hid_t         own_mem_space;  /* made here (H5S_BLOCK resolved) */
    hsize_t       elements;
} replay_plan_t;

/* Fills one plan: resolves the selections and splits them by what the container holds. */
static herr_t
replaying_plan(carve_obj_t *o, hid_t mem_space_id, hid_t file_space_id, replay_plan_t *p)
{
    carve_replay_dataset_t *rd = o->replay;
    hid_t                   fspace = file_space_id, mspace = mem_space_id;
    hssize_t                n;
    herr_t                  ret_value = 0;

    if (file_space_id == H5S_ALL)
        fspace = rd->space;
    else if (file_space_id == H5S_BLOCK || file_space_id == H5S_PLIST)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED, -1,
                         "replay of %s: a file selection given as H5S_BLOCK or H5S_PLIST is not supported", rd->path);
    if ((n = H5Sget_select_npoints(fspace)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot count the selection read from %s", rd->path);
    p->elements   = (hsize_t)n;
    p->file_space = fspace;
    if (!rd->held || n == 0) {
        p->split.kind          = n == 0 ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS;
        p->split.hit_elements  = 0;
        p->split.miss_elements = (hsize_t)n;
        CARVE_GOTO_DONE(0);
    }
    if (mem_space_id == H5S_ALL)
        mspace = fspace;
    else if (mem_space_id == H5S_BLOCK) {
        hsize_t count = (hsize_t)n;

        if ((mspace = p->own_mem_space = H5Screate_simple(1, &count, NULL)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot make a memory dataspace");
    }
    else if (mem_space_id == H5S_PLIST)
        mspace = H5I_INVALID_HID; /* only a partial read needs it: refused there */
    if (carve_split_read(rd->held, fspace, mspace, &p->split) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot split a read of %s", rd->path);

done:
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Integrity: every stored unit a read would be served from, checked once per process
 * ------------------------------------------------------------------------------------------------- */

/* Reads one stored chunk of the container raw and compares it with its checksum: 1 matches, 0 not. */
static int
replaying_chunk_matches(carve_obj_t *o, const hsize_t *offset, const carve_integrity_entry_t *e)
{
    H5VL_optional_args_t                args;
    H5VL_native_dataset_optional_args_t native;
    hsize_t                             size = 0;
    void                               *buf;
    int                                 ok = 0;

    args.op_type                         = H5VL_NATIVE_DATASET_GET_CHUNK_STORAGE_SIZE;
    args.args                            = &native;
    native.get_chunk_storage_size.offset = offset;
    native.get_chunk_storage_size.size   = &size;
    if (H5VLdataset_optional(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        H5Eclear2(H5E_DEFAULT); /* tried: a chunk that cannot be looked up does not match */
        return 0;
    }
    if (size != e->size || NULL == (buf = malloc((size_t)size)))
        return 0;
    args.op_type              = H5VL_NATIVE_DATASET_CHUNK_READ;
    native.chunk_read.offset  = offset;
    native.chunk_read.filters = 0;
    native.chunk_read.buf     = buf;
    if (H5VLdataset_optional(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL) < 0)
        H5Eclear2(H5E_DEFAULT); /* tried: an unreadable chunk does not match */
    else
        ok = carve_integrity_hash(buf, (size_t)size) == e->hash;
    free(buf);
    return ok;
}

/* An unchunked dataset (a scalar) read whole with its file type, against its checksum: 1 matches, 0 not. */
static int
replaying_whole_matches(carve_obj_t *o, const carve_integrity_entry_t *e)
{
    H5VL_dataset_get_args_t get;
    hid_t                   type, all = H5S_ALL;
    void                   *buf, *under = o->under_object;
    int                     ok = 0;

    get.op_type               = H5VL_DATASET_GET_TYPE;
    get.args.get_type.type_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &get, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    type = get.args.get_type.type_id;
    if ((buf = calloc(1, e->size ? (size_t)e->size : 1)) != NULL) {
        if (H5VLdataset_read(1, &under, o->under_vol_id, &type, &all, &all, H5P_DATASET_XFER_DEFAULT, &buf, NULL) < 0)
            H5Eclear2(H5E_DEFAULT);
        else
            ok = carve_integrity_hash(buf, (size_t)e->size) == e->hash;
        free(buf);
    }
    H5Tclose(type);
    return ok;
}

/* Checks one chunk (grid coordinates) a read's container part touches. 0: it matches (or the read takes
 * nothing from it), 1: damage, described in what. */
static int
replaying_verify_chunk(carve_obj_t *o, replay_check_t *chk, const carve_manifest_dataset_t *md, hid_t space,
                       const hsize_t *coords, char *what, size_t what_size)
{
    hsize_t                        start[H5S_MAX_RANK], end[H5S_MAX_RANK];
    uint64_t                       index = carve_chunkset_index(&md->chunks, coords); /* the container's grid */
    const carve_integrity_entry_t *e;
    size_t                         at;
    char                           shown[160] = "";
    size_t                         used       = 0;

    for (int d = 0; d < md->rank; d++) {
        int n;

        start[d] = coords[d] * md->chunk[d];
        end[d]   = start[d] + md->chunk[d] - 1 < md->dims[d] - 1 ? start[d] + md->chunk[d] - 1 : md->dims[d] - 1;
        n        = snprintf(shown + used, sizeof shown - used, "%s%" PRIuHSIZE, d ? ", " : "", coords[d]);
        if (n > 0 && used + (size_t)n < sizeof shown)
            used += (size_t)n;
    }
    if (H5Sselect_intersect_block(space, start, end) <= 0)
        return 0;
    if ((e = carve_integrity_find_chunk(chk->table, index)) == NULL) {
        snprintf(what, what_size, "the manifest claims chunk [%s], which the container's checksums do not list", shown);
        return 1;
    }
    at = (size_t)(e - chk->table->entries);
    if (chk->verified[at] == 0) {
        chk->verified[at] = e->size == 0 || replaying_chunk_matches(o, start, e) ? 1 : 2;
        if (chk->verified[at] == 1)
            chk->good++;
    }
    if (chk->verified[at] == 2) {
        snprintf(what, what_size, "chunk [%s] does not match its checksum", shown);
        return 1;
    }
    return 0;
}

/*
 * Before a read is served from the container: every stored unit its container part touches must match
 * the checksum the commit recorded (each unit checked once per process, whoever opened the dataset).
 * Returns 0 when they do (or the container predates checksums), 1 on damage (what says which), -1 on
 * failure. Once every unit of a dataset matched, a read costs one comparison.
 */
static int
replaying_verify(carve_obj_t *o, hid_t space, char *what, size_t what_size)
{
    carve_replay_dataset_t         *rd = o->replay;
    replay_container_t             *c  = o->ctx->replaying->container;
    const carve_manifest_dataset_t *md;
    replay_check_t                 *chk;
    hsize_t                         lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], clo[H5S_MAX_RANK], chi[H5S_MAX_RANK];
    hsize_t                         coords[H5S_MAX_RANK], nbox = 1;

    if (c->checked == 0 || rd->entry == SIZE_MAX)
        return 0;
    if (c->checked < 0) {
        snprintf(what, what_size, "its checksums are unreadable");
        return 1;
    }
    md  = &c->manifest.datasets[rd->entry];
    chk = &c->checks[rd->entry];
    if (!chk->looked_up) {
        if ((chk->table = carve_integrity_find(&c->integrity, md->path)) != NULL && chk->table->n &&
            NULL == (chk->verified = calloc(chk->table->n, 1))) {
            CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory checking %s", md->path);
            return -1;
        }
        chk->looked_up = 1;
    }
    if (!chk->table) {
        snprintf(what, what_size, "the container records no checksums for it");
        return 1;
    }
    if (chk->good == chk->table->n)
        return 0; /* everything it stores was checked already */
    if (!md->chunked) {
        const carve_integrity_entry_t *e = carve_integrity_find_chunk(chk->table, CARVE_INTEGRITY_WHOLE);

        if (!e)
            return 0; /* values holding pointers: not covered (carve_integrity.h) */
        if (chk->verified[0] == 0) {
            chk->verified[0] = replaying_whole_matches(o, e) ? 1 : 2;
            chk->good += chk->verified[0] == 1;
        }
        if (chk->verified[0] == 2) {
            snprintf(what, what_size, "its stored values do not match their checksum");
            return 1;
        }
        return 0;
    }
    if (H5Sget_select_bounds(space, lo, hi) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot bound a read of %s", md->path);
        return -1;
    }
    for (int d = 0; d < md->rank; d++) {
        clo[d] = lo[d] / md->chunk[d];
        chi[d] = hi[d] / md->chunk[d];
        /* Counted up to just past the limit below: a product of large extents must not wrap around. */
        nbox = nbox > 4096 ? nbox : nbox * (chi[d] - clo[d] + 1);
    }
    if (nbox <= 4096) {
        /* Every chunk of the read's bounding box the read takes something from. */
        memcpy(coords, clo, (size_t)md->rank * sizeof *coords);
        for (;;) {
            int d;

            if (replaying_verify_chunk(o, chk, md, space, coords, what, what_size))
                return 1;
            for (d = md->rank - 1; d >= 0; d--) {
                if (coords[d] < chi[d]) {
                    coords[d]++;
                    break;
                }
                coords[d] = clo[d];
            }
            if (d < 0)
                return 0;
        }
    }
    if (rd->held && rd->held->by_chunks) {
        /* A chunk store read spanning many chunks: each chunk the manifest claims in its box. */
        for (size_t i = 0; i < rd->held->chunks.n; i++) {
            int inside = 1;

            carve_chunkset_coords(&rd->held->chunks, i, coords);
            for (int d = 0; d < md->rank; d++)
                inside = inside && coords[d] >= clo[d] && coords[d] <= chi[d];
            if (inside && replaying_verify_chunk(o, chk, md, space, coords, what, what_size))
                return 1;
        }
        return 0;
    }
    /* An element store read spanning many chunks: each stored chunk in its box. */
    for (size_t i = 0; i < chk->table->n; i++) {
        int inside = 1;

        carve_chunkset_index_coords(&md->chunks, chk->table->entries[i].chunk, coords);
        for (int d = 0; d < md->rank; d++)
            inside = inside && coords[d] >= clo[d] && coords[d] <= chi[d];
        if (inside && replaying_verify_chunk(o, chk, md, space, coords, what, what_size))
            return 1;
    }
    return 0;
}

/* Says why a read cannot be served: dataset, selection, and what is wrong with the origin. */
static void
replaying_report_miss(carve_obj_t *o, const replay_plan_t *p, const char *why)
{
    carve_replay_dataset_t *rd   = o->replay;
    carve_replaying_t      *r    = o->ctx->replaying;
    char                   *what = NULL;
    what = carve_split_describe(p->file_space);
    if (p->damage[0])
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT,
                    "cannot read %s (%s): container %s holds it damaged (%s), and the origin %s cannot serve it: %s",
                    rd->path, what ? what : "selection", r->container->path, p->damage, r->origin_shown, why);
    else
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING,
                    "cannot read %s (%s): %" PRIuHSIZE " of its %" PRIuHSIZE
                    " elements are not in container %s, and the origin %s cannot serve them: %s",
                    rd->path, what ? what : "selection", p->split.miss_elements, p->elements, r->container->path,
                    r->origin_shown, why);
    free(what);
}

herr_t
carve_replaying_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[], hid_t file_space_id[],
                     hid_t plist_id, void *buf[], void **req)
{
    carve_obj_t        *first = dset[0];
    carve_replaying_t  *r     = first->ctx->replaying;
    replay_container_t *c     = r->container;
    replay_plan_t       plan_stack[REPLAY_STACK_COUNT];
    void               *obj_stack[2 * REPLAY_STACK_COUNT];
    hid_t               id_stack[6 * REPLAY_STACK_COUNT];
    void               *buf_stack[2 * REPLAY_STACK_COUNT];
    replay_plan_t      *plan   = plan_stack;
    void              **cobj = obj_stack, **oobj;           /* container side, origin side */
    hid_t              *ctype = id_stack, *cmem, *cfile, *otype, *omem, *ofile;
    void              **cbuf = buf_stack, **obuf;
    size_t              nc = 0, no = 0;
    herr_t              ret_value = 0;

    if (count > REPLAY_STACK_COUNT) {
        plan  = calloc(count, sizeof *plan);
        cobj  = calloc(2 * count, sizeof *cobj);
        ctype = calloc(6 * count, sizeof *ctype);
        cbuf  = calloc(2 * count, sizeof *cbuf);
        if (!plan || !cobj || !ctype || !cbuf)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory for a %zu-dataset read", count);
    }
    oobj  = cobj + count;
    cmem  = ctype + count;
    cfile = ctype + 2 * count;
    otype = ctype + 3 * count;
    omem  = ctype + 4 * count;
    ofile = ctype + 5 * count;
    obuf  = cbuf + count;
    for (size_t i = 0; i < count; i++) {
        memset(&plan[i], 0, sizeof plan[i]);
        plan[i].split.hit_file = plan[i].split.hit_mem = H5I_INVALID_HID;
        plan[i].split.miss_file = plan[i].split.miss_mem = H5I_INVALID_HID;
        plan[i].file_space = plan[i].own_mem_space = H5I_INVALID_HID;
    }

    /* Plan every dataset, then make sure the origin can serve what is missing, before reading anything. */
    for (size_t i = 0; i < count; i++) {
        carve_obj_t *o = dset[i];

        if (!o->replay && carve_replaying_dataset_opened(o, H5P_DEFAULT) < 0)
            CARVE_GOTO_DONE(-1);
        if (replaying_resolve_dataset(o) < 0)
            CARVE_GOTO_DONE(-1);
        if (o->replay->foreign) {
            plan[i].split.kind = CARVE_SPLIT_HIT; /* read as it is, from where it is */
            continue;
        }
        if (replaying_plan(o, mem_space_id[i], file_space_id[i], &plan[i]) < 0)
            CARVE_GOTO_DONE(-1);
        if (plan[i].split.kind != CARVE_SPLIT_MISS) {
            int damaged = replaying_verify(o, plan[i].split.kind == CARVE_SPLIT_HIT ? plan[i].file_space
                                                                                    : plan[i].split.hit_file,
                                           plan[i].damage, sizeof plan[i].damage);

            if (damaged < 0)
                CARVE_GOTO_DONE(-1);
            if (damaged) {
                /* Never serve a damaged byte: the whole read goes to the origin. */
                carve_split_clear(&plan[i].split);
                plan[i].split.kind          = CARVE_SPLIT_MISS;
                plan[i].split.hit_elements  = 0;
                plan[i].split.miss_elements = plan[i].elements;
                c->counters.damaged++;
            }
        }
    }
    for (size_t i = 0; i < count; i++) {
        carve_obj_t *o = dset[i];

        if (plan[i].split.kind == CARVE_SPLIT_HIT)
            continue;
        if (o->replay->has_refs)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED, -1,
                             "cannot read %s: its values are references and the part read is not in container %s "
                             "(carve serves references only from the container, where they point into it)",
                             o->replay->path, c->path);
        if (plan[i].split.kind == CARVE_SPLIT_PARTIAL && mem_space_id[i] == H5S_PLIST)
            CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNSUPPORTED, -1,
                             "replay of %s: a memory selection given as H5S_PLIST is not supported for a read split "
                             "between the container and the origin", o->replay->path);
        if (plan[i].damage[0] && replaying_origin_dataset(o)) {
            replay_check_t *chk = &c->checks[o->replay->entry];

            if (!chk->said) {
                chk->said = 1;
                fprintf(stderr, "carve: container %s: %s: %s; read from the origin %s instead\n", c->path,
                        o->replay->path, plan[i].damage, r->origin_shown);
            }
        }
        if (!replaying_origin_dataset(o)) {
            char *why = r->origin_state == ORIGIN_UNAVAILABLE && r->origin_problem ? strdup(r->origin_problem)
                                                                                   : replaying_take_error_text();

            H5Eclear2(H5E_DEFAULT);
            replaying_report_miss(o, &plan[i], why ? why : "cannot be read");
            free(why);
            CARVE_GOTO_DONE(-1);
        }
    }

    for (size_t i = 0; i < count; i++) {
        carve_obj_t   *o = dset[i];
        replay_plan_t *p = &plan[i];

        switch (p->split.kind) {
            case CARVE_SPLIT_HIT:
                cobj[nc] = o->under_object, ctype[nc] = mem_type_id[i], cmem[nc] = mem_space_id[i];
                cfile[nc] = file_space_id[i], cbuf[nc++] = buf[i];
                break;
            case CARVE_SPLIT_MISS:
                oobj[no] = o->replay->origin_dset, otype[no] = mem_type_id[i], omem[no] = mem_space_id[i];
                ofile[no] = file_space_id[i], obuf[no++] = buf[i];
                break;
            case CARVE_SPLIT_PARTIAL:
                cobj[nc] = o->under_object, ctype[nc] = mem_type_id[i], cmem[nc] = p->split.hit_mem;
                cfile[nc] = p->split.hit_file, cbuf[nc++] = buf[i];
                oobj[no] = o->replay->origin_dset, otype[no] = mem_type_id[i], omem[no] = p->split.miss_mem;
                ofile[no] = p->split.miss_file, obuf[no++] = buf[i];
                break;
        }
    }
    /* One read below per side; an asynchronous request is passed on only when there is one read. */
    if (nc && H5VLdataset_read(nc, cobj, first->under_vol_id, ctype, cmem, cfile, plist_id, cbuf,
                               no ? NULL : req) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot read from container %s", c->path);
    if (no) {
        c->counters.origin_requests++;
        if (H5VLdataset_read(no, oobj, first->under_vol_id, otype, omem, ofile, plist_id, obuf, nc ? NULL : req) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot read from the origin %s",
                             r->origin_name);
    }
    if (nc && no && req)
        *req = NULL;

    for (size_t i = 0; i < count; i++) {
        carve_obj_t            *o  = dset[i];
        carve_replay_dataset_t *rd = o->replay;
        replay_plan_t          *p  = &plan[i];

        if (rd->foreign)
            continue;
        c->counters.reads++;
        c->counters.bytes_container += (uint64_t)(p->elements - p->split.miss_elements) * rd->elem_size;
        c->counters.bytes_origin += (uint64_t)p->split.miss_elements * rd->elem_size;
        if (p->split.kind == CARVE_SPLIT_HIT)
            c->counters.hits++;
        else if (p->split.kind == CARVE_SPLIT_MISS)
            c->counters.misses++;
        else
            c->counters.partial++;
        if (p->split.kind != CARVE_SPLIT_HIT && r->read_through &&
            carve_carving_record_origin_read(o->ctx, r->origin_name, r->origin_fapl, rd->origin_dset,
                                             file_space_id[i]) < 0) /* the whole read, as carving records it */
            CARVE_GOTO_DONE(-1);
        if (r->log >= CARVE_LOG_READS) {
            static const char *kinds[] = {"hit", "miss", "partial"};

            fprintf(stderr, "carve: replay %s %s: %s, %" PRIuHSIZE " elements from the container, %" PRIuHSIZE
                            " from the origin\n",
                    r->open_name, rd->path, kinds[p->split.kind], p->elements - p->split.miss_elements,
                    p->split.miss_elements);
        }
    }

done:
    CARVE_CLEANUP_BEGIN
    for (size_t i = 0; i < count; i++) {
        carve_split_clear(&plan[i].split);
        if (plan[i].own_mem_space >= 0)
            H5Sclose(plan[i].own_mem_space);
    }
    CARVE_CLEANUP_END
    if (plan != plan_stack)
        free(plan);
    if (cobj != obj_stack)
        free(cobj);
    if (ctype != id_stack)
        free(ctype);
    if (cbuf != buf_stack)
        free(cbuf);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * What the program sees of the origin rather than the container
 * ------------------------------------------------------------------------------------------------- */

/*
 * The origin's creation list of a dataset whose values hold variable-length data or references, stored
 * in the container with another layout: the container's list (its fill value is the origin's, stored
 * properly by the skeleton) with the origin's layout. The encoded list in the manifest is not decoded for
 * these types: containers carved by carve 0.1 encoded such a fill value with its memory pointers, which
 * HDF5 would follow when the decoded list is used or closed.
 */
static int
replaying_presented_dcpl(carve_obj_t *o, const carve_manifest_dataset_t *entry, H5VL_dataset_get_args_t *args)
{
    H5VL_dataset_get_args_t get;
    const char             *layout = entry->origin_layout ? entry->origin_layout : "";
    hid_t                   dcpl;
    herr_t                  status;

    get.op_type               = H5VL_DATASET_GET_DCPL;
    get.args.get_dcpl.dcpl_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &get, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot read the creation list of %s", entry->path);
        return -1;
    }
    dcpl = get.args.get_dcpl.dcpl_id;
    if (strcmp(layout, "chunked") == 0) /* stored chunked there too: only the allocation time differs */
        status = H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
    else
        status = H5Pset_layout(dcpl, strcmp(layout, "compact") == 0 ? H5D_COMPACT : H5D_CONTIGUOUS) < 0 ||
                         H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_DEFAULT) < 0
                     ? -1
                     : 0;
    if (status < 0) {
        H5Pclose(dcpl);
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot present the creation list of %s", entry->path);
        return -1;
    }
    args->args.get_dcpl.dcpl_id = dcpl;
    return 1;
}

int
carve_replaying_dataset_get(carve_obj_t *o, H5VL_dataset_get_args_t *args)
{
    const carve_manifest_dataset_t *entry;
    void                           *encoded = NULL;
    size_t                          len     = 0;
    hid_t                           dcpl;
    int                             ret_value = 0;

    if (!o->ctx->replaying || args->op_type != H5VL_DATASET_GET_DCPL)
        return 0;
    if (!o->replay && carve_replaying_dataset_opened(o, H5P_DEFAULT) < 0)
        return -1;
    if (replaying_resolve_dataset(o) < 0)
        return -1;
    if (o->replay->foreign || o->replay->entry == SIZE_MAX)
        return 0;
    entry = &o->ctx->replaying->container->manifest.datasets[o->replay->entry];
    if (!entry->origin_dcpl)
        return 0; /* stored with the origin's own layout: the container's list is the origin's */
    if (o->replay->has_pointers)
        return replaying_presented_dcpl(o, entry, args);
    /* Stored with another layout: present the origin's creation list, kept in the manifest. */
    if (carve_base64_decode(entry->origin_dcpl, &encoded, &len) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s: the creation list of %s is unreadable",
                         o->ctx->replaying->container->path, entry->path);
    if ((dcpl = H5Pdecode(encoded)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s: the creation list of %s is unreadable",
                         o->ctx->replaying->container->path, entry->path);
    args->args.get_dcpl.dcpl_id = dcpl;
    ret_value                   = 1;

done:
    free(encoded);
    return ret_value;
}

/* 1 when the container holds this chunk exactly as the origin stores it (raw, filters and all). */
static int
replaying_holds_raw_chunk(carve_obj_t *o, const hsize_t *offset)
{
    carve_replay_dataset_t *rd = o->replay;
    carve_held_t           *held = rd->held;
    hsize_t                 coords[H5S_MAX_RANK];

    if (!held || !held->by_chunks || held->nothing ||
        o->ctx->replaying->container->manifest.datasets[rd->entry].origin_dcpl)
        return 0;
    for (int d = 0; d < held->rank; d++) {
        if (offset[d] % held->chunks.chunk[d] != 0)
            return 0; /* not a chunk's first element: the origin reports the error */
        coords[d] = offset[d] / held->chunks.chunk[d];
        if (coords[d] >= held->chunks.grid[d])
            return 0;
    }
    return carve_chunkset_contains(&held->chunks, coords) == 1;
}

int
carve_replaying_dataset_optional(carve_obj_t *o, H5VL_optional_args_t *args, hid_t dxpl_id)
{
    carve_replaying_t *r = o->ctx->replaying;
    int                op = args->op_type;
    void              *origin_dset;
    int                ret_value = 0;

    if (!r)
        return 0;
    /* Questions about how the origin stores a dataset, and direct chunk reads: the container stores
     * only part of it, so the origin answers (a chunk the container holds raw is read from there). */
    if (op != H5VL_NATIVE_DATASET_CHUNK_READ && op != H5VL_NATIVE_DATASET_GET_CHUNK_STORAGE_SIZE &&
        op != H5VL_NATIVE_DATASET_GET_NUM_CHUNKS && op != H5VL_NATIVE_DATASET_GET_CHUNK_INFO_BY_IDX &&
        op != H5VL_NATIVE_DATASET_GET_CHUNK_INFO_BY_COORD && op != H5VL_NATIVE_DATASET_GET_OFFSET &&
        op != H5VL_NATIVE_DATASET_CHUNK_ITER && op != H5VL_NATIVE_DATASET_GET_VLEN_BUF_SIZE)
        return 0;
    if (!o->replay && carve_replaying_dataset_opened(o, H5P_DEFAULT) < 0)
        return -1;
    if (replaying_resolve_dataset(o) < 0)
        return -1;
    if (o->replay->foreign)
        return 0;
    if (op == H5VL_NATIVE_DATASET_CHUNK_READ) {
        H5VL_native_dataset_optional_args_t *opt = args->args;

        r->container->counters.reads++;
        if (replaying_holds_raw_chunk(o, opt->chunk_read.offset)) {
            r->container->counters.hits++;
            return 0; /* the container's copy */
        }
        r->container->counters.misses++;
    }
    if (op == H5VL_NATIVE_DATASET_GET_VLEN_BUF_SIZE) {
        /* The sizes of variable-length values: the container's when it holds every one selected. */
        H5VL_native_dataset_optional_args_t *opt = args->args;
        carve_split_t                        split;
        int                                  held = 0;

        if (o->replay->held) {
            if (carve_split_read(o->replay->held, opt->get_vlen_buf_size.space_id,
                                 opt->get_vlen_buf_size.space_id, &split) < 0)
                return -1;
            held = split.kind == CARVE_SPLIT_HIT;
            carve_split_clear(&split);
        }
        if (held)
            return 0;
    }
    if (NULL == (origin_dset = replaying_origin_dataset(o))) {
        char *why = r->origin_state == ORIGIN_UNAVAILABLE && r->origin_problem ? strdup(r->origin_problem)
                                                                               : replaying_take_error_text();

        H5Eclear2(H5E_DEFAULT);
        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING,
                    "cannot answer %s for %s from container %s (it holds part of the data only), and the origin "
                    "%s cannot: %s",
                    op == H5VL_NATIVE_DATASET_CHUNK_READ ? "a direct chunk read" : "a question about chunk storage",
                    o->replay->path, r->container->path, r->origin_shown, why ? why : "cannot be read");
        free(why);
        CARVE_GOTO_DONE(-1);
    }
    r->container->counters.origin_requests++;
    if (H5VLdataset_optional(origin_dset, o->under_vol_id, args, dxpl_id, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "the origin %s failed a chunk operation on %s",
                         r->origin_name, o->replay->path);
    ret_value = 1;

done:
    return ret_value;
}

int
carve_replaying_file_get(carve_obj_t *o, H5VL_file_get_args_t *args)
{
    carve_replaying_t *r = o->ctx->replaying;
    size_t             len;

    if (!r || (args->op_type != H5VL_FILE_GET_NAME && args->op_type != H5VL_FILE_GET_FAPL))
        return 0;
    if (args->op_type == H5VL_FILE_GET_FAPL) {
        /* The program's own list (its driver: ROS3 for a URL), not the container's. */
        if ((args->args.get_fapl.fapl_id = H5Pcopy(r->program_fapl)) < 0) {
            CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot copy the access list of %s", r->open_name);
            return -1;
        }
        return 1;
    }
    /* The program opened the origin's name: that is the file's name, not the container's. */
    len = strlen(r->open_name);
    if (args->args.get_name.file_name_len)
        *args->args.get_name.file_name_len = len;
    if (args->args.get_name.buf && args->args.get_name.buf_size > 0) {
        size_t n = len < args->args.get_name.buf_size - 1 ? len : args->args.get_name.buf_size - 1;

        memcpy(args->args.get_name.buf, r->open_name, n);
        args->args.get_name.buf[n] = '\0';
    }
    return 1;
}

int
carve_replaying_file_optional(carve_obj_t *o, H5VL_optional_args_t *args)
{
    carve_replaying_t                *r = o->ctx->replaying;
    H5VL_native_file_optional_args_t *opt;

    if (!r || args->op_type != H5VL_NATIVE_FILE_GET_SIZE || r->container->manifest.stamp.size < 0)
        return 0;
    /* H5Fget_filesize: the origin's size, as its stamp recorded it, not the container's. */
    opt                     = args->args;
    *opt->get_size.size     = (hsize_t)r->container->manifest.stamp.size;
    return 1;
}

/* ---------------------------------------------------------------------------------------------------
 * Shutdown: the counters of this process, into each manifest and (CARVE_LOG) onto stderr
 * ------------------------------------------------------------------------------------------------- */

int
carve_replaying_pending(void)
{
    for (replay_container_t *c = containers_g; c; c = c->next)
        if (c->users > 0)
            return 1;
    return 0;
}

void
carve_replaying_shutdown(void)
{
    replay_container_t **link = &containers_g;

    carve_lookup_reset(); /* directories may change before HDF5 is used again */
    carve_elink_forget(); /* HDF5 forgets registered link classes when it shuts down */

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
                H5Eclear2(H5E_DEFAULT);
            }
            if (c->log >= CARVE_LOG_SUMMARY)
                fprintf(stderr,
                        "carve: replay of %s from %s: %" PRIu64 " reads: %" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64
                        " partial; %" PRIu64 " bytes from the container, %" PRIu64 " from the origin; %" PRIu64
                        " origin requests\n",
                        c->manifest.origin ? c->manifest.origin : "?", c->path, c->counters.reads, c->counters.hits,
                        c->counters.misses, c->counters.partial, c->counters.bytes_container,
                        c->counters.bytes_origin, c->counters.origin_requests);
            if (c->log >= CARVE_LOG_SUMMARY && c->counters.damaged)
                fprintf(stderr, "carve: %" PRIu64 " of those reads found the container's copy damaged and were "
                                "served by the origin\n", c->counters.damaged);
            memset(&c->counters, 0, sizeof c->counters);
        }
        if (c->users == 0) {
            *link = c->next;
            replaying_container_free(c);
        }
        else
            link = &c->next; /* still open inside HDF5: freed with the process */
    }
}
