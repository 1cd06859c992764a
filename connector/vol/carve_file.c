/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_file.c — the file interface: create, open, get, specific, optional, close.
 *
 * Opening or creating a file resolves carve's settings and the connector below (carve_info.c), opens
 * the file through that connector with a copy of the program's access list (its file driver, ROS3
 * credentials and all), and hands HDF5 a carve object sharing a new per-file context.
 */
#include <stdlib.h>

#include "carve_mode.h"
#include "carve_origin.h"

/* The mode a file's settings select. */
static const carve_mode_hooks_t *
file_mode(const carve_config_t *cfg)
{
    switch (cfg->mode) {
        case CARVE_MODE_CARVE:
            return &carve_mode_carve;
        case CARVE_MODE_REPLAY:
            return &carve_mode_replay;
        default:
            return &carve_mode_off;
    }
}

/* Resolves settings and the connector below for fapl_id into a new file context. */
static carve_file_ctx_t *
file_ctx_create(hid_t fapl_id)
{
    carve_file_ctx_t *ctx       = NULL;
    carve_file_ctx_t *ret_value = NULL;

    if (NULL == (ctx = calloc(1, sizeof *ctx)))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, NULL, "out of memory for a file context");
    ctx->refcount = 1;
    ctx->mode     = &carve_mode_off; /* until the settings are known: nothing to finish */
    if (carve_info_resolve_fapl(fapl_id, &ctx->under_vol_id, &ctx->under_vol_info, &ctx->config) < 0) {
        free(ctx);
        ctx = NULL;
        CARVE_GOTO_DONE(NULL);
    }
    ctx->mode = file_mode(&ctx->config);
    ret_value = ctx;

done:
    return ret_value;
}

/*
 * Opens or creates through the connector below. The connector's own error stack is kept for the
 * caller (h5py, for one, reads the errno line of a failed open), and it is printed once, by the
 * program's own API call, not also by the nested one. A file opened that carve then cannot take on is
 * closed again.
 */
static void *
file_open_or_create(const char *name, unsigned flags, hid_t fcpl_id, hid_t fapl_id, hid_t dxpl_id, void **req,
                    int create)
{
    carve_file_ctx_t *ctx          = NULL;
    carve_obj_t      *file         = NULL;
    carve_file_open_t how          = {name, flags, create, fapl_id, H5I_INVALID_HID, dxpl_id, req};
    void             *under        = NULL;
    int               pass_through = 0;
    void             *ret_value    = NULL;

    if (NULL == (ctx = file_ctx_create(fapl_id)))
        CARVE_GOTO_DONE(NULL);
    if ((how.under_fapl = carve_info_under_fapl(fapl_id, ctx->under_vol_id, ctx->under_vol_info)) < 0)
        CARVE_GOTO_DONE(NULL);
    /* The requests this open, its reads and its commit may make. */
    carve_origin_set_timeout(carve_config_timeout(&ctx->config));
    carve_origin_set_parallel(carve_config_parallel(&ctx->config));

    /* The mode may open the file its own way (replay: from its container); otherwise it is opened below. */
    if (NULL == (under = ctx->mode->file_open(ctx, &how, &pass_through)) && !pass_through)
        CARVE_GOTO_DONE(NULL);
    if (!under) {
        /* Quiet, not ignored: a failure stays on the stack, for the program's own call to print. */
        H5E_BEGIN_TRY
        {
            if (create)
                under = H5VLfile_create(name, flags, fcpl_id, how.under_fapl, dxpl_id, req);
            else
                under = H5VLfile_open(name, flags, how.under_fapl, dxpl_id, req);
        }
        H5E_END_TRY
        if (!under)
            CARVE_GOTO_DONE(NULL);
    }
    if (NULL == (file = carve_obj_new(under, ctx)))
        CARVE_GOTO_DONE(NULL);
    if (ctx->mode->file_opened(ctx, &how, under) < 0)
        CARVE_GOTO_DONE(NULL);
    carve_wrap_request(req, file);
    ret_value = file;

done:
    CARVE_CLEANUP_BEGIN
    if (!ret_value && under) {
        if (file)
            file->under_object = NULL; /* closed here, not by carve_obj_free */
        if (H5VLfile_close(under, ctx->under_vol_id, dxpl_id, NULL) < 0 && (create || (flags & H5F_ACC_RDWR)))
            CARVE_DONE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, NULL,
                             "cannot close %s after its %s failed (what was written may not be on disk)",
                             name, create ? "create" : "open");
        carve_obj_free(file);
    }
    if (how.under_fapl >= 0)
        H5Pclose(how.under_fapl);
    carve_file_ctx_unref(ctx);
    CARVE_CLEANUP_END
    return ret_value;
}

void *
carve_file_create(const char *name, unsigned flags, hid_t fcpl_id, hid_t fapl_id, hid_t dxpl_id, void **req)
{
    return file_open_or_create(name, flags, fcpl_id, fapl_id, dxpl_id, req, 1);
}

void *
carve_file_open(const char *name, unsigned flags, hid_t fapl_id, hid_t dxpl_id, void **req)
{
    return file_open_or_create(name, flags, H5P_DEFAULT, fapl_id, dxpl_id, req, 0);
}

