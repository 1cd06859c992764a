/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_wrap.c — carve's object wrappers: creating and freeing them, the per-file context they share
 * (its references, the files it keeps alive, the process's published contexts), and the wrap callbacks
 * HDF5 uses to wrap objects it creates itself (iteration, references, requests).
 *
 * Knows modes only as the table a context points to (carve_mode.h): it calls through it, never a mode's
 * file, so that the modes can build on it.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_mode.h"

/*
 * Process-wide: the published contexts (replayed files open now), so that a dataset HDF5 reaches through
 * an external link (it then belongs to the context of the file holding the link) is served by the context
 * of the file it lives in (carve_obj_rehome). Touched only from VOL callbacks, which HDF5 serialises.
 */
static carve_file_ctx_t *published_g = NULL;

/* Takes a reference (every object and wrap context holds one). */
static carve_file_ctx_t *
file_ctx_ref(carve_file_ctx_t *ctx)
{
    if (ctx)
        ctx->refcount++;
    return ctx;
}

herr_t
carve_file_ctx_unref(carve_file_ctx_t *ctx)
{
    herr_t ret_value;

    if (!ctx || --ctx->refcount > 0)
        return 0;
    /* The file's last object is gone (the connector below has closed the file): its mode lets it go. */
    ret_value = ctx->mode->file_finish(ctx);
    carve_file_ctx_unpublish(ctx);
    CARVE_CLEANUP_BEGIN /* closing below calls HDF5's API, which would clear the stack */
        for (size_t i = 0; i < ctx->nkept; i++) carve_file_ctx_unref(ctx->kept[i]);
    if (ctx->under_vol_info)
        H5VLfree_connector_info(ctx->under_vol_id, ctx->under_vol_info);
    if (ctx->under_vol_id >= 0)
        H5VLclose(ctx->under_vol_id);
    CARVE_CLEANUP_END
    free(ctx->kept);
    carve_config_clear(&ctx->config);
    free(ctx);
    return ret_value;
}

void
carve_file_ctx_publish(carve_file_ctx_t *ctx)
{
    if (ctx->published)
        return;
    ctx->published      = 1;
    ctx->published_next = published_g;
    published_g         = ctx;
}

void
carve_file_ctx_unpublish(carve_file_ctx_t *ctx)
{
    if (!ctx->published)
        return;
    for (carve_file_ctx_t **link = &published_g; *link; link = &(*link)->published_next)
        if (*link == ctx) {
            *link = ctx->published_next;
            break;
        }
    ctx->published      = 0;
    ctx->published_next = NULL;
}

carve_file_ctx_t *
carve_file_ctx_published(unsigned long fileno)
{
    for (carve_file_ctx_t *c = published_g; c; c = c->published_next)
        if (c->fileno == fileno)
            return c;
    return NULL;
}

/* Whether `from` keeps `ctx` alive, directly or through the files it keeps (depth-limited). */
static int
file_ctx_keeps(const carve_file_ctx_t *from, const carve_file_ctx_t *ctx, int depth)
{
    if (from == ctx)
        return 1;
    if (depth > 32)
        return 1; /* deeper than any real chain of links: treated as a cycle, not kept */
    for (size_t i = 0; i < from->nkept; i++)
        if (file_ctx_keeps(from->kept[i], ctx, depth + 1))
            return 1;
    return 0;
}

void
carve_file_ctx_keep(carve_file_ctx_t *holder, carve_file_ctx_t *target)
{
    carve_file_ctx_t **grown;

    /* Files linking to each other would keep each other alive for ever: a link back is not kept (the
     * target is then opened again at its next traversal). */
    if (file_ctx_keeps(target, holder, 0))
        return;
    for (size_t i = 0; i < holder->nkept; i++)
        if (holder->kept[i] == target)
            return;
    if (NULL == (grown = realloc(holder->kept, (holder->nkept + 1) * sizeof *grown)))
        return; /* out of memory: the target is then opened again at the next traversal */
    holder->kept                  = grown;
    holder->kept[holder->nkept++] = file_ctx_ref(target);
}

/*
 * Freed wrappers kept for the next ones: a metadata-heavy program makes and frees one per object and
 * attribute it opens, and malloc's cost per wrapper was a tenth of mode off's overhead on an attribute
 * walk. Open between the connector's initialize and terminate (carve_plugin.c), which empties it: after
 * that HDF5 may unload the plugin, and what the pool held would be lost.
 */
#define OBJ_POOL_MAX 64
static carve_obj_t *obj_pool_g[OBJ_POOL_MAX];
static size_t       obj_pool_count_g = 0;
static int          obj_pool_open_g  = 0;

void
carve_obj_pool_open(void)
{
    obj_pool_open_g = 1;
}

void
carve_obj_pool_close(void)
{
    obj_pool_open_g = 0;
    while (obj_pool_count_g)
        free(obj_pool_g[--obj_pool_count_g]);
}

carve_obj_t *
carve_obj_new(void *under_object, carve_file_ctx_t *ctx)
{
    carve_obj_t *obj;

    if (obj_pool_count_g) {
        obj = obj_pool_g[--obj_pool_count_g];
        memset(obj, 0, sizeof *obj);
    }
    else if (NULL == (obj = calloc(1, sizeof *obj))) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory wrapping an object");
        return NULL;
    }
    obj->under_object = under_object;
    obj->under_vol_id = ctx->under_vol_id;
    obj->ctx          = file_ctx_ref(ctx);
    return obj;
}

