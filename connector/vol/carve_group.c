/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_group.c — the group interface: create, open, get, specific (mount, flush, refresh), optional, close.
 */
#include "carve_mode.h"

void *
carve_group_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t lcpl_id,
                   hid_t gcpl_id, hid_t gapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_result(H5VLgroup_create(o->under_object, loc_params, o->under_vol_id, name, lcpl_id,
                                              gcpl_id, gapl_id, dxpl_id, req),
                             o, req);
}

void *
carve_group_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t gapl_id,
                 hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;
    carve_obj_t *opened;

    opened = carve_wrap_result(
        H5VLgroup_open(o->under_object, loc_params, o->under_vol_id, name, gapl_id, dxpl_id, req), o, req);
    (void)carve_obj_opened(opened, H5I_GROUP, gapl_id); /* only a dataset's can fail (carve_mode.h) */
    return opened;
}

herr_t
carve_group_get(void *obj, H5VL_group_get_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLgroup_get(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_group_specific(void *obj, H5VL_group_specific_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t               *o          = obj;
    H5VL_group_specific_args_t under_args = *args;

    /* MOUNT hands over the child file: the connector below wants its own object, not carve's. */
    if (args->op_type == H5VL_GROUP_MOUNT)
        under_args.args.mount.child_file = carve_under(args->args.mount.child_file);
    return carve_wrap_status(H5VLgroup_specific(o->under_object, o->under_vol_id, &under_args, dxpl_id, req),
                             o, req);
}

herr_t
carve_group_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLgroup_optional(o->under_object, o->under_vol_id, args, dxpl_id, req), o,
                             req);
}

herr_t
carve_group_close(void *grp, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = grp;
    herr_t       ret_value;

    ret_value = carve_wrap_status(H5VLgroup_close(o->under_object, o->under_vol_id, dxpl_id, req), o, req);
    if (ret_value >= 0 && carve_obj_free(o) < 0)
        ret_value = -1; /* the stack says why (carve_obj_free) */
    return ret_value;
}