herr_t
carve_file_get(void *file, H5VL_file_get_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = file;
    herr_t       ret_value;
    int          answered;

    if ((answered = o->ctx->mode->file_get(o, args)) != 0)
        return answered < 0 ? -1 : 0;
    ret_value = H5VLfile_get(o->under_object, o->under_vol_id, args, dxpl_id, req);
    if (ret_value >= 0)
        carve_wrap_request(req, o);
    return ret_value;
}

/* IS_ACCESSIBLE and DELETE arrive without an object: they act on a file name through a carve FAPL. */
static herr_t
file_specific_by_name_below(H5VL_file_specific_args_t *args, hid_t dxpl_id, void **req)
{
    H5VL_file_specific_args_t under_args = *args;
    carve_config_t            cfg;
    hid_t                     fapl_id =
        args->op_type == H5VL_FILE_IS_ACCESSIBLE ? args->args.is_accessible.fapl_id : args->args.del.fapl_id;
    hid_t  under_vol_id   = H5I_INVALID_HID;
    void  *under_vol_info = NULL;
    hid_t  under_fapl     = H5I_INVALID_HID;
    herr_t ret_value      = 0;

    carve_config_init(&cfg);
    if (carve_info_resolve_fapl(fapl_id, &under_vol_id, &under_vol_info, &cfg) < 0)
        CARVE_GOTO_DONE(-1);
    if ((under_fapl = carve_info_under_fapl(fapl_id, under_vol_id, under_vol_info)) < 0)
        CARVE_GOTO_DONE(-1);
    if (args->op_type == H5VL_FILE_IS_ACCESSIBLE)
        under_args.args.is_accessible.fapl_id = under_fapl;
    else
        under_args.args.del.fapl_id = under_fapl;
    /* A file the mode serves is accessible, even where it is not (replay: its container is there). */
    if (args->op_type == H5VL_FILE_IS_ACCESSIBLE &&
        file_mode(&cfg)->file_accessible(args->args.is_accessible.filename, &cfg) > 0) {
        *args->args.is_accessible.accessible = true;
        CARVE_GOTO_DONE(0);
    }

    /* Quiet, not ignored: a failure stays on the stack, for the program's own call to print. */
    H5E_BEGIN_TRY
    {
        ret_value = H5VLfile_specific(NULL, under_vol_id, &under_args, dxpl_id, req);
    }
    H5E_END_TRY

done:
    CARVE_CLEANUP_BEGIN
    if (under_fapl >= 0)
        H5Pclose(under_fapl);
    if (under_vol_info)
        H5VLfree_connector_info(under_vol_id, under_vol_info);
    if (under_vol_id >= 0)
        H5VLclose(under_vol_id);
    CARVE_CLEANUP_END
    carve_config_clear(&cfg);
    return ret_value;
}

/*
 * HDF5 also calls IS_ACCESSIBLE on every plugin when a native open fails, with whatever error stack
 * that open left: that stack is kept, and the check's own failure (carve's messages and the connector
 * below's) is added after it.
 */
static herr_t
file_specific_by_name(H5VL_file_specific_args_t *args, hid_t dxpl_id, void **req)
{
    /* By hand, not a CARVE_CLEANUP region: a region keeps carve's messages only, these are HDF5's too. */
    hid_t  before    = carve_error_save();
    herr_t ret_value = file_specific_by_name_below(args, dxpl_id, req);
    hid_t  failure   = ret_value < 0 ? carve_error_save() : H5I_INVALID_HID;

    if (failure >= 0 && before >= 0) {
        H5Eappend_stack(before, failure, true);
        carve_error_restore(before);
    }
    else
        carve_error_restore(failure >= 0 ? failure : before);
    return ret_value;
}

herr_t
carve_file_specific(void *file, H5VL_file_specific_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = file;
    hid_t        under_vol_id;
    herr_t       ret_value;

    if (args->op_type == H5VL_FILE_IS_ACCESSIBLE || args->op_type == H5VL_FILE_DELETE)
        return file_specific_by_name(args, dxpl_id, req);

    under_vol_id = o->under_vol_id; /* the call may close the object */
    ret_value    = H5VLfile_specific(o->under_object, under_vol_id, args, dxpl_id, req);
    if (ret_value < 0)
        return ret_value;
    if (args->op_type == H5VL_FILE_REOPEN && args->args.reopen.file && *args->args.reopen.file) {
        carve_obj_t *reopened = carve_obj_new(*args->args.reopen.file, o->ctx);

        if (!reopened)
            return -1;
        *args->args.reopen.file = reopened;
    }
    carve_wrap_request(req, o);
    return ret_value;
}

herr_t
carve_file_optional(void *file, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = file;
    herr_t       ret_value;

    if (o->ctx->mode->file_optional(o, args) > 0)
        return 0;
    ret_value = H5VLfile_optional(o->under_object, o->under_vol_id, args, dxpl_id, req);
    if (ret_value >= 0)
        carve_wrap_request(req, o);
    return ret_value;
}

herr_t
carve_file_close(void *file, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = file;
    herr_t       ret_value;

    ret_value = H5VLfile_close(o->under_object, o->under_vol_id, dxpl_id, req);
    if (ret_value >= 0) {
        carve_wrap_request(req, o);
        if (carve_obj_free(o) < 0)
            ret_value = -1;
    }
    return ret_value;
}