herr_t
carve_obj_free(carve_obj_t *obj)
{
    herr_t ret_value;

    if (!obj)
        return 0;
    ret_value = obj->ctx->mode->object_released(obj);
    if (!obj->ctx_borrowed && carve_file_ctx_unref(obj->ctx) < 0)
        ret_value = -1;
    if (obj_pool_open_g && obj_pool_count_g < OBJ_POOL_MAX)
        obj_pool_g[obj_pool_count_g++] = obj;
    else
        free(obj);
    return ret_value;
}

void
carve_obj_rehome(carve_obj_t *o)
{
    H5O_info2_t info;
    herr_t      got = -1;

    /* Only when a file other than the object's own is published. */
    if (!published_g || (published_g == o->ctx && !published_g->published_next))
        return;
    /* Tried and ignored: the dataset stays where it was opened. */
    CARVE_TRY_IGNORED(got = carve_under_info(o->under_object, o->under_vol_id, H5I_DATASET, &info));
    if (got < 0)
        return;
    if (o->ctx->published && info.fileno == o->ctx->fileno)
        return;
    for (carve_file_ctx_t *c = published_g; c; c = c->published_next)
        if (c->fileno == info.fileno && c != o->ctx) {
            carve_file_ctx_t *was = o->ctx;

            o->ctx          = file_ctx_ref(c);
            o->under_vol_id = c->under_vol_id;
            carve_file_ctx_unref(was); /* the file holding the link keeps its own context alive */
            return;
        }
}

herr_t
carve_obj_opened(carve_obj_t *obj, H5I_type_t type, hid_t apl_id)
{
    if (!obj)
        return 0;
    if (type == H5I_DATASET)
        carve_obj_rehome(obj);
    return obj->ctx->mode->object_opened(obj, type, apl_id);
}

herr_t
carve_under_info(void *under_object, hid_t under_vol_id, H5I_type_t type, H5O_info2_t *info)
{
    H5VL_loc_params_t      loc;
    H5VL_object_get_args_t args;

    memset(&loc, 0, sizeof loc);
    loc.type                  = H5VL_OBJECT_BY_SELF;
    loc.obj_type              = type;
    args.op_type              = H5VL_OBJECT_GET_INFO;
    args.args.get_info.oinfo  = info;
    args.args.get_info.fields = H5O_INFO_BASIC;
    return H5VLobject_get(under_object, &loc, under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL);
}

void *
carve_under(void *obj)
{
    return obj ? ((carve_obj_t *)obj)->under_object : NULL;
}

void
carve_wrap_request(void **req, carve_obj_t *origin)
{
    carve_obj_t *wrapped;

    if (!req || !*req)
        return;
    wrapped = carve_obj_new(*req, origin->ctx);
    if (wrapped)
        *req = wrapped;
    /* Out of memory: the request stays unwrapped; HDF5 then reports it cannot use it. */
}

carve_obj_t *
carve_wrap_result(void *under, carve_obj_t *parent, void **req)
{
    carve_obj_t *obj;

    if (!under)
        return NULL;
    if (NULL == (obj = carve_obj_new(under, parent->ctx)))
        return NULL;
    carve_wrap_request(req, obj);
    return obj;
}

herr_t
carve_wrap_status(herr_t status, carve_obj_t *origin, void **req)
{
    if (status >= 0)
        carve_wrap_request(req, origin);
    return status;
}

void *
carve_wrap_get_object(const void *obj)
{
    const carve_obj_t *o = obj;

    return H5VLget_object(o->under_object, o->under_vol_id);
}

