/*
 * carve_wrap.c — carve's object wrappers: creating and freeing them, the per-file context they share,
 * and the wrap callbacks HDF5 uses to wrap objects it creates itself (iteration, references, requests).
 */
#include <stdlib.h>
#include <string.h>

#include "carve_vol_internal.h"

carve_file_ctx_t *
carve_file_ctx_ref(carve_file_ctx_t *ctx)
{
    if (ctx)
        ctx->refcount++;
    return ctx;
}

herr_t
carve_file_ctx_unref(carve_file_ctx_t *ctx)
{
    herr_t ret_value;
    hid_t  saved;

    if (!ctx || --ctx->refcount > 0)
        return 0;
    /* The file's last object is gone: the connector below has closed the file; carve it now. */
    ret_value = carve_carving_finish(ctx);
    if (carve_replaying_finish(ctx) < 0)
        ret_value = -1;
    saved     = carve_error_save(); /* closing below calls HDF5's API, which would clear the stack */
    for (size_t i = 0; i < ctx->nkept; i++)
        carve_file_ctx_unref(ctx->kept[i]);
    free(ctx->kept);
    if (ctx->under_vol_info)
        H5VLfree_connector_info(ctx->under_vol_id, ctx->under_vol_info);
    if (ctx->under_vol_id >= 0)
        H5VLclose(ctx->under_vol_id);
    carve_config_clear(&ctx->config);
    free(ctx);
    carve_error_restore(saved);
    return ret_value;
}

carve_obj_t *
carve_obj_new(void *under_object, carve_file_ctx_t *ctx)
{
    carve_obj_t *obj = calloc(1, sizeof *obj);

    if (!obj) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory wrapping an object");
        return NULL;
    }
    obj->under_object = under_object;
    obj->under_vol_id = ctx->under_vol_id;
    obj->ctx          = carve_file_ctx_ref(ctx);
    return obj;
}

herr_t
carve_obj_free(carve_obj_t *obj)
{
    herr_t ret_value;

    if (!obj)
        return 0;
    ret_value = carve_replaying_dataset_closed(obj);
    if (!obj->ctx_borrowed && carve_file_ctx_unref(obj->ctx) < 0)
        ret_value = -1;
    free(obj);
    return ret_value;
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

herr_t
carve_wrap_get_wrap_ctx(const void *obj, void **wrap_ctx)
{
    const carve_obj_t *o         = obj;
    carve_wrap_ctx_t  *ctx       = NULL;
    herr_t             ret_value = 0;

    if (NULL == (ctx = calloc(1, sizeof *ctx)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, -1, "out of memory for a wrap context");
    ctx->under_vol_id = o->under_vol_id;
    if (H5VLget_wrap_ctx(o->under_object, o->under_vol_id, &ctx->under_wrap_ctx) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot get the wrap context of the connector below");
    ctx->ctx  = carve_file_ctx_ref(o->ctx);
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
    hid_t             saved;

    if (!ctx)
        return 0;
    /* Freeing can run while HDF5 unwinds a failed operation: keep the stack intact. */
    saved = carve_error_save();
    if (ctx->under_wrap_ctx && H5VLfree_wrap_ctx(ctx->under_wrap_ctx, ctx->under_vol_id) < 0)
        ret_value = -1;
    carve_file_ctx_unref(ctx->ctx);
    free(ctx);
    carve_error_restore(saved);
    return ret_value;
}
