/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_mode.c — the off mode (every operation goes to the connector below unchanged), and the hooks
 * that change nothing, which the other modes' tables use where they have nothing to add.
 */
#include <stdlib.h>

#include "carve_mode.h"

/* Multi-dataset calls take arrays of objects; up to this many are unwrapped without allocating. */
#define MODE_STACK_COUNT 16

int
carve_mode_no_file_accessible(const char *name, const carve_config_t *cfg)
{
    (void)name, (void)cfg;
    return 0;
}

void *
carve_mode_no_file_open(carve_file_ctx_t *ctx, carve_file_open_t *how, int *pass_through)
{
    (void)ctx, (void)how;
    *pass_through = 1;
    return NULL;
}

herr_t
carve_mode_no_file_opened(carve_file_ctx_t *ctx, const carve_file_open_t *how, void *under_file)
{
    (void)ctx, (void)how, (void)under_file;
    return 0;
}

static herr_t
mode_off_file_finish(carve_file_ctx_t *ctx)
{
    (void)ctx;
    return 0;
}

int
carve_mode_no_file_get(carve_obj_t *file, H5VL_file_get_args_t *args)
{
    (void)file, (void)args;
    return 0;
}

int
carve_mode_no_file_optional(carve_obj_t *file, H5VL_optional_args_t *args)
{
    (void)file, (void)args;
    return 0;
}

const char *
carve_mode_no_carved_origin(const carve_file_ctx_t *ctx)
{
    (void)ctx;
    return "";
}

static herr_t
mode_off_object_opened(carve_obj_t *obj, H5I_type_t type, hid_t apl_id)
{
    (void)obj, (void)type, (void)apl_id;
    return 0;
}

herr_t
carve_mode_no_object_released(carve_obj_t *obj)
{
    (void)obj;
    return 0;
}

void
carve_mode_no_object_queried(carve_obj_t *loc, const H5O_info2_t *info)
{
    (void)loc, (void)info;
}

void
carve_mode_no_location_touched(carve_obj_t *obj, const H5VL_loc_params_t *loc_params)
{
    (void)obj, (void)loc_params;
}

void
carve_mode_no_attr_opened(carve_obj_t *parent, const H5VL_loc_params_t *loc_params, carve_obj_t *attr)
{
    (void)parent, (void)loc_params, (void)attr;
}

void
carve_mode_no_attr_read(carve_obj_t *attr)
{
    (void)attr;
}

int
carve_mode_no_dataset_get(carve_obj_t *dset, H5VL_dataset_get_args_t *args)
{
    (void)dset, (void)args;
    return 0;
}

int
carve_mode_no_dataset_optional(carve_obj_t *dset, H5VL_optional_args_t *args, hid_t dxpl_id)
{
    (void)dset, (void)args, (void)dxpl_id;
    return 0;
}

carve_under_read_t
carve_mode_under_read(carve_obj_t *first)
{
    carve_file_ctx_t   *ctx = first->ctx;
    const H5VL_class_t *cls = NULL;
    herr_t              got = -1;

    if (!ctx->under_read_known) {
        /* Tried and ignored: without the class, reads go through H5VLdataset_read. */
        CARVE_TRY_IGNORED(got = H5VLintrospect_get_conn_cls(first->under_object, first->under_vol_id,
                                                            H5VL_GET_CONN_LVL_CURR, &cls));
        ctx->under_read       = got >= 0 && cls ? cls->dataset_cls.read : NULL;
        ctx->under_read_known = 1;
    }
    return ctx->under_read;
}

herr_t
carve_mode_read_below(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                      hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    void              *stack[MODE_STACK_COUNT];
    void             **under = stack;
    carve_under_read_t read_below;
    herr_t             ret_value;

    if (count > MODE_STACK_COUNT && NULL == (under = malloc(count * sizeof *under))) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory for a %zu-dataset operation", count);
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        under[i] = carve_under(dset[i]);
    /* Every dataset of one call lives behind the same connector. */
    if ((read_below = carve_mode_under_read(dset[0])) != NULL)
        ret_value = read_below(count, under, mem_type_id, mem_space_id, file_space_id, plist_id, buf, req);
    else
        ret_value = H5VLdataset_read(count, under, ((carve_obj_t *)dset[0])->under_vol_id, mem_type_id,
                                     mem_space_id, file_space_id, plist_id, buf, req);
    ret_value = carve_wrap_status(ret_value, dset[0], req);
    if (under != stack)
        free(under);
    return ret_value;
}

const carve_mode_hooks_t carve_mode_off = {
    .name             = "off",
    .file_accessible  = carve_mode_no_file_accessible,
    .file_open        = carve_mode_no_file_open,
    .file_opened      = carve_mode_no_file_opened,
    .file_finish      = mode_off_file_finish,
    .file_get         = carve_mode_no_file_get,
    .file_optional    = carve_mode_no_file_optional,
    .carved_origin    = carve_mode_no_carved_origin,
    .object_opened    = mode_off_object_opened,
    .object_released  = carve_mode_no_object_released,
    .object_queried   = carve_mode_no_object_queried,
    .location_touched = carve_mode_no_location_touched,
    .attr_opened      = carve_mode_no_attr_opened,
    .attr_read        = carve_mode_no_attr_read,
    .dataset_read     = carve_mode_read_below,
    .dataset_get      = carve_mode_no_dataset_get,
    .dataset_optional = carve_mode_no_dataset_optional,
};