/* Whether the connector below ctx has wrap contexts (its class's get_wrap_ctx), learnt once per context:
 * native has none, and then HDF5's request for one around every API call costs carve nothing. */
static carve_under_wrap_t
file_ctx_under_wrap(carve_file_ctx_t *ctx, void *under_object)
{
    const H5VL_class_t *cls = NULL;
    herr_t              got = -1;

    if (ctx->under_wrap != CARVE_UNDER_WRAP_UNKNOWN)
        return ctx->under_wrap;
    /* Tried and ignored: not knowing, carve asks the connector below at every call as before. */
    CARVE_TRY_IGNORED(
        got = H5VLintrospect_get_conn_cls(under_object, ctx->under_vol_id, H5VL_GET_CONN_LVL_CURR, &cls));
    if (got < 0 || !cls)
        return CARVE_UNDER_WRAP_OWN;
    ctx->under_wrap = cls->wrap_cls.get_wrap_ctx ? CARVE_UNDER_WRAP_OWN : CARVE_UNDER_WRAP_NONE;
    if (ctx->under_wrap == CARVE_UNDER_WRAP_NONE) {
        ctx->bare_wrap.under_vol_id   = ctx->under_vol_id;
        ctx->bare_wrap.under_wrap_ctx = NULL;
        ctx->bare_wrap.ctx            = ctx;
        ctx->bare_wrap.embedded       = 1;
    }
    return ctx->under_wrap;
}

herr_t
carve_wrap_get_wrap_ctx(const void *obj, void **wrap_ctx)
{
    const carve_obj_t *o         = obj;
    carve_wrap_ctx_t  *ctx       = NULL;
    herr_t             ret_value = 0;

    if (file_ctx_under_wrap(o->ctx, o->under_object) == CARVE_UNDER_WRAP_NONE) {
        /* It holds a reference like any wrap context (the file context outlives what HDF5 wraps with it). */
        *wrap_ctx = &file_ctx_ref(o->ctx)->bare_wrap;
        return 0;
    }
    if (NULL == (ctx = calloc(1, sizeof *ctx)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory for a wrap context");
    ctx->under_vol_id = o->under_vol_id;
    if (H5VLget_wrap_ctx(o->under_object, o->under_vol_id, &ctx->under_wrap_ctx) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "cannot get the wrap context of the connector below");
    ctx->ctx  = file_ctx_ref(o->ctx);
    *wrap_ctx = ctx;
    ctx       = NULL;

done:
    free(ctx);
    return ret_value;
}

void *
carve_wrap_object(void *obj, H5I_type_t obj_type, void *wrap_ctx)
{
    carve_wrap_ctx_t *ctx = wrap_ctx;
    void             *under;
    carve_obj_t      *wrapped;

    if (NULL == (under = H5VLwrap_object(obj, obj_type, ctx->under_vol_id, ctx->under_wrap_ctx)))
        return NULL;
    if (NULL == (wrapped = carve_obj_new(under, ctx->ctx)))
        return NULL;
    if (ctx->ctx->wrap_borrowed) {
        /* The origin's own file object (replay): the context owns the origin, not the reverse. */
        wrapped->ctx_borrowed = 1;
        ctx->ctx->refcount--;
    }
    return wrapped;
}

void *
carve_unwrap_object(void *obj)
{
    carve_obj_t *o = obj;
    void        *under;

    if (NULL == (under = H5VLunwrap_object(o->under_object, o->under_vol_id)))
        return NULL;
    carve_obj_free(o);
    return under;
}

herr_t
carve_wrap_free_wrap_ctx(void *wrap_ctx)
{
    carve_wrap_ctx_t *ctx       = wrap_ctx;
    herr_t            ret_value = 0;
    int               embedded;

    if (!ctx)
        return 0;
    embedded = ctx->embedded; /* the unref below may free an embedded ctx with its file context */
    if (embedded && ctx->ctx->refcount > 1) {
        /* The common case (HDF5 frees the wrap context of every API call): nothing below to free and the
         * file context stays, so nothing here can touch HDF5's error stack. */
        ctx->ctx->refcount--;
        return 0;
    }
    /* Freeing can run while HDF5 unwinds a failed operation: keep the stack intact. */
    CARVE_CLEANUP_BEGIN
    if (ctx->under_wrap_ctx && H5VLfree_wrap_ctx(ctx->under_wrap_ctx, ctx->under_vol_id) < 0)
        ret_value = -1;
    carve_file_ctx_unref(ctx->ctx);
    CARVE_CLEANUP_END
    if (!embedded)
        free(ctx);
    return ret_value;
}
